package dataflow

import (
	"testing"

	"github.com/gstmini/workbook/gstmini"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Step 4: The stream lock.

func TestChainRunsUnderThePeersStreamLock(t *testing.T) {
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
	sent := make(chan bool, 1)
	go func() { sent <- src.PushEvent(marker) }() // races the chain to the sink pad
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
	flushed := make(chan bool, 1)
	go func() { flushed <- src.PushEvent(gstmini.NewFlushStartEvent()) }()

	ok := recv(t, flushed, "PushEvent(flush-start) while the chain function was blocked",
		"flush-start must not take the stream lock: the blocked chain holds it, and only the flush can unblock it (README: Step 4)")
	require.True(t, ok, "PushEvent(flush-start) = false; want true\nhint: deliver flush-start to the peer's event function (README: Step 4)")
	assertFlow(t, gstmini.FlowFlushing, recv(t, pushed, "Push", "(README: Step 4)"), "the blocked Push(buffer)",
		"the chain function woke up and returned flushing; Push passes it on (README: Step 3)")
	assertFlow(t, gstmini.FlowFlushing, src.Push(bufferAt(0)), "Push(buffer) after flush-start",
		"flush-start makes the source pad flushing too (README: Step 4)")
}

func TestFlushStopLetsDataFlowAgain(t *testing.T) {
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
