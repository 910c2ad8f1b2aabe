package sdk

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
	guardlang "github.com/sendflow/sendflow/sdk/internal/guard"
)

// guardEnv is the typed environment every guard, branch condition and
// clock expression is compiled against. Its expr tags are the names policy
// authors write; docs/policies.md documents them.
type guardEnv struct {
	ID         string              `expr:"id"`
	LA         string              `expr:"la"`
	District   string              `expr:"district"`
	Child      childEnv            `expr:"child"`
	Evidence   []string            `expr:"evidence"`
	States     map[string]string   `expr:"states"`
	Clocks     map[string]clockEnv `expr:"clocks"`
	Data       map[string]any      `expr:"data"`
	Actor      string              `expr:"actor"`
	Params     map[string]any      `expr:"params"`
	At         string              `expr:"at"`
	Today      string              `expr:"today"`
	DecisionAt string              `expr:"decision_at"`
	Decision   string              `expr:"decision"`
	// ExceptionOpen is true while the case has an open exception.
	ExceptionOpen bool `expr:"exception_open"`
	// DecisionOrder is the order recorded on the decision's dispute.
	DecisionOrder string `expr:"decision_order"`
	// DecisionNotes are the notes recorded on that decision's dispute.
	DecisionNotes []string `expr:"decision_notes"`
	// EnteredBy is the trigger of the latest event that moved the firing
	// trigger's track into its current state ("" when none did); set only
	// for a trigger whose guards read it.
	EnteredBy string `expr:"entered_by"`
	// OtherDisputes are the states of the disputes on the other decisions,
	// those not at the initial state, on a firing that acts on a decision.
	OtherDisputes []string `expr:"other_disputes"`
	// Meter counts the steps of the evaluation (guardlang.Meter). Its tag
	// holds a space, so no expression can name it; only the metering patch
	// does.
	Meter *guardlang.Meter `expr:"sendflow meter"`
	// meter is what Meter points to, allocated with the environment.
	meter guardlang.Meter
}

type childEnv struct {
	DateOfBirth    string `expr:"date_of_birth"`
	YearGroup      int    `expr:"year_group"`
	YearGroupKnown bool   `expr:"year_group_known"`
	Age            int    `expr:"age"`
	// PastSchoolAge is whether the child is past compulsory school age
	// (pastCompulsorySchoolAge), false when neither the date of birth nor
	// the year group is known.
	PastSchoolAge     bool   `expr:"past_compulsory_school_age"`
	LacksCapacity     bool   `expr:"lacks_capacity"`
	AuthorisedParent  bool   `expr:"authorised_parent"`
	HasRepresentative bool   `expr:"has_representative"`
	Post25Setting     string `expr:"post25_setting"`
	ApprenticeshipEnd string `expr:"apprenticeship_end"`
	CourseEnd         string `expr:"course_end"`
}

type clockEnv struct {
	Exists    bool   `expr:"exists"`
	Running   bool   `expr:"running"`
	StartedAt string `expr:"started_at"`
	Due       string `expr:"due"`
	Date      string `expr:"date"`
	StoppedAt string `expr:"stopped_at"`
	Status    string `expr:"status"`
}

// EnvField documents one name of the guard environment.
type EnvField struct {
	// Name is how a guard refers to it, e.g. "child.date_of_birth".
	Name string `json:"name"`
	// Type is its expr type, e.g. "string" or "func(string) int".
	Type string `json:"type"`
	// Description says what it holds.
	Description string `json:"description"`
}

