package threading

import (
	"slices"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

func marker(name string) *gstmini.Event {
	return gstmini.NewCustomEvent(gstmini.EventCustomDownstream, name, nil)
}

// Step 3. Serialized events travel through the queue in order with the
// buffers: a segment or a custom event that upstream sent between two
// buffers reaches downstream between the same two buffers.
func TestSerializedEventsKeepTheirPlaceAmongBuffers(t *testing.T) {
	f := newFixture(t)
	f.play(t)
	f.requireStreaming(t)
	f.sink.hold(0) // everything below queues up behind buffer 0

	f.push(t, 0)
	f.sink.waitHeld(t, 0)
	f.push(t, 1)
	if !f.sendEvent(t, marker("between-1-and-2")) {
		t.Fatalf("the queue refused a custom serialized event; want it queued.\nhint: enqueueEvent returns FlowOK once it queued the event (README: Step 3)")
	}
	f.push(t, 2)
	seg := gstmini.NewSegment()
	seg.Base = 120 * time.Millisecond // a new segment, as after a seek
	f.sendEvent(t, gstmini.NewSegmentEvent(seg))
	f.push(t, 3)
	f.sink.releaseHeld()

	f.sink.waitForLine(t, "buffer 3",
		"buffer 3 did not reach the sink within %v after the sink let buffer 0 go", watchdog)
	want := []string{"stream-start", "segment", "buffer 0", "buffer 1",
		"custom-downstream between-1-and-2", "buffer 2", "segment", "buffer 3"}
	if got := f.sink.Log(); !slices.Equal(got, want) {
		t.Errorf("what reached the sink, in order:\n got %q\nwant %q\n"+
			"hint: enqueueEvent appends item{ev: ev} to q.items; loop pushes an event item with q.srcpad.PushEvent (README: Step 3)", got, want)
	}
}

// Step 3. EOS is queued behind the data: it goes out only after every
// buffer queued before it, and then the streaming goroutine pauses.
func TestEOSDrainsTheQueueThenGoesOut(t *testing.T) {
	f := newFixture(t)
	f.play(t)
	f.requireStreaming(t)
	f.sink.hold(0)

	f.push(t, 0)
	f.sink.waitHeld(t, 0)
	for n := uint64(1); n <= 4; n++ {
		f.push(t, n)
	}
	if !f.sendEvent(t, gstmini.NewEOSEvent()) {
		t.Fatalf("the queue refused EOS; want it queued behind buffers 1..4.\nhint: enqueueEvent queues every serialized event, EOS too (README: Step 3)")
	}
	if got := f.sink.Log(); slices.Contains(got, "eos") {
		t.Fatalf("EOS reached the sink while it still held buffer 0 and buffers 1..4 were queued: %q; want EOS last.\n"+
			"hint: EOS waits its turn in q.items (README: Step 3)", got)
	}

	f.sink.releaseHeld()
	f.sink.waitForLine(t, "eos", "EOS did not reach the sink within %v after the sink let buffer 0 go.\n"+
		"hint: loop pushes event items with q.srcpad.PushEvent (README: Step 3)", watchdog)
	want := append([]string{"stream-start", "segment"}, append(bufferLines(0, 5), "eos")...)
	if got := f.sink.Log(); !slices.Equal(got, want) {
		t.Errorf("what reached the sink, in order:\n got %q\nwant %q", got, want)
	}
	if !eventually(func() bool { return f.q.SrcPad().TaskState() == gstmini.TaskPaused }) {
		t.Fatalf("the queue's task is %s %v after EOS went out; want paused: the stream is over, nothing more will come.\n"+
			"hint: after pushing EOS, loop sets q.srcresult = FlowEOS and calls task.Pause() (README: Step 3)",
			f.q.SrcPad().TaskState(), watchdog)
	}
}
