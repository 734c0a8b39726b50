package gstcheck

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// References of the form gstharness.c:N are to
// subprojects/gstreamer/libs/gst/check/gstharness.c at GStreamer tag 1.22.0;
// N is the line holding the function's name.

// A Harness tests one element in isolation (GstHarness, defined in
// libs/gst/check/gstharness.c at GStreamer 1.22.0). It surrounds the
// element with two pads of its own: a source pad linked to the element's
// sink pad, through which the test pushes buffers and events, and a sink pad
// linked from the element's source pad, which queues what the element
// outputs for the test to pull. It gives the element a TestClock, so that
// syncing is driven by the test, and a Bus, so that its messages can be
// inspected.
//
// Create a Harness with New or NewWithPadNames; it is torn down when the
// test ends. The element's streaming goroutines call into the harness
// concurrently with the test goroutine: all methods are safe for concurrent
// use, but the methods that fail the test (Pull, the clock helpers, Play,
// SetSrcCaps, ...) call t.Fatalf and so belong on the test goroutine, as
// testing.T requires.
//
// Every wait has a watchdog of 2 s of real time: where GStreamer's
// gst_harness_pull returns NULL after 60 s, Pull fails the test after 2 s
// with a message saying what it waited for. The watchdog is a deadline,
// never a sleep: waits return as soon as what they wait for happens.
type Harness struct {
	t        testing.TB
	element  gstmini.Element
	owner    *harnessElement
	srcPad   *gstmini.Pad // linked to the element's sink pad; nil if the element has no sink pads
	sinkPad  *gstmini.Pad // linked from the element's source pad; nil if it has no source pads
	clock    *TestClock
	watchdog time.Duration // real-time limit of every wait; tests shorten it

	teardown sync.Once

	mu             sync.Mutex    // guards every field below
	changed        chan struct{} // closed and replaced whenever a field below changes
	buffers        []*gstmini.Buffer
	events         []*gstmini.Event // events that reached the harness sink pad
	upstreamEvents []*gstmini.Event // events that reached the harness source pad
	recvBuffers    int
	recvEvents     int
	recvUpstream   int
	eosReceived    bool
	dropBuffers    bool
	blockingPush   bool
	blocked        chan struct{} // closed to release the chain call blocked in blocking push mode; nil if none
	live           bool
	latencyMin     time.Duration
	latencyMax     time.Duration
	lastPushTS     time.Duration
}

// harnessElement owns the harness's pads. A pad without a parent element
// refuses data with FlowFlushing, as GStreamer's does, so the harness pads
// belong to this element. It stays in NULL; the harness activates its pads
// itself.
type harnessElement struct {
	gstmini.ElementBase
}

// ChangeState implements gstmini.Element by chaining up.
func (e *harnessElement) ChangeState(t gstmini.StateChange) gstmini.StateChangeReturn {
	return e.ElementBase.ChangeState(t)
}

// New wraps element e in a harness that feeds its "sink" pad and receives
// from its "src" pad (gst_harness_new, gstharness.c:949, with
// gst_harness_new_with_element semantics, gstharness.c:862). It is
// NewWithPadNames(t, e, "sink", "src").
func New(t testing.TB, e gstmini.Element) *Harness {
	t.Helper()
	return NewWithPadNames(t, e, "sink", "src")
}

// NewWithPadNames wraps element e in a harness, linking the harness source
// pad to e's sink pad named sinkPad and e's source pad named srcPad to the
// harness sink pad; "" links none (gst_harness_new_with_element,
// gstharness.c:862, and gst_harness_add_element_full, gstharness.c:745).
// e must not be inside a bin.
//
// As GStreamer does, NewWithPadNames:
//   - creates the harness source pad if e has sink pads and the harness sink
//     pad if e has source pads, activated, with a link where a name is given;
//   - turns off the "async" and "sync" properties, where they exist, of an
//     element with sink pads and no source pads (a sink), so that it neither
//     prerolls nor waits on the clock;
//   - pushes a stream-start event with id "<element name>-<harness address>"
//     out of the harness source pad; e is still in NULL, so the event is only
//     stored, sticky, and reaches e before the first data;
//   - gives e a new TestClock at 0, or adopts e's clock if it is already a
//     *TestClock (any other clock is left alone and Clock returns an
//     unused TestClock); the base time stays 0, so running time equals the
//     test clock's time;
//   - sets e to PLAYING with Play if it has sink pads; a source-only element
//     stays in NULL until the test calls Play, so that it does not start
//     producing data on its own.
//
// gstmini additions: e gets a new Bus if it has none (see Bus). The harness
// is torn down with t.Cleanup(h.Teardown). Where GStreamer asserts (a pad
// that does not exist, a link that fails, a state change that is not
// SUCCESS), NewWithPadNames fails t with t.Fatalf.
func NewWithPadNames(t testing.TB, e gstmini.Element, sinkPad, srcPad string) *Harness {
	t.Helper()
	h := &Harness{
		t:          t,
		element:    e,
		watchdog:   watchdog,
		changed:    make(chan struct{}),
		live:       true, // gst_harness_new_empty, gstharness.c:677
		latencyMin: 0,
		latencyMax: gstmini.ClockTimeNone,
		lastPushTS: gstmini.ClockTimeNone,
	}
	t.Cleanup(h.Teardown)
	h.setup(sinkPad, srcPad)
	return h
}

