package sdk

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/parser"
)

// Guard evaluation is bounded twice (docs/policies.md, "The cost model"):
//
//   - at compile time, costOf walks an expression's typed syntax tree and
//     works out its worst-case cost from the declared bounds of what it
//     reads (payload strings, lists, evidence, the policy's own
//     parameters); an expression costing more than Limits.GuardCost is
//     refused with problem code too_costly;
//   - at run time, the compiled program is patched to charge a per
//     evaluation meter: one step per loop iteration, and the size of what
//     each string function, conversion, in, contains, startsWith, endsWith
//     and matches is given. An evaluation that spends Limits.GuardSteps, or
//     whose context is cancelled or past its deadline, is stopped with
//     limit_exceeded. All the evaluations of one call (a Fire, a Permitted,
//     one event of a Replay) share a second budget, Limits.CallSteps, so a
//     policy of many guards each just under the limits cannot make one
//     call slow either.
//
// The run-time charges are never more than the static estimate for values
// within the declared bounds, so a guard that compiles is not stopped at
// run time under the default limits.

// The default limits. A step is about one byte a string function reads or
// one loop iteration (about 50-150 ns on the 2-core machine the tests run
// on): DefaultGuardSteps keeps one evaluation, and DefaultCallSteps one
// whole call, well under a second. The costliest expression of the default
// policy and the example authorities costs 196,619, about a tenth of
// DefaultGuardCost.
const (
	DefaultGuardCost  = 2_000_000
	DefaultGuardSteps = 2_000_000
	DefaultCallSteps  = 3_000_000
)

// limitsOrDefault is l with every zero field at its default.
func (l Limits) orDefault() Limits {
	if l.GuardCost <= 0 {
		l.GuardCost = DefaultGuardCost
	}
	if l.GuardSteps <= 0 {
		l.GuardSteps = DefaultGuardSteps
	}
	if l.CallSteps <= 0 {
		l.CallSteps = DefaultCallSteps
	}
	return l
}

// Names the metering patch injects. Each holds a space, which no policy
// expression can write as a name; the meter's type has no exported field
// or method, so even $env["sendflow meter"] cannot read or change it.
const (
	meterName  = "sendflow meter"
	sizeName   = "sendflow size"
	charsName  = "sendflow chars"
	tickName   = "sendflow tick"
	ctxEvery   = 1 << 14 // steps between two looks at the context
	maxCostVal = math.MaxInt64 / 4
)

// errSteps and errDeadline mark an evaluation stopped by the meter.
var (
	errSteps    = errors.New("the expression exceeded its step budget")
	errCall     = errors.New("the call's guards together exceeded the call's step budget")
	errDeadline = errors.New("the call's context was cancelled or passed its deadline")
)

// meter counts the steps of one evaluation (left, from limit) and of the
// whole call it belongs to (call: never reset between evaluations).
type meter struct {
	ctx   context.Context
	limit int64
	left  int64
	call  int64
	since int64 // steps since the context was last looked at
	stop  error
}

// reset readies m for one evaluation, reporting a context already done.
func (m *meter) reset() error {
	m.left, m.since, m.stop = m.limit, 0, nil
	if m.ctx != nil && m.ctx.Done() != nil {
		if m.ctx.Err() != nil {
			m.stop = errDeadline
		}
	}
	return m.stop
}

