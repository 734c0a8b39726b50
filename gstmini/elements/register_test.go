package elements

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

func TestRegister_EveryFactoryMakesItsElement(t *testing.T) {
	cases := []struct {
		factory string
		flags   gstmini.ElementFlags // sink or source flag the element must have
	}{
		{"appsink", gstmini.ElementFlagSink},
		{"appsrc", gstmini.ElementFlagSource},
		{"fakesink", gstmini.ElementFlagSink},
		{"fakesrc", gstmini.ElementFlagSource},
		{"hlssegmenter", 0},
		{"livesource", gstmini.ElementFlagSource},
		{"processor", 0},
		{"queue", 0},
		{"s3sink", gstmini.ElementFlagSink},
		{"tee", 0},
	}
	for _, tc := range cases {
		t.Run(tc.factory, func(t *testing.T) {
			f, ok := gstmini.Factory(tc.factory)
			if !ok {
				t.Fatalf("gstmini.Factory(%q) not found; want it registered by package elements", tc.factory)
			}
			if f.LongName == "" || f.Klass == "" || f.Description == "" {
				t.Errorf("factory %q metadata = %+v; want long name, klass and description", tc.factory, f)
			}
			if strings.Contains(f.Klass, "Sink") != (tc.flags == gstmini.ElementFlagSink) ||
				strings.Contains(f.Klass, "Source") != (tc.flags == gstmini.ElementFlagSource) {
				t.Errorf("factory %q klass %q does not match the element's flags %#x", tc.factory, f.Klass, tc.flags)
			}
			e, err := gstmini.Make(tc.factory, "x")
			if err != nil {
				t.Fatalf("gstmini.Make(%q, %q) error: %v", tc.factory, "x", err)
			}
			if got := e.Base().Name(); got != "x" {
				t.Errorf("gstmini.Make(%q, %q) name = %q; want %q", tc.factory, "x", got, "x")
			}
			if got := e.Base().Flags() & (gstmini.ElementFlagSink | gstmini.ElementFlagSource); got != tc.flags {
				t.Errorf("gstmini.Make(%q) flags = %#x; want %#x", tc.factory, got, tc.flags)
			}
		})
	}
}

func TestParseLaunch_ElementProperties(t *testing.T) {
	cases := []struct {
		description string
		line        string
		element     string
		property    string
		want        any
	}{
		{"queue leaky by nick", "queue name=q leaky=downstream", "q", "leaky", LeakyDownstream},
		{"queue leaky by number", "queue name=q leaky=1", "q", "leaky", LeakyUpstream},
		{"queue max-size-time as a duration", "queue name=q max-size-time=2s", "q", "max-size-time", 2 * time.Second},
		{"queue max-size-time as nanoseconds", "queue name=q max-size-time=500000000", "q", "max-size-time", 500 * time.Millisecond},
		{"queue max-size-buffers", "queue name=q max-size-buffers=5", "q", "max-size-buffers", uint64(5)},
		{"hlssegmenter target-duration as bare seconds", "hlssegmenter name=h target-duration=2", "h", "target-duration", 2 * time.Second},
		{"hlssegmenter target-duration as a duration", "hlssegmenter name=h target-duration=1500ms", "h", "target-duration", 1500 * time.Millisecond},
		{"s3sink quoted key-prefix", `s3sink name=s key-prefix="live/cam 1"`, "s", "key-prefix", "live/cam 1"},
		{"s3sink upload-latency", "s3sink name=s upload-latency=200ms", "s", "upload-latency", 200 * time.Millisecond},
		{"fakesink sync", "fakesink name=s sync=true", "s", "sync", true},
		{"fakesrc sizetype by nick", "fakesrc name=s sizetype=fixed", "s", "sizetype", FakeSrcSizeFixed},
		{"livesource fps", "livesource name=c fps=60", "c", "fps", int64(60)},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			p, err := gstmini.ParseLaunch(tc.line)
			if err != nil {
				t.Fatalf("ParseLaunch(%q) error: %v", tc.line, err)
			}
			e := p.ByName(tc.element)
			if e == nil {
				t.Fatalf("ParseLaunch(%q) has no element %q", tc.line, tc.element)
			}
			got, err := e.Base().Property(tc.property)
			if err != nil || got != tc.want {
				t.Errorf("ParseLaunch(%q): %s %s = %v (%T), %v; want %v (%T)", tc.line, tc.element, tc.property, got, got, err, tc.want, tc.want)
			}
		})
	}
}

func TestParseLaunch_ElementErrors(t *testing.T) {
	cases := []struct {
		description string
		line        string
		kind        error
		msg         string
	}{
		{"an enum value the queue does not have", "queue leaky=sideways", gstmini.ErrBadValue,
			`could not set property "leaky" in element "q" to "sideways": allowed: (0) no, (1) upstream, (2) downstream`},
		{"fps out of range", "livesource fps=0", gstmini.ErrBadValue, "allowed: 1 - 1000"},
		{"target-duration 0 gets hlssegmenter's own explanation", "hlssegmenter target-duration=0", gstmini.ErrBadValue,
			"target-duration must be > 0; allowed: 1 - 4294967295 (a bare integer: whole seconds"},
		{"fakesrc format it cannot keep", "fakesrc format=percent", gstmini.ErrBadValue, "keeps bytes and time segments only"},
		{"a misspelt queue property", "queue max-size-buffer=5", gstmini.ErrNoSuchProperty, `did you mean "max-size-buffers"`},
		{"a read-only property", "queue current-level-buffers=5", gstmini.ErrBadValue, "read-only"},
		{"a misspelt element", "fakesrc ! fakesnk", gstmini.ErrNoSuchElement, `no element "fakesnk"; did you mean "fakesink"`},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			line := strings.Replace(tc.line, "queue ", "queue name=q ", 1)
			_, err := gstmini.ParseLaunch(line)
			if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("ParseLaunch(%q) error = %v; want one wrapping %v containing %q", line, err, tc.kind, tc.msg)
			}
		})
	}
}

func TestParseLaunch_Runs(t *testing.T) {
	cases := []struct {
		description string
		line        string
		rendered    uint64
	}{
		{"fakesrc to fakesink", "fakesrc num-buffers=100 ! fakesink name=out", 100},
		{"through a queue", "fakesrc num-buffers=100 ! queue ! fakesink name=out", 100},
		{"a reference to a sink defined later", "fakesrc num-buffers=10 ! out.  fakesink name=out", 10},
		{"a live fakesrc", "fakesrc is-live=true num-buffers=5 ! queue ! fakesink name=out", 5},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			p, err := gstmini.ParseLaunch(tc.line)
			if err != nil {
				t.Fatalf("ParseLaunch(%q) error: %v", tc.line, err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := p.Run(ctx); err != nil {
				t.Fatalf("ParseLaunch(%q).Run() = %v; want nil (EOS)", tc.line, err)
			}
			if got := p.ByName("out").(*FakeSink).Rendered(); got != tc.rendered {
				t.Errorf("ParseLaunch(%q): out rendered %d buffers; want %d", tc.line, got, tc.rendered)
			}
		})
	}
}
