package gstmini

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// The parse tests use their own factories, registered once for the test
// binary: a source, a filter, a sink, a demuxer with two source pads, a
// muxer with two sink pads, and an element with its own SetProperty.
func init() {
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	must(Register(ElementFactory{Name: "ptsrc", LongName: "Parse test source", Klass: "Source", Description: "parse tests",
		New: func(name string) Element { return newParseTestElement(name, []string{"src"}, nil) }}))
	must(Register(ElementFactory{Name: "ptfilter", LongName: "Parse test filter", Klass: "Filter", Description: "parse tests",
		New: func(name string) Element { return newParseTestElement(name, []string{"src"}, []string{"sink"}) }}))
	must(Register(ElementFactory{Name: "ptsink", LongName: "Parse test sink", Klass: "Sink", Description: "parse tests",
		New: func(name string) Element { return newParseTestElement(name, nil, []string{"sink"}) }}))
	must(Register(ElementFactory{Name: "ptdemux", LongName: "Parse test demuxer", Klass: "Demuxer", Description: "parse tests",
		New: func(name string) Element {
			return newParseTestElement(name, []string{"video", "audio"}, []string{"sink"})
		}}))
	must(Register(ElementFactory{Name: "ptmux", LongName: "Parse test muxer", Klass: "Muxer", Description: "parse tests",
		New: func(name string) Element {
			return newParseTestElement(name, []string{"src"}, []string{"sink_0", "sink_1"})
		}}))
	must(Register(ElementFactory{Name: "ptsecs", LongName: "Parse test seconds", Klass: "Filter", Description: "parse tests",
		New: func(name string) Element {
			e := &parseTestSeconds{}
			e.init(e, name, []string{"src"}, []string{"sink"})
			return e
		}}))
}

var parseTestModes = []EnumValue{
	{Value: 0, Nick: "no", Name: "Not at all"},
	{Value: 1, Nick: "upstream", Name: "New buffers"},
	{Value: 2, Nick: "downstream", Name: "Old buffers"},
}

// parseTestElement has a property of every type, recording what was set.
type parseTestElement struct {
	ElementBase
	num   int64
	count uint64
	flag  bool
	label string
	rate  float64
	delay time.Duration
	mode  int
}

func newParseTestElement(name string, srcs, sinks []string) *parseTestElement {
	e := &parseTestElement{}
	e.init(e, name, srcs, sinks)
	return e
}

func (e *parseTestElement) init(self Element, name string, srcs, sinks []string) {
	e.Init(self, name)
	for _, s := range srcs {
		if err := e.AddPad(NewPad(s, PadSrc)); err != nil {
			panic(err)
		}
	}
	for _, s := range sinks {
		if err := e.AddPad(NewPad(s, PadSink)); err != nil {
			panic(err)
		}
	}
	e.num, e.rate = -1, 1
	e.InstallProperty(IntProperty("num", "A gint", "gint", -1, math.MaxInt32, -1,
		func() int64 { return e.num }, func(v int64) { e.num = v }))
	e.InstallProperty(UintProperty("count", "A guint", "guint", 0, math.MaxUint32, 0,
		func() uint64 { return e.count }, func(v uint64) { e.count = v }))
	e.InstallProperty(BoolProperty("flag", "A gboolean", false,
		func() bool { return e.flag }, func(v bool) { e.flag = v }))
	e.InstallProperty(StringProperty("label", "A string", "",
		func() string { return e.label }, func(v string) { e.label = v }))
	e.InstallProperty(DoubleProperty("rate", "A gdouble", 0, 100, 1,
		func() float64 { return e.rate }, func(v float64) { e.rate = v }))
	e.InstallProperty(TimeProperty("delay", "A time", "guint64", 0, ClockTimeNone, 0,
		func() time.Duration { return e.delay }, func(v time.Duration) { e.delay = v }))
	e.InstallProperty(EnumProperty("mode", "An enum", "ParseTestMode", parseTestModes, 0,
		func() any { return e.mode }, func(v int) { e.mode = v }))
	ro := UintProperty("level", "A read-only guint", "guint", 0, math.MaxUint32, 0, func() uint64 { return 7 }, nil)
	ro.Flags = PropReadable
	e.InstallProperty(ro)
}

