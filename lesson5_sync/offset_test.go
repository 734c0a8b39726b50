package avsync

import (
	"context"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
)

// Step 4: out of sync, measured.

// renders returns what a sink of a camera at fps frames per second renders
// from frame first to frame last: running time slot(n) at clock
// base + slot(n) + latency.
func renders(fps, first, last int, base, latency time.Duration) []Render {
	var out []Render
	for n := first; n <= last; n++ {
		rt := time.Duration(int64(n) * int64(sec) / int64(fps))
		out = append(out, Render{RunningTime: rt, ClockTime: base + rt + latency})
	}
	return out
}

func TestOffsetIsTheClockDifferenceAtEqualRunningTimes(t *testing.T) {
	video := renders(30, 0, 29, 1*sec, 0)       // running time 0 .. 966 ms
	audio := renders(50, 0, 49, 1*sec+40*ms, 0) // 40 ms later
	offset, pairs := Offset(video, audio)
	assert.Equal(t, 10, pairs, "30 fps and 50 Hz share the running times 0, 100 ms, ..., 900 ms: 10 pairs (README: Step 4)")
	assert.Equal(t, 40*ms, offset, "audio rendered every shared running time 40 ms after the video: offset +40 ms (README: Step 4)")
}

func TestOffsetIsTheMeanOverAllPairs(t *testing.T) {
	ref := []Render{{0, 1 * sec}, {100 * ms, 1100 * ms}, {200 * ms, 1200 * ms}}
	other := []Render{{0, 1030 * ms}, {100 * ms, 1150 * ms}, {200 * ms, 1240 * ms}}
	offset, pairs := Offset(ref, other)
	assert.Equal(t, 3, pairs)
	assert.Equal(t, 40*ms, offset, "offsets 30, 50 and 40 ms: the mean is 40 ms, not their sum nor the first or last (README: Step 4)")
}

func TestOffsetMatchesOnRunningTimeNotOnPosition(t *testing.T) {
	video := renders(30, 0, 29, 1*sec, 0)
	audio := renders(50, 0, 49, 1*sec+40*ms, 0)
	slices.Reverse(audio)
	offset, pairs := Offset(video, audio[:25]) // running time 980 ms down to 500 ms
	assert.Equal(t, 5, pairs, "running times 500 .. 900 ms are in both: pair renders by running time, wherever they are in the lists (README: Step 4)")
	assert.Equal(t, 40*ms, offset, "pairs matched by running time are 40 ms apart")
}

func TestOffsetIsNegativeWhenTheOtherRendersEarlier(t *testing.T) {
	video := renders(30, 0, 29, 1*sec, 0)
	audio := renders(50, 0, 49, 1*sec-25*ms, 0)
	offset, pairs := Offset(video, audio)
	assert.Equal(t, 10, pairs)
	assert.Equal(t, -25*ms, offset, "audio 25 ms ahead of the video: offset = other - reference = -25 ms (README: Step 4)")
	offset, _ = Offset(audio, video)
	assert.Equal(t, 25*ms, offset, "the other way round the offset changes sign")
}

func TestOffsetCountsOnlyRunningTimesInCommon(t *testing.T) {
	a := []Render{{10 * ms, 1 * sec}, {30 * ms, 2 * sec}, {50 * ms, 3 * sec}}
	b := []Render{{20 * ms, 5 * sec}, {30 * ms, 2100 * ms}, {40 * ms, 6 * sec}}
	offset, pairs := Offset(a, b)
	assert.Equal(t, 1, pairs, "only running time 30 ms is in both lists: one pair; the other renders have no partner and do not count (README: Step 4)")
	assert.Equal(t, 100*ms, offset, "the one pair is 100 ms apart; renders without a partner must not move the offset")

	offset, pairs = Offset(a[:1], b)
	assert.Equal(t, []any{time.Duration(0), 0}, []any{offset, pairs}, "no running time in common: offset 0, no pairs")
}

// runTwoPipelines runs two copies of the same camera pipeline on one clock,
// the second started gap later, for d of virtual time each. With
// shareBaseTime the second takes the first's base time (start time NONE, so
// it does not choose its own), as applications synchronising several
// pipelines do. It returns both base times and what each camera's sink
// rendered once settled.
func runTwoPipelines(t *testing.T, gap time.Duration, shareBaseTime bool) (bases [2]time.Duration, cams [2][]Render) {
	t.Helper()
	const line = "livesource fps=30 ! queue ! fakesink name=cam sync=true"
	const d = 1 * sec
	clock := gstmini.NewSystemClock()
	var logs [2]*renderLog
	var done [2]chan error
	for i := range 2 {
		if i == 1 {
			time.Sleep(gap) // virtual time: the first pipeline plays meanwhile
		}
		p, err := gstmini.ParseLaunch(line)
		require.NoError(t, err)
		p.UseClock(clock)
		sink, ok := p.ByName("cam").(*elements.FakeSink)
		require.True(t, ok)
		logs[i] = record(t, sink)
		if i == 1 && shareBaseTime {
			p.SetStartTime(none) // do not choose a base time on PLAYING (gst_element_set_start_time)
			p.SetBaseTime(bases[0])
		}
		ctx, cancel := context.WithTimeout(context.Background(), d)
		t.Cleanup(cancel)
		done[i] = make(chan error, 1)
		go func() { done[i] <- p.Run(ctx) }()
		synctest.Wait() // let it reach PLAYING before reading its base time
		bases[i] = p.BaseTime()
	}
	for i := range 2 {
		require.ErrorIs(t, <-done[i], context.DeadlineExceeded)
		for _, r := range logs[i].all() {
			if r.RunningTime >= settled {
				cams[i] = append(cams[i], r)
			}
		}
	}
	return bases, cams
}

func TestTwoPipelinesOnOneClockAreOffsetByTheirBaseTimes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bases, cams := runTwoPipelines(t, 40*ms, false)
		require.Equal(t, 40*ms, bases[1]-bases[0], "the second pipeline went to PLAYING 40 ms later: its base time is 40 ms later")
		offset, pairs := Offset(cams[0], cams[1])
		require.NotZero(t, pairs, "the two cameras rendered no running time in common (README: Step 4)")
		assert.Equal(t, 40*ms, offset,
			"one clock, two base times: the second pipeline renders every running time base_time2 - base_time1 = 40 ms after the first — the seed's question 1, measured (README: Step 4)")
	})
}

func TestOneBaseTimeKeepsTwoPipelinesTogether(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bases, cams := runTwoPipelines(t, 40*ms, true)
		require.Equal(t, bases[0], bases[1], "the second pipeline keeps the base time it was given")
		offset, pairs := Offset(cams[0], cams[1])
		require.NotZero(t, pairs, "the two cameras rendered no running time in common (README: Step 4)")
		assert.Zero(t, offset,
			"started 40 ms apart but sharing clock and base time, the two pipelines render equal running times at the same moment (README: Step 4)")
	})
}
