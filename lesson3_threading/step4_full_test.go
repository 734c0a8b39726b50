package threading

import (
	"slices"
	"testing"

	"github.com/gstmini/workbook/gstmini"
)

func setMaxSizeBuffers(t *testing.T, q *Queue, n int) {
	t.Helper()
	if err := q.SetProperty("max-size-buffers", n); err != nil {
		t.Fatal(err)
	}
}

// Step 4. With max-size-buffers 2, a third waiting buffer makes the pusher
// wait inside chain until the streaming goroutine takes one out: the queue
// never grows without bound, upstream slows down instead.
func TestFullQueueBlocksThePusherUntilDownstreamTakesOne(t *testing.T) {
	f := newFixture(t)
	setMaxSizeBuffers(t, f.q, 2)
	f.play(t)
	f.requireStreaming(t)
	f.sink.hold(0)

	f.push(t, 0)
	f.sink.waitHeld(t, 0)
	for n := uint64(1); n <= 2; n++ {
		if ret := f.push(t, n); ret != gstmini.FlowOK {
			t.Fatalf("push of buffer %d with %d of 2 buffers queued = %s; want ok", n, n-1, ret)
		}
	}
	p := f.pushAsync(3)
	f.waitPusherParked(t, p, "into a full queue (2 buffers queued, max-size-buffers 2)")
	if got := levelOf(t, f.q); got != 2 {
		t.Fatalf("CurrentLevelBuffers() while the push of buffer 3 waits = %d; want 2 (max-size-buffers)", got)
	}

	f.sink.releaseHeld()
	if ret := p.wait(t, "push of buffer 3 did not return within %v after the sink let buffer 0 go and the streaming goroutine took buffer 1 out.\n"+
		"hint: loop signals q.itemRemoved when it takes an item out (README: Step 4)", watchdog); ret != gstmini.FlowOK {
		t.Fatalf("push of buffer 3, once there was room = %s; want ok", ret)
	}
	f.sink.waitFor(t, func() bool { return len(f.sink.callers) == 4 }, "the sink did not receive 4 buffers within %v", watchdog)
	if got, want := f.sink.buffers(), bufferLines(0, 4); !slices.Equal(got, want) {
		t.Errorf("buffers reaching the sink:\n got %q\nwant %q", got, want)
	}
}

// Step 4. Only buffers count towards max-size-buffers: events are queued
// too, in order, but take no room.
func TestEventsTakeNoRoomInTheQueue(t *testing.T) {
	f := newFixture(t)
	setMaxSizeBuffers(t, f.q, 2)
	f.play(t)
	f.requireStreaming(t)
	f.sink.hold(0)

	f.push(t, 0)
	f.sink.waitHeld(t, 0)
	f.push(t, 1)
	f.sendEvent(t, marker("between-1-and-2"))
	p := f.pushAsync(2)
	if ret := p.wait(t, "push of buffer 2 did not return within %v with buffer 1 and an event queued (max-size-buffers 2).\n"+
		"hint: the level is q.buffers, the number of BUFFERS queued, not len(q.items) (README: Step 4)", watchdog); ret != gstmini.FlowOK {
		t.Fatalf("push of buffer 2 = %s; want ok", ret)
	}
	if got := levelOf(t, f.q); got != 2 {
		t.Errorf("CurrentLevelBuffers() with buffers 1, 2 and an event queued = %d; want 2", got)
	}

	f.sink.releaseHeld()
	f.sink.waitForLine(t, "buffer 2", "buffer 2 did not reach the sink within %v", watchdog)
	want := []string{"stream-start", "segment", "buffer 0", "buffer 1", "custom-downstream between-1-and-2", "buffer 2"}
	if got := f.sink.Log(); !slices.Equal(got, want) {
		t.Errorf("what reached the sink, in order:\n got %q\nwant %q", got, want)
	}
}

// Step 4. max-size-buffers 0 means no limit, as in GStreamer
// (gst_queue_is_filled: a limit of 0 is disabled).
func TestMaxSizeBuffersZeroMeansNoLimit(t *testing.T) {
	f := newFixture(t)
	setMaxSizeBuffers(t, f.q, 0)
	f.freeze(t) // nothing leaves the queue
	f.play(t)

	f.pushOK(t, 0, 300)
	if got := levelOf(t, f.q); got != 300 {
		t.Fatalf("CurrentLevelBuffers() after 300 pushes with max-size-buffers 0 = %d; want 300.\n"+
			"hint: chain appends every buffer to q.items and counts it in q.buffers (README: Step 1); the limit 0 means none (README: Step 4)", got)
	}
}
