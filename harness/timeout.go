package harness

import (
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// go test's -timeout bounds a whole test binary, and interleave test
// explores every test for up to its budget (-time, 10 s by default): a
// package of a hundred tests would die of the timeout for exploring as it
// was told to. So interleave test runs go test with -timeout=0 and hands
// the timeout to the harness (-interleave.timeout), which applies it to
// the time the binary spends outside explorations, and to each
// exploration alone: a test that hangs is still stopped, and a package
// may have as many tests as it likes.

var flagTimeout = flagDuration("interleave.timeout", "bound the time a test binary spends outside explorations, and each exploration (interleave test sets it from go test's -timeout)")

// flagDuration registers a duration flag whose value is also read from
// the command line at start-up: the watch starts before flags are parsed.
func flagDuration(name, usage string) time.Duration {
	var d time.Duration
	for _, a := range os.Args[1:] {
		if v, ok := strings.CutPrefix(strings.TrimLeft(a, "-"), name+"="); ok {
			d, _ = time.ParseDuration(v)
		}
	}
	flag.Duration(name, d, usage)
	return d
}

// timeouts is the binary's watch: whether an exploration runs, since
// when, and how long the binary has spent outside explorations.
var timeouts timeoutWatch

type timeoutWatch struct {
	sync.Mutex
	exploring int           // explorations under way
	since     time.Time     // when the first of them began
	test      string        // its test
	outside   time.Duration // the time spent outside explorations
	last      time.Time     // the last look
}

func init() {
	if flagTimeout > 0 {
		timeouts.last = time.Now()
		go watchTimeout(flagTimeout)
	}
}

// exploring marks an exploration of test as under way; the function it
// returns marks its end.
func exploring(test string) (done func()) {
	timeouts.Lock()
	defer timeouts.Unlock()
	timeouts.account(time.Now())
	if timeouts.exploring == 0 {
		timeouts.since, timeouts.test = time.Now(), test
	}
	timeouts.exploring++
	return func() {
		timeouts.Lock()
		defer timeouts.Unlock()
		timeouts.account(time.Now())
		timeouts.exploring--
	}
}

// account adds the time since the last look to the time outside
// explorations, if none was under way. The caller holds the lock.
func (w *timeoutWatch) account(now time.Time) {
	if w.exploring == 0 && !w.last.IsZero() {
		w.outside += now.Sub(w.last)
	}
	w.last = now
}

func watchTimeout(limit time.Duration) {
	for {
		time.Sleep(min(limit/10, time.Second))
		timeouts.Lock()
		now := time.Now()
		timeouts.account(now)
		var msg string
		switch {
		case timeouts.exploring > 0 && now.Sub(timeouts.since) > limit:
			msg = fmt.Sprintf("interleave: test timed out: exploring %s for %v (-timeout %v applies to each exploration)", timeouts.test, now.Sub(timeouts.since).Round(time.Millisecond), limit)
		case timeouts.outside > limit:
			msg = fmt.Sprintf("interleave: test binary timed out: %v outside explorations (-timeout %v applies to the time a test binary spends outside explorations)", timeouts.outside.Round(time.Millisecond), limit)
		}
		timeouts.Unlock()
		if msg != "" {
			debug.SetTraceback("all")
			panic(msg)
		}
	}
}
