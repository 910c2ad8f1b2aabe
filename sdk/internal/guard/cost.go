package guard

import (
	"fmt"
	"slices"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/parser"
)

// checkTree parses and type-checks src with opts (no metering patch, no
// optimiser): the tree the safety rules and the cost model read. Between
// the parse and the check it weighs every constant matches pattern: the
// checker compiles them, and a heavy one costs seconds and gigabytes to
// compile, so one too heavy is an *Error (too_costly) before the check.
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
	clockB  = &bound{n: 6, tot: 6*40 + 14, el: dateB}
)

// Caps are what the case and the firing are capped at (sdk's MaxHistory,
// MaxEvidence, MaxPayloadBytes, MaxStringLength, MaxListItems and
// MaxIdentifierLen): the bounds of what an expression reads.
type Caps struct {
	History, Evidence, PayloadBytes, StringLength, ListItems, IdentifierLen int64
}

// CostModel works out expressions' worst-case costs under one set of caps.
// It is immutable: one serves every compile.
type CostModel struct {
	// big is what nothing bounds more tightly: the whole environment.
	big *bound
	// dataEl is a payload value: a string up to StringLength or a list up
	// to ListItems, all within PayloadBytes.
	dataEl, data, caseStr, evidence, clocks, child *bound
	// disputes are other_disputes: a state per decision.
	disputes      *bound
	identifierLen int64
}

// NewCostModel is the cost model under caps.
func NewCostModel(caps Caps) *CostModel {
	big := &bound{n: 4 * caps.PayloadBytes, s: 4 * caps.PayloadBytes, tot: 4 * caps.PayloadBytes}
	big.el = big
	dataEl := &bound{n: caps.ListItems, s: caps.StringLength, tot: caps.PayloadBytes}
	dataEl.el = dataEl
	caseStr := strB(caps.StringLength)
	return &CostModel{big: big, dataEl: dataEl, identifierLen: caps.IdentifierLen,
		data:     &bound{n: caps.PayloadBytes, tot: caps.PayloadBytes, el: dataEl},
		caseStr:  caseStr,
		evidence: &bound{n: caps.Evidence, tot: caps.PayloadBytes, el: strB(caps.StringLength)},
		clocks:   &bound{n: caps.History, tot: caps.History * (6*40 + 14 + caps.IdentifierLen + 2), el: clockB},
		disputes: &bound{n: caps.History, tot: caps.History * (caps.IdentifierLen + 2), el: strB(caps.IdentifierLen)},
		child:    &bound{n: 11, tot: 4*caps.StringLength + 120, el: caseStr},
	}
}

func strB(n int64) *bound { return &bound{s: n, tot: n} }

// valueBound bounds a policy value (a parameter) exactly.
func (cm *CostModel) valueBound(v any) *bound {
	switch x := v.(type) {
	case string:
		return strB(int64(len(x)))
	case []any:
		b := &bound{n: int64(len(x)), el: &bound{}}
		for _, e := range x {
			eb := cm.valueBound(e)
			b.tot += eb.tot + 2
			b.el = cm.join(b.el, eb)
		}
		return b
	case map[string]any:
		b := &bound{n: int64(len(x)), el: &bound{}}
		for k, e := range x {
			eb := cm.valueBound(e)
			b.tot += int64(len(k)) + eb.tot + 2
			b.el = cm.join(b.el, eb)
		}
		return b
	}
	return scalarB
}

func (cm *CostModel) join(a, b *bound) *bound {
	if a == nil {
		return b
	}
	if b == nil || a == b {
		return a
	}
	if a == cm.big || b == cm.big {
		return cm.big
	}
	out := &bound{n: max(a.n, b.n), s: max(a.s, b.s), tot: max(a.tot, b.tot)}
	if a.el != nil || b.el != nil {
		out.el = cm.join(a.el, b.el)
	}
	return out
}

// elem is the bound of b's elements.
func (cm *CostModel) elem(b *bound) *bound {
	if b == nil || b.el == nil {
		return cm.big
	}
	return b.el
}

