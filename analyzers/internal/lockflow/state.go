package lockflow

import (
	"fmt"
	"go/constant"
	"go/token"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/interleave-go/interleave/analyzers/internal/syncapi"
)

// state is what one path knows: the locks it touched, the locks that
// deferred calls release, and the facts learnt from branches.
type state struct {
	locks    []Lock   // sorted by key
	deferred []string // sorted
	facts    []fact   // sorted by term
}

// A fact records the value of a term on the path: a boolean or
// whether a pointer-like value is nil.
type fact struct {
	term string
	val  factVal
}

type factVal uint8

const (
	isFalse factVal = iota + 1
	isTrue
	isNil
	isNonNil
)

func (s *state) clone() *state {
	return &state{locks: slices.Clone(s.locks), deferred: slices.Clone(s.deferred), facts: slices.Clone(s.facts)}
}

func (s *state) find(key string) int {
	for i := range s.locks {
		if s.locks[i].Key.String() == key {
			return i
		}
	}
	return -1
}

// get returns the lock named k, with status Entry if the path has not
// touched it.
func (s *state) get(k syncapi.Key) Lock {
	if i := s.find(k.String()); i >= 0 {
		return s.locks[i]
	}
	return Lock{Key: k}
}

func (s *state) set(l Lock) {
	if i := s.find(l.Key.String()); i >= 0 {
		s.locks[i] = l
		return
	}
	s.locks = append(s.locks, l)
	slices.SortFunc(s.locks, func(a, b Lock) int { return strings.Compare(a.Key.String(), b.Key.String()) })
}

func (s *state) addDeferred(k string) {
	if i, found := slices.BinarySearch(s.deferred, k); !found {
		s.deferred = slices.Insert(s.deferred, i, k)
	}
}

// addDeferredRelease records a deferred release of k. Deferred calls run
// last first: a deferred acquire of k registered before it runs after
// it, on a lock it has released (defer mu.RLock() to give the caller its
// read lock back, then mu.Lock() and defer mu.Unlock()).
func (s *state) addDeferredRelease(k string) {
	if i, found := slices.BinarySearch(s.deferred, DeferredAcquire+k); found {
		s.deferred = slices.Delete(s.deferred, i, i+1)
	}
	s.addDeferred(k)
}

func (s *state) fact(term string) factVal {
	for _, f := range s.facts {
		if f.term == term {
			return f.val
		}
	}
	return 0
}

func (s *state) setFact(term string, v factVal) {
	for i := range s.facts {
		if s.facts[i].term == term {
			s.facts[i].val = v
			return
		}
	}
	s.facts = append(s.facts, fact{term, v})
	slices.SortFunc(s.facts, func(a, b fact) int { return strings.Compare(a.term, b.term) })
}

// forget drops the facts whose term mentions sub.
func (s *state) forget(sub string) {
	if len(s.facts) == 0 {
		return
	}
	s.facts = slices.DeleteFunc(s.facts, func(f fact) bool { return strings.Contains(f.term, sub) })
}

// redefine forgets what the path knew about the previous value of v,
// which a loop is computing again: facts about it, and locks reached
// through it (in hand-over-hand locking, p.mu is another lock at each
// step).
func (s *state) redefine(v ssa.Value) {
	s.forget(valTerm(v))
	if len(s.locks) == 0 {
		return
	}
	name := v.Name()
	s.locks = slices.DeleteFunc(s.locks, func(l Lock) bool {
		r := l.Key.Root
		return (len(r) > 2 && r[2:] == name && (r[:2] == "v:" || r[:2] == "a:")) || strings.Contains(l.Key.Path, "["+name+"]")
	})
}

// encode spells the state for the set of visited (block, state) pairs.
func (s *state) encode(w *walker) string {
	var b strings.Builder
	for _, l := range s.locks {
		fmt.Fprintf(&b, "%s=%d,%t,%d,%d,%s;", l.Key.String(), l.Status, l.Read, w.id(l.Acq), w.id(l.Rel), l.cond)
	}
	b.WriteByte('|')
	for _, d := range s.deferred {
		b.WriteString(d)
		b.WriteByte(';')
	}
	b.WriteByte('|')
	for _, f := range s.facts {
		fmt.Fprintf(&b, "%s=%d;", f.term, f.val)
	}
	return b.String()
}

