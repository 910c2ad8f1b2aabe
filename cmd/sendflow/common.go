package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sendflow/sendflow/sdk"
)

// exitPolicy is the exit code when the policy given with --policy does not
// compile (sendflow check reports that as 1: it is its answer).
const exitPolicy = 3

// maxInputBytes caps a case or firing file read whole (the bulk clocks
// command streams instead).
const maxInputBytes = 64 << 20

// policyFlag is the repeatable --policy flag: the overlay layers, authority
// first, then district. A file's "extends" is followed, so --policy
// kent/dover.yaml alone is the same as --policy kent.yaml --policy kent/dover.yaml.
type policyFlag struct{ paths []string }

func (p *policyFlag) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&p.paths, "policy", nil,
		"a policy overlay file (YAML or JSON); repeat it for layers, authority first then district (default: the embedded policy)")
}

// engine compiles the layers. A policy that does not compile is reported on
// stderr with every problem and exits 3.
func (p *policyFlag) engine(a *app) (*sdk.Engine, error) { return compileLayers(a, p.paths) }

// writeDiagnostics prints a compile error as a policy author reads it: one
// "file:line:col: code: message" per problem, each with its caret snippet.
func writeDiagnostics(w io.Writer, e *sdk.Error) {
	if len(e.Problems) == 0 {
		loc := e.Location
		if loc != "" {
			loc += ": "
		}
		fmt.Fprintf(w, "%s%s: %s\n", loc, e.Code, e.Message)
		return
	}
	for _, p := range e.Problems {
		writeProblem(w, p)
	}
}

func writeProblem(w io.Writer, p sdk.Problem) {
	loc := p.Location
	if loc != "" {
		loc += ": "
	}
	fmt.Fprintf(w, "%s%s: %s\n", loc, p.Code, p.Message)
	if p.Snippet != "" {
		fmt.Fprintln(w, p.Snippet)
	}
}

// readInput reads a whole file, or stdin for "-", refusing one over
// maxInputBytes without reading past it.
func readInput(a *app, path string) ([]byte, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(io.LimitReader(a.in(), maxInputBytes+1))
	} else {
		data, err = readCapped(path, maxInputBytes+1)
	}
	if err != nil {
		return nil, err
	}
	if len(data) > maxInputBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, maxInputBytes)
	}
	return data, nil
}

// readCapped reads at most n bytes of the file at path: a caller that
// gives the cap plus one sees an oversize file as longer than the cap
// without the CLI reading (or holding) the rest of it.
func readCapped(path string, n int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, n))
}

// decodeJSON decodes strictly: unknown fields are errors.
func decodeJSON(data []byte, v any, what string) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &sdk.Error{Code: sdk.CodeInvalidInput, Message: fmt.Sprintf("%s is not valid JSON for it: %v", what, err)}
	}
	return nil
}

// readCase reads a case file ("-" for stdin); an empty path is a new case.
func readCase(a *app, e *sdk.Engine, path string) (sdk.Case, error) {
	if path == "" {
		return e.NewCase(sdk.Facts{}), nil
	}
	data, err := readInput(a, path)
	if err != nil {
		return sdk.Case{}, fail(exitUsage, err)
	}
	// An outcome (what fire prints) is taken for its case, so a firing's
	// output can be the next firing's --case.
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) == nil && top["case"] != nil && top["event"] != nil {
		data = top["case"]
	}
	var c sdk.Case
	if err := decodeJSON(data, &c, "the case"); err != nil {
		return sdk.Case{}, fail(exitUsage, err)
	}
	return c, nil
}

// openInput is where a bulk command reads its lines: the file named by
// args, stdin for "-", or stdin when args is empty and stdin is not a
// terminal (a terminal would wait silently for input that never comes).
func openInput(a *app, args []string) (io.Reader, func(), error) {
	if len(args) == 1 && args[0] != "-" {
		f, err := os.Open(args[0])
		if err != nil {
			return nil, nil, fail(exitUsage, err)
		}
		return f, func() { f.Close() }, nil
	}
	if len(args) == 0 && a.stdin == nil && stdinIsTerminal() {
		return nil, nil, fail(exitUsage, fmt.Errorf("give the cases as a file, or \"-\" to read them from stdin (stdin is a terminal)"))
	}
	return a.in(), func() {}, nil
}

// stdinIsTerminal reports whether os.Stdin is a character device other
// than /dev/null (which reads as empty input).
func stdinIsTerminal() bool {
	st, err := os.Stdin.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(st, null)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// refusal prints an engine refusal as JSON on stdout and exits 1.
func refusal(a *app, err error) error {
	se := sdk.AsError(err)
	if werr := writeJSON(a.stdout, map[string]any{"error": se}); werr != nil {
		return fail(exitUsage, werr)
	}
	return fail(exitFailed, fmt.Errorf("%s", strings.TrimSpace(se.Error())))
}

func (a *app) in() io.Reader {
	if a.stdin == nil {
		return os.Stdin
	}
	return a.stdin
}
