package live

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
)

// waitParked waits until the camera's goroutine is waiting for PLAYING, or
// fails: a camera that captures in PAUSED shows up as a captured frame.
func waitParked(t *testing.T, c *Camera, after string) {
	t.Helper()
	deadline := time.After(watchdog)
	for {
		changed := c.Changed()
		captured, _, parked := c.Stats()
		if captured > 0 {
			require.Zero(t, captured, "%s: the camera delivered a frame; a live source must produce nothing until PLAYING\n"+
				"hint: Create waits while c.playing is false; only PAUSED→PLAYING sets it (README: Step 1)", after)
		}
		if parked > 0 {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("%s: the camera's goroutine never started waiting for PLAYING within %v", after, watchdog)
		}
	}
}

func TestCameraAnswersNoPrerollAndWaitsInPaused(t *testing.T) {
	cam, disp := NewCamera("camera", 30), NewDisplay("display")
	r := newRig(t, cam, disp)

	ret := r.setState(gstmini.StatePaused)
	require.Equal(t, gstmini.StateChangeNoPreroll.String(), ret.String(),
		"pipeline.SetState(PAUSED) on camera ! display = %s; want no-preroll: the camera's READY→PAUSED answers NO_PREROLL, "+
			"which a bin passes on (it overrides the display's async); without it the pipeline waits forever for a preroll "+
			"a live source never delivers\nhint: return gstmini.StateChangeNoPreroll when c.BaseSrc.ChangeState succeeded (README: Step 1)", ret)
	assert.False(t, cam.Capturing(), "in PAUSED the camera must not capture (c.playing false)")
	waitParked(t, cam, "after SetState(PAUSED)")
	assert.Zero(t, r.clock.PendingIDCount(), "in PAUSED nothing waits on the clock: no capture is under way")
	assert.Empty(t, disp.Renderings(), "nothing reaches the display in PAUSED")
}

func TestCameraCapturesOnlyInPlaying(t *testing.T) {
	cam, disp := NewCamera("camera", 30), NewDisplay("display")
	r := newRig(t, cam, disp)
	r.setState(gstmini.StatePaused)
	waitParked(t, cam, "after SetState(PAUSED)")

	ret := r.setState(gstmini.StatePlaying)
	require.Equal(t, gstmini.StateChangeAsync.String(), ret.String(),
		"pipeline.SetState(PLAYING) = %s; want async: the display has no frame yet and reaches PLAYING when the first one "+
			"arrives; only READY→PAUSED and PLAYING→PAUSED answer NO_PREROLL, PAUSED→PLAYING is a plain SUCCESS for the camera "+
			"(README: Step 1)", ret)
	requireCapturing(t, cam)
	id := r.step("the camera's wait for the end of frame 0's exposure")
	assert.Equal(t, slot(1, 30), id.Time(),
		"the first clock wait in PLAYING is the camera's, for the end of frame 0's exposure at running time 33.333333 ms")
	r.step("the display's wait for frame 0")
	r.settle("after frame 0, the camera waits for frame 1's exposure")
	rs := disp.Renderings()
	require.Len(t, rs, 1, "frame 0 must reach the display once the pipeline plays; renderings:\n%s", renderingsString(rs))
	assert.Equal(t, time.Duration(0), rs[0].PTS)
}

func TestCameraPausedAgainAnswersNoPrerollAndStopsCapturing(t *testing.T) {
	cam, disp := NewCamera("camera", 30), NewDisplay("display")
	r := newRig(t, cam, disp)
	r.setState(gstmini.StatePaused)
	r.setState(gstmini.StatePlaying)
	requireCapturing(t, cam)
	r.step("frame 0's exposure")
	r.step("the display's wait for frame 0")
	if _, ok := r.nextWait(); !ok { // the camera waits for frame 1's exposure
		t.Fatalf("after frame 0 the camera never waited for frame 1 (clock at %s)", ts(r.clock.Time()))
	}

	_, _, parkedBefore := cam.Stats()
	ret := r.setState(gstmini.StatePaused)
	require.Equal(t, gstmini.StateChangeNoPreroll.String(), ret.String(),
		"PLAYING→PAUSED = %s; want no-preroll: a live source that stops cannot preroll either "+
			"(gst_base_src_change_state answers NO_PREROLL there too)\nhint: README Step 1", ret)
	require.False(t, cam.Capturing(), "after PLAYING→PAUSED the camera must stop capturing (c.playing false)")
	r.step("frame 1's exposure, which ends while the pipeline is PAUSED")
	waitParkedAgain(t, cam, parkedBefore)
	captured, _, _ := cam.Stats()
	assert.Equal(t, uint64(1), captured, "frame 1's exposure ended in PAUSED: it must not be delivered")
	assert.Len(t, disp.Renderings(), 1, "only frame 0 reached the display")
}

// waitParkedAgain waits until the camera's goroutine has started waiting
// for PLAYING more than before times.
func waitParkedAgain(t *testing.T, c *Camera, before uint64) {
	t.Helper()
	deadline := time.After(watchdog)
	for {
		changed := c.Changed()
		if _, _, parked := c.Stats(); parked > before {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			captured, _, parked := c.Stats()
			t.Fatalf("after PLAYING→PAUSED the camera's goroutine never went back to waiting for PLAYING within %v "+
				"(captured %d, parked %d): Create waits while c.playing is false (README: Step 1)", watchdog, captured, parked)
		}
	}
}

// requireCapturing stops the test if the camera does not capture after
// SetState(PLAYING): nothing would ever wait on the clock.
func requireCapturing(t *testing.T, c *Camera) {
	t.Helper()
	require.True(t, c.Capturing(),
		"after SetState(PLAYING) the camera must capture: PAUSED→PLAYING sets c.playing and wakes Create (c.cond.Broadcast)\n"+
			"hint: README Step 1")
}
