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
	defer reportPanic(t)
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
	defer reportPanic(t)
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
	defer reportPanic(t)
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
	defer reportPanic(t)
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
	defer reportPanic(t)
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

// newLinkedSpy returns an active source pad "src" linked to an active spy
// "sink" that has received stream-start.
func newLinkedSpy(t *testing.T) (*Pad, *spy) {
	t.Helper()
	src, sink := NewPad("src", Src), newSpy("sink")
	link(t, src, sink.pad)
	sink.pad.SetActive(true)
	src.SetActive(true)
	require.True(t, src.PushEvent(gstmini.NewStreamStartEvent("stream-1")), "setup: PushEvent(stream-start) = false; want true\nhint: (README: Step 5)")
	return src, sink
}

func TestPushReturnsWhyAStickyEventWasNotDelivered(t *testing.T) {
	cases := []struct {
		description string
		event       *gstmini.Event
		breakIt     func(sink *spy) // makes the sink refuse the event
		mend        func(sink *spy) // makes it accept again
		want        gstmini.FlowReturn
		hint        string
	}{
		{"the peer's event function refuses the segment", newSegmentEvent(0),
			func(s *spy) { s.Refuse(gstmini.EventSegment, true) }, func(s *spy) { s.Refuse(gstmini.EventSegment, false) },
			gstmini.FlowError, "a refused event is an error (gst_pad_send_event_unchecked, gstpad.c:5948)"},
		{"the peer's event function refuses the caps", gstmini.NewCapsEvent(gstmini.Caps{MediaType: "video/x-raw", Framerate: gstmini.Fraction{Num: 30, Den: 1}}),
			func(s *spy) { s.Refuse(gstmini.EventCaps, true) }, func(s *spy) { s.Refuse(gstmini.EventCaps, false) },
			gstmini.FlowNotNegotiated, "refused caps mean the two elements could not agree on a format: not-negotiated (gstpad.c:5945)"},
		{"the peer is inactive", newSegmentEvent(0),
			func(s *spy) { s.pad.SetActive(false) }, func(s *spy) { s.pad.SetActive(true) },
			gstmini.FlowFlushing, "an inactive peer is flushing and refuses the event with flushing"},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			defer reportPanic(t)
			src, sink := newLinkedSpy(t)
			tc.breakIt(sink)

			assert.True(t, src.PushEvent(tc.event), "PushEvent(%s) = false; want true even though the peer did not take it\n"+
				"hint: a sticky event other than EOS is stored and reported as handled; the next Push reports why it was not delivered (gst_pad_push_event, gstpad.c:5721) (README: Step 5)", tc.event.Type())
			assertFlow(t, tc.want, src.Push(bufferAt(0)), "Push(buffer) while a stored "+tc.event.Type().String()+" cannot be delivered",
				"Push first sends the sticky events the peer has not received; if one fails, Push returns that failure as it is and never calls the chain function: "+
					tc.hint+" (gst_pad_push_data, gstpad.c:4713) (README: Step 5)")
			assert.NotContains(t, sink.Calls(), "buffer pts=0:00:00.000000000", "the buffer reached the chain function although the %s before it was not delivered\n"+
				"hint: a peer must never see data without the events that describe it (README: Step 5)", tc.event.Type())
			assert.True(t, sink.pad.StickyEvent(tc.event.Type()) == nil, "the sink pad stored the %s it did not accept\n"+
				"hint: the receiving pad stores a sticky event only after its event function returned true (gstpad.c:5959) (README: Step 5)", tc.event.Type())

			tc.mend(sink)
			assertFlow(t, gstmini.FlowOK, src.Push(bufferAt(time.Second)), "Push(buffer) once the peer takes the "+tc.event.Type().String(),
				"the event stays stored and not received, so the next Push sends it again before its buffer (README: Step 5)")
			assert.Equal(t, []string{tc.event.Type().String(), "buffer pts=0:00:01.000000000"}, lastCalls(sink, 2),
				"the last two things that reached the sink pad\nhint: the undelivered event goes out again before the next buffer (README: Step 5)")
		})
	}
}

