package sdk

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
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
}

type childEnv struct {
	DateOfBirth    string `expr:"date_of_birth"`
	YearGroup      int    `expr:"year_group"`
	YearGroupKnown bool   `expr:"year_group_known"`
	Age            int    `expr:"age"`
}

type clockEnv struct {
	Exists    bool   `expr:"exists"`
	Running   bool   `expr:"running"`
	StartedAt string `expr:"started_at"`
	Due       string `expr:"due"`
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
		{"evidence", "[]string", "The evidence kinds held (a kind may repeat)."},
		{"states", "map[string]string", "Every track's current state, e.g. states.lift == \"exhausted\"."},
		{"clocks", "map[string]clock", "Clocks by key: exists, running, started_at, due, stopped_at, status. A missing clock has exists false and empty dates."},
		{"data", "map[string]any", "The firing's payload."},
		{"actor", "string", "The role firing."},
		{"params", "map[string]any", "The policy parameters."},
		{"at", "string (RFC 3339)", "The firing's time."},
		{"today", "string (YYYY-MM-DD)", "The firing's date in UK time."},
		{"decision_at", "string (YYYY-MM-DD)", "The date of the latest appealable decision; empty when none."},
		{"decision", "string", "The kind of the latest appealable decision; empty when none."},
		{"add_days(date, n)", "string", "The date n calendar days after date."},
		{"add_weeks(date, n)", "string", "The date n weeks after date."},
		{"add_months(date, n)", "string", "The same day n months later (month-end clamped)."},
		{"add_working_days(date, n)", "string", "The n-th working day after date (policy holidays)."},
		{"working_days_between(a, b)", "int", "Working days after a up to and including b."},
		{"days_between(a, b)", "int", "Calendar days from a to b."},
		{"date(y, m, d)", "string", "The date y-m-d."},
		{"later(a, b)", "string", "The later of two dates; an empty date counts as none."},
		{"earlier(a, b)", "string", "The earlier of two dates; an empty date counts as none."},
		{"is_young_person(dob, date)", "bool", "Over compulsory school age and under 25 on date."},
		{"compulsory_school_age_end(dob)", "string", "The last Friday in June of the school year in which the child turns 16."},
		{"age(dob, date)", "int", "Age in whole years."},
		{"is_working_day(date)", "bool", "Monday to Friday and not a holiday."},
	}
}

// allowedBuiltins are the only expr built-ins a guard may call. Everything
// that reads the wall clock or builds unbounded data is left out.
var allowedBuiltins = []string{
	"len", "all", "none", "any", "one", "count", "filter", "map", "find", "sum",
	"abs", "ceil", "floor", "round", "int", "float", "string", "lower", "upper",
	"trim", "trimPrefix", "trimSuffix", "hasPrefix", "hasSuffix", "first", "last", "max", "min", "keys",
}

// maxGuardNodes bounds the size of one expression.
const maxGuardNodes = 400

