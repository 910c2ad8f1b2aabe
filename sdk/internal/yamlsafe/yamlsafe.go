// Package yamlsafe bounds what a YAML document may cost before and after a
// YAML parser sees it: its nesting depth, by a linear scan of the bytes that
// allocates nothing (go-yaml's parser takes time growing with the square of
// the depth), and the number of nodes it expands to once every alias is
// replaced by its anchor's subtree (a few hundred bytes of nested aliases
// expand to billions of values), counted on the parsed syntax tree without
// expanding anything.
//
// The depth scan follows the YAML structure closely enough to agree with the
// parser: flow collections ("[", "{") opened at the start of a node or inside
// another flow collection, outside quoted scalars and comments; block
// collections by their indentation, including compact ones ("- - x", "- a: b")
// on one line; block scalars ("|", ">") skipped as text, and the continuation
// lines of a plain scalar scanned with any quote ending at the end of the
// line. Where it cannot tell, it counts a level, so it may over-count a
// strange document but does not under-count one the parser reads as deep
// (TestDepthNeverBelowParser and FuzzDepthNeverBelowParser check this
// against the parser).
package yamlsafe

import (
	"bytes"
	"fmt"
	"math"

	"github.com/goccy/go-yaml/ast"

	"github.com/sendflow/sendflow/internal/textclip"
)

// Error is a document refused by a check: what was exceeded and where.
type Error struct {
	// Line and Column are 1-based; 0 when the position is not known.
	Line, Column int
	// Message says what was exceeded; it quotes nothing from the document.
	Message string
	// NotYAML is true when the document holds a NUL byte, which YAML does
	// not allow (and go-yaml reads inconsistently: as a space or a line
	// break), rather than exceeding a limit.
	NotYAML bool
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Message)
	}
	return e.Message
}

// Breadth reports an *Error when data has more than max separators: the
// bytes that start or divide values (",", "[", "{", line breaks, and ":" and
// "-" followed by a blank), counted in one pass before any parser reads the document. Every
// value but the first needs one of them, so a document over max cannot
// expand to few values, and go-yaml's parser, whose time and memory grow
// with the tokens (a flat list of 500,000 numbers took 5 s and 600 MB), is
// never handed one. Separators inside quoted text and comments count too:
// the estimate errs on the side of more, and the caps leave room for it
// (the default policy, the largest lawful document, has 3,255).
func Breadth(data []byte, max int) error {
	n := 0
	for i, c := range data {
		w := 0
		switch {
		case separator(data, i, c):
			w = 1
		case c == '!' && (i == 0 || blankAfter(data[i-1]) || isFlowIndicator(data[i-1])):
			// A tag: go-yaml's scenario path costs far more per tagged
			// value, and no lawful document has one.
			w = tagWeight
		default:
			continue
		}
		if n += w; n > max {
			line := bytes.Count(data[:i], []byte("\n")) + 1
			return &Error{Line: line, Column: i - (bytes.LastIndexByte(data[:i], '\n') + 1) + 1,
				Message: fmt.Sprintf("the document has more than %d values", max)}
		}
	}
	return nil
}

// tagWeight is what a tag counts in Breadth.
const tagWeight = 8

// separator reports whether data[i] (c) starts or divides a value for
// Breadth: ",", "[", "{", a line break (a lone "\r" is one to go-yaml, and
// "\r\n" counts once), and ":" or "-" followed by a blank or the end (the
// dashes of a date and the colons of a time are not).
func separator(data []byte, i int, c byte) bool {
	switch c {
	case ',', '[', '{', '\n':
		return true
	case '\r':
		return i+1 >= len(data) || data[i+1] != '\n'
	case ':', '-':
		return i+1 >= len(data) || blankAfter(data[i+1])
	}
	return false
}

// Depth reports an *Error at the first position where data nests deeper than
// max (block collections by indentation plus flow collections), or at its
// first NUL byte (NotYAML), or nil. It reads each byte at most twice and
// allocates at most about 2*max+2 ints and bytes.
func Depth(data []byte, max int) error {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		line := bytes.Count(data[:i], []byte("\n")) + 1
		return &Error{Line: line, Column: i - (bytes.LastIndexByte(data[:i], '\n') + 1) + 1, NotYAML: true,
			Message: "the document holds a NUL byte, which YAML does not allow"}
	}
	s := scanner{data: data, max: max, lit: noLit}
	return s.run()
}

const noLit = -2

