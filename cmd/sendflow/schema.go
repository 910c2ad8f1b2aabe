package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sendflow/sendflow/internal/schemagen"
	"github.com/sendflow/sendflow/schemas"
)

func newSchemaCmd(a *app) *cobra.Command {
	var list bool
	var pf policyFlag
	cmd := &cobra.Command{
		Use:   "schema [--policy FILE]... (NAME | --list)",
		Short: "Print one of sendflow's JSON Schemas (draft 2020-12)",
		Long: `Print the JSON Schema (draft 2020-12) of a document sendflow reads or writes:
` + strings.Join(schemas.Names(), ", ") + `.
Each has a stable $id, ` + schemas.BaseURL + `NAME.schema.json; docs/schemas.md
says what each is for. --list prints every name with its $id.

The strict schemas (every one but policy and scenario) carry the policy's
names: tracks, states, triggers, roles, clocks, evidence and decision kinds,
and each trigger's payload. Without --policy they are the default policy's;
with --policy (layered as for fire) they are that policy's, with the $id
` + schemas.BaseURL + `policy/POLICY-ID/HASH12/NAME.schema.json (the first 12 hex
digits of the policy hash), so a vendor can register both side by side.

Exits 2 for an unknown name or an unreadable policy file; 3 when the policy
does not compile.`,
		Example: `  sendflow schema firing > firing.schema.json
  sendflow schema --list
  sendflow schema firing --policy examples/policies/kent/dover.yaml > dover-firing.schema.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if list {
				return cobra.NoArgs(cmd, args)
			}
			return cobra.ExactArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if !list {
				if _, ok := schemas.Get(args[0]); !ok {
					return fail(exitUsage, fmt.Errorf("unknown schema %q (one of %s)", args[0], strings.Join(schemas.Names(), ", ")))
				}
			}
			if len(pf.paths) == 0 {
				if list {
					for _, n := range schemas.Names() {
						fmt.Fprintf(a.stdout, "%-10s %s\n", n, schemas.ID(n))
					}
					return nil
				}
				b, _ := schemas.Get(args[0])
				_, err := a.stdout.Write(b)
				return err
			}
			e, err := pf.engine(a)
			if err != nil {
				return err
			}
			if list {
				for _, n := range schemas.Names() {
					fmt.Fprintf(a.stdout, "%-10s %s\n", n, schemagen.IDFor(e, n))
				}
				return nil
			}
			b, err := schemagen.ForEngine(e, args[0])
			if err != nil {
				return err
			}
			_, err = a.stdout.Write(b)
			return err
		},
	}
	cmd.Flags().BoolVar(&list, "list", false, "list the schema names and their $id")
	pf.register(cmd)
	return cmd
}
