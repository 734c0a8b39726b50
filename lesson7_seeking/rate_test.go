package seeking

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

const rateHint = "the source puts the rate in the segment (DoSeek) and keeps the timestamps; the sink waits for " +
	"base_time + (PTS - start) / |rate| (README: Step 4)"

// clockWaits seeks (flushing, in PAUSED) with rate and [start, stop], plays,
// and returns the clock times, relative to the base time, that the first n
// buffers waited for, and the buffers rendered.
func clockWaits(t *testing.T, rate float64, start, stop time.Duration, n int) ([]time.Duration, []render) {
	t.Helper()
	r := newRig(t, synced)
	r.setState(t, gstmini.StatePaused, "README: Step 1")
	if !r.seek(t, rate, gstmini.SeekFlagFlush, start, stop, flushHint) {
		t.Fatalf("Pipeline.Seek(rate %g, flush, %s, %s) = false; want true\nhint: %s", rate, short(start), short(stop), flushHint)
	}
	r.setState(t, gstmini.StatePlaying, flushHint)
	var waits []time.Duration
	for range n {
		id := r.nextWait(t, fmt.Sprintf("buffer %d after the seek", len(waits)), rateHint)
		waits = append(waits, id.Time()-r.p.BaseTime())
		r.release(t, id)
	}
	r.sink.waitFor(t, "the renders", rateHint, func(l []string) bool { return len(r.sink.Renders()) >= n })
	return waits, r.sink.Renders()
}

func TestRateTwoHalvesTheClockWaits(t *testing.T) {
	waits, got := clockWaits(t, 2, 0, none, 4)
	if want := []time.Duration{0, 50 * ms, 100 * ms, 150 * ms}; !slices.Equal(waits, want) {
		t.Errorf("at rate 2 the buffers waited for base time + %s; want + %s\nhint: %s", shorts(waits), shorts(want), rateHint)
	}
	if want := []time.Duration{0, 100 * ms, 200 * ms, 300 * ms}; !slices.Equal(pts(got[:4]), want) {
		t.Errorf("at rate 2 the source sent PTS %s; want %s: the rate does not change timestamps\nhint: %s", shorts(pts(got[:4])), shorts(want), rateHint)
	}
}

func TestRateHalfDoublesTheClockWaits(t *testing.T) {
	waits, got := clockWaits(t, 0.5, 200*ms, none, 3)
	if want := []time.Duration{0, 200 * ms, 400 * ms}; !slices.Equal(waits, want) {
		t.Errorf("at rate 0.5 the buffers waited for base time + %s; want + %s\nhint: %s", shorts(waits), shorts(want), rateHint)
	}
	if want := []time.Duration{200 * ms, 300 * ms, 400 * ms}; !slices.Equal(pts(got[:3]), want) {
		t.Errorf("at rate 0.5 the source sent PTS %s; want %s\nhint: %s", shorts(pts(got[:3])), shorts(want), rateHint)
	}
}

// TestReverseSeekPlaysTheFramesBackwards: rate -1 on [0, 500ms] plays 400,
// 300, ..., 0, every one DISCONT; running time still goes up: the sink
// syncs on each buffer's end, (stop - end) / |rate|.
func TestReverseSeekPlaysTheFramesBackwards(t *testing.T) {
	const hint = "rate < 0: DoSeek puts Position at the stop, NextFrame walks down to the start (README: Steps 1 and 4)"
	waits, got := clockWaits(t, -1, 0, 500*ms, 5)
	if want := []time.Duration{400 * ms, 300 * ms, 200 * ms, 100 * ms, 0}; !slices.Equal(pts(got), want) {
		t.Fatalf("rate -1 on [0, 500ms] rendered PTS %s; want %s\nhint: %s", shorts(pts(got)), shorts(want), hint)
	}
	if want := []time.Duration{0, 100 * ms, 200 * ms, 300 * ms, 400 * ms}; !slices.Equal(waits, want) {
		t.Errorf("backwards, the buffers waited for base time + %s; want + %s\nhint: %s", shorts(waits), shorts(want), hint)
	}
	for _, b := range got {
		if !b.discont {
			t.Errorf("the buffer at %s is not DISCONT; every buffer played backwards is", short(b.pts))
		}
	}
}

const setRateHint = "SetRate: the position query, then a flushing accurate seek: rate > 0 → SET pos .. SET none; " +
	"rate < 0 → SET 0 .. SET pos (README: Step 4)"

