package gstmini

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Property errors. SetProperty and Property wrap them with the element,
// property and value; test for them with errors.Is.
var (
	ErrUnknownProperty  = errors.New("no such property")
	ErrBadPropertyValue = errors.New("invalid value")
	ErrReadOnlyProperty = errors.New("property is read-only")
)

// PropertyType is the kind of value a property holds.
type PropertyType int

// Property types. Integers are held as int64 or uint64 whatever their C
// width; TypeTime holds nanosecond properties as time.Duration.
const (
	TypeBool   PropertyType = iota // bool
	TypeInt                        // int64 within [Min, Max]
	TypeUint                       // uint64 within [Min, Max]
	TypeDouble                     // float64 within [Min, Max]
	TypeString                     // string
	TypeEnum                       // one of Enum, set by nick, name or number
	TypeTime                       // time.Duration within [Min, Max]; GStreamer's guint64/gint64 nanoseconds
)

// EnumValue is one value of an enum property (GEnumValue).
type EnumValue struct {
	Value int    // the number, as in C
	Nick  string // the short name used on launch lines: "downstream"
	Name  string // the description: "Leaky on downstream (old buffers)"
}

// A PropertySpec describes one property of an element as a GParamSpec
// does, with the functions that read and write it. Elements install specs
// with ElementBase.InstallProperty; SetProperty validates values against
// the spec before calling Set.
type PropertySpec struct {
	Name    string // GStreamer's property name: "max-size-buffers"
	Blurb   string // one-line description
	Type    PropertyType
	GType   string            // the C type shown by an inspector: "guint", "gint64", "GstQueueLeaky"
	Default any               // the default, in the Go type of Type
	Min     any               // lower bound for numbers and times
	Max     any               // upper bound for numbers and times
	Enum    []EnumValue       // values of an enum
	Flags   PropertyFlags     // readable, writable, ...
	Get     func() any        // returns the value in the Go type of Type (an enum returns its Go enum value)
	Set     func(v any)       // receives a validated value: bool, int64, uint64, float64, string, int (enum) or time.Duration
	Check   func(v any) error // optional extra validation, after the range check
}

// PropertyFlags say how a property may be used (GParamFlags).
type PropertyFlags uint32

// Property flags.
const (
	PropReadable       PropertyFlags = 1 << 0
	PropWritable       PropertyFlags = 1 << 1
	PropReadWrite                    = PropReadable | PropWritable
	PropNotGStreamer   PropertyFlags = 1 << 16 // a gstmini addition that GStreamer's element does not have
	PropMutablePlaying PropertyFlags = 1 << 17 // may change in PLAYING (GST_PARAM_MUTABLE_PLAYING)
)

type properties struct {
	mu    sync.Mutex // guards specs; values are guarded by the element
	specs []PropertySpec
}

// InstallProperty adds a property to the element (g_object_class_install_property).
func (e *ElementBase) InstallProperty(spec PropertySpec) {
	if spec.Flags&PropReadWrite == 0 {
		spec.Flags |= PropReadWrite
	}
	e.props.mu.Lock()
	defer e.props.mu.Unlock()
	e.props.specs = append(e.props.specs, spec)
}

// Properties returns the specs of the element's properties, in the order
// they were installed.
func (e *ElementBase) Properties() []PropertySpec {
	e.props.mu.Lock()
	defer e.props.mu.Unlock()
	return slices.Clone(e.props.specs)
}

// FindProperty returns the spec of the named property.
func (e *ElementBase) FindProperty(name string) (PropertySpec, bool) {
	e.props.mu.Lock()
	defer e.props.mu.Unlock()
	for _, s := range e.props.specs {
		if s.Name == name {
			return s, true
		}
	}
	return PropertySpec{}, false
}

// SetProperty sets the named property (g_object_set). value may be of the
// property's Go type, any Go integer or float that fits, a time.Duration for
// times, an enum's number, nick or name, or a string as on a launch line
// ("200", "true", "2s", "downstream"). The error names the element,
// the property, the value and what is allowed.
func (e *ElementBase) SetProperty(name string, value any) error {
	spec, ok := e.FindProperty(name)
	if !ok {
		return fmt.Errorf("element %q: %w %q", e.name, ErrUnknownProperty, name)
	}
	if spec.Flags&PropWritable == 0 {
		return fmt.Errorf("element %q: property %q: %w", e.name, name, ErrReadOnlyProperty)
	}
	v, err := spec.convert(value)
	if err == nil && spec.Check != nil {
		err = spec.Check(v)
	}
	if err != nil {
		return fmt.Errorf("element %q: property %q: %w %v (%T): %s", e.name, name, ErrBadPropertyValue, value, value, err)
	}
	spec.Set(v)
	return nil
}