// GuardEnvironment lists the names a guard expression may use: the fields
// and the declared functions. docs/policies.md is generated from it.
func GuardEnvironment() []EnvField {
	return []EnvField{
		{"id", "string", "The case id."},
		{"la", "string", "The local authority."},
		{"district", "string", "The district."},
		{"child.date_of_birth", "string (YYYY-MM-DD)", "The child's date of birth; empty when unknown."},
		{"child.year_group", "int", "The year group (reception 0, nursery -1); derived from the date of birth when not recorded."},
		{"child.year_group_known", "bool", "Whether a year group was recorded or could be derived."},
		{"child.age", "int", "The child's age in whole years on the firing date (0 when unknown)."},
		{"child.past_compulsory_school_age", "bool", "Past compulsory school age on the firing date: after the last Friday in June of the school year in which they turn 16, from the date of birth, else the year group (12 or over, or 11 after that Friday); false when neither is known."},
		{"child.lacks_capacity", "bool", "The young person lacks capacity (MCA s2-s3)."},
		{"child.authorised_parent", "bool", "The young person has authorised a parent in writing to act for them."},
		{"child.has_representative", "bool", "A deputy or attorney is recorded (child.representative; the name itself is not in the environment)."},
		{"child.post25_setting", "string", "fe, apprenticeship or other (R46(1)); empty when not recorded."},
		{"child.apprenticeship_end", "string (YYYY-MM-DD)", "When the apprenticeship ends; empty when unknown."},
		{"child.course_end", "string (YYYY-MM-DD)", "When the course ends; empty when unknown."},
		{"evidence", "[]string", "The evidence kinds held (a kind may repeat)."},
		{"states", "map[string]string", "Every track's current state, e.g. states.lift == \"exhausted\"."},
		{"clocks", "map[string]clock", "Clocks by key: exists, running, started_at, due, date (the date D a clock counted back from D was given), stopped_at, status. A missing clock has exists false and empty dates."},
		{"data", "map[string]any", "The firing's payload."},
		{"actor", "string", "The role firing."},
		{"params", "map[string]any", "The policy parameters."},
		{"at", "string (RFC 3339)", "The firing's time."},
		{"today", "string (YYYY-MM-DD)", "The firing's date in UK time."},
		{"decision_at", "string (YYYY-MM-DD)", "The date of the latest appealable decision (on a dispute trigger, or one with on_decision, of the decision it acts on); empty when none."},
		{"decision", "string", "The kind of the latest appealable decision (likewise); empty when none."},
		{"decision_order", "string", "The order recorded on that decision's dispute (e.g. \"dismissed\"); empty when none."},
		{"decision_notes", "[]string", "The notes recorded on that decision's dispute since it left none (e.g. \"response_submitted\")."},
		{"entered_by", "string", "The trigger that moved the firing trigger's track into its current state, e.g. \"plan.review_decided\" for a cease a review proposed; empty when none did."},
		{"other_disputes", "[]string", "On a firing that acts on one decision (a dispute trigger, or one with on_decision): the states of the disputes on every other decision that are not at none (e.g. \"appealed\"); empty otherwise."},
		{"exception_open", "bool", "Whether the case has an open exception (recorded, not yet ended)."},
		{"add_days(date, n)", "string", "The date n calendar days after date."},
		{"add_weeks(date, n)", "string", "The date n weeks after date."},
		{"add_months(date, n)", "string", "The same day n months later (month-end clamped)."},
		{"add_working_days(date, n)", "string", "The n-th working day after date (policy holidays); n from 0 to 260. Not inside a loop."},
		{"working_days_between(a, b)", "int", "Working days after a up to and including b (at most 731 days apart). Not inside a loop."},
		{"days_between(a, b)", "int", "Calendar days from a to b."},
		{"date(y, m, d)", "string", "The date y-m-d."},
		{"later(a, b)", "string", "The later of two dates; an empty date counts as none."},
		{"earlier(a, b)", "string", "The earlier of two dates; an empty date counts as none."},
		{"is_young_person(dob, date)", "bool", "Over compulsory school age and under 25 on date."},
		{"compulsory_school_age_end(dob)", "string", "The last Friday in June of the school year in which the child turns 16."},
		{"age_limit_date(dob, setting, apprenticeship_end, course_end)", "string", "The last day a plan may be kept (CFA s46; R46(1)): for setting apprenticeship or other with its end date after the 25th birthday, the earlier of that date and the day before the 26th birthday; else 31 July ending the academic year of the 25th birthday."},
		{"age(dob, date)", "int", "Age in whole years."},
		{"is_working_day(date)", "bool", "Monday to Friday and not a holiday."},
		{"weekday(date)", "string", "The day of the week in lower case, e.g. \"tuesday\"."},
	}
}

