package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sendflow/sendflow/sdk"
)

func newFireCmd(a *app) *cobra.Command {
	var f fireFlags
	cmd := &cobra.Command{
		Use:   "fire [--policy FILE]... [--case CASE.json] [--sign-key KEY] (--firing FIRING.json | --trigger T --actor ROLE --at DATE [--data JSON])",
		Short: "Fire one trigger on a case and print the outcome as JSON",
		Long: `Fire one trigger on a case (a JSON file, "-" for stdin; a new case when
--case is left out) and print the outcome JSON on stdout: the new case, the
event appended, the clocks as of the firing and any warnings (advisory
guards, below_statutory_floor).

The firing is a JSON file ({"trigger", "actor", "by", "at", "data", "facts",
"locale"}) or is given with --trigger, --actor, --at and optionally --data,
--facts (JSON objects) and --locale (en or cy, for guard reasons).

--sign-key signs the event with an ed25519 private key: a PEM file as
openssl genpkey -algorithm ed25519 writes it, or a file holding the 32-byte
seed (or 64-byte key) in base64. The event then carries key_id and
signature; sendflow sen2 --verify-key checks them.

Exits 0 when the trigger fired; 1 when the engine refused it, printing
{"error": {...}} on stdout with its code (unknown_trigger, not_authorised,
not_permitted, invalid_input, guard_failed, invalid_case, limit_exceeded);
2 when an input cannot be read; 3 when the policy does not compile.`,
		Example: `  sendflow fire --trigger ehc.requested --actor parent --at 2026-01-05
  sendflow fire --policy examples/policies/kent/dover.yaml --case case.json --firing firing.json
  sendflow fire --case case.json --trigger support.plan_agreed --actor senco --at 2026-01-07 --locale cy`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runFire(a, &f) },
	}
	f.register(cmd)
	return cmd
}

// fireFlags are the fire command's flags: the policy, the case, and the
// firing as a file or as --trigger, --actor, --at and the rest.
type fireFlags struct {
	pf                                  policyFlag
	casePath, firingPath                string
	trigger, actor, by, at, data, facts string
	locale, signKey                     string
}

func (f *fireFlags) register(cmd *cobra.Command) {
	f.pf.register(cmd)
	cmd.Flags().StringVar(&f.casePath, "case", "", "the case JSON file (\"-\" for stdin); a new case when left out")
	cmd.Flags().StringVar(&f.firingPath, "firing", "", "the firing JSON file (\"-\" for stdin)")
	cmd.Flags().StringVar(&f.trigger, "trigger", "", "the trigger, track.event")
	cmd.Flags().StringVar(&f.actor, "actor", "", "the role firing it")
	cmd.Flags().StringVar(&f.by, "by", "", "who acted: your system's opaque id for the user (never a name); recorded in the event")
	cmd.Flags().StringVar(&f.at, "at", "", "when: YYYY-MM-DD or an RFC 3339 timestamp")
	cmd.Flags().StringVar(&f.data, "data", "", "the payload, a JSON object")
	cmd.Flags().StringVar(&f.facts, "facts", "", "facts merged into the case first, a JSON object")
	cmd.Flags().StringVar(&f.locale, "locale", "", "language of guard reasons: en (default) or cy")
	cmd.Flags().StringVar(&f.signKey, "sign-key", "", "sign the event with this ed25519 private key (PEM, or base64 seed)")
}

// runFire fires one trigger on the case and prints the outcome, or the
// refusal.
func runFire(a *app, f *fireFlags) error {
	e, err := f.engine(a)
	if err != nil {
		return err
	}
	c, err := readCase(a, e, f.casePath)
	if err != nil {
		return err
	}
	firing, err := f.firing(a)
	if err != nil {
		return err
	}
	o, err := e.Fire(c, firing)
	if err != nil {
		return refusal(a, err)
	}
	if err := writeJSON(a.stdout, o); err != nil {
		return fail(exitUsage, err)
	}
	return nil
}

// engine compiles the policy and, with --sign-key, signs every event.
func (f *fireFlags) engine(a *app) (*sdk.Engine, error) {
	e, err := f.pf.engine(a)
	if err != nil || f.signKey == "" {
		return e, err
	}
	k, err := readSigningKey(f.signKey)
	if err != nil {
		return nil, fail(exitUsage, err)
	}
	if e, err = e.With(sdk.WithSigner(k)); err != nil {
		return nil, fail(exitUsage, err)
	}
	return e, nil
}