func satAdd(a, b int64) int64 {
	if a >= MaxCost-b {
		return MaxCost
	}
	return a + b
}

func satMul(a, b int64) int64 {
	if a <= 0 || b <= 0 {
		return 0
	}
	if a > MaxCost/b {
		return MaxCost
	}
	return a * b
}

// coster works out the worst-case cost of one expression.
type coster struct {
	*CostModel
	params map[string]any
	tracks int64
	elems  []*bound // the element bound of each enclosing loop
}

// Cost is the worst-case cost of a type-checked expression (the tree
// checkTree returns), in steps, given the policy's parameters and its
// number of tracks. It saturates at MaxCost (unbounded).
func (cm *CostModel) Cost(node ast.Node, params map[string]any, tracks int) int64 {
	c := &coster{CostModel: cm, params: params, tracks: int64(max(tracks, 1))}
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
		return 1, c.valueBound(m.Value)
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
		return satAdd(cc, max(ac, bc)+1), c.join(ab, bb)
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
	return MaxCost, c.big
}

// identifier is the bound of a name of the guard environment.
func (c *coster) identifier(name string) *bound {
	switch name {
	case "id", "la", "district", "actor", "decision":
		return c.caseStr
	case "at", "today", "decision_at":
		return dateB
	case "exception_open":
		return scalarB
	case "decision_order", "entered_by":
		return c.caseStr
	case "decision_notes":
		return c.evidence
	case "other_disputes":
		return c.disputes
	case "child":
		return c.child
	case "evidence":
		return c.evidence
	case "states":
		return &bound{n: c.tracks, tot: c.tracks * (2*c.identifierLen + 2), el: strB(c.identifierLen)}
	case "clocks":
		return c.clocks
	case "data":
		return c.data
	case "params":
		return c.valueBound(c.params)
	}
	return c.big
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
					return cost, c.valueBound(v)
				}
				return cost, scalarB
			case "data":
				return cost, c.dataEl
			}
		}
	}
	return cost, c.elem(b)
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
		out.el = c.join(out.el, xb)
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
	return MemoryBudget
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
		return cost, c.join(lb, rb)
	}
	return cost, scalarB
}

func (c *coster) builtin(m *ast.BuiltinNode) (int64, *bound) {
	if slices.Contains(loopBuiltins, m.Name) && len(m.Arguments) >= 1 {
		cc, cb := c.walk(m.Arguments[0])
		if len(m.Arguments) >= 2 {
			c.elems = append(c.elems, c.elem(cb))
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
				return cost, c.elem(cb)
			}
			return cost, scalarB
		}
		return satAdd(cc, 1+max(cb.tot, 1)), c.elem(cb)
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
		return cost, c.elem(first)
	case "max", "min":
		if len(m.Arguments) == 1 {
			return cost, c.elem(first)
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
		out = c.join(out, xb)
	}
	name := ""
	if id, ok := m.Callee.(*ast.IdentifierNode); ok {
		name = id.Value
	}
	switch name {
	case "add_working_days":
		cost = satAdd(cost, 2*MaxWorkingDays)
	case "working_days_between":
		cost = satAdd(cost, 2*MaxWorkingDaysRange)
	case "later", "earlier":
		if out != nil {
			return cost, strB(out.s)
		}
	case "":
		return MaxCost, c.big
	}
	if slices.Contains(customFunctions, name) {
		return cost, dateB
	}
	return MaxCost, c.big
}

// TooCostly is the problem of an expression whose cost is over limit.
func TooCostly(cost, limit int64) *Error {
	return &Error{Code: "too_costly", Msg: fmt.Sprintf("its worst-case cost is %s steps, over the limit of %d (Limits.GuardCost): it could run for too long on the largest lawful inputs; loop over less, or call string functions on shorter values", CostText(cost), limit)}
}

// CostText writes a cost: its number, or "unbounded" from MaxCost.
func CostText(c int64) string {
	if c >= MaxCost {
		return "unbounded"
	}
	return fmt.Sprint(c)
}
