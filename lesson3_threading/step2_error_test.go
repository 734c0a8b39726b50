package threading

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
)

// pausedByError sets up a queue that downstream made give up: the sink
// holds buffer 0 while buffers 1 and 2 queue up, then refuses buffer 1 with
// an error. The streaming goroutine must keep the error in srcresult and
// pause; buffer 2 stays queued, as in GStreamer (gst_queue_loop stores the
// push result at gstqueue.c:1542 and pauses at :1551).
func pausedByError(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	f.play(t)
	f.requireStreaming(t)
	f.sink.hold(0)
	f.sink.refuse(1, gstmini.FlowError)

	f.push(t, 0)
	f.sink.waitHeld(t, 0)
	for n := uint64(1); n <= 2; n++ {
		require.Equal(t, gstmini.FlowOK, f.push(t, n),
			"push of buffer %d while the sink holds buffer 0; want ok: it is queued", n)
	}
	f.sink.releaseHeld()
	f.sink.waitForLine(t, "buffer 1", "buffer 1 did not reach the sink within %v after it let buffer 0 go", watchdog)

	paused := eventually(func() bool { return f.q.SrcPad().TaskState() == gstmini.TaskPaused })
	require.True(t, paused,
		"the queue's task is %s %v after the sink returned error for buffer 1 (the sink received %q); want paused: "+
			"a push result other than ok is the end of streaming until a flush or a restart.\n"+
			"hint: when q.srcpad.Push returns something other than FlowOK, loop stores it in q.srcresult (under q.mu) and calls task.Pause() (README: Step 2)",
		f.q.SrcPad().TaskState(), watchdog, f.sink.Log())
	require.Equal(t, bufferLines(0, 2), f.sink.buffers(),
		"buffers reaching the sink after it refused buffer 1 with error; want buffers 0 and 1 only: a paused queue pushes nothing more.\n"+
			"hint: loop pauses the task after a push that did not return FlowOK (README: Step 2)")
	return f
}

// Step 2. When downstream fails, the streaming goroutine stops pushing and
// the error travels upstream: the next push into the queue returns it, so
// the source learns that the stream is broken (gst_queue_chain's
// out_flushing, gstqueue.c:1307, returns srcresult).
func TestDownstreamErrorPausesTheTaskAndReachesUpstream(t *testing.T) {
	f := pausedByError(t)

	require.Equal(t, 1, levelOf(t, f.q),
		"CurrentLevelBuffers() after the sink refused buffer 1 with error; want 1: buffer 2 stays queued until a flush or deactivation drops it.\n"+
			"hint: a paused loop takes nothing more out of the queue (README: Step 2)")
	ret := f.push(t, 3)
	require.Equal(t, gstmini.FlowError, ret,
		"push of buffer 3 after the sink refused buffer 1 with error = %s; want error: chain returns q.srcresult once it is not FlowOK, "+
			"so that upstream stops too.\n"+
			"hint: loop stores the push result in q.srcresult; chain gives up with q.srcresult when it is not FlowOK (README: Steps 2 and 5)", ret)
}