// setup is gst_harness_add_element_full (gstharness.c:745). It returns
// early after failing t.
func (h *Harness) setup(sinkPadName, srcPadName string) {
	h.t.Helper()
	base := h.element.Base()
	if base.Bus() == nil {
		base.SetBus(gstmini.NewBus())
	}
	h.owner = &harnessElement{}
	h.owner.Init(h.owner, "harness")

	hasSink, hasSrc := len(base.SinkPads()) > 0, len(base.SrcPads()) > 0
	if hasSink {
		h.srcPad = gstmini.NewPad("src", gstmini.PadSrc)
		h.srcPad.SetEventFunc(h.srcEvent)
		h.srcPad.SetQueryFunc(h.query)
		if !h.addPad(h.srcPad) {
			return
		}
		if sinkPadName != "" && !h.link(h.srcPad, sinkPadName, gstmini.PadSink) {
			return
		}
	}
	if hasSrc {
		h.sinkPad = gstmini.NewPad("sink", gstmini.PadSink)
		h.sinkPad.SetChainFunc(h.chain)
		h.sinkPad.SetEventFunc(h.sinkEvent)
		h.sinkPad.SetQueryFunc(h.query)
		if !h.addPad(h.sinkPad) {
			return
		}
		if srcPadName != "" && !h.link(h.sinkPad, srcPadName, gstmini.PadSrc) {
			return
		}
	}
	if hasSink && !hasSrc && !h.turnAsyncAndSyncOff() {
		return
	}
	if h.srcPad != nil {
		id := fmt.Sprintf("%s-%p", base.Name(), h)
		if !h.srcPad.PushEvent(gstmini.NewStreamStartEvent(id)) {
			h.t.Fatalf("gstcheck: Harness: the harness source pad refused stream-start %q", id)
			return
		}
	}
	switch c := base.Clock().(type) {
	case *TestClock:
		h.clock = c
	case nil:
		h.clock = NewTestClock()
		base.SetClock(h.clock)
	default:
		h.clock = NewTestClock()
	}
	if hasSink {
		h.Play()
	}
}

// addPad adds p to the harness's own element and activates it.
func (h *Harness) addPad(p *gstmini.Pad) bool {
	h.t.Helper()
	if err := h.owner.AddPad(p); err != nil {
		h.t.Fatalf("gstcheck: Harness: %v", err)
		return false
	}
	p.SetActive(true)
	return true
}

// link links harness pad hp to the element's pad named name, which must
// have direction dir (gst_harness_link_element_sinkpad, gstharness.c:554,
// and _srcpad, gstharness.c:535).
func (h *Harness) link(hp *gstmini.Pad, name string, dir gstmini.PadDirection) bool {
	h.t.Helper()
	base := h.element.Base()
	ep := base.StaticPad(name)
	if ep == nil || ep.Direction() != dir {
		var names []string
		for _, p := range base.Pads() {
			names = append(names, fmt.Sprintf("%s (%s)", p.Name(), p.Direction()))
		}
		h.t.Fatalf("gstcheck: Harness: element %q has no %s pad named %q to link to the harness; its pads are [%s]",
			base.Name(), dir, name, strings.Join(names, ", "))
		return false
	}
	var err error
	if dir == gstmini.PadSink {
		err = hp.Link(ep)
	} else {
		err = ep.Link(hp)
	}
	if err != nil {
		h.t.Fatalf("gstcheck: Harness: %v (an element inside a bin cannot be harnessed)", err)
		return false
	}
	return true
}

