package b21

import "sync"

type Session struct {
	sync.Mutex
	token string
}

func (s *Session) Refresh(newToken string) bool {
	s.Lock()
	if newToken == s.token {
		return false // BUG
	}
	s.token = newToken
	s.Unlock()
	return true
}