// costModel works out every expression's worst-case cost, under the caps
// of the case and the firing.
var costModel = guardlang.NewCostModel(guardlang.Caps{History: MaxHistory, Evidence: MaxEvidence, PayloadBytes: MaxPayloadBytes,
	StringLength: MaxStringLength, ListItems: MaxListItems, IdentifierLen: MaxIdentifierLen})

// errCode is the diagnostic code of an expression error.
func errCode(err error) Code {
	if e, ok := err.(*guardlang.Error); ok {
		return Code(e.Code)
	}
	return "expr_error"
}

func errCol(err error) int {
	if e, ok := err.(*guardlang.Error); ok {
		return e.Col
	}
	return 0
}

// envNames are the top-level names and functions of the guard environment,
// for "did you mean" suggestions.
func envNames() []string {
	var out []string
	for _, f := range GuardEnvironment() {
		n := f.Name
		if i := strings.IndexAny(n, ".("); i >= 0 {
			n = n[:i]
		}
		out = append(out, n)
	}
	return append(out, guardlang.Builtins()...)
}

var childFields = []string{"date_of_birth", "year_group", "year_group_known", "age", "past_compulsory_school_age",
	"lacks_capacity", "authorised_parent", "has_representative", "post25_setting", "apprenticeship_end", "course_end"}
var clockFields = []string{"exists", "running", "started_at", "due", "stopped_at", "status"}

// classify turns an expr compile error into a *guardlang.Error with a
// code and, for an unknown name, a suggestion from the environment's names.
func classify(err error) *guardlang.Error {
	out := &guardlang.Error{Code: "type_error", Msg: oneLine(err)}
	var fe *file.Error
	if errors.As(err, &fe) {
		out.Col = fe.Column + 1
		msg := fe.Message
		switch {
		case strings.HasPrefix(msg, "unknown name "):
			name := strings.TrimPrefix(msg, "unknown name ")
			out.Code = "unknown_fact"
			out.Msg = fmt.Sprintf("unknown name %q%s", name, suggest(name, envNames()))
			if slices.Contains([]string{"map", "reduce", "repeat", "now", "concat", "sort", "sortBy", "groupBy", "toJSON", "fromJSON", "split", "join"}, name) {
				out.Code = "forbidden"
				out.Msg = fmt.Sprintf("%s is not available in guards (allowed built-ins: %s)", name, strings.Join(guardlang.Builtins(), ", "))
			}
		case strings.Contains(msg, " has no field "):
			typ, field, _ := strings.Cut(msg, " has no field ")
			out.Code = "unknown_fact"
			names := childFields
			prefix := "child"
			if strings.Contains(typ, "clockEnv") {
				names, prefix = clockFields, "clocks.KEY"
			}
			out.Msg = fmt.Sprintf("%s has no field %q%s", prefix, field, suggest(field, names))
		case strings.Contains(msg, "exceeds maximum allowed nodes"):
			out.Code = "too_complex"
			out.Msg = fmt.Sprintf("the expression has more than %d nodes; split it into several guards", guardlang.MaxNodes)
		default:
			out.Msg = msg
		}
	}
	return out
}

// exprOptions are the options every expression is compiled with: the
// guard environment, then the node limit, the allowed built-ins and the
// calendar functions, which read the policy's bank holidays h.
func exprOptions(h *calendar.Holidays) []expr.Option {
	return append([]expr.Option{expr.Env(guardEnv{})}, guardlang.Options(h)...)
}

// program is one compiled expression with what it reads.
type program struct {
	src        string
	cost       int64       // worst-case cost in steps (guardlang.CostModel)
	node       ast.Node    // the checked tree, before the metering patch (nil when lazy)
	prog       *vm.Program // nil when lazy
	dataFields []string    // payload fields read (data.X)
	params     []string    // parameters read by name (params.X; nil when lazy)
	usesClocks bool        // reads clocks (the env builds them only when needed)
	// lazy is set for an expression of the embedded default policy, whose
	// dataFields and usesClocks were found when defaultpolicy_gen.go was
	// generated: it is compiled on first use, once.
	lazy *lazyProgram
}

