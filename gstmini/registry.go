package gstmini

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Registry errors. Register, Make and ParseLaunch wrap them; test for them
// with errors.Is.
var (
	// ErrNoSuchElement is returned when no factory has the requested name
	// (GST_PARSE_ERROR_NO_SUCH_ELEMENT; gst_element_factory_make returns NULL).
	ErrNoSuchElement = errors.New("gstmini: no such element")
	// ErrFactoryExists is returned by Register when a factory of that name
	// is already registered.
	ErrFactoryExists = errors.New("gstmini: element factory already registered")
)

// An ElementFactory creates elements of one kind by name, as a
// GstElementFactory does: "queue" creates Queues. Its metadata is what
// gst-inspect-1.0 shows under "Factory Details" (gst_element_class_set_metadata).
// Register factories with Register, usually from an init function; create
// elements with Make or ParseLaunch.
type ElementFactory struct {
	Name        string                    // the factory name used on launch lines: "queue"
	LongName    string                    // a human-readable name: "Queue"
	Klass       string                    // the element's class, "/"-separated: "Generic", "Sink", "Source/Video"
	Description string                    // one sentence: "Simple data queue"
	New         func(name string) Element // returns a new element named name, in state NULL
}

// registry is the process-wide table of element factories (GstRegistry)
// and the counters that give unnamed objects their default names. It is the
// only global mutable state of the package.
var registry struct {
	mu        sync.Mutex
	factories map[string]ElementFactory
	counters  map[string]int // per name prefix: the number the next default name gets
}

// Register adds f to the registry (gst_element_register). It returns an
// error wrapping ErrFactoryExists if a factory of that name is registered
// already, and an error if f has no name or no New function. It is safe
// for concurrent use.
func Register(f ElementFactory) error {
	if f.Name == "" {
		return errors.New("gstmini: register element factory: empty name")
	}
	if strings.ContainsFunc(f.Name, func(r rune) bool { return !isIdentRune(r) }) || !isIdentStart(rune(f.Name[0])) {
		return fmt.Errorf("gstmini: register element factory %q: the name is not usable on a launch line", f.Name)
	}
	if f.New == nil {
		return fmt.Errorf("gstmini: register element factory %q: New is nil", f.Name)
	}
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if _, ok := registry.factories[f.Name]; ok {
		return fmt.Errorf("register element factory %q: %w", f.Name, ErrFactoryExists)
	}
	if registry.factories == nil {
		registry.factories = map[string]ElementFactory{}
	}
	registry.factories[f.Name] = f
	return nil
}

// Factory returns the factory registered under name
// (gst_element_factory_find).
func Factory(name string) (ElementFactory, bool) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	f, ok := registry.factories[name]
	return f, ok
}

// Factories returns every registered factory, sorted by name.
func Factories() []ElementFactory {
	registry.mu.Lock()
	out := make([]ElementFactory, 0, len(registry.factories))
	for _, f := range registry.factories {
		out = append(out, f)
	}
	registry.mu.Unlock()
	slices.SortFunc(out, func(a, b ElementFactory) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Make creates an element from the named factory (gst_element_factory_make).
// An empty name gives the element a default name, the factory name followed
// by a per-factory counter: "queue0", "queue1", ... (a "-" goes in between
// when the factory name ends in a digit, "x264-0"), as GStreamer names
// objects. The error wraps ErrNoSuchElement if no factory has that name.
func Make(factory, name string) (Element, error) {
	f, ok := Factory(factory)
	if !ok {
		return nil, fmt.Errorf("make %q: %w", factory, ErrNoSuchElement)
	}
	if name == "" {
		name = defaultName(f.Name)
	}
	e := f.New(name)
	if e == nil || e.Base() == nil {
		return nil, fmt.Errorf("gstmini: make %q: the factory returned no element", factory)
	}
	return e, nil
}

// defaultName returns the next default object name for prefix
// (gst_object_set_name_default, gst/gstobject.c:695 at 1.22.0): the prefix
// and a counter kept per prefix, with "-" in between when the prefix ends
// in a digit.
func defaultName(prefix string) string {
	registry.mu.Lock()
	if registry.counters == nil {
		registry.counters = map[string]int{}
	}
	n := registry.counters[prefix]
	registry.counters[prefix] = n + 1
	registry.mu.Unlock()
	if c := prefix[len(prefix)-1]; c >= '0' && c <= '9' {
		return fmt.Sprintf("%s-%d", prefix, n)
	}
	return fmt.Sprintf("%s%d", prefix, n)
}

// NewNamedPipeline returns a pipeline with the next default pipeline name,
// "pipeline0", "pipeline1", ..., as gst_pipeline_new (NULL) names it.
func NewNamedPipeline() *Pipeline { return NewPipeline(defaultName("pipeline")) }

// isIdentStart and isIdentRune say which characters a launch-line
// identifier holds (parse.l's _identifier: [[:alnum:]_][[:alnum:]\-_%:]*).
func isIdentStart(r rune) bool {
	return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

func isIdentRune(r rune) bool {
	return isIdentStart(r) || r == '-' || r == '%' || r == ':'
}