// turnAsyncAndSyncOff sets the sink's "async" and "sync" properties to
// false where they exist (turn_async_and_sync_off, gstharness.c:638).
func (h *Harness) turnAsyncAndSyncOff() bool {
	h.t.Helper()
	base := h.element.Base()
	for _, name := range []string{"async", "sync"} {
		if _, ok := base.FindProperty(name); !ok {
			continue
		}
		if err := base.SetProperty(name, false); err != nil {
			h.t.Fatalf("gstcheck: Harness: turning off %q of sink %q: %v", name, base.Name(), err)
			return false
		}
	}
	return true
}

// Element returns the element under test.
func (h *Harness) Element() gstmini.Element { return h.element }

// Clock returns the harness's TestClock (gst_harness_get_testclock,
// gstharness.c:1399): the element's clock unless the element came with a
// clock of another kind.
func (h *Harness) Clock() *TestClock { return h.clock }

// Bus returns the bus the element posts its messages to: the one it had, or
// the one the harness gave it. GStreamer's harness gives the element no bus.
func (h *Harness) Bus() *gstmini.Bus { return h.element.Base().Bus() }

// SrcPad returns the harness source pad, linked to the element's sink pad,
// or nil if the element has no sink pads (GstHarness.srcpad).
func (h *Harness) SrcPad() *gstmini.Pad { return h.srcPad }

// SinkPad returns the harness sink pad, linked from the element's source
// pad, or nil if the element has no source pads (GstHarness.sinkpad).
func (h *Harness) SinkPad() *gstmini.Pad { return h.sinkPad }

// Play sets the element to PLAYING (gst_harness_play, gstharness.c:1525).
// It fails t unless the state change returns SUCCESS or NO_PREROLL and the
// element is then PLAYING with no change pending. GStreamer asserts SUCCESS;
// gstmini also accepts NO_PREROLL, which a live element may return for its
// last transition while being fully PLAYING. ASYNC fails: the element waits
// to preroll, as a sink with "async" on does.
func (h *Harness) Play() {
	h.t.Helper()
	base := h.element.Base()
	ret := base.SetState(gstmini.StatePlaying)
	cur, pending := base.State()
	if (ret == gstmini.StateChangeSuccess || ret == gstmini.StateChangeNoPreroll) &&
		cur == gstmini.StatePlaying && pending == gstmini.StateVoidPending {
		return
	}
	h.t.Fatalf("gstcheck: Harness.Play: setting %q to PLAYING returned %s and left it in %s (pending %s); want SUCCESS and PLAYING. "+
		"ASYNC means the element waits to preroll (a sink with async on); FAILURE usually comes with an ERROR message on Harness.Bus()",
		base.Name(), ret, cur, pending)
}

// SetSrcCaps pushes a caps event with c, then a segment event with a
// default TIME segment, out of the harness source pad
// (gst_harness_set_src_caps, gstharness.c:1241). Without it the element
// receives buffers before any caps or segment, and the pads warn about data
// flow before a segment. It fails t if the pad refuses an event.
func (h *Harness) SetSrcCaps(c gstmini.Caps) {
	h.t.Helper()
	if !h.requireSrcPad("SetSrcCaps") {
		return
	}
	if !h.srcPad.PushEvent(gstmini.NewCapsEvent(c)) {
		h.t.Fatalf("gstcheck: Harness.SetSrcCaps: the harness source pad refused caps %s", c)
		return
	}
	if !h.srcPad.PushEvent(gstmini.NewSegmentEvent(gstmini.NewSegment())) {
		h.t.Fatalf("gstcheck: Harness.SetSrcCaps: the harness source pad refused the TIME segment after caps %s", c)
	}
}

// PushSegment pushes a segment event with seg out of the harness source pad
// and reports whether it was handled, as gst_harness_push_event
// (gstharness.c:1998) does for a segment.
func (h *Harness) PushSegment(seg *gstmini.Segment) bool {
	return h.PushEvent(gstmini.NewSegmentEvent(seg))
}

// Push pushes buf into the element through the harness source pad, on the
// calling goroutine, and returns the flow result (gst_harness_push,
// gstharness.c:1661). It records buf's PTS as LastPushedTimestamp. Push takes
// ownership of buf. Pushing into an element without sink pads fails t with
// t.Errorf (safe from any goroutine) and returns FlowNotLinked.
func (h *Harness) Push(buf *gstmini.Buffer) gstmini.FlowReturn {
	h.t.Helper()
	if !h.requireSrcPadErr("Push") {
		buf.Unref()
		return gstmini.FlowNotLinked
	}
	h.mu.Lock()
	h.lastPushTS = buf.PTS
	h.mu.Unlock()
	return h.srcPad.Push(buf)
}

