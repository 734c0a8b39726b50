package gstmini

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// PadPresence says when the pads of a template exist (GstPadPresence).
type PadPresence int

// Pad presences, with GStreamer's numbering.
const (
	PadAlways    PadPresence = iota // the element always has the pad: "sink", "src"
	PadSometimes                    // the element adds the pad itself when it knows its stream
	PadRequest                      // the application asks for the pad: a tee's "src_%u"
)

// String returns the availability gst-inspect-1.0 prints: "Always",
// "Sometimes" or "On request".
func (p PadPresence) String() string {
	switch p {
	case PadAlways:
		return "Always"
	case PadSometimes:
		return "Sometimes"
	case PadRequest:
		return "On request"
	}
	return fmt.Sprintf("PadPresence(%d)", int(p))
}

// A PadTemplate describes pads an element has or can create
// (GstPadTemplate). gstmini templates carry no caps: every pad takes any
// data. An element that has templates adds them with
// ElementBase.AddPadTemplate from its constructor; GStreamer keeps them on
// the element class, gstmini, which has no classes, on each element.
type PadTemplate struct {
	// NameTemplate is the pad name, or for request and sometimes pads a
	// pattern with %u (an unsigned number), %d (a signed number) or %s
	// (any string): "src_%u".
	NameTemplate string
	Direction    PadDirection
	Presence     PadPresence
}

// Request pad errors. RequestPad and ReleaseRequestPad wrap them with the
// element, pad and name; test for them with errors.Is.
var (
	// ErrNoRequestTemplate is returned by RequestPad when no request
	// template of the element matches the name, or the element cannot
	// create request pads.
	ErrNoRequestTemplate = errors.New("gstmini: no request pad template matches")
	// ErrNotRequestPad is returned by ReleaseRequestPad for a pad that was
	// not created from a request template, or does not belong to the
	// element.
	ErrNotRequestPad = errors.New("gstmini: not a request pad of the element")
)

// A RequestPadHandler is an element that creates pads on request
// (GstElementClass.request_new_pad and release_pad), such as a tee.
// ElementBase.RequestPad and ReleaseRequestPad call it; applications call
// those, not these.
type RequestPadHandler interface {
	// RequestNewPad creates, activates if needed, and adds a pad of
	// template templ. name is the pad name the caller asked for, or "" to
	// let the element choose one.
	RequestNewPad(templ PadTemplate, name string) (*Pad, error)
	// ReleasePad deactivates and removes pad p, a pad RequestNewPad made.
	ReleasePad(p *Pad)
}

// NewPadFromTemplate returns an inactive pad named name with t's direction
// that remembers its template (gst_pad_new_from_template).
func NewPadFromTemplate(t PadTemplate, name string) *Pad {
	p := NewPad(name, t.Direction)
	p.template = &t
	return p
}

// Template returns the template the pad was made from, and false for a pad
// made with NewPad (GST_PAD_PAD_TEMPLATE).
func (p *Pad) Template() (PadTemplate, bool) {
	if p.template == nil {
		return PadTemplate{}, false
	}
	return *p.template, true
}

// AddPadTemplate adds t to the element's pad templates
// (gst_element_class_add_pad_template).
func (e *ElementBase) AddPadTemplate(t PadTemplate) {
	e.mu.Lock()
	e.templates = append(e.templates, t)
	e.mu.Unlock()
}

// PadTemplates returns the element's pad templates in the order they were
// added; nil for an element that declares none (then each of its pads
// stands for its own, always present, template).
func (e *ElementBase) PadTemplates() []PadTemplate {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]PadTemplate(nil), e.templates...)
}

// RequestPad asks the element for a new pad (gst_element_request_pad_simple,
// gst/gstelement.c:1234 at 1.22.0). name is a request template's name,
// "src_%u", to let the element number the pad, or a name the template
// matches, "src_3" (gst_element_is_valid_request_template_name, :1025). The
// error wraps ErrNoRequestTemplate when no request template matches, and
// names the element, the name and the templates there are; an element may
// also refuse, as a tee refuses a number already in use.
func (e *ElementBase) RequestPad(name string) (*Pad, error) {
	templates := e.PadTemplates()
	var templ *PadTemplate
	reqName := ""
	for i, t := range templates {
		if t.Presence == PadRequest && t.NameTemplate == name {
			templ = &templates[i]
			if !strings.Contains(name, "%") {
				reqName = name
			}
			break
		}
	}
	if templ == nil {
		for i, t := range templates {
			if t.Presence == PadRequest && matchesNameTemplate(t.NameTemplate, name) {
				templ, reqName = &templates[i], name
				break
			}
		}
	}
	h, ok := e.self.(RequestPadHandler)
	if templ == nil || !ok {
		var req []string
		for _, t := range templates {
			if t.Presence == PadRequest {
				req = append(req, fmt.Sprintf("%q", t.NameTemplate))
			}
		}
		have := "it has no request pad templates"
		if len(req) > 0 && ok {
			have = "its request pad templates are " + strings.Join(req, ", ")
		}
		return nil, fmt.Errorf("element %s: request pad %q: %w (%s)", e.name, name, ErrNoRequestTemplate, have)
	}
	if reqName != "" && e.StaticPad(reqName) != nil {
		return nil, fmt.Errorf("element %s: request pad %q: a pad with that name exists", e.name, reqName)
	}
	p, err := h.RequestNewPad(*templ, reqName)
	if err != nil {
		return nil, err
	}
	logger(categoryElement).Debug("request pad", "element", e.name, "template", templ.NameTemplate, "pad", p.Name())
	return p, nil
}