// parseTestSeconds overrides SetProperty as HLSSegmenter does: a bare
// integer for "delay" is seconds.
type parseTestSeconds struct{ parseTestElement }

func (e *parseTestSeconds) SetProperty(name string, value any) error {
	if s, ok := value.(string); ok && name == "delay" && !strings.ContainsAny(s, "smhu") {
		value = s + "s"
	}
	return e.ElementBase.SetProperty(name, value)
}

// resetDefaultNames restarts the default-name counters so that tests see
// "ptsrc0" whatever ran before them.
func resetDefaultNames(t *testing.T) {
	t.Helper()
	registry.mu.Lock()
	registry.counters = nil
	registry.mu.Unlock()
}

// describePipeline summarises a parsed pipeline: its name, its elements in
// the order added with their non-default properties, and its links.
func describePipeline(p *Pipeline) string {
	var parts []string
	var links []string
	for _, c := range p.Children() {
		e := c.(interface{ Base() *ElementBase }).Base()
		s := e.Name()
		var props []string
		for _, spec := range e.Properties() {
			if spec.Flags&PropWritable == 0 {
				continue
			}
			v := spec.Get()
			if fmt.Sprint(v) != fmt.Sprint(spec.Default) {
				props = append(props, fmt.Sprintf("%s=%v", spec.Name, v))
			}
		}
		if len(props) > 0 {
			s += "{" + strings.Join(props, ",") + "}"
		}
		parts = append(parts, s)
		for _, pad := range e.SrcPads() {
			if peer := pad.Peer(); peer != nil {
				links = append(links, pad.String()+">"+peer.String())
			}
		}
	}
	slices.Sort(links)
	return p.Name() + ": " + strings.Join(parts, " ") + " | " + strings.Join(links, " ")
}

