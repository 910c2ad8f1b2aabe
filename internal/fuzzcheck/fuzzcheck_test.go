package fuzzcheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// recorder is a testing.TB that records a failure instead of stopping.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = format
}

func TestCheckFailsASlowInput(t *testing.T) {
	if raceEnabled {
		t.Skip("the time bound is off under the race detector")
	}
	t.Setenv("SENDFLOW_FUZZ_SLOW", "10ms")
	b := Start()
	time.Sleep(30 * time.Millisecond)
	r := &recorder{TB: t}
	b.Check(r)
	if r.failed == "" {
		t.Fatal("an input slower than the bound passed")
	}
	t.Setenv("SENDFLOW_FUZZ_SLOW", "off")
	r = &recorder{TB: t}
	b.Check(r)
	if r.failed != "" {
		t.Fatal("the time bound applied although it is off")
	}
}

var sink [][]byte

func TestCheckFailsAnInputThatAllocatesTooMuch(t *testing.T) {
	b := Start()
	for i := 0; i < (MaxAlloc>>20)+8; i++ {
		sink = append(sink, make([]byte, 1<<20))
	}
	sink = nil
	r := &recorder{TB: t}
	b.Check(r)
	if r.failed == "" {
		t.Fatal("an input allocating past MaxAlloc passed")
	}
	b = Start()
	r = &recorder{TB: t}
	b.Check(r)
	if r.failed != "" {
		t.Fatalf("an input allocating nothing failed: %s", r.failed)
	}
}

func TestSlowDefault(t *testing.T) {
	t.Setenv("SENDFLOW_FUZZ_SLOW", "")
	if Slow() != DefaultSlow {
		t.Fatalf("Slow() = %v, want the default %v", Slow(), DefaultSlow)
	}
	t.Setenv("SENDFLOW_FUZZ_SLOW", "5s")
	if Slow() != 5*time.Second {
		t.Fatalf("Slow() = %v, want 5s", Slow())
	}
}

// TestMakeFuzzRunsEveryTarget: `make fuzz` runs the targets `make
// fuzz-targets` lists; that list must hold every fuzz target of the module,
// found here by parsing the Go files (a target the Makefile's search
// missed is a target nobody fuzzes).
func TestMakeFuzzRunsEveryTarget(t *testing.T) {
	root := filepath.Join("..", "..")
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	var want []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Fuzz") || len(fn.Type.Params.List) != 1 {
				continue
			}
			if star, ok := fn.Type.Params.List[0].Type.(*ast.StarExpr); ok {
				if sel, ok := star.X.(*ast.SelectorExpr); ok && sel.Sel.Name == "F" {
					rel, _ := filepath.Rel(root, filepath.Dir(p))
					want = append(want, "./"+filepath.ToSlash(rel)+" "+fn.Name.Name)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		want[i] = strings.Replace(w, "./. ", ". ", 1)
	}
	sort.Strings(want)
	cmd := exec.Command("make", "-s", "--no-print-directory", "fuzz-targets")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("make fuzz-targets: %v", err)
	}
	got := strings.Split(strings.TrimSpace(string(out)), "\n")
	sort.Strings(got)
	if len(want) < 10 {
		t.Fatalf("found only %d fuzz targets by parsing: %v", len(want), want)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("make fuzz-targets lists\n%s\nbut the module has\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
