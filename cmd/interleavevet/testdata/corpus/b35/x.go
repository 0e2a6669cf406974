package b35

import (
	"net"
	"sync"
)

type Client struct {
	mu   sync.Mutex
	conn net.Conn
}

func (c *Client) Send(b []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := c.conn.Write(b) // BUG? network write under lock (serialising writes is common)
	return err
}

func (c *Client) Reconnect(addr string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	conn, err := net.Dial("tcp", addr) // BUG: dial under the lock
	if err != nil {
		return err
	}
	c.conn = conn
	return nil
}
