package gstmini

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// ErrNameTaken is returned by Bin.Add when the bin has a child of that name.
var ErrNameTaken = errors.New("gstmini: name already taken in bin")

// A Bin is an element that contains other elements and changes their states
// together (GstBin). It sets its children's states from sinks to sources, so
// that every element is ready before data reaches it; it waits for children
// that change state asynchronously (sinks prerolling); and it posts one EOS
// when every sink has posted EOS. Create it with NewBin.
type Bin struct {
	ElementBase

	binMu        sync.Mutex
	children     []Element // in the order added
	asyncPending map[Element]bool
	inAsync      bool             // the bin returned ASYNC and waits for asyncPending to empty
	polling      bool             // the bin is changing its children's states
	eosSinks     map[Element]bool // sinks that posted EOS
	postedEOS    bool
	postedPlay   bool
	segStarts    map[Element]bool // children that posted SEGMENT_START and no SEGMENT_DONE yet
	continuing   sync.WaitGroup   // goroutines finishing async state changes
}

// NewBin returns an empty bin named name.
func NewBin(name string) *Bin {
	b := &Bin{}
	b.InitBin(b, name)
	return b
}

// InitBin prepares the bin part of self, for types that embed Bin.
func (b *Bin) InitBin(self Element, name string) {
	b.Init(self, name)
	b.asyncPending = map[Element]bool{}
	b.eosSinks = map[Element]bool{}
	b.segStarts = map[Element]bool{}
}

// Add puts elements into the bin (gst_bin_add). Names must be unique in the
// bin, and an element can be in only one bin.
func (b *Bin) Add(elems ...Element) error {
	for _, e := range elems {
		if err := b.add(e); err != nil {
			return err
		}
	}
	return nil
}

func (b *Bin) add(e Element) error {
	eb := e.Base()
	if eb.Parent() != nil {
		return fmt.Errorf("bin %s: add %s: element already in bin %s", b.name, eb.Name(), eb.Parent().Base().Name())
	}
	if Element(b.self) == e {
		return fmt.Errorf("bin %s: add %s: a bin cannot contain itself", b.name, eb.Name())
	}
	b.binMu.Lock()
	defer b.binMu.Unlock()
	for _, c := range b.children {
		if c.Base().Name() == eb.Name() {
			return fmt.Errorf("bin %s: add %s: %w", b.name, eb.Name(), ErrNameTaken)
		}
	}
	b.children = append(b.children, e)
	eb.setParent(b.self)
	// gst_bin_add_func (gst/gstbin.c:1228): the new child runs on the
	// bin's clock and time base at once.
	eb.SetBaseTime(b.BaseTime())
	eb.SetStartTime(b.StartTime())
	eb.SetClock(b.Clock())
	// A bin holding a sink is a sink to its parent (gst_bin_add_func).
	if f := eb.Flags(); f&(ElementFlagSink|ElementFlagSource) != 0 {
		b.SetFlags(f & (ElementFlagSink | ElementFlagSource))
	}
	return nil
}

// Remove takes e out of the bin (gst_bin_remove).
func (b *Bin) Remove(e Element) error {
	b.binMu.Lock()
	defer b.binMu.Unlock()
	i := slices.Index(b.children, e)
	if i < 0 {
		return fmt.Errorf("bin %s: remove %s: not a child", b.name, e.Base().Name())
	}
	b.children = slices.Delete(b.children, i, i+1)
	delete(b.asyncPending, e)
	delete(b.eosSinks, e)
	e.Base().setParent(nil)
	return nil
}

// Children returns the bin's elements in the order they were added.
func (b *Bin) Children() []Element {
	b.binMu.Lock()
	defer b.binMu.Unlock()
	return slices.Clone(b.children)
}

// ByName returns the child named name, searching nested bins too
// (gst_bin_get_by_name), or nil.
func (b *Bin) ByName(name string) Element {
	for _, c := range b.Children() {
		if c.Base().Name() == name {
			return c
		}
		if nb, ok := c.(interface{ ByName(string) Element }); ok {
			if e := nb.ByName(name); e != nil {
				return e
			}
		}
	}
	return nil
}