// lastCalls returns the last n calls the spy saw (fewer if it saw fewer).
func lastCalls(s *spy, n int) []string {
	calls := s.Calls()
	return calls[max(0, len(calls)-n):]
}

func TestPushEventOfEOSReportsWhetherThePeerTookIt(t *testing.T) {
	cases := []struct {
		description string
		setup       func(t *testing.T, src *Pad, sink *spy)
		want        bool
		hint        string
	}{
		{"the peer took it", func(*testing.T, *Pad, *spy) {}, true,
			"EOS is sticky and serialized: it goes out at once, and PushEvent reports that the peer took it"},
		{"the peer's event function refused it", func(_ *testing.T, _ *Pad, sink *spy) { sink.Refuse(gstmini.EventEOS, true) }, false,
			"no data follows EOS to report a failure later, so PushEvent(EOS) returns the delivery's real result (gst_pad_push_event, gstpad.c:5718)"},
		{"the peer is inactive", func(_ *testing.T, _ *Pad, sink *spy) { sink.pad.SetActive(false) }, false,
			"an inactive peer refuses EOS with flushing, and PushEvent(EOS) says so"},
		{"there is no peer", func(t *testing.T, src *Pad, sink *spy) {
			require.NoError(t, Unlink(src, sink.pad), "setup: Unlink(src, sink)")
		}, false,
			"without a peer, every sticky event but EOS counts as sent; EOS does not, so PushEvent(EOS) returns false (push_sticky, gstpad.c:4083)"},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			defer reportPanic(t)
			src, sink := newLinkedSpy(t)
			src.PushEvent(newSegmentEvent(0))
			tc.setup(t, src, sink)

			ok := src.PushEvent(gstmini.NewEOSEvent())

			assert.Equal(t, tc.want, ok, "PushEvent(eos) = %t; want %t\nhint: %s (README: Step 5)", ok, tc.want, tc.hint)
			assert.True(t, src.StickyEvent(gstmini.EventEOS) != nil, "the source pad did not store EOS; want it stored whether or not the peer took it\nhint: storing comes first (README: Step 5)")
			assertFlow(t, gstmini.FlowEOS, src.Push(bufferAt(time.Second)), "Push(buffer) after PushEvent(eos)",
				"storing EOS marks the source pad EOS, whatever the peer did with it (README: Step 5)")
		})
	}
}

func TestStickyEventsAreStoredInStickyOrder(t *testing.T) {
	defer reportPanic(t)
	src, sink := NewPad("src", Src), newSpy("sink")
	src.SetActive(true) // not linked yet: the events wait on src
	caps := gstmini.NewCapsEvent(gstmini.Caps{MediaType: "video/x-raw", Framerate: gstmini.Fraction{Num: 30, Den: 1}})
	src.PushEvent(newSegmentEvent(0))
	src.PushEvent(caps)                                    // misordered: caps belong before the segment
	src.PushEvent(gstmini.NewStreamStartEvent("stream-1")) // and stream-start before both
	link(t, src, sink.pad)
	sink.pad.SetActive(true)

	assertFlow(t, gstmini.FlowOK, src.Push(bufferAt(0)), "Push(buffer)", "(README: Step 5)")
	assert.Equal(t, []string{"stream-start", "caps", "segment", "buffer pts=0:00:00.000000000"}, sink.Calls(),
		"what reached the sink pad, in order, after pushing segment, caps, stream-start\n"+
			"hint: a pad keeps its sticky events in sticky order, whatever order they were pushed in: stream-start, caps, segment, tag, EOS "+
			"(the EventType values sort that way) (store_sticky_event, gstpad.c:5301) (README: Step 5)")
}

