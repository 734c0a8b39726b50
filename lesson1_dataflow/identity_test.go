package dataflow

import (
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Step 6: An element in the middle.

// newSrcIdentitySink builds src -> identity -> sink and activates it, sinks
// first as a pipeline going to PAUSED does.
func newSrcIdentitySink(t *testing.T, sink *Pad) (*Pad, *Identity) {
	t.Helper()
	src, id := NewPad("src", Src), NewIdentity("identity")
	link(t, src, id.Sink)
	link(t, id.Src, sink)
	sink.SetActive(true)
	id.SetActive(true)
	src.SetActive(true)
	return src, id
}

func TestIdentityPassesBuffersThroughUnchanged(t *testing.T) {
	defer reportPanic(t)
	sink := newSpy("sink")
	src, id := newSrcIdentitySink(t, sink.pad)
	segment := newSegmentEvent(0)
	require.True(t, src.PushEvent(gstmini.NewStreamStartEvent("stream-1")), "PushEvent(stream-start) into the identity = false; want true\nhint: the identity's event function pushes the event out of its source pad (README: Step 6)")
	require.True(t, src.PushEvent(segment), "PushEvent(segment) into the identity = false; want true\nhint: (README: Step 6)")

	type stamp struct {
		pts, dts, duration time.Duration
		offset             uint64
		flags              gstmini.BufferFlags
	}
	in := []stamp{
		{0, 0, 40 * time.Millisecond, 0, gstmini.BufferFlagDiscont},
		{40 * time.Millisecond, 40 * time.Millisecond, 40 * time.Millisecond, 1, gstmini.BufferFlagDeltaUnit},
		{gstmini.ClockTimeNone, gstmini.ClockTimeNone, gstmini.ClockTimeNone, gstmini.BufferOffsetNone, 0},
	}
	var pushed []*gstmini.Buffer
	for _, s := range in {
		buf := gstmini.NewBuffer(4)
		buf.PTS, buf.DTS, buf.Duration, buf.Offset, buf.Flags = s.pts, s.dts, s.duration, s.offset, s.flags
		pushed = append(pushed, buf)
		assertFlow(t, gstmini.FlowOK, src.Push(buf), "Push(buffer) into the identity", "the identity's chain function returns what its source pad's Push returned (README: Step 6)")
	}

	assert.Equal(t, []string{"stream-start", "segment", "buffer pts=0:00:00.000000000", "buffer pts=0:00:00.040000000", "buffer pts=99:99:99.999999999"}, sink.Calls(),
		"what reached the sink after the identity, in order\nhint: the identity's chain function pushes each buffer out of its source pad (README: Step 6)")
	got := sink.Buffers()
	require.Len(t, got, len(in), "buffers that reached the sink")
	for i, s := range in {
		assert.True(t, got[i] == pushed[i], "buffer %d reached the sink as a different buffer; want the very same one\nhint: a passthrough element forwards the buffer it got (README: Step 6)", i)
		assert.Equal(t, s, stamp{got[i].PTS, got[i].DTS, got[i].Duration, got[i].Offset, got[i].Flags},
			"buffer %d's timestamps changed on the way; want them unchanged\nhint: elements pass timestamps through; only sources set them (README: Step 6)", i)
	}
	assert.True(t, id.Src.StickyEvent(gstmini.EventSegment) == segment, "the identity's source pad did not store the segment it forwarded\nhint: forward events with id.Src.PushEvent, which stores sticky events (README: Step 6)")
}

func TestIdentityPassesFlowReturnsUpstream(t *testing.T) {
	defer reportPanic(t)
	cases := []struct {
		description string
		ret         gstmini.FlowReturn
	}{
		{"the sink took the buffer", gstmini.FlowOK},
		{"the sink is at end of stream", gstmini.FlowEOS},
		{"the sink failed", gstmini.FlowError},
		{"the sink is flushing", gstmini.FlowFlushing},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			defer reportPanic(t)
			sink := NewPad("sink", Sink)
			calls := 0
			sink.SetChainFunc(func(*gstmini.Buffer) gstmini.FlowReturn { calls++; return tc.ret })
			src, _ := newSrcIdentitySink(t, sink)

			ret := src.Push(bufferAt(0))

			require.Equal(t, 1, calls, "Push() into the identity = %s and the sink's chain function ran %d times; want 1\nhint: the identity's chain function pushes the buffer on (README: Step 6)", ret, calls)
			assertFlow(t, tc.ret, ret, "Push(buffer) into the identity", "the identity returns the result of its own Push, unchanged (README: Step 6)")
		})
	}
	t.Run("the identity's source pad is not linked", func(t *testing.T) {
		defer reportPanic(t)
		src, id := NewPad("src", Src), NewIdentity("identity")
		link(t, src, id.Sink)
		id.SetActive(true)
		src.SetActive(true)

		assertFlow(t, gstmini.FlowNotLinked, src.Push(bufferAt(0)), "Push(buffer) into an identity whose source pad has no peer",
			"not-linked comes from the identity's source pad and travels back through its chain function (README: Step 6)")
	})
}

func TestPushThroughIdentityBlocksUntilTheSinkReturns(t *testing.T) {
	defer reportPanic(t)
	g := newGate(t)
	sink := NewPad("sink", Sink)
	sink.SetChainFunc(func(*gstmini.Buffer) gstmini.FlowReturn {
		g.Wait()
		return gstmini.FlowOK
	})
	src, _ := newSrcIdentitySink(t, sink)

	pushed := goPush(src, bufferAt(0))
	waitEntered(t, g, pushed, "the identity's chain function pushes the buffer on to the sink (README: Step 6)")
	if pushed.returned() {
		failIfPanicked(t, "Push(buffer) into the identity", pushed.panicked)
		assert.Fail(t, "Push() into the identity = "+pushed.value.String()+" while the sink's chain function was still running; want it to wait",
			"hint: one goroutine carries the buffer through every element down to the sink (README: Step 6)")
	}
	g.Open()
	assertFlow(t, gstmini.FlowOK, recv(t, pushed, "Push into the identity", "(README: Step 6)"), "Push(buffer) into the identity", "(README: Step 6)")
}