type lazyProgram struct {
	opts func() []expr.Option
	kind reflect.Kind
	once sync.Once
	prog *vm.Program
	err  error
}

// vmProgram is the compiled program, compiling a lazy one on first use.
func (p *program) vmProgram() (*vm.Program, error) {
	l := p.lazy
	if l == nil {
		return p.prog, nil
	}
	l.once.Do(func() {
		q, err := buildExpr(p.src, l.opts(), l.kind)
		if err != nil {
			// Cannot happen while defaultpolicy_gen.go is current (a test
			// checks it): the generator compiled this very expression.
			l.err = fmt.Errorf("expression failed to compile: %w", err)
			return
		}
		l.prog = q
	})
	return l.prog, l.err
}

// compileExpr compiles one expression of the policy, or, for an expression
// of the embedded default policy compiled alone, notes what it reads (known
// from defaultpolicy_gen.go) and leaves the compile to its first use.
func (c *compiled) compileExpr(src string, kind reflect.Kind) (*program, error) {
	if m, ok := c.lazy[programKey(kind, src)]; ok {
		if m.Cost > c.guardCost {
			return nil, guardlang.TooCostly(m.Cost, c.guardCost)
		}
		c.costs = append(c.costs, exprCost{src: src, cost: m.Cost})
		return &program{src: src, cost: m.Cost, dataFields: m.DataFields, usesClocks: m.UsesClocks,
			lazy: &lazyProgram{opts: c.lazyOpts, kind: kind}}, nil
	}
	opts := c.opts
	if opts == nil && c.lazyOpts != nil {
		opts = c.lazyOpts()
	}
	p, err := compileExpr(src, opts, kind, c.params, len(c.policy.Tracks), c.guardCost)
	if err == nil {
		c.costs = append(c.costs, exprCost{src: src, cost: p.cost})
	}
	return p, err
}

// exprCost is one compiled expression's worst-case cost.
type exprCost struct {
	src  string
	cost int64
}

// buildExpr compiles an expression already checked by compileExpr into a
// program that charges the meter as it runs.
func buildExpr(src string, opts []expr.Option, kind reflect.Kind) (*vm.Program, error) {
	p, err := guardlang.Build(src, opts, kind)
	if err != nil {
		return nil, classify(err)
	}
	return p, nil
}

// compileExpr checks one expression (types, the safety rules, its
// worst-case cost against guardCost, given the policy's parameters and
// number of tracks) and compiles it with the metering patch.
func compileExpr(src string, opts []expr.Option, kind reflect.Kind, params map[string]any, tracks int, guardCost int64) (*program, error) {
	p, err := guardlang.Compile(src, opts, kind, guardlang.Budget{Model: costModel, Params: params, Tracks: tracks, MaxCost: guardCost})
	if err != nil {
		if gerr, ok := err.(*guardlang.Error); ok {
			return nil, gerr
		}
		return nil, classify(err)
	}
	return &program{src: src, prog: p.Prog, node: p.Node, cost: p.Cost, dataFields: p.DataFields, params: p.Params, usesClocks: p.UsesClocks}, nil
}

// run evaluates a program against env (guardlang.Run: a panic guard, the
// memory budget and env's meter).
func (p *program) run(env *guardEnv) (out any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("expression failed: %v", r)
		}
	}()
	prog, err := p.vmProgram()
	if err != nil {
		return nil, err
	}
	return guardlang.Run(prog, env, env.Meter)
}

func (p *program) runBool(env *guardEnv) (bool, error) {
	out, err := p.run(env)
	if err != nil {
		return false, err
	}
	b, ok := out.(bool)
	if !ok {
		return false, fmt.Errorf("expression did not return a boolean")
	}
	return b, nil
}

// derivedYearGroup is the English national curriculum year for a child born
// on dob, in the school year containing on: reception is the school year
// starting in the September after the fourth birthday.
func derivedYearGroup(dob, on calendar.Date) int {
	startYear := on.Year
	if on.Month < time.September {
		startYear--
	}
	// Age on 31 August before the school year starts.
	ageAtStart := calendar.AgeOn(dob, calendar.Date{Year: startYear, Month: time.August, Day: 31})
	return ageAtStart - 4
}
