package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sendflow/sendflow/schemas"
)

func newSchemaCmd(a *app) *cobra.Command {
	var list bool
	cmd := &cobra.Command{
		Use:   "schema NAME",
		Short: "Print one of sendflow's JSON Schemas (draft 2020-12)",
		Long: `Print the JSON Schema (draft 2020-12) of a document sendflow reads or writes:
` + strings.Join(schemas.Names(), ", ") + `.
Each has a stable $id, ` + schemas.BaseURL + `NAME.schema.json; docs/schemas.md
says what each is for. --list prints every name with its $id.

Exits 2 for an unknown name.`,
		Example: `  sendflow schema firing > firing.schema.json
  sendflow schema --list`,
		Args: func(cmd *cobra.Command, args []string) error {
			if list {
				return cobra.NoArgs(cmd, args)
			}
			return cobra.ExactArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if list {
				for _, n := range schemas.Names() {
					fmt.Fprintf(a.stdout, "%-10s %s\n", n, schemas.ID(n))
				}
				return nil
			}
			b, ok := schemas.Get(args[0])
			if !ok {
				return fail(exitUsage, fmt.Errorf("unknown schema %q (one of %s)", args[0], strings.Join(schemas.Names(), ", ")))
			}
			_, err := a.stdout.Write(b)
			return err
		},
	}
	cmd.Flags().BoolVar(&list, "list", false, "list the schema names and their $id")
	return cmd
}