// Property returns the named property's value (g_object_get).
func (e *ElementBase) Property(name string) (any, error) {
	spec, ok := e.FindProperty(name)
	if !ok {
		return nil, fmt.Errorf("element %q: %w %q", e.name, ErrUnknownProperty, name)
	}
	if spec.Flags&PropReadable == 0 || spec.Get == nil {
		return nil, fmt.Errorf("element %q: property %q is not readable", e.name, name)
	}
	return spec.Get(), nil
}

// Allowed describes the values the property accepts, for error messages
// and inspectors: "0 - 4294967295", "(0) no, (1) upstream, (2) downstream".
func (s PropertySpec) Allowed() string {
	switch s.Type {
	case TypeBool:
		return "true or false"
	case TypeString:
		return "any string"
	case TypeEnum:
		parts := make([]string, len(s.Enum))
		for i, v := range s.Enum {
			parts[i] = fmt.Sprintf("(%d) %s", v.Value, v.Nick)
		}
		return strings.Join(parts, ", ")
	case TypeTime:
		return fmt.Sprintf("%d - %d ns (%v - %v)", s.Min, s.Max, s.Min, s.Max)
	}
	return fmt.Sprintf("%v - %v", s.Min, s.Max)
}

func (s PropertySpec) convert(value any) (any, error) {
	bad := func() error { return fmt.Errorf("allowed: %s", s.Allowed()) }
	switch s.Type {
	case TypeBool:
		switch v := value.(type) {
		case bool:
			return v, nil
		case string:
			switch strings.ToLower(v) {
			case "true", "yes", "1", "t":
				return true, nil
			case "false", "no", "0", "f":
				return false, nil
			}
		}
		return nil, bad()
	case TypeString:
		if v, ok := value.(string); ok {
			return v, nil
		}
		return nil, bad()
	case TypeEnum:
		n, ok := enumNumber(s.Enum, value)
		if !ok {
			return nil, bad()
		}
		return n, nil
	case TypeDouble:
		f, ok := toFloat(value)
		if !ok || math.IsNaN(f) || f < s.Min.(float64) || f > s.Max.(float64) {
			return nil, bad()
		}
		return f, nil
	case TypeTime:
		d, ok := toDuration(value)
		if !ok || d < s.Min.(time.Duration) || d > s.Max.(time.Duration) {
			return nil, bad()
		}
		return d, nil
	case TypeInt:
		i, ok := toInt64(value)
		if !ok || i < s.Min.(int64) || i > s.Max.(int64) {
			return nil, bad()
		}
		return i, nil
	case TypeUint:
		u, ok := toUint64(value)
		if !ok || u < s.Min.(uint64) || u > s.Max.(uint64) {
			return nil, bad()
		}
		return u, nil
	}
	return nil, bad()
}

// enumNumber accepts an enum value's number, nick or name, or any value
// whose String method returns a nick (the Go enum types of elements).
func enumNumber(values []EnumValue, value any) (int, bool) {
	var s string
	switch v := value.(type) {
	case string:
		s = v
	case fmt.Stringer:
		s = v.String()
	default:
		n, ok := toInt64(value)
		if !ok {
			return 0, false
		}
		for _, ev := range values {
			if int64(ev.Value) == n {
				return ev.Value, true
			}
		}
		return 0, false
	}
	for _, ev := range values {
		if s == ev.Nick || s == ev.Name {
			return ev.Value, true
		}
	}
	if n, err := strconv.Atoi(s); err == nil {
		return enumNumber(values, n)
	}
	return 0, false
}

func toInt64(value any) (int64, bool) {
	switch v := value.(type) {
	case int:
		return int64(v), true
	case int8:
		return int64(v), true
	case int16:
		return int64(v), true
	case int32:
		return int64(v), true
	case int64:
		return v, true
	case uint:
		return int64(v), v <= math.MaxInt64
	case uint8:
		return int64(v), true
	case uint16:
		return int64(v), true
	case uint32:
		return int64(v), true
	case uint64:
		return int64(v), v <= math.MaxInt64
	case time.Duration:
		return int64(v), true
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 0, 64)
		return n, err == nil
	}
	return 0, false
}

