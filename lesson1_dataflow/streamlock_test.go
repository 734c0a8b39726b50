package dataflow

import (
	"runtime"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Step 4: The stream lock.

func TestChainRunsUnderThePeersStreamLock(t *testing.T) {
	defer reportPanic(t)
	src, sink := newLinkedPads(t)
	var called, sinkLocked, srcLocked bool
	sink.SetChainFunc(func(*gstmini.Buffer) gstmini.FlowReturn {
		called = true
		sinkLocked = isLocked(sink.StreamLock())
		srcLocked = isLocked(src.StreamLock())
		return gstmini.FlowOK
	})

	ret := src.Push(bufferAt(0))

	require.True(t, called, "Push() = %s but the peer's chain function never ran\nhint: finish Step 2 first (README: Step 2)", ret)
	assert.True(t, sinkLocked, "the sink pad's stream lock was free while its chain function ran; want it held\nhint: take the PEER's StreamLock() before calling its chain function, release it after (README: Step 4)")
	assert.False(t, srcLocked, "the source pad's own stream lock was held during the push; want it free\nhint: gst_pad_push does not take the pushing pad's stream lock, only the receiving pad's (README: Step 4)")
}

func TestEventFuncHoldsTheStreamLockOnlyForSerializedEvents(t *testing.T) {
	defer reportPanic(t)
	cases := []struct {
		description string
		before      *gstmini.Event // sent first, if not nil
		event       *gstmini.Event
		wantLocked  bool
	}{
		{"a serialized event travels in order with buffers",
			nil, gstmini.NewCustomEvent(gstmini.EventCustomDownstream, "marker", nil), true},
		{"flush-stop is serialized",
			gstmini.NewFlushStartEvent(), gstmini.NewFlushStopEvent(true), true},
		{"flush-start is not serialized: it must get past a blocked chain",
			nil, gstmini.NewFlushStartEvent(), false},
		{"an out-of-band event is not serialized",
			nil, gstmini.NewCustomEvent(gstmini.EventCustomDownOOB, "oob", nil), false},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			defer reportPanic(t)
			src, sink := newLinkedPads(t)
			var called, locked bool
			sink.SetEventFunc(func(ev *gstmini.Event) bool {
				if ev == tc.event {
					called = true
					locked = isLocked(sink.StreamLock())
				}
				return true
			})
			if tc.before != nil {
				require.True(t, src.PushEvent(tc.before), "setup: PushEvent(%s) = false; want true\nhint: (README: Step 4)", tc.before.Type())
			}

			ok := src.PushEvent(tc.event)

			require.True(t, ok, "PushEvent(%s) = false; want true: the sink's event function accepts everything\nhint: deliver the event to the peer's event function (README: Step 4)", tc.event.Type())
			require.True(t, called, "PushEvent(%s) = true but the peer's event function never saw the event\nhint: (README: Step 4)", tc.event.Type())
			if tc.wantLocked {
				assert.True(t, locked, "the sink's stream lock was free while its event function handled %s; want it held\nhint: a serialized event (ev.Type().IsSerialized()) takes the peer's stream lock, like a buffer (README: Step 4)", tc.event.Type())
			} else {
				assert.False(t, locked, "the sink's stream lock was held while its event function handled %s; want it free\nhint: only serialized events take the stream lock (README: Step 4)", tc.event.Type())
			}
		})
	}
}

