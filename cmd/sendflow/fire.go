package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sendflow/sendflow/sdk"
)

func newFireCmd(a *app) *cobra.Command {
	var pf policyFlag
	var casePath, firingPath, trigger, actor, at, data, facts, locale, signKey string
	cmd := &cobra.Command{
		Use:   "fire [--policy FILE]... [--case CASE.json] [--sign-key KEY] (--firing FIRING.json | --trigger T --actor ROLE --at DATE [--data JSON])",
		Short: "Fire one trigger on a case and print the outcome as JSON",
		Long: `Fire one trigger on a case (a JSON file, "-" for stdin; a new case when
--case is left out) and print the outcome JSON on stdout: the new case, the
event appended, the clocks as of the firing and any warnings (advisory
guards, below_statutory_floor).

The firing is a JSON file ({"trigger", "actor", "at", "data", "facts",
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
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := pf.engine(a)
			if err != nil {
				return err
			}
			if signKey != "" {
				k, err := readSigningKey(signKey)
				if err != nil {
					return fail(exitUsage, err)
				}
				if e, err = e.With(sdk.WithSigner(k)); err != nil {
					return fail(exitUsage, err)
				}
			}
			c, err := readCase(a, e, casePath)
			if err != nil {
				return err
			}
			var f sdk.Firing
			switch {
			case firingPath != "" && trigger != "":
				return fail(exitUsage, fmt.Errorf("give either --firing or --trigger, not both"))
			case firingPath != "":
				b, err := readInput(a, firingPath)
				if err != nil {
					return fail(exitUsage, err)
				}
				if err := decodeJSON(b, &f, "the firing"); err != nil {
					return fail(exitUsage, err)
				}
			case trigger != "":
				f = sdk.Firing{Trigger: trigger, Actor: actor, At: at}
				if data != "" {
					if err := json.Unmarshal([]byte(data), &f.Data); err != nil {
						return fail(exitUsage, fmt.Errorf("--data must be a JSON object: %v", err))
					}
				}
				if facts != "" {
					if err := json.Unmarshal([]byte(facts), &f.Facts); err != nil {
						return fail(exitUsage, fmt.Errorf("--facts must be a JSON object: %v", err))
					}
				}
			default:
				return fail(exitUsage, fmt.Errorf("give the firing with --firing FILE or --trigger, --actor and --at"))
			}
			if locale != "" {
				f.Locale = locale
			}
			o, err := e.Fire(c, f)
			if err != nil {
				return refusal(a, err)
			}
			if err := writeJSON(a.stdout, o); err != nil {
				return fail(exitUsage, err)
			}
			return nil
		},
	}
	pf.register(cmd)
	cmd.Flags().StringVar(&casePath, "case", "", "the case JSON file (\"-\" for stdin); a new case when left out")
	cmd.Flags().StringVar(&firingPath, "firing", "", "the firing JSON file (\"-\" for stdin)")
	cmd.Flags().StringVar(&trigger, "trigger", "", "the trigger, track.event")
	cmd.Flags().StringVar(&actor, "actor", "", "the role firing it")
	cmd.Flags().StringVar(&at, "at", "", "when: YYYY-MM-DD or an RFC 3339 timestamp")
	cmd.Flags().StringVar(&data, "data", "", "the payload, a JSON object")
	cmd.Flags().StringVar(&facts, "facts", "", "facts merged into the case first, a JSON object")
	cmd.Flags().StringVar(&locale, "locale", "", "language of guard reasons: en (default) or cy")
	cmd.Flags().StringVar(&signKey, "sign-key", "", "sign the event with this ed25519 private key (PEM, or base64 seed)")
	return cmd
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
			perms, err := e.PermittedIn(c, role, asOf, locale)
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
