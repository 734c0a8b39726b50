package gstmini

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// State is an element's state (GstState).
type State int

// States, with GStreamer's numbering.
const (
	StateVoidPending State = iota // no state change pending
	StateNull                     // initial state: no resources
	StateReady                    // resources allocated, pads inactive
	StatePaused                   // pads active, data may flow; sinks preroll and hold one buffer; the clock does not run
	StatePlaying                  // the clock runs and sinks render
)

// String returns GStreamer's name for s (gst_element_state_get_name).
func (s State) String() string {
	switch s {
	case StateVoidPending:
		return "VOID_PENDING"
	case StateNull:
		return "NULL"
	case StateReady:
		return "READY"
	case StatePaused:
		return "PAUSED"
	case StatePlaying:
		return "PLAYING"
	}
	return fmt.Sprintf("UNKNOWN!(%d)", int(s))
}

// StateChange is a one-step transition between adjacent states, encoded as
// GStreamer does: current<<3 | next (GstStateChange).
type StateChange int

// Transition returns the StateChange from cur to next.
func Transition(cur, next State) StateChange { return StateChange(int(cur)<<3 | int(next)) }

// The six transitions elements implement.
const (
	TransitionNullToReady     = StateChange(int(StateNull)<<3 | int(StateReady))
	TransitionReadyToPaused   = StateChange(int(StateReady)<<3 | int(StatePaused))
	TransitionPausedToPlaying = StateChange(int(StatePaused)<<3 | int(StatePlaying))
	TransitionPlayingToPaused = StateChange(int(StatePlaying)<<3 | int(StatePaused))
	TransitionPausedToReady   = StateChange(int(StatePaused)<<3 | int(StateReady))
	TransitionReadyToNull     = StateChange(int(StateReady)<<3 | int(StateNull))
)

// Current returns the state the transition leaves.
func (t StateChange) Current() State { return State(int(t) >> 3) }

// Next returns the state the transition enters.
func (t StateChange) Next() State { return State(int(t) & 7) }

// String formats t as "READY->PAUSED".
func (t StateChange) String() string { return t.Current().String() + "->" + t.Next().String() }

// StateChangeReturn is the result of a state change (GstStateChangeReturn).
type StateChangeReturn int

// State change results, with GStreamer's numbering.
const (
	StateChangeFailure   StateChangeReturn = iota // the change failed
	StateChangeSuccess                            // the change is complete
	StateChangeAsync                              // the change completes later (a sink prerolling)
	StateChangeNoPreroll                          // done, but the element cannot preroll in PAUSED: it is live
)

// String returns GStreamer's name for r.
func (r StateChangeReturn) String() string {
	switch r {
	case StateChangeFailure:
		return "FAILURE"
	case StateChangeSuccess:
		return "SUCCESS"
	case StateChangeAsync:
		return "ASYNC"
	case StateChangeNoPreroll:
		return "NO_PREROLL"
	}
	return fmt.Sprintf("UNKNOWN!(%d)", int(r))
}

// nextState returns the state one step from cur towards target
// (GST_STATE_GET_NEXT).
func nextState(cur, target State) State {
	switch {
	case cur < target:
		return cur + 1
	case cur > target:
		return cur - 1
	}
	return cur
}

// ElementFlags mark what kind of element this is (GstElementFlags).
type ElementFlags uint32

// Element flags.
const (
	ElementFlagLockedState  ElementFlags = 1 << 4 // the parent bin does not change its state
	ElementFlagSink         ElementFlags = 1 << 5 // the element is a sink
	ElementFlagSource       ElementFlags = 1 << 6 // the element is a source
	ElementFlagProvideClock ElementFlags = 1 << 7 // the element can provide a clock
	ElementFlagRequireClock ElementFlags = 1 << 8 // the element needs a clock
)

