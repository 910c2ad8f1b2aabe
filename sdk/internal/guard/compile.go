package guard

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

func kindOption(kind reflect.Kind) expr.Option {
	if kind == reflect.Bool {
		return expr.AsBool()
	}
	return expr.AsKind(kind)
}

// Build compiles an expression already checked by Compile into a program
// that charges the meter as it runs. An error is expr's own.
func Build(src string, opts []expr.Option, kind reflect.Kind) (*vm.Program, error) {
	all := append(append(append([]expr.Option{}, opts...), kindOption(kind)), meterOptions()...)
	return expr.Compile(src, all...)
}

// Budget is what an expression is costed against: the cost model, the
// policy's parameters and number of tracks, and the most it may cost.
type Budget struct {
	Model   *CostModel
	Params  map[string]any
	Tracks  int
	MaxCost int64
}

// Program is one compiled expression with what it reads.
type Program struct {
	Node       ast.Node    // the checked tree, before the metering patch
	Prog       *vm.Program // patched to charge the Meter
	Cost       int64       // worst-case cost in steps
	DataFields []string    // payload fields read (data.X), sorted; "*" for a computed one
	Params     []string    // parameters read by name (params.X), sorted
	UsesClocks bool        // reads clocks (or the whole environment)
}

// Compile checks one expression against opts (its environment, then
// Options) as a kind result: its types, the safety rules, and its
// worst-case cost against b; and compiles it with the metering patch. An
// error is an *Error (a rule of this package) or expr's own, which the
// caller classifies with what it knows of the environment.
func Compile(src string, opts []expr.Option, kind reflect.Kind, b Budget) (Program, error) {
	if strings.TrimSpace(src) == "" {
		return Program{}, &Error{Code: "missing_field", Msg: "empty expression"}
	}
	if len(src) > MaxExprLength {
		return Program{}, &Error{Code: "too_complex", Msg: fmt.Sprintf("expression is %d bytes; the limit is %d", len(src), MaxExprLength)}
	}
	tree, err := checkTree(src, append(append([]expr.Option{}, opts...), kindOption(kind)))
	if err != nil {
		return Program{}, err
	}
	node := tree.Node
	sv := &safety{ops: operators}
	ast.Walk(&node, sv)
	if sv.err != nil {
		return Program{}, sv.err
	}
	fields := map[string]bool{}
	v := &dataVisitor{fields: fields}
	ast.Walk(&node, v)
	if v.dynamic {
		fields["*"] = true
	}
	cost := b.Model.Cost(node, b.Params, b.Tracks)
	if cost > b.MaxCost {
		return Program{}, TooCostly(cost, b.MaxCost)
	}
	p, err := Build(src, opts, kind)
	if err != nil {
		return Program{}, err
	}
	out := Program{Prog: p, Node: node, Cost: cost, UsesClocks: v.clocks, Params: sortedKeys(v.params)}
	out.DataFields = sortedKeys(fields)
	return out, nil
}

// ParamsRead lists the parameters src reads by name (params.X or
// params["X"]), sorted, from its syntax tree (nil when it does not parse):
// Program.Params for an expression that is not compiled.
func ParamsRead(src string) []string {
	if strings.TrimSpace(src) == "" || len(src) > MaxExprLength {
		return nil
	}
	tree, err := parser.Parse(src)
	if err != nil {
		return nil
	}
	v := &dataVisitor{fields: map[string]bool{}}
	ast.Walk(&tree.Node, v)
	return sortedKeys(v.params)
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// dataVisitor finds what an expression reads: payload fields (data.X),
// parameters by name (params.X; nil until one is found) and whether it
// reads clocks.
type dataVisitor struct {
	fields, params map[string]bool
	dynamic        bool
	clocks         bool
}

func (v *dataVisitor) Visit(n *ast.Node) {
	switch m := (*n).(type) {
	case *ast.MemberNode:
		id, ok := m.Node.(*ast.IdentifierNode)
		s, named := m.Property.(*ast.StringNode)
		switch {
		case ok && id.Value == "data" && named:
			v.fields[s.Value] = true
		case ok && id.Value == "data":
			v.dynamic = true
		case ok && id.Value == "params" && named:
			if v.params == nil {
				v.params = map[string]bool{} // most expressions read none
			}
			v.params[s.Value] = true
		}
	case *ast.IdentifierNode:
		if m.Value == "clocks" || m.Value == "$env" {
			v.clocks = true
		}
	}
}

// safety rejects what could make one evaluation run long or allocate
// without bound: variables (which let a string double itself at every
// step), a loop (count, filter, all, ...) inside another loop's predicate
// (which multiplies list lengths), + on anything but numbers, matches with
// a pattern that is not constant; and any built-in or operator outside
// the allow-lists (allowedBuiltins, operators).
type safety struct {
	ops []Operator // the operators allowed (operators)
	err *Error
}

func (v *safety) Visit(n *ast.Node) {
	if v.err != nil {
		return
	}
	switch m := (*n).(type) {
	case *ast.BuiltinNode:
		if !slices.Contains(allowedBuiltins, m.Name) {
			v.err = &Error{Code: "forbidden", Col: m.Location().From + 1,
				Msg: fmt.Sprintf("%s is not available in guards (allowed built-ins: %s)", m.Name, strings.Join(allowedBuiltins, ", "))}
		}
	case *ast.UnaryNode:
		if !allowedOp(v.ops, m.Operator, true) {
			v.err = v.forbiddenOp(m.Operator, m)
		}
	case *ast.BinaryNode:
		if !allowedOp(v.ops, m.Operator, false) {
			v.err = v.forbiddenOp(m.Operator, m)
			return
		}
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
				v.err = &Error{Code: "forbidden", Col: m.Location().From + 1,
					Msg: "+ may only add numbers in guards (joining strings or lists is not allowed); add numbers read from data with float(data.a) + float(data.b)"}
			}
		}
		if m.Operator == "matches" {
			if _, ok := m.Right.(*ast.StringNode); !ok {
				v.err = &Error{Code: "forbidden", Col: m.Location().From + 1,
					Msg: "matches needs a constant pattern (a string in quotes): a pattern read from the case, payload or parameters could cost without bound"}
			}
		}
	case *ast.VariableDeclaratorNode:
		v.err = &Error{Code: "forbidden", Msg: fmt.Sprintf("variables (let %s = ...) are not allowed in guards", m.Name), Col: m.Location().From + 1}
	case *ast.PredicateNode:
		inner := &innerLoop{}
		ast.Walk(&m.Node, inner)
		if inner.found != nil {
			v.err = &Error{Code: "nested_loop", Col: inner.found.Location().From + 1,
				Msg: "a loop (count, filter, all, any, none, one, find, sum, or add_working_days / working_days_between, which step through days) inside another loop's predicate is not allowed: its cost multiplies; test each list in its own loop"}
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

// forbiddenOp is the problem of an operator not in the allow-list, at n.
func (v *safety) forbiddenOp(op string, n ast.Node) *Error {
	return &Error{Code: "forbidden", Col: n.Location().From + 1,
		Msg: fmt.Sprintf("the operator %s is not available in guards (allowed operators: %s)", op, opList(v.ops))}
}
