package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// exampleNames are the buggy examples; each has its fixed twin in fixed/.
var exampleNames = []string{"accounts", "counter", "inventory", "jobqueue", "pipeline", "ratelimit"}

// buildInterleave builds the command into a temporary directory.
func buildInterleave(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../../../..")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "interleave")
	build := exec.Command("go", "build", "-o", bin, "./cmd/interleave")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runAll runs the commands at once and returns their outputs.
func runAll(t *testing.T, cmds []*exec.Cmd) []string {
	t.Helper()
	outs := make([]bytes.Buffer, len(cmds))
	var wg sync.WaitGroup
	for i, c := range cmds {
		c.Stdout, c.Stderr = &outs[i], &outs[i]
		wg.Go(func() {
			if err := c.Run(); err != nil && c.ProcessState.ExitCode() != 1 {
				t.Errorf("%s: %v (exit %d), want exit 0 or 1 (findings):\n%s", strings.Join(c.Args, " "), err, c.ProcessState.ExitCode(), outs[i].String())
			}
		})
	}
	wg.Wait()
	res := make([]string, len(cmds))
	for i := range outs {
		res[i] = outs[i].String()
	}
	return res
}

// checkMergedExamples checks that a copy of examples/ holds exactly one
// finding for each buggy example and none for the fixed twins.
func checkMergedExamples(t *testing.T, dir, out string) {
	t.Helper()
	perPkg := map[string]int{}
	for path := range corpus(t, dir) {
		perPkg[path[:strings.Index(path, "/testdata/")]]++
	}
	for _, ex := range exampleNames {
		if perPkg[ex] != 1 {
			t.Errorf("%s: %d findings after the merge, want 1\n%s", ex, perPkg[ex], out)
		}
		if perPkg[ex+"/fixed"] != 0 {
			t.Errorf("%s/fixed: %d findings after the merge, want none", ex, perPkg[ex+"/fixed"])
		}
	}
	if n := len(regexp.MustCompile(`(?m)^new: `).FindAllString(out, -1)); n != len(exampleNames) || !strings.Contains(out, fmt.Sprintf("%d new findings", len(exampleNames))) {
		t.Errorf("merge announced %d new findings, want a line for each of %d and their count:\n%s", n, len(exampleNames), out)
	}
}

var explorationLine = regexp.MustCompile(`(?m)^interleave fuzz: exploration (\d+): (\S+ \S+), strategy (\S+), seed (\d+)$`)

// TestFuzzShardsMergeIntoOneCorpus is issue 16's first "done": two shards
// of one fuzz over copies of examples/, run at once, merged into a third
// copy, hold each buggy example's finding once and nothing for the fixed
// twins; the shards ran no exploration twice; a second merge changes
// nothing.
func TestFuzzShardsMergeIntoOneCorpus(t *testing.T) {
	bin := buildInterleave(t)
	start := time.Now()
	var dirs []string
	var cmds []*exec.Cmd
	for i := range 2 {
		dir := copyExamples(t)
		dirs = append(dirs, dir)
		c := exec.Command(bin, "fuzz", "-shard", fmt.Sprintf("%d/2", i), "-seed", "16", "-v", "-parallel", "1", "-chunk", "2s", "-duration", "40s", "./...")
		c.Dir = dir
		cmds = append(cmds, c)
	}
	outs := runAll(t, cmds)
	t.Logf("two shards of a 40s fuzz (issue 16 asks for 40s), built and run at once: %s", time.Since(start).Round(time.Second))

	// The shards' explorations are disjoint, by number and by what they
	// run, and both went through tests of both kinds.
	ran := map[string]int{}
	for i, out := range outs {
		ms := explorationLine.FindAllStringSubmatch(out, -1)
		if len(ms) == 0 {
			t.Fatalf("shard %d printed no explorations:\n%s", i, out)
		}
		kinds := map[bool]bool{}
		for _, m := range ms {
			for _, key := range []string{"#" + m[1], m[2] + " " + m[3] + " " + m[4]} {
				if j, ok := ran[key]; ok {
					t.Errorf("%s run by shards %d and %d", key, j, i)
				}
				ran[key] = i
			}
			kinds[strings.Contains(m[2], "/fixed ")] = true
		}
		if len(kinds) != 2 {
			t.Errorf("shard %d explored only buggy or only fixed examples:\n%s", i, out)
		}
		if !regexp.MustCompile(fmt.Sprintf(`(?m)^interleave fuzz: shard %d/2 of seed 16, \S+, \d+ runs`, i)).MatchString(out) {
			t.Errorf("shard %d printed no summary:\n%s", i, out)
		}
	}

	// Both shards usually find most bugs (each explores every test, with
	// other strategies): the merge is what makes them one corpus.
	t.Logf("findings before the merge: shard 0 %d, shard 1 %d", len(corpus(t, dirs[0])), len(corpus(t, dirs[1])))
	dst := copyExamples(t)
	code, out := run(t, dst, "corpus", "merge", dirs[0], dirs[1])
	if code != 0 {
		t.Fatalf("corpus merge = exit %d, want 0:\n%s", code, out)
	}
	checkMergedExamples(t, dst, out)
	// Both workers' stats are kept, for every package.
	for _, ex := range exampleNames {
		for i := range 2 {
			if _, err := readStatsFile(filepath.Join(dst, ex, "fixed", "testdata", "interleave", statsName(16, fmt.Sprintf("%d/2", i)))); err != nil {
				t.Errorf("stats of shard %d of %s/fixed after the merge: %v", i, ex, err)
			}
		}
	}
	if !regexp.MustCompile(`stats: 12 packages fuzzed by 2 workers, \d+ runs`).MatchString(out) {
		t.Errorf("the merge does not sum up the stats of 12 packages and 2 workers:\n%s", out)
	}

	before := treeHash(t, dst)
	code, out = run(t, dst, "corpus", "merge", dirs[1], dirs[0])
	if code != 0 || !strings.Contains(out, "nothing new") {
		t.Errorf("second merge = exit %d, want 0 and nothing new:\n%s", code, out)
	}
	if treeHash(t, dst) != before {
		t.Errorf("the second merge changed files")
	}
	code, out = run(t, dst, "corpus", "list", "./...")
	for _, ex := range exampleNames {
		if !regexp.MustCompile(`(?m)^Test\w+ +[a-z-]+ +.+ +` + ex + `/testdata/interleave/Test\w+/[0-9a-f]{16}$`).MatchString(out) {
			t.Errorf("corpus list has no line for %s:\n%s", ex, out)
		}
	}
	if code != 0 || strings.Contains(out, "fixed/testdata") {
		t.Errorf("corpus list = exit %d, want 0 and the buggy examples' findings only:\n%s", code, out)
	}
}

// jobManifest is what the test reads of the Indexed Job.
type jobManifest struct {
	Spec struct {
		CompletionMode string `yaml:"completionMode"`
		Completions    int    `yaml:"completions"`
		Parallelism    int    `yaml:"parallelism"`
		Template       struct {
			Spec struct {
				Containers []struct {
					Command []string `yaml:"command"`
					Args    []string `yaml:"args"`
					Env     []struct {
						Name  string `yaml:"name"`
						Value string `yaml:"value"`
					} `yaml:"env"`
					VolumeMounts []struct {
						MountPath string `yaml:"mountPath"`
					} `yaml:"volumeMounts"`
				} `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

// kubeExpand expands $(VAR) references as the kubelet does in a
// container's command and args: a defined variable is replaced, $$ is a
// $, anything else stays.
func kubeExpand(s string, env map[string]string) string {
	return regexp.MustCompile(`\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)`).ReplaceAllStringFunc(s, func(m string) string {
		if m == "$$" {
			return "$"
		}
		if v, ok := env[m[2:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

// TestIndexedJobManifestRunsAsShards is issue 16's second "done": the
// worker command of examples/ci/kubernetes/fuzz-job.yaml, run here as its
// completions processes with JOB_COMPLETION_INDEX 0 to n-1 (a shorter
// DURATION, one exploration at a time, the volume a temporary directory),
// leaves corpora that merge into each buggy example's finding once.
func TestIndexedJobManifestRunsAsShards(t *testing.T) {
	root, err := filepath.Abs("../../../..")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "examples", "ci", "kubernetes", "fuzz-job.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var job jobManifest
	if err := yaml.Unmarshal(data, &job); err != nil {
		t.Fatalf("fuzz-job.yaml: %v", err)
	}
	spec := job.Spec
	if spec.CompletionMode != "Indexed" || spec.Completions < 2 || spec.Parallelism < 1 || len(spec.Template.Spec.Containers) != 1 {
		t.Fatalf("fuzz-job.yaml: completionMode %q, completions %d, parallelism %d, %d containers; want an Indexed Job of at least 2 completions and one container",
			spec.CompletionMode, spec.Completions, spec.Parallelism, len(spec.Template.Spec.Containers))
	}
	ctr := spec.Template.Spec.Containers[0]
	env := map[string]string{}
	for _, e := range ctr.Env {
		env[e.Name] = e.Value
	}
	if env["SHARDS"] != fmt.Sprint(spec.Completions) {
		t.Errorf("fuzz-job.yaml: SHARDS = %q, want completions, %d", env["SHARDS"], spec.Completions)
	}
	mounted := false
	for _, m := range ctr.VolumeMounts {
		mounted = mounted || m.MountPath == env["CORPUS"]
	}
	if !mounted {
		t.Errorf("fuzz-job.yaml: CORPUS = %q is not a volume of the container", env["CORPUS"])
	}
	words := append(append([]string{}, ctr.Command...), ctr.Args...)
	if !regexp.MustCompile(`interleave fuzz .*-shard \$\(JOB_COMPLETION_INDEX\)/\$\(SHARDS\) `).MatchString(strings.Join(words, " ")) {
		t.Fatalf("fuzz-job.yaml: the worker does not run interleave fuzz -shard $(JOB_COMPLETION_INDEX)/$(SHARDS): %q", words)
	}

	bin := buildInterleave(t)
	volume := t.TempDir()
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	gocache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	env["DURATION"], env["PARALLEL"] = "10s", "1"
	env["CORPUS"], env["TOOLS"] = volume, filepath.Dir(bin)
	start := time.Now()
	var cmds []*exec.Cmd
	for i := range spec.Completions {
		podEnv := map[string]string{"JOB_COMPLETION_INDEX": fmt.Sprint(i)}
		for k, v := range env {
			podEnv[k] = v
		}
		var argv []string
		for _, w := range words {
			argv = append(argv, kubeExpand(w, podEnv))
		}
		c := exec.Command(argv[0], argv[1:]...)
		c.Dir = copyExamples(t) // the checkout at workingDir
		// The script moves the user cache to the volume; the test keeps
		// the warm caches of the build and of the instrumentation.
		c.Env = append(os.Environ(), "GOCACHE="+strings.TrimSpace(string(gocache)), cacheEnv+"="+filepath.Join(cache, "interleave"))
		for k, v := range podEnv {
			c.Env = append(c.Env, k+"="+v)
		}
		cmds = append(cmds, c)
	}
	outs := runAll(t, cmds)
	t.Logf("%d workers of the Indexed Job, at once: %s", len(cmds), time.Since(start).Round(time.Second))
	var shards []string
	for i, out := range outs {
		want := fmt.Sprintf("shard-%d", i)
		if _, err := os.Stat(filepath.Join(volume, want, "go.mod")); err != nil {
			t.Fatalf("worker %d left no %s on the volume: %v\n%s", i, want, err, out)
		}
		shards = append(shards, filepath.Join(volume, want))
	}
	dst := copyExamples(t)
	code, out := run(t, dst, append([]string{"corpus", "merge"}, shards...)...)
	if code != 0 {
		t.Fatalf("corpus merge = exit %d, want 0:\n%s", code, out)
	}
	checkMergedExamples(t, dst, out)
	if want := fmt.Sprintf("fuzzed by %d workers", spec.Completions); !strings.Contains(out, want) {
		t.Errorf("the merge does not count %d workers:\n%s", spec.Completions, out)
	}
}
