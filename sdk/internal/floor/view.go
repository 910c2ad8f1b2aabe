package floor

import (
	"github.com/sendflow/sendflow/sdk/internal/calendar"
	"github.com/sendflow/sendflow/sdk/internal/policy"
)

// CodeStatutoryFloor is the code of every problem the floor reports (sdk's
// CodeStatutoryFloor).
const CodeStatutoryFloor = "statutory_floor"

// View is what the floor reads: the layers (the first is the default the
// others are judged against), where each element of the merged policy came
// from, and the compiled policy as definitions (what compiling them found
// beside: the guards that are in force, each clock's counted length). The
// floor never changes it.
type View struct {
	// Layers are the policy's layers as parsed, the default first; the
	// floor reads each one's waivers and places problems in its source.
	Layers []policy.Layer
	// Origins says which layer and YAML path each element came from.
	Origins *policy.Origins
	// Policy is the merged policy.
	Policy policy.Policy
	// Tracks and Triggers are the compiled policy's, in its order.
	Tracks   []policy.TrackDef
	Triggers []Trigger
	// Clocks and Roles are the compiled policy's, by id.
	Clocks map[string]*Clock
	Roles  map[string]policy.RoleDef
	// Params are the parameters' values, as JSON carries them.
	Params map[string]any
	// Holidays are the bank holidays the compiled policy counts with.
	Holidays *calendar.Holidays
	// ParamsRead lists the parameters an expression of the default reads
	// (params.NAME), from its compiled program.
	ParamsRead func(expr string) []string
	// Clip names a policy value in a message (quoted, or described when it
	// does not look like a name: it may be personal data).
	Clip func(string) string
}

// Trigger is one compiled trigger.
type Trigger struct {
	Def policy.TriggerDef
	// Track is its track's definition.
	Track policy.TrackDef
	// Guards are the guards in force: neither disabled nor failing to
	// compile.
	Guards []policy.GuardDef
	// PassesToYoungPerson: the family rights rule governs it.
	PassesToYoungPerson bool
}

// Clock is one compiled clock: its definition, and its unit and length
// (read from a parameter when the definition names one).
type Clock struct {
	Def    policy.ClockDef
	Unit   calendar.Unit
	Length int
}

// Result is what the floor found: the problems (code statutory_floor, each
// placed in its layer's source) and, for each violation its layer waives,
// the message of a below_statutory_floor warning, both in the order the
// rules are checked.
type Result struct {
	Problems []policy.Problem
	Waived   []string
}