type scanner struct {
	data []byte
	max  int
	i    int // the next byte
	line int // 1-based line of byte i
	bol  int // index of the first byte of the current line

	// stack holds the open block collections, innermost last: column<<1,
	// |1 for a sequence (which may sit at its parent key's column).
	stack []int
	flow  int    // open flow collections
	kinds []byte // the open flow collections' openers, innermost last
	// pairs counts the open flow sequences holding a "k: v" entry (a
	// single-pair mapping: one level more), marked 'p' in kinds.
	pairs int
	// props counts the lines that ended in a tag or anchor (the node on
	// the next lines): go-yaml may nest the rest of the document one level
	// deeper, even lines indented no deeper ("0: !t" repeated nests), so
	// each counts a level until the document ends. propPending is such a
	// line not yet followed.
	props       int
	propPending int
	// entryPending is a line that ended with "-" or "?" at entryCol.
	entryPending bool
	entryCol     int

	quote byte // the open quoted scalar's quote, or 0
	// afterQuote is what follows the end of an open quoted scalar: a
	// block-context node whose key column is quoteCol.
	quoteCol int

	// lit, when not noLit, skips as text every following line indented
	// more than lit (the content of a block scalar, or the continuation of
	// a plain scalar); litPlain ends the skipping at a comment.
	lit      int
	litPlain bool
	// lineLocal is true on a plain scalar's continuation line.
	lineLocal bool

	// flowStart is true in a flow collection where a node may start (after
	// "[", "{", "," or ":"), so a quote there opens a quoted scalar.
	flowStart bool
	// flowCol is the column the outermost flow collection started at.
	flowCol int

	// deepest is the most levels open at once so far.
	deepest int
}

func (s *scanner) col() int { return s.i - s.bol }

// level is the number of levels open.
func (s *scanner) level() int { return len(s.stack) + s.flow + s.props + s.pairs }

func (s *scanner) fail(format string, args ...any) error {
	return &Error{Line: s.line, Column: s.col() + 1, Message: fmt.Sprintf(format, args...)}
}

func (s *scanner) deep() error {
	return s.fail("the document nests more than %d levels deep", s.max)
}

// push opens a block collection at column c (a sequence when seq): one
// level deeper unless it continues the innermost one (a sibling entry).
func (s *scanner) push(c int, seq bool) error {
	e := c << 1
	if seq {
		e |= 1
	}
	if n := len(s.stack); n > 0 && s.stack[n-1] == e {
		return nil
	}
	if s.level() >= s.max {
		return s.deep()
	}
	s.stack = append(s.stack, e)
	s.deepest = max(s.deepest, s.level())
	return nil
}

func (s *scanner) openFlow() error {
	if s.level() >= s.max {
		return s.deep()
	}
	s.flow++
	s.kinds = append(s.kinds, s.data[s.i])
	s.flowStart = true
	s.deepest = max(s.deepest, s.level())
	return nil
}

func (s *scanner) eol() bool { return s.i >= len(s.data) || s.lineBreak(s.i) }

// lineBreak is true at a line break as go-yaml reads one: "\n", and a "\r"
// not before "\n".
func (s *scanner) lineBreak(i int) bool {
	switch s.data[i] {
	case '\n':
		return true
	case '\r':
		return i+1 == len(s.data) || s.data[i+1] != '\n'
	}
	return false
}

func (s *scanner) at(off int) byte {
	if s.i+off < len(s.data) {
		return s.data[s.i+off]
	}
	return '\n'
}

