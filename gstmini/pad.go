package gstmini

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// PadDirection says whether a pad produces or consumes data (GstPadDirection).
type PadDirection int

// Pad directions, with GStreamer's numbering.
const (
	PadUnknown PadDirection = iota
	PadSrc                  // the pad pushes data out of its element
	PadSink                 // the pad receives data into its element
)

// String returns GStreamer's nick for d.
func (d PadDirection) String() string {
	switch d {
	case PadSrc:
		return "src"
	case PadSink:
		return "sink"
	}
	return "unknown"
}

// PadMode is how a pad schedules data (GstPadMode). gstmini implements push
// mode, the mode live pipelines use.
type PadMode int

// Pad modes.
const (
	PadModeNone PadMode = iota // inactive: the pad is flushing and refuses data
	PadModePush                // the upstream pad calls Push, the downstream pad's chain function runs
)

// String returns GStreamer's nick for m.
func (m PadMode) String() string {
	if m == PadModePush {
		return "push"
	}
	return "none"
}

// Link errors, one per GstPadLinkReturn failure. Pad.Link wraps them with
// the pads' names; test for them with errors.Is.
var (
	ErrWrongDirection = errors.New("gstmini: pads have wrong direction")       // GST_PAD_LINK_WRONG_DIRECTION
	ErrWasLinked      = errors.New("gstmini: pad was already linked")          // GST_PAD_LINK_WAS_LINKED
	ErrWrongHierarchy = errors.New("gstmini: pads have no common grandparent") // GST_PAD_LINK_WRONG_HIERARCHY
	ErrNotLinked      = errors.New("gstmini: pads are not linked")             // gst_pad_unlink returns FALSE
)

// ChainFunc receives a buffer pushed into a sink pad, on the pushing
// goroutine, with the pad's stream lock held (GstPadChainFunction). It owns
// buf and returns the flow result that travels back upstream.
type ChainFunc func(pad *Pad, parent Element, buf *Buffer) FlowReturn

// EventFunc handles an event arriving at a pad (GstPadEventFunction).
// Serialized events on a sink pad arrive with the stream lock held, in order
// with buffers. It returns whether the event was handled.
type EventFunc func(pad *Pad, parent Element, ev *Event) bool

// QueryFunc answers a query on a pad (GstPadQueryFunction).
type QueryFunc func(pad *Pad, parent Element, q *Query) bool

// ActivateModeFunc is called when a pad is activated or deactivated
// (GstPadActivateModeFunction): sources start or stop their task here.
type ActivateModeFunc func(pad *Pad, parent Element, mode PadMode, active bool) bool

type stickyEvent struct {
	event    *Event
	received bool // delivered to the current peer
}

// A Pad is an element's connection point (GstPad). Data flows from a source
// pad to the sink pad it is linked to: Push on the source pad calls the sink
// pad's chain function synchronously, on the caller's goroutine, and returns
// its FlowReturn. Create pads with NewPad and add them to an element with
// ElementBase.AddPad.
//
// A new pad is inactive (flushing): it refuses data until its element goes
// to PAUSED, which activates it. All methods are safe for concurrent use.
type Pad struct {
	name      string
	direction PadDirection
	template  *PadTemplate // set by NewPadFromTemplate; never changes

	streamLock *StreamLock

	mu            sync.Mutex // the object lock: every field below but lastFlow and eosNow (atomics); fast is written under it
	parent        Element
	peer          *Pad
	mode          PadMode
	flushing      bool
	eos           bool
	eosNow        atomic.Bool   // eos, for IsEOS without the lock (a source's loop asks it per buffer)
	lastFlow      atomic.Int32  // the FlowReturn of the last push or chain; atomic so data flow takes no extra lock
	sticky        []stickyEvent // in sticky order
	pendingEvents bool
	eventsCookie  uint64
	checkedCookie uint64 // eventsCookie when data flow was last checked for stream-start/segment
	task          *Task

	// fast is non-nil while data can pass the pad with no check to make:
	// refreshed under mu on every unlock (see unlock), read without it by
	// Push and chainData. fastCur is the snapshot kept for reuse.
	fast    atomic.Pointer[padFast]
	fastCur *padFast

	chain        ChainFunc
	event        EventFunc
	query        QueryFunc
	activateMode ActivateModeFunc
}

// padFast is what the data path needs from a pad whose checks would all
// pass: the peer for a source pad; the parent and chain function for a
// sink pad.
type padFast struct {
	peer   *Pad
	parent Element
	chain  ChainFunc
}