// pausedAt seeks to pos in PAUSED and waits for the new preroll: the sink
// holds the buffer at pos, and the source's position, what the pipeline's
// position query answers, is the end of that buffer.
func pausedAt(t *testing.T, pos time.Duration) *rig {
	t.Helper()
	r := newRig(t)
	r.setState(t, gstmini.StatePaused, "README: Step 1")
	if !r.seek(t, 1, gstmini.SeekFlagFlush, pos, none, flushHint) {
		t.Fatalf("Pipeline.Seek(flush, %s) = false; want true\nhint: %s", short(pos), flushHint)
	}
	r.setState(t, gstmini.StatePaused, flushHint)
	return r
}

func (r *rig) setRate(t *testing.T, rate float64) {
	t.Helper()
	ok := make(chan bool, 1)
	go func() { ok <- SetRate(r.p, rate) }()
	if !recvSeek(t, ok, setRateHint) {
		t.Fatalf("SetRate(%g) = false; want true\nhint: %s", rate, setRateHint)
	}
	r.setState(t, gstmini.StatePaused, setRateHint)
}

// TestSetRateGoesBackwardsFromThePosition: prerolled on 500 ms, the
// position is 600 ms; SetRate(-1) plays from there back to the start.
func TestSetRateGoesBackwardsFromThePosition(t *testing.T) {
	r := pausedAt(t, 500*ms)
	r.setRate(t, -1)
	seg := r.sink.Segments()[len(r.sink.Segments())-1]
	if seg.Rate != -1 || seg.Start != 0 || seg.Stop != 600*ms {
		t.Errorf("after SetRate(-1) at position 600ms the segment is %s; want rate -1, start 0, stop 600ms\nhint: %s", seg, setRateHint)
	}
	r.setState(t, gstmini.StatePlaying, setRateHint)
	r.pop(t, gstmini.MessageEOS, "EOS", setRateHint)
	want := []time.Duration{500 * ms, 400 * ms, 300 * ms, 200 * ms, 100 * ms, 0}
	if got := pts(r.sink.Renders()); !slices.Equal(got, want) {
		t.Errorf("after SetRate(-1) the sink rendered %s; want %s\nhint: %s", shorts(got), shorts(want), setRateHint)
	}
}

// TestSetRateGoesForwardFasterFromThePosition: SetRate(2) at 600 ms plays
// 600 .. 900 ms at twice the speed, with running time from 0 again.
func TestSetRateGoesForwardFasterFromThePosition(t *testing.T) {
	r := pausedAt(t, 500*ms)
	r.setRate(t, 2)
	seg := r.sink.Segments()[len(r.sink.Segments())-1]
	if seg.Rate != 2 || seg.Start != 600*ms || seg.Stop != none || seg.Base != 0 {
		t.Errorf("after SetRate(2) at position 600ms the segment is %s; want rate 2, start 600ms, stop none, base 0\nhint: %s", seg, setRateHint)
	}
	r.setState(t, gstmini.StatePlaying, setRateHint)
	r.pop(t, gstmini.MessageEOS, "EOS", setRateHint)
	var rts []time.Duration
	for _, b := range r.sink.Renders() {
		rts = append(rts, b.runningTime)
	}
	if want := []time.Duration{0, 50 * ms, 100 * ms, 150 * ms}; !slices.Equal(rts, want) {
		t.Errorf("after SetRate(2) the buffers 600..900ms have running times %s; want %s\nhint: %s", shorts(rts), shorts(want), setRateHint)
	}
}

// TestPositionAndDurationAnswerStreamTime: the pipeline's position and
// duration queries (gst_bin_query asks the sinks, which ask upstream)
// answer in the clip's time, whatever the rate and the running time.
func TestPositionAndDurationAnswerStreamTime(t *testing.T) {
	r := pausedAt(t, 300*ms)
	r.setRate(t, -1) // from 400 ms backwards: prerolled on 300 ms, position 300 ms
	q := gstmini.NewPositionQuery(gstmini.FormatTime)
	if !r.p.Query(q) || q.Value() != 300*ms {
		t.Errorf("position after SetRate(-1), prerolled on 300ms = %s; want 300ms, the clip time the source is at (stream time)\nhint: %s", short(q.Value()), setRateHint)
	}
	d := gstmini.NewDurationQuery(gstmini.FormatTime)
	if !r.p.Query(d) || d.Value() != sec {
		t.Errorf("duration = %s; want 1s, the clip's: DoSeek on a copy of the source's segment keeps its Duration\nhint: %s", short(d.Value()), setRateHint)
	}
}
