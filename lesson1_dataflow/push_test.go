package dataflow

import (
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Step 2: Push calls the peer's chain function.

func TestPushCallsPeerChainBeforeReturning(t *testing.T) {
	defer reportPanic(t)
	explainRace(t, "the chain function ran on another goroutine than the one that called Push. "+
		"Push calls the peer's chain function itself, directly: no goroutine, no channel (README: Step 2).")
	src, sink := newLinkedPads(t)
	// Plain variables on purpose: if the chain function ran on another
	// goroutine, reading them below would be a data race (go test -race).
	calls := 0
	var got *gstmini.Buffer
	sink.SetChainFunc(func(buf *gstmini.Buffer) gstmini.FlowReturn {
		calls++
		got = buf
		return gstmini.FlowOK
	})
	buf := bufferAt(time.Second)

	ret := src.Push(buf)

	assertFlow(t, gstmini.FlowOK, ret, "Push(buffer)", "Push returns what the peer's chain function returned (README: Step 2)")
	assert.Equal(t, 1, calls, "the peer's chain function ran %d times before Push returned; want 1\nhint: Push calls the peer's chain function itself, on the caller's goroutine; remember to SetActive(true) both pads (README: Step 2)", calls)
	assert.True(t, got == buf, "the chain function received a different buffer; want the very buffer given to Push (no copy)\nhint: (README: Step 2)")
}

func TestPushBlocksUntilPeerChainReturns(t *testing.T) {
	defer reportPanic(t)
	src, sink := newLinkedPads(t)
	g := newGate(t)
	sink.SetChainFunc(func(*gstmini.Buffer) gstmini.FlowReturn {
		g.Wait() // a sink waiting for its clock, a full queue...
		return gstmini.FlowOK
	})

	pushed := goPush(src, bufferAt(0))
	waitEntered(t, g, pushed, "Push calls the peer's chain function (README: Step 2)")

	if pushed.returned() {
		failIfPanicked(t, "Push(buffer)", pushed.panicked)
		assert.Fail(t, "Push() = "+pushed.value.String()+" while the peer's chain function was still running; want Push to wait for it",
			"hint: upstream waits until downstream returns: call the chain function directly, no goroutine (README: Step 2)")
	} // else still inside Push: upstream waits for downstream
	g.Open()
	assertFlow(t, gstmini.FlowOK, recv(t, pushed, "Push after the chain function returned", "(README: Step 2)"),
		"Push(buffer)", "Push returns once the chain function has (README: Step 2)")
}

func TestPushReleasesTheObjectLockBeforeCallingThePeer(t *testing.T) {
	defer reportPanic(t)
	src, sink := newLinkedPads(t)
	// Downstream often calls back into the pad that pushed: it asks for its
	// peer, queries it, sends an event upstream. Each of those takes src's
	// object lock, so Push must not hold it while the chain function runs.
	called, blocked := false, false
	var peerSeen *Pad
	sink.SetChainFunc(func(*gstmini.Buffer) gstmini.FlowReturn {
		called = true
		peer := start(func() *Pad { return src.Peer() }) // on its own goroutine: a held lock must not hang the test
		select {
		case <-peer.done:
			peerSeen = peer.value
		case <-time.After(watchdog):
			blocked = true
		}
		return gstmini.FlowOK
	})

	ret := src.Push(bufferAt(0))

	require.True(t, called, "Push() = %s but the peer's chain function never ran\nhint: finish TestPushCallsPeerChainBeforeReturning first (README: Step 2)", ret)
	require.False(t, blocked, "src.Peer(), called from the peer's chain function, was still blocked after 2s: Push held src's object lock while downstream ran\n"+
		"hint: read the peer under the object lock, unlock, and only then call the peer; a pad never holds its object lock while it calls into another pad (README: Step 2)")
	assert.True(t, peerSeen == sink, "src.Peer() from inside the chain function = %s; want sink", peerName(src))
	assertFlow(t, gstmini.FlowOK, ret, "Push(buffer)", "(README: Step 2)")
}

// Step 3: Flow returns travel upstream.

func TestPushReturnsWhatThePeerChainReturns(t *testing.T) {
	defer reportPanic(t)
	cases := []struct {
		description string
		ret         gstmini.FlowReturn
	}{
		{"downstream took the buffer", gstmini.FlowOK},
		{"downstream is at end of stream", gstmini.FlowEOS},
		{"downstream failed", gstmini.FlowError},
		{"downstream could not agree on a format", gstmini.FlowNotNegotiated},
		{"downstream is flushing", gstmini.FlowFlushing},
		{"an element further down is not linked", gstmini.FlowNotLinked},
		{"an element-defined success", gstmini.FlowCustomSuccess},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			defer reportPanic(t)
			src, sink := newLinkedPads(t)
			calls := 0
			sink.SetChainFunc(func(*gstmini.Buffer) gstmini.FlowReturn {
				calls++
				return tc.ret
			})

			ret := src.Push(bufferAt(0))

			require.Equal(t, 1, calls, "Push() = %s and the peer's chain function ran %d times; want 1\nhint: (README: Step 2)", ret, calls)
			assertFlow(t, tc.ret, ret, "Push(buffer)", "return the chain function's result unchanged: that is how a source learns what happened downstream (README: Step 3)")
		})
	}
}

