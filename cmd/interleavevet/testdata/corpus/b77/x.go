package b77

import (
	"database/sql"
	"sync"
)

type Repo struct {
	mu    sync.Mutex
	db    *sql.DB
	cache map[int]string
}

func (r *Repo) Name(id int) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n, ok := r.cache[id]; ok {
		return n, nil
	}
	var n string
	err := r.db.QueryRow("SELECT name FROM users WHERE id = ?", id).Scan(&n) // BUG: DB round trip under the lock
	if err == nil {
		r.cache[id] = n
	}
	return n, err
}