// unlock releases p.mu after bringing p.fast up to date with the state the
// lock protected. Every mutation of the pad's state happens under p.mu, so
// the snapshot is never stale once the lock is free: a push that reads it
// sees what a push taking the lock at that moment would have seen.
func (p *Pad) unlock() {
	var want *padFast
	if !p.flushing && !p.eos && p.checkedCookie == p.eventsCookie {
		switch {
		case p.direction == PadSrc && p.peer != nil && !p.pendingEvents:
			want = p.fastFor(p.peer, nil, nil)
		case p.direction == PadSink && p.parent != nil && p.chain != nil:
			want = p.fastFor(nil, p.parent, p.chain)
		}
	}
	if p.fast.Load() != want {
		p.fast.Store(want)
	}
	p.mu.Unlock()
}

// fastFor returns the kept snapshot, or a new one if the peer or parent
// changed; SetChainFunc drops the kept one (functions do not compare).
func (p *Pad) fastFor(peer *Pad, parent Element, chain ChainFunc) *padFast {
	if f := p.fastCur; f != nil && f.peer == peer && f.parent == parent {
		return f
	}
	p.fastCur = &padFast{peer: peer, parent: parent, chain: chain}
	return p.fastCur
}

// setLastFlow records ret as the pad's last flow result, writing only on a
// change so that the steady state of data flow reads the word and moves on.
func (p *Pad) setLastFlow(ret FlowReturn) {
	if FlowReturn(p.lastFlow.Load()) != ret {
		p.lastFlow.Store(int32(ret))
	}
}

// NewPad returns an inactive pad with the given name and direction
// (gst_pad_new).
func NewPad(name string, dir PadDirection) *Pad {
	p := &Pad{
		name:         name,
		direction:    dir,
		streamLock:   NewStreamLock(),
		flushing:     true,
		eventsCookie: 1,
	}
	p.lastFlow.Store(int32(FlowFlushing))
	return p
}

// Name returns the pad's name.
func (p *Pad) Name() string { return p.name }

// Direction returns the pad's direction.
func (p *Pad) Direction() PadDirection { return p.direction }

// Parent returns the element the pad belongs to, or nil.
func (p *Pad) Parent() Element {
	p.mu.Lock()
	defer p.unlock()
	return p.parent
}

func (p *Pad) setParent(e Element) {
	p.mu.Lock()
	p.parent = e
	p.unlock()
}

// String returns "element:pad" as GStreamer's debug log names pads.
func (p *Pad) String() string {
	parent := p.Parent()
	if parent == nil {
		return "''" + ":" + p.name
	}
	return parent.Base().Name() + ":" + p.name
}

// StreamLock returns the lock that serialises the pad's data flow
// (GST_PAD_STREAM_LOCK). Chain functions and serialized events on a sink
// pad run with it held; a source pad's task holds it while it loops.
func (p *Pad) StreamLock() *StreamLock { return p.streamLock }

// SetChainFunc sets the function that receives buffers pushed into this sink pad.
func (p *Pad) SetChainFunc(f ChainFunc) {
	p.mu.Lock()
	p.chain, p.fastCur = f, nil
	p.unlock()
}

// ChainFunc returns the pad's chain function, or nil; tracers wrap it.
func (p *Pad) ChainFunc() ChainFunc { p.mu.Lock(); defer p.unlock(); return p.chain }

// EventFunc returns the pad's event function, or nil for the default.
func (p *Pad) EventFunc() EventFunc { p.mu.Lock(); defer p.unlock(); return p.event }

// SetEventFunc sets the function that handles events arriving at this pad.
// Without one, the pad forwards events as gst_pad_event_default does.
func (p *Pad) SetEventFunc(f EventFunc) { p.mu.Lock(); p.event = f; p.unlock() }

// SetQueryFunc sets the function that answers queries on this pad. Without
// one, the pad forwards queries as gst_pad_query_default does.
func (p *Pad) SetQueryFunc(f QueryFunc) { p.mu.Lock(); p.query = f; p.unlock() }

// SetActivateModeFunc sets the function called when the pad is activated or
// deactivated.
func (p *Pad) SetActivateModeFunc(f ActivateModeFunc) {
	p.mu.Lock()
	p.activateMode = f
	p.unlock()
}

// Peer returns the pad this one is linked to, or nil.
func (p *Pad) Peer() *Pad {
	p.mu.Lock()
	defer p.unlock()
	return p.peer
}