// firing reads the firing from --firing, or builds it from --trigger and
// the flags that go with it; --locale applies to either.
func (f *fireFlags) firing(a *app) (sdk.Firing, error) {
	var fr sdk.Firing
	switch {
	case f.firingPath != "" && f.trigger != "":
		return fr, fail(exitUsage, fmt.Errorf("give either --firing or --trigger, not both"))
	case f.firingPath != "":
		b, err := readInput(a, f.firingPath)
		if err != nil {
			return fr, fail(exitUsage, err)
		}
		if err := decodeJSON(b, &fr, "the firing"); err != nil {
			return fr, fail(exitUsage, err)
		}
	case f.trigger != "" && (f.actor == "" || f.at == ""):
		return fr, fail(exitUsage, fmt.Errorf("--trigger needs --actor (the role firing it) and --at (when)"))
	case f.trigger != "":
		fr = sdk.Firing{Trigger: f.trigger, Actor: f.actor, By: f.by, At: f.at}
		if f.data != "" {
			if err := json.Unmarshal([]byte(f.data), &fr.Data); err != nil {
				return fr, fail(exitUsage, fmt.Errorf("--data must be a JSON object: %v", err))
			}
		}
		if f.facts != "" {
			if err := json.Unmarshal([]byte(f.facts), &fr.Facts); err != nil {
				return fr, fail(exitUsage, fmt.Errorf("--facts must be a JSON object: %v", err))
			}
		}
	default:
		return fr, fail(exitUsage, fmt.Errorf("give the firing with --firing FILE or --trigger, --actor and --at"))
	}
	if f.locale != "" {
		fr.Locale = f.locale
	}
	return fr, nil
}

func newPermittedCmd(a *app) *cobra.Command {
	var pf policyFlag
	var casePath, role, asOf, locale string
	var allowedOnly bool
	cmd := &cobra.Command{
		Use:   "permitted [--policy FILE]... [--case CASE.json] --role ROLE --as-of DATE",
		Short: "List what a role may fire on a case now, and why not",
		Long: `Judge every trigger of the policy for one role on a case as of a date and
print a JSON array of permissions on stdout: allowed or not and, when not,
the code (not_authorised, not_permitted, guard_failed) and the reason, with
every failing guard, its citation and its layer; advisory guards appear as
warnings. --locale cy gives the reasons in Welsh where the policy has them.

Exits 0 with the list; 1 when the engine refuses the query (an unknown
role, a bad date or an invalid case), printing {"error": {...}}; 2 when an
input cannot be read; 3 when the policy does not compile.`,
		Example: `  sendflow permitted --case case.json --role parent --as-of 2026-02-01
  sendflow permitted --policy examples/policies/sefton.yaml --case case.json --role school --as-of 2026-02-01 --allowed`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if role == "" || asOf == "" {
				return fail(exitUsage, fmt.Errorf("--role and --as-of are required"))
			}
			e, err := pf.engine(a)
			if err != nil {
				return err
			}
			c, err := readCase(a, e, casePath)
			if err != nil {
				return err
			}
			perms, err := e.PermittedContext(cmd.Context(), c, role, asOf, locale)
			if err != nil {
				return refusal(a, err)
			}
			if allowedOnly {
				var keep []sdk.Permission
				for _, p := range perms {
					if p.Allowed {
						keep = append(keep, p)
					}
				}
				perms = keep
			}
			if perms == nil {
				perms = []sdk.Permission{}
			}
			if err := writeJSON(a.stdout, perms); err != nil {
				return fail(exitUsage, err)
			}
			return nil
		},
	}
	pf.register(cmd)
	cmd.Flags().StringVar(&casePath, "case", "", "the case JSON file (\"-\" for stdin); a new case when left out")
	cmd.Flags().StringVar(&role, "role", "", "the role asking")
	cmd.Flags().StringVar(&asOf, "as-of", "", "the date judged: YYYY-MM-DD or RFC 3339")
	cmd.Flags().StringVar(&locale, "locale", "", "language of guard reasons: en (default) or cy")
	cmd.Flags().BoolVar(&allowedOnly, "allowed", false, "list only the triggers the role may fire")
	return cmd
}
