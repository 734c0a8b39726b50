package gstcheck

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gstmini/workbook/gstmini"
)

// ms is a millisecond; s (a second) is declared in testclock_test.go.
const ms = time.Millisecond

// shortWatchdog replaces the harness's 2 s watchdog in tests that expect a
// wait to fail, so that they stay fast.
const shortWatchdog = 10 * ms

var rawVideo = gstmini.Caps{MediaType: "video/x-raw", Framerate: gstmini.Fraction{Num: 30, Den: 1}}

// ---- test elements ----

func mustAddPad(e gstmini.Element, p *gstmini.Pad) {
	if err := e.Base().AddPad(p); err != nil {
		panic(err)
	}
}

// describeEvent is one readable string per event for the spies' logs.
func describeEvent(ev *gstmini.Event) string {
	if ev.Type() == gstmini.EventCaps {
		return "caps " + ev.Caps().MediaType
	}
	return ev.Type().String()
}

// identity forwards buffers and events unchanged, as GStreamer's identity
// does, and logs what reaches its sink pad, one string per item.
type identity struct {
	gstmini.ElementBase
	sink, src *gstmini.Pad

	mu  sync.Mutex
	log []string
}

func newIdentity(name string) *identity {
	e := &identity{}
	e.Init(e, name)
	e.sink = gstmini.NewPad("sink", gstmini.PadSink)
	e.src = gstmini.NewPad("src", gstmini.PadSrc)
	e.sink.SetChainFunc(func(_ *gstmini.Pad, _ gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
		e.record("buffer pts=" + gstmini.TimeString(buf.PTS))
		return e.src.Push(buf)
	})
	e.sink.SetEventFunc(func(pad *gstmini.Pad, parent gstmini.Element, ev *gstmini.Event) bool {
		e.record(describeEvent(ev))
		return pad.EventDefault(parent, ev)
	})
	mustAddPad(e, e.sink)
	mustAddPad(e, e.src)
	return e
}

func (e *identity) record(s string) {
	e.mu.Lock()
	e.log = append(e.log, s)
	e.mu.Unlock()
}

func (e *identity) logged() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.log...)
}

// testSink is a sink with basesink's "sync" and "async" properties (both
// true by default): with async it returns ASYNC from READY->PAUSED and never
// prerolls; with sync it waits on the clock until each buffer's PTS, which
// is its running time in the default segment with base time 0.
type testSink struct {
	gstmini.ElementBase
	sink *gstmini.Pad

	mu       sync.Mutex
	syncOn   bool
	asyncOn  bool
	flushing bool
	waiting  *gstmini.ClockID
	rendered []time.Duration
}

// newTestSink returns a testSink; without properties, sync and async stay
// on and cannot be turned off.
func newTestSink(name string, withProperties bool) *testSink {
	e := &testSink{syncOn: true, asyncOn: true, flushing: true}
	e.Init(e, name)
	e.SetFlags(gstmini.ElementFlagSink)
	e.sink = gstmini.NewPad("sink", gstmini.PadSink)
	e.sink.SetChainFunc(e.chain)
	mustAddPad(e, e.sink)
	if withProperties {
		e.InstallProperty(gstmini.BoolProperty("sync", "Sync on the clock", true,
			func() bool { e.mu.Lock(); defer e.mu.Unlock(); return e.syncOn },
			func(v bool) { e.mu.Lock(); e.syncOn = v; e.mu.Unlock() }))
		e.InstallProperty(gstmini.BoolProperty("async", "Go asynchronously to PAUSED", true,
			func() bool { e.mu.Lock(); defer e.mu.Unlock(); return e.asyncOn },
			func(v bool) { e.mu.Lock(); e.asyncOn = v; e.mu.Unlock() }))
	}
	return e
}

func (e *testSink) ChangeState(t gstmini.StateChange) gstmini.StateChangeReturn {
	if t == gstmini.TransitionPausedToReady {
		e.mu.Lock()
		e.flushing = true
		if e.waiting != nil {
			e.waiting.Unschedule()
		}
		e.mu.Unlock()
	}
	ret := e.ElementBase.ChangeState(t)
	if t == gstmini.TransitionReadyToPaused && ret == gstmini.StateChangeSuccess {
		e.mu.Lock()
		e.flushing = false
		async := e.asyncOn
		e.mu.Unlock()
		if async {
			return gstmini.StateChangeAsync
		}
	}
	return ret
}