func TestParseLaunch_Syntax(t *testing.T) {
	cases := []struct {
		description string
		in          string
		want        string
	}{
		{"a single element is a pipeline holding it",
			"ptsrc", "pipeline0: ptsrc0 | "},
		{"! links src to sink and elements get default names",
			"ptsrc ! ptsink", "pipeline0: ptsrc0 ptsink0 | ptsrc0:src>ptsink0:sink"},
		{"default names count per factory",
			"ptsrc ! ptfilter ! ptfilter ! ptsink", "pipeline0: ptsrc0 ptfilter0 ptfilter1 ptsink0 | ptfilter0:src>ptfilter1:sink ptfilter1:src>ptsink0:sink ptsrc0:src>ptfilter0:sink"},
		{"! needs no spaces around it",
			"ptsrc!ptsink", "pipeline0: ptsrc0 ptsink0 | ptsrc0:src>ptsink0:sink"},
		{"newlines and tabs are whitespace",
			"ptsrc\n\t!\n  ptsink\n", "pipeline0: ptsrc0 ptsink0 | ptsrc0:src>ptsink0:sink"},
		{"name= names the element",
			"ptsrc name=cam ! ptsink name=out", "pipeline0: cam out | cam:src>out:sink"},
		{"integer, unsigned, boolean, string and double properties",
			"ptsrc num=5 count=4294967295 flag=true label=hello rate=2.5", "pipeline0: ptsrc0{num=5,count=4294967295,flag=true,label=hello,rate=2.5} | "},
		{"booleans as yes/no/1/0",
			"ptsrc flag=yes", "pipeline0: ptsrc0{flag=true} | "},
		{"spaces around = are allowed",
			"ptsrc num = 5", "pipeline0: ptsrc0{num=5} | "},
		{"hexadecimal integers",
			"ptsrc num=0x10", "pipeline0: ptsrc0{num=16} | "},
		{"durations as Go durations",
			"ptsrc delay=2s", "pipeline0: ptsrc0{delay=2s} | "},
		{"durations as GStreamer nanoseconds",
			"ptsrc delay=500000000", "pipeline0: ptsrc0{delay=500ms} | "},
		{"durations as 18446744073709551615, GST_CLOCK_TIME_NONE",
			"ptsrc delay=18446744073709551615", fmt.Sprintf("pipeline0: ptsrc0{delay=%v} | ", ClockTimeNone)},
		{"enums by nick",
			"ptsrc mode=downstream", "pipeline0: ptsrc0{mode=2} | "},
		{"enums by number",
			"ptsrc mode=1", "pipeline0: ptsrc0{mode=1} | "},
		{"enums by name",
			`ptsrc mode="Old buffers"`, "pipeline0: ptsrc0{mode=2} | "},
		{"double-quoted values keep spaces and !",
			`ptsrc label="a b ! c" ! ptsink`, "pipeline0: ptsrc0{label=a b ! c} ptsink0 | ptsrc0:src>ptsink0:sink"},
		{"single-quoted values",
			`ptsrc label='it is "fine"'`, `pipeline0: ptsrc0{label=it is "fine"} | `},
		{"escaped quote inside double quotes",
			`ptsrc label="say \"hi\""`, `pipeline0: ptsrc0{label=say "hi"} | `},
		{"backslash escapes a space in an unquoted value",
			`ptsrc label=a\ b`, "pipeline0: ptsrc0{label=a b} | "},
		{"an empty quoted string",
			`ptsrc label="x" label=""`, "pipeline0: ptsrc0 | "},
		{"later assignments win",
			"ptsrc num=1 num=2", "pipeline0: ptsrc0{num=2} | "},
		{"an element's own SetProperty is used (bare integer seconds)",
			"ptsecs delay=3", "pipeline0: ptsecs0{delay=3s} | "},
		{"a reference as link sink, defined later",
			"ptsrc ! f.  ptfilter name=f ! ptsink", "pipeline0: ptsrc0 f ptsink0 | f:src>ptsink0:sink ptsrc0:src>f:sink"},
		{"a reference as link source",
			"ptfilter name=f ! ptsink  ptsrc ! f.", "pipeline0: f ptsink0 ptsrc0 | f:src>ptsink0:sink ptsrc0:src>f:sink"},
		{"a reference in the middle of a chain",
			"ptfilter name=f  ptsrc ! f. ! ptsink", "pipeline0: f ptsrc0 ptsink0 | f:src>ptsink0:sink ptsrc0:src>f:sink"},
		{"a reference to a default name",
			"ptsrc  ptsink  ptsrc0. ! ptsink0.", "pipeline0: ptsrc0 ptsink0 | ptsrc0:src>ptsink0:sink"},
		{"a reference with a pad name picks that pad",
			"ptdemux name=d ! ptsink  d.audio ! ptsink", "pipeline0: d ptsink0 ptsink1 | d:audio>ptsink1:sink d:video>ptsink0:sink"},
		{"pads are picked by direction when none is called src or sink",
			"ptsrc ! ptmux name=m  ptsrc ! m.  m. ! ptsink", "pipeline0: ptsrc0 m ptsrc1 ptsink0 | m:src>ptsink0:sink ptsrc0:src>m:sink_0 ptsrc1:src>m:sink_1"},
		{"a sink pad by name",
			"ptsrc ! m.sink_1  ptmux name=m", "pipeline0: ptsrc0 m | ptsrc0:src>m:sink_1"},
		{"unlinked chains side by side",
			"ptsrc ! ptsink ptsrc ! ptsink", "pipeline0: ptsrc0 ptsink0 ptsrc1 ptsink1 | ptsrc0:src>ptsink0:sink ptsrc1:src>ptsink1:sink"},
		{"non-ASCII values",
			"ptsrc label=größe", "pipeline0: ptsrc0{label=größe} | "},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			resetDefaultNames(t)
			p, err := ParseLaunch(tc.in)
			if err != nil {
				t.Fatalf("ParseLaunch(%q) error: %v\n%s", tc.in, err, contextOf(err))
			}
			if got := describePipeline(p); got != tc.want {
				t.Errorf("ParseLaunch(%q) = %s; want %s", tc.in, got, tc.want)
			}
			if st := p.CurrentState(); st != StateNull {
				t.Errorf("ParseLaunch(%q) state = %s; want NULL", tc.in, st)
			}
		})
	}
}

func contextOf(err error) string {
	var pe *ParseError
	if errors.As(err, &pe) {
		return pe.Context()
	}
	return ""
}