// An Element is a processing unit of a pipeline (GstElement). Concrete
// elements embed ElementBase, which provides Base and the shared machinery,
// and implement ChangeState, chaining up to ElementBase.ChangeState (or the
// change-state of whatever they embed) as GStreamer elements chain up to
// their parent class.
type Element interface {
	// Base returns the element's shared state and machinery.
	Base() *ElementBase
	// ChangeState performs one transition (GstElementClass.change_state).
	// It is called with the element's state lock held, never concurrently.
	ChangeState(t StateChange) StateChangeReturn
}

// An EventHandler is an element with its own handling of events sent to the
// element itself (GstElementClass.send_event), such as a bin sending a seek
// to its sinks. ElementBase.SendEvent calls it.
type EventHandler interface {
	HandleSendEvent(ev *Event) bool
}

// A QueryHandler is an element with its own handling of queries sent to the
// element itself (GstElementClass.query), such as a sink answering the
// latency query. ElementBase.Query calls it.
type QueryHandler interface {
	HandleQuery(q *Query) bool
}

// stateWatcher is implemented by bins, which act on their own state changes.
type stateWatcher interface {
	stateChanged(newState, pending State)
}

// messageHandler is implemented by bins: a child's message goes to its
// parent's handler before it reaches the bus.
type messageHandler interface {
	handleMessage(m *Message)
}

// ElementBase is the part of every element that gstmini provides: name,
// pads, state machine, clock and base time, message posting and
// properties. Embed it in an element struct and call Init before use.
type ElementBase struct {
	self Element
	name string

	stateMu sync.Mutex // GST_STATE_LOCK: serialises state changes

	mu         sync.Mutex // the object lock: every field below
	parent     Element
	bus        *Bus
	pads       []*Pad
	templates  []PadTemplate
	flags      ElementFlags
	current    State
	next       State
	pending    State
	target     State
	lastReturn StateChangeReturn
	stateCond  chan struct{} // closed and replaced whenever the state changes
	clock      Clock
	baseTime   time.Duration
	startTime  time.Duration
	props      properties
}

// Init prepares the base of element self, named name, in state NULL. Call
// it from the element's constructor before anything else.
func (e *ElementBase) Init(self Element, name string) {
	e.self = self
	e.name = name
	e.current = StateNull
	e.target = StateNull
	e.lastReturn = StateChangeSuccess
	e.stateCond = make(chan struct{})
}

// Base returns e itself; it makes *ElementBase satisfy half of Element.
func (e *ElementBase) Base() *ElementBase { return e }

// Self returns the element that embeds e.
func (e *ElementBase) Self() Element { return e.self }

// Name returns the element's name.
func (e *ElementBase) Name() string { return e.name }

// String returns the element's name.
func (e *ElementBase) String() string { return e.name }

// Parent returns the bin holding the element, or nil.
func (e *ElementBase) Parent() Element {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.parent
}

func (e *ElementBase) setParent(p Element) {
	e.mu.Lock()
	e.parent = p
	e.mu.Unlock()
}

// Flags returns the element's flags.
func (e *ElementBase) Flags() ElementFlags {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.flags
}

// SetFlags sets flags on the element.
func (e *ElementBase) SetFlags(f ElementFlags) {
	e.mu.Lock()
	e.flags |= f
	e.mu.Unlock()
}

// SetLockedState makes the parent bin leave the element's state alone
// (gst_element_set_locked_state).
func (e *ElementBase) SetLockedState(locked bool) {
	e.mu.Lock()
	if locked {
		e.flags |= ElementFlagLockedState
	} else {
		e.flags &^= ElementFlagLockedState
	}
	e.mu.Unlock()
}

// AddPad adds pad p to the element (gst_element_add_pad). Pad names are
// unique within an element. A pad added while the element is PAUSED or
// PLAYING is activated.
func (e *ElementBase) AddPad(p *Pad) error {
	e.mu.Lock()
	for _, q := range e.pads {
		if q.name == p.name {
			e.mu.Unlock()
			return fmt.Errorf("element %s: add pad %q: a pad with that name exists", e.name, p.name)
		}
	}
	if p.Parent() != nil {
		e.mu.Unlock()
		return fmt.Errorf("element %s: add pad %q: pad already belongs to %s", e.name, p.name, p.Parent().Base().Name())
	}
	e.pads = append(e.pads, p)
	active := e.current >= StatePaused || e.next >= StatePaused
	e.mu.Unlock()
	p.setParent(e.self)
	if active {
		p.SetActive(true)
	}
	return nil
}

