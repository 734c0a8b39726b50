package timing

import (
	"fmt"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

const hintPipelineClock = "hint: Play (if not playing): base_time = clock.Time() - start_time; " +
	"Pause (if playing): start_time = clock.Time() - base_time; Ready: start_time = 0; " +
	"RunningTime: clock.Time() - base_time; a start_time of NONE leaves both alone (README: Step 6)"

// setTime moves the test clock to at, failing the test if that is backwards.
func setTime(t *testing.T, clk *gstcheck.TestClock, at time.Duration) {
	t.Helper()
	if err := clk.SetTime(at); err != nil {
		t.Fatal(err)
	}
}

// checkTimes compares p's base and start times with the wanted ones, and
// stops the test if they differ: every later step depends on them.
func checkTimes(t *testing.T, after string, p *PipelineClock, base, start time.Duration) {
	t.Helper()
	if p.BaseTime != base || p.StartTime != start {
		t.Fatalf("after %s: base_time=%s start_time=%s; want base_time=%s start_time=%s\n%s",
			after, fmtTime(p.BaseTime), fmtTime(p.StartTime), fmtTime(base), fmtTime(start), hintPipelineClock)
	}
}

func TestPipelineClockSetsBaseTimeOnPlay(t *testing.T) {
	clk := gstcheck.NewTestClockWithStartTime(10 * sec)
	p := &PipelineClock{Clock: clk}
	p.Play()
	checkTimes(t, "Play at clock 10s", p, 10*sec, 0)
	setTime(t, clk, 12*sec)
	if got := p.RunningTime(); got != 2*sec {
		t.Errorf("RunningTime() at clock 12s after Play at 10s = %s; want 2s\n%s", fmtTime(got), hintPipelineClock)
	}
}

// TestPipelineClockKeepsRunningTimeAcrossPause is the run-checked
// GStreamer sequence: PLAYING at 10 s, PAUSED at 13 s, PLAYING at 20 s.
func TestPipelineClockKeepsRunningTimeAcrossPause(t *testing.T) {
	clk := gstcheck.NewTestClockWithStartTime(10 * sec)
	p := &PipelineClock{Clock: clk}
	p.Play()
	checkTimes(t, "Play at clock 10s", p, 10*sec, 0)

	setTime(t, clk, 13*sec)
	p.Pause()
	checkTimes(t, "Pause at clock 13s: 3 s were played", p, 10*sec, 3*sec)

	setTime(t, clk, 20*sec)
	p.Play()
	checkTimes(t, "Play at clock 20s: running time must continue from 3 s", p, 17*sec, 3*sec)
	if got := p.RunningTime(); got != 3*sec {
		t.Errorf("RunningTime() right after resuming = %s; want 3s, where it paused\n%s", fmtTime(got), hintPipelineClock)
	}

	setTime(t, clk, 21*sec)
	p.Play() // already playing: nothing changes
	checkTimes(t, "a second Play at 21s while playing", p, 17*sec, 3*sec)
	if got := p.RunningTime(); got != 4*sec {
		t.Errorf("RunningTime() at 21s = %s; want 4s\n%s", fmtTime(got), hintPipelineClock)
	}
}

// TestPipelineClockMatchesGstminiPipeline drives a gstmini.Pipeline, whose
// state changes do GStreamer's bookkeeping, and a PipelineClock through the
// same steps on two test clocks, and compares their times after each step.
func TestPipelineClockMatchesGstminiPipeline(t *testing.T) {
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
	}
	var done []string
	for _, st := range steps {
		setTime(t, refClk, st.at)
		setTime(t, clk, st.at)
		if ret := pipe.SetState(st.state); ret != gstmini.StateChangeSuccess {
			t.Fatalf("gstmini pipeline: SetState(%v) = %v", st.state, ret)
		}
		switch st.state {
		case gstmini.StatePlaying:
			p.Play()
		case gstmini.StatePaused:
			p.Pause()
		case gstmini.StateReady:
			p.Ready()
		}
		done = append(done, fmt.Sprintf("%v at %s", st.state, fmtTime(st.at)))
		if p.BaseTime != pipe.BaseTime() || p.StartTime != pipe.StartTime() {
			t.Fatalf("after %v: PipelineClock has base_time=%s start_time=%s; gstmini.Pipeline (GStreamer) has base_time=%s start_time=%s\n%s",
				done, fmtTime(p.BaseTime), fmtTime(p.StartTime), fmtTime(pipe.BaseTime()), fmtTime(pipe.StartTime()), hintPipelineClock)
		}
	}
}

func TestPipelineClockLeavesBaseTimeAloneWithoutStartTime(t *testing.T) {
	clk := gstcheck.NewTestClockWithStartTime(10 * sec)
	// The application distributes base time itself, for example to play
	// in sync with other machines: start_time NONE tells the pipeline so.
	p := &PipelineClock{Clock: clk, BaseTime: 5 * sec, StartTime: none}
	p.Play()
	checkTimes(t, "Play at 10s with start_time NONE", p, 5*sec, none)
	if got := p.RunningTime(); got != 5*sec {
		t.Errorf("RunningTime() at 10s with base_time 5s = %s; want 5s\n%s", fmtTime(got), hintPipelineClock)
	}
	setTime(t, clk, 12*sec)
	p.Pause()
	setTime(t, clk, 20*sec)
	p.Play()
	checkTimes(t, "Pause at 12s and Play at 20s with start_time NONE", p, 5*sec, none)
	if got := p.RunningTime(); got != 15*sec {
		t.Errorf("RunningTime() at 20s with base_time 5s = %s; want 15s: without start_time, time paused still counts\n%s",
			fmtTime(got), hintPipelineClock)
	}
}