func exprOptions(h *calendar.Holidays) []expr.Option {
	day := func(s string) (calendar.Date, error) { return calendar.ParseDate(s) }
	opts := []expr.Option{
		expr.Env(guardEnv{}),
		expr.DisableAllBuiltins(),
		expr.MaxNodes(maxGuardNodes),
	}
	for _, b := range allowedBuiltins {
		opts = append(opts, expr.EnableBuiltin(b))
	}
	dateOp := func(name string, f func(calendar.Date, int) calendar.Date) expr.Option {
		return expr.Function(name, func(p ...any) (any, error) {
			d, err := day(p[0].(string))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			n := p[1].(int)
			if n < -100000 || n > 100000 {
				return nil, fmt.Errorf("%s: %d is out of range", name, n)
			}
			return f(d, n).String(), nil
		}, new(func(string, int) string))
	}
	opts = append(opts,
		dateOp("add_days", func(d calendar.Date, n int) calendar.Date { return d.AddDays(n) }),
		dateOp("add_weeks", func(d calendar.Date, n int) calendar.Date { return d.AddDays(7 * n) }),
		dateOp("add_months", func(d calendar.Date, n int) calendar.Date { return d.AddMonths(n) }),
		dateOp("add_working_days", func(d calendar.Date, n int) calendar.Date {
			if n < 0 {
				return d
			}
			return h.AddWorkingDays(d, n)
		}),
		expr.Function("working_days_between", func(p ...any) (any, error) {
			a, err := day(p[0].(string))
			if err != nil {
				return nil, err
			}
			b, err := day(p[1].(string))
			if err != nil {
				return nil, err
			}
			if a.DaysUntil(b) > 366*10 {
				return nil, fmt.Errorf("working_days_between: range longer than ten years")
			}
			return h.WorkingDaysBetween(a, b), nil
		}, new(func(string, string) int)),
		expr.Function("days_between", func(p ...any) (any, error) {
			a, err := day(p[0].(string))
			if err != nil {
				return nil, err
			}
			b, err := day(p[1].(string))
			if err != nil {
				return nil, err
			}
			return a.DaysUntil(b), nil
		}, new(func(string, string) int)),
		expr.Function("date", func(p ...any) (any, error) {
			y, m, d := p[0].(int), p[1].(int), p[2].(int)
			s := fmt.Sprintf("%04d-%02d-%02d", y, m, d)
			if _, err := calendar.ParseDate(s); err != nil {
				return nil, fmt.Errorf("date(%d, %d, %d) is not a valid date", y, m, d)
			}
			return s, nil
		}, new(func(int, int, int) string)),
		expr.Function("later", func(p ...any) (any, error) {
			a, b := p[0].(string), p[1].(string)
			if a == "" || b > a {
				return b, nil
			}
			return a, nil
		}, new(func(string, string) string)),
		expr.Function("earlier", func(p ...any) (any, error) {
			a, b := p[0].(string), p[1].(string)
			if a == "" || (b != "" && b < a) {
				return b, nil
			}
			return a, nil
		}, new(func(string, string) string)),
		expr.Function("is_young_person", func(p ...any) (any, error) {
			dob, err := day(p[0].(string))
			if err != nil {
				return false, nil
			}
			on, err := day(p[1].(string))
			if err != nil {
				return false, nil
			}
			return calendar.IsYoungPerson(dob, on), nil
		}, new(func(string, string) bool)),
		expr.Function("compulsory_school_age_end", func(p ...any) (any, error) {
			dob, err := day(p[0].(string))
			if err != nil {
				return nil, err
			}
			return calendar.CompulsorySchoolAgeEnd(dob).String(), nil
		}, new(func(string) string)),
		expr.Function("age", func(p ...any) (any, error) {
			dob, err := day(p[0].(string))
			if err != nil {
				return nil, err
			}
			on, err := day(p[1].(string))
			if err != nil {
				return nil, err
			}
			return calendar.AgeOn(dob, on), nil
		}, new(func(string, string) int)),
		expr.Function("is_working_day", func(p ...any) (any, error) {
			d, err := day(p[0].(string))
			if err != nil {
				return nil, err
			}
			return h.IsWorkingDay(d), nil
		}, new(func(string) bool)),
	)
	return opts
}

// program is one compiled expression with what it reads.
type program struct {
	src        string
	prog       *vm.Program
	dataFields []string // payload fields read (data.X)
	usesClocks bool     // reads clocks (the env builds them only when needed)
}

func compileExpr(src string, opts []expr.Option, kind reflect.Kind) (*program, error) {
	if strings.TrimSpace(src) == "" {
		return nil, fmt.Errorf("empty expression")
	}
	if len(src) > 4096 {
		return nil, fmt.Errorf("expression is %d characters; the limit is 4096", len(src))
	}
	all := append([]expr.Option{}, opts...)
	if kind == reflect.Bool {
		all = append(all, expr.AsBool())
	} else {
		all = append(all, expr.AsKind(kind))
	}
	p, err := expr.Compile(src, all...)
	if err != nil {
		return nil, err
	}
	fields := map[string]bool{}
	v := &dataVisitor{fields: fields}
	node := p.Node()
	ast.Walk(&node, v)
	if v.dynamic {
		fields["*"] = true
	}
	out := &program{src: src, prog: p, usesClocks: v.clocks}
	for f := range fields {
		out.dataFields = append(out.dataFields, f)
	}
	sort.Strings(out.dataFields)
	return out, nil
}

type dataVisitor struct {
	fields  map[string]bool
	dynamic bool
	clocks  bool
}

func (v *dataVisitor) Visit(n *ast.Node) {
	switch m := (*n).(type) {
	case *ast.MemberNode:
		if id, ok := m.Node.(*ast.IdentifierNode); ok && id.Value == "data" {
			if s, ok := m.Property.(*ast.StringNode); ok {
				v.fields[s.Value] = true
			} else {
				v.dynamic = true
			}
		}
	case *ast.IdentifierNode:
		if m.Value == "clocks" || m.Value == "$env" {
			v.clocks = true
		}
	}
}

// run evaluates a program against env with a panic guard.
func (p *program) run(env *guardEnv) (out any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("expression failed: %v", r)
		}
	}()
	return expr.Run(p.prog, env)
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
