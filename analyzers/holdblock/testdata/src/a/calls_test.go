package a

import "testing"

// A test makes an unbuffered channel of the reply channels' type, to
// exercise the broker with it: that says nothing of the broker's own
// channels, all made with a buffer (answer stays silent).
func TestReplies(t *testing.T) {
	b := newBroker(1)
	ch := make(chan error)
	b.replies[1] = ch
	go b.answer(1, nil)
	<-ch
}
