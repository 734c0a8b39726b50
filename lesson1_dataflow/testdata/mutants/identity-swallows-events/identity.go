// mutant: the identity accepts events without forwarding them downstream
package dataflow

import "github.com/gstmini/workbook/gstmini"

// An Identity is an element that passes every buffer and event through
// unchanged, like GStreamer's identity element in its default passthrough
// mode. Create it with NewIdentity and activate it with SetActive.
//
// Its sink pad's chain function pushes the buffer out of its source pad and
// returns that push's result, so one goroutine carries the buffer through
// both elements and the flow result back through both (as
// gst_base_transform_chain does, libs/gst/base/gstbasetransform.c:2317 at
// 1.22.0).
type Identity struct {
	Sink *Pad // receives buffers and events from upstream
	Src  *Pad // pushes them on downstream
}

// NewIdentity returns an inactive identity whose pads are named
// "<name>:sink" and "<name>:src".
func NewIdentity(name string) *Identity {
	id := &Identity{Sink: NewPad(name+":sink", Sink), Src: NewPad(name+":src", Src)}
	id.Sink.SetChainFunc(id.chain)
	id.Sink.SetEventFunc(id.event)
	return id
}

// chain forwards buf, the very same buffer with its timestamps untouched,
// and returns what downstream returned.
func (id *Identity) chain(buf *gstmini.Buffer) gstmini.FlowReturn {
	return id.Src.Push(buf)
}

// event forwards every event downstream, as gst_pad_event_default does;
// sticky events are stored on the source pad on their way.
func (id *Identity) event(ev *gstmini.Event) bool {
	return true
}

// SetActive activates or deactivates both pads, the source pad first, in the
// order gst_element_pads_activate uses (gst/gstelement.c:3232).
func (id *Identity) SetActive(active bool) {
	id.Src.SetActive(active)
	id.Sink.SetActive(active)
}