func TestParseLaunch_Errors(t *testing.T) {
	cases := []struct {
		description string
		in          string
		kind        error
		cause       error // also matched by errors.Is, or nil
		line, col   int
		token       string
		msg         string // a substring of the message
	}{
		{"empty description", "", ErrEmptyPipeline, nil, 1, 1, "", "empty pipeline not allowed"},
		{"only whitespace", " \n\t ", ErrEmptyPipeline, nil, 1, 1, " \n\t ", "empty pipeline not allowed"},
		{"unknown element with a suggestion", "ptsrc ! ptsnk", ErrNoSuchElement, nil, 1, 9, "ptsnk",
			`no element "ptsnk"; did you mean "ptsink"`},
		{"unknown element without a suggestion", "zzzzzzzzzzzz", ErrNoSuchElement, nil, 1, 1, "zzzzzzzzzzzz", `no element "zzzzzzzzzzzz"`},
		{"unknown property with a suggestion", "ptsrc nun=5", ErrNoSuchProperty, ErrUnknownProperty, 1, 7, "nun",
			`no property "nun" in element "ptsrc0"; did you mean "num"`},
		{"unknown property without a suggestion", "ptsrc xyzzyplugh=5", ErrNoSuchProperty, nil, 1, 7, "xyzzyplugh",
			`no property "xyzzyplugh" in element "ptsrc0" (see gstmini-inspect ptsrc)`},
		{"integer out of range shows the range", "ptsrc num=-2", ErrBadValue, ErrBadPropertyValue, 1, 11, "-2",
			`could not set property "num" in element "ptsrc0" to "-2": allowed: -1 - 2147483647`},
		{"not a number", "ptsrc count=many", ErrBadValue, ErrBadPropertyValue, 1, 13, "many", "allowed: 0 - 4294967295"},
		{"bad boolean", "ptsrc flag=maybe", ErrBadValue, nil, 1, 12, "maybe", "allowed: true or false"},
		{"bad enum shows the values", "ptsrc mode=sideways", ErrBadValue, nil, 1, 12, "sideways",
			"allowed: (0) no, (1) upstream, (2) downstream"},
		{"bad duration shows the range", "ptsrc delay=soon", ErrBadValue, nil, 1, 13, "soon", "allowed: 0 - 9223372036854775807 ns"},
		{"negative duration", "ptsrc delay=-1s", ErrBadValue, nil, 1, 13, "-1s", "allowed"},
		{"double out of range", "ptsrc rate=101", ErrBadValue, nil, 1, 12, "101", "allowed: 0 - 100"},
		{"read-only property", "ptsrc level=3", ErrBadValue, ErrReadOnlyProperty, 1, 7, "level", "read-only"},
		{"a ! without sink", "ptsrc !", ErrSyntax, nil, 1, 7, "!", "link has no sink element"},
		{"a ! without sink, then whitespace", "ptsrc ! \n", ErrSyntax, nil, 1, 7, "!", "link has no sink element"},
		{"a ! without source", "! ptsink", ErrSyntax, nil, 1, 1, "!", "link has no source element"},
		{"two ! in a row", "ptsrc ! ! ptsink", ErrSyntax, nil, 1, 9, "!", `"!" follows "!"`},
		{"unterminated double quote", `ptsrc label="abc ! ptsink`, ErrSyntax, nil, 1, 13, `"abc ! ptsink`, "unterminated"},
		{"unterminated single quote", `ptsrc label='abc`, ErrSyntax, nil, 1, 13, `'abc`, "unterminated"},
		{"text glued to a closing quote", `ptsrc label="a"b`, ErrSyntax, nil, 1, 16, "b", "after the quoted value"},
		{"assignment without value", "ptsrc num=", ErrSyntax, nil, 1, 7, "num=", "has no value"},
		{"assignment without element", "num=5 ptsrc", ErrSyntax, nil, 1, 1, "num=5", "does not follow an element"},
		{"assignment after a reference", "ptsrc name=a  a. num=5", ErrSyntax, nil, 1, 18, "num=5", "not a reference"},
		{"assignment after a link", "ptsrc ! num=5", ErrSyntax, nil, 1, 9, "num=5", "does not follow an element"},
		{"a quoted word outside a value", `ptsrc "x"`, ErrSyntax, nil, 1, 7, `"`, "unexpected quoted string"},
		{"bins are not supported", "( ptsrc )", ErrSyntax, nil, 1, 1, "(", "bins"},
		{"caps filters are not supported", "ptsrc ! video/x-raw ! ptsink", ErrSyntax, nil, 1, 9, "video/x-raw", "caps filters"},
		{"URIs are not supported", "file:///tmp/x ! ptsink", ErrSyntax, nil, 1, 1, "file:///tmp/x", "URIs"},
		{"pad references without element", "ptsrc ! .sink", ErrSyntax, nil, 1, 9, ".sink", "pad reference"},
		{"unexpected character", "ptsrc # ptsink", ErrSyntax, nil, 1, 7, "#", `unexpected character '#'`},
		{"unexpected character glued to a name", "ptsrc$ ! ptsink", ErrSyntax, nil, 1, 6, "$", "unexpected character '$'"},
		{"position on a later line, column in characters", "ptsrc label=ä\n ! ptsink nope=1", ErrNoSuchProperty, nil, 2, 11, "nope", `no property "nope"`},
		{"a sink cannot be a link source", "ptsink ! ptsrc", ErrLink, nil, 1, 8, "!", "could not link ptsink0 to ptsrc0: ptsink0 has no source pad"},
		{"a source cannot be a link sink", "ptsrc ! ptsrc", ErrLink, nil, 1, 7, "!", "ptsrc1 has no sink pad"},
		{"a pad used twice", "ptsrc name=s ! ptsink  s. ! ptsink", ErrLink, nil, 1, 27, "!", "every source pad of s is linked already"},
		{"an unknown pad name", "ptdemux name=d  d.subs ! ptsink", ErrLink, nil, 1, 24, "!", `d has no pad named "subs"`},
		{"a pad of the wrong direction", "ptfilter name=f  f.sink ! ptsink", ErrLink, nil, 1, 25, "!", "is a sink pad, not a src pad"},
		{"an element linked to itself", "ptfilter name=f  f. ! f.", ErrLink, ErrWrongHierarchy, 1, 21, "!", "could not link f to f"},
		{"a reference to nothing", "ptsrc ! q.", ErrNoSuchElement, nil, 1, 9, "q.", `no element named "q"`},
		{"a duplicate name", "ptsrc name=a ! ptsink name=a", ErrBadValue, ErrNameTaken, 1, 28, "a", `the name "a" is taken`},
		{"an empty name", `ptsrc name=""`, ErrBadValue, nil, 1, 12, `""`, "names cannot be empty"},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			resetDefaultNames(t)
			p, err := ParseLaunch(tc.in)
			if err == nil {
				t.Fatalf("ParseLaunch(%q) = %s, nil; want an error wrapping %v", tc.in, describePipeline(p), tc.kind)
			}
			if p != nil {
				t.Errorf("ParseLaunch(%q) returned a pipeline with the error %v", tc.in, err)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseLaunch(%q) error %T %v; want *ParseError", tc.in, err, err)
			}
			if !errors.Is(err, tc.kind) {
				t.Errorf("ParseLaunch(%q) error %v; want it to wrap %v", tc.in, err, tc.kind)
			}
			if tc.cause != nil && !errors.Is(err, tc.cause) {
				t.Errorf("ParseLaunch(%q) error %v; want it to wrap %v", tc.in, err, tc.cause)
			}
			if pe.Line != tc.line || pe.Column != tc.col || pe.Token != tc.token {
				t.Errorf("ParseLaunch(%q) error at %d:%d token %q; want %d:%d token %q\n%s",
					tc.in, pe.Line, pe.Column, pe.Token, tc.line, tc.col, tc.token, pe.Context())
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("ParseLaunch(%q) error %q; want it to contain %q", tc.in, err, tc.msg)
			}
			prefix := fmt.Sprintf("gstmini: parse: %d:%d: ", tc.line, tc.col)
			if !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("ParseLaunch(%q) error %q; want prefix %q", tc.in, err, prefix)
			}
		})
	}
}