// Sinks returns the children flagged as sinks.
func (b *Bin) Sinks() []Element {
	var out []Element
	for _, c := range b.Children() {
		if c.Base().Flags()&ElementFlagSink != 0 {
			out = append(out, c)
		}
	}
	return out
}

// IterateSorted returns the children in state-change order, from sinks to
// sources, as gst_bin_iterate_sorted (gst/gstbin.c:2430 at 1.22.0) does:
// sinks first (newest-added first), then each element once every element it
// feeds inside the bin has been handled; when none qualifies, the element
// with the fewest unhandled downstream peers, preferring non-sources.
func (b *Bin) IterateSorted() []Element {
	children := b.Children()
	slices.Reverse(children) // GStreamer prepends children: newest first
	inBin := func(e Element) bool { return e != nil && e.Base().Parent() == Element(b.self) }

	const handled = -1
	degree := make(map[Element]int, len(children))
	var queue []Element
	for _, c := range children {
		if c.Base().Flags()&ElementFlagSink != 0 {
			degree[c] = handled
			queue = append(queue, c)
		} else {
			degree[c] = 0
		}
	}
	// update_degree: each link from X's source pad into the bin raises X's degree.
	update := func(e Element, delta int) {
		for _, p := range e.Base().SinkPads() {
			peer := p.Peer()
			if peer == nil {
				continue
			}
			up := peer.Parent()
			if !inBin(up) {
				continue
			}
			old := degree[up]
			if old == handled && delta > 0 {
				queue = slices.DeleteFunc(queue, func(x Element) bool { return x == up })
				old = 0
			}
			nd := old + delta
			if nd == 0 && delta < 0 {
				degree[up] = handled
				queue = append(queue, up)
			} else {
				degree[up] = nd
			}
		}
	}
	for _, c := range children {
		update(c, +1)
	}
	var order []Element
	for len(order) < len(children) {
		var next Element
		if len(queue) > 0 {
			next, queue = queue[0], queue[1:]
		} else {
			best, bestDeg := Element(nil), int(^uint(0)>>1)
			for _, c := range children {
				d := degree[c]
				if d < 0 {
					continue
				}
				if best == nil || d < bestDeg ||
					(d == bestDeg && best.Base().Flags()&ElementFlagSource != 0 && c.Base().Flags()&ElementFlagSource == 0) {
					best, bestDeg = c, d
				}
			}
			if best == nil {
				break
			}
			if bestDeg != 0 {
				logger(categoryStates).Warn("loop detected in the graph of bin", "bin", b.name)
			}
			degree[best] = handled
			next = best
		}
		order = append(order, next)
		update(next, -1)
	}
	return order
}

