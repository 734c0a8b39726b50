// Package dataflow is lesson 1 of the gstmini workbook: a small pad that
// moves buffers the way GstPad does, by calling the peer's chain function.
//
// Push on a source pad calls the linked sink pad's chain function on the
// calling goroutine and returns its FlowReturn, so the upstream element waits
// until downstream is done. The sink pad's stream lock is held around the
// chain call and around serialized events, so data and events on one pad
// never overlap. Sticky events (stream-start, segment, EOS) are stored on the
// source pad and reach the peer before the next buffer.
package dataflow

import (
	"errors"
	"sync"

	"github.com/gstmini/workbook/gstmini"
)

// Direction says whether a pad sends data out of its element or receives
// data into it (GstPadDirection).
type Direction int

// Pad directions, with GStreamer's numbering.
const (
	Unknown Direction = iota
	Src               // the pad pushes data out of its element
	Sink              // the pad receives data into its element
)

// String returns GStreamer's nick for d.
func (d Direction) String() string {
	switch d {
	case Src:
		return "src"
	case Sink:
		return "sink"
	}
	return "unknown"
}

// Link and Unlink errors. They are wrapped with the pads' names; test for
// them with errors.Is.
var (
	// ErrWrongDirection is returned by Link when the first pad is not a
	// source pad or the second is not a sink pad (GST_PAD_LINK_WRONG_DIRECTION).
	ErrWrongDirection = errors.New("dataflow: pads have wrong direction")
	// ErrWasLinked is returned by Link when either pad already has a peer
	// (GST_PAD_LINK_WAS_LINKED).
	ErrWasLinked = errors.New("dataflow: pad was already linked")
	// ErrNotLinked is returned by Unlink when the pads are not linked to
	// each other (gst_pad_unlink returns FALSE).
	ErrNotLinked = errors.New("dataflow: pads are not linked")
)

// ChainFunc receives a buffer pushed into a sink pad (GstPadChainFunction).
// It runs on the pushing goroutine with the sink pad's stream lock held, owns
// buf, and returns the flow result that travels back upstream.
type ChainFunc func(buf *gstmini.Buffer) gstmini.FlowReturn

// EventFunc handles an event arriving at a sink pad (GstPadEventFunction)
// and reports whether it was handled. Serialized events arrive with the
// stream lock held, in order with buffers; flush-start arrives without it.
type EventFunc func(ev *gstmini.Event) bool

// stickyEvent is one stored sticky event (PadEvent in gstpad.c).
type stickyEvent struct {
	ev       *gstmini.Event
	received bool // the current peer has it
}

// A Pad is an element's connection point (GstPad). Create it with NewPad.
// A new pad is inactive, and an inactive pad is flushing: it refuses data
// with FlowFlushing until SetActive(true).
//
// All methods are safe for concurrent use, except that a pad's own chain or
// event function must not deactivate that pad (it would wait for itself).
//
// The fields below are a suggestion that follows GstPad. The tests use only
// the methods, so change the fields as you like.
type Pad struct {
	name string
	dir  Direction

	// streamLock serialises what flows into a sink pad: the chain function
	// and serialized events run with it held (GST_PAD_STREAM_LOCK).
	streamLock sync.Mutex

	mu       sync.Mutex // the object lock (GST_OBJECT_LOCK): guards every field below
	peer     *Pad
	active   bool          // the pad is in push mode (GST_PAD_MODE != NONE)
	flushing bool          // GST_PAD_FLAG_FLUSHING: data is refused with FlowFlushing
	eos      bool          // GST_PAD_FLAG_EOS: the pad sent or received EOS
	sticky   []stickyEvent // stored sticky events, in sticky order
	chain    ChainFunc
	event    EventFunc
}

// NewPad returns an inactive pad with the given name and direction
// (gst_pad_new). Like gst_pad_init (gst/gstpad.c:397 at 1.22.0), it starts
// flushing.
func NewPad(name string, dir Direction) *Pad {
	return &Pad{name: name, dir: dir, flushing: true}
}

// Name returns the pad's name.
func (p *Pad) Name() string { return p.name }

// Direction returns the pad's direction.
func (p *Pad) Direction() Direction { return p.dir }

// Peer returns the pad p is linked to, or nil.
func (p *Pad) Peer() *Pad {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.peer
}