func (m *meter) charge(n int64) error {
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
		m.stop = errSteps
		return m.stop
	}
	if m.call < 0 {
		m.stop = errCall
		return m.stop
	}
	m.since += n
	if m.since >= ctxEvery && m.ctx != nil {
		m.since = 0
		if m.ctx.Err() != nil {
			m.stop = errDeadline
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

// meterOptions are the functions the metering patch calls.
func meterOptions() []expr.Option {
	return []expr.Option{
		// sendflow size(m, x, k): charge k steps per unit of x's size; x.
		expr.Function(sizeName, func(p ...any) (any, error) {
			m, _ := p[0].(*meter)
			k, _ := p[2].(int)
			if m != nil {
				if err := m.charge(satMul(sizeOf(p[1], m.left/max(int64(k), 1)+1), int64(k))); err != nil {
					return nil, err
				}
			}
			return p[1], nil
		}, new(func(*meter, any, int) any)),
		// sendflow chars(m, x, k): k steps per character of a string x
		// (k for anything else: the string function refuses it at once).
		expr.Function(charsName, func(p ...any) (any, error) {
			m, _ := p[0].(*meter)
			k, _ := p[2].(int)
			n := int64(1)
			if s, ok := p[1].(string); ok {
				n = max(int64(len(s)), 1)
			}
			if err := m.charge(satMul(n, int64(k))); err != nil {
				return nil, err
			}
			return p[1], nil
		}, new(func(*meter, any, int) any)),
		// sendflow tick(m): one loop iteration.
		expr.Function(tickName, func(p ...any) (any, error) {
			m, _ := p[0].(*meter)
			if err := m.charge(1); err != nil {
				return nil, err
			}
			return true, nil
		}, new(func(*meter) bool)),
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

// customFunctions are the calendar functions exprOptions declares.
var customFunctions = []string{"add_days", "add_weeks", "add_months", "add_working_days", "working_days_between",
	"days_between", "date", "later", "earlier", "is_young_person", "compulsory_school_age_end", "age", "weekday", "is_working_day"}

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
		Arguments: []ast.Node{&ast.IdentifierNode{Value: meterName}, x, &ast.IntegerNode{Value: k}}}
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
					tick := &ast.CallNode{Callee: &ast.IdentifierNode{Value: tickName}, Arguments: []ast.Node{&ast.IdentifierNode{Value: meterName}}}
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

// checkTree parses and type-checks src with opts (no metering patch, no
// optimiser): the tree the safety rules and the cost model read. Between
// the parse and the check it weighs every constant matches pattern
// (checkRegexes): the checker compiles them, and a heavy one costs seconds
// and gigabytes to compile.
func checkTree(src string, opts []expr.Option) (*parser.Tree, error) {
	config := conf.CreateNew()
	for _, op := range opts {
		op(config)
	}
	for name := range config.Disabled {
		delete(config.Builtins, name)
	}
	config.Check()
	tree, err := parser.ParseWithConfig(src, config)
	if err != nil {
		return nil, err
	}
	if rerr := checkRegexes(tree); rerr != nil {
		return nil, rerr
	}
	if _, err := new(checker.Checker).PatchAndCheck(tree, config); err != nil {
		return nil, err
	}
	return tree, nil
}

// bound bounds a value: n its items (a list or map), s its characters (a
// string), tot its size as sizeOf counts it, el its elements.
type bound struct {
	n, s, tot int64
	el        *bound
}

var (
	scalarB = &bound{s: 24, tot: 24}
	dateB   = &bound{s: 40, tot: 40}
	// bigB is what nothing bounds more tightly: the whole environment.
	bigB = func() *bound {
		b := &bound{n: 4 * MaxPayloadBytes, s: 4 * MaxPayloadBytes, tot: 4 * MaxPayloadBytes}
		b.el = b
		return b
	}()
	// A payload value: a string up to MaxStringLength or a list up to
	// MaxListItems, all within MaxPayloadBytes.
	dataElB = func() *bound {
		b := &bound{n: MaxListItems, s: MaxStringLength, tot: MaxPayloadBytes}
		b.el = b
		return b
	}()
	dataB     = &bound{n: MaxPayloadBytes, tot: MaxPayloadBytes, el: dataElB}
	caseStrB  = strB(MaxStringLength)
	evidenceB = &bound{n: MaxEvidence, tot: MaxPayloadBytes, el: strB(MaxStringLength)}
	clockB    = &bound{n: 6, tot: 6*40 + 14, el: dateB}
	clocksB   = &bound{n: MaxHistory, tot: MaxHistory * (6*40 + 14 + MaxIdentifierLen + 2), el: clockB}
	childB    = &bound{n: 4, tot: MaxStringLength + 80, el: caseStrB}
)

func strB(n int64) *bound { return &bound{s: n, tot: n} }

// valueBound bounds a policy value (a parameter) exactly.
func valueBound(v any) *bound {
	switch x := v.(type) {
	case string:
		return strB(int64(len(x)))
	case []any:
		b := &bound{n: int64(len(x)), el: &bound{}}
		for _, e := range x {
			eb := valueBound(e)
			b.tot += eb.tot + 2
			b.el = join(b.el, eb)
		}
		return b
	case map[string]any:
		b := &bound{n: int64(len(x)), el: &bound{}}
		for k, e := range x {
			eb := valueBound(e)
			b.tot += int64(len(k)) + eb.tot + 2
			b.el = join(b.el, eb)
		}
		return b
	}
	return scalarB
}

func join(a, b *bound) *bound {
	if a == nil {
		return b
	}
	if b == nil || a == b {
		return a
	}
	if a == bigB || b == bigB {
		return bigB
	}
	out := &bound{n: max(a.n, b.n), s: max(a.s, b.s), tot: max(a.tot, b.tot)}
	if a.el != nil || b.el != nil {
		out.el = join(a.el, b.el)
	}
	return out
}

func (b *bound) elem() *bound {
	if b == nil || b.el == nil {
		return bigB
	}
	return b.el
}

func satAdd(a, b int64) int64 {
	if a >= maxCostVal-b {
		return maxCostVal
	}
	return a + b
}

func satMul(a, b int64) int64 {
	if a <= 0 || b <= 0 {
		return 0
	}
	if a > maxCostVal/b {
		return maxCostVal
	}
	return a * b
}

// coster works out the worst-case cost of one expression.
type coster struct {
	params map[string]any
	tracks int64
	elems  []*bound // the element bound of each enclosing loop
}

// costOf is the worst-case cost of a type-checked expression, in steps.
func costOf(node ast.Node, params map[string]any, tracks int) int64 {
	c := &coster{params: params, tracks: int64(max(tracks, 1))}
	cost, _ := c.walk(node)
	return cost
}

func (c *coster) walk(n ast.Node) (int64, *bound) {
	switch m := n.(type) {
	case nil:
		return 0, scalarB
	case *ast.NilNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return 1, scalarB
	case *ast.StringNode:
		return 1, strB(int64(len(m.Value)))
	case *ast.ConstantNode:
		return 1, valueBound(m.Value)
	case *ast.IdentifierNode:
		return 1, c.identifier(m.Value)
	case *ast.PointerNode:
		if m.Name == "index" || len(c.elems) == 0 {
			return 1, scalarB
		}
		return 1, c.elems[len(c.elems)-1]
	case *ast.MemberNode:
		return c.member(m)
	case *ast.ChainNode:
		return c.walk(m.Node)
	case *ast.PredicateNode:
		return c.walk(m.Node)
	case *ast.UnaryNode:
		cost, b := c.walk(m.Node)
		return satAdd(cost, 1), b
	case *ast.SliceNode:
		cost, b := c.walk(m.Node)
		fc, _ := c.walk(m.From)
		tc, _ := c.walk(m.To)
		return satAdd(satAdd(cost, fc), satAdd(tc, 1+b.tot)), b
	case *ast.ConditionalNode:
		cc, _ := c.walk(m.Cond)
		ac, ab := c.walk(m.Exp1)
		bc, bb := c.walk(m.Exp2)
		return satAdd(cc, max(ac, bc)+1), join(ab, bb)
	case *ast.SequenceNode:
		return c.sequence(m.Nodes)
	case *ast.VariableDeclaratorNode:
		vc, _ := c.walk(m.Value)
		ec, eb := c.walk(m.Expr)
		return satAdd(vc, ec), eb
	case *ast.ArrayNode:
		return c.collection(m.Nodes)
	case *ast.MapNode:
		return c.collection(m.Pairs)
	case *ast.PairNode:
		kc, kb := c.walk(m.Key)
		vc, vb := c.walk(m.Value)
		return satAdd(kc, vc), &bound{tot: satAdd(kb.tot, vb.tot), s: vb.s, n: vb.n, el: vb.el}
	case *ast.BinaryNode:
		return c.binary(m)
	case *ast.BuiltinNode:
		return c.builtin(m)
	case *ast.CallNode:
		return c.call(m)
	}
	return maxCostVal, bigB
}

// identifier is the bound of a name of the guard environment.
func (c *coster) identifier(name string) *bound {
	switch name {
	case "id", "la", "district", "actor", "decision", "decision_order":
		return caseStrB
	case "at", "today", "decision_at":
		return dateB
	case "child":
		return childB
	case "evidence", "decision_notes":
		return evidenceB
	case "states":
		return &bound{n: c.tracks, tot: c.tracks * (2*MaxIdentifierLen + 2), el: strB(MaxIdentifierLen)}
	case "clocks":
		return clocksB
	case "data":
		return dataB
	case "params":
		return valueBound(c.params)
	}
	return bigB
}

// member costs x.y and x[y]: a named parameter is bounded by its value, a
// payload field by the payload's bounds, anything else by its container's
// elements.
func (c *coster) member(m *ast.MemberNode) (int64, *bound) {
	cost, b := c.walk(m.Node)
	pc, _ := c.walk(m.Property)
	cost = satAdd(cost, pc+1)
	if id, ok := m.Node.(*ast.IdentifierNode); ok {
		if s, ok := m.Property.(*ast.StringNode); ok {
			switch id.Value {
			case "params":
				if v, ok := c.params[s.Value]; ok {
					return cost, valueBound(v)
				}
				return cost, scalarB
			case "data":
				return cost, dataElB
			}
		}
	}
	return cost, b.elem()
}

// sequence costs a; b; c: all of them, with the last one's bound.
func (c *coster) sequence(nodes []ast.Node) (int64, *bound) {
	var cost int64
	var b *bound = scalarB
	for _, x := range nodes {
		var xc int64
		xc, b = c.walk(x)
		cost = satAdd(cost, xc)
	}
	return cost, b
}

// collection costs a list or map literal (its elements, or key-value
// pairs): one step, each element, and a bound holding any of them.
func (c *coster) collection(nodes []ast.Node) (int64, *bound) {
	out := &bound{n: int64(len(nodes)), el: &bound{}}
	var cost int64 = 1
	for _, x := range nodes {
		xc, xb := c.walk(x)
		cost = satAdd(cost, xc)
		out.tot = satAdd(out.tot, xb.tot+2)
		out.el = join(out.el, xb)
	}
	return cost, out
}

// rangeLen is the length of a..b, exact for constant ends, else the
// memory budget (a longer range is stopped when it is built).
func rangeLen(m *ast.BinaryNode) int64 {
	a, aok := intConst(m.Left)
	b, bok := intConst(m.Right)
	if aok && bok {
		return max(b-a+1, 0)
	}
	return guardMemoryBudget
}

func intConst(n ast.Node) (int64, bool) {
	switch m := n.(type) {
	case *ast.IntegerNode:
		return int64(m.Value), true
	case *ast.UnaryNode:
		if v, ok := intConst(m.Node); ok && m.Operator == "-" {
			return -v, true
		}
	}
	return 0, false
}

func (c *coster) binary(m *ast.BinaryNode) (int64, *bound) {
	lc, lb := c.walk(m.Left)
	rc, rb := c.walk(m.Right)
	cost := satAdd(satAdd(lc, rc), 1)
	switch m.Operator {
	case "..":
		n := rangeLen(m)
		return satAdd(cost, n), &bound{n: n, tot: satMul(n, 26), el: scalarB}
	case "contains", "startsWith", "endsWith":
		return satAdd(cost, max(lb.s, 1)+max(rb.s, 1)), scalarB
	case "matches":
		return satAdd(cost, satMul(max(lb.s, 1), patternWeight(m.Right))), scalarB
	case "in":
		if _, ok := m.Right.(*ast.ArrayNode); ok {
			return satAdd(cost, rb.n), scalarB
		}
		if inIsCheap(m.Right) {
			return cost, scalarB
		}
		return satAdd(cost, max(rb.tot, 1)), scalarB
	case "??":
		return cost, join(lb, rb)
	}
	return cost, scalarB
}

func (c *coster) builtin(m *ast.BuiltinNode) (int64, *bound) {
	if slices.Contains(loopBuiltins, m.Name) && len(m.Arguments) >= 1 {
		cc, cb := c.walk(m.Arguments[0])
		if len(m.Arguments) >= 2 {
			c.elems = append(c.elems, cb.elem())
			bc, _ := c.walk(m.Arguments[1])
			c.elems = c.elems[:len(c.elems)-1]
			for _, x := range m.Arguments[2:] {
				xc, _ := c.walk(x)
				cc = satAdd(cc, xc)
			}
			cost := satAdd(satAdd(cc, 1), satMul(max(cb.n, 0), satAdd(bc, 1)))
			switch m.Name {
			case "filter":
				return cost, cb
			case "find", "findLast":
				return cost, cb.elem()
			}
			return cost, scalarB
		}
		return satAdd(cc, 1+max(cb.tot, 1)), cb.elem()
	}
	var cost int64 = 1
	var first *bound = scalarB
	for i, x := range m.Arguments {
		xc, xb := c.walk(x)
		cost = satAdd(cost, xc)
		switch {
		case slices.Contains(charsBuiltins, m.Name):
			cost = satAdd(cost, max(xb.s, 1))
		case slices.Contains(sizeBuiltins, m.Name):
			cost = satAdd(cost, satMul(max(xb.tot, 1), int64(sizeWeight(m.Name))))
		}
		if i == 0 {
			first = xb
		}
	}
	switch m.Name {
	case "upper", "lower", "trim", "trimPrefix", "trimSuffix":
		return cost, strB(first.s)
	case "string":
		return cost, strB(max(first.tot, 24))
	case "keys":
		return cost, &bound{n: first.n, tot: first.tot, el: strB(first.tot)}
	case "first", "last":
		return cost, first.elem()
	case "max", "min":
		if len(m.Arguments) == 1 {
			return cost, first.elem()
		}
	}
	return cost, scalarB
}

func (c *coster) call(m *ast.CallNode) (int64, *bound) {
	var cost int64 = 1
	var out *bound
	for _, x := range m.Arguments {
		xc, xb := c.walk(x)
		cost = satAdd(satAdd(cost, xc), max(xb.tot, 1))
		out = join(out, xb)
	}
	name := ""
	if id, ok := m.Callee.(*ast.IdentifierNode); ok {
		name = id.Value
	}
	switch name {
	case "add_working_days":
		cost = satAdd(cost, 2*maxWorkingDays)
	case "working_days_between":
		cost = satAdd(cost, 2*maxWorkingDaysRange)
	case "later", "earlier":
		if out != nil {
			return cost, strB(out.s)
		}
	case "":
		return maxCostVal, bigB
	}
	if slices.Contains(customFunctions, name) {
		return cost, dateB
	}
	return maxCostVal, bigB
}

// tooCostly is the problem of an expression whose cost is over limit.
func tooCostly(cost, limit int64) *exprError {
	return &exprError{code: "too_costly", msg: fmt.Sprintf("its worst-case cost is %s steps, over the limit of %d (Limits.GuardCost): it could run for too long on the largest lawful inputs; loop over less, or call string functions on shorter values", costText(cost), limit)}
}

func costText(c int64) string {
	if c >= maxCostVal {
		return "unbounded"
	}
	return fmt.Sprint(c)
}

// cost is the worst-case cost of what one firing of t evaluates: its
// guards and branch conditions (saturating, never overflowing).
func (t *trigger) cost() int64 {
	var sum int64
	add := func(p *program) {
		if p != nil {
			sum = min(sum+p.cost, maxCostVal)
		}
	}
	for _, g := range t.guards {
		add(g.prog)
	}
	for _, b := range t.branches {
		add(b.when)
	}
	return sum
}

// triggerTooCostly is the problem of a trigger whose guards and branch
// conditions together cost more than one call may spend.
func triggerTooCostly(id string, cost, limit int64) string {
	return fmt.Sprintf("trigger %s: its guards and branch conditions together have a worst-case cost of %s steps, over the limit of %d for one call (Limits.CallSteps): one firing evaluates them all; loop over less or split the work", id, costText(cost), limit)
}