func TestANewStickyEventReplacesTheOldOneAndIsSentAgain(t *testing.T) {
	defer reportPanic(t)
	src, sink := newLinkedSpy(t)
	src.PushEvent(newSegmentEvent(0))
	assertFlow(t, gstmini.FlowOK, src.Push(bufferAt(0)), "Push(buffer)", "(README: Step 5)")

	second := newSegmentEvent(10 * time.Second)
	assert.True(t, src.PushEvent(second), "PushEvent(a second segment) = false; want true\nhint: (README: Step 5)")
	assertFlow(t, gstmini.FlowOK, src.Push(bufferAt(10*time.Second)), "Push(buffer) after the second segment", "(README: Step 5)")

	assert.Equal(t, []string{"stream-start", "segment", "buffer pts=0:00:00.000000000", "segment", "buffer pts=0:00:10.000000000"}, sink.Calls(),
		"what reached the sink pad, in order\nhint: storing a new event of a stored type replaces the old one AND marks it not received, so the peer gets the new segment too (gstpad.c:5352) (README: Step 5)")
	assert.True(t, sink.pad.StickyEvent(gstmini.EventSegment) == second, "the sink pad does not store the second segment\nhint: (README: Step 5)")
}

func TestStreamStartAfterEOSStartsANewStream(t *testing.T) {
	defer reportPanic(t)
	src, sink := newLinkedSpy(t)
	src.PushEvent(newSegmentEvent(0))
	require.True(t, src.PushEvent(gstmini.NewEOSEvent()), "PushEvent(eos) = false; want true\nhint: (README: Step 5)")

	assert.True(t, src.PushEvent(gstmini.NewStreamStartEvent("stream-2")), "PushEvent(stream-start) after EOS = false; want true\n"+
		"hint: a pad at EOS refuses every sticky event but stream-start, which begins a new stream: it removes the stored EOS and clears the EOS flag (gstpad.c:5322) (README: Step 5)")
	assert.True(t, src.StickyEvent(gstmini.EventEOS) == nil, "the source pad still stores EOS after a new stream-start\nhint: (README: Step 5)")
	assert.True(t, src.PushEvent(newSegmentEvent(0)), "PushEvent(segment) in the new stream = false; want true\nhint: stream-start cleared EOS (README: Step 5)")
	assertFlow(t, gstmini.FlowOK, src.Push(bufferAt(0)), "Push(buffer) in the new stream",
		"stream-start clears EOS on both pads, so data flows again (README: Step 5)")
	assert.Equal(t, []string{"stream-start", "segment", "eos", "stream-start", "segment", "buffer pts=0:00:00.000000000"}, sink.Calls(),
		"what reached the sink pad, in order\nhint: (README: Step 5)")
}

func TestASinkPadThatReceivedEOSRefusesData(t *testing.T) {
	defer reportPanic(t)
	src, sink := newLinkedSpy(t)
	src.PushEvent(newSegmentEvent(0))
	require.True(t, src.PushEvent(gstmini.NewEOSEvent()), "PushEvent(eos) = false; want true\nhint: (README: Step 5)")

	// A second source pad pushes into the same sink pad: EOS is the sink
	// pad's own state, not only the source's.
	require.NoError(t, Unlink(src, sink.pad), "setup: Unlink(src, sink)")
	other := NewPad("other-src", Src)
	other.SetActive(true)
	link(t, other, sink.pad)

	assertFlow(t, gstmini.FlowEOS, other.Push(bufferAt(time.Second)), "other-src.Push(buffer) into a sink pad that received EOS",
		"storing EOS sets the EOS flag on the pad that stores it, the receiving pad too; before its chain function a pad checks flushing, then EOS "+
			"(gst_pad_chain_data_unchecked, gstpad.c:4418) (README: Step 5)")
	assert.NotContains(t, sink.Calls(), "buffer pts=0:00:01.000000000", "a buffer reached a chain function after its pad received EOS")
}

