package main

import (
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/sendflow/sendflow/sdk/scenario"
)

func newTestCmd(a *app) *cobra.Command {
	var asJSON, coverage bool
	var engine, wasmPath string
	cmd := &cobra.Command{
		Use:   "test [--json] [--coverage] FILES_OR_DIRS...",
		Short: "Run scenario files and report which pass",
		Long: `Run every scenario in the given files and directories (searched recursively
for *.yaml, *.yml and *.json; files there whose top level has neither "steps"
nor "case", such as policy overlays, are skipped). A file may hold several
scenarios separated by "---".

Prints one line per scenario and a final line "N passed, M failed".
Exits 0 when every scenario passes, 1 when any fails, and 2 when a file
cannot be read or is not a valid scenario.`,
		Example: `  sendflow test testdata/conformance
  sendflow test --coverage examples/policies/kent
  sendflow test --json refusal.yaml appeal.yaml
  sendflow test --engine wasi testdata/conformance`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			load, release, err := engineLoader(a, engine, wasmPath)
			if err != nil {
				return fail(exitUsage, err)
			}
			defer release()
			rep, err := scenario.RunFiles(args, load)
			if err != nil {
				return fail(exitUsage, err)
			}
			if asJSON {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				err = enc.Encode(rep)
			} else {
				err = scenario.WriteText(a.stdout, rep, coverage)
			}
			if err != nil {
				return fail(exitUsage, err)
			}
			if !rep.OK() {
				return fail(exitFailed, nil)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the machine-readable report on stdout instead of text")
	cmd.Flags().BoolVar(&coverage, "coverage", false, "list the triggers no scenario fired successfully")
	cmd.Flags().StringVar(&engine, "engine", "native", "run the scenarios on the native engine or on the WASI module in wazero (native, wasi)")
	cmd.Flags().StringVar(&wasmPath, "wasm", defaultWASM, "the WASI module --engine wasi runs")
	return cmd
}