// PushAndPull pushes buf and pulls the next output buffer
// (gst_harness_push_and_pull, gstharness.c:1778); the push result is
// ignored as in GStreamer.
func (h *Harness) PushAndPull(buf *gstmini.Buffer) *gstmini.Buffer {
	h.t.Helper()
	h.Push(buf)
	return h.Pull()
}

// LastPushedTimestamp returns the PTS of the last buffer given to Push, or
// ClockTimeNone (gst_harness_get_last_pushed_timestamp, gstharness.c:1978).
func (h *Harness) LastPushedTimestamp() time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lastPushTS
}

// PushEvent pushes ev out of the harness source pad towards the element
// and reports whether it was handled (gst_harness_push_event,
// gstharness.c:1998). Sticky events are stored on the pad first and, like
// any sticky event but EOS, report true even if the element refused them.
func (h *Harness) PushEvent(ev *gstmini.Event) bool {
	h.t.Helper()
	if !h.requireSrcPadErr("PushEvent") {
		return false
	}
	return h.srcPad.PushEvent(ev)
}

// PushUpstreamEvent pushes ev out of the harness sink pad into the
// element's source pad and reports whether it was handled
// (gst_harness_push_upstream_event, gstharness.c:2098). An element that
// forwards it sends it on to the harness source pad, where
// PullUpstreamEvent finds it. ev must be an upstream event; otherwise it
// fails t with t.Errorf, where GStreamer fails a precondition.
func (h *Harness) PushUpstreamEvent(ev *gstmini.Event) bool {
	h.t.Helper()
	if h.sinkPad == nil {
		h.t.Errorf("gstcheck: Harness.PushUpstreamEvent: element %q has no source pad, so the harness has no sink pad to push %s from",
			h.element.Base().Name(), ev.Type())
		return false
	}
	if !ev.Type().IsUpstream() {
		h.t.Errorf("gstcheck: Harness.PushUpstreamEvent: %s is not an upstream event; push it with PushEvent", ev.Type())
		return false
	}
	return h.sinkPad.PushEvent(ev)
}

// Pull returns the oldest buffer the element pushed into the harness sink
// pad, waiting for one if the queue is empty (gst_harness_pull,
// gstharness.c:1684). In blocking push mode it then releases the push that
// is blocked in the harness, if any. If no buffer arrives within 2 s of real
// time, Pull fails t with a message saying what it waited for and returns
// nil; GStreamer returns NULL after 60 s. The caller owns the buffer.
func (h *Harness) Pull() *gstmini.Buffer {
	h.t.Helper()
	h.mu.Lock()
	ok := h.waitLocked(func() bool { return len(h.buffers) > 0 })
	buf := h.popBufferLocked()
	h.releaseBlockedLocked()
	recvBuf, recvEv, eos := h.recvBuffers, h.recvEvents, h.eosReceived
	h.mu.Unlock()
	if !ok {
		h.t.Fatalf("gstcheck: Harness.Pull: wanted a buffer from %s, but none reached the harness sink pad within %v of real time "+
			"(%d buffer(s) received so far, all pulled or dropped; %d event(s) received; EOS received: %t). "+
			"The element may be waiting on the clock (crank it), blocked elsewhere, dropping the data, "+
			"or waiting for caps and a segment (SetSrcCaps)",
			h.describeElement(), h.watchdog, recvBuf, recvEv, eos)
	}
	return buf
}

// TryPull returns the oldest queued output buffer, or nil at once if there
// is none (gst_harness_try_pull, gstharness.c:1748). Like Pull it releases
// a push blocked in blocking push mode, even when it returns nil.
func (h *Harness) TryPull() *gstmini.Buffer {
	h.mu.Lock()
	defer h.mu.Unlock()
	buf := h.popBufferLocked()
	h.releaseBlockedLocked()
	return buf
}

func (h *Harness) popBufferLocked() *gstmini.Buffer {
	if len(h.buffers) == 0 {
		return nil
	}
	buf := h.buffers[0]
	h.buffers[0] = nil
	h.buffers = h.buffers[1:]
	return buf
}

// PullEvent returns the oldest event that reached the harness sink pad,
// waiting for one like Pull (gst_harness_pull_event, gstharness.c:2017).
// Every event is queued, stream-start, caps and segment included. It fails
// t and returns nil if none arrives within 2 s of real time.
func (h *Harness) PullEvent() *gstmini.Event {
	h.t.Helper()
	return h.pullEvent("PullEvent", &h.events, "the harness sink pad (downstream from the element)")
}

