package guard

import (
	"context"
	"errors"
	"math"
	"reflect"
	"slices"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
)

// Names the metering patch injects. Each holds a space, which no policy
// expression can write as a name; the meter's type has no exported field
// or method, so even $env["sendflow meter"] cannot read or change it. The
// environment's field for the meter is tagged MeterName.
const (
	MeterName = "sendflow meter"
	sizeName  = "sendflow size"
	charsName = "sendflow chars"
	tickName  = "sendflow tick"
	ctxEvery  = 1 << 14 // steps between two looks at the context
	// MaxCost is the cost of an unbounded expression: costs saturate at it.
	MaxCost = math.MaxInt64 / 4
)

// ErrSteps, ErrCall and ErrDeadline mark an evaluation stopped by the
// meter: its own step budget, its call's, or the call's context.
var (
	ErrSteps    = errors.New("the expression exceeded its step budget")
	ErrCall     = errors.New("the call's guards together exceeded the call's step budget")
	ErrDeadline = errors.New("the call's context was cancelled or passed its deadline")
)

// Meter counts the steps of one evaluation (left, from limit) and of the
// whole call it belongs to (call: never reset between evaluations). Start
// it before a call; Run resets it before each evaluation.
type Meter struct {
	ctx   context.Context
	limit int64
	left  int64
	call  int64
	since int64 // steps since the context was last looked at
	stop  error
}

// Start readies m for a call: each evaluation may take limit steps, and
// all of them together call steps, while ctx (nil for none) is not done.
func (m *Meter) Start(ctx context.Context, limit, call int64) {
	*m = Meter{ctx: ctx, limit: limit, call: call}
}

// reset readies m for one evaluation, reporting a context already done.
func (m *Meter) reset() error {
	m.left, m.since, m.stop = m.limit, 0, nil
	if m.ctx != nil && m.ctx.Done() != nil {
		if m.ctx.Err() != nil {
			m.stop = ErrDeadline
		}
	}
	return m.stop
}

// stopped is why the meter stopped the evaluation, nil when it did not.
func (m *Meter) stopped() error { return m.stop }

func (m *Meter) charge(n int64) error {
	if m == nil {
		return nil
	}
	if m.stop != nil {
		return m.stop
	}
	if n < 1 {
		n = 1
	}
	m.left -= n
	m.call -= n
	if m.left < 0 {
		m.stop = ErrSteps
		return m.stop
	}
	if m.call < 0 {
		m.stop = ErrCall
		return m.stop
	}
	m.since += n
	if m.since >= ctxEvery && m.ctx != nil {
		m.since = 0
		if m.ctx.Err() != nil {
			m.stop = ErrDeadline
			return m.stop
		}
	}
	return nil
}

// sizeOf is the size of a value in steps, counted no further than limit:
// characters of a string, and for a list or map its items with their own
// sizes (two more each, for what string() puts between them).
func sizeOf(v any, limit int64) int64 {
	switch x := v.(type) {
	case string:
		return int64(len(x))
	case nil:
		return 5
	case bool, int, int64, float64, int32, float32, uint, uint64:
		return 24
	case []string:
		var n int64
		for _, s := range x {
			if n += int64(len(s)) + 2; n > limit {
				return n
			}
		}
		return n
	case []any:
		var n int64
		for _, e := range x {
			if n += sizeOf(e, limit-n) + 2; n > limit {
				return n
			}
		}
		return n
	case map[string]any:
		var n int64
		for k, e := range x {
			if n += int64(len(k)) + sizeOf(e, limit-n) + 2; n > limit {
				return n
			}
		}
		return n
	case map[string]string:
		var n int64
		for k, e := range x {
			if n += int64(len(k)+len(e)) + 2; n > limit {
				return n
			}
		}
		return n
	}
	return reflectSize(reflect.ValueOf(v), limit, 0)
}

func reflectSize(v reflect.Value, limit int64, depth int) int64 {
	if depth > 8 {
		return limit + 1
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return 5
		}
		return reflectSize(v.Elem(), limit, depth+1)
	case reflect.String:
		return int64(v.Len())
	case reflect.Slice, reflect.Array:
		var n int64
		for i := 0; i < v.Len(); i++ {
			if n += reflectSize(v.Index(i), limit-n, depth+1) + 2; n > limit {
				return n
			}
		}
		return n
	case reflect.Map:
		var n int64
		it := v.MapRange()
		for it.Next() {
			if n += reflectSize(it.Key(), limit-n, depth+1) + reflectSize(it.Value(), limit-n, depth+1) + 2; n > limit {
				return n
			}
		}
		return n
	case reflect.Struct:
		n := int64(2)
		for i := 0; i < v.NumField(); i++ {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			if n += reflectSize(v.Field(i), limit-n, depth+1) + 1; n > limit {
				return n
			}
		}
		return n
	}
	return 24
}

