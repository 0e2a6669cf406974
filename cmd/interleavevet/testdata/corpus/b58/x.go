package b58

import (
	"net/http"
	"sync"
)

type Client struct {
	mu    sync.Mutex
	hc    *http.Client
	token string
}

func (c *Client) refresh() error {
	resp, err := c.hc.Get("https://example.com/token")
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

func (c *Client) Token() (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token == "" {
		if err := c.refresh(); err != nil { // BUG: HTTP under the lock
			return "", err
		}
	}
	return c.token, nil
}
