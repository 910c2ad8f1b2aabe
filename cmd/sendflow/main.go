// Command sendflow is the command-line face of the sendflow SDK: it runs
// scenario files against a policy and walks a case through one.
//
// Each subcommand lives in its own file and is built by a newXxxCmd(*app)
// constructor, so it can be tested with in-memory output. A RunE chooses the
// exit code by returning an *exitError; any other error (a bad flag, a
// missing argument, an unknown command) is a usage error and exits 2.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/scenario"
)

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1 // a scenario failed
	exitUsage  = 2 // bad usage, or an input that cannot be read
	// exitPolicy (3, common.go): the --policy layers do not compile.
)

// app is what every subcommand shares: where output goes and how a policy
// is turned into an engine.
type app struct {
	stdout io.Writer
	stderr io.Writer
	load   scenario.Loader
	stdin  io.Reader // nil means os.Stdin
}

// exitError carries the exit code a command chose. err, when set, is printed
// on stderr; a nil err means the command already said everything.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// fail returns an exitError with code for err.
func fail(code int, err error) error { return &exitError{code: code, err: err} }

func main() {
	os.Exit(execute(&app{stdout: os.Stdout, stderr: os.Stderr, load: scenario.DefaultLoader}, os.Args[1:]))
}

// execute runs the command line args and returns the exit code.
func execute(a *app, args []string) int {
	root := newRootCmd(a)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(a.stderr, "sendflow: %v\n", ee.err)
		}
		return ee.code
	}
	fmt.Fprintf(a.stderr, "sendflow: %v\nRun 'sendflow --help' for usage.\n", err)
	return exitUsage
}

// version is the module version (a tag, or "(devel)" for a build from a
// checkout, with its commit), and the hash of the embedded default policy,
// which every event records.
func version() string {
	v, rev := "(devel)", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = " " + s.Value[:12]
			}
		}
	}
	hash := "?"
	if e, err := sdk.Default(); err == nil {
		hash = e.PolicyHash()
	}
	return v + rev + ", default policy " + hash
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "sendflow",
		Short: "Run the English SEND case lifecycle as a state machine",
		Long: `sendflow runs the English SEND case lifecycle (SEN support, LIFT, high needs
funding, EHC needs assessment and plans, disputes) as a state machine with
statutory clocks, on the embedded default policy or a district's overlay.

Scenario files walk one case through firings and check what the engine says;
"sendflow test" runs them like "go test" or "opa test".

Exit codes: 0 success; 1 the answer is no (a scenario failed, a policy has
problems, the engine refused a firing, a case in a bulk run was invalid);
2 bad usage or an input that cannot be read; 3 the --policy layers do not
compile (every problem is printed on stderr).`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
	}
	root.SetVersionTemplate("sendflow {{.Version}}\n")
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.AddCommand(
		newTestCmd(a),
		newWalkCmd(a),
		newCheckCmd(a),
		newFireCmd(a),
		newPermittedCmd(a),
		newClocksCmd(a),
		newExplainCmd(a),
		newGraphCmd(a),
		newDiffCmd(a),
		newSchemaCmd(a),
		newSen2Cmd(a), newGenCmd(a), newLiftReportCmd(a),
		newServeCmd(a), newImportCmd(a),
	)
	return root
}
