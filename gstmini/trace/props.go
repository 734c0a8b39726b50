package trace

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// A Property is one property value of an element, formatted as a launch
// line writes it (so that "name=value" sets it back).
type Property struct {
	Name         string
	Value        string
	NotGStreamer bool // a gstmini addition (gstmini.PropNotGStreamer)
}

// NonDefault returns the readable, writable properties of e whose values
// differ from those of a freshly made element of the same kind, in the
// order the element installed them: what a launch line configured. Like
// gst-inspect-1.0, it reads defaults from a fresh instance made by e's
// factory (see FactoryOf), so that fakesink's sync=false counts as its
// default; for an element of no registered factory it uses the specs'
// Default.
func NonDefault(e gstmini.Element) []Property {
	defaults := freshDefaults(e)
	var out []Property
	for _, spec := range e.Base().Properties() {
		if spec.Flags&gstmini.PropReadWrite != gstmini.PropReadWrite || spec.Get == nil {
			continue
		}
		v := FormatValue(spec, spec.Get())
		def, ok := defaults[spec.Name]
		if !ok {
			def = FormatValue(spec, spec.Default)
		}
		if v != def {
			out = append(out, Property{Name: spec.Name, Value: v, NotGStreamer: spec.Flags&gstmini.PropNotGStreamer != 0})
		}
	}
	return out
}

var defaultsCache sync.Map // reflect.Type -> map[string]string

// freshDefaults returns the formatted property values of a new element of
// e's type, or nil if no factory makes that type.
func freshDefaults(e gstmini.Element) map[string]string {
	t := reflect.TypeOf(e)
	if d, ok := defaultsCache.Load(t); ok {
		return d.(map[string]string)
	}
	f, ok := FactoryOf(e)
	if !ok {
		return nil
	}
	fresh := f.New("defaults")
	d := map[string]string{}
	for _, spec := range fresh.Base().Properties() {
		if spec.Flags&gstmini.PropReadable != 0 && spec.Get != nil {
			d[spec.Name] = FormatValue(spec, spec.Get())
		}
	}
	defaultsCache.Store(t, d)
	return d
}

var factoryOfCache sync.Map // reflect.Type -> gstmini.ElementFactory

// FactoryOf returns the registered factory that makes elements of e's Go
// type (GST_ELEMENT_GET_CLASS (e)->elementfactory). It makes one element of
// each factory the first time it meets a type.
func FactoryOf(e gstmini.Element) (gstmini.ElementFactory, bool) {
	t := reflect.TypeOf(e)
	if f, ok := factoryOfCache.Load(t); ok {
		return f.(gstmini.ElementFactory), true
	}
	for _, f := range gstmini.Factories() {
		if reflect.TypeOf(f.New("probe")) == t {
			factoryOfCache.Store(t, f)
			return f, true
		}
	}
	return gstmini.ElementFactory{}, false
}

// FormatValue formats v, a value of the property spec, as a launch line
// writes it: true, 200, 2.5, 1.5s, downstream (an enum's nick), and
// strings quoted when they hold spaces or quotes.
func FormatValue(spec gstmini.PropertySpec, v any) string {
	switch spec.Type {
	case gstmini.TypeEnum:
		return enumNick(spec.Enum, v)
	case gstmini.TypeTime:
		d, ok := v.(time.Duration)
		if !ok {
			return fmt.Sprint(v)
		}
		if d == gstmini.ClockTimeNone {
			return strconv.FormatUint(math.MaxUint64, 10) // GST_CLOCK_TIME_NONE, as launch lines write it
		}
		return d.String()
	case gstmini.TypeDouble:
		if f, ok := v.(float64); ok {
			return strconv.FormatFloat(f, 'g', -1, 64)
		}
	case gstmini.TypeString:
		s, _ := v.(string)
		if s == "" || strings.ContainsAny(s, " \t\n\"'\\!") {
			return strconv.Quote(s)
		}
		return s
	}
	return fmt.Sprint(v)
}

// enumNick returns the nick of v: an element's Go enum value (whose String
// method returns the nick) or the enum's number.
func enumNick(values []gstmini.EnumValue, v any) string {
	if s, ok := v.(fmt.Stringer); ok {
		str := s.String()
		for _, ev := range values {
			if ev.Nick == str {
				return str
			}
		}
	}
	rv := reflect.ValueOf(v)
	if rv.CanInt() {
		for _, ev := range values {
			if int64(ev.Value) == rv.Int() {
				return ev.Nick
			}
		}
	}
	return fmt.Sprint(v)
}

// EnumNumber returns the number of v, an enum property's value, or -1.
func EnumNumber(values []gstmini.EnumValue, v any) int {
	nick := enumNick(values, v)
	for _, ev := range values {
		if ev.Nick == nick {
			return ev.Value
		}
	}
	return -1
}

// PathString returns e's path from the top-level bin, with each level's Go
// type and name: "/Pipeline:pipeline0/FakeSrc:fakesrc0"
// (gst_object_get_path_string, which prints GTypes: "/GstPipeline:pipeline0/GstFakeSrc:fakesrc0").
func PathString(e gstmini.Element) string {
	var parts []string
	for x := e; x != nil; x = x.Base().Parent() {
		parts = append(parts, typeName(x)+":"+x.Base().Name())
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteByte('/')
		b.WriteString(parts[i])
	}
	return b.String()
}

// typeName returns the name of e's Go type without package or pointer.
func typeName(v any) string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}
