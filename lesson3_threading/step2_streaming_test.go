package threading

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/gstmini/workbook/gstmini"
)

// isLoop matches the queue's streaming goroutine, inside loop.
func isLoop(g goroutine) bool { return strings.Contains(g.stack, frameLoop) }

// bufferLines returns "buffer from" .. "buffer to-1".
func bufferLines(from, to uint64) []string {
	var out []string
	for n := from; n < to; n++ {
		out = append(out, fmt.Sprintf("buffer %d", n))
	}
	return out
}

// Step 2. READY→PAUSED activates the source pad, which starts the task;
// PAUSED→READY deactivates it, which must stop the goroutine.
func TestActivationStartsAndStopsTheStreamingTask(t *testing.T) {
	others := goleak.IgnoreCurrent() // goroutines a failed earlier test may have left
	f := newFixture(t)
	for round := 1; round <= 2; round++ {
		setStateWithin(t, f.pipeline, gstmini.StatePaused)
		if st := f.q.SrcPad().TaskState(); st != gstmini.TaskStarted {
			t.Fatalf("round %d: the queue's source pad task after READY->PAUSED is %s; want started.\n"+
				"hint: activate(true) sets q.srcresult = FlowOK and calls q.srcpad.StartTask(q.loop) (README: Step 2)", round, st)
		}
		// Stopping a goroutine that sleeps, waiting for data, is the case to get right.
		if g, ok := waitParked(isLoop, nil); !ok {
			t.Fatalf("round %d: no goroutine was found waiting inside (*Queue).loop within %v after READY->PAUSED; last seen in loop: %s\n"+
				"hint: while q.items is empty, loop waits with q.itemAdded.Wait() (README: Step 2)", round, watchdog, g)
		}
		setStateWithin(t, f.pipeline, gstmini.StateReady)
		if st := f.q.SrcPad().TaskState(); st != gstmini.TaskStopped {
			t.Fatalf("round %d: the queue's source pad task after PAUSED->READY is %s; want stopped.\n"+
				"hint: activate(false) wakes the streaming goroutine, then calls q.srcpad.StopTask() (README: Step 2)", round, st)
		}
		if err := goleak.Find(others); err != nil {
			t.Fatalf("round %d: goroutines left after PAUSED->READY; want none: StopTask returns once the streaming goroutine has exited.\n%v", round, err)
		}
	}
}

// Step 2. Buffers leave the queue on the source pad's task, in the order
// they came in, never on the goroutine that pushed them in.
func TestBuffersLeaveInOrderOnTheQueuesOwnGoroutine(t *testing.T) {
	f := newFixture(t)
	f.play(t)
	f.requireStreaming(t)

	f.pushOK(t, 0, 20)
	f.sink.waitFor(t, func() bool { return len(f.sink.callers) == 20 },
		"the sink did not receive 20 buffers within %v.\n"+
			"hint: loop waits while q.items is empty, takes q.items[0] and pushes it with q.srcpad.Push (README: Step 2)", watchdog)

	if got, want := f.sink.buffers(), bufferLines(0, 20); !slices.Equal(got, want) {
		t.Errorf("buffers reaching the sink:\n got %q\nwant %q\nhint: take the oldest item, q.items[0] (README: Step 2)", got, want)
	}
	callers := f.sink.Callers()
	for i, c := range callers {
		if !c.task || !c.loop {
			t.Fatalf("buffer %d was pushed into the sink by %s; want the queue's streaming goroutine, the task of its source pad running loop.\n"+
				"hint: chain only queues; loop, run by the task activate started, pushes (README: Step 2)", i, c)
		}
		if c.id != callers[0].id {
			t.Fatalf("buffer %d was pushed by %s but buffer 0 by %s; want one streaming goroutine for all", i, c, callers[0])
		}
	}
}

// Step 2. The point of a queue: the upstream goroutine is never held up by
// downstream. The sink holds buffer 0 (a slow sink); pushes must still
// return at once.
func TestPushReturnsWhileDownstreamIsBlocked(t *testing.T) {
	f := newFixture(t)
	f.play(t)
	f.requireStreaming(t)
	f.sink.hold(0)

	if ret := f.push(t, 0); ret != gstmini.FlowOK {
		t.Fatalf("push of buffer 0 = %s; want ok", ret)
	}
	f.sink.waitHeld(t, 0)
	for n := uint64(1); n <= 4; n++ {
		if ret := f.push(t, n); ret != gstmini.FlowOK {
			t.Fatalf("push of buffer %d while the sink holds buffer 0 = %s; want ok", n, ret)
		}
	}
	if got := levelOf(t, f.q); got != 4 {
		t.Errorf("CurrentLevelBuffers() while the sink holds buffer 0 = %d; want 4 (buffers 1..4 wait in the queue)", got)
	}

	f.sink.releaseHeld()
	f.sink.waitFor(t, func() bool { return len(f.sink.callers) == 5 },
		"the sink did not receive 5 buffers within %v after it let buffer 0 go.\n"+
			"hint: chain signals q.itemAdded; loop keeps taking items while there are some (README: Step 2)", watchdog)
	if got, want := f.sink.buffers(), bufferLines(0, 5); !slices.Equal(got, want) {
		t.Errorf("buffers reaching the sink:\n got %q\nwant %q", got, want)
	}
}

// Step 2. An idle streaming goroutine sleeps on the condition variable
// (or a channel) until chain signals it; it neither spins nor returns from
// loop at once, which makes the task call loop again and again at full CPU.
func TestIdleStreamingGoroutineWaitsForData(t *testing.T) {
	f := newFixture(t)
	f.play(t)
	f.requireStreaming(t)

	idle, ok := waitParked(isLoop, nil)
	if !ok {
		t.Fatalf("no goroutine was found waiting inside (*Queue).loop within %v while the queue was empty; last seen in loop: %s\n"+
			"hint: while q.items is empty, loop waits with q.itemAdded.Wait(); returning instead makes the task call loop again at once, a busy loop (README: Step 2)",
			watchdog, idle)
	}

	if ret := f.push(t, 0); ret != gstmini.FlowOK {
		t.Fatalf("push of buffer 0 = %s; want ok", ret)
	}
	f.sink.waitForLine(t, "buffer 0",
		"buffer 0 did not reach the sink within %v while the streaming goroutine waited for data.\n"+
			"hint: chain must wake it with q.itemAdded.Signal() after queueing (README: Step 2)", watchdog)

	again, ok := waitParked(isLoop, nil)
	if !ok || again.id != idle.id {
		t.Fatalf("after pushing buffer 0, goroutine %d did not go back to waiting in loop within %v (last seen in loop: %s); want the same streaming goroutine waiting again",
			idle.id, watchdog, again)
	}
}
