package engine

import (
	"fmt"
	"os"
	"strings"
	"sync"
)

// raceLog reads the race detector's reports when GORACE names a log_path
// (interleave test -race sets it): the reports then go to
// <log_path>.<pid> instead of standard error, and a failure of kind race
// can quote them. Without it the report says where to look.
var raceLog struct {
	sync.Mutex
	offset int64
}

func raceLogPath() string {
	for _, opt := range strings.Fields(os.Getenv("GORACE")) {
		if v, ok := strings.CutPrefix(opt, "log_path="); ok && v != "" && v != "stdout" && v != "stderr" {
			return fmt.Sprintf("%s.%d", v, os.Getpid())
		}
	}
	return ""
}

// raceReport returns what the race detector has written since the last
// call.
func raceReport() string {
	path := raceLogPath()
	if path == "" {
		return "(the race detector's report is on standard error, above this report)"
	}
	data, err := os.ReadFile(path)
	raceLog.Lock()
	from := raceLog.offset
	if err == nil && int64(len(data)) > from {
		raceLog.offset = int64(len(data))
	}
	raceLog.Unlock()
	if err != nil || int64(len(data)) <= from {
		return "(the race detector's report is in " + path + ")"
	}
	return cleanRaceReport(strings.TrimSpace(string(data[from:])))
}

// cleanRaceReport drops the harness's own frames from the race detector's
// report: the goroutines of a run start in the engine and call the
// program through the runtime ABI, frames that say nothing to the person
// reading about a race in their code.
func cleanRaceReport(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if fn, ok := raceFrame(l); ok && i+1 < len(lines) && strings.HasPrefix(lines[i+1], "      ") {
			if ourPackages[funcPackage(fn)] {
				i++ // and its file:line
				continue
			}
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// raceFrame returns the function of a frame line of a race report
// ("  pkg.F()").
func raceFrame(l string) (string, bool) {
	if !strings.HasPrefix(l, "  ") || strings.HasPrefix(l, "   ") {
		return "", false
	}
	fn := strings.TrimSpace(l)
	if !strings.HasSuffix(fn, ")") {
		return "", false
	}
	return strings.TrimSuffix(fn, "()"), true
}

// RaceKey names the race a report of kind race shows by the places of its
// two accesses, so that shrinking keeps a schedule only if it shows the
// same race, not another one. It is "" when the report is not at hand
// (the race detector wrote it to standard error).
func RaceKey(details string) string {
	var places []string
	lines := strings.Split(details, "\n")
	for i := 0; i < len(lines); i++ {
		head := lines[i]
		if !strings.HasSuffix(head, ":") || !strings.Contains(head, " at 0x") {
			continue // "Read at 0x... by goroutine 7:", "Previous write at ..."
		}
		for j := i + 1; j+1 < len(lines); j++ {
			fn, ok := raceFrame(lines[j])
			if !ok {
				break
			}
			if !ourPackages[funcPackage(fn)] {
				file := strings.TrimSpace(lines[j+1])
				if k := strings.LastIndex(file, " +0x"); k >= 0 {
					file = file[:k]
				}
				places = append(places, file)
				break
			}
			j++
		}
		if len(places) == 2 {
			break
		}
	}
	if len(places) < 2 {
		return ""
	}
	if places[0] > places[1] {
		places[0], places[1] = places[1], places[0]
	}
	return places[0] + " " + places[1]
}