// IsLinked reports whether the pad has a peer.
func (p *Pad) IsLinked() bool { return p.Peer() != nil }

// IsActive reports whether the pad is active (in push mode).
func (p *Pad) IsActive() bool {
	p.mu.Lock()
	defer p.unlock()
	return p.mode != PadModeNone
}

// IsFlushing reports whether the pad refuses data with FlowFlushing.
func (p *Pad) IsFlushing() bool {
	p.mu.Lock()
	defer p.unlock()
	return p.flushing
}

// IsEOS reports whether the pad has received or sent EOS.
func (p *Pad) IsEOS() bool { return p.eosNow.Load() }

// setEOSLocked sets the EOS flag and its lock-free copy. p.mu is held.
func (p *Pad) setEOSLocked(eos bool) {
	p.eos = eos
	p.eosNow.Store(eos)
}

// LastFlowReturn returns the result of the last push or chain on this pad.
func (p *Pad) LastFlowReturn() FlowReturn { return FlowReturn(p.lastFlow.Load()) }

// Link links source pad p to sink pad sink (gst_pad_link_full,
// gst/gstpad.c:2507 at 1.22.0). It checks, in GStreamer's order: the
// directions (ErrWrongDirection), that neither pad has a peer
// (ErrWasLinked), and that the pads' elements are different and share a
// parent bin (ErrWrongHierarchy). Sticky events already stored on p are
// sent to sink before the next data.
func (p *Pad) Link(sink *Pad) error {
	if err := p.linkCheck(sink); err != nil {
		return fmt.Errorf("link %s -> %s: %w", p, sink, err)
	}
	return nil
}

func (p *Pad) linkCheck(sink *Pad) error {
	if p.direction != PadSrc || sink.direction != PadSink {
		return fmt.Errorf("%w (%s is a %s pad, %s is a %s pad)", ErrWrongDirection, p, p.direction, sink, sink.direction)
	}
	// Lock order: source, then sink, as gst_pad_link_prepare.
	p.mu.Lock()
	defer p.unlock()
	sink.mu.Lock()
	defer sink.unlock()
	if p.peer != nil {
		return fmt.Errorf("%w (%s is linked to %s)", ErrWasLinked, p.name, p.peer.name)
	}
	if sink.peer != nil {
		return fmt.Errorf("%w (%s is linked to %s)", ErrWasLinked, sink.name, sink.peer.name)
	}
	if !hierarchyOK(p.parent, sink.parent) {
		return ErrWrongHierarchy
	}
	p.peer, sink.peer = sink, p
	p.scheduleEventsLocked(sink)
	return nil
}

// scheduleEventsLocked is schedule_events (gst/gstpad.c:559): every sticky
// event of source pad p that sink does not hold yet (all of them when sink
// is nil) is sent before the next data. p.mu and sink.mu are held.
func (p *Pad) scheduleEventsLocked(sink *Pad) {
	for i, se := range p.sticky {
		if sink == nil || !sink.holdsEventLocked(se.event) {
			p.sticky[i].received = false
			p.pendingEvents = true
		}
	}
}

// holdsEventLocked reports whether ev itself is stored on p (find_event).
func (p *Pad) holdsEventLocked(ev *Event) bool {
	for _, se := range p.sticky {
		if se.event == ev {
			return true
		}
	}
	return false
}

// hierarchyOK mirrors gst_pad_check_hierarchy (gst/gstpad.c:2320): pads
// without a parent link freely; pads of one element never link to each
// other; otherwise both elements must sit in the same bin.
func hierarchyOK(a, b Element) bool {
	if a == nil || b == nil {
		return true
	}
	if a == b {
		return false
	}
	return a.Base().Parent() == b.Base().Parent()
}

// Unlink removes the link between source pad p and its peer sink
// (gst_pad_unlink). It returns ErrNotLinked if they are not linked.
func (p *Pad) Unlink(sink *Pad) error {
	p.mu.Lock()
	defer p.unlock()
	sink.mu.Lock()
	defer sink.unlock()
	if p.peer != sink || sink.peer != p {
		return fmt.Errorf("unlink %s -> %s: %w", p.nameLocked(), sink.nameLocked(), ErrNotLinked)
	}
	p.peer, sink.peer = nil, nil
	return nil
}