func (e *testSink) chain(_ *gstmini.Pad, _ gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
	defer buf.Unref()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.syncOn && gstmini.IsValidTime(buf.PTS) {
		if e.flushing {
			return gstmini.FlowFlushing
		}
		id := gstmini.NewSingleShotID(e.Clock(), e.BaseTime()+buf.PTS)
		e.waiting = id
		e.mu.Unlock()
		ret, _ := id.Wait()
		e.mu.Lock()
		e.waiting = nil
		if ret == gstmini.ClockUnscheduled {
			return gstmini.FlowFlushing
		}
	}
	e.rendered = append(e.rendered, buf.PTS)
	return gstmini.FlowOK
}

func (e *testSink) renderedPTS() []time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]time.Duration(nil), e.rendered...)
}

// testSrc is a source-only element whose task pushes stream-start and a
// segment, then n one-second buffers as fast as downstream takes them, then
// EOS, and pauses.
type testSrc struct {
	gstmini.ElementBase
	src *gstmini.Pad
	n   int

	mu     sync.Mutex
	pushed int
}

func newTestSrc(name string, n int) *testSrc {
	e := &testSrc{n: n}
	e.Init(e, name)
	e.SetFlags(gstmini.ElementFlagSource)
	e.src = gstmini.NewPad("src", gstmini.PadSrc)
	e.src.SetActivateModeFunc(func(p *gstmini.Pad, _ gstmini.Element, _ gstmini.PadMode, active bool) bool {
		if active {
			p.StartTask(e.loop)
		} else {
			p.StopTask()
		}
		return true
	})
	mustAddPad(e, e.src)
	return e
}

func (e *testSrc) loop(task *gstmini.Task) {
	e.mu.Lock()
	i := e.pushed
	e.mu.Unlock()
	if i == 0 {
		e.src.PushEvent(gstmini.NewStreamStartEvent(e.Name()))
		e.src.PushEvent(gstmini.NewSegmentEvent(gstmini.NewSegment()))
	}
	if i == e.n {
		e.src.PushEvent(gstmini.NewEOSEvent())
		task.Pause()
		return
	}
	if ret := e.src.Push(gstmini.NewBufferWithPTS(time.Duration(i)*s, s)); ret != gstmini.FlowOK {
		task.Pause()
		return
	}
	e.mu.Lock()
	e.pushed++
	e.mu.Unlock()
}

// recordingTB records Fatalf and Errorf instead of failing the test, so that
// the harness's failure messages can be checked; everything else, Cleanup
// included, goes to the real test. Unlike testing.T's Fatalf, its Fatalf
// returns: the harness returns a zero value after failing.
type recordingTB struct {
	testing.TB

	mu     sync.Mutex
	fatals []string
	errs   []string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Fatalf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recordingTB) failures() (fatals, errs []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.fatals...), append([]string(nil), r.errs...)
}

// pushAsync pushes buf from another goroutine, as a producer thread would,
// and returns the channel that receives the flow result.
func pushAsync(h *Harness, buf *gstmini.Buffer) <-chan gstmini.FlowReturn {
	ch := make(chan gstmini.FlowReturn, 1)
	go func() { ch <- h.Push(buf) }()
	return ch
}

// receiveFlow returns the result of a push started with pushAsync. The
// deadline is a watchdog against a push that never returns, not a sleep.
func receiveFlow(t *testing.T, ch <-chan gstmini.FlowReturn, what string) gstmini.FlowReturn {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(5 * s):
		t.Fatalf("%s did not return within 5 s of real time", what)
		return gstmini.FlowError
	}
}

// requirePushBlocked fails if the push has already returned.
func requirePushBlocked(t *testing.T, ch <-chan gstmini.FlowReturn, why string) {
	t.Helper()
	select {
	case r := <-ch:
		t.Fatalf("the push returned %s but should still be blocked: %s", r, why)
	default:
	}
}

func eventTypes(evs []*gstmini.Event) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = describeEvent(ev)
	}
	return out
}

// pullEvents pulls n events from the harness sink pad.
func pullEvents(h *Harness, n int) []*gstmini.Event {
	var evs []*gstmini.Event
	for range n {
		evs = append(evs, h.PullEvent())
	}
	return evs
}

// ---- creation ----

