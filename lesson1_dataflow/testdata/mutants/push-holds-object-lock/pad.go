// mutant: Push keeps the pushing pad's object lock held while the peer's chain function runs
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
	"fmt"
	"slices"
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
	if src.dir != Src || sink.dir != Sink {
		return fmt.Errorf("link %s -> %s: %w (%s is a %s pad, %s is a %s pad)",
			src.name, sink.name, ErrWrongDirection, src.name, src.dir, sink.name, sink.dir)
	}
	// gst_pad_link_prepare (:2385) locks the source pad, then the sink pad.
	src.mu.Lock()
	defer src.mu.Unlock()
	if src.peer != nil {
		return fmt.Errorf("link %s -> %s: %w (%s is linked to %s)",
			src.name, sink.name, ErrWasLinked, src.name, src.peer.name)
	}
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if sink.peer != nil {
		return fmt.Errorf("link %s -> %s: %w (%s is linked to %s)",
			src.name, sink.name, ErrWasLinked, sink.name, sink.peer.name)
	}
	src.peer, sink.peer = sink, src
	src.resendStickyLocked() // schedule_events (:559)
	return nil
}

// Unlink removes the link between source pad src and sink pad sink
// (gst_pad_unlink, gst/gstpad.c:2130). It returns ErrNotLinked if they are
// not linked to each other.
func Unlink(src, sink *Pad) error {
	if src.dir != Src || sink.dir != Sink {
		return fmt.Errorf("unlink %s -> %s: %w", src.name, sink.name, ErrWrongDirection)
	}
	src.mu.Lock()
	defer src.mu.Unlock()
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if src.peer != sink {
		return fmt.Errorf("unlink %s -> %s: %w", src.name, sink.name, ErrNotLinked)
	}
	src.peer, sink.peer = nil, nil
	return nil
}

// resendStickyLocked marks every stored sticky event as not yet received,
// so the peer gets them all before the next buffer.
func (p *Pad) resendStickyLocked() {
	for i := range p.sticky {
		p.sticky[i].received = false
	}
}

// SetChainFunc sets the function that receives buffers pushed into this sink pad.
func (p *Pad) SetChainFunc(f ChainFunc) {
	p.mu.Lock()
	p.chain = f
	p.mu.Unlock()
}

// SetEventFunc sets the function that handles events arriving at this sink
// pad. Without one, every event is accepted.
func (p *Pad) SetEventFunc(f EventFunc) {
	p.mu.Lock()
	p.event = f
	p.mu.Unlock()
}

// SetActive activates the pad in push mode or deactivates it
// (gst_pad_set_active, gst/gstpad.c:1088). Activation clears flushing; a sink
// pad also asks its peer to send all its sticky events again (pre_activate,
// :974). Deactivation sets flushing first, then waits for a chain function
// or serialized event running on the pad to return by taking the stream
// lock, then forgets the sticky events and EOS (post_activate, :1040).
func (p *Pad) SetActive(active bool) {
	p.mu.Lock()
	if p.active == active {
		p.mu.Unlock()
		return
	}
	p.active, p.flushing = active, !active
	peer := p.peer
	p.mu.Unlock()

	if active {
		if p.dir == Sink && peer != nil {
			peer.mu.Lock()
			peer.resendStickyLocked()
			peer.mu.Unlock()
		}
		return
	}
	p.streamLock.Lock()
	p.mu.Lock()
	p.sticky, p.eos = nil, false
	p.mu.Unlock()
	p.streamLock.Unlock()
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
	p.mu.Lock()
	ret := gstmini.FlowOK
	switch {
	case p.dir != Src:
		ret = gstmini.FlowError
	case p.flushing:
		ret = gstmini.FlowFlushing
	case p.eos:
		ret = gstmini.FlowEOS
	default:
		ret = p.pushStickyLocked()
	}
	peer := p.peer
	defer p.mu.Unlock()
	if ret != gstmini.FlowOK {
		return ret
	}
	if peer == nil {
		return gstmini.FlowNotLinked
	}
	return peer.chainData(buf)
}