// Pads returns the element's pads in the order they were added.
func (e *ElementBase) Pads() []*Pad {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*Pad(nil), e.pads...)
}

// StaticPad returns the pad with the given name, or nil (gst_element_get_static_pad).
func (e *ElementBase) StaticPad(name string) *Pad {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, p := range e.pads {
		if p.name == name {
			return p
		}
	}
	return nil
}

func (e *ElementBase) padsOf(dir PadDirection) []*Pad {
	var out []*Pad
	for _, p := range e.Pads() {
		if p.direction == dir {
			out = append(out, p)
		}
	}
	return out
}

// SrcPads returns the element's source pads.
func (e *ElementBase) SrcPads() []*Pad { return e.padsOf(PadSrc) }

// SinkPads returns the element's sink pads.
func (e *ElementBase) SinkPads() []*Pad { return e.padsOf(PadSink) }

// Clock returns the clock the element syncs to, or nil.
func (e *ElementBase) Clock() Clock {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.clock
}

// SetClock sets the clock the element syncs to (gst_element_set_clock).
// Pipelines set it on every element when they go to PLAYING.
func (e *ElementBase) SetClock(c Clock) {
	e.mu.Lock()
	e.clock = c
	e.mu.Unlock()
}

// BaseTime returns the clock time at which running time was 0
// (gst_element_get_base_time): running_time = clock.Time() - base_time.
func (e *ElementBase) BaseTime() time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.baseTime
}

// SetBaseTime sets the base time (gst_element_set_base_time). Pipelines
// choose it when they go to PLAYING and give it to every element.
func (e *ElementBase) SetBaseTime(t time.Duration) {
	e.mu.Lock()
	e.baseTime = t
	e.mu.Unlock()
}

// StartTime returns the running time at which the element last paused
// (gst_element_get_start_time).
func (e *ElementBase) StartTime() time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.startTime
}

// SetStartTime sets the start time (gst_element_set_start_time).
func (e *ElementBase) SetStartTime(t time.Duration) {
	e.mu.Lock()
	e.startTime = t
	e.mu.Unlock()
}

// RunningTime returns the clock's time minus base time, or ClockTimeNone
// without a clock: how long the element has been PLAYING.
func (e *ElementBase) RunningTime() time.Duration {
	c, base := e.Clock(), e.BaseTime()
	if c == nil {
		return ClockTimeNone
	}
	return c.Time() - base
}

// Bus returns the bus messages go to: the pipeline's bus, found through the
// parents. It is nil for an element outside a pipeline that has no bus.
func (e *ElementBase) Bus() *Bus {
	e.mu.Lock()
	bus, parent := e.bus, e.parent
	e.mu.Unlock()
	if bus != nil {
		return bus
	}
	if parent != nil {
		return parent.Base().Bus()
	}
	return nil
}

// SetBus gives the element a bus of its own (gst_element_set_bus); used
// for elements tested outside a pipeline.
func (e *ElementBase) SetBus(b *Bus) {
	e.mu.Lock()
	e.bus = b
	e.mu.Unlock()
}

// PostMessage posts m from the element (gst_element_post_message): to its
// parent bin, which may act on it and passes it up, or to its bus. It
// returns false if nobody could take the message.
func (e *ElementBase) PostMessage(m *Message) bool {
	e.mu.Lock()
	parent, bus := e.parent, e.bus
	e.mu.Unlock()
	if h, ok := parent.(messageHandler); ok && parent != nil {
		h.handleMessage(m)
		return true
	}
	if bus != nil {
		return bus.Post(m)
	}
	logger(categoryBus).Debug("message dropped: element has no bus", "element", e.name, "message", m.String())
	return false
}