// TryPullEvent returns the oldest event that reached the harness sink pad,
// or nil (gst_harness_try_pull_event, gstharness.c:2038).
func (h *Harness) TryPullEvent() *gstmini.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return popEvent(&h.events)
}

// PullUpstreamEvent returns the oldest event the element sent upstream to
// the harness source pad (QOS, latency, seek, reconfigure, ...), waiting for
// one like Pull (gst_harness_pull_upstream_event, gstharness.c:2120). It
// fails t and returns nil if none arrives within 2 s of real time.
func (h *Harness) PullUpstreamEvent() *gstmini.Event {
	h.t.Helper()
	return h.pullEvent("PullUpstreamEvent", &h.upstreamEvents, "the harness source pad (upstream from the element)")
}

// TryPullUpstreamEvent returns the oldest event that reached the harness
// source pad, or nil (gst_harness_try_pull_upstream_event,
// gstharness.c:2141).
func (h *Harness) TryPullUpstreamEvent() *gstmini.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return popEvent(&h.upstreamEvents)
}

func (h *Harness) pullEvent(helper string, q *[]*gstmini.Event, where string) *gstmini.Event {
	h.t.Helper()
	h.mu.Lock()
	ok := h.waitLocked(func() bool { return len(*q) > 0 })
	ev := popEvent(q)
	down, up := h.recvEvents, h.recvUpstream
	h.mu.Unlock()
	if !ok {
		h.t.Fatalf("gstcheck: Harness.%s: wanted an event from %s at %s, but none arrived within %v of real time "+
			"(%d event(s) received downstream, %d upstream, all pulled)",
			helper, h.describeElement(), where, h.watchdog, down, up)
	}
	return ev
}

func popEvent(q *[]*gstmini.Event) *gstmini.Event {
	if len(*q) == 0 {
		return nil
	}
	ev := (*q)[0]
	(*q)[0] = nil
	*q = (*q)[1:]
	return ev
}

// BuffersReceived returns how many buffers reached the harness sink pad,
// dropped ones included (gst_harness_buffers_received, gstharness.c:1799).
func (h *Harness) BuffersReceived() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.recvBuffers
}

// BuffersInQueue returns how many output buffers wait to be pulled
// (gst_harness_buffers_in_queue, gstharness.c:1818).
func (h *Harness) BuffersInQueue() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.buffers)
}

// EventsReceived returns how many events reached the harness sink pad
// (gst_harness_events_received, gstharness.c:2059).
func (h *Harness) EventsReceived() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.recvEvents
}

// EventsInQueue returns how many of them wait to be pulled
// (gst_harness_events_in_queue, gstharness.c:2078).
func (h *Harness) EventsInQueue() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.events)
}

// UpstreamEventsReceived returns how many events reached the harness source
// pad (gst_harness_upstream_events_received, gstharness.c:2162).
func (h *Harness) UpstreamEventsReceived() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.recvUpstream
}

// UpstreamEventsInQueue returns how many of them wait to be pulled
// (gst_harness_upstream_events_in_queue, gstharness.c:2181).
func (h *Harness) UpstreamEventsInQueue() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.upstreamEvents)
}

// EOSReceived reports whether an EOS event has reached the harness sink pad
// (GstHarnessPrivate.eos_received, which gst_harness_pull_until_eos reads).
func (h *Harness) EOSReceived() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.eosReceived
}

// SetDropBuffers makes the harness sink pad count and discard the buffers
// it receives instead of queueing them (gst_harness_set_drop_buffers,
// gstharness.c:1837).
func (h *Harness) SetDropBuffers(drop bool) {
	h.mu.Lock()
	h.dropBuffers = drop
	h.mu.Unlock()
}

// SetBlockingPushMode makes every buffer the element pushes into the
// harness block, after it is queued, until the test calls Pull or TryPull:
// each pull releases the one blocked push (gst_harness_set_blocking_push_mode,
// gstharness.c:1551). It lets a test pace an element that pushes as fast as
// it can. The blocked push holds the harness sink pad's stream lock, so
// serialized events (EOS) behind it wait too. There is no way back, as in
// GStreamer; Teardown releases a blocked push.
func (h *Harness) SetBlockingPushMode() {
	h.mu.Lock()
	h.blockingPush = true
	h.mu.Unlock()
}

