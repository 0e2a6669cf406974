package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// statsVersion is the version of the stats file format.
const statsVersion = 1

// corpusStats is what one fuzz worker did for one package: the file
// testdata/interleave/.stats-seed-S[-shard-I-of-N].json of its corpus.
// Only that worker writes it; merging keeps one file a worker.
type corpusStats struct {
	Version      int      `json:"version"`
	Package      string   `json:"package"`
	Seed         uint64   `json:"seed"`
	Shard        string   `json:"shard,omitempty"`
	Explorations int64    `json:"explorations"`
	Runs         int64    `json:"runs"`
	Pairs        []string `json:"pairs"` // ordered pairs of conflicting operations seen
}

// statsName is the name of the stats file of a worker. It starts with a
// dot: the harness and WalkCorpus take the other files for findings.
func statsName(seed uint64, shard string) string {
	name := ".stats-seed-" + strconv.FormatUint(seed, 10)
	if i, n, err := parseShard(shard); err == nil {
		name += fmt.Sprintf("-shard-%d-of-%d", i, n)
	}
	return name + ".json"
}

func isStatsFile(name string) bool {
	return strings.HasPrefix(name, ".stats-") && strings.HasSuffix(name, ".json")
}

func (st *corpusStats) marshal() ([]byte, error) {
	data, err := json.MarshalIndent(st, "", "  ")
	return append(data, '\n'), err
}

func parseStats(data []byte) (*corpusStats, error) {
	var st corpusStats
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("not a stats file: %v", err)
	}
	if st.Version != statsVersion || st.Package == "" {
		return nil, fmt.Errorf("not a stats file of version %d", statsVersion)
	}
	return &st, nil
}

func readStatsFile(path string) (*corpusStats, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	st, err := parseStats(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return st, nil
}

// writeFileAtomic writes data to path through a temporary file beside
// it, so that a reader, or a worker killed while writing, sees the whole
// file or none.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644) // as a file written the usual way
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// dirsOf returns the corpus directories of stats file paths.
func dirsOf(paths []string) []string {
	var out []string
	for _, p := range paths {
		if d := filepath.Dir(p); len(out) == 0 || out[len(out)-1] != d {
			out = append(out, d)
		}
	}
	return out
}

// statsTotal sums up the stats files of corpora: the workers, their runs
// and the pairs of conflicting operations any of them saw.
func statsTotal(corpora []string) string {
	workers, runs, pairs := map[string]bool{}, int64(0), map[string]bool{}
	for _, c := range corpora {
		entries, _ := os.ReadDir(c)
		for _, e := range entries {
			if !isStatsFile(e.Name()) {
				continue
			}
			st, err := readStatsFile(filepath.Join(c, e.Name()))
			if err != nil {
				continue
			}
			workers[statsName(st.Seed, st.Shard)] = true
			runs += st.Runs
			for _, p := range st.Pairs {
				pairs[st.Package+" "+p] = true
			}
		}
	}
	return fmt.Sprintf("%d packages fuzzed by %d workers, %d runs, coverage: %d ordered pairs of conflicting operations", len(corpora), len(workers), runs, len(pairs))
}