// PostError posts an ERROR message from the element, as GST_ELEMENT_ERROR does.
func (e *ElementBase) PostError(err error, debug string) {
	logger(categoryElement).Error(err.Error(), "element", e.name, "debug", debug)
	e.PostMessage(NewErrorMessage(e.self, err, debug))
}

// PostWarning posts a WARNING message from the element, as GST_ELEMENT_WARNING does.
func (e *ElementBase) PostWarning(err error, debug string) {
	logger(categoryElement).Warn(err.Error(), "element", e.name, "debug", debug)
	e.PostMessage(NewWarningMessage(e.self, err, debug))
}

// SendEvent sends ev to the element (gst_element_send_event): to the
// element's own handler if it implements EventHandler, else upstream events
// go to its sink pads and downstream events to its source pads.
func (e *ElementBase) SendEvent(ev *Event) bool {
	if h, ok := e.self.(EventHandler); ok {
		return h.HandleSendEvent(ev)
	}
	return e.SendEventDefault(ev)
}

// SendEventDefault is the default element event handling: an upstream
// event enters the element's first sink pad and travels upstream from it;
// a downstream event enters the first source pad and travels downstream.
func (e *ElementBase) SendEventDefault(ev *Event) bool {
	if ev.typ.IsUpstream() {
		if pads := e.SinkPads(); len(pads) > 0 {
			return pads[0].PushEvent(ev)
		}
	}
	if ev.typ.IsDownstream() {
		if pads := e.SrcPads(); len(pads) > 0 {
			return pads[0].PushEvent(ev)
		}
	}
	return false
}

// Query sends q to the element (gst_element_query): to its own handler if it
// implements QueryHandler, else as QueryDefault does.
func (e *ElementBase) Query(q *Query) bool {
	if h, ok := e.self.(QueryHandler); ok {
		return h.HandleQuery(q)
	}
	return e.QueryDefault(q)
}

// QueryDefault is the default element query handling: the query goes to the
// element's first source pad, or else its first sink pad.
func (e *ElementBase) QueryDefault(q *Query) bool {
	if pads := e.SrcPads(); len(pads) > 0 {
		return pads[0].Query(q)
	}
	if pads := e.SinkPads(); len(pads) > 0 {
		return pads[0].Query(q)
	}
	return false
}

// State returns the element's current state and the state it is going to,
// StateVoidPending if none, without waiting.
func (e *ElementBase) State() (current, pending State) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.current, e.pending
}

// CurrentState returns the element's current state.
func (e *ElementBase) CurrentState() State {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.current
}

// GetState waits until no state change is pending, or ctx ends, and returns
// the result with the current and pending state (gst_element_get_state).
// It returns StateChangeAsync with ctx's error if ctx ends first.
func (e *ElementBase) GetState(ctx context.Context) (StateChangeReturn, State, State, error) {
	for {
		e.mu.Lock()
		ret, cur, pend, ch := e.lastReturn, e.current, e.pending, e.stateCond
		e.mu.Unlock()
		if ret != StateChangeAsync || pend == StateVoidPending {
			if ret == StateChangeAsync {
				ret = StateChangeSuccess
			}
			return ret, cur, pend, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return StateChangeAsync, cur, pend, ctx.Err()
		}
	}
}

func (e *ElementBase) broadcastStateLocked() {
	close(e.stateCond)
	e.stateCond = make(chan struct{})
}

// SetState moves the element towards state one transition at a time,
// calling ChangeState for each (gst_element_set_state,
// gst/gstelement.c:2958 at 1.22.0). It returns StateChangeAsync when a step
// completes later (a sink waiting for preroll); the element then finishes
// the change by itself. If a change is already under way, SetState only
// updates its target, as GStreamer does.
func (e *ElementBase) SetState(state State) StateChangeReturn {
	e.stateMu.Lock()
	defer e.stateMu.Unlock()

	e.mu.Lock()
	if e.lastReturn == StateChangeFailure {
		e.next, e.pending, e.lastReturn = StateVoidPending, StateVoidPending, StateChangeSuccess
	}
	current, next, oldPending := e.current, e.next, e.pending
	e.target = state
	e.pending = state
	if oldPending != StateVoidPending {
		if oldPending <= state || next == state {
			e.lastReturn = StateChangeAsync // was busy: it gets there by itself
			e.mu.Unlock()
			return StateChangeAsync
		}
		if next > state && e.lastReturn == StateChangeAsync {
			current = next
		}
	}
	next = nextState(current, state)
	e.next = next
	if current != next {
		e.lastReturn = StateChangeAsync
	}
	e.broadcastStateLocked()
	e.mu.Unlock()
	return e.changeState(Transition(current, next))
}