// meterOptions are the functions the metering patch calls, and the patch:
// a program compiled with them charges the Meter in the environment.
func meterOptions() []expr.Option {
	return []expr.Option{
		// sendflow size(m, x, k): charge k steps per unit of x's size; x.
		expr.Function(sizeName, func(p ...any) (any, error) {
			m, _ := p[0].(*Meter)
			k, _ := p[2].(int)
			if m != nil {
				if err := m.charge(satMul(sizeOf(p[1], m.left/max(int64(k), 1)+1), int64(k))); err != nil {
					return nil, err
				}
			}
			return p[1], nil
		}, new(func(*Meter, any, int) any)),
		// sendflow chars(m, x, k): k steps per character of a string x
		// (k for anything else: the string function refuses it at once).
		expr.Function(charsName, func(p ...any) (any, error) {
			m, _ := p[0].(*Meter)
			k, _ := p[2].(int)
			n := int64(1)
			if s, ok := p[1].(string); ok {
				n = max(int64(len(s)), 1)
			}
			if err := m.charge(satMul(n, int64(k))); err != nil {
				return nil, err
			}
			return p[1], nil
		}, new(func(*Meter, any, int) any)),
		// sendflow tick(m): one loop iteration.
		expr.Function(tickName, func(p ...any) (any, error) {
			m, _ := p[0].(*Meter)
			if err := m.charge(1); err != nil {
				return nil, err
			}
			return true, nil
		}, new(func(*Meter) bool)),
		expr.Patch(meterPatch{}),
	}
}

// Built-ins charged by the characters of their string arguments, and by
// the size of whatever they are given.
var (
	charsBuiltins = []string{"upper", "lower", "trim", "trimPrefix", "trimSuffix", "hasPrefix", "hasSuffix"}
	sizeBuiltins  = []string{"string", "int", "float", "keys", "max", "min"}
	loopBuiltins  = []string{"all", "none", "any", "one", "filter", "find", "findIndex", "findLast", "findLastIndex", "count", "sum", "map", "groupBy", "sortBy", "reduce"}
)

// customFunctions are the calendar functions Options declares.
var customFunctions = []string{"add_days", "add_weeks", "add_months", "add_working_days", "working_days_between",
	"days_between", "date", "later", "earlier", "is_young_person", "compulsory_school_age_end", "age_limit_date", "age", "weekday", "is_working_day"}

// stringWeight is what string() is charged per unit of its argument's
// size: formatting a list or map costs several times reading a string.
const stringWeight = 8

func sizeWeight(builtin string) int {
	if builtin == "string" {
		return stringWeight
	}
	return 1
}

func meterCall(fn string, x ast.Node, k int) ast.Node {
	return &ast.CallNode{Callee: &ast.IdentifierNode{Value: fn},
		Arguments: []ast.Node{&ast.IdentifierNode{Value: MeterName}, x, &ast.IntegerNode{Value: k}}}
}

// meterPatch rewrites a type-checked expression to charge the meter.
type meterPatch struct{}

func (meterPatch) Visit(n *ast.Node) {
	switch m := (*n).(type) {
	case *ast.BuiltinNode:
		switch {
		case slices.Contains(loopBuiltins, m.Name):
			if len(m.Arguments) >= 2 {
				if p, ok := m.Arguments[1].(*ast.PredicateNode); ok {
					tick := &ast.CallNode{Callee: &ast.IdentifierNode{Value: tickName}, Arguments: []ast.Node{&ast.IdentifierNode{Value: MeterName}}}
					p.Node = &ast.SequenceNode{Nodes: []ast.Node{tick, p.Node}}
					return
				}
			}
			if len(m.Arguments) >= 1 {
				m.Arguments[0] = meterCall(sizeName, m.Arguments[0], 1)
			}
		case slices.Contains(charsBuiltins, m.Name):
			for i := range m.Arguments {
				m.Arguments[i] = meterCall(charsName, m.Arguments[i], 1)
			}
		case slices.Contains(sizeBuiltins, m.Name):
			for i := range m.Arguments {
				m.Arguments[i] = meterCall(sizeName, m.Arguments[i], sizeWeight(m.Name))
			}
		}
	case *ast.CallNode:
		if id, ok := m.Callee.(*ast.IdentifierNode); ok && slices.Contains(customFunctions, id.Value) {
			for i := range m.Arguments {
				m.Arguments[i] = meterCall(sizeName, m.Arguments[i], 1)
			}
		}
	case *ast.BinaryNode:
		switch m.Operator {
		case "contains", "startsWith", "endsWith":
			m.Left = meterCall(charsName, m.Left, 1)
			m.Right = meterCall(charsName, m.Right, 1)
		case "matches":
			m.Left = meterCall(charsName, m.Left, int(patternWeight(m.Right)))
		case "in":
			if !inIsCheap(m.Right) {
				m.Right = meterCall(sizeName, m.Right, 1)
			}
		}
	}
}

// inIsCheap is true when x in right costs one look-up: right is a map or
// struct, or a literal list.
func inIsCheap(right ast.Node) bool {
	if _, ok := right.(*ast.ArrayNode); ok {
		return true
	}
	if t := right.Type(); t != nil {
		switch t.Kind() {
		case reflect.Map, reflect.Struct:
			return true
		case reflect.Pointer:
			return t.Elem().Kind() == reflect.Struct
		}
	}
	return false
}