// ReleaseRequestPad gives back a pad RequestPad returned
// (gst_element_release_request_pad, gst/gstelement.c:354 at 1.22.0): the
// element's ReleasePad deactivates and removes it. The error wraps
// ErrNotRequestPad, naming the element and the pad, for a pad of another
// element or one not made from a request template. (GStreamer also lets a
// pad without any template through, and removes it; gstmini's pads have
// no template unless made with NewPadFromTemplate, so it refuses them.)
func (e *ElementBase) ReleaseRequestPad(p *Pad) error {
	if p == nil {
		return fmt.Errorf("element %s: release request pad: %w (the pad is nil)", e.name, ErrNotRequestPad)
	}
	if parent := p.Parent(); parent == nil || parent.Base() != e {
		owner := "no element"
		if parent != nil {
			owner = "element " + parent.Base().Name()
		}
		return fmt.Errorf("element %s: release request pad %s: %w (the pad belongs to %s)", e.name, p, ErrNotRequestPad, owner)
	}
	t, ok := p.Template()
	if !ok || t.Presence != PadRequest {
		what := "a pad made without a template"
		if ok {
			what = fmt.Sprintf("template %q is %s", t.NameTemplate, strings.ToLower(t.Presence.String()))
		}
		return fmt.Errorf("element %s: release request pad %s: %w (%s)", e.name, p, ErrNotRequestPad, what)
	}
	if h, ok := e.self.(RequestPadHandler); ok {
		h.ReleasePad(p)
		return nil
	}
	return e.RemovePad(p)
}

// RemovePad unlinks pad p and removes it from the element
// (gst_element_remove_pad, gst/gstelement.c:866 at 1.22.0). It does not
// deactivate p; elements releasing request pads do that first.
func (e *ElementBase) RemovePad(p *Pad) error {
	if parent := p.Parent(); parent == nil || parent.Base() != e {
		return fmt.Errorf("element %s: remove pad %s: the pad is not the element's", e.name, p)
	}
	if peer := p.Peer(); peer != nil {
		if p.direction == PadSrc {
			_ = p.Unlink(peer) // lost a race with another unlink: nothing to do
		} else {
			_ = peer.Unlink(p)
		}
	}
	e.mu.Lock()
	for i, q := range e.pads {
		if q == p {
			e.pads = append(e.pads[:i], e.pads[i+1:]...)
			break
		}
	}
	e.mu.Unlock()
	p.setParent(nil)
	return nil
}

// matchesNameTemplate reports whether name is one of the names templ
// stands for (gst_element_is_valid_request_template_name,
// gst/gstelement.c:1025 at 1.22.0): the literal parts must match, %u must
// be an unsigned and %d a signed 32-bit number, %s anything.
func matchesNameTemplate(templ, name string) bool {
	if templ == name {
		return true
	}
	for {
		i := strings.IndexByte(templ, '%')
		if i < 0 || i+1 >= len(templ) {
			return templ == name
		}
		if !strings.HasPrefix(name, templ[:i]) {
			return false
		}
		spec := templ[i+1]
		templ, name = templ[i+2:], name[i:]
		if spec == 's' {
			return true
		}
		// The number runs to the next literal of the template ('_' or the end).
		j := len(name)
		if k := strings.IndexByte(templ, '%'); k >= 0 || templ != "" {
			lit := templ
			if k >= 0 {
				lit = templ[:k]
			}
			if lit != "" {
				if m := strings.Index(name, lit); m >= 0 {
					j = m
				} else {
					return false
				}
			}
		}
		num := name[:j]
		var err error
		switch spec {
		case 'u':
			_, err = strconv.ParseUint(num, 10, 32)
		case 'd':
			_, err = strconv.ParseInt(num, 10, 32)
		default:
			return false
		}
		if err != nil {
			return false
		}
		name = name[j:]
	}
}
