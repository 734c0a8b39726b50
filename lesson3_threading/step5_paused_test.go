package threading

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
)

// sendEventAsync sends ev from the source pad on a goroutine of its own and
// returns a channel that receives what the queue answered.
func (f *fixture) sendEventAsync(ev *gstmini.Event) <-chan bool {
	done := make(chan bool, 1)
	go func() { done <- f.src.pad.PushEvent(ev) }()
	return done
}

// Step 5. Flush-start must wake a chain waiting for room by itself. Here
// the streaming goroutine is frozen (the test holds the source pad's
// stream lock), so it cannot wake anybody: if flushStart does not
// Broadcast q.itemRemoved, the pusher sleeps through the flush
// (GStreamer's FLUSH_START branch signals both conditions,
// gstqueue.c:930-931, before it pauses the task).
func TestFlushStartWakesAPusherWaitingForRoomByItself(t *testing.T) {
	f := newFixture(t)
	setMaxSizeBuffers(t, f.q, 1)
	f.freeze(t)
	f.play(t)
	f.push(t, 0) // stays queued: the queue is full
	p := f.pushAsync(1)
	f.waitPusherParked(t, p, "into a full queue (1 buffer queued, max-size-buffers 1)")

	flushed := f.sendEventAsync(gstmini.NewFlushStartEvent())
	var ret gstmini.FlowReturn
	select {
	case <-p.done:
		ret = p.ret
	case <-time.After(watchdog):
		f.unfreeze() // let flushStart's PauseTask finish, and with it the test
		require.FailNow(t, "push of buffer 1, waiting for room, did not return within "+watchdog.String()+
			" after flush-start, while the streaming goroutine could not run.",
			"hint: flushStart itself sets q.srcresult = FlowFlushing and Broadcasts BOTH q.itemAdded and q.itemRemoved, "+
				"before it calls q.srcpad.PauseTask(): nobody else may be awake to do it (README: Step 5)\n%s", lessonStacks())
	}
	require.Equal(t, gstmini.FlowFlushing, ret,
		"push of buffer 1, waiting for room during flush-start = %s; want flushing.\n"+
			"hint: after waking up, chain returns q.srcresult when it is not FlowOK (README: Step 5)", ret)

	f.unfreeze()
	select {
	case <-flushed:
	case <-time.After(watchdog):
		require.FailNow(t, "flush-start did not return within "+watchdog.String()+" after the streaming goroutine was let go.",
			"hint: flushStart waits with q.srcpad.PauseTask() for loop to pause; loop pauses when q.srcresult is not FlowOK (README: Step 5)\n%s",
			lessonStacks())
	}
}

// Step 5. A downstream error paused the queue with buffer 2 still in it. A
// flushing seek is how an application restarts such a stream: flush-stop
// must throw buffer 2 away (gst_queue_locked_flush, gstqueue.c:952),
// not push it after the restart.
func TestFlushStopDropsWhatADownstreamErrorLeftQueued(t *testing.T) {
	f := pausedByError(t)

	f.sendEvent(t, gstmini.NewFlushStartEvent())
	f.sendEvent(t, gstmini.NewFlushStopEvent(true))
	f.sendEvent(t, gstmini.NewSegmentEvent(gstmini.NewSegment())) // flush-stop cleared the segment
	require.Equal(t, gstmini.FlowOK, f.push(t, 3),
		"push of buffer 3 after flush-stop; want ok: flush-stop sets q.srcresult back to FlowOK (README: Step 5)")
	f.sink.waitForLine(t, "buffer 3", "buffer 3, pushed after flush-stop, did not reach the sink within %v.\n"+
		"hint: flushStop restarts the streaming goroutine with q.srcpad.StartTask(q.loop) (README: Step 5)", watchdog)

	require.Equal(t, []string{"buffer 0", "buffer 1", "buffer 3"}, f.sink.buffers(),
		"buffers reaching the sink; buffer 2, queued before the flush, must never come out after it.\n"+
			"hint: flushStop drops every queued item (Unref the buffers, q.buffers = 0) before it sets q.srcresult = FlowOK; "+
			"loop does not, because it was paused by the error, not by the flush (README: Step 5)")
	require.Equal(t, 0, levelOf(t, f.q), "CurrentLevelBuffers() after buffer 3 went out; want 0")
}

// Step 5. A downstream error paused the queue with buffer 2 still in it;
// then the application stops the pipeline. Deactivation must drop buffer 2
// itself (gst_queue_src_activate_mode flushes after stopping the task,
// gstqueue.c:1770): the paused loop will never run again to do it.
func TestDeactivationDropsWhatADownstreamErrorLeftQueued(t *testing.T) {
	f := pausedByError(t)

	setStateWithin(t, f.pipeline, gstmini.StateReady)
	require.Equal(t, gstmini.TaskStopped, f.q.SrcPad().TaskState(),
		"the queue's task after PAUSED->READY; want stopped (README: Step 2)")
	require.Equal(t, 0, levelOf(t, f.q),
		"CurrentLevelBuffers() after PAUSED->READY; want 0: buffer 2, left queued by the error, is dropped on deactivation.\n"+
			"hint: after q.srcpad.StopTask(), activate(false) drops what is still queued (Unref the buffers, q.buffers = 0) (README: Step 2)")
}
