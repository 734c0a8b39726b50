package gstmini

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Parse errors: the kind of problem a ParseError reports. ParseLaunch's
// errors wrap one of them, and ErrNoSuchElement; test with errors.Is.
var (
	// ErrSyntax is a description that is not a launch line: an unexpected
	// character, an unterminated quote, a dangling "!", a caps filter.
	ErrSyntax = errors.New("gstmini: syntax error") // GST_PARSE_ERROR_SYNTAX
	// ErrNoSuchProperty is a prop=value whose element has no property of
	// that name.
	ErrNoSuchProperty = errors.New("gstmini: no such property") // GST_PARSE_ERROR_NO_SUCH_PROPERTY
	// ErrBadValue is a prop=value whose value the property refuses (or a
	// read-only property, or a name already taken).
	ErrBadValue = errors.New("gstmini: could not set property") // GST_PARSE_ERROR_COULD_NOT_SET_PROPERTY
	// ErrLink is a "!" whose elements could not be linked.
	ErrLink = errors.New("gstmini: could not link") // GST_PARSE_ERROR_LINK
	// ErrEmptyPipeline is a description without any element.
	ErrEmptyPipeline = errors.New("gstmini: empty pipeline not allowed") // GST_PARSE_ERROR_EMPTY
)

// A ParseError says what is wrong with a launch description and where.
// errors.Is matches its Kind (ErrSyntax, ErrNoSuchElement, ...) and the
// underlying error, such as ErrBadPropertyValue from SetProperty or
// ErrWasLinked from Pad.Link.
type ParseError struct {
	Kind        error  // the sentinel: ErrSyntax, ErrNoSuchElement, ErrNoSuchProperty, ErrBadValue, ErrLink or ErrEmptyPipeline
	Err         error  // the underlying error, or nil
	Msg         string // what is wrong, in GStreamer's words where it has some
	Description string // the whole description
	Offset      int    // byte offset of the offending token in Description
	Line        int    // 1-based line of the token
	Column      int    // 1-based column (in characters) of the token
	Token       string // the offending token as written
}

// Error returns "line:column: message", prefixed with "gstmini: parse".
func (e *ParseError) Error() string {
	return fmt.Sprintf("gstmini: parse: %d:%d: %s", e.Line, e.Column, e.Msg)
}

