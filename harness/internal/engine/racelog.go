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
	raceLog.Lock()
	defer raceLog.Unlock()
	data, err := os.ReadFile(path)
	if err != nil || int64(len(data)) <= raceLog.offset {
		return "(the race detector's report is in " + path + ")"
	}
	report := string(data[raceLog.offset:])
	raceLog.offset = int64(len(data))
	return strings.TrimSpace(report)
}
