package scenario

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/goccy/go-yaml/parser"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/internal/yamlsafe"
)

// Loader returns the target for a scenario's policy. policyRef is the
// scenario's policy key ("default", empty, or a path relative to baseDir,
// the directory of the scenario file).
type Loader func(policyRef string, baseDir string) (Target, error)

var (
	defaultOnce   sync.Once
	defaultEngine *sdk.Engine
	defaultErr    error

	overlayMu sync.Mutex
	overlays  = map[string]overlay{}
)

type overlay struct {
	engine *sdk.Engine
	err    error
}

// DefaultLoader compiles the native engine: "default" (or empty) is the
// embedded policy, compiled once; any other value is an overlay file relative
// to baseDir, compiled on top of the default (and on top of the file it
// extends, see PolicySources) once per absolute path.
func DefaultLoader(policyRef, baseDir string) (Target, error) {
	if isDefault(policyRef) {
		defaultOnce.Do(func() { defaultEngine, defaultErr = sdk.Compile() })
		if defaultErr != nil {
			return nil, defaultErr
		}
		return defaultEngine, nil
	}
	path := policyPath(policyRef, baseDir)
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	overlayMu.Lock()
	defer overlayMu.Unlock()
	o, ok := overlays[abs]
	if !ok {
		var srcs []sdk.PolicySource
		if srcs, o.err = PolicySources(path); o.err == nil {
			o.engine, o.err = sdk.Compile(srcs...)
		}
		overlays[abs] = o
	}
	if o.err != nil {
		return nil, o.err
	}
	return o.engine, nil
}

// MemoryLoader returns a loader that reads no files: "default" (or empty)
// is the embedded policy; any other reference is looked up in policies,
// keyed by the path DefaultLoader would read (the reference joined to the
// scenario file's directory and cleaned, slash-separated), and compiled on
// top of the default under that name, so diagnostics match the native CLI.
// Each overlay is compiled once per loader.
func MemoryLoader(policies map[string][]byte) Loader {
	var mu sync.Mutex
	cache := map[string]overlay{}
	return func(policyRef, baseDir string) (Target, error) {
		if isDefault(policyRef) {
			return DefaultLoader(policyRef, baseDir)
		}
		path := filepath.ToSlash(policyPath(policyRef, baseDir))
		mu.Lock()
		defer mu.Unlock()
		o, ok := cache[path]
		if !ok {
			var srcs []sdk.PolicySource
			if srcs, o.err = MemoryPolicySources(policies, path); o.err == nil {
				o.engine, o.err = sdk.Compile(srcs...)
			}
			cache[path] = o
		}
		if o.err != nil {
			return nil, o.err
		}
		return o.engine, nil
	}
}

// errNoPolicy is a missing overlay in MemoryLoader: errors.Is(err, fs.ErrNotExist).
type errNoPolicy struct{}

func (errNoPolicy) Error() string        { return "no such file or directory" }
func (errNoPolicy) Is(target error) bool { return target == fs.ErrNotExist }

func isDefault(ref string) bool { return ref == "" || ref == "default" }

func policyPath(ref, baseDir string) string {
	if filepath.IsAbs(ref) {
		return filepath.Clean(ref)
	}
	return filepath.Join(baseDir, filepath.FromSlash(ref))
}

