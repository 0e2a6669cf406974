package b37

import "errors"

type Limiter struct {
	slots chan struct{}
}

func New(n int) *Limiter { return &Limiter{slots: make(chan struct{}, n)} }

func (l *Limiter) Do(f func() error) error {
	l.slots <- struct{}{}
	if f == nil {
		return errors.New("nil func") // BUG: slot never given back
	}
	err := f()
	<-l.slots
	return err
}
