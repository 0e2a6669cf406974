package condwakeup

import "testing"

func TestOpenWakesWaiter(t *testing.T) {
	l := New()
	done := make(chan bool)
	go func() {
		l.Wait()
		done <- true
	}()
	l.Open()
	<-done
}
