package bridge

import (
	"strings"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/report/lift"
)

// LiftReport is lift_report's result: the LIFT figures of a caseload
// (sdk/report/lift) and its charts as SVG text, by name (lift.Charts).
type LiftReport struct {
	Report lift.Report       `json:"report"`
	Charts map[string]string `json:"charts"`
}

// liftReport derives the LIFT report from text, JSON lines of cases (the
// request's size cap bounds them), verifying each history on e unless
// no_verify.
func liftReport(e *sdk.Engine, req *Request) (any, *sdk.Error) {
	if req.Text == nil {
		return nil, invalid("/text", "lift_report needs text: the cases as JSON lines, one case per line")
	}
	rep, err := lift.Run(strings.NewReader(*req.Text), lift.Options{Period: lift.Period{From: req.From, To: req.To},
		AsOf: req.AsOf, Engine: e, NoVerify: req.NoVerify})
	if err != nil {
		return nil, sdk.AsError(err)
	}
	out := LiftReport{Report: rep, Charts: map[string]string{}}
	for _, name := range lift.Charts {
		svg, serr := lift.SVG(rep, name)
		if serr != nil {
			return nil, &sdk.Error{Code: sdk.CodeInternal, Message: serr.Error()}
		}
		out.Charts[name] = svg
	}
	return out, nil
}
