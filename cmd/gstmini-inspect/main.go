// Command gstmini-inspect describes gstmini's elements, as gst-inspect-1.0
// describes GStreamer's:
//
//	go run ./cmd/gstmini-inspect           # lists every element: "queue: Queue"
//	go run ./cmd/gstmini-inspect queue     # one element: details, pads, properties
//
// For one element it prints the factory details, the Go type hierarchy (in
// place of the GObject one), the pad templates (an element without any, as
// most of gstmini's, shows each pad as an always template; every pad takes
// any caps), the pads, and every property, sorted by name, with its blurb,
// flags, type, range or enum values, and default. Defaults are read from a freshly made element, as
// gst-inspect-1.0 reads them, so fakesink's sync shows false. Properties
// that GStreamer's element does not have are marked "(gstmini; not in
// GStreamer)".
package main

import (
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"

	"github.com/gstmini/workbook/gstmini"
	_ "github.com/gstmini/workbook/gstmini/elements" // registers the elements
	"github.com/gstmini/workbook/gstmini/trace"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is the whole command; it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	switch len(args) {
	case 0:
		listElements(stdout)
		return 0
	case 1:
		if args[0] == "-h" || args[0] == "--help" {
			fmt.Fprintln(stdout, "Usage: gstmini-inspect [ELEMENT-NAME]")
			return 0
		}
		f, ok := gstmini.Factory(args[0])
		if !ok {
			fmt.Fprintf(stderr, "No such element or plugin '%s'\n", args[0])
			return 255
		}
		inspect(stdout, f)
		return 0
	}
	fmt.Fprintln(stderr, "Usage: gstmini-inspect [ELEMENT-NAME]")
	return 1
}

// listElements prints "name: long name" for every factory, as
// gst-inspect-1.0 without arguments prints "plugin:  name: long name".
func listElements(w io.Writer) {
	fs := gstmini.Factories()
	for _, f := range fs {
		fmt.Fprintf(w, "%s: %s\n", f.Name, f.LongName)
	}
	fmt.Fprintf(w, "\nTotal count: %d elements\n", len(fs))
}

// inspect prints one element's details (gst-inspect-1.0's print_element_info).
func inspect(w io.Writer, f gstmini.ElementFactory) {
	// The element gets the name the first default-named element of its
	// factory gets, as in gst-inspect-1.0's fresh process: "queue0".
	name := f.Name + "0"
	if c := f.Name[len(f.Name)-1]; c >= '0' && c <= '9' {
		name = f.Name + "-0"
	}
	e := f.New(name)
	eb := e.Base()

	fmt.Fprintf(w, "Factory Details:\n")
	fmt.Fprintf(w, "  %-25s%s\n", "Long-name", f.LongName)
	fmt.Fprintf(w, "  %-25s%s\n", "Klass", f.Klass)
	fmt.Fprintf(w, "  %-25s%s\n", "Description", f.Description)
	fmt.Fprintf(w, "\n")

	printHierarchy(w, e)

	// An element without templates (most of gstmini's) has each of its
	// pads stand for an always template of the same name.
	pads := eb.Pads()
	templates := eb.PadTemplates()
	if len(templates) == 0 {
		for _, p := range pads {
			templates = append(templates, gstmini.PadTemplate{NameTemplate: p.Name(), Direction: p.Direction(), Presence: gstmini.PadAlways})
		}
	}
	slices.SortStableFunc(templates, func(a, b gstmini.PadTemplate) int {
		if a.Direction != b.Direction {
			return int(b.Direction) - int(a.Direction) // sink templates first, as gst_static_pad_compare_func
		}
		return strings.Compare(a.NameTemplate, b.NameTemplate)
	})
	fmt.Fprintf(w, "Pad Templates:\n")
	if len(templates) == 0 {
		fmt.Fprintf(w, "  none\n")
	}
	for i, t := range templates {
		fmt.Fprintf(w, "  %s template: '%s'\n", strings.ToUpper(t.Direction.String()), t.NameTemplate)
		fmt.Fprintf(w, "    Availability: %s\n", t.Presence)
		fmt.Fprintf(w, "    Capabilities:\n      ANY\n")
		if i < len(templates)-1 {
			fmt.Fprintf(w, "  \n")
		}
	}
	fmt.Fprintf(w, "\n")
	fmt.Fprintf(w, "Element has no clocking capabilities.\n")
	fmt.Fprintf(w, "Element has no URI handling capabilities.\n")

	fmt.Fprintf(w, "\nPads:\n")
	if len(pads) == 0 {
		fmt.Fprintf(w, "  none\n")
	}
	for _, p := range pads {
		fmt.Fprintf(w, "  %s: '%s'\n", strings.ToUpper(p.Direction().String()), p.Name())
		templ := p.Name()
		if t, ok := p.Template(); ok {
			templ = t.NameTemplate
		}
		fmt.Fprintf(w, "    Pad Template: '%s'\n", templ)
	}

	fmt.Fprintf(w, "\nElement Properties:\n")
	printProperties(w, e)
}