// WaitForBlockedPush waits until a push is blocked in the harness sink pad
// in blocking push mode, holding a buffer the test has not pulled. With it a
// test knows that the element's streaming goroutine is parked, so that, for
// example, a queue upstream of it fills deterministically. It fails t if
// blocking push mode is off, or if no push blocks within 2 s of real time. A
// gstmini addition.
func (h *Harness) WaitForBlockedPush() {
	h.t.Helper()
	h.mu.Lock()
	if !h.blockingPush {
		h.mu.Unlock()
		h.t.Fatalf("gstcheck: Harness.WaitForBlockedPush: blocking push mode is off; call SetBlockingPushMode first")
		return
	}
	ok := h.waitLocked(func() bool { return h.blocked != nil })
	recv, queued := h.recvBuffers, len(h.buffers)
	h.mu.Unlock()
	if !ok {
		h.t.Fatalf("gstcheck: Harness.WaitForBlockedPush: wanted %s to block pushing into the harness, but no push blocked within %v of real time "+
			"(%d buffer(s) received, %d queued). The element may be waiting on the clock, blocked elsewhere or out of data",
			h.describeElement(), h.watchdog, recv, queued)
	}
}

// SetUpstreamLatency sets the minimum latency the harness pads report to
// latency queries (gst_harness_set_upstream_latency, gstharness.c:2227).
// The default is 0. It fails t if min is negative or ClockTimeNone.
func (h *Harness) SetUpstreamLatency(min time.Duration) {
	h.t.Helper()
	if min < 0 || !gstmini.IsValidTime(min) {
		h.t.Errorf("gstcheck: Harness.SetUpstreamLatency(%s): the latency must be a valid time >= 0", gstmini.TimeString(min))
		return
	}
	h.mu.Lock()
	h.latencyMin = min
	h.mu.Unlock()
}

// SetLive sets whether the harness pads report a live upstream to latency
// queries (gst_harness_set_live, gstharness.c:2245). The default is true.
func (h *Harness) SetLive(live bool) {
	h.mu.Lock()
	h.live = live
	h.mu.Unlock()
}

// QueryLatency sends a latency query to the element's source pad and
// returns the minimum latency of the answer; ok is false if the query was
// not answered, where GStreamer returns GST_CLOCK_TIME_NONE
// (gst_harness_query_latency, gstharness.c:2200).
func (h *Harness) QueryLatency() (min time.Duration, ok bool) {
	if h.sinkPad == nil {
		return gstmini.ClockTimeNone, false
	}
	q := gstmini.NewLatencyQuery()
	if !h.sinkPad.PeerQuery(q) {
		return gstmini.ClockTimeNone, false
	}
	_, min, _ = q.Latency()
	return min, true
}

// SetTime sets the TestClock's time to d (gst_harness_set_time,
// gstharness.c:1418). It fails t if d is earlier than the current time,
// where GStreamer aborts.
func (h *Harness) SetTime(d time.Duration) {
	h.t.Helper()
	if err := h.clock.SetTime(d); err != nil {
		h.t.Fatalf("gstcheck: Harness.SetTime: %v", err)
	}
}

// AdvanceTime moves the TestClock's time forward by d
// (gst_test_clock_advance_time on the harness's clock). It fails t if d is
// negative.
func (h *Harness) AdvanceTime(d time.Duration) {
	h.t.Helper()
	if err := h.clock.Advance(d); err != nil {
		h.t.Fatalf("gstcheck: Harness.AdvanceTime: %v", err)
	}
}

// WaitForClockIDWaits waits until at least n clock waits are pending on the
// TestClock and returns true (gst_harness_wait_for_clock_id_waits,
// gstharness.c:1444, which returns FALSE after its timeout). If they are not
// pending within 2 s of real time it fails t and returns false.
func (h *Harness) WaitForClockIDWaits(n int) bool {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), h.watchdog)
	defer cancel()
	ids, err := h.clock.WaitForMultiplePendingIDs(ctx, n)
	if err != nil {
		h.clockWaitFailed("WaitForClockIDWaits", n, len(ids))
		return false
	}
	return true
}

// CrankSingleClockWait waits for a clock wait, moves the TestClock to its
// time if that is later, and releases it (gst_harness_crank_single_clock_wait,
// gstharness.c:1470, which is gst_test_clock_crank). It returns true, or
// fails t and returns false if no wait is pending within 2 s of real time.
func (h *Harness) CrankSingleClockWait() bool {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), h.watchdog)
	defer cancel()
	if _, err := h.clock.Crank(ctx); err != nil {
		h.clockWaitFailed("CrankSingleClockWait", 1, 0)
		return false
	}
	return true
}