// SetActive activates the pad in push mode or deactivates it
// (gst_pad_set_active, gst/gstpad.c:1088). Activation clears the flushing
// state; a sink pad also asks its peer to resend its sticky events.
// Deactivation sets flushing first, so pushes and waits in progress return
// FlowFlushing, then calls the activate-mode function (where a source stops
// its task), waits for streaming on the pad to end by taking its stream lock,
// and drops all sticky events. It returns the activate-mode function's result.
func (p *Pad) SetActive(active bool) bool {
	p.mu.Lock()
	want := PadModeNone
	if active {
		want = PadModePush
	}
	if p.mode == want {
		p.unlock()
		return true
	}
	parent, fn := p.parent, p.activateMode
	p.mode = want
	if active {
		p.flushing = false
		p.lastFlow.Store(int32(FlowOK))
	} else {
		p.flushing = true
		p.lastFlow.Store(int32(FlowFlushing))
	}
	peer := p.peer
	p.unlock()

	if active && p.direction == PadSink && peer != nil {
		peer.scheduleEvents()
	}
	ok := true
	if fn != nil {
		ok = fn(p, parent, PadModePush, active)
	}
	if !ok && active {
		p.mu.Lock()
		p.mode, p.flushing = PadModeNone, true
		p.lastFlow.Store(int32(FlowFlushing))
		p.unlock()
		return false
	}
	if !active {
		// post_activate: wait for streaming to stop, then forget the stream.
		p.streamLock.Lock()
		p.mu.Lock()
		p.removeEventsLocked(func(EventType) bool { return true })
		p.setEOSLocked(false)
		p.unlock()
		p.streamLock.Unlock()
	}
	return ok
}

func (p *Pad) scheduleEvents() {
	p.mu.Lock()
	defer p.unlock()
	p.scheduleEventsLocked(nil)
}

// SetFlushing sets or clears the pad's flushing state directly
// (GST_PAD_SET_FLUSHING). Elements use the flush events instead.
func (p *Pad) SetFlushing(flushing bool) {
	p.mu.Lock()
	p.flushing = flushing
	p.unlock()
}

// removeEventsLocked drops the sticky events whose type matches.
func (p *Pad) removeEventsLocked(match func(EventType) bool) {
	kept := p.sticky[:0]
	for _, s := range p.sticky {
		if !match(s.event.typ) {
			kept = append(kept, s)
		}
	}
	if len(kept) != len(p.sticky) {
		clear(p.sticky[len(kept):])
		p.eventsCookie++
	}
	p.sticky = kept
}

// StickyEvent returns the stored sticky event of type t, or nil
// (gst_pad_get_sticky_event).
func (p *Pad) StickyEvent(t EventType) *Event {
	p.mu.Lock()
	defer p.unlock()
	for _, s := range p.sticky {
		if s.event.typ == t {
			return s.event
		}
	}
	return nil
}

// StoreStickyEvent stores sticky event ev on pad p without sending it
// (gst_pad_store_sticky_event, gst/gstpad.c:5435 at 1.22.0); on a source
// pad it reaches the peer before the next data. It returns FlowFlushing if
// p is inactive (or flushing, for a segment or EOS) and FlowEOS after EOS.
// A tee stores its sink pad's sticky events on each new source pad.
func (p *Pad) StoreStickyEvent(ev *Event) FlowReturn {
	if !ev.typ.IsSticky() {
		return FlowError
	}
	p.mu.Lock()
	defer p.unlock()
	return p.storeStickyLocked(ev)
}

// StickyEvents returns the stored sticky events in sticky order.
func (p *Pad) StickyEvents() []*Event {
	p.mu.Lock()
	defer p.unlock()
	evs := make([]*Event, len(p.sticky))
	for i, s := range p.sticky {
		evs[i] = s.event
	}
	return evs
}