func TestHarnessLinksItsPadsGivesATestClockAndABusAndSetsAFilterPlaying(t *testing.T) {
	id := newIdentity("identity")
	h := New(t, id)

	require.NotNil(t, h.SrcPad(), "identity has a sink pad, so the harness has a source pad")
	require.NotNil(t, h.SinkPad(), "identity has a source pad, so the harness has a sink pad")
	assert.Same(t, id.sink, h.SrcPad().Peer(), "the harness source pad feeds identity's sink pad")
	assert.Same(t, h.SinkPad(), id.src.Peer(), "identity's source pad feeds the harness sink pad")
	assert.True(t, h.SrcPad().IsActive() && h.SinkPad().IsActive(), "the harness pads are active")
	assert.Same(t, id, h.Element(), "Element returns the element under test")

	assert.Equal(t, gstmini.StatePlaying, id.CurrentState(), "an element with sink pads is set to PLAYING")
	assert.Same(t, h.Clock(), id.Clock(), "the element syncs to the harness's TestClock")
	assert.Equal(t, time.Duration(0), h.Clock().Time(), "the TestClock starts at 0")
	assert.Equal(t, time.Duration(0), id.BaseTime(), "base time stays 0: running time is the test clock's time")

	require.NotNil(t, h.Bus(), "the element gets a bus")
	var changes []string
	for _, m := range h.Bus().Messages() {
		if m.Type == gstmini.MessageStateChanged && m.Src == gstmini.Element(id) {
			changes = append(changes, m.OldState.String()+"->"+m.NewState.String())
		}
	}
	assert.Equal(t, []string{"NULL->READY", "READY->PAUSED", "PAUSED->PLAYING"}, changes,
		"the element's state changes are on the harness bus")
}

func TestHarnessStoresStreamStartWhileInNullAndDeliversItBeforeTheFirstBuffer(t *testing.T) {
	id := newIdentity("identity")
	h := New(t, id)

	sticky := h.SrcPad().StickyEvents()
	require.Len(t, sticky, 1, "the harness source pad stores one sticky event")
	assert.Equal(t, gstmini.EventStreamStart, sticky[0].Type(), "the stored event is stream-start")
	assert.True(t, strings.HasPrefix(sticky[0].StreamID(), "identity-"), "the stream id is <element name>-<harness>, got %q", sticky[0].StreamID())
	assert.Empty(t, id.sink.StickyEvents(), "pushed while identity was in NULL, stream-start has not reached it yet")
	assert.Empty(t, id.logged(), "identity has received nothing yet")

	require.Equal(t, gstmini.FlowOK, h.Push(gstmini.NewBufferWithPTS(0, s)), "push into a PLAYING identity")
	assert.Equal(t, []string{"stream-start", "buffer pts=0:00:00.000000000"}, id.logged(),
		"stream-start reaches identity before the first buffer")
	assert.Equal(t, "stream-start", describeEvent(h.PullEvent()), "identity forwards stream-start to the harness sink pad")
	assert.Equal(t, time.Duration(0), h.Pull().PTS, "then the buffer")
}

func TestHarnessSetSrcCapsPushesCapsThenADefaultTimeSegment(t *testing.T) {
	id := newIdentity("identity")
	h := New(t, id)

	h.SetSrcCaps(rawVideo)
	assert.Equal(t, []string{"stream-start", "caps video/x-raw", "segment"}, id.logged(),
		"SetSrcCaps delivers stream-start, caps and segment to the PLAYING element at once, in sticky order")
	evs := pullEvents(h, 3)
	assert.Equal(t, []string{"stream-start", "caps video/x-raw", "segment"}, eventTypes(evs), "identity forwards them in order")
	assert.Equal(t, rawVideo, evs[1].Caps(), "the caps are the ones set")
	seg := evs[2].Segment()
	require.NotNil(t, seg, "the segment event carries a segment")
	assert.Equal(t, gstmini.NewSegment(), seg, "the segment is a default TIME segment")
	assert.Equal(t, 3, h.EventsReceived(), "three events reached the harness sink pad")
	assert.Equal(t, 0, h.EventsInQueue(), "all were pulled")
}

