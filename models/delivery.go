package models

import (
	"fmt"
	"sync"

	"github.com/interleave-go/interleave/harness"
)

// A Delivery is a monitor of an event's promise to its waiters: a Set
// wakes every goroutine that was waiting when it was called. The test
// runs the event's Set and Wait through the monitor, which sees when each
// starts and ends:
//
//	d := models.EventDelivery(t)
//	go func() { d.Set(ev.Set) }()
//	err := d.Wait(func() error { return ev.Wait(ctx) })
//
// Two checks follow. When a Wait returns an error (its context is done),
// the run fails if the Wait started before a Set started and that Set has
// returned: the waiter was woken, so it must return nil. And when the run
// is over, it fails if such a Wait has not returned at all. That a waiter
// is woken does not depend on a Clear after the Set.
//
// The second check runs with T.Verify, which the harness runs only after
// a run that ended without another failure; a waiter left blocked in Wait
// is usually a deadlock or a leak first, reported with its state. A Wait
// that gives up after a timeout turns the lost wakeup into the first
// check's failure, which names the waiter and the goroutine that set the
// event.
//
// A Delivery is safe for concurrent use, inside a run or outside one. Its
// judgement is exact inside a run, where no other goroutine runs between
// the moment the event's Wait returns and the moment the monitor sees it
// return; outside, a Set that returns in between would be taken for a
// wakeup that Wait ignored.
type Delivery struct {
	mu      sync.Mutex
	t       *harness.T
	clock   int
	sets    []setCall
	waiters []*waitCall
}

type setCall struct {
	g          int
	start, end int // end is 0 while Set runs
}

type waitCall struct {
	g          int
	start, end int
}

// EventDelivery returns a monitor of event delivery. The check that no
// woken waiter is left blocked runs when the run is over (t.Verify).
func EventDelivery(t *harness.T) *Delivery {
	d := &Delivery{t: t}
	t.Verify(d.Check)
	return d
}

// tick returns the next instant of the monitor's logical clock. d.mu must
// be held.
func (d *Delivery) tick() int {
	d.clock++
	return d.clock
}

// Set calls set, the event's Set, and records when it started and
// returned.
func (d *Delivery) Set(set func()) {
	g := harness.Goroutine()
	d.mu.Lock()
	i := len(d.sets)
	d.sets = append(d.sets, setCall{g: g, start: d.tick()})
	d.mu.Unlock()
	set()
	d.mu.Lock()
	d.sets[i].end = d.tick()
	d.mu.Unlock()
}

// Wait calls wait, the event's Wait, and returns its error. If it returns
// an error although a Set that started after it has returned, the run
// fails with a message naming the waiter and the goroutine that set the
// event, and the calling goroutine ends.
func (d *Delivery) Wait(wait func() error) error {
	w := &waitCall{g: harness.Goroutine()}
	d.mu.Lock()
	w.start = d.tick()
	d.waiters = append(d.waiters, w)
	d.mu.Unlock()
	err := wait()
	d.mu.Lock()
	w.end = d.tick()
	set, woken := d.wokenBy(w)
	d.mu.Unlock()
	if err != nil && woken {
		d.t.Invariantf("event delivery: %s was waiting when %s set the event, yet its Wait returned %v",
			gname(w.g), gname(set.g), err)
	}
	return err
}

// wokenBy returns the first Set that started after w started and has
// returned before now. d.mu must be held.
func (d *Delivery) wokenBy(w *waitCall) (setCall, bool) {
	for _, s := range d.sets {
		if s.start > w.start && s.end != 0 {
			return s, true
		}
	}
	return setCall{}, false
}

// Check returns an error naming a waiter that a Set woke (it was waiting
// when a Set started, and the Set has returned) but that has not returned
// from Wait. EventDelivery registers it to run when the run is over; a
// test may also call it where every waiter should be done.
func (d *Delivery) Check() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, w := range d.waiters {
		if w.end != 0 {
			continue
		}
		if s, ok := d.wokenBy(w); ok {
			return fmt.Errorf("event delivery: %s was waiting when %s set the event, and its Wait had not returned when the run ended",
				gname(w.g), gname(s.g))
		}
	}
	return nil
}