// changeState is gst_element_change_state (gst/gstelement.c:3082): run one
// transition and, when it succeeds, commit it and run the next one.
func (e *ElementBase) changeState(t StateChange) StateChangeReturn {
	for {
		var ret StateChangeReturn
		if t.Current() == t.Next() {
			ret = StateChangeSuccess
		} else {
			logger(categoryStates).Debug("changing state", "element", e.name, "transition", t.String())
			ret = e.self.ChangeState(t)
		}
		switch ret {
		case StateChangeFailure:
			e.abortState()
			return ret
		case StateChangeAsync:
			e.mu.Lock()
			target := e.target
			e.mu.Unlock()
			if target > StateReady {
				return ret
			}
			ret = StateChangeSuccess // going down: do not wait
		}
		var more bool
		t, more, ret = e.continueState(ret)
		if !more {
			return ret
		}
	}
}

// continueState is gst_element_continue_state (gst/gstelement.c:2754):
// commit the next state and report the transition still to do, if any.
func (e *ElementBase) continueState(ret StateChangeReturn) (StateChange, bool, StateChangeReturn) {
	e.mu.Lock()
	e.lastReturn = ret
	pending := e.pending
	if pending == StateVoidPending {
		e.mu.Unlock()
		return 0, false, ret
	}
	oldState, oldNext := e.current, e.next
	e.current = oldNext
	if pending == oldNext {
		e.pending, e.next = StateVoidPending, StateVoidPending
		e.broadcastStateLocked()
		e.mu.Unlock()
		e.postStateChanged(oldState, oldNext, StateVoidPending)
		return 0, false, ret
	}
	next := nextState(oldNext, pending)
	e.next = next
	e.lastReturn = StateChangeAsync
	e.broadcastStateLocked()
	e.mu.Unlock()
	e.postStateChanged(oldState, oldNext, pending)
	return Transition(oldNext, next), true, ret
}

func (e *ElementBase) postStateChanged(oldState, newState, pending State) {
	logger(categoryStates).Info("state changed", "element", e.name, "old", oldState.String(), "new", newState.String(), "pending", pending.String())
	e.PostMessage(NewStateChangedMessage(e.self, oldState, newState, pending))
	if w, ok := e.self.(stateWatcher); ok {
		w.stateChanged(newState, pending)
	}
}

// abortState is gst_element_abort_state: forget the pending change.
func (e *ElementBase) abortState() {
	e.mu.Lock()
	if e.pending != StateVoidPending {
		e.next, e.pending = StateVoidPending, StateVoidPending
	}
	e.lastReturn = StateChangeFailure
	e.broadcastStateLocked()
	e.mu.Unlock()
}

// ContinueState completes an async state change from another goroutine
// (gst_element_continue_state): it commits the state the element was
// going to and, if the target lies further, carries on towards it. Bins
// call it when all their children have finished prerolling.
func (e *ElementBase) ContinueState(ret StateChangeReturn) StateChangeReturn {
	e.stateMu.Lock()
	defer e.stateMu.Unlock()
	e.mu.Lock()
	busy := e.next != StateVoidPending && e.lastReturn == StateChangeAsync
	e.mu.Unlock()
	if !busy {
		return ret
	}
	t, more, ret := e.continueState(ret)
	if !more {
		return ret
	}
	return e.changeState(t)
}

