package timing

import (
	"fmt"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// Hints, one per rule of gst_pipeline_change_state.
const (
	hintPlay = "hint: Play (PAUSED→PLAYING) picks the base_time that makes running time continue from start_time, " +
		"the running time reached so far; while already playing it changes nothing (README: Step 6)"
	hintPause = "hint: Pause (PLAYING→PAUSED) keeps the running time reached in start_time, for the next Play; " +
		"while already paused it changes nothing (README: Step 6)"
	hintReady = "hint: Ready (PAUSED→READY) stops playing and sets start_time to 0: the next Play starts running time from 0 again (README: Step 6)"
	hintNone  = "hint: a start_time of NONE hands base_time to the application: Play, Pause and Ready leave both fields alone (README: Step 6)"
	hintRT    = "hint: while playing, running time is how far the clock has gone since base_time (README: Step 6)"
)

// setTime moves the test clock to at, failing the test if that is backwards.
func setTime(t *testing.T, clk *gstcheck.TestClock, at time.Duration) {
	t.Helper()
	if err := clk.SetTime(at); err != nil {
		t.Fatal(err)
	}
}

// checkTimes compares p's base and start times with the wanted ones, and
// stops the test if they differ: every later step depends on them.
func checkTimes(t *testing.T, after string, p *PipelineClock, base, start time.Duration, hint string) {
	t.Helper()
	if p.BaseTime != base || p.StartTime != start {
		t.Fatalf("after %s: base_time=%s start_time=%s; want base_time=%s start_time=%s\n%s",
			after, fmtTime(p.BaseTime), fmtTime(p.StartTime), fmtTime(base), fmtTime(start), hint)
	}
}

func TestPipelineClockSetsBaseTimeOnPlay(t *testing.T) {
	defer reportPanic(t)
	clk := gstcheck.NewTestClockWithStartTime(10 * sec)
	p := &PipelineClock{Clock: clk}
	p.Play()
	checkTimes(t, "Play at clock 10s", p, 10*sec, 0, hintPlay)
	setTime(t, clk, 12*sec)
	if got := p.RunningTime(); got != 2*sec {
		t.Errorf("RunningTime() at clock 12s after Play at 10s = %s; want 2s\n%s", fmtTime(got), hintRT)
	}
}

// TestPipelineClockKeepsRunningTimeAcrossPause is the run-checked
// GStreamer sequence: PLAYING at 10 s, PAUSED at 13 s, PLAYING at 20 s.
func TestPipelineClockKeepsRunningTimeAcrossPause(t *testing.T) {
	defer reportPanic(t)
	clk := gstcheck.NewTestClockWithStartTime(10 * sec)
	p := &PipelineClock{Clock: clk}
	p.Play()
	checkTimes(t, "Play at clock 10s", p, 10*sec, 0, hintPlay)

	setTime(t, clk, 13*sec)
	p.Pause()
	checkTimes(t, "Pause at clock 13s: 3 s were played", p, 10*sec, 3*sec, hintPause)

	setTime(t, clk, 20*sec)
	p.Play()
	checkTimes(t, "Play at clock 20s: running time must continue from 3 s", p, 17*sec, 3*sec, hintPlay)
	if got := p.RunningTime(); got != 3*sec {
		t.Errorf("RunningTime() right after resuming = %s; want 3s, where it paused\n%s", fmtTime(got), hintRT)
	}

	setTime(t, clk, 21*sec)
	p.Play() // already playing: nothing changes
	checkTimes(t, "a second Play at 21s while playing", p, 17*sec, 3*sec, hintPlay)
	if got := p.RunningTime(); got != 4*sec {
		t.Errorf("RunningTime() at 21s = %s; want 4s\n%s", fmtTime(got), hintRT)
	}
}

// TestPipelineClockMatchesGstminiPipeline drives a gstmini.Pipeline, whose
// state changes do GStreamer's bookkeeping, and a PipelineClock through the
// same steps on two test clocks, and compares their times after each step.
func TestPipelineClockMatchesGstminiPipeline(t *testing.T) {
	defer reportPanic(t)
	refClk, clk := gstcheck.NewTestClock(), gstcheck.NewTestClock()
	pipe := gstmini.NewPipeline("p")
	pipe.UseClock(refClk)
	t.Cleanup(func() { pipe.Stop() })
	p := &PipelineClock{Clock: clk}

	steps := []struct {
		at    time.Duration
		state gstmini.State
	}{
		{10 * sec, gstmini.StatePlaying},
		{13 * sec, gstmini.StatePaused},
		{20 * sec, gstmini.StatePlaying},
		{22 * sec, gstmini.StatePlaying}, // already PLAYING: no state change
		{25 * sec, gstmini.StatePaused},
		{26 * sec, gstmini.StatePaused}, // already PAUSED
		{27 * sec, gstmini.StateReady},
		{30 * sec, gstmini.StatePlaying}, // from READY: running time starts again from 0
		{35 * sec, gstmini.StateReady},   // straight from PLAYING: the pipeline passes through PAUSED
		{40 * sec, gstmini.StatePlaying},
	}
	var done []string
	for _, st := range steps {
		setTime(t, refClk, st.at)
		setTime(t, clk, st.at)
		if ret := pipe.SetState(st.state); ret != gstmini.StateChangeSuccess {
			t.Fatalf("gstmini pipeline: SetState(%v) = %v", st.state, ret)
		}
		hint := hintPlay
		switch st.state {
		case gstmini.StatePlaying:
			p.Play()
		case gstmini.StatePaused:
			p.Pause()
			hint = hintPause
		case gstmini.StateReady:
			p.Ready()
			hint = hintReady
		}
		done = append(done, fmt.Sprintf("%v at %s", st.state, fmtTime(st.at)))
		if p.BaseTime != pipe.BaseTime() || p.StartTime != pipe.StartTime() {
			t.Fatalf("after %v: PipelineClock has base_time=%s start_time=%s; gstmini.Pipeline (GStreamer) has base_time=%s start_time=%s\n%s",
				done, fmtTime(p.BaseTime), fmtTime(p.StartTime), fmtTime(pipe.BaseTime()), fmtTime(pipe.StartTime()), hint)
		}
	}
}

func TestPipelineClockLeavesBaseTimeAloneWithoutStartTime(t *testing.T) {
	defer reportPanic(t)
	clk := gstcheck.NewTestClockWithStartTime(10 * sec)
	// The application distributes base time itself, for example to play
	// in sync with other machines: start_time NONE tells the pipeline so.
	p := &PipelineClock{Clock: clk, BaseTime: 5 * sec, StartTime: none}
	p.Play()
	checkTimes(t, "Play at 10s with start_time NONE", p, 5*sec, none, hintNone)
	if got := p.RunningTime(); got != 5*sec {
		t.Errorf("RunningTime() at 10s with base_time 5s = %s; want 5s\n%s", fmtTime(got), hintRT)
	}
	setTime(t, clk, 12*sec)
	p.Pause()
	checkTimes(t, "Pause at 12s with start_time NONE", p, 5*sec, none, hintNone)
	setTime(t, clk, 20*sec)
	p.Play()
	checkTimes(t, "Pause at 12s and Play at 20s with start_time NONE", p, 5*sec, none, hintNone)
	if got := p.RunningTime(); got != 15*sec {
		t.Errorf("RunningTime() at 20s with base_time 5s = %s; want 15s: without start_time, time paused still counts\n%s",
			fmtTime(got), hintRT)
	}
	setTime(t, clk, 25*sec)
	p.Pause()
	p.Ready()
	checkTimes(t, "Pause and Ready at 25s with start_time NONE", p, 5*sec, none, hintNone)
}