func TestHarnessPushSegmentAndPushEventReachTheElement(t *testing.T) {
	id := newIdentity("identity")
	h := New(t, id)
	seg := gstmini.NewSegment()
	seg.Start, seg.Base = 5*s, 2*s

	require.True(t, h.PushSegment(seg), "the segment is handled")
	require.True(t, h.PushEvent(gstmini.NewCustomEvent(gstmini.EventCustomDownstream, "marker", nil)), "a custom event is handled")
	evs := pullEvents(h, 3)
	assert.Equal(t, []string{"stream-start", "segment", "custom-downstream"}, eventTypes(evs), "events reach the harness sink pad in order")
	assert.Equal(t, seg, evs[1].Segment(), "the segment arrives unchanged")
	assert.Equal(t, "marker", evs[2].Name(), "the custom event arrives unchanged")
}

func TestHarnessPushAndPullKeepOrderAndTimestampsThroughIdentity(t *testing.T) {
	h := New(t, newIdentity("identity"))
	h.SetSrcCaps(rawVideo)

	var sent []*gstmini.Buffer
	for i := range 3 {
		buf := gstmini.NewBufferWithPTS(time.Duration(i)*s, s)
		buf.DTS, buf.Offset = time.Duration(i)*s-ms, uint64(i)
		sent = append(sent, buf)
		require.Equal(t, gstmini.FlowOK, h.Push(buf), "push buffer %d", i)
	}
	assert.Equal(t, 2*s, h.LastPushedTimestamp(), "the last pushed PTS is recorded")
	assert.Equal(t, 3, h.BuffersReceived(), "three buffers reached the harness sink pad")
	assert.Equal(t, 3, h.BuffersInQueue(), "all three wait to be pulled")

	for i, want := range sent {
		got := h.Pull()
		require.NotNil(t, got, "pull buffer %d", i)
		assert.Same(t, want, got, "buffer %d: identity forwards the very buffer, in order", i)
		assert.Equal(t, time.Duration(i)*s, got.PTS, "buffer %d: PTS unchanged", i)
		assert.Equal(t, time.Duration(i)*s-ms, got.DTS, "buffer %d: DTS unchanged", i)
		assert.Equal(t, s, got.Duration, "buffer %d: duration unchanged", i)
		assert.Equal(t, uint64(i), got.Offset, "buffer %d: offset unchanged", i)
	}
	assert.Equal(t, 0, h.BuffersInQueue(), "the queue is empty")
	assert.Nil(t, h.TryPull(), "nothing more to pull")
	assert.Equal(t, time.Second, h.PushAndPull(gstmini.NewBufferWithPTS(s, s)).PTS, "PushAndPull returns the output buffer")
}

func TestHarnessTryPullsReturnNilAtOnceWhenNothingIsQueued(t *testing.T) {
	h := New(t, newIdentity("identity"))
	h.watchdog = shortWatchdog

	assert.Nil(t, h.TryPull(), "no buffer")
	assert.Nil(t, h.TryPullEvent(), "no event: stream-start has not been delivered")
	assert.Nil(t, h.TryPullUpstreamEvent(), "no upstream event")
}

func TestHarnessDropBuffersCountsButDoesNotQueue(t *testing.T) {
	h := New(t, newIdentity("identity"))
	h.SetSrcCaps(rawVideo)
	h.SetDropBuffers(true)

	for i := range 2 {
		require.Equal(t, gstmini.FlowOK, h.Push(gstmini.NewBufferWithPTS(time.Duration(i)*s, s)), "push %d", i)
	}
	assert.Equal(t, 2, h.BuffersReceived(), "dropped buffers are counted")
	assert.Equal(t, 0, h.BuffersInQueue(), "but not queued")
}

func TestHarnessEOSIsQueuedFlaggedAndEndsTheStream(t *testing.T) {
	h := New(t, newIdentity("identity"))
	h.SetSrcCaps(rawVideo)
	assert.False(t, h.EOSReceived(), "no EOS yet")

	require.True(t, h.PushEvent(gstmini.NewEOSEvent()), "EOS is handled")
	assert.True(t, h.EOSReceived(), "EOS reached the harness sink pad")
	assert.Equal(t, []string{"stream-start", "caps video/x-raw", "segment", "eos"}, eventTypes(pullEvents(h, 4)),
		"EOS is queued like every other event")
	assert.Equal(t, gstmini.FlowEOS, h.Push(gstmini.NewBufferWithPTS(0, s)), "a push after EOS returns eos")
}

// ---- failures ----