func TestDeactivatingAPadForgetsItsStickyEventsAndEOS(t *testing.T) {
	defer reportPanic(t)
	src, sink := newLinkedSpy(t)
	src.PushEvent(newSegmentEvent(0))
	require.True(t, src.PushEvent(gstmini.NewEOSEvent()), "PushEvent(eos) = false; want true\nhint: (README: Step 5)")

	src.SetActive(false)
	sink.pad.SetActive(false)

	for _, pad := range []*Pad{src, sink.pad} {
		for _, typ := range []gstmini.EventType{gstmini.EventStreamStart, gstmini.EventSegment, gstmini.EventEOS} {
			assert.True(t, pad.StickyEvent(typ) == nil, "%s still stores %s after SetActive(false); want nothing stored\n"+
				"hint: deactivation forgets every sticky event and the EOS flag: the next activation starts a new stream (post_activate, gstpad.c:1053) (README: Step 5)", pad.Name(), typ)
		}
	}
	sink.pad.SetActive(true)
	src.SetActive(true)
	assertFlow(t, gstmini.FlowOK, src.Push(bufferAt(time.Second)), "Push(buffer) after deactivating and activating both pads",
		"deactivation cleared the EOS flag too (README: Step 5)")
}

func TestActivatingASinkPadAsksItsPeerToResend(t *testing.T) {
	defer reportPanic(t)
	src, sink := newLinkedSpy(t)
	src.PushEvent(newSegmentEvent(0))
	assertFlow(t, gstmini.FlowOK, src.Push(bufferAt(0)), "Push(buffer)", "(README: Step 5)")

	sink.pad.SetActive(false) // the sink pad forgets stream-start and segment
	sink.pad.SetActive(true)
	assertFlow(t, gstmini.FlowOK, src.Push(bufferAt(time.Second)), "Push(buffer) after the sink pad was deactivated and activated again", "(README: Step 5)")

	assert.Equal(t, []string{"stream-start", "segment", "buffer pts=0:00:00.000000000", "stream-start", "segment", "buffer pts=0:00:01.000000000"}, sink.Calls(),
		"what reached the sink pad, in order\nhint: SetActive(true) on a sink pad marks every event stored on its peer as not received, "+
			"so the peer sends them all again before the next buffer (pre_activate, gstpad.c:1015) (README: Step 5)")
	assert.True(t, sink.pad.StickyEvent(gstmini.EventSegment) != nil, "the sink pad stores no segment after it was sent again\nhint: (README: Step 5)")
}

func TestAFlushingPadStillStoresCapsForLater(t *testing.T) {
	defer reportPanic(t)
	src, sink := newLinkedSpy(t)
	require.True(t, src.PushEvent(gstmini.NewFlushStartEvent()), "PushEvent(flush-start) = false; want true\nhint: (README: Step 4)")
	caps := gstmini.NewCapsEvent(gstmini.Caps{MediaType: "video/x-raw", Framerate: gstmini.Fraction{Num: 30, Den: 1}})

	assert.False(t, src.PushEvent(caps), "PushEvent(caps) while flushing = true; want false: it cannot be delivered now\nhint: (README: Step 5)")
	assert.True(t, src.StickyEvent(gstmini.EventCaps) == caps, "a flushing source pad did not store the caps pushed during the flush\n"+
		"hint: a flushing pad refuses only a segment or EOS; it still stores the other sticky events, or nothing would ever resend them (store_sticky_event, gstpad.c:5313) (README: Step 5)")

	require.True(t, src.PushEvent(gstmini.NewFlushStopEvent(true)), "PushEvent(flush-stop) = false; want true\nhint: (README: Step 4)")
	require.True(t, src.PushEvent(newSegmentEvent(0)), "PushEvent(segment) after flush-stop = false; want true\nhint: (README: Step 5)")
	assertFlow(t, gstmini.FlowOK, src.Push(bufferAt(0)), "Push(buffer) after the flush", "(README: Step 5)")
	assert.Equal(t, []string{"stream-start", "flush-start", "flush-stop", "caps", "segment", "buffer pts=0:00:00.000000000"}, sink.Calls(),
		"what reached the sink pad, in order\nhint: the caps stored during the flush go out with the next serialized event, before the segment (README: Step 5)")
}