// storeStickyLocked stores ev as store_sticky_event (gst/gstpad.c:5301) does
// and returns FlowFlushing or FlowEOS when the pad refuses it.
func (p *Pad) storeStickyLocked(ev *Event) FlowReturn {
	t := ev.typ
	if p.mode == PadModeNone || (p.flushing && (t == EventSegment || t == EventEOS)) {
		return FlowFlushing
	}
	if t == EventStreamStart {
		p.removeEventsLocked(func(x EventType) bool {
			return x == EventEOS || x == EventStreamGroupDone || x == EventTag
		})
		p.setEOSLocked(false)
	}
	if p.eos {
		return FlowEOS
	}
	i := 0
	insert, changed := true, true
	for ; i < len(p.sticky); i++ {
		s := &p.sticky[i]
		if s.event.typ == t && (t != EventTag || s.event.name == ev.name) {
			if s.event == ev {
				changed = false // gst_event_replace of the same event: nothing to resend
			} else {
				s.event, s.received = ev, false
			}
			insert = false
			break
		}
		if t.stickyOrder() < s.event.typ.stickyOrder() || s.event.typ == EventEOS {
			if s.event.typ.stickyOrder() <= EventSegment.stickyOrder() || s.event.typ == EventEOS {
				p.warn("sticky event misordering, got '%s' before '%s'", s.event.typ, t)
			}
			break
		}
	}
	if insert {
		p.sticky = append(p.sticky, stickyEvent{})
		copy(p.sticky[i+1:], p.sticky[i:])
		p.sticky[i] = stickyEvent{event: ev}
	}
	if changed {
		p.eventsCookie++
		p.pendingEvents = true
	}
	if t == EventEOS {
		p.setEOSLocked(true)
		p.lastFlow.Store(int32(FlowEOS))
	}
	if p.flushing {
		return FlowFlushing
	}
	return FlowOK
}

// warn posts a bus WARNING from the pad's element naming the pad, as
// GStreamer's g_warning for the same condition names it. p.mu may be held.
func (p *Pad) warn(format string, args ...any) {
	parent := p.parent
	msg := fmt.Sprintf("%s: ", p.nameLocked()) + fmt.Sprintf(format, args...)
	if parent == nil || !parent.Base().PostMessage(NewWarningMessage(parent, errors.New(msg), "")) {
		logger(categoryPad).Warn(msg)
	}
}

func (p *Pad) nameLocked() string {
	if p.parent == nil {
		return "'':" + p.name
	}
	return p.parent.Base().Name() + ":" + p.name
}

// checkDataFlowLocked warns once per change of the sticky events when data
// flows without stream-start or segment, as GStreamer's extra checks do; the
// data still flows.
func (p *Pad) checkDataFlowLocked() {
	if p.checkedCookie == p.eventsCookie {
		return
	}
	p.checkedCookie = p.eventsCookie
	var haveStart, haveSegment bool
	for _, s := range p.sticky {
		haveStart = haveStart || s.event.typ == EventStreamStart
		haveSegment = haveSegment || s.event.typ == EventSegment
	}
	if !haveStart {
		p.warn("got data flow before stream-start event")
	}
	if !haveSegment {
		p.warn("got data flow before segment event")
	}
}

// checkStickyLocked pushes the stored sticky events the peer has not
// received yet, in order (check_sticky and push_sticky, gst/gstpad.c:4108
// and :4033). trigger is the serialized event being pushed, or nil for data.
// p.mu is held on entry and exit and released around each push.
func (p *Pad) checkStickyLocked(trigger *Event) FlowReturn {
	if !p.pendingEvents {
		return FlowOK
	}
	p.pendingEvents = false
	ret := FlowOK
	wasEOS := false
restart:
	cookie := p.eventsCookie
	for i := 0; i < len(p.sticky); i++ {
		s := p.sticky[i]
		if s.received {
			continue
		}
		// Pushing caps (or anything up to segment) sends only what comes
		// before it; the rest waits for data.
		if trigger != nil && trigger.typ.IsSticky() &&
			trigger.typ.stickyOrder() <= EventSegment.stickyOrder() &&
			trigger.typ.stickyOrder() < s.event.typ.stickyOrder() {
			p.pendingEvents = true
			continue
		}
		ret = p.pushEventUncheckedLocked(s.event)
		received := false
		switch {
		case ret == FlowOK:
			received = true
		case ret == FlowNotLinked && s.event.typ != EventEOS:
			ret, received = FlowOK, true
		default:
			p.pendingEvents = true
		}
		if p.eventsCookie != cookie {
			goto restart
		}
		p.sticky[i].received = received
		if ret != FlowOK {
			wasEOS = s.event.typ == EventEOS
			break
		}
	}
	if ret != FlowOK && !wasEOS {
		// An EOS must still go out, or the pipeline would wait for it forever.
		for i, s := range p.sticky {
			if s.event.typ == EventEOS && !s.received {
				if r := p.pushEventUncheckedLocked(s.event); r == FlowOK {
					p.sticky[i].received = true
				}
				break
			}
		}
	}
	return ret
}

