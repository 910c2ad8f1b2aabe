package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/behaviour"
	"github.com/sendflow/sendflow/sdk/scenario"
)

// behaviourFlags are the flags of the behavioural comparison (check, diff
// --behaviour): how many journeys, how long, from which seed.
type behaviourFlags struct {
	journeys, steps int
	seed            int64
}

func (b *behaviourFlags) register(cmd *cobra.Command) {
	cmd.Flags().IntVar(&b.journeys, "journeys", behaviour.DefaultJourneys, "behaviour: the number of generated journeys")
	cmd.Flags().IntVar(&b.steps, "steps", behaviour.DefaultSteps, "behaviour: the firings tried in each journey")
	cmd.Flags().Int64Var(&b.seed, "seed", 1, "behaviour: the seed the journeys are generated from (the same seed, the same journeys)")
}

func (b *behaviourFlags) options() (behaviour.Options, error) {
	if b.journeys < 1 || b.journeys > behaviour.MaxJourneys {
		return behaviour.Options{}, fmt.Errorf("--journeys must be from 1 to %d", behaviour.MaxJourneys)
	}
	if b.steps < 1 || b.steps > behaviour.MaxSteps {
		return behaviour.Options{}, fmt.Errorf("--steps must be from 1 to %d", behaviour.MaxSteps)
	}
	return behaviour.Options{Journeys: b.journeys, Steps: b.steps, Seed: b.seed}, nil
}

// writeDifferences prints each behavioural difference as
// "PREFIXbehaviour: KIND: message", with where it was first seen.
func writeDifferences(w io.Writer, prefix string, rep *behaviour.Report) {
	for _, d := range rep.Differences {
		fmt.Fprintf(w, "%sbehaviour: %s: %s\n", prefix, d.Kind, d.Message)
		x := d.Example
		fmt.Fprintf(w, "    first seen: journey %d (seed %d), step %d: %s by %s at %s, after %d accepted firing(s); seen %d time(s)\n",
			x.Journey, x.Seed, x.Step, x.Firing.Trigger, x.Firing.Actor, x.Firing.At, len(x.Trail), d.Count)
	}
	if rep.Dropped > 0 {
		fmt.Fprintf(w, "%sbehaviour: %d more difference(s) not listed\n", prefix, rep.Dropped)
	}
}

// compileLayers compiles policy files (each after the file it extends),
// or gives the default for none. A policy that does not compile is
// reported on stderr and exits 3.
func compileLayers(a *app, paths []string) (*sdk.Engine, error) {
	if len(paths) == 0 {
		e, err := sdk.Default()
		if err != nil {
			return nil, fail(exitPolicy, err)
		}
		return e, nil
	}
	srcs, err := scenario.PolicySources(paths...)
	if err != nil {
		return nil, fail(exitUsage, err)
	}
	e, err := sdk.Compile(srcs...)
	if err != nil {
		writeDiagnostics(a.stderr, sdk.AsError(err))
		return nil, fail(exitPolicy, fmt.Errorf("the policy does not compile"))
	}
	return e, nil
}