func TestHarnessWaitsFailWithAClearMessageWhenNothingArrives(t *testing.T) {
	rec := &recordingTB{TB: t}
	h := New(rec, newIdentity("identity"))
	h.watchdog = shortWatchdog

	assert.Nil(t, h.Pull(), "Pull returns nil after failing")
	assert.Nil(t, h.PullEvent(), "PullEvent returns nil after failing")
	assert.Nil(t, h.PullUpstreamEvent(), "PullUpstreamEvent returns nil after failing")
	assert.False(t, h.CrankSingleClockWait(), "CrankSingleClockWait returns false after failing")
	assert.False(t, h.WaitForClockIDWaits(2), "WaitForClockIDWaits returns false after failing")

	fatals, errs := rec.failures()
	assert.Empty(t, errs, "no Errorf")
	require.Len(t, fatals, 5, "each helper fails the test once")
	pull := fatals[0]
	assert.Contains(t, pull, "Harness.Pull", "the message names the helper")
	assert.Contains(t, pull, "wanted a buffer", "the message says what was expected")
	assert.Contains(t, pull, `element "identity" (PLAYING)`, "the message names the element and its state")
	assert.Contains(t, pull, "within 10ms of real time", "the message says how long it waited")
	assert.Contains(t, pull, "0 buffer(s) received", "the message says what was received")
	assert.Contains(t, pull, "SetSrcCaps", "the message names likely causes")
	assert.Contains(t, fatals[1], "Harness.PullEvent: wanted an event", "PullEvent says what it expected")
	assert.Contains(t, fatals[1], "harness sink pad", "PullEvent says where")
	assert.Contains(t, fatals[2], "Harness.PullUpstreamEvent: wanted an event", "PullUpstreamEvent says what it expected")
	assert.Contains(t, fatals[2], "harness source pad", "PullUpstreamEvent says where")
	assert.Contains(t, fatals[3], "CrankSingleClockWait: wanted 1 pending clock wait", "CrankSingleClockWait says what it expected")
	assert.Contains(t, fatals[3], "never reached its clock wait", "CrankSingleClockWait names the likely cause")
	assert.Contains(t, fatals[4], "WaitForClockIDWaits: wanted 2 pending clock wait(s)", "WaitForClockIDWaits says how many")
	assert.Contains(t, fatals[4], "clock at 0:00:00.000000000", "WaitForClockIDWaits gives the clock time")
}

func TestHarnessMisuseFailsTheTestInsteadOfCrashing(t *testing.T) {
	rec := &recordingTB{TB: t}
	src := New(rec, newTestSrc("src", 1))
	assert.Equal(t, gstmini.FlowNotLinked, src.Push(gstmini.NewBufferWithPTS(0, s)), "a source-only element cannot be pushed into")
	assert.False(t, src.PushEvent(gstmini.NewEOSEvent()), "nor sent events")

	h := New(rec, newIdentity("identity"))
	assert.False(t, h.PushUpstreamEvent(gstmini.NewEOSEvent()), "EOS is not an upstream event")
	h.WaitForBlockedPush()
	h.SetTime(2 * s)
	h.SetTime(s)
	assert.Equal(t, 2*s, h.Clock().Time(), "the clock does not go backwards")
	h.AdvanceTime(-s)

	fatals, errs := rec.failures()
	require.Len(t, errs, 3, "Push, PushEvent and PushUpstreamEvent fail with Errorf: %q", errs)
	assert.Contains(t, errs[0], `Harness.Push: element "src" has no sink pad`, "Push explains")
	assert.Contains(t, errs[1], "Harness.PushEvent", "PushEvent explains")
	assert.Contains(t, errs[2], "eos is not an upstream event", "PushUpstreamEvent explains")
	require.Len(t, fatals, 3, "WaitForBlockedPush, SetTime and AdvanceTime fail with Fatalf: %q", fatals)
	assert.Contains(t, fatals[0], "blocking push mode is off", "WaitForBlockedPush explains")
	assert.Contains(t, fatals[1], "cannot go backwards", "SetTime explains")
	assert.Contains(t, fatals[2], "Harness.AdvanceTime", "AdvanceTime explains")
}

