package sdk

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
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
	// DecisionOrder is the order recorded on the decision's dispute.
	DecisionOrder string `expr:"decision_order"`
	// DecisionNotes are the notes recorded on that decision's dispute.
	DecisionNotes []string `expr:"decision_notes"`
	// Meter counts the steps of the evaluation (cost.go). Its name holds a
	// space, so no expression can name it; only the metering patch does.
	Meter *meter `expr:"sendflow meter"`
	// meter is what Meter points to, allocated with the environment.
	meter meter
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
		{"decision_at", "string (YYYY-MM-DD)", "The date of the latest appealable decision (on a dispute trigger, or one with on_decision, of the decision it acts on); empty when none."},
		{"decision", "string", "The kind of the latest appealable decision (likewise); empty when none."},
		{"decision_order", "string", "The order recorded on that decision's dispute (e.g. \"dismissed\"); empty when none."},
		{"decision_notes", "[]string", "The notes recorded on that decision's dispute since it left none (e.g. \"response_submitted\")."},
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
		{"age(dob, date)", "int", "Age in whole years."},
		{"is_working_day(date)", "bool", "Monday to Friday and not a holiday."},
		{"weekday(date)", "string", "The day of the week in lower case, e.g. \"tuesday\"."},
	}
}

// allowedBuiltins are the only expr built-ins a guard may call. Everything
// that reads the wall clock or builds data that can grow (map, reduce,
// repeat, concat, sort, now, date parsing) is left out: a guard asks a
// yes/no question of the case, it never needs to build new lists.
var allowedBuiltins = []string{
	"len", "all", "none", "any", "one", "count", "filter", "find", "sum",
	"abs", "ceil", "floor", "round", "int", "float", "string", "lower", "upper",
	"trim", "trimPrefix", "trimSuffix", "hasPrefix", "hasSuffix", "first", "last", "max", "min", "keys",
}

// maxGuardNodes bounds the size of one expression.
const maxGuardNodes = 400

// maxWorkingDays and maxWorkingDaysRange bound the calendar functions that
// step day by day (a year of working days, two years of dates): no time
// limit a guard needs is longer, and each call stays in microseconds.
const (
	maxWorkingDays      = 260
	maxWorkingDaysRange = 731
)

// maxExprLength bounds the source of one expression, in bytes.
const maxExprLength = 4096

// guardMemoryBudget bounds what one evaluation may allocate, in the expr
// VM's units (one per list element or range item built). Lists a guard
// reads are capped (MaxEvidence, MaxListItems), so a lawful guard stays
// far below it; a range like 1..10000000 is stopped before it is built.
const guardMemoryBudget = 50000

// exprError is a problem with one expression: a stable diagnostic code, a
// one-line message and the 1-based column in the expression (0 if unknown).
type exprError struct {
	code string
	msg  string
	col  int
}

func (e *exprError) Error() string { return e.msg }

// errCode is the diagnostic code of an expression error.
func errCode(err error) string {
	if e, ok := err.(*exprError); ok {
		return e.code
	}
	return "expr_error"
}

func errCol(err error) int {
	if e, ok := err.(*exprError); ok {
		return e.col
	}
	return 0
}

// errBudget marks an evaluation stopped by the memory budget.
var errBudget = fmt.Errorf("the expression exceeded its memory budget")

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
	return append(out, allowedBuiltins...)
}

var childFields = []string{"date_of_birth", "year_group", "year_group_known", "age"}
var clockFields = []string{"exists", "running", "started_at", "due", "stopped_at", "status"}

