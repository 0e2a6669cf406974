package b33

import "sync"

type Inventory struct {
	mu     sync.Mutex
	stock  map[string]int
	orders *Orders
}

type Orders struct {
	mu   sync.Mutex
	list []string
	inv  *Inventory
}

func (i *Inventory) count(item string) int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.stock[item]
}

func (o *Orders) add(item string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.list = append(o.list, item)
}

func (i *Inventory) Reserve(item string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.stock[item]--
	i.orders.add(item)
}

func (o *Orders) Validate() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, it := range o.list {
		if o.inv.count(it) < 0 { // BUG: Orders.mu then Inventory.mu, Reserve takes the other order
			return false
		}
	}
	return true
}
