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

// Order takes n items, checking and taking under one write lock.
func (inv *Inventory) Order(n int) error {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if inv.stock < n {
		return ErrOutOfStock
	}
	inv.stock -= n
	return nil
}

// Stock returns the items left.
func (inv *Inventory) Stock() int {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	return inv.stock
}
