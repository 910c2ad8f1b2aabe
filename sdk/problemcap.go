package sdk

// The problems a policy error lists are capped (MaxProblems) and clipped
// (the front end caps its own; these are the compiler's).

import (
	"fmt"

	"github.com/sendflow/sendflow/internal/textclip"
	"github.com/sendflow/sendflow/sdk/internal/policy"
)

// capProblems keeps at most MaxProblems problems, the last saying how many
// more there were, and clips every message and snippet.
func capProblems(ps []Problem) []Problem {
	if len(ps) > MaxProblems {
		more := len(ps) - (MaxProblems - 1)
		ps = append(ps[:MaxProblems-1:MaxProblems-1], Problem{Code: "more_problems",
			Message: fmt.Sprintf("%d more problem(s) not shown", more), Severity: SeverityError})
	}
	for i := range ps {
		ps[i].Message = textclip.Clip(ps[i].Message, policy.MaxMessageBytes)
		ps[i].Snippet = policy.ClipSnippet(ps[i].Snippet)
	}
	return ps
}
