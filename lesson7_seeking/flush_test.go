package seeking

import (
	"slices"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

const flushHint = "a flushing seek pushes FLUSH_START first, then takes the stream lock, DoSeek on a copy of the segment, " +
	"FLUSH_STOP(reset-time true), UseSegment, StartTask (README: Step 2)"

// TestFlushingSeekWakesTheSinkFromPreroll: in PAUSED the streaming
// goroutine is inside the sink, waiting in preroll with the first buffer,
// and holds the source's stream lock. The flush wakes it; the sink prerolls
// again on the seek's first buffer, and the pipeline is PAUSED again.
func TestFlushingSeekWakesTheSinkFromPreroll(t *testing.T) {
	r := newRig(t)
	r.setState(t, gstmini.StatePaused, "README: Step 1")
	if !r.seek(t, 1, gstmini.SeekFlagFlush, 500*ms, none, flushHint) {
		t.Fatalf("Pipeline.Seek(flush, 500ms) = false; want true\nhint: %s", flushHint)
	}
	r.setState(t, gstmini.StatePaused, flushHint)
	b, ok := r.sink.LastPreroll()
	if !ok || b.pts != 500*ms || !b.discont {
		t.Errorf("the sink prerolled last on %+v; want the buffer at 500ms, DISCONT\nhint: %s", b, flushHint)
	}
}

// TestFlushingSeekFlushesThenSendsASegmentFromTheSeekPosition: what the sink
// sees of the seek, with the seek's seqnum on every event it caused.
func TestFlushingSeekFlushesThenSendsASegmentFromTheSeekPosition(t *testing.T) {
	r := newRig(t)
	r.setState(t, gstmini.StatePaused, "README: Step 1")
	ev := gstmini.NewSeekEvent(1, gstmini.FormatTime, gstmini.SeekFlagFlush, gstmini.SeekTypeSet, 650*ms, gstmini.SeekTypeNone, none)
	if !r.p.SendEvent(ev) {
		t.Fatalf("sending a flushing seek to 650ms = false; want true\nhint: %s", flushHint)
	}
	r.setState(t, gstmini.StatePlaying, flushHint)
	r.pop(t, gstmini.MessageEOS, "EOS", flushHint)
	log := r.sink.Log()
	i := slices.Index(log, "flush-start")
	if i < 0 {
		t.Fatalf("the sink saw %q; want a flush-start after the first buffer\nhint: %s", log, flushHint)
	}
	want := []string{"flush-start", "flush-stop reset-time=true",
		"segment rate=1 start=650ms stop=none base=0s", "buffer 650ms", "buffer 750ms", "buffer 850ms", "buffer 950ms", "eos"}
	if got := log[i:]; !slices.Equal(got, want) {
		t.Errorf("after the seek the sink saw\n got %q\nwant %q\nhint: %s", got, want, flushHint)
	}
	for _, line := range []string{"flush-start", "flush-stop reset-time=true", "segment rate=1 start=650ms stop=none base=0s"} {
		if got := r.sink.Seqnum(line); got != ev.Seqnum() {
			t.Errorf("%s carried seqnum %d; want the seek's, %d\nhint: WithSeqnum(ev.Seqnum()) on the flushes, UseSegment(seg, ev.Seqnum()) (README: Step 2)", line, got, ev.Seqnum())
		}
	}
	if rs := r.sink.Renders(); len(rs) == 0 || !rs[0].discont {
		t.Errorf("the first buffer after the seek is not DISCONT: %+v\nhint: UseSegment marks it (README: Step 2)", rs)
	}
}

// TestFlushingSeekWakesASinkWaitingOnTheClock: in PLAYING the streaming
// goroutine waits in the sink's clock wait. The flush unschedules it; the
// sinks post RESET_TIME and the pipeline takes a new base time, so the
// seek's first buffer, running time 0, is due now: it renders at once.
func TestFlushingSeekWakesASinkWaitingOnTheClock(t *testing.T) {
	r := newRig(t, synced)
	r.setState(t, gstmini.StatePlaying, "README: Step 1")
	for i := range 3 { // 0, 100 and 200 ms render on time
		id := r.nextWait(t, "the buffers before the seek", "README: Step 1")
		if want := 10*sec + time.Duration(i)*100*ms; id.Time() != want {
			t.Fatalf("buffer %d waits for clock time %s; want base time + PTS = %s", i, id.Time(), want)
		}
		r.release(t, id)
	}
	r.nextWait(t, "the buffer at 300ms", "README: Step 1") // 300 ms waits; the source waits in its push
	if err := r.clk.SetTime(10*sec + 250*ms); err != nil {
		t.Fatal(err)
	}
	if !r.seek(t, 1, gstmini.SeekFlagFlush, 700*ms, none, flushHint) {
		t.Fatalf("Pipeline.Seek(flush, 700ms) = false; want true\nhint: %s", flushHint)
	}
	r.setState(t, gstmini.StatePlaying, flushHint)
	id := r.nextWait(t, "the seek's first buffer", flushHint)
	if base := r.p.BaseTime(); base != 10*sec+250*ms || id.Time() != base {
		t.Errorf("after the seek: base time %s, the buffer at 700ms waits for %s; want both %s (now):\n"+
			"running time restarts at 0 and the first new buffer is due at once\n"+
			"hint: FLUSH_STOP with reset-time true makes the sinks post RESET_TIME (README: Step 2)",
			r.p.BaseTime(), id.Time(), 10*sec+250*ms)
	}
	r.release(t, id)
	r.playUntil(t, r.hasRendered(900*ms), "the clip's last frame", flushHint)
	if got, want := pts(r.sink.Renders()), []time.Duration{0, 100 * ms, 200 * ms, 700 * ms, 800 * ms, 900 * ms}; !slices.Equal(got, want) {
		t.Errorf("rendered %s; want %s: the buffer at 300ms was flushed\nhint: %s", shorts(got), shorts(want), flushHint)
	}
}

// TestFlushingSeekWakesAFullQueue: src ! queue (2 buffers) ! sink, PLAYING.
// The sink waits on the clock, the queue is full and the source waits in
// the queue's chain for room. One FLUSH_START wakes all three.
func TestFlushingSeekWakesAFullQueue(t *testing.T) {
	r := newRig(t, synced, withQueue)
	r.setState(t, gstmini.StatePlaying, "README: Step 1")
	r.release(t, r.nextWait(t, "the first buffer", "README: Step 1"))
	r.nextWait(t, "the second buffer", "README: Step 1")
	if !r.seek(t, 1, gstmini.SeekFlagFlush, 500*ms, none, flushHint) {
		t.Fatalf("Pipeline.Seek(flush, 500ms) = false; want true\nhint: %s", flushHint)
	}
	r.setState(t, gstmini.StatePlaying, flushHint)
	id := r.nextWait(t, "the seek's first buffer", flushHint)
	if id.Time() != r.p.BaseTime() {
		t.Errorf("the seek's first buffer waits for %s; want the new base time %s (running time 0)\nhint: %s", id.Time(), r.p.BaseTime(), flushHint)
	}
	r.release(t, id)
	r.playUntil(t, r.hasRendered(900*ms), "the clip's last frame", flushHint)
	got := pts(r.sink.Renders())
	if want := []time.Duration{0, 500 * ms, 600 * ms, 700 * ms, 800 * ms, 900 * ms}; !slices.Equal(got, want) {
		t.Errorf("rendered %s; want %s: what the queue held was flushed\nhint: %s", shorts(got), shorts(want), flushHint)
	}
}

// TestSeekInAnotherFormatIsRefused: the source plays TIME; a BYTES seek is
// refused before anything is flushed, and the stream goes on.
func TestSeekInAnotherFormatIsRefused(t *testing.T) {
	const hint = "check the format first: a source refuses a seek it cannot perform before it flushes anything (README: Step 2)"
	r := newRig(t)
	r.setState(t, gstmini.StatePaused, "README: Step 1")
	if r.p.Seek(1, gstmini.FormatBytes, gstmini.SeekFlagFlush, gstmini.SeekTypeSet, 100, gstmini.SeekTypeNone, none) {
		t.Errorf("a BYTES seek on a TIME source = true; want false\nhint: %s", hint)
	}
	if !r.seek(t, 1, gstmini.SeekFlagFlush, 300*ms, none, flushHint) {
		t.Fatalf("Pipeline.Seek(flush, 300ms) = false; want true\nhint: %s", flushHint)
	}
	r.setState(t, gstmini.StatePaused, flushHint)
	if n := len(r.sink.Segments()); n != 2 {
		t.Errorf("the sink got %d segments; want 2, the first and the TIME seek's: the BYTES seek must change nothing\nhint: %s\nthe sink saw: %q", n, hint, r.sink.Log())
	}
	if n := countOf(r.sink.Log(), "flush-start"); n != 1 {
		t.Errorf("the sink saw %d flush-starts; want 1, the TIME seek's\nhint: %s", n, hint)
	}
}

// TestAFailedFlushingSeekStillRestartsTheTask: a seek DoSeek refuses
// (start after stop) has already flushed the pipeline and paused the task.
// PerformSeek reports false, but restarts the task, or the stream is dead:
// the sink prerolls again.
func TestAFailedFlushingSeekStillRestartsTheTask(t *testing.T) {
	const hint = "StartTask whether DoSeek succeeded or not: the flush paused the task (README: Step 2)"
	r := newRig(t)
	r.setState(t, gstmini.StatePaused, "README: Step 1")
	if !r.seek(t, 1, gstmini.SeekFlagFlush, 200*ms, none, flushHint) {
		t.Fatalf("Pipeline.Seek(flush, 200ms) = false; want true\nhint: %s", flushHint)
	}
	r.setState(t, gstmini.StatePaused, flushHint)
	if r.seek(t, 1, gstmini.SeekFlagFlush, 800*ms, 200*ms, hint) {
		t.Errorf("Pipeline.Seek(flush, start 800ms, stop 200ms) = true; want false: DoSeek refuses a start after the stop\nhint: %s", hint)
	}
	r.setState(t, gstmini.StatePaused, hint)
	if b, ok := r.sink.LastPreroll(); !ok || b.pts != 300*ms {
		t.Errorf("after the failed seek the sink prerolled on %+v; want the buffer at 300ms: the old segment plays on\nhint: %s", b, hint)
	}
}

func countOf(log []string, line string) int {
	n := 0
	for _, l := range log {
		if l == line {
			n++
		}
	}
	return n
}
