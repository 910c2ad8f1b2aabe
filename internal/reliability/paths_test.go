package reliability_test

import (
	"path/filepath"
	"sort"
	"testing"
)

// repoRoot is the repository root as seen from this package's directory
// (go test runs a package's tests in its own directory).
const repoRoot = "../.."

// repoPath turns a slash-separated path from the repository root
// ("examples/policies/kent.yaml") into one this package's tests can open.
func repoPath(rel string) string {
	return filepath.Join(repoRoot, filepath.FromSlash(rel))
}

// repoGlob matches the slash-separated patterns from the repository root and
// returns the matches, sorted, as slash-separated paths from the root (so
// names made from them do not depend on where the tests run).
func repoGlob(t testing.TB, patterns ...string) []string {
	t.Helper()
	var out []string
	for _, pat := range patterns {
		ms, err := filepath.Glob(repoPath(pat))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			rel, err := filepath.Rel(repoRoot, m)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, filepath.ToSlash(rel))
		}
	}
	sort.Strings(out)
	return out
}