// StreamLock returns the lock held while the pad's chain function or a
// serialized event runs (GST_PAD_STREAM_LOCK). Tests use TryLock on it to
// see who holds it.
func (p *Pad) StreamLock() *sync.Mutex { return &p.streamLock }

// Link links source pad src to sink pad sink (gst_pad_link_full,
// gst/gstpad.c:2507). It checks, in GStreamer's order, the directions
// (ErrWrongDirection), then that src has no peer, then that sink has no peer
// (ErrWasLinked). Sticky events stored on src reach sink before the next
// buffer.
func Link(src, sink *Pad) error {
	// TODO(lesson1): README Step 1 checks and sets the peers; Step 5 marks
	// src's sticky events as not received by the new peer.
	return nil
}

// Unlink removes the link between source pad src and sink pad sink
// (gst_pad_unlink, gst/gstpad.c:2130). It returns ErrNotLinked if they are
// not linked to each other.
func Unlink(src, sink *Pad) error {
	// TODO(lesson1): README Step 1.
	return nil
}

// SetChainFunc sets the function that receives buffers pushed into this sink pad.
func (p *Pad) SetChainFunc(f ChainFunc) {
	// TODO(lesson1): README Step 2.
}

// SetEventFunc sets the function that handles events arriving at this sink
// pad. Without one, every event is accepted.
func (p *Pad) SetEventFunc(f EventFunc) {
	// TODO(lesson1): README Step 4.
}

// SetActive activates the pad in push mode or deactivates it
// (gst_pad_set_active, gst/gstpad.c:1088). Activation clears flushing; a sink
// pad also asks its peer to send all its sticky events again (pre_activate,
// :974). Deactivation sets flushing first, then waits for a chain function
// or serialized event running on the pad to return by taking the stream
// lock, then forgets the sticky events and EOS (post_activate, :1040).
func (p *Pad) SetActive(active bool) {
	// TODO(lesson1): README Step 2 activates (clears flushing); Step 3
	// deactivates; Step 5 adds the sticky events.
}

// Push sends buf to the peer of source pad p and returns the peer's flow
// result (gst_pad_push, gst/gstpad.c:4849, and gst_pad_push_data, :4681).
// It returns FlowFlushing while p is flushing or inactive, FlowEOS after p
// sent EOS, and FlowNotLinked without a peer. Otherwise it first sends the
// sticky events the peer has not received, then calls the peer's chain
// function on the calling goroutine, under the peer's stream lock, and
// returns what it returned; if a sticky event cannot be delivered, Push
// returns why and the chain function does not run. Push takes ownership of
// buf.
//
// For example, with src linked to an active sink pad whose chain function
// answers FlowEOS, src.Push(buf) returns FlowEOS once that function has
// returned; after Unlink it returns FlowNotLinked.
func (p *Pad) Push(buf *gstmini.Buffer) gstmini.FlowReturn {
	// TODO(lesson1): README Step 2 calls the peer's chain function; Step 3
	// adds the checks, Step 4 the peer's stream lock, Step 5 sticky events.
	return gstmini.FlowOK
}

// PushEvent sends a downstream event out of source pad p and reports whether
// the peer handled it (gst_pad_push_event, gst/gstpad.c:5660).
//
// A sticky event (stream-start, caps, segment, tag, EOS) is stored on p
// first (store_sticky_event, :5301), replacing a stored one of the same
// type, then every stored event the peer has not received goes out in order.
// Storing fails, and PushEvent returns false, on an inactive pad, for a
// segment or EOS while p is flushing, and for anything but stream-start
// after EOS. A sticky event other than EOS reports true even if delivery
// failed: the next Push returns the error.
//
// Flush-start makes p and its peer flushing without taking the stream lock;
// flush-stop clears flushing and removes the stored segment and EOS.
// PushEvent returns false for an upstream event, or on a sink pad.
//
// For example, on an active source pad with no peer, PushEvent(segment)
// returns true (stored, sent once there is a peer) but PushEvent(EOS)
// returns false: nobody received the end of the stream.
func (p *Pad) PushEvent(ev *gstmini.Event) bool {
	// TODO(lesson1): README Step 4 delivers events and flushes; Step 5
	// stores sticky events.
	return false
}

// StickyEvent returns the stored sticky event of type t, or nil
// (gst_pad_get_sticky_event, gst/gstpad.c:6176).
func (p *Pad) StickyEvent(t gstmini.EventType) *gstmini.Event {
	// TODO(lesson1): README Step 5.
	return nil
}
