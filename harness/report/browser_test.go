//go:build unix

package report_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image/png"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/interleave-go/interleave/harness/report"
)

var flagScreenshots = flag.String("screenshots", "", "also keep the browser test's screenshots in this `directory`")

// TestWriteHTMLBrowser renders the deadlock's page in headless Chromium:
// the browser must build the tree the page means (each goroutine's boxes in
// its lane), and draw it.
func TestWriteHTMLBrowser(t *testing.T) {
	bin := chromium(t)
	f, err := report.ReadFile("testdata/deadlock.json")
	require.NoError(t, err)
	dir := t.TempDir()
	page := filepath.Join(dir, "deadlock.html")
	out, err := os.Create(page)
	require.NoError(t, err)
	require.NoError(t, report.WriteHTML(out, f))
	require.NoError(t, out.Close())
	pageURL := (&url.URL{Scheme: "file", Path: page}).String()

	t.Run("dump-dom", func(t *testing.T) {
		t.Parallel()
		dom := string(runChromium(t, bin, "--dump-dom", pageURL))
		has(t, dom, `<title>deadlock: TestTransfersBothWays (interleave)</title>`)
		assert.Equal(t, []string{"0", "1", "2"}, laneIDs(dom), "lanes in the DOM")
		for _, s := range f.Steps {
			lane := element(t, dom, fmt.Sprintf(`class="lane" data-g="%d"`, s.G))
			has(t, lane, fmt.Sprintf(`data-step="%d"`, s.Step), "g%d's lane in the DOM", s.G)
		}
		for g, want := range map[int]string{1: "blocked: Lock to.mu#2 (held by g2)", 2: "blocked: Lock to.mu#1 (held by g1)"} {
			lane := element(t, dom, fmt.Sprintf(`class="lane" data-g="%d"`, g))
			blocked := element(t, lane, `class="blocked failing"`)
			has(t, blocked, want, "g%d's blocked box in the DOM", g)
			has(t, blocked, "accounts.go:22", "g%d's blocked box in the DOM", g)
			// Goroutines and objects go by the names the program has.
			has(t, element(t, lane, `class="head"`), fmt.Sprintf("g%d Transfer", g), "g%d's lane head in the DOM", g)
		}
		for step, obj := range map[int]string{2: "wg", 6: "from.mu#1", 8: "from.mu#2"} {
			box := element(t, dom, fmt.Sprintf(`data-step="%d"`, step))
			has(t, box, `<span class="obj">`+obj+`</span>`, "step %d in the DOM", step)
		}
		assert.Equal(t, []string{"8"}, failingSteps(dom), "failing steps in the DOM")
	})

	t.Run("screenshot", func(t *testing.T) {
		t.Parallel()
		shot := filepath.Join(t.TempDir(), "deadlock.png")
		runChromium(t, bin, "--screenshot="+shot, "--window-size=1280,900", pageURL)
		t.Logf("screenshot: %s", shot)
		data, err := os.ReadFile(shot)
		require.NoError(t, err, "the screenshot")
		if *flagScreenshots != "" {
			require.NoError(t, os.MkdirAll(*flagScreenshots, 0o755))
			kept := filepath.Join(*flagScreenshots, "deadlock.png")
			require.NoError(t, os.WriteFile(kept, data, 0o644))
			t.Logf("screenshot kept: %s", kept)
		}
		img, err := png.Decode(bytes.NewReader(data))
		require.NoError(t, err, "decoding the screenshot")
		b := img.Bounds()
		require.Equal(t, [2]int{1280, 900}, [2]int{b.Dx(), b.Dy()}, "screenshot size")

		colours := map[[3]uint32]bool{}
		var ink, hatch int // pixels not white; pixels of the blocked bars' stripes
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bl, _ := img.At(x, y).RGBA()
				r, g, bl = r>>8, g>>8, bl>>8
				colours[[3]uint32{r, g, bl}] = true
				if r < 245 || g < 245 || bl < 245 {
					ink++
				}
				if near(r, 0xfb) && near(g, 0xd9) && near(bl, 0xd9) {
					hatch++
				}
			}
		}
		area := b.Dx() * b.Dy()
		t.Logf("%d colours, %.1f%% ink, %d pixels of blocked bars", len(colours), 100*float64(ink)/float64(area), hatch)
		if len(colours) < 50 || ink < area/50 {
			t.Errorf("screenshot looks blank: %d colours, %d of %d pixels not white", len(colours), ink, area)
		}
		if hatch < 2000 {
			t.Errorf("screenshot: %d pixels of the blocked bars' colour, want at least 2000 (three bars)", hatch)
		}
	})
}

func near(c, want uint32) bool { return c+4 >= want && c <= want+4 }

// chromium returns the browser to run: $INTERLEAVE_CHROMIUM, or the first
// of the usual names on the PATH.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("INTERLEAVE_CHROMIUM"); p != "" {
		bin, err := exec.LookPath(p)
		if err != nil {
			t.Fatalf("INTERLEAVE_CHROMIUM: %v", err)
		}
		return bin
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if bin, err := exec.LookPath(name); err == nil {
			return bin
		}
	}
	t.Skip("no chromium, chromium-browser or google-chrome on the PATH to draw the page with: install one (apt-get install chromium) or set INTERLEAVE_CHROMIUM to its path")
	return ""
}

// runChromium runs headless Chromium with its own profile and nothing that
// reaches the network, and returns its standard output. Chromium's chatter
// on standard error is shown only if it fails.
func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	args = append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(),
	}, args...)
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// On a timeout, end Chromium's helper processes too: they are in its
	// process group.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err := cmd.Run()
	t.Logf("%s %s: %v", filepath.Base(bin), strings.Join(args[len(args)-2:], " "), time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Fatalf("%s: %v (after %v)\nstderr:\n%s", strings.Join(cmd.Args, " "), err, time.Since(start).Round(time.Millisecond), tail(&stderr, 4000))
	}
	return stdout.Bytes()
}

// tail returns the last n bytes of b.
func tail(b *bytes.Buffer, n int) string {
	data, _ := io.ReadAll(b)
	if len(data) > n {
		data = data[len(data)-n:]
	}
	return string(data)
}