// pushEventUncheckedLocked sends ev to the peer, releasing p.mu meanwhile.
func (p *Pad) pushEventUncheckedLocked(ev *Event) FlowReturn {
	peer := p.peer
	if peer == nil {
		return FlowNotLinked
	}
	p.fast.Store(nil) // mid-way through sticky delivery: data takes the checked path
	p.mu.Unlock()
	ret := peer.sendEvent(ev)
	p.mu.Lock()
	return ret
}

// Push sends buf to the peer of source pad p by calling the peer's chain
// function on the calling goroutine, and returns its result (gst_pad_push,
// gst/gstpad.c:4849 at 1.22.0). Sticky events the peer has not seen go
// first. Push returns FlowFlushing while p is flushing or inactive, FlowEOS
// after p sent EOS, and FlowNotLinked if p has no peer. Push takes ownership
// of buf whatever the result.
func (p *Pad) Push(buf *Buffer) FlowReturn {
	if f := p.fast.Load(); f != nil {
		ret := f.peer.chainData(buf)
		p.setLastFlow(ret)
		return ret
	}
	p.mu.Lock()
	if ret := p.refusalLocked(); ret != FlowOK {
		p.setLastFlow(ret) // the flushing: and eos: labels record it too (gstpad.c:4758, :4501)
		p.unlock()
		buf.Unref()
		return ret
	}
	p.checkDataFlowLocked()
	if ret := p.checkStickyLocked(nil); ret != FlowOK {
		p.lastFlow.Store(int32(ret))
		p.unlock()
		buf.Unref()
		return ret
	}
	peer := p.peer
	if peer == nil {
		p.lastFlow.Store(int32(FlowNotLinked))
		p.unlock()
		buf.Unref()
		return FlowNotLinked
	}
	p.unlock()

	ret := peer.chainData(buf)
	p.setLastFlow(ret)
	return ret
}

// refusalLocked returns why the pad refuses data: FlowFlushing while it is
// flushing or inactive, FlowEOS after EOS; FlowOK if it takes data.
func (p *Pad) refusalLocked() FlowReturn {
	switch {
	case p.flushing:
		return FlowFlushing
	case p.eos:
		return FlowEOS
	}
	return FlowOK
}

// Chain calls sink pad p's chain function with buf as if its peer had
// pushed it (gst_pad_chain). Tests use it to feed an element directly.
func (p *Pad) Chain(buf *Buffer) FlowReturn { return p.chainData(buf) }

// chainData is gst_pad_chain_data_unchecked (gst/gstpad.c:4400): stream
// lock first, then the checks, then the chain function with the lock held.
func (p *Pad) chainData(buf *Buffer) FlowReturn {
	p.streamLock.Lock()
	defer p.streamLock.Unlock()
	if f := p.fast.Load(); f != nil {
		ret := f.chain(p, f.parent, buf)
		p.setLastFlow(ret)
		return ret
	}
	p.mu.Lock()
	if ret := p.refusalLocked(); ret != FlowOK {
		p.setLastFlow(ret) // the flushing: and eos: labels record it too (gstpad.c:4758, :4501)
		p.unlock()
		buf.Unref()
		return ret
	}
	p.checkDataFlowLocked()
	parent, chain := p.parent, p.chain
	p.unlock()
	if parent == nil {
		buf.Unref()
		return FlowFlushing
	}
	if chain == nil {
		buf.Unref()
		p.warn("pad has no chain function")
		return FlowNotSupported
	}
	ret := chain(p, parent, buf)
	p.setLastFlow(ret)
	return ret
}

// PushEvent sends ev out of pad p (gst_pad_push_event, gst/gstpad.c:5660):
// downstream events from a source pad, upstream events from a sink pad.
// A sticky event is stored on a source pad first and reaches the peer in
// sticky order, before any later data; a sticky event other than EOS
// reports success even if delivery failed, since the next data push returns
// the error. Flush-start and flush-stop change p's own flushing state too.
func (p *Pad) PushEvent(ev *Event) bool {
	t := ev.typ
	if (p.direction == PadSrc && !t.IsDownstream()) || (p.direction == PadSink && !t.IsUpstream()) {
		p.mu.Lock()
		p.warn("pushing %s event in wrong direction", t)
		p.unlock()
		return false
	}
	p.mu.Lock()
	defer p.unlock()
	sticky := t.IsSticky() && p.direction == PadSrc
	serialized := t.IsSerialized()
	var ok bool
	if sticky {
		switch p.storeStickyLocked(ev) {
		case FlowFlushing, FlowEOS:
			return false
		}
	}
	if p.direction == PadSrc && serialized {
		ok = p.checkStickyLocked(ev) == FlowOK
	}
	if !serialized || !sticky {
		ret := p.pushEventLocked(ev)
		return ret == FlowOK || ret >= FlowCustomSuccess
	}
	if t != EventEOS {
		return true
	}
	return ok
}

