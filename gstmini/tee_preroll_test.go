package gstmini_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// teeWatchdog bounds the waits of these tests; it is never slept on.
const teeWatchdog = 2 * time.Second

// waitPrerolled waits, at most teeWatchdog, until sink has committed its
// change to PAUSED: it holds its preroll buffer.
func waitPrerolled(t *testing.T, sink gstmini.Element) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), teeWatchdog)
	defer cancel()
	ret, cur, _, err := sink.Base().GetState(ctx)
	require.NoError(t, err, "%s did not preroll within %v (deadlock?)", sink.Base().Name(), teeWatchdog)
	require.Equal(t, gstmini.StateChangeSuccess, ret)
	require.Equal(t, gstmini.StatePaused, cur)
}

func parseTeeLine(t *testing.T, line string) *gstmini.Pipeline {
	t.Helper()
	p, err := gstmini.ParseLaunch(line)
	require.NoError(t, err, "ParseLaunch(%q)", line)
	p.UseClock(gstcheck.NewTestClock())
	t.Cleanup(func() { p.SetState(gstmini.StateNull) })
	return p
}

// TestTeeWithoutQueuesNeverPrerolls shows why every branch of a tee needs a
// queue. The tee pushes on the source's goroutine to its branches in turn;
// the first sink prerolls on the first buffer and then waits inside that
// push until PLAYING (gst_base_sink_wait_preroll), so the tee never reaches
// the second sink, which never prerolls, and the pipeline's change to
// PAUSED stays ASYNC for good.
func TestTeeWithoutQueuesNeverPrerolls(t *testing.T) {
	p := parseTeeLine(t, "fakesrc num-buffers=1 ! tee name=t ! fakesink name=a  t. ! fakesink name=b")
	a, b, tee := p.ByName("a"), p.ByName("b"), p.ByName("t")

	require.Equal(t, gstmini.StateChangeAsync, p.SetState(gstmini.StatePaused), "a pipeline with sinks goes to PAUSED asynchronously")
	waitPrerolled(t, a)

	// a holds the one buffer in its preroll wait, inside the tee's push:
	// the tee's chain has not returned, so its stream lock is held, and b
	// has not had a buffer.
	teeSink := tee.Base().StaticPad("sink")
	if teeSink.StreamLock().TryLock() {
		teeSink.StreamLock().Unlock()
		t.Fatal("the tee's chain returned while sink a prerolled; want it held in a's preroll wait (gst_base_sink_wait_preroll)")
	}
	assert.Equal(t, uint64(0), b.(*elements.FakeSink).Rendered())
	cur, pending := b.Base().State()
	assert.Equal(t, []gstmini.State{gstmini.StateReady, gstmini.StatePaused}, []gstmini.State{cur, pending},
		"sink b never gets a buffer, so it stays on its way to PAUSED")

	done, cancel := context.WithCancel(context.Background())
	cancel() // ask without waiting: the answer is the state now
	ret, cur, pending, _ := p.GetState(done)
	assert.Equal(t, gstmini.StateChangeAsync, ret,
		"the pipeline's change to PAUSED stays ASYNC: the first sink's preroll wait holds the tee's push to the second")
	assert.Equal(t, []gstmini.State{gstmini.StateReady, gstmini.StatePaused}, []gstmini.State{cur, pending})

	// Asking for PLAYING does not help: the pipeline is busy going to
	// PAUSED, so it only records the new target (gst_element_set_state,
	// gst/gstelement.c:2958, "was busy") and its children stay where they
	// are; gst-launch-1.0 never gets past "Pipeline is PREROLLING ...".
	assert.Equal(t, gstmini.StateChangeAsync, p.SetState(gstmini.StatePlaying))
	ret, cur, pending, _ = p.GetState(done)
	assert.Equal(t, gstmini.StateChangeAsync, ret, "PLAYING on a pipeline still prerolling only changes its target")
	assert.Equal(t, []gstmini.State{gstmini.StateReady, gstmini.StatePlaying}, []gstmini.State{cur, pending})
	assert.Equal(t, gstmini.StatePaused, a.Base().CurrentState(), "sink a is not set to PLAYING: it still waits in its preroll")

	// Only a way down releases it: going to NULL flushes a's sink pad,
	// its preroll wait returns FLUSHING, and the push unwinds.
	stopped := make(chan gstmini.StateChangeReturn, 1)
	go func() { stopped <- p.SetState(gstmini.StateNull) }()
	select {
	case ret := <-stopped:
		assert.Equal(t, gstmini.StateChangeSuccess, ret, "going to NULL releases the preroll wait")
	case <-time.After(teeWatchdog):
		t.Fatalf("SetState(NULL) did not return within %v: the preroll wait held the shutdown", teeWatchdog)
	}
}

// TestTeeWithAQueuePerBranchPrerolls is the fix: a queue at the head of
// each branch takes the buffer and returns at once, so the tee reaches
// every branch, every sink prerolls and PAUSED completes.
func TestTeeWithAQueuePerBranchPrerolls(t *testing.T) {
	p := parseTeeLine(t, "fakesrc num-buffers=1 ! tee name=t ! queue ! fakesink name=a  t. ! queue ! fakesink name=b")
	require.Equal(t, gstmini.StateChangeAsync, p.SetState(gstmini.StatePaused))
	ctx, cancel := context.WithTimeout(context.Background(), teeWatchdog)
	defer cancel()
	ret, cur, _, err := p.GetState(ctx)
	require.NoError(t, err, "with a queue per branch both sinks preroll (gsttee.c's documentation: a queue in each branch)")
	assert.Equal(t, gstmini.StateChangeSuccess, ret)
	assert.Equal(t, gstmini.StatePaused, cur)
	waitPrerolled(t, p.ByName("a"))
	waitPrerolled(t, p.ByName("b"))
}