func TestHarnessNewWithPadNamesLinksOnlyNamedPadsAndFailsOnUnknownNames(t *testing.T) {
	id := newIdentity("identity")
	h := NewWithPadNames(t, id, "", "src")
	require.NotNil(t, h.SrcPad(), "the harness source pad exists since identity has sink pads")
	assert.Nil(t, h.SrcPad().Peer(), `"" leaves it unlinked`)
	assert.Same(t, h.SinkPad(), id.src.Peer(), "the named source pad is linked")
	assert.Equal(t, gstmini.FlowNotLinked, h.Push(gstmini.NewBufferWithPTS(0, s)), "pushing out of an unlinked pad")

	rec := &recordingTB{TB: t}
	NewWithPadNames(rec, newIdentity("identity2"), "sink_0", "src")
	fatals, _ := rec.failures()
	require.Len(t, fatals, 1, "an unknown pad name fails the test")
	assert.Contains(t, fatals[0], `element "identity2" has no sink pad named "sink_0"`, "the message names the missing pad")
	assert.Contains(t, fatals[0], "[sink (sink), src (src)]", "the message lists the element's pads")
}

// ---- sinks and the clock ----

func TestHarnessTurnsOffSyncAndAsyncOfASink(t *testing.T) {
	sink := newTestSink("sink", true)
	h := New(t, sink)

	for _, name := range []string{"sync", "async"} {
		v, err := sink.Property(name)
		require.NoError(t, err, "read %q", name)
		assert.Equal(t, false, v, "the harness turns %q off on a sink", name)
	}
	assert.Nil(t, h.SinkPad(), "a sink has no source pad to harness")
	assert.Equal(t, gstmini.StatePlaying, sink.CurrentState(), "without async the sink reaches PLAYING at once")

	h.SetSrcCaps(rawVideo)
	require.Equal(t, gstmini.FlowOK, h.Push(gstmini.NewBufferWithPTS(5*s, s)), "push a buffer due at 5 s")
	assert.Equal(t, []time.Duration{5 * s}, sink.renderedPTS(), "without sync the sink renders at once")
	assert.Equal(t, 0, h.Clock().PendingIDCount(), "without sync nothing waits on the clock")
}

func TestHarnessFailsNewWhenASinkCannotTurnAsyncOff(t *testing.T) {
	rec := &recordingTB{TB: t}
	sink := newTestSink("prerolling-sink", false)
	h := New(rec, sink)

	fatals, _ := rec.failures()
	require.Len(t, fatals, 1, "New fails the test")
	assert.Contains(t, fatals[0], `setting "prerolling-sink" to PLAYING returned ASYNC`, "the message gives the result")
	assert.Contains(t, fatals[0], "want SUCCESS", "the message says what was expected")
	assert.Contains(t, fatals[0], "async on", "the message names the likely cause")

	h.Teardown()
	_, errs := rec.failures()
	assert.Empty(t, errs, "Teardown still brings the element to NULL")
	assert.Equal(t, gstmini.StateNull, sink.CurrentState(), "the element is in NULL")
}

func TestHarnessCrankSingleClockWaitReleasesASyncingSinkAtItsBuffersTime(t *testing.T) {
	sink := newTestSink("sink", true)
	h := New(t, sink)
	require.NoError(t, sink.SetProperty("sync", true), "turn sync back on")
	h.SetSrcCaps(rawVideo)

	pushed := pushAsync(h, gstmini.NewBufferWithPTS(2*s, s))
	require.True(t, h.WaitForClockIDWaits(1), "the sink waits on the clock")
	id, ok := h.Clock().PeekNextPendingID()
	require.True(t, ok, "a wait is pending")
	assert.Equal(t, 2*s, id.Time(), "the sink waits for running time + base time = PTS")
	assert.Empty(t, sink.renderedPTS(), "nothing rendered before the clock reaches 2 s")
	requirePushBlocked(t, pushed, "the sink is waiting on the clock")

	require.True(t, h.CrankSingleClockWait(), "crank the clock")
	assert.Equal(t, gstmini.FlowOK, receiveFlow(t, pushed, "the push"), "the push completes")
	assert.Equal(t, 2*s, h.Clock().Time(), "the crank moved the clock to the wait's time")
	assert.Equal(t, []time.Duration{2 * s}, sink.renderedPTS(), "the buffer is rendered")
}

