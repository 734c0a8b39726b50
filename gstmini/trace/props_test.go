package trace

import (
	"math"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
)

func TestNonDefault(t *testing.T) {
	cases := []struct {
		line, element string
		want          []Property
	}{
		{"fakesrc name=e", "e", nil},
		// fakesink's sync=false is its own default, read from a fresh fakesink.
		{"fakesink name=e sync=false", "e", nil},
		{"fakesink name=e sync=true", "e", []Property{{Name: "sync", Value: "true"}}},
		{"queue name=e leaky=downstream max-size-time=2s max-size-buffers=5", "e", []Property{
			{Name: "max-size-buffers", Value: "5"}, {Name: "max-size-time", Value: "2s"}, {Name: "leaky", Value: "downstream"}}},
		{`s3sink name=e key-prefix="a b" upload-latency=200ms`, "e", []Property{
			{Name: "key-prefix", Value: `"a b"`}, {Name: "upload-latency", Value: "200ms", NotGStreamer: true}}},
		{"livesource name=e fps=60", "e", []Property{{Name: "fps", Value: "60", NotGStreamer: true}}},
	}
	for _, tc := range cases {
		t.Run(tc.line, func(t *testing.T) {
			p, err := gstmini.ParseLaunch(tc.line)
			if err != nil {
				t.Fatal(err)
			}
			got := NonDefault(p.ByName(tc.element))
			if len(got) != len(tc.want) {
				t.Fatalf("NonDefault(%q) = %+v; want %+v", tc.line, got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("NonDefault(%q)[%d] = %+v; want %+v", tc.line, i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestFormatValue(t *testing.T) {
	enum := gstmini.PropertySpec{Type: gstmini.TypeEnum, Enum: []gstmini.EnumValue{{Value: 0, Nick: "no"}, {Value: 2, Nick: "downstream"}}}
	cases := []struct {
		spec gstmini.PropertySpec
		v    any
		want string
	}{
		{gstmini.PropertySpec{Type: gstmini.TypeBool}, true, "true"},
		{gstmini.PropertySpec{Type: gstmini.TypeInt}, int64(-1), "-1"},
		{gstmini.PropertySpec{Type: gstmini.TypeUint}, uint64(math.MaxUint32), "4294967295"},
		{gstmini.PropertySpec{Type: gstmini.TypeDouble}, 2.5, "2.5"},
		{gstmini.PropertySpec{Type: gstmini.TypeString}, "plain", "plain"},
		{gstmini.PropertySpec{Type: gstmini.TypeString}, "", `""`},
		{gstmini.PropertySpec{Type: gstmini.TypeString}, `say "hi"`, `"say \"hi\""`},
		{gstmini.PropertySpec{Type: gstmini.TypeTime}, 1500 * time.Millisecond, "1.5s"},
		{gstmini.PropertySpec{Type: gstmini.TypeTime}, gstmini.ClockTimeNone, "18446744073709551615"},
		{enum, elements.LeakyDownstream, "downstream"}, // a Go enum value: its String is the nick
		{enum, 2, "downstream"}, // the number
		{enum, 7, "7"},
	}
	for _, tc := range cases {
		if got := FormatValue(tc.spec, tc.v); got != tc.want {
			t.Errorf("FormatValue(%v, %v) = %q; want %q", tc.spec.Type, tc.v, got, tc.want)
		}
	}
}

func TestPathStringAndFactoryOf(t *testing.T) {
	p, err := gstmini.ParseLaunch("fakesrc name=src ! queue name=q ! fakesink name=out")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := PathString(p.ByName("q")), "/Pipeline:"+p.Name()+"/Queue:q"; got != want {
		t.Errorf("PathString(q) = %q; want %q", got, want)
	}
	if got, want := PathString(p), "/Pipeline:"+p.Name(); got != want {
		t.Errorf("PathString(pipeline) = %q; want %q", got, want)
	}
	for name, factory := range map[string]string{"src": "fakesrc", "q": "queue", "out": "fakesink"} {
		if f, ok := FactoryOf(p.ByName(name)); !ok || f.Name != factory {
			t.Errorf("FactoryOf(%s) = %q, %t; want %q", name, f.Name, ok, factory)
		}
	}
	if _, ok := FactoryOf(gstmini.NewBin("b")); ok {
		t.Errorf("FactoryOf(a bin) found a factory; want none")
	}
}
