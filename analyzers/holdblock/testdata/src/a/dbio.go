package a

import (
	"database/sql"
	"sync"
)

type repo struct {
	mu    sync.Mutex
	db    *sql.DB
	names map[int]string
}

// Flagged: a database round trip under the lock.
func (r *repo) name(id int) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n, ok := r.names[id]; ok {
		return n, nil
	}
	var n string
	err := r.db.QueryRow("SELECT name FROM users WHERE id = ?", id).Scan(&n) // want `sql.DB.QueryRow while holding r.mu`
	if err == nil {
		r.names[id] = n
	}
	return n, err
}

// Silent: the query runs with the lock released.
func (r *repo) nameOutside(id int) (string, error) {
	r.mu.Lock()
	n, ok := r.names[id]
	r.mu.Unlock()
	if ok {
		return n, nil
	}
	err := r.db.QueryRow("SELECT name FROM users WHERE id = ?", id).Scan(&n)
	if err == nil {
		r.mu.Lock()
		r.names[id] = n
		r.mu.Unlock()
	}
	return n, err
}
