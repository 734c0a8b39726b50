package elements

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// These tests pin LiveSource's accounting ("Every slot accounted for" on
// LiveSource): every capture slot of the capture window counts once, as a
// frame delivered (pushed downstream) or lost (nobody read it), including
// the slots that pass while the camera's goroutine is blocked when the
// stream ends. All run on a TestClock at 10 s: running time r is clock
// time 10 s + r, and nothing moves unless the test moves it.

// assertSlotsAccounted checks the camera's invariant, frames-slots =
// frames-captured + frames-lost, and that the camera delivered exactly
// the frames downstream saw.
func assertSlotsAccounted(t *testing.T, src *LiveSource, pushed int, when string) {
	t.Helper()
	slots, captured, lost := src.FramesSlots(), src.FramesCaptured(), src.FramesLost()
	assert.Equal(t, slots, captured+lost,
		"%s: frames-slots %d; want frames-captured %d + frames-lost %d: every slot of the capture window is delivered or lost",
		when, slots, captured, lost)
	assert.Equal(t, uint64(pushed), captured,
		"%s: frames-captured %d; want %d, the frames downstream received: a frame counts as delivered only once pushed",
		when, captured, pushed)
	for name, want := range map[string]uint64{"frames-slots": slots, "frames-captured": captured, "frames-lost": lost} {
		assert.Equal(t, want, mustGet(t, src.Base(), name), "%s: property %q agrees with its method", when, name)
	}
}

// waitBusEOS waits for the EOS message of p, failing t after the watchdog.
func waitBusEOS(t *testing.T, p *gstmini.Pipeline, why string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), watchdog)
	defer cancel()
	m, err := p.Bus().PopFiltered(ctx, gstmini.MessageEOS|gstmini.MessageError)
	require.NoError(t, err, "no EOS on the bus within %v: %s", watchdog, why)
	require.Equal(t, gstmini.MessageEOS, m.Type, "bus message %s; want EOS: %s", m, why)
}

// frame1 is the slot of frame 1 at 30 fps, 33.333333 ms.
const frame1 = 33333333

// EOS arrives while a slow sink holds frame 1 for 100 ms: slots 2, 3 and
// 4 pass with nobody reading the camera. When the sink lets go, the stream
// is over: the camera takes no frame 4 (its slot came before EOS, so it is
// lost with 2 and 3) and ends with EOS.
func TestLiveSource_EOSWhileBlockedCountsTheSlotsThatPassedAsLost(t *testing.T) {
	f := newLiveFixture(t, 30)
	f.rec.block(1)
	f.play(t)
	f.release(t, f.nextWait(t, frame1)) // frame 1 leaves at 33.3 ms ...
	f.rec.waitBlocked(t)                // ... and its render blocks
	require.NoError(t, f.clock.Advance(100*time.Millisecond))
	require.True(t, f.pipeline.SendEOS(), "SendEOS at running time 133.333333 ms = slot(4)")
	assertSlotsAccounted(t, f.src, 2, "EOS sent while the camera was blocked")
	close(f.rec.release)
	waitBusEOS(t, f.pipeline, "the camera, back from its push, must end the stream")

	assert.Equal(t, uint64(5), f.src.FramesSlots(), "frames-slots: slots 0-4 came before EOS at 133.3 ms")
	assert.Equal(t, uint64(2), f.src.FramesCaptured(), "frames-captured: frames 0 and 1")
	assert.Equal(t, uint64(3), f.src.FramesLost(), "frames-lost: frames 2-4 passed while the camera was blocked and the stream ended before it came back")
	assert.Len(t, f.rec.get(), 2, "frames rendered: 0 and 1, none after EOS")
	assert.Zero(t, f.clock.PendingIDCount(), "clock waits after EOS: the camera waits for no further slot")
	stopWithin(t, f.pipeline)
	assertSlotsAccounted(t, f.src, 2, "after NULL")
	assert.Equal(t, uint64(5), f.src.FramesSlots(), "frames-slots after NULL: the window closed at EOS and stays closed")
}

// EOS while the camera waits on the clock for frame 1: the wait ends at
// once. Before slot 1 the window holds one slot. At slot 1 exactly, with
// the camera's wait due but not yet served, frame 1 was captured and nobody
// read it: it is lost, not taken and then discarded.
func TestLiveSource_EOSWhileWaitingOnTheClock(t *testing.T) {
	for _, tc := range []struct {
		name        string
		eosAt       time.Duration
		slots, lost uint64
	}{
		{"before frame 1's slot, frame 1 is outside the window", 20 * time.Millisecond, 1, 0},
		{"at frame 1's slot, frame 1 is lost: captured, never read", frame1, 2, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newLiveFixture(t, 30)
			f.play(t)
			id := f.nextWait(t, frame1)
			require.NoError(t, f.clock.SetTime(testBase+tc.eosAt))
			require.True(t, f.pipeline.SendEOS())
			waitBusEOS(t, f.pipeline, "EOS must unblock the camera's clock wait")

			assert.True(t, id.IsUnscheduled(), "the camera's wait for frame 1 was unscheduled by EOS")
			assert.Equal(t, tc.slots, f.src.FramesSlots(), "frames-slots with EOS at %s", gstmini.TimeString(tc.eosAt))
			assert.Equal(t, tc.lost, f.src.FramesLost(), "frames-lost with EOS at %s", gstmini.TimeString(tc.eosAt))
			assertSlotsAccounted(t, f.src, 1, "after EOS")
			stopWithin(t, f.pipeline)
			assertSlotsAccounted(t, f.src, 1, "after NULL")
		})
	}
}