// term spells a value so that two SSA values computing the same thing
// from the same variables (two loads of s.closed, two comparisons
// x == nil) get the same term.
func term(v ssa.Value) string {
	switch v := v.(type) {
	case *ssa.Const:
		if v.Value == nil {
			return "nil"
		}
		return "c:" + v.Value.ExactString()
	case *ssa.UnOp:
		if v.Op == token.MUL {
			if k, ok := syncapi.KeyOf(v.X, nil); ok {
				return "m:" + k.String() + ";"
			}
		}
	case *ssa.BinOp:
		switch v.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
			return "(" + term(v.X) + v.Op.String() + term(v.Y) + ")"
		}
	}
	return valTerm(v)
}

// valTerm is the term of v as a register, which a redefinition of v
// invalidates.
func valTerm(v ssa.Value) string {
	if g, ok := v.(*ssa.Global); ok {
		return "g:" + g.String() + ";"
	}
	return "v:" + v.Name() + ";"
}

// eval returns the value of a boolean condition if the path knows it.
func (s *state) eval(c ssa.Value) (val, known bool) {
	if f := s.fact(term(c)); f == isTrue || f == isFalse {
		return f == isTrue, true
	}
	switch c := c.(type) {
	case *ssa.Const:
		if c.Value != nil && c.Value.Kind() == constant.Bool {
			return constant.BoolVal(c.Value), true
		}
	case *ssa.UnOp:
		if c.Op == token.NOT {
			v, ok := s.eval(c.X)
			return !v, ok
		}
	case *ssa.BinOp:
		if c.Op != token.EQL && c.Op != token.NEQ {
			break
		}
		x, y := c.X, c.Y
		if isNilConst(x) {
			x, y = y, x
		}
		if isNilConst(y) {
			switch s.fact(term(x)) {
			case isNil:
				return c.Op == token.EQL, true
			case isNonNil:
				return c.Op == token.NEQ, true
			}
		}
		if b, ok := boolConst(y); ok {
			if v, ok := s.eval(x); ok {
				return (v == b) == (c.Op == token.EQL), true
			}
		}
	}
	return false, false
}

// assume records that condition c has value val on this path.
func (s *state) assume(c ssa.Value, val bool) {
	if _, ok := c.(*ssa.Const); ok {
		return
	}
	s.setFact(term(c), boolFact(val))
	switch c := c.(type) {
	case *ssa.UnOp:
		if c.Op == token.NOT {
			s.assume(c.X, !val)
		}
	case *ssa.BinOp:
		if c.Op != token.EQL && c.Op != token.NEQ {
			break
		}
		x, y := c.X, c.Y
		if isNilConst(x) {
			x, y = y, x
		}
		eq := val == (c.Op == token.EQL)
		if isNilConst(y) {
			if eq {
				s.setFact(term(x), isNil)
			} else {
				s.setFact(term(x), isNonNil)
			}
		} else if b, ok := boolConst(y); ok {
			s.assume(x, b == eq)
		}
	}
	s.resolve()
}

// resolve settles pending acquires whose outcome the facts now tell.
func (s *state) resolve() {
	for i := range s.locks {
		l := &s.locks[i]
		if l.Status != Pending {
			continue
		}
		var ok, known bool
		switch s.fact(l.cond) {
		case isTrue, isNil:
			ok, known = true, true
		case isFalse, isNonNil:
			ok, known = false, true
		}
		if !known {
			continue
		}
		if ok {
			l.Status = Held
		} else {
			l.Status = Failed
		}
		l.cond = ""
	}
}

// outcome classifies a returned value: "ok" (nil, true), "fail"
// (non-nil, false) or "".
func (s *state) outcome(v ssa.Value) string {
	if isNilConst(v) {
		return "ok"
	}
	if b, ok := boolConst(v); ok {
		if b {
			return "ok"
		}
		return "fail"
	}
	switch s.fact(term(v)) {
	case isTrue, isNil:
		return "ok"
	case isFalse, isNonNil:
		return "fail"
	}
	return ""
}

func boolFact(b bool) factVal {
	if b {
		return isTrue
	}
	return isFalse
}

func isNilConst(v ssa.Value) bool {
	c, ok := v.(*ssa.Const)
	return ok && c.Value == nil
}

func boolConst(v ssa.Value) (bool, bool) {
	c, ok := v.(*ssa.Const)
	if !ok || c.Value == nil || c.Value.Kind() != constant.Bool {
		return false, false
	}
	return constant.BoolVal(c.Value), true
}
