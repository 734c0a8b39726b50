package threading

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// testBase is the test clock's time when the camera pipelines go to
// PLAYING, so base_time is 10 s and running time r is clock time 10 s + r.
const testBase = 10 * time.Second

// slot returns the capture slot of frame n of a 30 fps camera, as
// LiveSource stamps it: n × 1 s / 30, rounded down (0, 33333333, 66666666,
// 100000000, ...).
func slot(n int) time.Duration { return time.Duration(int64(n) * int64(time.Second) / 30) }

// camera is "livesource fps=30 [! queue] ! s3sink" on a test clock, where
// every S3 upload takes uploadLatency of clock time on the goroutine that
// pushes into the sink.
type camera struct {
	pipeline *gstmini.Pipeline
	clock    *gstcheck.TestClock
	cam      *elements.LiveSource
	q        *Queue // nil without a queue
	s3       *elements.S3Sink
}

func newCamera(t *testing.T, withQueue bool, maxSizeBuffers int, uploadLatency time.Duration) *camera {
	t.Helper()
	c := &camera{
		pipeline: gstmini.NewPipeline("pipeline"),
		clock:    gstcheck.NewTestClockWithStartTime(testBase),
		cam:      elements.NewLiveSource("camera"),
		s3:       elements.NewS3Sink("s3sink"),
	}
	c.pipeline.UseClock(c.clock)
	for _, kv := range []struct {
		e     *gstmini.ElementBase
		name  string
		value any
	}{
		{c.cam.Base(), "fps", 30},
		{c.s3.Base(), "upload-latency", uploadLatency},
		{c.s3.Base(), "sync", false},  // no wait for the frame's running time: only the upload takes time
		{c.s3.Base(), "async", false}, // no preroll
	} {
		if err := kv.e.SetProperty(kv.name, kv.value); err != nil {
			t.Fatal(err)
		}
	}
	chain := []gstmini.Element{c.cam, c.s3}
	if withQueue {
		c.q = NewQueue("queue")
		setMaxSizeBuffers(t, c.q, maxSizeBuffers)
		chain = []gstmini.Element{c.cam, c.q, c.s3}
	}
	if err := c.pipeline.Add(chain...); err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(chain); i++ {
		if err := chain[i].Base().StaticPad("src").Link(chain[i+1].Base().StaticPad("sink")); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { stopWithin(t, c.pipeline, "at the end of the test") })
	return c
}

func (c *camera) play(t *testing.T) {
	t.Helper()
	setStateWithin(t, c.pipeline, gstmini.StatePlaying)
	if c.q != nil {
		requireStreaming(t, c.q)
	}
}

// nextWait waits until at least n clock waits are pending and returns the
// earliest; it fails t if they do not appear within the watchdog.
func (c *camera) nextWait(t *testing.T, n int, why string) *gstmini.ClockID {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), watchdog)
	defer cancel()
	ids, err := c.clock.WaitForMultiplePendingIDs(ctx, n)
	if err != nil {
		var times []string
		for _, id := range ids {
			times = append(times, gstmini.TimeString(id.Time()-testBase))
		}
		t.Fatalf("%d clock wait(s) pending within %v at running time %s (waits at running time %v); want %d: %s\n%s",
			len(ids), watchdog, gstmini.TimeString(c.clock.Time()-testBase), times, n, why, lessonStacks())
	}
	return ids[0]
}

// release moves the clock to id's time, if that is later, and releases
// the goroutine waiting on it.
func (c *camera) release(t *testing.T, id *gstmini.ClockID) {
	t.Helper()
	if id.Time() > c.clock.Time() {
		if err := c.clock.SetTime(id.Time()); err != nil {
			t.Fatal(err)
		}
	}
	if !c.clock.ProcessID(id) {
		t.Fatalf("the clock wait at %s was no longer pending", gstmini.TimeString(id.Time()))
	}
}

// runUntil plays the pipeline until running time end: it releases the
// pending clock waits in time order, each once n waits are pending, and
// stops when the earliest lies after end.
func (c *camera) runUntil(t *testing.T, n int, end time.Duration, why string) {
	t.Helper()
	for {
		id := c.nextWait(t, n, why)
		if id.Time() > testBase+end {
			return
		}
		c.release(t, id)
	}
}

// intervals returns the differences between consecutive times.
func intervals(ts []time.Duration) []time.Duration {
	var out []time.Duration
	for i := 1; i < len(ts); i++ {
		out = append(out, ts[i]-ts[i-1])
	}
	return out
}

func msList(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond))
	}
	return "[" + strings.Join(parts, " ") + "] ms"
}

// assertCameraAccounted checks the camera's own accounting once the
// pipeline is stopped: every capture slot until NULL is a frame delivered
// or lost (frames-slots = frames-captured + frames-lost), and slots more
// slots came before NULL.
func assertCameraAccounted(t *testing.T, c *camera, slots uint64, why string) {
	t.Helper()
	s, captured, lost := c.cam.FramesSlots(), c.cam.FramesCaptured(), c.cam.FramesLost()
	if s != slots || captured+lost != s {
		t.Errorf("camera after NULL: frames slots %d, captured %d, lost %d; want %d slots = captured + lost: %s",
			s, captured, lost, slots, why)
	}
}