// pushEventLocked is gst_pad_push_event_unchecked (gst/gstpad.c:5464) for a
// non-sticky event: flush events change p's own state, others are refused
// while flushing; then the peer gets it.
func (p *Pad) pushEventLocked(ev *Event) FlowReturn {
	switch ev.typ {
	case EventFlushStart:
		p.flushing = true
	case EventFlushStop:
		if p.mode == PadModeNone {
			return FlowFlushing
		}
		p.flushing = false
		p.removeEventsLocked(isFlushedEvent)
		p.setEOSLocked(false)
		p.lastFlow.Store(int32(FlowOK))
	default:
		if p.flushing {
			return FlowFlushing
		}
		if p.direction == PadSrc && ev.typ.IsSerialized() {
			// Sticky events that changed go first; their errors surface
			// with the next data, not here (gst_pad_push_event_unchecked).
			p.checkStickyLocked(ev)
		}
	}
	return p.pushEventUncheckedLocked(ev)
}

// isFlushedEvent reports the sticky events a flush-stop removes.
func isFlushedEvent(t EventType) bool {
	return t == EventEOS || t == EventStreamGroupDone || t == EventSegment
}

// SendEvent delivers ev to pad p itself, as its peer pushing it would
// (gst_pad_send_event). Tests and applications use it to inject events.
func (p *Pad) SendEvent(ev *Event) bool { return p.sendEvent(ev) == FlowOK }

// sendEvent is gst_pad_send_event_unchecked (gst/gstpad.c:5794).
func (p *Pad) sendEvent(ev *Event) FlowReturn {
	t := ev.typ
	serialized := p.direction == PadSink && t.IsSerialized()
	needUnlock := false
	unlock := func() {
		if needUnlock {
			p.streamLock.Unlock()
		}
	}
	p.mu.Lock()
	switch t {
	case EventFlushStart:
		if p.flushing {
			p.unlock()
			return FlowFlushing
		}
		p.flushing = true
	case EventFlushStop:
		if p.mode == PadModeNone {
			p.unlock()
			return FlowFlushing
		}
		p.flushing = false
		p.removeEventsLocked(isFlushedEvent)
		p.setEOSLocked(false)
		p.lastFlow.Store(int32(FlowOK))
		p.unlock()
		p.streamLock.Lock()
		needUnlock = true
		p.mu.Lock()
		if p.flushing {
			p.unlock()
			unlock()
			return FlowFlushing
		}
	default:
		if p.flushing {
			p.unlock()
			return FlowFlushing
		}
		if t == EventStreamStart || serialized {
			p.unlock()
			p.streamLock.Lock()
			needUnlock = true
			p.mu.Lock()
			if p.flushing {
				p.unlock()
				unlock()
				return FlowFlushing
			}
			if t == EventStreamStart {
				p.removeEventsLocked(func(x EventType) bool {
					return x == EventEOS || x == EventStreamGroupDone || x == EventTag
				})
				p.setEOSLocked(false)
			} else if p.eos {
				p.unlock()
				unlock()
				return FlowEOS
			}
		}
	}
	parent, fn := p.parent, p.event
	p.unlock()
	defer unlock()

	if parent == nil {
		return FlowFlushing
	}
	var handled bool
	if fn != nil {
		handled = fn(p, parent, ev)
	} else {
		handled = p.EventDefault(parent, ev)
	}
	ret := FlowOK
	if !handled {
		ret = FlowError
		if t == EventCaps {
			ret = FlowNotNegotiated
		}
	}
	if t.IsSticky() && ret == FlowOK {
		p.mu.Lock()
		r := p.storeStickyLocked(ev)
		p.unlock()
		if r == FlowFlushing || r == FlowEOS {
			return r
		}
	}
	return ret
}

// InternalLinks returns the pads of p's element that data entering p leaves
// through: all pads of the other direction (gst_pad_iterate_internal_links_default).
func (p *Pad) InternalLinks() []*Pad {
	parent := p.Parent()
	if parent == nil {
		return nil
	}
	var out []*Pad
	for _, q := range parent.Base().Pads() {
		if q.direction != p.direction {
			out = append(out, q)
		}
	}
	return out
}

