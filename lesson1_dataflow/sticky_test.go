package dataflow

import (
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Step 5: Sticky events.

func newSegmentEvent(start time.Duration) *gstmini.Event {
	seg := gstmini.NewSegment()
	seg.Start, seg.Time = start, start
	return gstmini.NewSegmentEvent(seg)
}

func TestStickyEventIsStoredOnTheSourcePad(t *testing.T) {
	src := NewPad("src", Src)
	assert.False(t, src.PushEvent(newSegmentEvent(0)), "PushEvent(segment) on an inactive pad = true; want false\nhint: store_sticky_event refuses everything while the pad is inactive (README: Step 5)")
	assert.True(t, src.StickyEvent(gstmini.EventSegment) == nil, "an inactive pad stored a segment; want nothing stored")
	src.SetActive(true) // active, but not linked: the events have nowhere to go yet

	streamStart, first := gstmini.NewStreamStartEvent("stream-1"), newSegmentEvent(0)
	assert.True(t, src.PushEvent(streamStart), "PushEvent(stream-start) on an active unlinked pad = false; want true\nhint: a sticky event other than EOS is stored and reported as handled; it is delivered when there is a peer (README: Step 5)")
	assert.True(t, src.PushEvent(first), "PushEvent(segment) on an active unlinked pad = false; want true\nhint: (README: Step 5)")
	assert.True(t, src.StickyEvent(gstmini.EventStreamStart) == streamStart, "StickyEvent(stream-start) did not return the stream-start pushed\nhint: (README: Step 5)")
	assert.True(t, src.StickyEvent(gstmini.EventSegment) == first, "StickyEvent(segment) did not return the segment pushed\nhint: (README: Step 5)")

	second := newSegmentEvent(10 * time.Second)
	src.PushEvent(second)
	assert.True(t, src.StickyEvent(gstmini.EventSegment) == second, "after a second segment, StickyEvent(segment) is not the new one\nhint: a pad keeps one event per sticky type; a new one replaces the old (README: Step 5)")
	assert.True(t, src.StickyEvent(gstmini.EventCaps) == nil, "StickyEvent(caps) = %v; want nil, no caps were pushed", src.StickyEvent(gstmini.EventCaps))

	src.PushEvent(gstmini.NewCustomEvent(gstmini.EventCustomDownstream, "not-sticky", nil))
	assert.True(t, src.StickyEvent(gstmini.EventCustomDownstream) == nil, "a custom-downstream event was stored; want only sticky events (ev.Type().IsSticky()) stored\nhint: (README: Step 5)")
}

func TestStickyEventsReachThePeerBeforeTheFirstBuffer(t *testing.T) {
	src, sink := NewPad("src", Src), newSpy("sink")
	src.SetActive(true)
	segment := newSegmentEvent(0)
	src.PushEvent(gstmini.NewStreamStartEvent("stream-1"))
	src.PushEvent(segment)

	link(t, src, sink.pad)
	sink.pad.SetActive(true)
	assert.Empty(t, sink.Calls(), "linking delivered %q at once; want the events to wait for the next buffer\nhint: Link only marks the stored events as not received (README: Step 5)", sink.Calls())

	ret := src.Push(bufferAt(time.Second))

	assertFlow(t, gstmini.FlowOK, ret, "Push(buffer)", "(README: Step 2)")
	assert.Equal(t, []string{"stream-start", "segment", "buffer pts=0:00:01.000000000"}, sink.Calls(),
		"what reached the sink pad, in order\nhint: before the buffer, Push sends every stored sticky event the peer has not received, in sticky order (README: Step 5)")
	assert.True(t, sink.pad.StickyEvent(gstmini.EventSegment) == segment, "the sink pad did not store the segment it accepted\nhint: after the event function returns true, store a sticky event on the receiving pad too (README: Step 5)")
}

func TestStickyEventsAreResentToANewPeer(t *testing.T) {
	src, first, second := NewPad("src", Src), newSpy("first-sink"), newSpy("second-sink")
	first.pad.SetActive(true)
	second.pad.SetActive(true)
	src.SetActive(true)
	link(t, src, first.pad)
	src.PushEvent(gstmini.NewStreamStartEvent("stream-1"))
	src.PushEvent(newSegmentEvent(0))
	assertFlow(t, gstmini.FlowOK, src.Push(bufferAt(0)), "Push(buffer) to first-sink", "(README: Step 5)")

	require.NoError(t, Unlink(src, first.pad), "setup: Unlink(src, first-sink)")
	link(t, src, second.pad)
	assertFlow(t, gstmini.FlowOK, src.Push(bufferAt(time.Second)), "Push(buffer) to second-sink", "(README: Step 5)")

	assert.Equal(t, []string{"stream-start", "segment", "buffer pts=0:00:00.000000000"}, first.Calls(), "what reached first-sink, in order\nhint: (README: Step 5)")
	assert.Equal(t, []string{"stream-start", "segment", "buffer pts=0:00:01.000000000"}, second.Calls(),
		"what reached second-sink, in order\nhint: a new peer has seen nothing: Link marks every stored event as not received, so the next Push resends them (README: Step 5)")
}

func TestEOSMakesLaterPushesReturnEOS(t *testing.T) {
	src, sink := NewPad("src", Src), newSpy("sink")
	link(t, src, sink.pad)
	sink.pad.SetActive(true)
	src.SetActive(true)
	src.PushEvent(gstmini.NewStreamStartEvent("stream-1"))
	src.PushEvent(newSegmentEvent(0))

	require.True(t, src.PushEvent(gstmini.NewEOSEvent()), "PushEvent(eos) = false; want true: the sink accepted it\nhint: for EOS, PushEvent reports whether the peer got it (README: Step 5)")
	assert.Equal(t, []string{"stream-start", "segment", "eos"}, sink.Calls(), "what reached the sink pad, in order\nhint: EOS is sticky and serialized: it goes out right away, after the events before it (README: Step 5)")
	assert.True(t, src.StickyEvent(gstmini.EventEOS) != nil, "the source pad did not store EOS\nhint: (README: Step 5)")
	assert.True(t, sink.pad.StickyEvent(gstmini.EventEOS) != nil, "the sink pad did not store the EOS it accepted\nhint: (README: Step 5)")

	assertFlow(t, gstmini.FlowEOS, src.Push(bufferAt(time.Second)), "Push(buffer) after EOS",
		"storing EOS marks the pad EOS; Push checks it right after flushing (README: Step 5)")
	assert.NotContains(t, sink.Calls(), "buffer pts=0:00:01.000000000", "a buffer pushed after EOS reached the sink")
	assert.False(t, src.PushEvent(newSegmentEvent(0)), "PushEvent(segment) after EOS = true; want false\nhint: a pad at EOS refuses every sticky event but stream-start (README: Step 5)")
}

func TestFlushStopRemovesSegmentAndEOS(t *testing.T) {
	src, sink := NewPad("src", Src), newSpy("sink")
	link(t, src, sink.pad)
	sink.pad.SetActive(true)
	src.SetActive(true)
	streamStart := gstmini.NewStreamStartEvent("stream-1")
	src.PushEvent(streamStart)
	src.PushEvent(newSegmentEvent(0))
	src.PushEvent(gstmini.NewEOSEvent())

	require.True(t, src.PushEvent(gstmini.NewFlushStartEvent()), "PushEvent(flush-start) = false; want true\nhint: (README: Step 4)")
	assert.False(t, src.PushEvent(newSegmentEvent(5*time.Second)), "PushEvent(segment) while flushing = true; want false\nhint: a flushing pad refuses a new segment or EOS (README: Step 5)")
	require.True(t, src.PushEvent(gstmini.NewFlushStopEvent(true)), "PushEvent(flush-stop) = false; want true\nhint: (README: Step 4)")

	for _, pad := range []*Pad{src, sink.pad} {
		assert.True(t, pad.StickyEvent(gstmini.EventSegment) == nil, "%s still stores a segment after flush-stop; want it removed\nhint: flush-stop removes the stored segment and EOS, on both pads (README: Step 5)", pad.Name())
		assert.True(t, pad.StickyEvent(gstmini.EventEOS) == nil, "%s still stores EOS after flush-stop; want it removed\nhint: (README: Step 5)", pad.Name())
		assert.True(t, pad.StickyEvent(gstmini.EventStreamStart) != nil, "%s lost its stream-start after flush-stop; want it kept: the stream goes on\nhint: (README: Step 5)", pad.Name())
	}

	assert.True(t, src.PushEvent(newSegmentEvent(5*time.Second)), "PushEvent(segment) after flush-stop = false; want true\nhint: (README: Step 5)")
	assertFlow(t, gstmini.FlowOK, src.Push(bufferAt(5*time.Second)), "Push(buffer) after flush-stop and a new segment",
		"flush-stop clears EOS (README: Step 5)")
	assert.Equal(t, []string{"stream-start", "segment", "eos", "flush-start", "flush-stop", "segment", "buffer pts=0:00:05.000000000"}, sink.Calls(),
		"what reached the sink pad, in order\nhint: stream-start was received before the flush and is not sent again (README: Step 5)")
}
