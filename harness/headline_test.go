package harness

import "testing"

// TestHeadline: a report opens with a line that says what broke, also
// when the message has several lines and starts with a blank one, as
// testify's do.
func TestHeadline(t *testing.T) {
	testify := "\n\tError Trace:\tx_test.go:12\n\tError:      \tNot equal: \n\t            \texpected: 3\n\t            \tactual  : 0\n\tTest:       \tTestX\n"
	for _, c := range []struct{ msg, head, rest string }{
		{"all goroutines are blocked", "all goroutines are blocked", ""},
		{testify, "Not equal: expected: 3 actual  : 0", testify[:len(testify)-1]},
		{"\n\tError Trace:\tx_test.go:9\n\tError:      \tReceived unexpected error:\n\t            \tpool overload\n\tTest:       \tTestY\n\tMessages:   \tsubmit\n",
			"Received unexpected error: pool overload", "\n\tError Trace:\tx_test.go:9\n\tError:      \tReceived unexpected error:\n\t            \tpool overload\n\tTest:       \tTestY\n\tMessages:   \tsubmit"},
		{"\n\nfirst\nsecond", "first", "\n\nfirst\nsecond"},
		{"not linearizable: ...\nhistory by goroutine", "not linearizable: ...\nhistory by goroutine", ""},
	} {
		head, rest := headline(c.msg)
		if head != c.head || rest != c.rest {
			t.Errorf("headline(%q) = %q, %q; want %q, %q", c.msg, head, rest, c.head, c.rest)
		}
	}
}