// CrankMultipleClockWaits waits until at least n clock waits are pending,
// sets the TestClock to the latest of their times and releases all pending
// waits (gst_harness_crank_multiple_clock_waits, gstharness.c:1494). It
// returns whether exactly n were released: false if more than n were
// pending, as in GStreamer. The clock never goes backwards: if every wait is
// in the past it stays where it is, where GStreamer aborts. It fails t and
// returns false if n waits are not pending within 2 s of real time.
func (h *Harness) CrankMultipleClockWaits(n int) bool {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), h.watchdog)
	defer cancel()
	ids, err := h.clock.WaitForMultiplePendingIDs(ctx, n)
	if err != nil {
		h.clockWaitFailed("CrankMultipleClockWaits", n, len(ids))
		return false
	}
	latest := time.Duration(0)
	for _, id := range ids {
		latest = max(latest, id.Time())
	}
	if latest > h.clock.Time() {
		h.SetTime(latest)
	}
	processed := 0
	for _, id := range ids {
		if h.clock.ProcessID(id) {
			processed++
		}
	}
	return processed == n
}

func (h *Harness) clockWaitFailed(helper string, want, pending int) {
	h.t.Helper()
	h.t.Fatalf("gstcheck: Harness.%s: wanted %d pending clock wait(s) from %s within %v of real time, but %d were pending; clock at %s. "+
		"The element probably never reached its clock wait: it is blocked elsewhere, has no data, or does not sync (sync=false)",
		helper, want, h.describeElement(), h.watchdog, pending, gstmini.TimeString(h.clock.Time()))
}

// Teardown releases a push blocked in blocking push mode, deactivates and
// unlinks the harness pads, sets the element to NULL and drops whatever is
// still queued (gst_harness_teardown, gstharness.c:1061). It fails t with
// t.Errorf unless the element reaches NULL with SUCCESS. Once it returns, the
// element's streaming goroutines have stopped, provided the element stops
// them when it leaves PAUSED. New registers it with t.Cleanup; calling it
// earlier is allowed, and later calls do nothing.
func (h *Harness) Teardown() {
	h.t.Helper()
	h.teardown.Do(h.doTeardown)
}

func (h *Harness) doTeardown() {
	h.t.Helper()
	h.mu.Lock()
	h.blockingPush = false
	h.releaseBlockedLocked()
	h.mu.Unlock()

	// Deactivating a pad waits, on its stream lock, for a chain or event
	// call in progress; none can start afterwards. Element code that never
	// returns would hang the test binary here, so the teardown runs under
	// the watchdog and fails the test instead.
	base := h.element.Base()
	var ret gstmini.StateChangeReturn
	finished := h.underWatchdog(func() {
		if h.srcPad != nil {
			h.srcPad.SetActive(false)
			if peer := h.srcPad.Peer(); peer != nil {
				_ = h.srcPad.Unlink(peer)
			}
		}
		if h.sinkPad != nil {
			h.sinkPad.SetActive(false)
			if peer := h.sinkPad.Peer(); peer != nil {
				_ = peer.Unlink(h.sinkPad)
			}
		}
		ret = base.SetState(gstmini.StateNull)
	})
	if !finished {
		h.t.Errorf("gstcheck: Harness.Teardown: setting %q to NULL did not finish within %v: a streaming goroutine of the element probably never returns (blocked in a push, a wait or a lock it does not release on flush)",
			base.Name(), watchdog)
		return
	}
	if cur, pending := base.State(); ret != gstmini.StateChangeSuccess || cur != gstmini.StateNull {
		h.t.Errorf("gstcheck: Harness.Teardown: setting %q to NULL returned %s and left it in %s (pending %s); want SUCCESS and NULL",
			base.Name(), ret, cur, pending)
	}

	h.mu.Lock()
	for _, b := range h.buffers {
		b.Unref()
	}
	h.buffers, h.events, h.upstreamEvents = nil, nil, nil
	h.notifyLocked()
	h.mu.Unlock()
}

// underWatchdog runs f on its own goroutine and reports whether it
// finished within the package's 2 s watchdog (never a shortened one:
// teardown under -race on a loaded machine takes its time). If not, the
// goroutine is left behind (goleak will name it) rather than hanging the
// test binary.
func (h *Harness) underWatchdog(f func()) bool {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	timer := time.NewTimer(watchdog)
	defer timer.Stop()
	select {
	case <-done:
		return true
	case <-timer.C:
		return false
	}
}