func TestSerializedEventWaitsForARunningChain(t *testing.T) {
	defer reportPanic(t)
	explainRace(t, "the chain function's write of chainReturned and the event function's read were not ordered. "+
		"The serialized event must take the sink pad's stream lock, which the running chain call holds (README: Step 4).")
	src, sink := newLinkedPads(t)
	g := newGate(t)
	// A plain bool on purpose: only the stream lock orders the chain's write
	// before the event function's read. Without it, `go test -race` reports
	// a data race here, and the event function may read false.
	chainReturned := false
	sink.SetChainFunc(func(*gstmini.Buffer) gstmini.FlowReturn {
		g.Wait()
		chainReturned = true
		return gstmini.FlowOK
	})
	sawReturned := make(chan bool, 1)
	marker := gstmini.NewCustomEvent(gstmini.EventCustomDownstream, "marker", nil)
	sink.SetEventFunc(func(ev *gstmini.Event) bool {
		if ev == marker {
			sawReturned <- chainReturned
		}
		return true
	})

	pushed := goPush(src, bufferAt(0))
	waitEntered(t, g, pushed, "Push calls the peer's chain function (README: Step 2)")
	sent := goPushEvent(src, marker) // races the chain to the sink pad
	g.Open()

	assertFlow(t, gstmini.FlowOK, recv(t, pushed, "Push", "(README: Step 4)"), "Push(buffer)", "(README: Step 2)")
	assert.True(t, recv(t, sent, "PushEvent(custom-downstream)", "(README: Step 4)"), "PushEvent(custom-downstream) = false; want true")
	select {
	case returned := <-sawReturned:
		assert.True(t, returned, "the event function ran while the chain function was still running; want the event to wait for it\nhint: the serialized event must take the sink's stream lock, which the chain call holds (README: Step 4)")
	default:
		assert.Fail(t, "PushEvent(custom-downstream) returned but the sink's event function never saw the event", "hint: (README: Step 4)")
	}
}

func TestFlushStartReachesTheSinkWhileItsChainIsBlocked(t *testing.T) {
	defer reportPanic(t)
	src, sink := newLinkedPads(t)
	g := newGate(t)
	sink.SetChainFunc(func(*gstmini.Buffer) gstmini.FlowReturn {
		g.Wait() // like a sink waiting for its clock
		return gstmini.FlowFlushing
	})
	sink.SetEventFunc(func(ev *gstmini.Event) bool {
		if ev.Type() == gstmini.EventFlushStart {
			g.Open() // like a sink unscheduling its clock wait
		}
		return true
	})

	pushed := goPush(src, bufferAt(0))
	waitEntered(t, g, pushed, "Push calls the peer's chain function (README: Step 2)")
	flushed := goPushEvent(src, gstmini.NewFlushStartEvent())

	ok := recv(t, flushed, "PushEvent(flush-start) while the chain function was blocked",
		"flush-start must not take the stream lock: the blocked chain holds it, and only the flush can unblock it (README: Step 4)")
	require.True(t, ok, "PushEvent(flush-start) = false; want true\nhint: deliver flush-start to the peer's event function (README: Step 4)")
	assertFlow(t, gstmini.FlowFlushing, recv(t, pushed, "Push", "(README: Step 4)"), "the blocked Push(buffer)",
		"the chain function woke up and returned flushing; Push passes it on (README: Step 3)")
	assertFlow(t, gstmini.FlowFlushing, src.Push(bufferAt(0)), "Push(buffer) after flush-start",
		"flush-start makes the source pad flushing too (README: Step 4)")
}

func TestFlushStopLetsDataFlowAgain(t *testing.T) {
	defer reportPanic(t)
	src, sink := newLinkedPads(t)
	calls := 0
	sink.SetChainFunc(func(*gstmini.Buffer) gstmini.FlowReturn { calls++; return gstmini.FlowOK })

	require.True(t, src.PushEvent(gstmini.NewFlushStartEvent()), "PushEvent(flush-start) = false; want true\nhint: (README: Step 4)")
	assertFlow(t, gstmini.FlowFlushing, src.Push(bufferAt(0)), "Push(buffer) between flush-start and flush-stop",
		"flush-start sets flushing on both pads (README: Step 4)")
	require.True(t, src.PushEvent(gstmini.NewFlushStopEvent(true)), "PushEvent(flush-stop) = false; want true\nhint: (README: Step 4)")
	assertFlow(t, gstmini.FlowOK, src.Push(bufferAt(0)), "Push(buffer) after flush-stop",
		"flush-stop clears flushing on both pads (README: Step 4)")
	assert.Equal(t, 1, calls, "the chain function ran %d times; want 1 (only the push after flush-stop)\nhint: (README: Step 4)", calls)
}

