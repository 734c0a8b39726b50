package avsync

import (
	"fmt"
	"sync"

	"github.com/gstmini/workbook/gstmini"
)

// This file is given: you do not edit it. It wraps your PushToBranches
// (tee.go) in an element, the way gsttee.c wraps gst_tee_handle_data, so
// that your tee can run in real gstmini pipelines and launch lines.

// The tee's pad templates, as GstTee's (gsttee.c:59 and :104 at 1.22.0).
var (
	teeSinkTemplate = gstmini.PadTemplate{NameTemplate: "sink", Direction: gstmini.PadSink, Presence: gstmini.PadAlways}
	teeSrcTemplate  = gstmini.PadTemplate{NameTemplate: "src_%u", Direction: gstmini.PadSrc, Presence: gstmini.PadRequest}
)

// TeeFactory is the factory name your tee is registered under, so that
// launch lines can use it: "fakesrc ! lessontee name=t ! fakesink t. ! fakesink".
const TeeFactory = "lessontee"

func init() {
	err := gstmini.Register(gstmini.ElementFactory{
		Name: TeeFactory, LongName: "Lesson 5 tee", Klass: "Generic",
		Description: "1-to-N pipe fitting, pushing with your PushToBranches",
		New:         func(name string) gstmini.Element { return NewTee(name) },
	})
	if err != nil {
		panic(err)
	}
}

// A Tee is a minimal GstTee: one always sink pad, "sink", and source pads
// on request, "src_0", "src_1", ... (ElementBase.RequestPad("src_%u")). Its
// chain function hands every buffer to PushToBranches with the source pads
// in the order they were requested. Events on the sink pad go to every
// source pad (gst_pad_event_default); a source pad requested later gets
// the sticky events the sink pad holds before its first buffer
// (forward_sticky_events, gsttee.c:336). The reference tee with every
// property is gstmini/elements.Tee.
type Tee struct {
	gstmini.ElementBase

	// AllowNotLinked is the "allow-not-linked" property: PushToBranches
	// returns OK rather than NOT_LINKED when no branch is linked. Set it
	// before the tee goes to PAUSED.
	AllowNotLinked bool

	sinkpad *gstmini.Pad
	mu      sync.Mutex // guards next
	next    int        // the number of the next source pad
}

// NewTee returns a tee named name, in state NULL, without source pads.
func NewTee(name string) *Tee {
	t := &Tee{}
	t.Init(t, name)
	t.AddPadTemplate(teeSinkTemplate)
	t.AddPadTemplate(teeSrcTemplate)
	t.sinkpad = gstmini.NewPadFromTemplate(teeSinkTemplate, "sink")
	t.sinkpad.SetChainFunc(func(_ *gstmini.Pad, _ gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
		return PushToBranches(buf, t.SrcPads(), t.AllowNotLinked)
	})
	if err := t.AddPad(t.sinkpad); err != nil {
		panic(err) // a fresh pad on a fresh element: cannot happen
	}
	return t
}

// RequestNewPad makes the next source pad (gst_tee_request_new_pad,
// gsttee.c:351): it is activated if the sink pad is active and gets the
// sticky events the sink pad holds. Call RequestPad("src_%u").
func (t *Tee) RequestNewPad(templ gstmini.PadTemplate, name string) (*gstmini.Pad, error) {
	if templ.NameTemplate != teeSrcTemplate.NameTemplate {
		return nil, fmt.Errorf("element %s: request pad %q: not a request template of the tee", t.Name(), templ.NameTemplate)
	}
	t.mu.Lock()
	if name == "" {
		name = fmt.Sprintf("src_%d", t.next)
	}
	t.next++
	t.mu.Unlock()
	pad := gstmini.NewPadFromTemplate(templ, name)
	if t.sinkpad.IsActive() && !pad.SetActive(true) {
		return nil, fmt.Errorf("element %s: request pad %s: could not activate it", t.Name(), name)
	}
	for _, ev := range t.sinkpad.StickyEvents() {
		pad.StoreStickyEvent(ev)
	}
	if err := t.AddPad(pad); err != nil {
		return nil, err
	}
	return pad, nil
}

// ReleasePad deactivates and removes source pad p (gst_tee_release_pad,
// gsttee.c:447). Call ReleaseRequestPad.
func (t *Tee) ReleasePad(p *gstmini.Pad) {
	p.SetActive(false)
	if err := t.RemovePad(p); err != nil {
		gstmini.Logger("lessontee").Warn(err.Error())
	}
}