func space(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

// blankAfter is true when c ends a token: a space, the end of the line.
func blankAfter(c byte) bool { return space(c) || c == '\n' }

func (s *scanner) skipSpaces() {
	for s.i < len(s.data) && space(s.data[s.i]) && !s.lineBreak(s.i) {
		s.i++
	}
}

// nextLine moves to the start of the next line.
func (s *scanner) nextLine() {
	for s.i < len(s.data) && !s.lineBreak(s.i) {
		s.i++
	}
	if s.i < len(s.data) {
		s.i++
		s.line++
		s.bol = s.i
	}
}

// deepest is the most levels data nests (up to limit+1), for tests and
// for measuring lawful documents.
func deepest(data []byte, limit int) int {
	s := scanner{data: data, max: limit, lit: noLit}
	_ = s.run()
	return s.deepest
}

func (s *scanner) run() error {
	s.line = 1
	if len(s.data) >= 3 && s.data[0] == 0xEF && s.data[1] == 0xBB && s.data[2] == 0xBF {
		s.i, s.bol = 3, 3
	}
	for s.i < len(s.data) {
		if err := s.scanLine(); err != nil {
			return err
		}
		if s.lineLocal {
			s.quote, s.lineLocal = 0, false
		}
		s.nextLine()
	}
	return nil
}

// scanLine reads one line from its start.
func (s *scanner) scanLine() error {
	s.skipSpaces()
	indent := s.col()
	blank := s.eol()
	if done, err := s.carriedOver(indent, blank); done {
		return err
	}
	if blank || s.data[s.i] == '#' {
		return nil
	}
	if err := s.settlePending(indent); err != nil {
		return err
	}
	if indent == 0 && s.i+3 <= len(s.data) && (string(s.data[s.i:s.i+3]) == "---" || string(s.data[s.i:s.i+3]) == "...") {
		return s.documentMarker()
	}
	return s.node(s.blockParent(indent), indent)
}

// carriedOver reads a line that continues what an earlier line opened: a
// quoted scalar, a block scalar's content, a plain scalar's continuation
// or a flow collection. done is true when the line has been read (err is
// then scanLine's answer); false when it is to be read as a new line.
func (s *scanner) carriedOver(indent int, blank bool) (done bool, err error) {
	switch {
	case s.quote != 0:
		if !s.scanQuote() {
			return true, nil
		}
		if s.flow > 0 {
			return true, s.scanFlow()
		}
		return true, s.afterNode(s.quoteCol)
	case s.lit != noLit && !s.litPlain:
		if blank || indent > s.lit {
			return true, nil // a block scalar's content
		}
		s.lit = noLit
	case s.lit != noLit:
		// A plain scalar's continuation line (go-yaml may still read ": "
		// or "[" in it as structure): scanned as a line, but a quote opened
		// in it ends with it, so it cannot hide the lines after.
		if blank {
			return true, nil
		}
		if indent > s.lit {
			s.lineLocal = true
		} else {
			s.lit = noLit
		}
	case s.flow > 0:
		return true, s.scanFlow()
	}
	return false, nil
}

// settlePending counts the levels that lines ending in "-", "?", a tag or
// an anchor open, now that the next node (at indent) is known.
func (s *scanner) settlePending(indent int) error {
	if s.entryPending && indent <= s.entryCol {
		// "-" (or "?") ending a line, then (after any lines indented under
		// it) a node at its column that is not the next entry: go-yaml
		// nests it in the entry.
		s.entryPending = false
		next := (s.data[s.i] == '-' || s.data[s.i] == '?') && blankAfter(s.at(1))
		if indent == s.entryCol && !next {
			s.propPending++
		}
	}
	for ; s.propPending > 0; s.propPending-- {
		// Counted whatever the indentation: go-yaml keeps the level after
		// the lines indented under the property end.
		if s.level() >= s.max {
			return s.deep()
		}
		s.props++
		s.deepest = max(s.deepest, s.level())
	}
	return nil
}

// documentMarker reads "---" or "..." at the start of a line, and the node
// after it on the line, if any.
func (s *scanner) documentMarker() error {
	// A document marker (go-yaml also reads "...-" as one; the levels
	// open are kept then, in case it is not).
	if blankAfter(s.at(3)) {
		s.stack, s.props = s.stack[:0], 0
	}
	s.i += 3
	s.skipSpaces()
	if s.eol() || s.data[s.i] == '#' {
		return nil
	}
	return s.node(-1, s.col())
}

// blockParent closes the block collections a node at indent ends, and
// returns the column of the one holding it (-1 for none).
func (s *scanner) blockParent(indent int) int {
	entry := (s.data[s.i] == '-' || s.data[s.i] == '?') && blankAfter(s.at(1))
	for n := len(s.stack); n > 0; n = len(s.stack) {
		top := s.stack[n-1]
		if top>>1 < indent || (top>>1 == indent && (top&1 == 0 || entry)) {
			break
		}
		s.stack = s.stack[:n-1]
	}
	for k := len(s.stack) - 1; k >= 0; k-- {
		if c := s.stack[k] >> 1; c < indent {
			return c
		}
	}
	return -1
}

// node reads a block-context node starting at s.i (not a space), at
// column col; parent is the column of the node holding it (content of a
// block scalar or continuation of a plain scalar must be indented more). A
// node that turns out to be a collection (a sequence entry, an explicit
// key, a key) opens a level at col; a scalar opens none.
func (s *scanner) node(parent, col int) error {
	prop := false
	for {
		s.skipSpaces()
		if s.eol() || s.data[s.i] == '#' {
			if prop {
				s.propPending++
			}
			return nil
		}
		start := s.col()
		switch c := s.data[s.i]; {
		case (c == '-' || c == '?' || c == ':') && blankAfter(s.at(1)):
			// A sequence entry or explicit key or value: a compact node may
			// follow on the same line.
			if err := s.push(col, c == '-'); err != nil {
				return err
			}
			s.i++
			s.skipSpaces()
			if c != ':' && (s.eol() || s.data[s.i] == '#') {
				s.entryPending, s.entryCol = true, start
			}
			parent, col = start, s.col()
			continue
		case c == '&' || c == '!':
			// An anchor or a tag: the node follows.
			for !s.eol() && !space(s.data[s.i]) {
				s.i++
			}
			prop = true
			continue
		case c == '|' || c == '>':
			s.lit, s.litPlain = parent, false
			return nil
		case c == '[' || c == '{':
			s.flowCol = start
			if err := s.openFlow(); err != nil {
				return err
			}
			s.i++
			return s.scanFlow()
		case c == '"' || c == '\'':
			s.quote, s.quoteCol = c, start
			s.i++
			if !s.scanQuote() {
				return nil
			}
			return s.afterNode(start)
		default:
			// A plain scalar (or an alias): up to ": ", " #" or the end of the line.
			for !s.eol() {
				c := s.data[s.i]
				if c == ':' && blankAfter(s.at(1)) {
					// A key: its mapping is a level at col.
					if err := s.push(col, false); err != nil {
						return err
					}
					s.i++
					parent = start
					break
				}
				if c == '#' && s.i > s.bol && space(s.data[s.i-1]) {
					return nil
				}
				s.i++
			}
			if s.eol() {
				if s.data[s.i-1] == ':' && parent == start {
					return nil // "key:" with its value on the next lines
				}
				s.lit, s.litPlain = parent, true
				return nil
			}
			s.skipSpaces()
			col = s.col()
			continue // the value of key
		}
	}
}

// afterNode reads what follows a quoted scalar or flow collection that
// started at column start in block context: ": " makes it a key (its
// mapping a level at start) whose value follows.
func (s *scanner) afterNode(start int) error {
	s.skipSpaces()
	if !s.eol() && s.data[s.i] == ':' && blankAfter(s.at(1)) {
		if err := s.push(start, false); err != nil {
			return err
		}
		s.i++
		s.skipSpaces()
		return s.node(start, s.col())
	}
	return nil
}

// scanQuote reads a quoted scalar (s.quote open) to its end and reports
// whether it ended on this line.
func (s *scanner) scanQuote() bool {
	for !s.eol() {
		c := s.data[s.i]
		switch {
		case s.quote == '"' && c == '\\':
			s.i += 2
			if s.i > len(s.data) {
				s.i = len(s.data)
			}
			if s.i > 0 && s.data[s.i-1] == '\n' {
				// An escaped line break: the quote continues on the next line.
				s.i--
				return false
			}
			continue
		case c == s.quote && c == '\'' && s.at(1) == '\'':
			s.i += 2
			continue
		case c == s.quote:
			s.i++
			s.quote = 0
			return true
		}
		s.i++
	}
	return false
}

// scanFlow reads inside flow collections until they all close (then what
// follows on the line in block context) or the line ends.
func (s *scanner) scanFlow() error {
	for !s.eol() {
		c := s.data[s.i]
		switch {
		case space(c):
			s.i++ // not a line break: eol() would have ended the loop
		case c == '#' && (s.i == s.bol || space(s.data[s.i-1])):
			for !s.eol() {
				s.i++
			}
		case c == '[' || c == '{':
			if err := s.openFlow(); err != nil {
				return err
			}
			s.i++
		case (c == ']' && (s.kinds[len(s.kinds)-1] == '[' || s.kinds[len(s.kinds)-1] == 'p')) || (c == '}' && s.kinds[len(s.kinds)-1] == '{'):
			if s.kinds[len(s.kinds)-1] == 'p' {
				s.pairs--
			}
			// Only the matching closer closes (go-yaml reads "{0]:{}}" as
			// one mapping in another).
			s.i++
			s.flow--
			s.kinds = s.kinds[:len(s.kinds)-1]
			s.flowStart = false
			if s.flow == 0 {
				return s.afterNode(s.flowCol)
			}
		case c == ',':
			s.i++
			s.flowStart = true
		case c == ':' && (blankAfter(s.at(1)) || isFlowIndicator(s.at(1)) || !s.flowStart):
			if k := len(s.kinds) - 1; s.kinds[k] == '[' {
				// "[k: v]": the entry is a mapping.
				if s.level() >= s.max {
					return s.deep()
				}
				s.kinds[k] = 'p'
				s.pairs++
				s.deepest = max(s.deepest, s.level())
			}
			s.i++
			s.flowStart = true
		case (c == '"' || c == '\'') && s.flowStart:
			s.quote = c
			s.i++
			s.flowStart = false
			if !s.scanQuote() {
				return nil
			}
		case (c == '&' || c == '!' || c == '?') && s.flowStart:
			for !s.eol() && !space(s.data[s.i]) && !isFlowIndicator(s.data[s.i]) {
				s.i++
			}
		default:
			// A plain scalar's character: quotes inside it are text.
			s.i++
			s.flowStart = false
		}
	}
	return nil
}

func isFlowIndicator(c byte) bool { return c == '[' || c == ']' || c == '{' || c == '}' || c == ',' }

// Nodes reports an *Error when the documents of f hold more than max nodes
// once each alias is counted as the nodes of its anchor's subtree (every
// scalar, key, mapping, sequence and mapping entry counts one), or nil. Each
// anchor's count is worked out once, so the walk is linear in the size of
// the tree, and nothing is expanded. f must have passed Depth (the walk
// recurses).
func Nodes(f *ast.File, max int) error {
	c := counter{max: max, anchors: map[string]int{}}
	for _, d := range f.Docs {
		if d == nil {
			continue
		}
		c.add(c.count(d.Body))
		if c.total > max {
			return c.refuse()
		}
	}
	return nil
}

// Count is the number of nodes the documents of f expand to (see Nodes),
// worked out without expanding anything. f must have passed Depth.
func Count(f *ast.File) int {
	c := counter{max: math.MaxInt - 1, anchors: map[string]int{}}
	for _, d := range f.Docs {
		if d != nil {
			c.add(c.count(d.Body))
		}
	}
	return c.total
}

type counter struct {
	max     int
	total   int
	anchors map[string]int
	// at is the position of the alias that took the count past max.
	at ast.Node
}

func (c *counter) refuse() error {
	e := &Error{Message: fmt.Sprintf("the document expands to more than %d values (count its aliases)", c.max)}
	if c.at != nil {
		if tk := c.at.GetToken(); tk != nil && tk.Position != nil {
			e.Line, e.Column = tk.Position.Line, tk.Position.Column
		}
	}
	return e
}

func (c *counter) add(n int) {
	c.total = min(c.total+n, c.max+1)
}

// sat adds saturating at max+1.
func (c *counter) sat(a, b int) int { return min(a+b, c.max+1) }

// count is the number of nodes n expands to (at most max+1).
func (c *counter) count(n ast.Node) int {
	switch v := n.(type) {
	case nil:
		return 0
	case *ast.DocumentNode:
		return c.count(v.Body)
	case *ast.AnchorNode:
		k := c.count(v.Value)
		if v.Name != nil {
			c.anchors[v.Name.GetToken().Value] = k
		}
		return k
	case *ast.AliasNode:
		k := 1
		if v.Value != nil {
			if a, ok := c.anchors[v.Value.GetToken().Value]; ok {
				k = max(a, 1)
			}
		}
		if k > c.max-c.total && c.at == nil {
			c.at = v
		}
		return k
	case *ast.TagNode:
		return c.count(v.Value)
	case *ast.MappingNode:
		k := 1
		for _, kv := range v.Values {
			k = c.sat(k, c.count(kv))
		}
		return k
	case *ast.MappingValueNode:
		return c.sat(c.sat(1, c.count(v.Key)), c.count(v.Value))
	case *ast.MappingKeyNode:
		return c.sat(1, c.count(v.Value))
	case *ast.SequenceNode:
		k := 1
		for _, x := range v.Values {
			k = c.sat(k, c.count(x))
		}
		return k
	case *ast.SequenceEntryNode:
		return c.sat(1, c.count(v.Value))
	case *ast.CommentGroupNode, *ast.CommentNode:
		return 0
	}
	return 1
}

// Clip returns s cut to at most n bytes without splitting a UTF-8
// character, with "…" when it was cut. It is textclip.Clip, kept here for
// the callers that clip what they read from YAML (sdk/scenario).
func Clip(s string, n int) string { return textclip.Clip(s, n) }
