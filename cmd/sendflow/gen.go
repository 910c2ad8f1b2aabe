package main

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/sendflow/sendflow/sdk/report/synth"
)

func newGenCmd(a *app) *cobra.Command {
	var (
		cases int
		seed  uint64
		year  int
		la    string
		out   string
	)
	cmd := &cobra.Command{
		Use:   "gen --year YYYY [--cases N] [--seed S] [-o FILE]",
		Short: "Generate synthetic case histories (JSON lines) by firing the engine",
		Long: `Generate a realistic synthetic caseload for testing and benchmarking reports.
Every case is made by firing triggers through the default policy's engine, so
every history is one the engine recorded and verifies: EHC requests from
parents, young people, schools and others; refusals, withdrawals, assessments,
R10(4) exceptions, plans on time and late, mediation and appeals, annual
reviews, amendments, phase transfers, transfers in and out, and ceased plans;
SEN support and LIFT referrals (meetings with their attendees, allocations,
first contact, training, returns, exhaustion, high needs funding), for
sendflow lift-report; across twelve Kent districts. The same --seed gives the
same cases.

Requests start from three years before --year; no event is later than
31 December of --year. Writes one case per line to stdout (or -o FILE) and a
summary line to stderr.`,
		Example: `  sendflow gen --cases 20000 --seed 7 --year 2026 -o cases.jsonl
  sendflow gen --cases 500 --year 2026 | sendflow sen2 --year 2026 --format table -`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("year") {
				return fmt.Errorf("--year is required")
			}
			var w io.Writer = a.stdout
			if out != "" && out != "-" {
				f, err := os.Create(out)
				if err != nil {
					return fail(exitUsage, err)
				}
				defer f.Close()
				w = f
			}
			bw := bufio.NewWriterSize(w, 1<<20)
			st, err := synth.Generate(bw, nil, synth.Config{Cases: cases, Seed: seed, Year: year, LA: la})
			if err != nil {
				return fail(exitUsage, err)
			}
			if err := bw.Flush(); err != nil {
				return fail(exitUsage, err)
			}
			fmt.Fprintf(a.stderr, "generated %d cases, %d events, %d refused firings (seed %d, year %d)\n", st.Cases, st.Events, st.Refused, seed, year)
			if st.Refused > 0 {
				return fail(exitFailed, fmt.Errorf("the engine refused %d firings; last: %s", st.Refused, st.LastRefusal))
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&cases, "cases", 1000, "how many cases to generate")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed: the same seed gives the same cases")
	cmd.Flags().IntVar(&year, "year", 0, "the reporting year the caseload is built around (required)")
	cmd.Flags().StringVar(&la, "la", "kent", "the local authority named on every case")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to this file instead of stdout")
	return cmd
}
