package golden

import (
	"fmt"
	"sync"
)

func init() {
	register("sync.Map", func() string {
		var m sync.Map
		m.Store("a", 1)
		v, _ := m.LoadOrStore("a", 2)
		m.Store("b", 3)
		m.Delete("b")
		_, loaded := m.LoadAndDelete("b")
		m.CompareAndSwap("a", 1, 4)
		n := 0
		m.Range(func(k, v any) bool { n++; return true })
		got, _ := m.Load("a")
		return fmt.Sprint(v, loaded, n, got)
	})
}