// num-buffers ends the stream after the last frame asked for: the window
// closes there, so the time that passes before the pipeline stops loses
// nothing.
func TestLiveSource_NumBuffersClosesTheWindowAfterTheLastFrame(t *testing.T) {
	f := newLiveFixture(t, 30)
	mustSet(t, f.src.Base(), "num-buffers", 3)
	f.play(t)
	f.release(t, f.nextWait(t, frame1))
	f.release(t, f.nextWait(t, 66666666))
	waitBusEOS(t, f.pipeline, "num-buffers=3 ends the stream after frame 2")
	require.NoError(t, f.clock.Advance(time.Second))
	stopWithin(t, f.pipeline)

	assert.Equal(t, uint64(3), f.src.FramesSlots(), "frames-slots: frames 0-2, the window closed after the third")
	assert.Zero(t, f.src.FramesLost(), "frames-lost: the second after EOS is outside the window")
	assertSlotsAccounted(t, f.src, 3, "after NULL")
}

// camS3 is "livesource ! s3sink sync=false async=false" on a TestClock:
// each upload takes upload-latency of clock time on the camera's
// goroutine, and the sink's Unlock ends it on a state change.
type camS3 struct {
	pipeline *gstmini.Pipeline
	clock    *gstcheck.TestClock
	cam      *LiveSource
	s3       *S3Sink
}

func newCamS3(t *testing.T, upload time.Duration) *camS3 {
	t.Helper()
	c := &camS3{pipeline: gstmini.NewPipeline("pipeline"), clock: gstcheck.NewTestClockWithStartTime(testBase),
		cam: NewLiveSource("cam"), s3: NewS3Sink("s3")}
	c.pipeline.UseClock(c.clock)
	mustSet(t, c.s3.Base(), "upload-latency", upload)
	mustSet(t, c.s3.Base(), "sync", false)
	mustSet(t, c.s3.Base(), "async", false)
	require.NoError(t, c.pipeline.Add(c.cam, c.s3))
	require.NoError(t, c.cam.SrcPad().Link(c.s3.SinkPad()))
	t.Cleanup(func() { stopWithin(t, c.pipeline) })
	return c
}

// NULL while the camera's goroutine is blocked in an upload: the slots
// that passed until the pipeline left PLAYING are lost, the frame in the
// upload was delivered, and the sink records it as not uploaded.
func TestLiveSource_NullWhileBlockedCountsTheSlotsUntilPaused(t *testing.T) {
	c := newCamS3(t, time.Hour)
	require.NotEqual(t, gstmini.StateChangeFailure, c.pipeline.SetState(gstmini.StatePlaying))
	c.clock.WaitForPendingIDs(t, 1) // frame 0 left at once; its upload waits an hour
	require.NoError(t, c.clock.SetTime(testBase+80*time.Millisecond))
	stopWithin(t, c.pipeline) // left PLAYING at running time 80 ms: slots 0-2

	assert.Equal(t, uint64(3), c.cam.FramesSlots(), "frames-slots: slots 0, 1 (33.3 ms) and 2 (66.7 ms) came before NULL at 80 ms")
	assert.Equal(t, uint64(1), c.cam.FramesCaptured(), "frames-captured: frame 0, pushed into the sink")
	assert.Equal(t, uint64(2), c.cam.FramesLost(), "frames-lost: frames 1 and 2 passed while the camera's goroutine uploaded")
	assertSlotsAccounted(t, c.cam, 1, "after NULL")
	assert.Empty(t, c.s3.Uploads(), "uploads: the one in progress was interrupted")
	nu := c.s3.NotUploaded()
	require.Len(t, nu, 1, "the sink records the interrupted upload as not uploaded")
	assert.Equal(t, NotUploadedShutdown, nu[0].Reason, "reason: the sink went to READY during the upload")
	assert.Equal(t, time.Duration(0), nu[0].PTS, "the frame not uploaded is frame 0")
}

// A frame the camera takes while PAUSED waits in BaseSrc for PLAYING;
// going to NULL instead discards it. It never left the camera, so it
// counts as lost, not delivered.
func TestLiveSource_FrameTakenWhilePausedAndDiscardedIsLost(t *testing.T) {
	f := newLiveFixture(t, 30)
	f.play(t)
	id := f.nextWait(t, frame1)
	require.Equal(t, gstmini.StateChangeNoPreroll, f.pipeline.SetState(gstmini.StatePaused))
	require.True(t, f.clock.HasID(id), "the camera's wait for frame 1 goes on through PAUSED")
	f.release(t, id) // Create takes frame 1; BaseSrc holds it until PLAYING
	stopWithin(t, f.pipeline)

	assert.Len(t, f.rec.get(), 1, "frames rendered: frame 0 only")
	assert.Equal(t, uint64(1), f.src.FramesCaptured(), "frames-captured: frame 0; frame 1 was discarded on the way to NULL")
	assert.Equal(t, uint64(1), f.src.FramesLost(), "frames-lost: frame 1, taken but never pushed")
	assertSlotsAccounted(t, f.src, 1, "after NULL")
}