// notUploaded returns the PTS of the frames the sink received but did not
// upload, and why.
func notUploaded(s3 *elements.S3Sink) []string {
	var out []string
	for _, n := range s3.NotUploaded() {
		out = append(out, fmt.Sprintf("%.1f ms (%s)", float64(n.PTS)/float64(time.Millisecond), n.Reason))
	}
	return out
}

// Step 6. A 30 fps camera and an S3 sink whose uploads take 100 ms each,
// played for 300 ms of running time on the test clock. Without a queue the
// upload runs on the camera's goroutine and the camera loses two frames in
// three; with your queue it captures on every slot.
func TestCameraLosesFramesWithoutAQueueButNotWithOne(t *testing.T) {
	const upload = 100 * time.Millisecond
	const end = 300 * time.Millisecond

	t.Run("without a queue the camera stalls while the sink uploads", func(t *testing.T) {
		c := newCamera(t, false, 0, upload)
		c.play(t)
		// One goroutine does everything, so one clock wait at a time: the
		// camera's goroutine waits in the sink's upload.
		c.runUntil(t, 1, end, "the camera's goroutine waits on the clock either for its next frame or in the upload")

		captures := c.cam.CaptureTimes()
		t.Logf("capture times %s, intervals %s, frames lost %d", msList(captures), msList(intervals(captures)), c.cam.FramesLost())
		if want := []time.Duration{0, upload, 2 * upload, 3 * upload}; !slices.Equal(captures, want) {
			t.Errorf("camera capture times = %s; want %s: one capture per upload", msList(captures), msList(want))
		}
		if lost := c.cam.FramesLost(); lost != 6 {
			t.Errorf("frames lost = %d; want 6: frames 1-2, 4-5 and 7-8 were overwritten while the camera's goroutine uploaded", lost)
		}

		// Every frame accounted for: NULL at 300 ms, with frame 9 uploading.
		// 10 slots = 4 delivered (0, 3, 6, 9) + 6 lost; of the 4, three were
		// uploaded and the sink records frame 9 as not uploaded.
		stopWithin(t, c.pipeline, "while the camera's goroutine uploaded frame 9")
		assertCameraAccounted(t, c, 10, "slots 0-9 came before NULL at 300 ms: 4 delivered, 6 lost")
		uploaded, nu := len(c.s3.Uploads()), notUploaded(c.s3)
		if want := []string{"300.0 ms (shutdown)"}; uploaded != 3 || !slices.Equal(nu, want) {
			t.Errorf("after NULL the sink uploaded %d frames and did not upload %q; want 3 uploaded and %q: "+
				"the 4 frames delivered are uploaded or recorded with the reason", uploaded, nu, want)
		}
	})

	t.Run("with your queue the camera captures on every slot", func(t *testing.T) {
		c := newCamera(t, true, DefaultMaxSizeBuffers, upload)
		c.play(t)
		// Two goroutines: the camera waits for its next slot while the
		// queue's streaming goroutine waits in the upload.
		c.runUntil(t, 2, end, "the camera waits for its next frame while the queue's streaming goroutine waits in the sink's upload, "+
			"both at once. With one wait only, one goroutine is stuck somewhere else (README: Steps 2 and 6)")

		captures := c.cam.CaptureTimes()
		t.Logf("capture times %s, intervals %s, frames lost %d, queued %s", msList(captures), msList(intervals(captures)),
			c.cam.FramesLost(), levelString(c.q))
		var want []time.Duration
		for n := 0; n <= 9; n++ {
			want = append(want, slot(n))
		}
		if !slices.Equal(captures, want) {
			t.Errorf("camera capture times = %s; want every slot, %s (intervals of 33.3 ms)", msList(captures), msList(want))
		}
		if lost := c.cam.FramesLost(); lost != 0 {
			t.Errorf("frames lost = %d; want 0: the camera's push returns at once, the queue holds the frames", lost)
		}
		ups := c.s3.Uploads()
		var pts []time.Duration
		for _, u := range ups {
			pts = append(pts, u.PTS)
			if d := u.Finished - u.Started; d != upload {
				t.Errorf("upload of frame at %s took %s; want %s", gstmini.TimeString(u.PTS), d, upload)
			}
		}
		if want := []time.Duration{slot(0), slot(1), slot(2)}; !slices.Equal(pts, want) {
			t.Errorf("PTS of the frames uploaded by running time 300 ms = %s; want %s: frames in capture order, 100 ms each", msList(pts), msList(want))
		}
		// Frames 0-2 are uploaded, frame 3 is uploading: 4-9 wait in the queue.
		if got := levelOf(t, c.q); got != 6 {
			t.Errorf("CurrentLevelBuffers() at running time 300 ms = %d; want 6 (frames 4 to 9)", got)
		}

		// Every frame accounted for: NULL at 300 ms. 10 slots = 10 delivered
		// (the camera waited for slot 10, lost nothing) = 3 uploaded + frame 3,
		// whose upload NULL interrupted, + frames 4-9, which your queue held.
		if !stopWithin(t, c.pipeline, "with frame 3 uploading and frames 4-9 queued") {
			return
		}
		assertCameraAccounted(t, c, 10, "slots 0-9 came before NULL at 300 ms, all delivered")
		uploaded, nu := len(c.s3.Uploads()), notUploaded(c.s3)
		if want := []string{"100.0 ms (shutdown)"}; uploaded != 3 || !slices.Equal(nu, want) {
			t.Errorf("after NULL the sink uploaded %d frames and did not upload %q; want 3 uploaded and %q "+
				"(frames 4-9 were in your queue)", uploaded, nu, want)
		}
	})
}