func TestPushEventRefusesWhatItCannotDeliver(t *testing.T) {
	marker := func() *gstmini.Event { return gstmini.NewCustomEvent(gstmini.EventCustomDownstream, "marker", nil) }
	cases := []struct {
		description string
		onSink      bool // push on the sink pad instead of the source pad
		event       *gstmini.Event
		breakIt     func(t *testing.T, src *Pad, sink *spy) // after a first event went through
		wantCalls   []string
		hint        string
	}{
		{"an upstream event is not pushed downstream", false,
			gstmini.NewSeekEvent(1, gstmini.FormatTime, gstmini.SeekFlagFlush, gstmini.SeekTypeSet, 0, gstmini.SeekTypeNone, gstmini.ClockTimeNone),
			func(*testing.T, *Pad, *spy) {}, []string{"custom-downstream"},
			"a source pad pushes only downstream events (ev.Type().IsDownstream()); a seek travels upstream (gst_pad_push_event, gstpad.c:5673) (README: Step 4)"},
		{"a sink pad does not push downstream events", true, marker(),
			func(*testing.T, *Pad, *spy) {}, []string{"custom-downstream"},
			"PushEvent on a sink pad would send the event upstream; this lesson's pads push downstream only (README: Step 4)"},
		{"the pushing pad was deactivated, so it is flushing", false, marker(),
			func(_ *testing.T, src *Pad, _ *spy) { src.SetActive(false) }, []string{"custom-downstream"},
			"while the pushing pad is flushing it refuses every event but flush-start and flush-stop, even if its peer could take it (gst_pad_push_event_unchecked, gstpad.c:5505) (README: Step 4)"},
		{"the peer was deactivated, so it is flushing", false, marker(),
			func(_ *testing.T, _ *Pad, sink *spy) { sink.pad.SetActive(false) }, []string{"custom-downstream"},
			"a flushing peer refuses the event before its event function runs, and PushEvent reports the failure (gst_pad_send_event_unchecked, gstpad.c:5863) (README: Step 4)"},
		{"the pads were unlinked", false, marker(),
			func(t *testing.T, src *Pad, sink *spy) {
				require.NoError(t, Unlink(src, sink.pad), "setup: Unlink(src, sink)")
			}, []string{"custom-downstream"},
			"without a peer nobody handled the event: PushEvent returns false (README: Step 4)"},
		{"the peer's event function refuses it", false, marker(),
			func(_ *testing.T, _ *Pad, sink *spy) { sink.Refuse(gstmini.EventCustomDownstream, true) },
			[]string{"custom-downstream", "refused custom-downstream"},
			"an event function that returns false turns into a failure, and PushEvent returns false (README: Step 4)"},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			defer reportPanic(t)
			src, sink := NewPad("src", Src), newSpy("sink")
			link(t, src, sink.pad)
			sink.pad.SetActive(true)
			src.SetActive(true)
			require.True(t, src.PushEvent(marker()), "setup: PushEvent(custom-downstream) from an active source pad to its active peer = false; want true\n"+
				"hint: deliver the event to the peer's event function first: TestEventFuncHoldsTheStreamLockOnlyForSerializedEvents (README: Step 4)")
			tc.breakIt(t, src, sink)
			pad := src
			if tc.onSink {
				pad = sink.pad
			}

			ok := pad.PushEvent(tc.event)

			assert.False(t, ok, "%s.PushEvent(%s) = true; want false\nhint: %s", pad.Name(), tc.event.Type(), tc.hint)
			assert.Equal(t, tc.wantCalls, sink.Calls(), "what reached the sink's event function, in order\nhint: %s", tc.hint)
		})
	}
}

func TestFlushStartMakesThePeerFlushingToo(t *testing.T) {
	defer reportPanic(t)
	src, sink := NewPad("src", Src), newSpy("sink")
	link(t, src, sink.pad)
	sink.pad.SetActive(true)
	src.SetActive(true)
	require.True(t, src.PushEvent(gstmini.NewFlushStartEvent()), "PushEvent(flush-start) = false; want true\nhint: (README: Step 4)")

	// Another source pad now pushes into the same sink pad: the sink pad
	// must still be flushing, whoever pushes.
	require.NoError(t, Unlink(src, sink.pad), "setup: Unlink(src, sink)")
	other := NewPad("other-src", Src)
	other.SetActive(true)
	link(t, other, sink.pad)

	assertFlow(t, gstmini.FlowFlushing, other.Push(bufferAt(0)), "other-src.Push(buffer) into the sink pad that received flush-start",
		"flush-start sets flushing on the pushing pad AND on its peer: the peer refuses data until flush-stop (gst_pad_send_event_unchecked, gstpad.c:5825) (README: Step 4)")
	require.True(t, other.PushEvent(gstmini.NewFlushStopEvent(true)), "other-src.PushEvent(flush-stop) = false; want true\nhint: (README: Step 4)")
	assertFlow(t, gstmini.FlowOK, other.Push(bufferAt(time.Second)), "other-src.Push(buffer) after flush-stop",
		"flush-stop clears flushing on both pads (README: Step 4)")
	assert.Equal(t, []string{"flush-start", "flush-stop", "buffer pts=0:00:01.000000000"}, sink.Calls(),
		"what reached the sink pad, in order\nhint: the buffer pushed between flush-start and flush-stop must not reach the chain function (README: Step 4)")
}