func TestHarnessAdoptsAnElementsTestClockAndCranksMultipleWaitsOnIt(t *testing.T) {
	clock := NewTestClock()
	a, b := newTestSink("a", true), newTestSink("b", true)
	a.SetClock(clock)
	b.SetClock(clock)
	ha, hb := New(t, a), New(t, b)
	assert.Same(t, clock, ha.Clock(), "the harness adopts the element's TestClock")
	assert.Same(t, clock, hb.Clock(), "both harnesses share it")
	for _, h := range []*Harness{ha, hb} {
		require.NoError(t, h.Element().Base().SetProperty("sync", true), "turn sync back on")
		h.SetSrcCaps(rawVideo)
	}

	pa := pushAsync(ha, gstmini.NewBufferWithPTS(s, s))
	pb := pushAsync(hb, gstmini.NewBufferWithPTS(3*s, s))
	require.True(t, ha.CrankMultipleClockWaits(2), "both waits are released")
	assert.Equal(t, 3*s, clock.Time(), "the clock is set to the latest wait")
	assert.Equal(t, gstmini.FlowOK, receiveFlow(t, pa, "the push into a"), "a's push completes")
	assert.Equal(t, gstmini.FlowOK, receiveFlow(t, pb, "the push into b"), "b's push completes")
	assert.Equal(t, []time.Duration{s}, a.renderedPTS(), "a rendered its buffer")
	assert.Equal(t, []time.Duration{3 * s}, b.renderedPTS(), "b rendered its buffer")
}

func TestHarnessSetTimeAndAdvanceTimeMoveTheTestClock(t *testing.T) {
	h := New(t, newIdentity("identity"))
	h.SetTime(2 * s)
	h.AdvanceTime(500 * ms)
	assert.Equal(t, 2500*ms, h.Clock().Time(), "2 s + 500 ms")
	assert.Equal(t, 2500*ms, h.Element().Base().RunningTime(), "running time is the test clock's time")
}

// ---- upstream: events and queries ----

func TestHarnessUpstreamEventTravelsThroughTheElementToTheHarnessSrcPad(t *testing.T) {
	h := New(t, newIdentity("identity"))
	qos := gstmini.NewQOSEvent(gstmini.QOSUnderflow, 0.5, 20*ms, 2*s)

	require.True(t, h.PushUpstreamEvent(qos), "identity forwards the QoS event upstream")
	assert.Equal(t, 1, h.UpstreamEventsReceived(), "one event reached the harness source pad")
	assert.Equal(t, 1, h.UpstreamEventsInQueue(), "it waits to be pulled")
	assert.Same(t, qos, h.PullUpstreamEvent(), "the very event arrives")
	assert.Nil(t, h.TryPullUpstreamEvent(), "and nothing else")
	assert.Equal(t, 0, h.EventsReceived(), "nothing went downstream")
}

func TestHarnessPadsAnswerLatencyQueriesWithLiveMinAndMax(t *testing.T) {
	id := newIdentity("identity")
	h := New(t, id)
	latency := func(p *gstmini.Pad) string {
		q := gstmini.NewLatencyQuery()
		require.True(t, p.PeerQuery(q), "the harness pad answers")
		live, minL, maxL := q.Latency()
		return fmt.Sprintf("live=%t min=%v max=%s", live, minL, gstmini.TimeString(maxL))
	}
	const none = "99:99:99.999999999"

	assert.Equal(t, "live=true min=0s max="+none, latency(id.sink), "the harness source pad's defaults, as gst_harness_new_empty")
	assert.Equal(t, "live=true min=0s max="+none, latency(id.src), "the harness sink pad answers too")
	minL, ok := h.QueryLatency()
	assert.True(t, ok && minL == 0, "QueryLatency through identity: got %v, %t", minL, ok)

	h.SetUpstreamLatency(40 * ms)
	assert.Equal(t, "live=true min=40ms max="+none, latency(id.sink), "SetUpstreamLatency sets the minimum")
	minL, ok = h.QueryLatency()
	assert.True(t, ok && minL == 40*ms, "identity reports the upstream latency: got %v, %t", minL, ok)

	h.SetLive(false)
	assert.Equal(t, "live=false min=40ms max="+none, latency(id.sink), "SetLive(false) reports a non-live upstream")
	minL, ok = h.QueryLatency()
	assert.True(t, ok && minL == 0, "a non-live upstream adds no latency: got %v, %t", minL, ok)
}

// ---- blocking push mode ----