// printHierarchy prints the element's Go type and the types it embeds, in
// the layout of gst-inspect-1.0's GObject hierarchy.
func printHierarchy(w io.Writer, e gstmini.Element) {
	var chain []string
	t := reflect.TypeOf(e)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for t.Kind() == reflect.Struct {
		chain = append(chain, t.String())
		var next reflect.Type
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); f.Anonymous {
				next = f.Type
				for next.Kind() == reflect.Pointer {
					next = next.Elem()
				}
				break
			}
		}
		if next == nil {
			break
		}
		t = next
	}
	slices.Reverse(chain)
	for i, name := range chain {
		if i > 0 {
			fmt.Fprintf(w, "%s +----", strings.Repeat("      ", i-1))
		}
		fmt.Fprintf(w, "%s\n", name)
	}
	fmt.Fprintf(w, "\n")
}

// property is one line group of "Element Properties".
type property struct {
	spec  gstmini.PropertySpec
	value any // the fresh element's value
	name  bool
}

// printProperties is gst-inspect-1.0's print_object_properties_info
// (tools/gst-inspect.c at 1.22.0): properties sorted by name, each with
// its blurb, flags, and type, range and default.
func printProperties(w io.Writer, e gstmini.Element) {
	eb := e.Base()
	props := []property{{
		spec: gstmini.PropertySpec{Name: "name", Blurb: "The name of the object", Type: gstmini.TypeString,
			GType: "gchararray", Flags: gstmini.PropReadWrite},
		value: eb.Name(), name: true,
	}}
	for _, s := range eb.Properties() {
		var v any
		if s.Flags&gstmini.PropReadable != 0 && s.Get != nil {
			v = s.Get()
		} else {
			v = s.Default
		}
		props = append(props, property{spec: s, value: v})
	}
	slices.SortStableFunc(props, func(a, b property) int { return strings.Compare(a.spec.Name, b.spec.Name) })
	const indent = "                        " // 2 + 11 levels of 2, as push_indent_n (11)
	for _, p := range props {
		s := p.spec
		blurb := s.Blurb
		if s.Flags&gstmini.PropNotGStreamer != 0 {
			blurb += " (gstmini; not in GStreamer)"
		}
		fmt.Fprintf(w, "  %-20s: %s\n", s.Name, blurb)
		var flags []string
		readable := s.Flags&gstmini.PropReadable != 0
		if readable {
			flags = append(flags, "readable")
		}
		if s.Flags&gstmini.PropWritable != 0 {
			flags = append(flags, "writable")
		}
		line := indent + "flags: " + strings.Join(flags, ", ")
		if s.Flags&gstmini.PropMutablePlaying != 0 {
			line += ", changeable in NULL, READY, PAUSED or PLAYING state"
		}
		fmt.Fprintln(w, line)
		fmt.Fprint(w, indent+typeLine(s, p.value, indent))
		if !readable {
			fmt.Fprint(w, " Write only")
		}
		fmt.Fprintln(w)
	}
}

// typeLine is the type, range and default of a property, as gst-inspect-1.0
// prints them by GType.
func typeLine(s gstmini.PropertySpec, v any, indent string) string {
	switch s.Type {
	case gstmini.TypeBool:
		b, _ := v.(bool)
		return fmt.Sprintf("Boolean. Default: %t", b)
	case gstmini.TypeString:
		return fmt.Sprintf("String. Default: %q", fmt.Sprint(v))
	case gstmini.TypeDouble:
		return fmt.Sprintf("Double. Range: %15.7g - %15.7g Default: %15.7g ", s.Min, s.Max, v)
	case gstmini.TypeEnum:
		var b strings.Builder
		n := trace.EnumNumber(s.Enum, v)
		fmt.Fprintf(&b, "Enum %q Default: %d, %q", s.GType, n, trace.FormatValue(s, v))
		for _, ev := range s.Enum {
			fmt.Fprintf(&b, "\n%s   (%d): %-16s - %s", indent, ev.Value, ev.Nick, ev.Name)
		}
		return b.String()
	}
	kind := map[string]string{
		"gint": "Integer", "guint": "Unsigned Integer", "gint64": "Integer64", "guint64": "Unsigned Integer64",
		"glong": "Long", "gulong": "Unsigned Long",
	}[s.GType]
	if kind == "" {
		kind = "Integer64"
		if s.Type == gstmini.TypeUint {
			kind = "Unsigned Integer64"
		}
	}
	num := func(x any) string {
		if d, ok := x.(interface{ Nanoseconds() int64 }); ok {
			return fmt.Sprint(d.Nanoseconds())
		}
		return fmt.Sprint(x)
	}
	return fmt.Sprintf("%s. Range: %s - %s Default: %s ", kind, num(s.Min), num(s.Max), num(v))
}