// classify turns an expr compile error into an exprError with a code and,
// for an unknown name, a suggestion.
func classify(err error) *exprError {
	out := &exprError{code: "type_error", msg: oneLine(err)}
	var fe *file.Error
	if errors.As(err, &fe) {
		out.col = fe.Column + 1
		msg := fe.Message
		switch {
		case strings.HasPrefix(msg, "unknown name "):
			name := strings.TrimPrefix(msg, "unknown name ")
			out.code = "unknown_fact"
			out.msg = fmt.Sprintf("unknown name %q%s", name, suggest(name, envNames()))
			if slices.Contains([]string{"map", "reduce", "repeat", "now", "concat", "sort", "sortBy", "groupBy", "toJSON", "fromJSON", "split", "join"}, name) {
				out.code = "forbidden"
				out.msg = fmt.Sprintf("%s is not available in guards (allowed built-ins: %s)", name, strings.Join(allowedBuiltins, ", "))
			}
		case strings.Contains(msg, " has no field "):
			typ, field, _ := strings.Cut(msg, " has no field ")
			out.code = "unknown_fact"
			names := childFields
			prefix := "child"
			if strings.Contains(typ, "clockEnv") {
				names, prefix = clockFields, "clocks.KEY"
			}
			out.msg = fmt.Sprintf("%s has no field %q%s", prefix, field, suggest(field, names))
		case strings.Contains(msg, "exceeds maximum allowed nodes"):
			out.code = "too_complex"
			out.msg = fmt.Sprintf("the expression has more than %d nodes; split it into several guards", maxGuardNodes)
		default:
			out.msg = msg
		}
	}
	return out
}

// safety rejects what could make one evaluation run long or allocate
// without bound: variables (which let a string double itself at every
// step) and a loop (count, filter, all, ...) inside another loop's
// predicate (which multiplies list lengths).
type safety struct {
	err *exprError
}

func (v *safety) Visit(n *ast.Node) {
	if v.err != nil {
		return
	}
	switch m := (*n).(type) {
	case *ast.BuiltinNode:
		if !slices.Contains(allowedBuiltins, m.Name) {
			v.err = &exprError{code: "forbidden", col: m.Location().From + 1,
				msg: fmt.Sprintf("%s is not available in guards (allowed built-ins: %s)", m.Name, strings.Join(allowedBuiltins, ", "))}
		}
	case *ast.BinaryNode:
		// Building strings (a + a + a ...) is how an expression makes its
		// own data grow; a guard only compares.
		// Only numbers may be added: a + of unknown type (data.x + data.x)
		// could join strings at run time.
		if m.Operator == "+" {
			numeric := false
			if t := m.Type(); t != nil {
				switch t.Kind() {
				case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8,
					reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
					numeric = true
				}
			}
			_, ls := m.Left.(*ast.StringNode)
			_, rs := m.Right.(*ast.StringNode)
			if !numeric && !(ls && rs) {
				v.err = &exprError{code: "forbidden", col: m.Location().From + 1,
					msg: "+ may only add numbers in guards (joining strings or lists is not allowed); add numbers read from data with float(data.a) + float(data.b)"}
			}
		}
		if m.Operator == "matches" {
			if _, ok := m.Right.(*ast.StringNode); !ok {
				v.err = &exprError{code: "forbidden", col: m.Location().From + 1,
					msg: "matches needs a constant pattern (a string in quotes): a pattern read from the case, payload or parameters could cost without bound"}
			}
		}
	case *ast.VariableDeclaratorNode:
		v.err = &exprError{code: "forbidden", msg: fmt.Sprintf("variables (let %s = ...) are not allowed in guards", m.Name), col: m.Location().From + 1}
	case *ast.PredicateNode:
		inner := &innerLoop{}
		ast.Walk(&m.Node, inner)
		if inner.found != nil {
			v.err = &exprError{code: "nested_loop", col: inner.found.Location().From + 1,
				msg: "a loop (count, filter, all, any, none, one, find, sum, or add_working_days / working_days_between, which step through days) inside another loop's predicate is not allowed: its cost multiplies; test each list in its own loop"}
		}
	}
}

type innerLoop struct{ found ast.Node }

func (v *innerLoop) Visit(n *ast.Node) {
	if v.found != nil {
		return
	}
	switch m := (*n).(type) {
	case *ast.PredicateNode:
		v.found = *n
	case *ast.CallNode:
		// These step through the calendar day by day: in a loop they
		// multiply like a loop.
		if id, ok := m.Callee.(*ast.IdentifierNode); ok && (id.Value == "add_working_days" || id.Value == "working_days_between") {
			v.found = *n
		}
	}
}

