package sdk

import "fmt"

// GraphTrack is Graph for one enabled track: its states and the edges
// between them (moves of other tracks are left out). An unknown or
// disabled track is invalid_input.
func (e *Engine) GraphTrack(format, track string, c *Case) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = "", &Error{Code: CodeInternal, Message: fmt.Sprintf("graph failed: %v", r)}
		}
	}()
	t := e.p.trackBy[track]
	if t == nil || t.def.Disabled {
		return "", &Error{Code: CodeInvalidInput, Message: fmt.Sprintf("unknown or disabled track %s%s", clip(track), suggest(track, e.Tracks())), Pointer: "/track"}
	}
	if format != GraphDOT && format != GraphMermaid {
		return e.Graph(format, c) // the same error for a bad format
	}
	current, cerr := e.currentStates(c)
	if cerr != nil {
		return "", cerr
	}
	full := e.graphModel()
	g := graphModel{edges: map[string][]graphEdge{}}
	for _, gt := range full.tracks {
		if gt.id == track {
			g.tracks = append(g.tracks, gt)
		}
	}
	for _, ed := range full.edges[track] {
		if !ed.dashed {
			g.edges[track] = append(g.edges[track], ed)
		}
	}
	if format == GraphDOT {
		return g.dot(current), nil
	}
	return g.mermaid(current), nil
}
