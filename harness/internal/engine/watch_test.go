package engine

import "testing"

func TestClassify(t *testing.T) {
	cases := map[string]holderState{
		"goroutine 7 [chan receive]:\nmain.f()\n":                    holderBlocked,
		"goroutine 7 [select, 2 minutes]:\nmain.f()\n":               holderBlocked,
		"goroutine 7 [sync.Mutex.Lock]:\nsync.(*Mutex).Lock()\n":     holderBlocked,
		"goroutine 7 [IO wait]:\ninternal/poll.runtime_pollWait()\n": holderBlocked,
		"goroutine 7 [syscall]:\nsyscall.Syscall6()\n":               holderSlow,
		"goroutine 7 [running]:\nmain.spin()\n":                      holderBusy,
		"goroutine 7 [runnable]:\nmain.spin()\n":                     holderBusy,
		"goroutine 7 [chan receive]:\nos/exec.(*Cmd).Wait(0xc000)\n\t/usr/local/go/src/os/exec/exec.go:921\nmain.TestChild()\n": holderSlow,
		"goroutine 7 [semacquire]:\nsync.runtime_Semacquire()\nos.(*Process).Wait(0x1)\n":                                       holderSlow,
	}
	for stack, want := range cases {
		if got := classify(stack); got != want {
			t.Errorf("classify(%q) = %d, want %d", stack, got, want)
		}
	}
}