// ChangeState changes the children's states (gst_bin_change_state_func,
// gst/gstbin.c:2820 at 1.22.0). Each child gets the bin's clock, base time
// and start time first. The result is NoPreroll if any child is live, else
// Async if any child has not finished (a sink prerolling), else Success.
func (b *Bin) ChangeState(t StateChange) StateChangeReturn {
	next := t.Next()
	switch next {
	case StatePaused:
		b.binMu.Lock()
		clear(b.eosSinks)
		b.postedEOS = false
		b.binMu.Unlock()
	case StateReady, StateNull:
		b.binMu.Lock()
		clear(b.asyncPending)
		b.inAsync = false
		clear(b.eosSinks)
		clear(b.segStarts)
		b.binMu.Unlock()
	}
	if next == StatePlaying && b.Parent() == nil {
		b.RecalculateLatency()
	}
	haveAsync, haveNoPreroll := false, false
	clock, base, start := b.Clock(), b.BaseTime(), b.StartTime()
	b.binMu.Lock()
	b.polling = true
	b.binMu.Unlock()
	defer func() {
		b.binMu.Lock()
		b.polling = false
		b.binMu.Unlock()
	}()
	for _, c := range b.IterateSorted() {
		switch b.setChildState(c, clock, base, start, next) {
		case StateChangeFailure:
			logger(categoryStates).Warn("child failed to change state", "bin", b.name, "child", c.Base().Name(), "transition", t.String())
			return StateChangeFailure
		case StateChangeAsync:
			haveAsync = true
		case StateChangeNoPreroll:
			haveNoPreroll = true
		}
	}
	if haveNoPreroll {
		return StateChangeNoPreroll
	}
	ret := b.ElementBase.ChangeState(t)
	if ret == StateChangeFailure || !haveAsync || next <= StateReady {
		return ret
	}
	b.binMu.Lock()
	pending := len(b.asyncPending) > 0
	b.inAsync = pending
	b.binMu.Unlock()
	if !pending {
		// Every child committed while the bin was changing state: the
		// result is still ASYNC, for consistency, and the bin completes at
		// once (gst_bin_change_state_func, gst/gstbin.c:3043).
		b.finishAsync()
	}
	return StateChangeAsync
}

// setChildState is gst_bin_element_set_state (gst/gstbin.c:2444).
func (b *Bin) setChildState(c Element, clock Clock, base, start time.Duration, next State) StateChangeReturn {
	cb := c.Base()
	cb.mu.Lock()
	cb.startTime, cb.baseTime = start, base
	if clock != nil {
		cb.clock = clock
	}
	locked := cb.flags&ElementFlagLockedState != 0
	prev, cur, pend := cb.lastReturn, cb.current, cb.pending
	cb.mu.Unlock()
	if locked {
		return StateChangeSuccess
	}
	if _, isBin := c.(interface{ IterateSorted() []Element }); !isBin && prev != StateChangeNoPreroll &&
		cur == next && pend == StateVoidPending {
		return prev
	}
	return cb.SetState(next)
}

// handleMessage is the bin's view of its children's messages
// (gst_bin_handle_message_func, gst/gstbin.c:3683): it tracks async state
// changes and EOS, then passes the message up.
func (b *Bin) handleMessage(m *Message) {
	switch m.Type {
	case MessageAsyncStart:
		b.handleAsyncStart(m)
		return // internal to bins, as GStreamer keeps it from the application
	case MessageAsyncDone:
		b.binMu.Lock()
		delete(b.asyncPending, m.Src)
		done := b.inAsync && len(b.asyncPending) == 0
		if done {
			b.inAsync = false
		}
		b.binMu.Unlock()
		if done {
			b.finishAsync()
		}
		return
	case MessageSegmentStart, MessageSegmentDone:
		if m.Src != nil && m.Src != Element(b.self) {
			b.handleSegmentMessage(m)
			return
		}
	case MessageEOS:
		if m.Src != nil && m.Src.Base().Flags()&ElementFlagSink != 0 && m.Src != Element(b.self) {
			b.binMu.Lock()
			b.eosSinks[m.Src] = true
			b.binMu.Unlock()
			b.doEOS()
			return
		}
	}
	b.forward(m)
}

// handleSegmentMessage tracks segment seeks (gst_bin_handle_message_func,
// gst/gstbin.c:3742 and :3775): a child's SEGMENT_START is kept, and passed
// to the parent bin as the bin's own when it is the first; a child's
// SEGMENT_DONE settles its SEGMENT_START, and once none is left the bin
// posts SEGMENT_DONE itself, with the child's format, position and seqnum.
// So a pipeline posts one SEGMENT_DONE when every source has played its
// segment, and the application never sees SEGMENT_START.
func (b *Bin) handleSegmentMessage(m *Message) {
	b.binMu.Lock()
	var post *Message
	if m.Type == MessageSegmentStart {
		first := len(b.segStarts) == 0
		b.segStarts[m.Src] = true
		if first && b.Parent() != nil {
			post = NewSegmentStartMessage(b.self, m.Format, m.Position)
		}
	} else {
		delete(b.segStarts, m.Src)
		if len(b.segStarts) == 0 {
			post = NewSegmentDoneMessage(b.self, m.Format, m.Position)
		}
	}
	b.binMu.Unlock()
	if post != nil {
		post.Seqnum = m.Seqnum
		b.forward(post)
	}
}

