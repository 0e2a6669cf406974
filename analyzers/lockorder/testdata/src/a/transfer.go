package a

import (
	"sync"
)

type wallet struct {
	mu  sync.Mutex
	bal int
}

// transfer locks from, then to.
func transfer(from, to *wallet, n int) {
	from.mu.Lock()
	defer from.mu.Unlock()
	to.mu.Lock() // want `to.mu acquired while holding from.mu, the same lock \(a.wallet.mu\) of another value: transfer is called with them both ways round \(lines \d+ and \d+\), and two such calls at once deadlock`
	defer to.mu.Unlock()
	from.bal -= n
	to.bal += n
}

// Flagged above: the two goroutines deadlock.
func pay(a, b *wallet) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); transfer(a, b, 1) }()
	go func() { defer wg.Done(); transfer(b, a, 1) }()
	wg.Wait()
}

type ledger struct{ wallets []*wallet }

// move locks two wallets of a ledger, picked by index.
func (w *wallet) move(to *wallet, n int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	to.mu.Lock() // want `to.mu acquired while holding w.mu, the same lock \(a.wallet.mu\) of another value: the call of move at line \d+ passes two elements of l.wallets, in either order`
	defer to.mu.Unlock()
	w.bal -= n
	to.bal += n
}

func (l *ledger) settle(i, j, n int) { l.wallets[i].move(l.wallets[j], n) }

// Silent: the two are always taken in one order, by their address.
func transferOrdered(from, to *wallet, n int) {
	first, second := from, to
	if uintptrOf(to) < uintptrOf(from) {
		first, second = to, from
	}
	first.mu.Lock()
	defer first.mu.Unlock()
	second.mu.Lock()
	defer second.mu.Unlock()
	from.bal -= n
	to.bal += n
}

func uintptrOf(w *wallet) uintptr { return 0 }

func payOrdered(a, b *wallet) {
	go transferOrdered(a, b, 1)
	go transferOrdered(b, a, 1)
}

type node struct {
	mu       sync.Mutex
	children []*node
}

// Silent: a parent, then its child; nothing calls it the other way.
func adopt(parent, child *node) {
	parent.mu.Lock()
	defer parent.mu.Unlock()
	child.mu.Lock()
	defer child.mu.Unlock()
	parent.children = append(parent.children, child)
}

func build(root *node) {
	for i := 0; i < 3; i++ {
		adopt(root, &node{})
	}
}