// EventDefault is the default event handling (gst_pad_event_default,
// gst/gstpad.c:3155 at 1.22.0): forward the event through the element's
// pads of the other direction. EOS and other serialized events are
// forwarded in order; the result is true if some push succeeded, or there
// was nowhere to push (event_forward_func ORs the results, :3123), so an
// EOS through a tee with one unlinked branch still succeeds.
func (p *Pad) EventDefault(parent Element, ev *Event) bool {
	ok, dispatched := false, false
	for _, q := range p.InternalLinks() {
		dispatched = true
		if q.PushEvent(ev) {
			ok = true
		}
	}
	return ok || !dispatched
}

// Query dispatches q to pad p's query function, or to QueryDefault
// (gst_pad_query).
func (p *Pad) Query(q *Query) bool {
	p.mu.Lock()
	parent, fn := p.parent, p.query
	p.unlock()
	if fn != nil {
		return fn(p, parent, q)
	}
	return p.QueryDefault(parent, q)
}

// PeerQuery sends q to p's peer (gst_pad_peer_query); false without a peer.
func (p *Pad) PeerQuery(q *Query) bool {
	peer := p.Peer()
	if peer == nil {
		return false
	}
	return peer.Query(q)
}

// QueryDefault is the default query handling (gst_pad_query_default): a
// latency query is answered by combining the answers of the peers of the
// element's other pads as gst_pad_query_latency_default does (live if any is
// live, the largest minimum, the smallest maximum); other queries go to the
// first peer that answers.
func (p *Pad) QueryDefault(parent Element, q *Query) bool {
	if q.typ == QueryLatency {
		return p.queryLatencyDefault(q)
	}
	for _, in := range p.InternalLinks() {
		if in.PeerQuery(q) {
			return true
		}
	}
	return false
}

func (p *Pad) queryLatencyDefault(q *Query) bool {
	live, minL, maxL := false, time.Duration(0), ClockTimeNone
	for _, in := range p.InternalLinks() {
		if in.Peer() == nil {
			continue
		}
		pq := NewLatencyQuery()
		if !in.PeerQuery(pq) {
			return false
		}
		if l, mn, mx := pq.Latency(); l {
			minL = max(minL, mn)
			if maxL == ClockTimeNone || mx < maxL {
				maxL = mx
			}
			live = true
		}
	}
	q.SetLatency(live, minL, maxL)
	return true
}

// StartTask starts a goroutine that calls fn in a loop while holding the
// pad's stream lock (gst_pad_start_task, gst/gstpad.c:6312 at 1.22.0). If
// the pad has a paused task, it resumes it instead.
func (p *Pad) StartTask(fn TaskFunc) {
	p.mu.Lock()
	t := p.task
	if t == nil {
		t = newTask(p.streamLock, fn)
		p.task = t
	}
	p.unlock()
	t.start()
}

// PauseTask pauses the pad's task and waits until its current iteration
// has ended, by taking the stream lock (gst_pad_pause_task,
// gst/gstpad.c:6370). It returns false if the pad has no task. From inside
// the task's own function, call Task.Pause instead, which does not wait.
func (p *Pad) PauseTask() bool {
	p.mu.Lock()
	t := p.task
	p.unlock()
	if t == nil {
		return false
	}
	t.Pause()
	p.streamLock.Lock()
	p.streamLock.Unlock()
	return true
}

// StopTask stops the pad's task, waits for its goroutine to exit and removes
// it (gst_pad_stop_task, gst/gstpad.c:6457). Elements first make the task's
// function return, by flushing the pad and unscheduling clock waits; from
// inside the task's own function, call Task.Stop instead.
func (p *Pad) StopTask() {
	p.mu.Lock()
	t := p.task
	p.task = nil
	p.unlock()
	if t == nil {
		p.streamLock.Lock()
		p.streamLock.Unlock()
		return
	}
	done := t.stop()
	p.streamLock.Lock()
	p.streamLock.Unlock()
	if done != nil {
		<-done
	}
}

// TaskState returns the state of the pad's task, TaskStopped if it has none.
func (p *Pad) TaskState() TaskState {
	p.mu.Lock()
	t := p.task
	p.unlock()
	if t == nil {
		return TaskStopped
	}
	return t.State()
}
