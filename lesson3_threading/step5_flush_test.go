package threading

import (
	"slices"
	"testing"

	"go.uber.org/goleak"

	"github.com/gstmini/workbook/gstmini"
)

// blockedEverywhere sets up the worst moment to stop a queue: the sink
// holds buffer 0 (the streaming goroutine is stuck in Push), buffer 1 fills
// the queue (max-size-buffers 1) and the push of buffer 2 waits inside
// chain (the upstream goroutine is stuck too).
func blockedEverywhere(t *testing.T) (*fixture, *pushing) {
	t.Helper()
	f := newFixture(t)
	setMaxSizeBuffers(t, f.q, 1)
	f.play(t)
	f.requireStreaming(t)
	f.sink.hold(0)
	f.push(t, 0)
	f.sink.waitHeld(t, 0)
	f.push(t, 1)
	p := f.pushAsync(2)
	f.waitPusherParked(t, p, "into a full queue (1 buffer queued, max-size-buffers 1)")
	return f, p
}

// Step 5. Flush-start (the first half of a flushing seek) goes downstream
// first, which frees the streaming goroutine; then both of the queue's
// waits must give up: the pusher waiting for room returns FlowFlushing and
// the streaming goroutine pauses.
func TestFlushStartUnblocksThePusherAndPausesTheTask(t *testing.T) {
	f, p := blockedEverywhere(t)

	f.sendEvent(t, gstmini.NewFlushStartEvent())

	if ret := p.wait(t, "push of buffer 2, waiting for room, did not return within %v after flush-start.\n"+
		"hint: flushStart sets q.srcresult = FlowFlushing and Broadcasts q.itemRemoved; chain gives up when srcresult is not FlowOK (README: Step 5)",
		watchdog); ret != gstmini.FlowFlushing {
		t.Fatalf("push of buffer 2, waiting for room during flush-start, returned %s; want flushing: the data is being thrown away.\n"+
			"hint: after waking up, chain returns q.srcresult when it is not FlowOK (README: Step 5)", ret)
	}
	if st := f.q.SrcPad().TaskState(); st != gstmini.TaskPaused {
		t.Fatalf("the queue's task after flush-start is %s; want paused.\n"+
			"hint: loop pauses the task (task.Pause) when srcresult is not FlowOK; flushStart waits for that with q.srcpad.PauseTask() (README: Step 5)", st)
	}
}

// Step 5. Flush-stop (the second half) empties the queue and restarts the
// streaming goroutine: what was queued before the flush is gone, new data
// flows.
func TestFlushStopDropsTheQueuedDataAndRestartsTheTask(t *testing.T) {
	f := newFixture(t)
	f.play(t)
	f.requireStreaming(t)
	f.sink.hold(0)
	f.push(t, 0)
	f.sink.waitHeld(t, 0)
	f.push(t, 1)

	f.sendEvent(t, gstmini.NewFlushStartEvent())
	f.sendEvent(t, gstmini.NewFlushStopEvent(true))

	if st := f.q.SrcPad().TaskState(); st != gstmini.TaskStarted {
		t.Fatalf("the queue's task after flush-stop is %s; want started.\n"+
			"hint: flushStop sets q.srcresult = FlowOK and restarts the task with q.srcpad.StartTask(q.loop) (README: Step 5)", st)
	}
	if got := levelOf(t, f.q); got != 0 {
		t.Fatalf("CurrentLevelBuffers() after flush-stop = %d; want 0: a flush throws away what was queued (buffer 1).\n"+
			"hint: drop the queued items and Unref their buffers (README: Step 5)", got)
	}
	f.sendEvent(t, gstmini.NewSegmentEvent(gstmini.NewSegment())) // flush-stop cleared the segment
	if ret := f.push(t, 2); ret != gstmini.FlowOK {
		t.Fatalf("push of buffer 2 after flush-stop = %s; want ok", ret)
	}
	f.sink.waitForLine(t, "buffer 2", "buffer 2, pushed after flush-stop, did not reach the sink within %v.\n"+
		"hint: flushStop restarts the streaming goroutine (README: Step 5)", watchdog)
	want := []string{"stream-start", "segment", "buffer 0", "flush-start", "flush-stop", "segment", "buffer 2"}
	if got := f.sink.Log(); !slices.Equal(got, want) {
		t.Errorf("what reached the sink, in order:\n got %q\nwant %q", got, want)
	}
}

// Step 5. Shutdown at the worst moment: PLAYING→NULL while the sink holds a
// buffer and a pusher waits for room. The pipeline deactivates the sink
// first (it lets its buffer go), then the queue: every goroutine must end,
// promptly, and nothing may stay queued.
func TestShutdownWhileDownstreamIsBlockedAndTheQueueIsFull(t *testing.T) {
	others := goleak.IgnoreCurrent() // goroutines a failed earlier test may have left
	f, p := blockedEverywhere(t)

	if !stopWithin(t, f.pipeline, "while the sink held buffer 0 and the push of buffer 2 waited for room") {
		return
	}
	if ret := p.wait(t, "push of buffer 2 did not return within %v after the pipeline went to NULL", watchdog); ret != gstmini.FlowFlushing {
		t.Errorf("push of buffer 2, waiting for room during shutdown, returned %s; want flushing.\n"+
			"hint: after waking up, chain returns q.srcresult when it is not FlowOK (README: Step 5)", ret)
	}
	if st := f.q.SrcPad().TaskState(); st != gstmini.TaskStopped {
		t.Errorf("the queue's task after shutdown is %s; want stopped", st)
	}
	if got := levelOf(t, f.q); got != 0 {
		t.Errorf("CurrentLevelBuffers() after shutdown = %d; want 0: deactivation drops the queued buffers.\n"+
			"hint: after StopTask, activate(false) empties q.items (README: Step 2), and a chain woken by the shutdown must not queue its buffer (README: Step 5)", got)
	}
	goleak.VerifyNone(t, others)
}
