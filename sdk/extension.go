package sdk

import (
	"slices"
	"strconv"
	"strings"

	"github.com/sendflow/sendflow/sdk/internal/floor"
)

// FamilyRightInfo is one family right the default declares.
type FamilyRightInfo struct {
	Trigger string   `json:"trigger"`
	Roles   []string `json:"roles"`
	Right   string   `json:"right"`
	Rule    string   `json:"rule"`
}

// FamilyRights lists the family rights the default policy declares, with
// the roles that hold each.
func FamilyRights() []FamilyRightInfo {
	var out []FamilyRightInfo
	for i := range genDefault.policy.Triggers {
		td := &genDefault.policy.Triggers[i]
		if td.FamilyRight == nil {
			continue
		}
		out = append(out, FamilyRightInfo{Trigger: td.ID, Roles: slices.Clone(floor.RightHolders(td)), Right: td.FamilyRight.Right, Rule: td.FamilyRight.Rule})
	}
	return out
}

// StatutoryTracks lists the default policy's statutory tracks.
func StatutoryTracks() []string {
	var out []string
	for _, t := range genDefault.policy.Tracks {
		if t.Statutory {
			out = append(out, t.ID)
		}
	}
	return out
}

// paramBounds is a parameter's declaration in words, for the docs.
func paramBounds(p Parameter) string {
	var parts []string
	if p.Type != "" {
		parts = append(parts, p.Type)
	}
	switch {
	case p.Min != nil && p.Max != nil:
		parts = append(parts, trimFloat(*p.Min)+" to "+trimFloat(*p.Max))
	case p.Min != nil:
		parts = append(parts, "at least "+trimFloat(*p.Min))
	case p.Max != nil:
		parts = append(parts, "at most "+trimFloat(*p.Max))
	}
	if len(p.Enum) > 0 {
		parts = append(parts, "one of "+strings.Join(p.Enum, ", "))
	}
	if p.Fixed {
		parts = append(parts, "fixed")
	}
	return strings.Join(parts, ", ")
}

func trimFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
