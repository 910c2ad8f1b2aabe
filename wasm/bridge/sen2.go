package bridge

import (
	"bytes"
	"strings"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/report"
)

// Sen2Return is the result of sen2_return.
type Sen2Return struct {
	// Summary holds the counts per module and every pre-submission issue.
	Summary report.ReturnSummary `json:"summary"`
	// Read says how many lines were read, how many cases counted, and
	// which lines were not (a history that fails verification, not a case,
	// a case given twice).
	Read report.ReadCounts `json:"read"`
	// XML is the return, only when there is no issue and every case was
	// counted ("" otherwise).
	XML string `json:"xml,omitempty"`
}

// sen2Return builds the person-level return of the cases in req.Text (JSON
// lines), each verified with e.
func sen2Return(e *sdk.Engine, req *Request) (any, *sdk.Error) {
	if req.Text == nil {
		return nil, invalid("/text", "sen2_return needs text: the cases, one JSON case per line")
	}
	if req.SEN2 == nil {
		return nil, invalid("/sen2", "sen2_return needs sen2: {year, la, dmo, dco}")
	}
	var out bytes.Buffer
	ret, err := report.NewReturn(&out, *req.SEN2)
	if err != nil {
		return nil, sdk.AsError(err)
	}
	for line := range strings.SplitSeq(*req.Text, "\n") {
		if err := ret.AddJSON([]byte(line), e); err != nil {
			return nil, sdk.AsError(err)
		}
	}
	sum, err := ret.Close()
	if err != nil {
		return nil, sdk.AsError(err)
	}
	res := Sen2Return{Summary: sum, Read: ret.Read()}
	if sum.IssueCount == 0 && res.Read.Failed == 0 {
		res.XML = out.String()
	}
	return res, nil
}