func TestPushWithoutPeerReturnsNotLinked(t *testing.T) {
	defer reportPanic(t)
	t.Run("never linked", func(t *testing.T) {
		defer reportPanic(t)
		src := NewPad("src", Src)
		src.SetActive(true)

		assertFlow(t, gstmini.FlowNotLinked, src.Push(bufferAt(0)), "Push(buffer) on an active source pad without a peer",
			"with no peer there is no chain function to call (README: Step 3)")
	})
	t.Run("unlinked", func(t *testing.T) {
		defer reportPanic(t)
		src, sink := newLinkedPads(t)
		calls := 0
		sink.SetChainFunc(func(*gstmini.Buffer) gstmini.FlowReturn { calls++; return gstmini.FlowOK })
		require.NoError(t, Unlink(src, sink), "setup: Unlink(src, sink)")

		assertFlow(t, gstmini.FlowNotLinked, src.Push(bufferAt(0)), "Push(buffer) after Unlink",
			"read the peer under the object lock at the time of the push (README: Step 3)")
		assert.Zero(t, calls, "the old peer's chain function ran after Unlink")
	})
}

func TestPushToAnInactivePadReturnsFlushing(t *testing.T) {
	defer reportPanic(t)
	cases := []struct {
		description string
		setup       func(t *testing.T, src, sink *Pad)
	}{
		{"a new source pad is inactive", func(t *testing.T, src, sink *Pad) {
			sink.SetActive(true)
			link(t, src, sink)
		}},
		{"a deactivated source pad", func(t *testing.T, src, sink *Pad) {
			link(t, src, sink)
			sink.SetActive(true)
			src.SetActive(true)
			src.SetActive(false)
		}},
		{"the peer sink pad is inactive", func(t *testing.T, src, sink *Pad) {
			link(t, src, sink)
			src.SetActive(true)
		}},
		{"an inactive pad says flushing even without a peer", func(*testing.T, *Pad, *Pad) {}},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			defer reportPanic(t)
			src, sink := NewPad("src", Src), NewPad("sink", Sink)
			calls := 0
			sink.SetChainFunc(func(*gstmini.Buffer) gstmini.FlowReturn { calls++; return gstmini.FlowOK })
			tc.setup(t, src, sink)

			assertFlow(t, gstmini.FlowFlushing, src.Push(bufferAt(0)), "Push(buffer)",
				"an inactive pad is flushing: Push checks its own pad first, then the peer checks its own, before the chain function (README: Step 3)")
			assert.Zero(t, calls, "the chain function of an inactive or unreachable pad ran %d times; want 0", calls)
		})
	}
}

func TestPushToAPadWithoutAChainFunctionReturnsNotSupported(t *testing.T) {
	defer reportPanic(t)
	src, _ := newLinkedPads(t) // the sink pad never got a chain function

	assertFlow(t, gstmini.FlowNotSupported, src.Push(bufferAt(0)), "Push(buffer) to an active sink pad without a chain function",
		"a pad that has nowhere to put a buffer says not-supported: the operation does not exist there. error would say "+
			"that an element failed, and a source would post an error about the wrong element "+
			"(gst_pad_chain_data_unchecked, gstpad.c:4457) (README: Step 3)")
}