// Unwrap returns the kind and the underlying error.
func (e *ParseError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// Context returns the line of the description holding the offending token,
// with a caret line under the token:
//
//	fakesrc num-bufers=5 ! fakesink
//	        ^^^^^^^^^^
func (e *ParseError) Context() string {
	d := e.Description
	off := min(max(e.Offset, 0), len(d))
	start := strings.LastIndexByte(d[:off], '\n') + 1
	end := strings.IndexByte(d[off:], '\n')
	if end < 0 {
		end = len(d)
	} else {
		end += off
	}
	line := d[start:end]
	pad := strings.Map(func(r rune) rune {
		if r == '\t' {
			return '\t'
		}
		return ' '
	}, d[start:off])
	n := max(1, min(utf8.RuneCountInString(e.Token), utf8.RuneCountInString(d[off:end])))
	return line + "\n" + pad + strings.Repeat("^", n)
}

// ParseLaunch builds a pipeline from a gst-launch-1.0 description
// (gst_parse_launch), such as
//
//	livesource fps=60 ! queue leaky=downstream max-size-buffers=5 ! hlssegmenter target-duration=2 ! s3sink
//
// The syntax is GStreamer's, without bins, caps filters and URIs:
//
//   - An element is a factory name (see Register), followed by property
//     assignments prop=value. Values are strings as SetProperty takes them
//     ("200", "true", "2s", "downstream" or 2 for an enum, 1000000000 ns
//     for a time), optionally in "double" or 'single' quotes; a backslash
//     escapes the next character. name=x names the element; without it the
//     element gets a default name, "queue0".
//   - "!" links the source pad of the element before it to the sink pad of
//     the element after it: the pads named "src" and "sink", else the
//     first unlinked pad of each direction, else a pad requested from the
//     element's request template of that direction, so that
//     "tee name=t ! queue ! fakesink  t. ! queue ! fakesink" links the
//     tee's src_0 and src_1.
//   - x. refers to the element named x, anywhere in the description, as
//     either end of a link; x.pad names its pad, or a request pad to make
//     ("t.src_%u", "t.src_3"). Elements not separated by
//     "!" start a new chain: "fakesrc ! q.  queue name=q ! fakesink".
//   - Whitespace, newlines included, separates tokens.
//
// The pipeline is named "pipeline0", "pipeline1", ... and is in state NULL.
// Errors are *ParseError values naming the problem, the token and its
// position; they wrap ErrSyntax, ErrNoSuchElement, ErrNoSuchProperty,
// ErrBadValue, ErrLink or ErrEmptyPipeline. No pipeline is returned with an
// error.
func ParseLaunch(description string) (*Pipeline, error) {
	p := &parser{desc: description}
	if err := p.parse(); err != nil {
		return nil, err
	}
	return p.build()
}

// ParseLaunchv is ParseLaunch for a description split into words, as a
// shell passes gst-launch-1.0 its arguments (gst_parse_launchv): the words
// are joined with spaces, and spaces inside a word, outside double quotes,
// are escaped so that "key-prefix=a b" stays one value. Error positions
// refer to the joined description.
func ParseLaunchv(args ...string) (*Pipeline, error) {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		inQuotes := false
		for j := 0; j < len(a); j++ {
			c := a[j]
			if c == '"' && (!inQuotes || j == 0 || a[j-1] != '\\') {
				inQuotes = !inQuotes
			}
			if c == ' ' && !inQuotes {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		}
	}
	return ParseLaunch(b.String())
}

type tokenKind int

const (
	tokEOF     tokenKind = iota
	tokElement           // a factory name
	tokAssign            // prop=value
	tokRef               // name. or name.pad
	tokLink              // !
)

type token struct {
	kind     tokenKind
	off, end int    // the whole token
	text     string // factory name, property name or referenced element name
	pad      string // tokRef: the pad name, or ""
	value    string // tokAssign: the value, unquoted and unescaped
	valOff   int    // tokAssign: offset of the value as written
	valEnd   int
}

// node is one element of the description, or a reference to one.
type node struct {
	tok   token   // the factory name or the reference
	props []token // tokAssign tokens, in order
	ref   bool
	elem  Element // created or resolved by build
}

type link struct {
	bang     token // the "!"
	src, dst int   // node indexes
}

type parser struct {
	desc  string
	pos   int
	nodes []node
	links []link
}

func (p *parser) errAt(kind error, off, end int, format string, args ...any) *ParseError {
	return p.errCause(kind, nil, off, end, format, args...)
}

func (p *parser) errCause(kind, cause error, off, end int, format string, args ...any) *ParseError {
	off = min(max(off, 0), len(p.desc))
	end = min(max(end, off), len(p.desc))
	line := 1 + strings.Count(p.desc[:off], "\n")
	lineStart := strings.LastIndexByte(p.desc[:off], '\n') + 1
	return &ParseError{
		Kind:        kind,
		Err:         cause,
		Msg:         fmt.Sprintf(format, args...),
		Description: p.desc,
		Offset:      off,
		Line:        line,
		Column:      utf8.RuneCountInString(p.desc[lineStart:off]) + 1,
		Token:       p.desc[off:end],
	}
}

// parse reads the tokens into nodes and links; it reports syntax errors
// only.
func (p *parser) parse() error {
	var pending *token // a "!" waiting for its sink
	last := -1         // the node before the current token, or -1
	assignTo := -1     // the element node assignments go to, or -1
	for {
		t, err := p.next()
		if err != nil {
			return err
		}
		switch t.kind {
		case tokEOF:
			if pending != nil {
				return p.errAt(ErrSyntax, pending.off, pending.end, `link has no sink element: "!" at the end of the description`)
			}
			if len(p.nodes) == 0 {
				return p.errAt(ErrEmptyPipeline, 0, len(p.desc), "empty pipeline not allowed")
			}
			return nil
		case tokLink:
			if pending != nil {
				return p.errAt(ErrSyntax, t.off, t.end, `link has no sink element: "!" follows "!"`)
			}
			if last < 0 {
				return p.errAt(ErrSyntax, t.off, t.end, `link has no source element: "!" before any element`)
			}
			pending = &t
			assignTo = -1
		case tokAssign:
			if assignTo < 0 {
				what := "an element"
				if last >= 0 && p.nodes[last].ref {
					what = "an element (not a reference)"
				}
				return p.errAt(ErrSyntax, t.off, t.end, "property assignment %s=%s does not follow %s", t.text, t.value, what)
			}
			p.nodes[assignTo].props = append(p.nodes[assignTo].props, t)
		case tokElement, tokRef:
			p.nodes = append(p.nodes, node{tok: t, ref: t.kind == tokRef})
			n := len(p.nodes) - 1
			if pending != nil {
				p.links = append(p.links, link{bang: *pending, src: last, dst: n})
				pending = nil
			}
			last = n
			assignTo = -1
			if t.kind == tokElement {
				assignTo = n
			}
		}
	}
}

// next scans one token (parse.l).
func (p *parser) next() (token, error) {
	s := p.desc
	for p.pos < len(s) {
		r, n := utf8.DecodeRuneInString(s[p.pos:])
		if !unicode.IsSpace(r) {
			break
		}
		p.pos += n
	}
	start := p.pos
	if start >= len(s) {
		return token{kind: tokEOF, off: start, end: start}, nil
	}
	c := s[start]
	switch {
	case c == '!':
		p.pos++
		return token{kind: tokLink, off: start, end: p.pos, text: "!"}, nil
	case c < utf8.RuneSelf && isIdentStart(rune(c)):
		return p.word(start)
	case c == '.':
		end := p.identEnd(start + 1)
		if end > start+1 {
			return token{}, p.errAt(ErrSyntax, start, end,
				"pad reference %q without an element is not supported; name the element (name=x) and write x%s", s[start:end], s[start:end])
		}
		return token{}, p.errAt(ErrSyntax, start, start+1, `unexpected "."`)
	case c == '"' || c == '\'':
		return token{}, p.errAt(ErrSyntax, start, start+1,
			"unexpected quoted string; quotes go around property values, as in key-prefix=\"a b\"")
	case c == '(' || c == ')' || c == '{' || c == '}':
		return token{}, p.errAt(ErrSyntax, start, start+1, "bins, ( ... ), are not supported by gstmini")
	}
	r, n := utf8.DecodeRuneInString(s[start:])
	return token{}, p.errAt(ErrSyntax, start, start+n, "unexpected character %q", r)
}

// identEnd returns the end of the identifier starting at i (i itself if
// none).
func (p *parser) identEnd(i int) int {
	s := p.desc
	if i >= len(s) || !isIdentStart(rune(s[i])) {
		return i
	}
	i++
	for i < len(s) && isIdentRune(rune(s[i])) {
		i++
	}
	return i
}

// word scans what starts with an identifier: an element, an assignment or
// a reference.
func (p *parser) word(start int) (token, error) {
	s := p.desc
	end := p.identEnd(start)
	ident := s[start:end]
	k := end
	for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r') {
		k++
	}
	switch {
	case k < len(s) && s[k] == '=':
		return p.assignment(start, ident, k+1)
	case end < len(s) && s[end] == '.':
		padEnd := p.identEnd(end + 1)
		p.pos = padEnd
		return token{kind: tokRef, off: start, end: padEnd, text: ident, pad: s[end+1 : padEnd]}, nil
	case end < len(s) && s[end] == '/':
		stop := strings.IndexFunc(s[end:], unicode.IsSpace)
		if stop < 0 {
			stop = len(s)
		} else {
			stop += end
		}
		return token{}, p.errAt(ErrSyntax, start, stop, "caps filters and URIs (%s) are not supported by gstmini", s[start:stop])
	case end < len(s) && s[end] != '!':
		if r, n := utf8.DecodeRuneInString(s[end:]); !unicode.IsSpace(r) {
			return token{}, p.errAt(ErrSyntax, end, end+n, "unexpected character %q after %q", r, ident)
		}
	}
	p.pos = end
	return token{kind: tokElement, off: start, end: end, text: ident}, nil
}