// handleAsyncStart is bin_handle_async_start (gst/gstbin.c:3286): a child
// started prerolling. Outside a state change of the bin (a sink flushed in
// PLAYING), the bin loses its state too and waits for the child.
func (b *Bin) handleAsyncStart(m *Message) {
	b.binMu.Lock()
	if m.Src != nil && m.Src != Element(b.self) {
		b.asyncPending[m.Src] = true
	}
	polling := b.polling
	b.binMu.Unlock()
	b.mu.Lock()
	lose := !polling && b.pending == StateVoidPending &&
		b.lastReturn != StateChangeFailure && b.lastReturn != StateChangeNoPreroll
	toplevel := b.parent == nil
	b.mu.Unlock()
	if lose && b.loseState() {
		b.binMu.Lock()
		b.inAsync = true
		b.binMu.Unlock()
	}
	if !toplevel {
		b.forward(NewAsyncStartMessage(b.self))
	}
}

// forward passes m to the bin's parent, or to its bus.
func (b *Bin) forward(m *Message) {
	b.mu.Lock()
	parent, bus := b.parent, b.bus
	b.mu.Unlock()
	if h, ok := parent.(messageHandler); ok && parent != nil {
		h.handleMessage(m)
		return
	}
	if bus != nil {
		bus.Post(m)
	}
}

// finishAsync completes the bin's own async state change once every child
// has prerolled (bin_handle_async_done, gst/gstbin.c:3368). GStreamer hands
// the continuation to another thread so the streaming thread that posted
// ASYNC_DONE is not used for state changes; so does gstmini.
func (b *Bin) finishAsync() {
	b.continuing.Add(1)
	go func() {
		defer b.continuing.Done()
		toplevel := b.Parent() == nil
		ret := b.completeAsync(toplevel)
		if !toplevel && ret != StateChangeAsync {
			b.forward(NewAsyncDoneMessage(b.self, ClockTimeNone))
		}
		// bin_handle_async_done also checks EOS: all sinks may already be done.
		b.doEOS()
	}()
}

// stateChanged watches the bin's own state-changed messages, as
// gst_bin_post_message does, to know when it is PLAYING for EOS.
func (b *Bin) stateChanged(newState, pending State) {
	b.binMu.Lock()
	b.postedPlay = newState == StatePlaying && pending == StateVoidPending
	b.binMu.Unlock()
	if newState == StatePlaying {
		b.doEOS()
	}
}

// doEOS posts EOS once every sink in the bin has posted EOS while the bin is
// PLAYING (bin_do_eos, gst/gstbin.c:3500).
func (b *Bin) doEOS() {
	cur, pend := b.State()
	b.binMu.Lock()
	ok := cur == StatePlaying && (pend == StateVoidPending || pend == StatePlaying) && b.postedPlay && !b.postedEOS
	n := 0
	for _, c := range b.children {
		if c.Base().Flags()&ElementFlagSink == 0 {
			continue
		}
		n++
		if !b.eosSinks[c] {
			ok = false
		}
	}
	if ok && n > 0 {
		clear(b.eosSinks)
	} else {
		ok = false
	}
	b.binMu.Unlock()
	if ok {
		b.forward(NewEOSMessage(b.self))
	}
}