func TestParseError_Context(t *testing.T) {
	_, err := ParseLaunch("ptsrc ! ptfilter\n  ! ptsink nope=1 ! ptsink")
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("ParseLaunch error %v; want *ParseError", err)
	}
	want := "  ! ptsink nope=1 ! ptsink\n" +
		"           ^^^^"
	if got := pe.Context(); got != want {
		t.Errorf("Context() =\n%s\nwant\n%s", got, want)
	}
}

func TestParseLaunchv(t *testing.T) {
	cases := []struct {
		description string
		args        []string
		want        string
	}{
		{"words joined with spaces", []string{"ptsrc", "num=3", "!", "ptsink"}, "pipeline0: ptsrc0{num=3} ptsink0 | ptsrc0:src>ptsink0:sink"},
		{"a space inside a word stays in the value", []string{"ptsrc", "label=a b"}, "pipeline0: ptsrc0{label=a b} | "},
		{"double quotes inside a word", []string{"ptsrc", `label="a b"`}, "pipeline0: ptsrc0{label=a b} | "},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			resetDefaultNames(t)
			p, err := ParseLaunchv(tc.args...)
			if err != nil {
				t.Fatalf("ParseLaunchv(%q) error: %v", tc.args, err)
			}
			if got := describePipeline(p); got != tc.want {
				t.Errorf("ParseLaunchv(%q) = %s; want %s", tc.args, got, tc.want)
			}
		})
	}
}