// policyKey identifies a policy across scenario files: "default", or the
// overlay's absolute path.
func policyKey(ref, baseDir string) string {
	if isDefault(ref) {
		return "default"
	}
	p := policyPath(ref, baseDir)
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

// Report is the result of running a set of scenario files.
type Report struct {
	// Results has one entry per scenario, in file order.
	Results []Result `json:"results"`
	Passed  int      `json:"passed"`
	Failed  int      `json:"failed"`
	// Fired counts the successful firings of each trigger over all scenarios.
	Fired map[string]int `json:"fired"`
	// Triggers is every trigger of every policy the scenarios ran on.
	Triggers []string `json:"triggers"`
	// Unfired lists the triggers that no scenario fired successfully.
	Unfired []string `json:"unfired"`
	// Skipped lists files found in directories that are not scenarios
	// (policy overlays kept beside them, for instance).
	Skipped []string `json:"skipped,omitempty"`
}

// OK reports whether every scenario passed.
func (r Report) OK() bool { return r.Failed == 0 }

// RunFiles runs every scenario in paths. A path is a file (one scenario, or a
// YAML stream of several) or a directory, searched recursively for *.yaml,
// *.yml and *.json in sorted order; files in directories whose top level has
// neither steps nor case are skipped. It returns an error, before running
// anything, when a path cannot be read or a file is not a valid scenario; a
// policy that fails to load fails its scenarios instead. A nil load means
// DefaultLoader.
func RunFiles(paths []string, load Loader) (Report, error) {
	if load == nil {
		load = DefaultLoader
	}
	files, err := expand(paths)
	if err != nil {
		return Report{Results: []Result{}, Fired: map[string]int{}, Triggers: []string{}, Unfired: []string{}}, err
	}
	srcs := make([]Source, 0, len(files))
	for _, f := range files {
		data, err := readCapped(f.path)
		if err != nil {
			return Report{Results: []Result{}, Fired: map[string]int{}, Triggers: []string{}, Unfired: []string{}}, err
		}
		srcs = append(srcs, Source{Path: f.path, Data: data, Explicit: f.explicit})
	}
	return RunSources(srcs, load)
}

// readCapped reads a file, or its first MaxFileBytes+1 bytes when it is
// larger (ParseAll refuses it without reading the rest).
func readCapped(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
}

// Source is one scenario file already read: its path (used in results and
// to resolve overlay paths), its contents, and whether it was named
// explicitly (a file found in a directory that has neither steps nor case
// at its top level is skipped).
type Source struct {
	Path     string
	Data     []byte
	Explicit bool
}

// RunSources is RunFiles over files already in memory, for hosts without a
// file system (the WebAssembly builds): the same report, the same order.
// A nil load means DefaultLoader.
func RunSources(files []Source, load Loader) (Report, error) {
	if load == nil {
		load = DefaultLoader
	}
	rep := Report{Results: []Result{}, Fired: map[string]int{}, Triggers: []string{}, Unfired: []string{}}
	var all []*Scenario
	for _, f := range files {
		data := f.Data
		if !f.Explicit && !looksLikeScenario(data) {
			rep.Skipped = append(rep.Skipped, f.Path)
			continue
		}
		ss, err := ParseAll(f.Path, data)
		if err != nil {
			return rep, err
		}
		all = append(all, ss...)
	}

	type loaded struct {
		t   Target
		err error
	}
	targets := map[string]loaded{}
	var keys []string
	for _, s := range all {
		dir := filepath.Dir(s.File)
		key := policyKey(s.Policy, dir)
		l, ok := targets[key]
		if !ok {
			if err := protect(func() { l.t, l.err = load(s.Policy, dir) }); err != nil {
				l.err = fmt.Errorf("loading the policy panicked: %v", err)
			}
			if l.err == nil && l.t == nil {
				l.err = fmt.Errorf("no engine")
			}
			targets[key] = l
			keys = append(keys, key)
		}
		var res Result
		if l.err != nil {
			res = Result{File: s.File, Name: s.Name, Policy: policyName(s.Policy), Fired: []string{}}
			res.fail(0, Step{}, []Mismatch{{Check: "policy", Expected: "a policy that loads", Actual: "error",
				Message: fmt.Sprintf("policy %s: %v", policyName(s.Policy), l.err)}})
		} else {
			res = Run(s, l.t)
		}
		for _, trig := range res.Fired {
			rep.Fired[trig]++
		}
		if res.Passed {
			rep.Passed++
		} else {
			rep.Failed++
		}
		rep.Results = append(rep.Results, res)
	}
	for _, key := range keys {
		if l := targets[key]; l.err == nil {
			var names []string
			_ = protect(func() { names = l.t.TriggerNames() })
			for _, n := range names {
				if !slices.Contains(rep.Triggers, n) {
					rep.Triggers = append(rep.Triggers, n)
				}
			}
		}
	}
	slices.Sort(rep.Triggers)
	rep.Unfired = append(rep.Unfired, unfired(rep.Triggers, rep.Fired)...)
	return rep, nil
}

type file struct {
	path     string
	explicit bool
}

// expand turns paths into files: files as given, directories walked.
func expand(paths []string) ([]file, error) {
	var out []file
	seen := map[string]bool{}
	addFile := func(p string, explicit bool) {
		key := p
		if abs, err := filepath.Abs(p); err == nil {
			key = abs
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, file{p, explicit})
		}
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			addFile(p, true)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if isScenarioExt(path) && !strings.HasPrefix(d.Name(), ".") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		slices.Sort(found)
		for _, f := range found {
			addFile(f, false)
		}
	}
	return out, nil
}

func isScenarioExt(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// looksLikeScenario reports whether a file found in a directory is meant as
// a scenario: some document's top level has a steps or case key. A file that
// does not parse is treated as a scenario, so its error is reported.
func looksLikeScenario(data []byte) bool {
	if len(data) > MaxFileBytes || yamlsafe.Depth(data, sdk.MaxYAMLDepth) != nil {
		return true // ParseAll reports it
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return true
	}
	for _, doc := range f.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		keys := topKeys(doc.Body)
		if slices.Contains(keys, "steps") || slices.Contains(keys, "case") {
			return true
		}
	}
	return false
}

// WriteText writes the report as text: one line per scenario, then with
// coverage one line per unfired trigger, then "N passed, M failed".
func WriteText(w io.Writer, r Report, coverage bool) error {
	var b strings.Builder
	for _, res := range r.Results {
		if res.Passed {
			fmt.Fprintf(&b, "PASS %s: %s\n", res.File, res.Name)
		} else {
			fmt.Fprintf(&b, "FAIL %s: %s: %s\n", res.File, res.Name, res.Message)
		}
	}
	if coverage {
		switch {
		case len(r.Triggers) == 0:
			b.WriteString("coverage: no triggers known\n")
		case len(r.Unfired) == 0:
			b.WriteString("coverage: every trigger fired\n")
		default:
			for _, t := range r.Unfired {
				fmt.Fprintf(&b, "unfired: %s\n", t)
			}
		}
	}
	fmt.Fprintf(&b, "%d passed, %d failed\n", r.Passed, r.Failed)
	_, err := io.WriteString(w, b.String())
	return err
}
