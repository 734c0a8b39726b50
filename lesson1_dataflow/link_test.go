package dataflow

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Step 1: Link two pads.

func TestLinkConnectsSourceToSink(t *testing.T) {
	defer reportPanic(t)
	src, sink := NewPad("src", Src), NewPad("sink", Sink)

	err := Link(src, sink)

	require.NoError(t, err, "Link(src, sink) = %v; want nil for a free source pad and a free sink pad\nhint: (README: Step 1)", err)
	assert.True(t, src.Peer() == sink, "after Link(src, sink), src.Peer() = %s; want sink\nhint: Link makes each pad the peer of the other (README: Step 1)", peerName(src))
	assert.True(t, sink.Peer() == src, "after Link(src, sink), sink.Peer() = %s; want src\nhint: Link makes each pad the peer of the other (README: Step 1)", peerName(sink))
}

func TestLinkRefusesWrongDirection(t *testing.T) {
	defer reportPanic(t)
	cases := []struct {
		description   string
		first, second *Pad
	}{
		{"a sink pad cannot be the source of a link", NewPad("a-sink", Sink), NewPad("b-src", Src)},
		{"two source pads", NewPad("a-src", Src), NewPad("b-src", Src)},
		{"two sink pads", NewPad("a-sink", Sink), NewPad("b-sink", Sink)},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			defer reportPanic(t)
			err := Link(tc.first, tc.second)

			if assert.ErrorIs(t, err, ErrWrongDirection, "Link(%s, %s) = %v; want an error wrapping ErrWrongDirection\nhint: data flows from a Src pad to a Sink pad, in that argument order (README: Step 1)",
				tc.first.Name(), tc.second.Name(), err) {
				assert.Contains(t, err.Error(), tc.first.Name(), "the error should name both pads, so a log says which link failed\nhint: wrap with fmt.Errorf(\"link %%s -> %%s: %%w\", ...) (README: Step 1)")
				assert.Contains(t, err.Error(), tc.second.Name(), "the error should name both pads, so a log says which link failed\nhint: wrap with fmt.Errorf(\"link %%s -> %%s: %%w\", ...) (README: Step 1)")
			}
			assert.True(t, tc.first.Peer() == nil, "a refused link must leave %s without a peer", tc.first.Name())
			assert.True(t, tc.second.Peer() == nil, "a refused link must leave %s without a peer", tc.second.Name())
		})
	}
}

func TestLinkRefusesAPadThatIsAlreadyLinked(t *testing.T) {
	defer reportPanic(t)
	t.Run("the source pad already has a peer", func(t *testing.T) {
		defer reportPanic(t)
		src, first, second := NewPad("src", Src), NewPad("first-sink", Sink), NewPad("second-sink", Sink)
		require.NoError(t, Link(src, first), "setup: Link(src, first-sink)")

		err := Link(src, second)

		assert.ErrorIs(t, err, ErrWasLinked, "Link(src, second-sink) = %v; want an error wrapping ErrWasLinked\nhint: a pad has one peer; GStreamer never silently replaces a link (README: Step 1)", err)
		assert.True(t, src.Peer() == first, "src.Peer() = %s after the refused link; want first-sink, the old link untouched", peerName(src))
		assert.True(t, second.Peer() == nil, "second-sink.Peer() = %s after the refused link; want <nil>", peerName(second))
	})
	t.Run("the sink pad already has a peer", func(t *testing.T) {
		defer reportPanic(t)
		first, second, sink := NewPad("first-src", Src), NewPad("second-src", Src), NewPad("sink", Sink)
		require.NoError(t, Link(first, sink), "setup: Link(first-src, sink)")

		err := Link(second, sink)

		assert.ErrorIs(t, err, ErrWasLinked, "Link(second-src, sink) = %v; want an error wrapping ErrWasLinked\nhint: check the sink pad's peer too, after the source pad's (README: Step 1)", err)
		assert.True(t, sink.Peer() == first, "sink.Peer() = %s after the refused link; want first-src, the old link untouched", peerName(sink))
		assert.True(t, second.Peer() == nil, "second-src.Peer() = %s after the refused link; want <nil>", peerName(second))
	})
}

func TestLinkChecksDirectionBeforePeers(t *testing.T) {
	defer reportPanic(t)
	src, sink := NewPad("src", Src), NewPad("sink", Sink)
	require.NoError(t, Link(src, sink), "setup: Link(src, sink)")

	// Both pads are linked AND given in the wrong order: which error wins?
	err := Link(sink, src)

	assert.ErrorIs(t, err, ErrWrongDirection, "Link(sink, src) on two linked pads = %v; want ErrWrongDirection, not ErrWasLinked\nhint: gst_pad_link_full checks the directions before it looks at the peers (README: Step 1)", err)
	assert.False(t, errors.Is(err, ErrWasLinked), "Link(sink, src) = %v; want the direction error only", err)
}

func TestUnlinkSeparatesThePads(t *testing.T) {
	defer reportPanic(t)
	src, sink, other := NewPad("src", Src), NewPad("sink", Sink), NewPad("other-sink", Sink)
	require.NoError(t, Link(src, sink), "setup: Link(src, sink)")
	require.True(t, src.Peer() == sink, "setup: Link(src, sink) did not link the pads\nhint: make TestLinkConnectsSourceToSink pass first (README: Step 1)")

	err := Unlink(src, other)
	assert.ErrorIs(t, err, ErrNotLinked, "Unlink(src, other-sink) = %v; want an error wrapping ErrNotLinked, since src is linked to sink\nhint: (README: Step 1)", err)
	assert.True(t, src.Peer() == sink, "a refused Unlink must keep src linked to sink; src.Peer() = %s", peerName(src))

	require.NoError(t, Unlink(src, sink), "Unlink(src, sink) of two linked pads")
	assert.True(t, src.Peer() == nil, "after Unlink, src.Peer() = %s; want <nil>", peerName(src))
	assert.True(t, sink.Peer() == nil, "after Unlink, sink.Peer() = %s; want <nil>", peerName(sink))

	err = Unlink(src, sink)
	assert.ErrorIs(t, err, ErrNotLinked, "a second Unlink(src, sink) = %v; want an error wrapping ErrNotLinked\nhint: (README: Step 1)", err)
	assert.NoError(t, Link(src, other), "after Unlink, src is free to link to another sink pad")
}
