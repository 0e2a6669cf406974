package engine

import (
	"fmt"
	"path/filepath"
	"runtime"
	"sort"
	"unsafe"
)

// coverage records which pairs of conflicting operations the runs saw in
// each order: two operations on one object by different goroutines, one
// right after the other, named by the source lines that performed them.
// It measures how much of the space of interleavings an exploration (or a
// night of fuzzing) has touched.
type coverage struct {
	last  map[unsafe.Pointer]lastAccess // this run's latest access of each object
	pairs map[[2]uintptr]struct{}
	ours  map[uintptr]bool // program counter -> inside the harness
}

type lastAccess struct {
	g  int
	pc uintptr
}

func newCoverage() *coverage {
	return &coverage{last: make(map[unsafe.Pointer]lastAccess), pairs: make(map[[2]uintptr]struct{}), ours: make(map[uintptr]bool)}
}

// access records that goroutine h performed an operation on obj. It runs
// on the goroutine, which holds the baton; the race detector must not see
// the maps pass from goroutine to goroutine.
func (c *coverage) access(h *Handle, obj unsafe.Pointer) {
	raceDisable()
	defer raceEnable()
	pc := c.userPC(h.pending)
	if pc == 0 {
		return
	}
	if l, ok := c.last[obj]; ok && l.g != h.id {
		c.pairs[[2]uintptr{l.pc, pc}] = struct{}{}
	}
	c.last[obj] = lastAccess{g: h.id, pc: pc}
}

// userPC returns the first program counter of pcs outside the harness.
func (c *coverage) userPC(pcs []uintptr) uintptr {
	for _, pc := range pcs {
		ours, ok := c.ours[pc]
		if !ok {
			fn := runtime.FuncForPC(pc - 1)
			ours = fn == nil || ourPackages[funcPackage(fn.Name())]
			c.ours[pc] = ours
		}
		if !ours {
			return pc
		}
	}
	return 0
}

// Coverage returns the ordered pairs of conflicting operations the
// explorer's runs have seen, as "file:line -> file:line", sorted; nil
// unless Config.Coverage was set.
func (x *Explorer) Coverage() []string {
	if x.cov == nil {
		return nil
	}
	lines := make(map[uintptr]string)
	line := func(pc uintptr) string {
		if s, ok := lines[pc]; ok {
			return s
		}
		s := "?"
		if f, ok := userFrame([]uintptr{pc}); ok {
			s = fmt.Sprintf("%s:%d", filepath.Base(f.File), f.Line)
		}
		lines[pc] = s
		return s
	}
	set := make(map[string]bool)
	for p := range x.cov.pairs {
		set[line(p[0])+" -> "+line(p[1])] = true
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}