func toUint64(value any) (uint64, bool) {
	switch v := value.(type) {
	case uint:
		return uint64(v), true
	case uint8:
		return uint64(v), true
	case uint16:
		return uint64(v), true
	case uint32:
		return uint64(v), true
	case uint64:
		return v, true
	case string:
		n, err := strconv.ParseUint(strings.TrimSpace(v), 0, 64)
		return n, err == nil
	}
	n, ok := toInt64(value)
	return uint64(n), ok && n >= 0
}

func toFloat(value any) (float64, bool) {
	switch v := value.(type) {
	case float64:
		return v, true
	case float32:
		return float64(v), true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return f, err == nil
	}
	n, ok := toInt64(value)
	return float64(n), ok
}

// toDuration accepts a time.Duration, an integer number of nanoseconds (as
// GStreamer's guint64 time properties take), or a string holding either
// ("1000000000") or a Go duration ("2s", "500ms").
func toDuration(value any) (time.Duration, bool) {
	switch v := value.(type) {
	case time.Duration:
		return v, true
	case string:
		v = strings.TrimSpace(v)
		if n, err := strconv.ParseInt(v, 0, 64); err == nil {
			return time.Duration(n), true
		}
		if u, err := strconv.ParseUint(v, 0, 64); err == nil && u == math.MaxUint64 {
			return ClockTimeNone, true // GST_CLOCK_TIME_NONE written as 18446744073709551615
		}
		d, err := time.ParseDuration(v)
		return d, err == nil
	}
	n, ok := toInt64(value)
	return time.Duration(n), ok
}

// BoolProperty returns the spec of a boolean property.
func BoolProperty(name, blurb string, def bool, get func() bool, set func(bool)) PropertySpec {
	return PropertySpec{Name: name, Blurb: blurb, Type: TypeBool, GType: "gboolean", Default: def,
		Get: func() any { return get() }, Set: func(v any) { set(v.(bool)) }}
}

// IntProperty returns the spec of a signed integer property of C type gtype.
func IntProperty(name, blurb, gtype string, min, max, def int64, get func() int64, set func(int64)) PropertySpec {
	return PropertySpec{Name: name, Blurb: blurb, Type: TypeInt, GType: gtype, Default: def, Min: min, Max: max,
		Get: func() any { return get() }, Set: func(v any) { set(v.(int64)) }}
}

// UintProperty returns the spec of an unsigned integer property of C type gtype.
func UintProperty(name, blurb, gtype string, min, max, def uint64, get func() uint64, set func(uint64)) PropertySpec {
	return PropertySpec{Name: name, Blurb: blurb, Type: TypeUint, GType: gtype, Default: def, Min: min, Max: max,
		Get: func() any { return get() }, Set: func(v any) { set(v.(uint64)) }}
}

// DoubleProperty returns the spec of a floating-point property.
func DoubleProperty(name, blurb string, min, max, def float64, get func() float64, set func(float64)) PropertySpec {
	return PropertySpec{Name: name, Blurb: blurb, Type: TypeDouble, GType: "gdouble", Default: def, Min: min, Max: max,
		Get: func() any { return get() }, Set: func(v any) { set(v.(float64)) }}
}

// StringProperty returns the spec of a string property.
func StringProperty(name, blurb, def string, get func() string, set func(string)) PropertySpec {
	return PropertySpec{Name: name, Blurb: blurb, Type: TypeString, GType: "gchararray", Default: def,
		Get: func() any { return get() }, Set: func(v any) { set(v.(string)) }}
}

// TimeProperty returns the spec of a nanosecond property (C type gtype,
// guint64 or gint64) held as a time.Duration.
func TimeProperty(name, blurb, gtype string, min, max, def time.Duration, get func() time.Duration, set func(time.Duration)) PropertySpec {
	return PropertySpec{Name: name, Blurb: blurb, Type: TypeTime, GType: gtype, Default: def, Min: min, Max: max,
		Get: func() any { return get() }, Set: func(v any) { set(v.(time.Duration)) }}
}

// EnumProperty returns the spec of an enum property of C type gtype. get
// returns the element's Go enum value; set receives the chosen number.
func EnumProperty(name, blurb, gtype string, values []EnumValue, def any, get func() any, set func(int)) PropertySpec {
	return PropertySpec{Name: name, Blurb: blurb, Type: TypeEnum, GType: gtype, Default: def, Enum: values,
		Get: get, Set: func(v any) { set(v.(int)) }}
}