// assignment scans the value of prop=value; i is just past the "=".
func (p *parser) assignment(start int, prop string, i int) (token, error) {
	s := p.desc
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	if i >= len(s) {
		return token{}, p.errAt(ErrSyntax, start, i, "property %s has no value: write %s=value", prop, prop)
	}
	valOff := i
	var value string
	if q := s[i]; q == '"' || q == '\'' {
		j := i + 1
		for j < len(s) && s[j] != q {
			if s[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(s) {
			return token{}, p.errAt(ErrSyntax, i, len(s), "unterminated quoted value for property %s: missing closing %c", prop, q)
		}
		value = unescape(s[i+1 : j])
		i = j + 1
		if i < len(s) && s[i] != '!' {
			if r, n := utf8.DecodeRuneInString(s[i:]); !unicode.IsSpace(r) {
				return token{}, p.errAt(ErrSyntax, i, i+n, "unexpected character %q after the quoted value of %s", r, prop)
			}
		}
	} else {
		j := i
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if unicode.IsSpace(r) {
				break
			}
			if r == '\\' && j+1 < len(s) {
				_, n2 := utf8.DecodeRuneInString(s[j+1:])
				n += n2
			}
			j += n
		}
		value = unescape(s[i:j])
		i = j
	}
	p.pos = i
	return token{kind: tokAssign, off: start, end: i, text: prop, value: value, valOff: valOff, valEnd: i}, nil
}

// unescape removes backslash escapes: "a\ b" is "a b" (gst_parse_unescape).
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			if i >= len(s) {
				break
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// propertySetter is every element: ElementBase.SetProperty, or an element's
// own SetProperty that overrides it (HLSSegmenter's).
type propertySetter interface {
	SetProperty(name string, value any) error
}

// build creates the elements, sets their properties, adds them to a new
// pipeline, resolves references and links, in the order of the description.
func (p *parser) build() (*Pipeline, error) {
	pipeline := NewNamedPipeline()
	for i := range p.nodes {
		n := &p.nodes[i]
		if n.ref {
			continue
		}
		if err := p.makeElement(pipeline, n); err != nil {
			return nil, err
		}
	}
	for i := range p.nodes {
		n := &p.nodes[i]
		if !n.ref {
			continue
		}
		e := pipeline.ByName(n.tok.text)
		if e == nil {
			return nil, p.errAt(ErrNoSuchElement, n.tok.off, n.tok.end, "no element named %q in the pipeline%s",
				n.tok.text, suggest(n.tok.text, p.elementNames(pipeline)))
		}
		n.elem = e
	}
	for _, l := range p.links {
		if err := p.link(l); err != nil {
			return nil, err
		}
	}
	return pipeline, nil
}

func (p *parser) elementNames(pipeline *Pipeline) []string {
	var names []string
	for _, c := range pipeline.Children() {
		names = append(names, c.Base().Name())
	}
	return names
}

func (p *parser) makeElement(pipeline *Pipeline, n *node) error {
	t := n.tok
	name := ""
	var nameTok *token
	for i, a := range n.props {
		if a.text == "name" {
			name, nameTok = a.value, &n.props[i]
		}
	}
	if nameTok != nil && name == "" {
		return p.errAt(ErrBadValue, nameTok.valOff, nameTok.valEnd, "could not set property \"name\" in element %q to \"\": names cannot be empty", t.text)
	}
	e, err := Make(t.text, name)
	if err != nil {
		if errors.Is(err, ErrNoSuchElement) {
			var names []string
			for _, f := range Factories() {
				names = append(names, f.Name)
			}
			return p.errCause(ErrNoSuchElement, err, t.off, t.end, "no element %q%s", t.text, suggest(t.text, names))
		}
		return p.errCause(ErrNoSuchElement, err, t.off, t.end, "could not create element %q: %v", t.text, err)
	}
	eb := e.Base()
	setter, _ := e.(propertySetter)
	for _, a := range n.props {
		if a.text == "name" {
			continue
		}
		spec, ok := eb.FindProperty(a.text)
		if !ok {
			var names []string
			for _, s := range eb.Properties() {
				if s.Flags&PropWritable != 0 {
					names = append(names, s.Name)
				}
			}
			hint := suggest(a.text, append(names, "name"))
			if hint == "" {
				hint = fmt.Sprintf(" (see gstmini-inspect %s)", t.text)
			}
			return p.errCause(ErrNoSuchProperty, ErrUnknownProperty, a.off, a.off+len(a.text),
				"no property %q in element %q%s", a.text, eb.Name(), hint)
		}
		if setter == nil {
			setter = eb
		}
		if err := setter.SetProperty(a.text, a.value); err != nil {
			if errors.Is(err, ErrReadOnlyProperty) {
				return p.errCause(ErrBadValue, err, a.off, a.off+len(a.text),
					"could not set property %q in element %q: the property is read-only", a.text, eb.Name())
			}
			msg := err.Error()
			reason := ""
			if i := strings.Index(msg, "): "); i >= 0 {
				reason = msg[i+3:] // SetProperty's "... invalid value v (string): reason"
			}
			if reason == "" {
				// A refusal by the element's own check explains itself;
				// a conversion failure says what is allowed.
				reason = "allowed: " + spec.Allowed()
			}
			return p.errCause(ErrBadValue, err, a.valOff, a.valEnd,
				"could not set property %q in element %q to %q: %s", a.text, eb.Name(), a.value, reason)
		}
	}
	if err := pipeline.Add(e); err != nil {
		off, end := t.off, t.end
		if nameTok != nil {
			off, end = nameTok.valOff, nameTok.valEnd
		}
		if errors.Is(err, ErrNameTaken) {
			return p.errCause(ErrBadValue, err, off, end, "could not add element %q to the pipeline: the name %q is taken", t.text, eb.Name())
		}
		return p.errCause(ErrBadValue, err, off, end, "could not add element %q to the pipeline: %v", t.text, err)
	}
	n.elem = e
	return nil
}

// link links the elements on each side of a "!" (gst_element_link_pads,
// gst/gstutils.c:1803 at 1.22.0). A pad requested for the link is released
// again if the link fails.
func (p *parser) link(l link) error {
	src, dst := p.nodes[l.src], p.nodes[l.dst]
	srcName, dstName := src.elem.Base().Name(), dst.elem.Base().Name()
	fail := func(cause error, format string, args ...any) error {
		return p.errCause(ErrLink, cause, l.bang.off, l.bang.end, "could not link %s to %s: %s",
			srcName, dstName, fmt.Sprintf(format, args...))
	}
	sp, srcReq, err := pickPad(src.elem, PadSrc, src.tok.pad)
	if err != nil {
		return fail(err, "%v", err)
	}
	release := func(e Element, pad *Pad, requested bool) {
		if requested {
			_ = e.Base().ReleaseRequestPad(pad) // a pad it just gave: cannot fail
		}
	}
	dp, dstReq, err := pickPad(dst.elem, PadSink, dst.tok.pad)
	if err != nil {
		release(src.elem, sp, srcReq)
		return fail(err, "%v", err)
	}
	if e := sp.Link(dp); e != nil {
		release(src.elem, sp, srcReq)
		release(dst.elem, dp, dstReq)
		return fail(e, "%v", e)
	}
	return nil
}

// pickPad chooses the pad of e a link uses, as gst_element_link_pads_full
// does: the named pad, or else a request pad of that name
// (gst_element_request_pad_simple); without a name, the unlinked pad named
// "src" or "sink", else the first unlinked pad of the direction, else a
// new pad from the element's first request template of the direction
// (gst_element_get_compatible_pad, gst/gstutils.c:1135), as a tee's
// "t. ! queue" gets src_0, then src_1. requested reports that the pad was
// requested for this link.
func pickPad(e Element, dir PadDirection, name string) (pad *Pad, requested bool, err error) {
	eb := e.Base()
	kind := map[PadDirection]string{PadSrc: "source", PadSink: "sink"}[dir]
	if name != "" {
		pad := eb.StaticPad(name)
		if pad == nil {
			rp, err := eb.RequestPad(name)
			switch {
			case err == nil:
				if rp.Direction() != dir {
					_ = eb.ReleaseRequestPad(rp)
					return nil, false, fmt.Errorf("pad %s is a %s pad, not a %s pad", rp, rp.Direction(), dir)
				}
				return rp, true, nil
			case !errors.Is(err, ErrNoRequestTemplate):
				return nil, false, err
			}
			var pads, templs []string
			for _, q := range eb.Pads() {
				pads = append(pads, q.Name())
			}
			for _, t := range eb.PadTemplates() {
				if t.Presence == PadRequest {
					templs = append(templs, t.NameTemplate)
				}
			}
			hint := suggest(name, append(pads, templs...))
			if hint == "" && len(templs) > 0 {
				hint = fmt.Sprintf(" (its pads: %s; its request pad templates: %s)", strings.Join(pads, ", "), strings.Join(templs, ", "))
			}
			return nil, false, fmt.Errorf("%s has no pad named %q%s", eb.Name(), name, hint)
		}
		if pad.Direction() != dir {
			return nil, false, fmt.Errorf("pad %s is a %s pad, not a %s pad", pad, pad.Direction(), dir)
		}
		return pad, false, nil
	}
	if pad := eb.StaticPad(dir.String()); pad != nil && pad.Direction() == dir && !pad.IsLinked() {
		return pad, false, nil
	}
	pads := eb.padsOf(dir)
	for _, q := range pads {
		if !q.IsLinked() {
			return q, false, nil
		}
	}
	for _, t := range eb.PadTemplates() {
		if t.Presence == PadRequest && t.Direction == dir {
			rp, err := eb.RequestPad(t.NameTemplate)
			if err != nil {
				return nil, false, err
			}
			return rp, true, nil
		}
	}
	if len(pads) == 0 {
		return nil, false, fmt.Errorf("%s has no %s pad", eb.Name(), kind)
	}
	return nil, false, fmt.Errorf("every %s pad of %s is linked already (%s is linked to %s); to branch, use a tee: ... ! tee name=t ! queue ! ...  t. ! queue ! ...",
		kind, eb.Name(), pads[0], pads[0].Peer())
}

// suggest returns `; did you mean "x"?` for the candidates closest to
// word, or "" if none is close.
func suggest(word string, candidates []string) string {
	type scored struct {
		s string
		d int
	}
	var close []scored
	for _, c := range candidates {
		d := editDistance(strings.ToLower(word), strings.ToLower(c))
		limit := max(2, len(word)/3)
		if d <= limit || (len(word) >= 3 && strings.Contains(c, word)) {
			close = append(close, scored{c, d})
		}
	}
	if len(close) == 0 {
		return ""
	}
	slices.SortStableFunc(close, func(a, b scored) int { return a.d - b.d })
	var names []string
	for _, c := range close[:min(3, len(close))] {
		if c.d > close[0].d {
			break // only the closest
		}
		names = append(names, fmt.Sprintf("%q", c.s))
	}
	return "; did you mean " + strings.Join(names, " or ") + "?"
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
