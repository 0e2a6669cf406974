// Package token encodes schedules as replay tokens: one short line a person
// can paste into a command, versioned and checksummed so that a mistyped or
// truncated token is an error rather than a different run.
//
// A version 2 token is the unpadded base64url encoding of
//
//	version (1 byte) | flags (1 byte) | body | crc32 (4 bytes)
//	body: test (uvarint) | seed (uvarint) | epoch (uvarint) |
//	      latency (uvarint) | max steps (uvarint) | window (uvarint) |
//	      n (uvarint) | n decisions
//
// with the body compressed with DEFLATE when flags has bit 0 set (when
// that is shorter: long schedules repeat themselves),
// where test is a 32-bit FNV-1a hash of the test's name, seed the run's own
// seed, epoch the start of its virtual clock in Unix seconds, and a
// decision is uvarint((g+1)<<2 | hasCase<<1 | repeated) (g is -1 for the
// clock), then the case as a uvarint if hasCase, then the repeat count
// minus 2 if repeated. latency is the run's Latency in nanoseconds plus
// one (0: the automatic latency, engine.AutoLatency), max
// steps its step limit and window the steps its strategy chose: what
// besides the decisions shapes a run, so that a token replays as found
// whatever the flags of the command that replays it. Version 1 tokens,
// without them, still decode; Params is then false and the replay takes
// the settings it is given.
package token

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"io"
	"time"

	"github.com/interleave-go/interleave/harness/internal/engine"
)

// Version is the version of the tokens Encode writes.
const Version = 2

// A Schedule is what a token holds.
type Schedule struct {
	Test  uint32 // hash of the test name, see TestHash
	Seed  uint64
	Epoch int64 // Unix seconds
	// Params reports that the token carries the settings below (version
	// 2); Encode writes them always.
	Params    bool
	Latency   time.Duration
	MaxSteps  int
	Window    int // transitions the strategy chose (engine.Config.ExploreSteps)
	Decisions []engine.Decision
}

// TestHash is the hash of a test's name that tokens carry.
func TestHash(name string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(name))
	return h.Sum32()
}

// Encode returns the token of s, a version 2 token whatever s.Params.
func Encode(s Schedule) string {
	s.Params = true
	body := encodeBody(s)
	b := []byte{Version, 0}
	if z := deflate(body); len(z) < len(body) {
		b[1] |= flagDeflate
		body = z
	}
	b = append(b, body...)
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
	return base64.RawURLEncoding.EncodeToString(b)
}

const flagDeflate = 1

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func encodeBody(s Schedule) []byte {
	var b []byte
	b = binary.AppendUvarint(b, uint64(s.Test))
	b = binary.AppendUvarint(b, s.Seed)
	b = binary.AppendUvarint(b, uint64(max(s.Epoch, 0)))
	b = binary.AppendUvarint(b, uint64(max(s.Latency+1, 0)))
	b = binary.AppendUvarint(b, uint64(max(s.MaxSteps, 0)))
	b = binary.AppendUvarint(b, uint64(max(s.Window, 0)))
	b = binary.AppendUvarint(b, uint64(len(s.Decisions)))
	ds := s.Decisions
	for i := 0; i < len(ds); {
		d := ds[i]
		n := 1
		for i+n < len(ds) && ds[i+n] == d {
			n++
		}
		head := uint64(d.G+1) << 2
		if d.Case >= 0 {
			head |= 2
		}
		if n > 1 {
			head |= 1
		}
		b = binary.AppendUvarint(b, head)
		if d.Case >= 0 {
			b = binary.AppendUvarint(b, uint64(d.Case))
		}
		if n > 1 {
			b = binary.AppendUvarint(b, uint64(n-2))
		}
		i += n
	}
	return b
}

// ErrMalformed is wrapped by every error Decode returns.
var ErrMalformed = errors.New("malformed schedule token")

// maxDecisions bounds what a token may claim, so that a corrupt count
// cannot make Decode allocate without limit.
const maxDecisions = 1 << 24

// Decode parses a token.
func Decode(tok string) (Schedule, error) {
	var s Schedule
	if tok == "" {
		return s, fmt.Errorf("%w: empty", ErrMalformed)
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return s, fmt.Errorf("%w: not base64url (%v)", ErrMalformed, err)
	}
	if len(b) < 2+4 {
		return s, fmt.Errorf("%w: too short (%d bytes)", ErrMalformed, len(b))
	}
	if b[0] != 1 && b[0] != Version {
		return s, fmt.Errorf("%w: version %d, this interleave reads versions 1 and %d", ErrMalformed, b[0], Version)
	}
	body, sum := b[:len(b)-4], binary.BigEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return s, fmt.Errorf("%w: checksum mismatch (truncated or mistyped?)", ErrMalformed)
	}
	payload := body[2:]
	if body[1]&^flagDeflate != 0 {
		return s, fmt.Errorf("%w: unknown flags %#x", ErrMalformed, body[1])
	}
	if body[1]&flagDeflate != 0 {
		p, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(payload)), 64<<20))
		if err != nil {
			return s, fmt.Errorf("%w: compressed body: %v", ErrMalformed, err)
		}
		payload = p
	}
	d := decoder{b: payload}
	s.Test = uint32(d.uvarint(1<<32 - 1))
	s.Seed = d.uvarint(1<<64 - 1)
	s.Epoch = int64(d.uvarint(1 << 62))
	if b[0] >= 2 {
		s.Params = true
		s.Latency = time.Duration(d.uvarint(1<<62)) - 1
		s.MaxSteps = int(d.uvarint(1 << 40))
		s.Window = int(d.uvarint(1 << 40))
	}
	n := d.uvarint(limit)
	if n > maxDecisions {
		return s, fmt.Errorf("%w: claims %d decisions", ErrMalformed, n)
	}
	s.Decisions = make([]engine.Decision, 0, n)
	for uint64(len(s.Decisions)) < n && d.err == nil {
		head := d.uvarint(limit)
		dec := engine.Decision{G: int(head>>2) - 1, Case: -1}
		if head&2 != 0 {
			dec.Case = int(d.uvarint(limit))
		}
		rep := uint64(1)
		if head&1 != 0 {
			rep = d.uvarint(limit) + 2
		}
		if rep > n-uint64(len(s.Decisions)) {
			return s, fmt.Errorf("%w: decisions overrun the count", ErrMalformed)
		}
		for range rep {
			s.Decisions = append(s.Decisions, dec)
		}
	}
	if d.err != nil {
		return s, fmt.Errorf("%w: %v", ErrMalformed, d.err)
	}
	if len(d.b) != 0 {
		return s, fmt.Errorf("%w: %d trailing bytes", ErrMalformed, len(d.b))
	}
	return s, nil
}

type decoder struct {
	b   []byte
	err error
}

// limit bounds the numbers of a token besides its seed.
const limit = 1 << 40

func (d *decoder) uvarint(max uint64) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errors.New("truncated number")
		return 0
	}
	if v > max {
		d.err = fmt.Errorf("number %d out of range", v)
		return 0
	}
	d.b = d.b[n:]
	return v
}