// HandleSendEvent sends an event sent to the bin on to its children
// (gst_bin_send_event, gst/gstbin.c:3108): upstream events (seek, latency)
// to every sink, downstream events (EOS) to every source. It reports
// whether all of them handled it.
func (b *Bin) HandleSendEvent(ev *Event) bool {
	var targets []Element
	for _, c := range b.Children() {
		f := c.Base().Flags()
		if ev.typ.IsUpstream() && f&ElementFlagSink != 0 {
			targets = append(targets, c)
		} else if !ev.typ.IsUpstream() && f&ElementFlagSource != 0 {
			targets = append(targets, c)
		}
	}
	ok := len(targets) > 0
	for _, c := range targets {
		if !c.Base().SendEvent(ev) {
			ok = false
		}
	}
	return ok
}

// HandleQuery answers a query sent to the bin (gst_bin_query,
// gst/gstbin.c:4251). Position and duration go to every sink, and the
// largest answer wins (bin_query_position_fold and
// bin_query_duration_fold, :4102 and :4058): the sinks' position is where
// playback is, and the longest stream is the pipeline's duration; one
// sink that knows no duration (ClockTimeNone) makes it unknown. If no
// sink answers, the bin's source pads are asked. Other queries are
// answered as ElementBase.QueryDefault does.
func (b *Bin) HandleQuery(q *Query) bool {
	if q.Type() != QueryPosition && q.Type() != QueryDuration {
		return b.QueryDefault(q)
	}
	best, answered := time.Duration(-1), false
	for _, sink := range b.Sinks() {
		sq := NewPositionQuery(q.Format())
		if q.Type() == QueryDuration {
			sq = NewDurationQuery(q.Format())
		}
		if !sink.Base().Query(sq) {
			continue
		}
		answered = true
		v := sq.Value()
		if q.Type() == QueryDuration && v == ClockTimeNone {
			best = ClockTimeNone // known to be unknown: the fold stops here
			break
		}
		if v != ClockTimeNone && v > best {
			best = v
		}
	}
	if !answered {
		return b.QueryDefault(q)
	}
	q.SetValue(best)
	return true
}

// QueryLatency asks every sink for the latency of its upstream and combines
// the answers as gst_bin_query does (bin_query_latency_fold,
// gst/gstbin.c:4140 at 1.22.0): live if any is live, the largest minimum and
// the smallest maximum of the live answers. ok is false as soon as one sink
// cannot answer — the whole query fails, and RecalculateLatency then
// configures nothing — and true for a bin without sinks, whose answer is
// {not live, 0, none} (default_return TRUE for the latency query,
// gst_bin_query, :4284).
func (b *Bin) QueryLatency() (live bool, min, max time.Duration, ok bool) {
	min, max, ok = 0, ClockTimeNone, true
	for _, s := range b.Sinks() {
		q := NewLatencyQuery()
		if !s.Base().Query(q) {
			ok = false
			continue // the fold goes on, but the result is FALSE
		}
		l, mn, mx := q.Latency()
		if l {
			live = true
			if mn > min {
				min = mn
			}
			if mx != ClockTimeNone && (max == ClockTimeNone || mx < max) {
				max = mx
			}
		}
	}
	return live, min, max, ok
}

// RecalculateLatency queries the latency and configures it on the sinks
// with a LATENCY event (gst_bin_recalculate_latency and
// gst_bin_do_latency_func, gst/gstbin.c:2719 and :2730 at 1.22.0). A
// top-level bin does this on its way to PLAYING; applications call it when
// a LATENCY message arrives (a live sink prerolled in PLAYING), as
// gst-launch-1.0 and Pipeline.Run do. It reports whether the query
// succeeded.
func (b *Bin) RecalculateLatency() bool {
	live, min, max, ok := b.QueryLatency()
	if !ok {
		logger(categoryStates).Warn("failed to query latency", "bin", b.name)
		return false
	}
	if max < min {
		b.PostWarning(fmt.Errorf("impossible to configure latency: max %s < min %s; add queues or other buffering elements",
			TimeString(max), TimeString(min)), "gst_bin_do_latency_func")
	}
	logger(categoryStates).Info("configuring latency", "bin", b.name, "live", live, "latency", TimeString(min))
	b.SendEvent(NewLatencyEvent(min))
	return true
}