// CommitState finishes an async state change the way a sink does when it
// prerolls (gst_base_sink_commit_state, libs/gst/base/gstbasesink.c:1674 at
// 1.22.0): the element jumps straight to its pending state (PAUSED, or
// PLAYING if that is pending already), posts the state changes and then
// ASYNC_DONE. It returns the new state, and false if nothing was pending
// or the element is going down to READY or NULL. It does not call
// ChangeState: the caller does the work of the skipped transition itself.
func (e *ElementBase) CommitState() (State, bool) {
	e.mu.Lock()
	current, next, pending := e.current, e.next, e.pending
	if pending == StateVoidPending || pending <= StateReady {
		e.mu.Unlock()
		return current, false
	}
	e.current = pending
	e.next, e.pending = StateVoidPending, StateVoidPending
	e.lastReturn = StateChangeSuccess
	e.broadcastStateLocked()
	e.mu.Unlock()
	switch pending {
	case StatePlaying:
		if current == StateReady {
			e.postStateChanged(current, next, pending)
		}
		e.postStateChanged(next, pending, StateVoidPending)
	case StatePaused:
		e.postStateChanged(current, next, StateVoidPending)
	}
	e.PostMessage(NewAsyncDoneMessage(e.self, ClockTimeNone))
	return pending, true
}

// LostState makes an element that was PAUSED or PLAYING go back to
// prerolling (gst_element_lost_state, gst/gstelement.c:2858): a PLAYING
// element drops to PAUSED with PAUSED pending, and ASYNC_START tells the
// parent to wait for it again. Sinks call it when a flush discards their
// preroll buffer; the parent sets them PLAYING again once they prerolled.
func (e *ElementBase) LostState() {
	if e.loseState() {
		e.PostMessage(NewAsyncStartMessage(e.self))
	}
}

// loseState is the state part of LostState; it reports whether
// ASYNC_START must be posted.
func (e *ElementBase) loseState() bool {
	e.mu.Lock()
	if e.lastReturn == StateChangeFailure {
		e.mu.Unlock()
		return false
	}
	if e.pending != StateVoidPending {
		e.mu.Unlock()
		return true
	}
	state := min(e.current, StatePaused)
	e.current, e.next, e.pending = state, state, state
	e.lastReturn = StateChangeAsync
	e.broadcastStateLocked()
	e.mu.Unlock()
	e.postStateChanged(state, state, state)
	return true
}

// completeAsync finishes an async state change for a bin whose children
// have all prerolled (bin_handle_async_done, gst/gstbin.c:3368): a
// top-level bin carries on towards the state it was last asked for.
func (e *ElementBase) completeAsync(toplevel bool) StateChangeReturn {
	e.stateMu.Lock()
	defer e.stateMu.Unlock()
	e.mu.Lock()
	busy := e.next != StateVoidPending && e.lastReturn == StateChangeAsync
	if busy && toplevel {
		e.pending = e.target
	}
	e.mu.Unlock()
	if !busy {
		return StateChangeSuccess
	}
	t, more, ret := e.continueState(StateChangeSuccess)
	if !more {
		return ret
	}
	return e.changeState(t)
}

// ChangeState is the default transition work (gst_element_change_state_func,
// gst/gstelement.c:3278): READY→PAUSED activates the pads, source pads
// first; PAUSED→READY and READY→NULL deactivate them. Elements chain up to
// it from their own ChangeState.
func (e *ElementBase) ChangeState(t StateChange) StateChangeReturn {
	switch t {
	case TransitionReadyToPaused:
		if !e.activatePads(true) {
			return StateChangeFailure
		}
	case TransitionPausedToReady, TransitionReadyToNull:
		if !e.activatePads(false) {
			return StateChangeFailure
		}
	}
	return StateChangeSuccess
}

// activatePads is gst_element_pads_activate (gst/gstelement.c:3232):
// source pads first, then sink pads, in both directions.
func (e *ElementBase) activatePads(active bool) bool {
	ok := true
	for _, p := range e.SrcPads() {
		ok = p.SetActive(active) && ok
	}
	for _, p := range e.SinkPads() {
		ok = p.SetActive(active) && ok
	}
	return ok
}
