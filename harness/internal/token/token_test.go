package token_test

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/interleave-go/interleave/harness/internal/engine"
	"github.com/interleave-go/interleave/harness/internal/token"
)

func TestRoundTrip(t *testing.T) {
	cases := []token.Schedule{
		{},
		{Test: token.TestHash("TestX"), Seed: 42},
		{Test: 9, Seed: 5, Latency: 250 * time.Millisecond, MaxSteps: 5000, Window: 40},
		{Test: 7, Seed: 1 << 40, Epoch: 1795000000, Decisions: []engine.Decision{{G: -1, Case: -1}, {G: 0, Case: -1}, {G: 1, Case: -1}, {G: 1, Case: -1}, {G: 1, Case: -1}, {G: 2, Case: 0}, {G: 2, Case: 3}, {G: 300, Case: -1}}},
	}
	long := token.Schedule{Seed: 3}
	for i := range 1000 {
		long.Decisions = append(long.Decisions, engine.Decision{G: i % 3, Case: i%5 - 1})
	}
	cases = append(cases, long)
	for i, s := range cases {
		tok := token.Encode(s)
		got, err := token.Decode(tok)
		require.NoError(t, err, "case %d", i)
		if len(s.Decisions) == 0 {
			s.Decisions = []engine.Decision{}
		}
		s.Params = true
		require.Equal(t, s, got, "case %d: token %s", i, tok)
	}
}

func TestLongSchedulesAreCompressed(t *testing.T) {
	s := token.Schedule{}
	for i := range 100000 {
		s.Decisions = append(s.Decisions, engine.Decision{G: i % 2, Case: -1})
	}
	tok := token.Encode(s)
	if len(tok) > 2000 {
		t.Errorf("100,000 alternating decisions: token of %d characters, want at most 2000", len(tok))
	}
	got, err := token.Decode(tok)
	if err != nil || len(got.Decisions) != len(s.Decisions) || got.Decisions[99999] != s.Decisions[99999] {
		t.Fatalf("round trip of a compressed token: %v, %d decisions", err, len(got.Decisions))
	}
}

func TestRepeatsAreCompact(t *testing.T) {
	s := token.Schedule{}
	for range 500 {
		s.Decisions = append(s.Decisions, engine.Decision{G: 1, Case: -1})
	}
	if tok := token.Encode(s); len(tok) > 24 {
		t.Errorf("500 identical decisions: token %q has %d characters, want at most 24", tok, len(tok))
	}
}

func TestDecodeRejectsBadTokens(t *testing.T) {
	good := token.Encode(token.Schedule{Seed: 9, Decisions: []engine.Decision{{G: 1, Case: -1}, {G: 2, Case: 1}}})
	flipped := []byte(good)
	flipped[3] ^= 1
	cases := map[string]string{
		"":                      "empty",
		"!!!":                   "not base64url",
		"AQ":                    "too short",
		good[:len(good)-2]:      "",
		string(flipped):         "",
		"Aw" + good[2:]:         "version 3",
		good + "A":              "",
		strings.Repeat("A", 40): "",
	}
	for tok, want := range cases {
		_, err := token.Decode(tok)
		if err == nil {
			t.Errorf("Decode(%q) = nil error, want an error", tok)
			continue
		}
		if !errors.Is(err, token.ErrMalformed) {
			t.Errorf("Decode(%q) = %v, want an ErrMalformed", tok, err)
		}
		if want != "" && !strings.Contains(err.Error(), want) {
			t.Errorf("Decode(%q) = %v, want it to mention %q", tok, err, want)
		}
	}
}

// TestVersion1TokensStillDecode: a replay line printed by an older
// interleave still replays, with the settings of the command.
func TestVersion1TokensStillDecode(t *testing.T) {
	body := []byte{1, 0}
	for _, v := range []uint64{7, 42, 1795000000, 2, 1 << 2, 3<<2 | 2, 1} {
		body = binary.AppendUvarint(body, v) // test, seed, epoch, 2 decisions: g0; g2 case 1
	}
	tok := base64.RawURLEncoding.EncodeToString(binary.BigEndian.AppendUint32(body, crc32.ChecksumIEEE(body)))
	got, err := token.Decode(tok)
	require.NoError(t, err)
	require.Equal(t, token.Schedule{Test: 7, Seed: 42, Epoch: 1795000000,
		Decisions: []engine.Decision{{G: 0, Case: -1}, {G: 2, Case: 1}}}, got)
}

func FuzzDecode(f *testing.F) {
	f.Add(token.Encode(token.Schedule{Seed: 1, Decisions: []engine.Decision{{G: 1, Case: -1}}}))
	f.Add("AQ")
	f.Fuzz(func(t *testing.T, tok string) {
		s, err := token.Decode(tok)
		if err != nil {
			return
		}
		if again := token.Encode(s); again != tok {
			if _, err := token.Decode(again); err != nil {
				t.Fatalf("re-encoding %q gives undecodable %q: %v", tok, again, err)
			}
		}
	})
}
