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
	return strings.TrimSpace(string(data[from:]))
}