func TestHarnessBlockingPushModeHoldsEachPushUntilAPull(t *testing.T) {
	h := New(t, newIdentity("identity"))
	h.SetSrcCaps(rawVideo)
	h.SetBlockingPushMode()

	results := make(chan gstmini.FlowReturn, 2)
	go func() {
		for i := range 2 {
			results <- h.Push(gstmini.NewBufferWithPTS(time.Duration(i)*s, s))
		}
	}()

	h.WaitForBlockedPush()
	assert.Equal(t, 1, h.BuffersReceived(), "the first push reached the harness")
	assert.Equal(t, 1, h.BuffersInQueue(), "its buffer is queued while the push is blocked")
	requirePushBlocked(t, results, "nothing has been pulled")

	assert.Equal(t, time.Duration(0), h.Pull().PTS, "pull the first buffer")
	assert.Equal(t, gstmini.FlowOK, receiveFlow(t, results, "the first push"), "the pull released the first push")
	h.WaitForBlockedPush()
	assert.Equal(t, 2, h.BuffersReceived(), "the second push reached the harness")
	requirePushBlocked(t, results, "one pull releases one push")

	assert.Equal(t, s, h.Pull().PTS, "pull the second buffer")
	assert.Equal(t, gstmini.FlowOK, receiveFlow(t, results, "the second push"), "the pull released the second push")
}

func TestHarnessBlockingPushModePacesASourceAndTeardownReleasesIt(t *testing.T) {
	src := newTestSrc("src", 100)
	h := New(t, src)
	h.SetBlockingPushMode()
	h.Play()

	for i := range 3 {
		h.WaitForBlockedPush()
		assert.Equal(t, i+1, h.BuffersReceived(), "the source is parked on buffer %d", i)
		assert.Equal(t, time.Duration(i)*s, h.Pull().PTS, "buffer %d", i)
	}
	h.WaitForBlockedPush()

	h.Teardown()
	assert.Equal(t, gstmini.StateNull, src.CurrentState(), "the source is in NULL")
	assert.Equal(t, gstmini.TaskStopped, src.src.TaskState(), "its task has stopped")
	assert.False(t, h.SinkPad().IsActive(), "the harness sink pad is inactive")
	goleak.VerifyNone(t)
}

// ---- sources and teardown ----

func TestHarnessLeavesASourceInNullUntilPlay(t *testing.T) {
	src := newTestSrc("src", 3)
	h := New(t, src)

	assert.Equal(t, gstmini.StateNull, src.CurrentState(), "a source-only element stays in NULL")
	assert.Nil(t, h.SrcPad(), "a source has no sink pad to harness")
	assert.Same(t, h.Clock(), src.Clock(), "but it gets the TestClock")
	assert.Equal(t, 0, h.BuffersReceived(), "it has produced nothing")

	h.Play()
	assert.Equal(t, gstmini.StatePlaying, src.CurrentState(), "Play starts it")
	for i := range 3 {
		assert.Equal(t, time.Duration(i)*s, h.Pull().PTS, "buffer %d", i)
	}
	assert.Equal(t, []string{"stream-start", "segment", "eos"}, eventTypes(pullEvents(h, 3)), "the source's events")
	assert.True(t, h.EOSReceived(), "EOS was received")

	h.Teardown()
	assert.Equal(t, gstmini.StateNull, src.CurrentState(), "Teardown sets the source to NULL")
	goleak.VerifyNone(t)
}

func TestHarnessTeardownSetsNullDeactivatesUnlinksDropsQueuedDataAndIsIdempotent(t *testing.T) {
	id := newIdentity("identity")
	h := New(t, id)
	h.SetSrcCaps(rawVideo)
	buf := gstmini.NewBufferWithPTS(0, s)
	buf.Ref() // keep one reference to see the harness drop its own
	require.Equal(t, gstmini.FlowOK, h.Push(buf), "push a buffer and leave it queued")
	require.Equal(t, 2, buf.RefCount(), "the queue holds a reference")

	h.Teardown()
	assert.Equal(t, gstmini.StateNull, id.CurrentState(), "the element is in NULL")
	assert.False(t, h.SrcPad().IsActive(), "the harness source pad is inactive")
	assert.False(t, h.SinkPad().IsActive(), "the harness sink pad is inactive")
	assert.False(t, id.sink.IsLinked() || id.src.IsLinked(), "the element's pads are unlinked")
	assert.Equal(t, 1, buf.RefCount(), "the queued buffer was released")
	assert.Equal(t, 0, h.BuffersInQueue(), "the queue is empty")

	h.Teardown() // and again from t.Cleanup: no effect, no failure
	assert.Equal(t, gstmini.StateNull, id.CurrentState(), "still NULL")
}
