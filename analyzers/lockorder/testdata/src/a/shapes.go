package a

import "userprim"

type index struct {
	spin  userprim.SpinLock
	words []string
}

type shard struct {
	lk    userprim.RW
	wid   userprim.Widget
	items []string
}

// Flagged with shard.lk: hand-written locks, taken in opposite orders
// (shard.lk then index.spin below).
func (x *index) merge(s *shard) {
	x.spin.Lock()
	defer x.spin.Unlock()
	s.lk.Lock() // want `a.shard.lk acquired while holding a.index.spin, but a.shard.split \(shapes.go:\d+\) acquires them in the opposite order`
	x.words = append(x.words, s.items...)
	s.lk.Unlock()
}

func (s *shard) split(x *index) {
	s.lk.Lock()
	defer s.lk.Unlock()
	x.spin.Lock() // related information of the finding in merge
	s.items = x.words
	x.spin.Unlock()
}

// Silent: a Widget is no lock, whatever the order.
func (x *index) widget(s *shard) {
	s.wid.Lock()
	x.spin.Lock()
	x.spin.Unlock()
	s.wid.Unlock()
}

func (x *index) widget2(s *shard) {
	x.spin.Lock()
	s.wid.Lock()
	s.wid.Unlock()
	x.spin.Unlock()
}
