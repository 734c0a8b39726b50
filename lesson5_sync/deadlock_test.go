package avsync

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// Step 2: the preroll deadlock.

// launch parses line with a test clock (nothing here waits on a clock; the
// sinks wait in preroll) and takes the pipeline to NULL when the test ends.
func launch(t *testing.T, line string) *gstmini.Pipeline {
	t.Helper()
	p, err := gstmini.ParseLaunch(line)
	require.NoError(t, err, "ParseLaunch(%q)", line)
	p.UseClock(gstcheck.NewTestClock())
	t.Cleanup(func() { p.SetState(gstmini.StateNull) })
	return p
}

// prerolled waits, at most watchdog, until sink has prerolled
// (its change to PAUSED committed) and reports whether it did.
func prerolled(sink gstmini.Element) bool {
	ctx, cancel := context.WithTimeout(context.Background(), watchdog)
	defer cancel()
	ret, cur, _, err := sink.Base().GetState(ctx)
	return err == nil && ret == gstmini.StateChangeSuccess && cur == gstmini.StatePaused
}

// stateNow returns the element's state change result and states now,
// without waiting.
func stateNow(e gstmini.Element) (gstmini.StateChangeReturn, gstmini.State, gstmini.State) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ret, cur, pending, _ := e.Base().GetState(ctx)
	return ret, cur, pending
}

func TestTeeWithoutQueuesNeverPrerolls(t *testing.T) {
	line := "fakesrc num-buffers=1 ! lessontee name=t ! fakesink name=a  t. ! fakesink name=b"
	p := launch(t, line)
	a, b, tee := p.ByName("a").(*elements.FakeSink), p.ByName("b").(*elements.FakeSink), p.ByName("t")
	var prerolledOn []*gstmini.Buffer
	a.SetProperty("signal-handoffs", true)
	a.SetPrerollHandoff(func(buf *gstmini.Buffer) { prerolledOn = append(prerolledOn, buf) })

	require.Equal(t, gstmini.StateChangeAsync, p.SetState(gstmini.StatePaused), "a pipeline with sinks goes to PAUSED asynchronously")
	require.True(t, prerolled(a), "%s: sink a must preroll on the first buffer the tee pushes to it (README: Step 2)", line)
	require.Len(t, prerolledOn, 1, "sink a prerolls on the one buffer fakesrc made, not on EOS: the tee must push the buffer to its first branch (README: Steps 1-2)")

	// a now waits in its preroll, inside the tee's push to branch a:
	// gst_base_sink_wait_preroll (gstbasesink.c:2432) returns only on
	// PLAYING or a flush.
	teeSink := tee.Base().StaticPad("sink")
	if teeSink.StreamLock().TryLock() {
		teeSink.StreamLock().Unlock()
		t.Fatalf("%s: the tee's chain function returned while sink a prerolled; want it held in a's preroll wait, inside the push to branch a (README: Step 2)", line)
	}
	assert.Zero(t, b.Rendered(), "sink b rendered a buffer")
	_, bCur, bPending := stateNow(b)
	assert.Equal(t, []gstmini.State{gstmini.StateReady, gstmini.StatePaused}, []gstmini.State{bCur, bPending},
		"sink b is still on its way to PAUSED: the tee never got past branch a to push b a buffer (README: Step 2)")
	ret, cur, pending := stateNow(p)
	assert.Equal(t, gstmini.StateChangeAsync, ret,
		"the pipeline's change to PAUSED must stay ASYNC for good: the first sink's preroll wait holds the push to the second (README: Step 2)")
	assert.Equal(t, []gstmini.State{gstmini.StateReady, gstmini.StatePaused}, []gstmini.State{cur, pending},
		"gst-launch-1.0 prints \"Pipeline is PREROLLING ...\" and stays there on this line (README: Step 2)")

	// Going down releases the wait: a flush of a's sink pad makes the
	// preroll wait return FLUSHING, the push unwinds.
	stopped := make(chan gstmini.StateChangeReturn, 1)
	go func() { stopped <- p.SetState(gstmini.StateNull) }()
	select {
	case ret := <-stopped:
		assert.Equal(t, gstmini.StateChangeSuccess, ret, "going to NULL releases the preroll wait")
	case <-timeAfter(watchdog):
		t.Fatalf("SetState(NULL) did not return within %v: the preroll wait held the shutdown", watchdog)
	}
}

func TestTeeWithAQueuePerBranchPrerolls(t *testing.T) {
	line := "fakesrc num-buffers=1 ! lessontee name=t ! queue ! fakesink name=a  t. ! queue ! fakesink name=b"
	p := launch(t, line)
	prerolledOn := map[string]*gstmini.Buffer{}
	var mu sync.Mutex
	for _, name := range []string{"a", "b"} {
		sink := p.ByName(name).(*elements.FakeSink)
		require.NoError(t, sink.SetProperty("signal-handoffs", true))
		sink.SetPrerollHandoff(func(buf *gstmini.Buffer) { mu.Lock(); prerolledOn[name] = buf; mu.Unlock() })
	}
	require.Equal(t, gstmini.StateChangeAsync, p.SetState(gstmini.StatePaused))
	for _, name := range []string{"a", "b"} {
		sink := p.ByName(name).(*elements.FakeSink)
		require.True(t, prerolled(sink), "%s: sink %s did not preroll: with a queue at the head of each branch the tee's push returns at once and reaches every branch (README: Step 2)", line, name)
		mu.Lock()
		buf := prerolledOn[name]
		mu.Unlock()
		require.NotNil(t, buf, "%s: sink %s prerolled on EOS, not on the buffer: the tee must push the buffer to every branch (README: Steps 1-2)", line, name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), watchdog)
	defer cancel()
	ret, cur, _, err := p.GetState(ctx)
	require.NoError(t, err, "%s: the pipeline did not complete PAUSED within %v", line, watchdog)
	assert.Equal(t, gstmini.StateChangeSuccess, ret, "%s: PAUSED completes once every sink prerolled", line)
	assert.Equal(t, gstmini.StatePaused, cur)
}