// Step 6. Shutdown from PLAYING at the worst moment of a live pipeline:
// the sink is in the middle of an upload that would take an hour, the
// queue is full (max-size-buffers 2) and the camera's goroutine waits in
// chain for room. Setting the pipeline to NULL must return at once and
// leave no goroutine behind.
func TestShutdownFromPlayingWhileTheSinkUploadsLeavesNoGoroutine(t *testing.T) {
	others := goleak.IgnoreCurrent() // goroutines a failed earlier test may have left
	c := newCamera(t, true, 2, time.Hour)
	c.play(t)

	// Frame 0 is uploading; frames 1 and 2 fill the queue; frame 3 waits.
	for n := 1; n <= 3; n++ {
		id := c.nextWait(t, 2, "the camera waits for its next frame while the queue's streaming goroutine waits in the upload (README: Steps 2 and 6)")
		if id.Time() != testBase+slot(n) {
			t.Fatalf("earliest clock wait at running time %s; want the camera's wait for frame %d at %s",
				gstmini.TimeString(id.Time()-testBase), n, gstmini.TimeString(slot(n)))
		}
		c.release(t, id)
	}
	isChain := func(g goroutine) bool { return strings.Contains(g.stack, frameChain) }
	pushedThrough := func() bool { n, ok := tryLevel(c.q); return ok && n > 2 || c.clock.PendingIDCount() > 1 }
	if g, ok := waitParked(isChain, pushedThrough); !ok {
		if pushedThrough() {
			t.Fatalf("the camera pushed frame 3 into a full queue and went on (buffers queued: %s, max-size-buffers 2); want its push to wait inside chain for room.\n"+
				"hint: while q.isFullLocked(), chain waits on q.itemRemoved (README: Step 4)", levelString(c.q))
		}
		t.Fatalf("the camera's goroutine did not wait inside chain within %v with the queue full (max-size-buffers 2); last seen in chain: %s\n"+
			"hint: while q.isFullLocked(), chain waits on q.itemRemoved (README: Step 4)", watchdog, g)
	}
	if got := levelOf(t, c.q); got != 2 {
		t.Fatalf("CurrentLevelBuffers() with frame 3 waiting for room = %d; want 2", got)
	}

	if !stopWithin(t, c.pipeline, "while the sink uploaded and the camera waited for room in the queue") {
		return
	}
	if n := c.clock.PendingIDCount(); n != 0 {
		t.Errorf("clock waits pending after shutdown = %d; want 0", n)
	}
	for _, p := range []struct {
		name string
		pad  *gstmini.Pad
	}{{"queue", c.q.SrcPad()}, {"camera", c.cam.SrcPad()}} {
		if st := p.pad.TaskState(); st != gstmini.TaskStopped {
			t.Errorf("the %s's task after shutdown is %s; want stopped", p.name, st)
		}
	}
	if got := levelOf(t, c.q); got != 0 {
		t.Errorf("CurrentLevelBuffers() after shutdown = %d; want 0: nothing may stay queued, and the camera's push, woken by the shutdown, must not queue frame 3.\n"+
			"hint: after waking up, chain returns q.srcresult when it is not FlowOK (README: Step 5)", got)
	}
	// Every frame accounted for: NULL at running time 100 ms (slot 3). The
	// camera delivered frames 0-3 and lost none; frame 0's upload was
	// interrupted (the sink records it), frames 1-2 were in the queue and
	// frame 3 waited for room: the shutdown discarded those three.
	assertCameraAccounted(t, c, 4, "slots 0-3 came before NULL at 100 ms, all delivered")
	if nu, want := notUploaded(c.s3), []string{"0.0 ms (shutdown)"}; len(c.s3.Uploads()) != 0 || !slices.Equal(nu, want) {
		t.Errorf("after NULL the sink uploaded %d frames and did not upload %q; want none uploaded and %q", len(c.s3.Uploads()), nu, want)
	}
	goleak.VerifyNone(t, others)
}