func TestParseLaunch_PipelineNames(t *testing.T) {
	resetDefaultNames(t)
	for _, want := range []string{"pipeline0", "pipeline1"} {
		p, err := ParseLaunch("ptsrc")
		if err != nil {
			t.Fatal(err)
		}
		if p.Name() != want {
			t.Errorf("ParseLaunch pipeline name = %q; want %q", p.Name(), want)
		}
	}
}

func FuzzParseLaunch(f *testing.F) {
	for _, s := range []string{
		"ptsrc ! ptsink",
		"ptsrc num=5 flag=true label=\"a b\" rate=2.5 delay=2s mode=downstream ! ptfilter ! ptsink",
		"ptsrc ! f.  ptfilter name=f ! ptsink",
		"ptdemux name=d ! ptsink  d.audio ! ptsink",
		"ptsrc ! ptmux name=m  ptsrc ! m.  m. ! ptsink",
		"ptsecs delay=3",
		"ptsrc label='x' ! ptsink name=out",
		"ptsrc label=a\\ b",
		"",
		"!",
		"ptsrc !",
		"! ptsink",
		"ptsrc ! ! ptsink",
		"ptsrc label=\"unterminated",
		"ptsrc num=",
		"num=1",
		"ptsrc ! video/x-raw ! ptsink",
		"( ptsrc )",
		"ptsrc ! .sink",
		"ptsrc nope=1",
		"ptsrc num=99999999999999999999",
		"ptsink ! ptsrc",
		"ptsrc ! q.",
		"ptsrc name=a ! ptsink name=a",
		"ptsrc\\",
		"ptsrc label=\\",
		"ptsrc label=\"\\",
		"a.b.c ! .",
		"ptsrc\xff ! ptsink",
		"ptsrc label=\xff\xfe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, desc string) {
		p, err := ParseLaunch(desc)
		if err == nil {
			if p == nil {
				t.Fatalf("ParseLaunch(%q) = nil, nil", desc)
			}
			if len(p.Children()) == 0 {
				t.Fatalf("ParseLaunch(%q) returned an empty pipeline", desc)
			}
			return
		}
		if p != nil {
			t.Fatalf("ParseLaunch(%q) returned a pipeline with error %v", desc, err)
		}
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("ParseLaunch(%q) error %T %v; want *ParseError", desc, err, err)
		}
		if !errors.Is(err, pe.Kind) || pe.Kind == nil {
			t.Fatalf("ParseLaunch(%q) error %v does not wrap its kind %v", desc, err, pe.Kind)
		}
		if pe.Offset < 0 || pe.Offset > len(desc) || pe.Line < 1 || pe.Column < 1 {
			t.Fatalf("ParseLaunch(%q) error position offset %d line %d column %d out of range", desc, pe.Offset, pe.Line, pe.Column)
		}
		if !strings.HasPrefix(desc[pe.Offset:], pe.Token) {
			t.Fatalf("ParseLaunch(%q) error token %q is not at offset %d", desc, pe.Token, pe.Offset)
		}
		_ = pe.Context()
	})
}