func TestFlushStopIsRefusedByAnInactivePad(t *testing.T) {
	cases := []struct {
		description string
		activate    func(src, sink *Pad)
	}{
		{"the pushing pad is inactive", func(_, sink *Pad) { sink.SetActive(true) }},
		{"the peer is inactive", func(src, _ *Pad) { src.SetActive(true) }},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			defer reportPanic(t)
			src, sink := NewPad("src", Src), NewPad("sink", Sink)
			calls := 0
			sink.SetChainFunc(func(*gstmini.Buffer) gstmini.FlowReturn { calls++; return gstmini.FlowOK })
			link(t, src, sink)
			tc.activate(src, sink)

			assert.False(t, src.PushEvent(gstmini.NewFlushStopEvent(true)), "PushEvent(flush-stop) = true; want false\n"+
				"hint: an inactive pad refuses flush-stop: clearing its flushing flag would make it look ready for data (gstpad.c:5489 and :5836) (README: Step 4)")
			assertFlow(t, gstmini.FlowFlushing, src.Push(bufferAt(0)), "Push(buffer) after flush-stop",
				"flush-stop must leave an inactive pad flushing; only SetActive(true) clears that (README: Step 4)")
			assert.Zero(t, calls, "the chain function ran %d times; want 0: an inactive pad takes no data", calls)
		})
	}
}

func TestDeactivatingAPadWaitsForItsRunningChain(t *testing.T) {
	defer reportPanic(t)
	src, sink := newLinkedPads(t)
	g := newGate(t)
	sink.SetChainFunc(func(*gstmini.Buffer) gstmini.FlowReturn {
		g.Wait() // a chain function still busy with a buffer
		return gstmini.FlowOK
	})
	pushed := goPush(src, bufferAt(0))
	waitEntered(t, g, pushed, "Push calls the peer's chain function (README: Step 2)")

	deactivated := start(func() bool { sink.SetActive(false); return true })

	// Deactivation makes the pad flushing at once: an out-of-band event,
	// which does not wait for the stream lock, is refused from then on.
	// (The probing runs on its own goroutine: a PushEvent stuck on a lock
	// must fail this test, not hang it.)
	probe := gstmini.NewCustomEvent(gstmini.EventCustomDownOOB, "probe", nil)
	deadline := time.Now().Add(watchdog)
	flushing := start(func() bool {
		for src.PushEvent(probe) {
			if time.Now().After(deadline) {
				return false
			}
			runtime.Gosched()
		}
		return true
	})
	const hintFlushingFirst = "deactivation sets flushing first (so new data is refused), then waits for the running chain function (pre_activate, gstpad.c:989) (README: Step 4)"
	require.True(t, recv(t, flushing, "src.PushEvent(custom-downstream-oob) during sink.SetActive(false)", hintFlushingFirst),
		"sink.SetActive(false) had not made the sink pad flushing 2s after it was called, while its chain function ran\nhint: "+hintFlushingFirst)
	failIfPanicked(t, "sink.SetActive(false)", deactivated.panicked)
	assert.False(t, yieldUntil(deactivated.returned), "sink.SetActive(false) returned while the pad's chain function was still running; want it to wait until the chain function returns\n"+
		"hint: after setting flushing, deactivation takes the pad's stream lock, which the running chain function holds; only then does it forget the sticky events (post_activate, gstpad.c:1049) (README: Step 4)")

	g.Open()
	assertFlow(t, gstmini.FlowOK, recv(t, pushed, "Push", "(README: Step 4)"), "Push(buffer) whose chain function finished during deactivation",
		"the chain function had the buffer already and returned ok (README: Step 2)")
	recv(t, deactivated, "sink.SetActive(false) after the chain function returned", "deactivation waits for the stream lock, which is free again (README: Step 4)")
}