// chainData is gst_pad_chain_data_unchecked (gst/gstpad.c:4400): the stream
// lock first, then the checks, then the chain function with the lock held.
func (p *Pad) chainData(buf *gstmini.Buffer) gstmini.FlowReturn {
	p.streamLock.Lock()
	defer p.streamLock.Unlock()
	p.mu.Lock()
	ret, chain := p.acceptLocked(), p.chain
	p.mu.Unlock()
	if ret == gstmini.FlowOK && chain == nil {
		ret = gstmini.FlowNotSupported
	}
	if ret != gstmini.FlowOK {
		return ret
	}
	return chain(buf)
}

// acceptLocked is what a receiving pad checks before data or a serialized
// event: flushing first, then EOS.
func (p *Pad) acceptLocked() gstmini.FlowReturn {
	switch {
	case p.flushing:
		return gstmini.FlowFlushing
	case p.eos:
		return gstmini.FlowEOS
	}
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
	t := ev.Type()
	if p.dir != Src || !t.IsDownstream() {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !t.IsSticky() {
		return p.pushEventLocked(ev) == gstmini.FlowOK
	}
	if p.storeStickyLocked(ev) != gstmini.FlowOK {
		return false
	}
	ret := p.pushStickyLocked()
	return t != gstmini.EventEOS || ret == gstmini.FlowOK
}

// pushEventLocked is gst_pad_push_event_unchecked (gst/gstpad.c:5464) for a
// non-sticky event: flush events change p's own state; other events are
// refused while flushing, and serialized ones follow the pending sticky events.
func (p *Pad) pushEventLocked(ev *gstmini.Event) gstmini.FlowReturn {
	switch t := ev.Type(); {
	case t == gstmini.EventFlushStart:
		p.flushing = true
	case t == gstmini.EventFlushStop:
		if ret := p.flushStopLocked(); ret != gstmini.FlowOK {
			return ret
		}
	case p.flushing:
		return gstmini.FlowFlushing
	case t.IsSerialized():
		p.pushStickyLocked() // a failure shows in the event's own result
	}
	return p.sendToPeerLocked(ev)
}

// flushStopLocked ends a flush on p: the pad takes data again and forgets
// the segment and EOS of the flushed data. An inactive pad stays flushing.
func (p *Pad) flushStopLocked() gstmini.FlowReturn {
	if !p.active {
		return gstmini.FlowFlushing
	}
	p.flushing, p.eos = false, false
	p.removeStickyLocked(gstmini.EventSegment, gstmini.EventEOS, gstmini.EventStreamGroupDone)
	return gstmini.FlowOK
}

// storeStickyLocked is store_sticky_event (gst/gstpad.c:5301).
func (p *Pad) storeStickyLocked(ev *gstmini.Event) gstmini.FlowReturn {
	t := ev.Type()
	if !p.active || (p.flushing && (t == gstmini.EventSegment || t == gstmini.EventEOS)) {
		return gstmini.FlowFlushing
	}
	if t == gstmini.EventStreamStart { // a new stream starts: forget the old one's end
		p.removeStickyLocked(gstmini.EventEOS, gstmini.EventStreamGroupDone, gstmini.EventTag)
		p.eos = false
	}
	if p.eos {
		return gstmini.FlowEOS
	}
	// EventType values sort in sticky order: stream-start < caps < segment < tag < EOS.
	i := 0
	for i < len(p.sticky) && p.sticky[i].ev.Type() < t {
		i++
	}
	if i < len(p.sticky) && p.sticky[i].ev.Type() == t {
		p.sticky[i] = stickyEvent{ev: ev}
	} else {
		p.sticky = slices.Insert(p.sticky, i, stickyEvent{ev: ev})
	}
	if t == gstmini.EventEOS {
		p.eos = true
	}
	if p.flushing {
		return gstmini.FlowFlushing
	}
	return gstmini.FlowOK
}

func (p *Pad) removeStickyLocked(types ...gstmini.EventType) {
	p.sticky = slices.DeleteFunc(p.sticky, func(s stickyEvent) bool {
		return slices.Contains(types, s.ev.Type())
	})
}

// pushStickyLocked sends the stored events the peer has not received yet,
// in sticky order, and returns the first failure (check_sticky and
// push_sticky, gst/gstpad.c:4108 and :4033). Without a peer, events other
// than EOS count as sent: Link marks them all unsent again.
func (p *Pad) pushStickyLocked() gstmini.FlowReturn {
	for {
		i := slices.IndexFunc(p.sticky, func(s stickyEvent) bool { return !s.received })
		if i < 0 {
			return gstmini.FlowOK
		}
		ev := p.sticky[i].ev
		ret := p.sendToPeerLocked(ev)
		if ret == gstmini.FlowNotLinked && ev.Type() != gstmini.EventEOS {
			ret = gstmini.FlowOK
		}
		if ret != gstmini.FlowOK {
			return ret
		}
		// p.mu was released meanwhile: find the event again.
		if j := slices.IndexFunc(p.sticky, func(s stickyEvent) bool { return s.ev == ev }); j >= 0 {
			p.sticky[j].received = true
		}
	}
}

// sendToPeerLocked delivers ev to p's peer with p.mu released, as
// gst_pad_push_event_unchecked does, and returns FlowNotLinked without a peer.
func (p *Pad) sendToPeerLocked(ev *gstmini.Event) gstmini.FlowReturn {
	peer := p.peer
	if peer == nil {
		return gstmini.FlowNotLinked
	}
	p.mu.Unlock()
	defer p.mu.Lock()
	return peer.receiveEvent(ev)
}

// receiveEvent is gst_pad_send_event_unchecked (gst/gstpad.c:5794) on a sink
// pad. Flush-start sets flushing without the stream lock, so it reaches an
// element whose chain function is blocked. Every serialized event, flush-stop
// included, waits for the stream lock. A sticky event the event function
// accepted is stored on the sink pad too.
func (p *Pad) receiveEvent(ev *gstmini.Event) gstmini.FlowReturn {
	t := ev.Type()
	p.mu.Lock()
	ret := gstmini.FlowOK
	switch {
	case t == gstmini.EventFlushStop:
		ret = p.flushStopLocked()
	case p.flushing: // a second flush-start too
		ret = gstmini.FlowFlushing
	case t == gstmini.EventFlushStart:
		p.flushing = true
	}
	fn := p.event
	p.mu.Unlock()
	if ret != gstmini.FlowOK {
		return ret
	}

	if t.IsSerialized() {
		p.streamLock.Lock()
		defer p.streamLock.Unlock()
		p.mu.Lock()
		ret = p.acceptLocked()
		p.mu.Unlock()
		if ret == gstmini.FlowEOS && (t == gstmini.EventStreamStart || t == gstmini.EventFlushStop) {
			ret = gstmini.FlowOK // these two may follow EOS
		}
		if ret != gstmini.FlowOK {
			return ret
		}
	}

	if fn != nil && !fn(ev) {
		if t == gstmini.EventCaps {
			return gstmini.FlowNotNegotiated
		}
		return gstmini.FlowError
	}
	if !t.IsSticky() {
		return gstmini.FlowOK
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.storeStickyLocked(ev)
}

// StickyEvent returns the stored sticky event of type t, or nil
// (gst_pad_get_sticky_event, gst/gstpad.c:6176).
func (p *Pad) StickyEvent(t gstmini.EventType) *gstmini.Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.sticky {
		if s.ev.Type() == t {
			return s.ev
		}
	}
	return nil
}