// chain is the harness sink pad's chain function (gst_harness_chain,
// gstharness.c:212): count, queue unless dropping, block in blocking push
// mode until a pull, and always return FlowOK.
func (h *Harness) chain(_ *gstmini.Pad, _ gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
	h.mu.Lock()
	h.recvBuffers++
	if h.dropBuffers {
		buf.Unref()
	} else {
		h.buffers = append(h.buffers, buf)
	}
	var release chan struct{}
	if h.blockingPush {
		release = make(chan struct{})
		h.blocked = release
	}
	h.notifyLocked()
	h.mu.Unlock()
	if release != nil {
		<-release
	}
	return gstmini.FlowOK
}

// sinkEvent is the harness sink pad's event function
// (gst_harness_sink_event, gstharness.c:252) without a sink harness to
// forward to: every event is counted and queued; EOS is also flagged.
func (h *Harness) sinkEvent(_ *gstmini.Pad, _ gstmini.Element, ev *gstmini.Event) bool {
	h.mu.Lock()
	h.recvEvents++
	if ev.Type() == gstmini.EventEOS {
		h.eosReceived = true
	}
	h.events = append(h.events, ev)
	h.notifyLocked()
	h.mu.Unlock()
	return true
}

// srcEvent is the harness source pad's event function
// (gst_harness_src_event, gstharness.c:240): upstream events are counted and
// queued.
func (h *Harness) srcEvent(_ *gstmini.Pad, _ gstmini.Element, ev *gstmini.Event) bool {
	h.mu.Lock()
	h.recvUpstream++
	h.upstreamEvents = append(h.upstreamEvents, ev)
	h.notifyLocked()
	h.mu.Unlock()
	return true
}

// query answers queries on both harness pads (gst_harness_src_query,
// gstharness.c:463, and gst_harness_sink_query, gstharness.c:370): a latency
// query gets (live, min, max), true, 0 and ClockTimeNone by default. Other
// queries fail, as the default handling of a GStreamer pad without a parent
// forwards them nowhere.
func (h *Harness) query(_ *gstmini.Pad, _ gstmini.Element, q *gstmini.Query) bool {
	if q.Type() != gstmini.QueryLatency {
		return false
	}
	h.mu.Lock()
	live, minL, maxL := h.live, h.latencyMin, h.latencyMax
	h.mu.Unlock()
	q.SetLatency(live, minL, maxL)
	return true
}

// waitLocked waits, releasing h.mu meanwhile, until cond (evaluated with
// h.mu held) is true or the watchdog expires, and returns cond's last value.
func (h *Harness) waitLocked(cond func() bool) bool {
	if cond() {
		return true
	}
	timer := time.NewTimer(h.watchdog)
	defer timer.Stop()
	for !cond() {
		ch := h.changed
		h.mu.Unlock()
		select {
		case <-ch:
			h.mu.Lock()
		case <-timer.C:
			h.mu.Lock()
			return cond()
		}
	}
	return true
}

// notifyLocked wakes every goroutine waiting in waitLocked.
func (h *Harness) notifyLocked() {
	close(h.changed)
	h.changed = make(chan struct{})
}

// releaseBlockedLocked releases the push blocked in blocking push mode, if
// any: one wakeup per pull, as g_cond_signal in gst_harness_pull.
func (h *Harness) releaseBlockedLocked() {
	if h.blocked != nil {
		close(h.blocked)
		h.blocked = nil
		h.notifyLocked()
	}
}

func (h *Harness) requireSrcPad(helper string) bool {
	h.t.Helper()
	if h.srcPad == nil {
		h.t.Fatalf("gstcheck: Harness.%s: element %q has no sink pad, so the harness has no source pad", helper, h.element.Base().Name())
		return false
	}
	return true
}

// requireSrcPadErr is requireSrcPad for methods that may run on other
// goroutines: it fails t with t.Errorf.
func (h *Harness) requireSrcPadErr(helper string) bool {
	h.t.Helper()
	if h.srcPad == nil {
		h.t.Errorf("gstcheck: Harness.%s: element %q has no sink pad, so the harness has no source pad to push from", helper, h.element.Base().Name())
		return false
	}
	return true
}

// describeElement names the element and its state for failure messages.
func (h *Harness) describeElement() string {
	base := h.element.Base()
	cur, pending := base.State()
	if pending != gstmini.StateVoidPending {
		return fmt.Sprintf("element %q (%s, pending %s)", base.Name(), cur, pending)
	}
	return fmt.Sprintf("element %q (%s)", base.Name(), cur)
}
