package docgen_test

import (
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sendflow/sendflow/internal/docgen"
)

// docFiles are the Markdown files a reader of a clone follows links in:
// README.md, docs/*.md and every README.md under examples/.
func docFiles(t *testing.T) []string {
	files := []string{"README.md"}
	md, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range md {
		files = append(files, "docs/"+filepath.Base(f))
	}
	err = filepath.WalkDir(filepath.Join(root, "examples"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "node_modules" {
			return filepath.SkipDir
		}
		if !d.IsDir() && d.Name() == "README.md" {
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// inRepository says whether a path is in the repository as git sees it
// (tracked, or new and not ignored): a file that exists only on this machine
// (built, ignored) is missing from a clone. Without git it is nil and only
// existence is checked.
func inRepository(t *testing.T) func(string) bool {
	out, err := exec.Command("git", "-C", root, "ls-files", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Logf("git ls-files failed (%v): checking only that link targets exist", err)
		return nil
	}
	files, dirs := map[string]bool{}, map[string]bool{".": true}
	for _, f := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		files[f] = true
		for d := path.Dir(f); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	return func(rel string) bool { return files[rel] || dirs[rel] }
}

// Every relative link of the documentation resolves in a clone: to a file
// or directory of the repository, and an #anchor to a heading of the
// target. No link leaves the repository.
func TestDocLinksResolve(t *testing.T) {
	exists := inRepository(t)
	n := 0
	for _, f := range docFiles(t) {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range docgen.Links(f, data) {
			n++
			if why := docgen.CheckLink(root, l, exists); why != "" {
				t.Errorf("%s:%d: link %s: %s", l.File, l.Line, l.Target, why)
			}
		}
	}
	if n < 20 {
		t.Errorf("found only %d links: is the link finder broken?", n)
	}
}