// exprOptions are the options every expression is compiled with: the
// guard environment, the node limit, the allowed built-ins and the
// calendar functions, which read the policy's bank holidays h.
func exprOptions(h *calendar.Holidays) []expr.Option {
	opts := []expr.Option{
		expr.Env(guardEnv{}),
		expr.DisableAllBuiltins(),
		expr.MaxNodes(maxGuardNodes),
	}
	for _, b := range allowedBuiltins {
		opts = append(opts, expr.EnableBuiltin(b))
	}
	opts = append(opts, dateArithmetic()...)
	opts = append(opts, workingDayArithmetic(h)...)
	opts = append(opts, dateComparisons()...)
	opts = append(opts, ageFunctions()...)
	return append(opts, dayFunctions(h)...)
}

// dateArg reads a guard's date argument.
func dateArg(s any) (calendar.Date, error) { return calendar.ParseDate(s.(string)) }

// dateArgs reads a guard function's two date arguments.
func dateArgs(p []any) (calendar.Date, calendar.Date, error) {
	a, err := dateArg(p[0])
	if err != nil {
		return a, calendar.Date{}, err
	}
	b, err := dateArg(p[1])
	return a, b, err
}

// dateArithmetic: add_days, add_weeks and add_months (date, n) -> date.
func dateArithmetic() []expr.Option {
	dateOp := func(name string, f func(calendar.Date, int) calendar.Date) expr.Option {
		return expr.Function(name, func(p ...any) (any, error) {
			d, err := dateArg(p[0])
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
	return []expr.Option{
		dateOp("add_days", func(d calendar.Date, n int) calendar.Date { return d.AddDays(n) }),
		dateOp("add_weeks", func(d calendar.Date, n int) calendar.Date { return d.AddDays(7 * n) }),
		dateOp("add_months", func(d calendar.Date, n int) calendar.Date { return d.AddMonths(n) }),
	}
}

// workingDayArithmetic: add_working_days and working_days_between, over
// the policy's bank holidays h, each bounded (they step through days).
func workingDayArithmetic(h *calendar.Holidays) []expr.Option {
	return []expr.Option{
		expr.Function("add_working_days", func(p ...any) (any, error) {
			d, err := dateArg(p[0])
			if err != nil {
				return nil, fmt.Errorf("add_working_days: %w", err)
			}
			n := p[1].(int)
			if n < 0 || n > maxWorkingDays {
				return nil, fmt.Errorf("add_working_days: %d is out of range (0 to %d)", n, maxWorkingDays)
			}
			return h.AddWorkingDays(d, n).String(), nil
		}, new(func(string, int) string)),
		expr.Function("working_days_between", func(p ...any) (any, error) {
			a, b, err := dateArgs(p)
			if err != nil {
				return nil, err
			}
			if a.DaysUntil(b) > maxWorkingDaysRange {
				return nil, fmt.Errorf("working_days_between: the range is longer than %d days", maxWorkingDaysRange)
			}
			return h.WorkingDaysBetween(a, b), nil
		}, new(func(string, string) int)),
	}
}

// dateComparisons: days_between, date (y, m, d), later and earlier (of two
// dates, "" for none).
func dateComparisons() []expr.Option {
	return []expr.Option{
		expr.Function("days_between", func(p ...any) (any, error) {
			a, b, err := dateArgs(p)
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
	}
}

// ageFunctions: is_young_person, compulsory_school_age_end and age, from a
// date of birth.
func ageFunctions() []expr.Option {
	return []expr.Option{
		expr.Function("is_young_person", func(p ...any) (any, error) {
			dob, on, err := dateArgs(p)
			if err != nil {
				return false, nil
			}
			return calendar.IsYoungPerson(dob, on), nil
		}, new(func(string, string) bool)),
		expr.Function("compulsory_school_age_end", func(p ...any) (any, error) {
			dob, err := dateArg(p[0])
			if err != nil {
				return nil, err
			}
			return calendar.CompulsorySchoolAgeEnd(dob).String(), nil
		}, new(func(string) string)),
		expr.Function("age", func(p ...any) (any, error) {
			dob, on, err := dateArgs(p)
			if err != nil {
				return nil, err
			}
			return calendar.AgeOn(dob, on), nil
		}, new(func(string, string) int)),
	}
}

// dayFunctions: weekday ("monday") and is_working_day, over h.
func dayFunctions(h *calendar.Holidays) []expr.Option {
	return []expr.Option{
		expr.Function("weekday", func(p ...any) (any, error) {
			d, err := dateArg(p[0])
			if err != nil {
				return nil, err
			}
			return strings.ToLower(d.Weekday().String()), nil
		}, new(func(string) string)),
		expr.Function("is_working_day", func(p ...any) (any, error) {
			d, err := dateArg(p[0])
			if err != nil {
				return nil, err
			}
			return h.IsWorkingDay(d), nil
		}, new(func(string) bool)),
	}
}

// program is one compiled expression with what it reads.
type program struct {
	src        string
	cost       int64       // worst-case cost in steps (cost.go)
	node       ast.Node    // the checked tree, before the metering patch (nil when lazy)
	prog       *vm.Program // nil when lazy
	dataFields []string    // payload fields read (data.X)
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
			return nil, tooCostly(m.Cost, c.guardCost)
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

func kindOption(kind reflect.Kind) expr.Option {
	if kind == reflect.Bool {
		return expr.AsBool()
	}
	return expr.AsKind(kind)
}

// buildExpr compiles an expression already checked by compileExpr into a
// program that charges the meter as it runs.
func buildExpr(src string, opts []expr.Option, kind reflect.Kind) (*vm.Program, error) {
	all := append(append(append([]expr.Option{}, opts...), kindOption(kind)), meterOptions()...)
	p, err := expr.Compile(src, all...)
	if err != nil {
		return nil, classify(err)
	}
	return p, nil
}

// compileExpr checks one expression (types, the safety rules, its
// worst-case cost against guardCost, given the policy's parameters and
// number of tracks) and compiles it with the metering patch.
func compileExpr(src string, opts []expr.Option, kind reflect.Kind, params map[string]any, tracks int, guardCost int64) (*program, error) {
	if strings.TrimSpace(src) == "" {
		return nil, &exprError{code: "missing_field", msg: "empty expression"}
	}
	if len(src) > maxExprLength {
		return nil, &exprError{code: "too_complex", msg: fmt.Sprintf("expression is %d bytes; the limit is %d", len(src), maxExprLength)}
	}
	tree, err := checkTree(src, append(append([]expr.Option{}, opts...), kindOption(kind)))
	if rerr, ok := err.(*exprError); ok {
		return nil, rerr
	}
	if err != nil {
		return nil, classify(err)
	}
	node := tree.Node
	sv := &safety{}
	ast.Walk(&node, sv)
	if sv.err != nil {
		return nil, sv.err
	}
	fields := map[string]bool{}
	v := &dataVisitor{fields: fields}
	ast.Walk(&node, v)
	if v.dynamic {
		fields["*"] = true
	}
	cost := costOf(node, params, tracks)
	if cost > guardCost {
		return nil, tooCostly(cost, guardCost)
	}
	p, err := buildExpr(src, opts, kind)
	if err != nil {
		return nil, err
	}
	out := &program{src: src, prog: p, node: node, cost: cost, usesClocks: v.clocks}
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
	prog, err := p.vmProgram()
	if err != nil {
		return nil, err
	}
	if env.Meter != nil {
		if err := env.Meter.reset(); err != nil {
			return nil, err
		}
		defer func() {
			if env.Meter.stop != nil {
				out, err = nil, env.Meter.stop
			}
		}()
	}
	m := vmPool.Get().(*vm.VM)
	defer putVM(m)
	m.MemoryBudget = guardMemoryBudget
	out, err = m.Run(prog, env)
	if err != nil && strings.Contains(err.Error(), "memory budget exceeded") {
		return nil, errBudget
	}
	return out, err
}

// vmPool holds expr VMs for reuse: Run resets a VM's stack, scopes and
// memory count, so one evaluation does not allocate a VM and its stack.
var vmPool = sync.Pool{New: func() any { return &vm.VM{} }}

// putVM returns m to the pool without keeping the values of the last
// evaluation alive.
func putVM(m *vm.VM) {
	clear(m.Stack[:cap(m.Stack)])
	m.Stack = m.Stack[:0]
	clear(m.Variables)
	clear(m.Scopes)
	m.Scopes = m.Scopes[:0]
	vmPool.Put(m)
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
