package gstmini

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Numbers marked "run-checked" come from the real GStreamer 1.22.0
// (the project's GStreamer 1.22 fact sheet, section 1); the others follow from
// the C source of gst/gstsegment.c.

const none = ClockTimeNone

// timeSegment returns a TIME segment in its initial state, changed by edit.
func timeSegment(edit func(s *Segment)) *Segment {
	s := NewSegment()
	if edit != nil {
		edit(s)
	}
	return s
}

// signed is an expected result of a *Full method.
type signed struct {
	v  time.Duration
	ok bool
}

func TestSegmentInitSetsGStreamerDefaults(t *testing.T) {
	want := Segment{
		Flags: SegmentFlagNone, Rate: 1, AppliedRate: 1, Format: FormatTime,
		Base: 0, Offset: 0, Start: 0, Stop: none, Time: 0, Position: 0, Duration: none,
	}
	assert.Equal(t, want, *NewSegment(), "NewSegment must match gst_segment_init(TIME) (run-checked)")

	b := NewSegmentWithFormat(FormatBytes)
	want.Format = FormatBytes
	assert.Equal(t, want, *b, "NewSegmentWithFormat(BYTES)")

	s := timeSegment(func(s *Segment) {
		s.Rate, s.Start, s.Stop, s.Base, s.Offset, s.Flags = -2, 5, 9, 3, 1, SegmentFlagReset
	})
	s.Init(FormatBytes)
	assert.Equal(t, want, *s, "Init must reset every field")
}

func TestSegmentCopyIsIndependent(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.Start = time.Second })
	c := s.Copy()
	require.Equal(t, *s, *c, "copy must be equal")
	c.Start = 2 * time.Second
	assert.Equal(t, time.Second, s.Start, "changing the copy must not change the original")
}

func TestSegmentToRunningTimeStartsAtZeroAtSegmentStart(t *testing.T) {
	// The workbook's worked example: a segment starting at 5 s.
	s := timeSegment(func(s *Segment) { s.Start = 5 * time.Second })
	for _, tc := range []struct{ pts, rt time.Duration }{
		{5 * time.Second, 0},
		{6 * time.Second, time.Second},
		{7 * time.Second, 2 * time.Second},
	} {
		rt, ok := s.ToRunningTime(tc.pts)
		require.True(t, ok, "PTS %v is inside the segment", tc.pts)
		assert.Equal(t, tc.rt, rt, "running time of PTS %v", tc.pts)
	}
	rt, ok := s.ToRunningTime(4 * time.Second)
	assert.False(t, ok, "PTS before start has no running time")
	assert.Equal(t, none, rt, "no running time is reported as ClockTimeNone")
}

func TestSegmentToRunningTimeScalesByRateWithTruncation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rate   float64
		start  time.Duration
		base   time.Duration
		pos    time.Duration
		wantRT time.Duration
	}{
		{"rate 3 truncates 10/3 (run-checked)", 3, 0, 0, 10, 3},
		{"rate 2 halves", 2, 0, 0, 4 * time.Second, 2 * time.Second},
		{"rate 2 truncates 3/2", 2, 0, 0, 3, 1},
		{"rate 0.5 doubles", 0.5, time.Second, 0, 2 * time.Second, 2 * time.Second},
		{"base is added after scaling", 2, time.Second, 10 * time.Second, 3 * time.Second, 11 * time.Second},
		{"rate 1 is exact", 1, 0, 0, 123456789, 123456789},
		{"division, not multiplication by 1/rate: 49/49 is 1", 49, 0, 0, 49, 1},
		{"double rounding: 33/1.1 is 29.999999999999996, truncated to 29", 1.1, 0, 0, 33, 29},
		{"one second at rate 3", 3, 0, 0, time.Second, 333333333},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := timeSegment(func(s *Segment) { s.Rate, s.Start, s.Base = tc.rate, tc.start, tc.base })
			rt, ok := s.ToRunningTime(tc.pos)
			require.True(t, ok, "position %v inside %v", tc.pos, s)
			assert.Equal(t, tc.wantRT, rt, "running time of %d ns in %v", tc.pos, s)
		})
	}
}

func TestSegmentToRunningTimeIgnoresAppliedRate(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.AppliedRate = 2.5 })
	rt, ok := s.ToRunningTime(4 * time.Second)
	require.True(t, ok)
	assert.Equal(t, 4*time.Second, rt, "applied_rate plays no part in running time (run-checked)")
	s.AppliedRate = -1
	rt, ok = s.ToRunningTimeFull(4 * time.Second)
	require.True(t, ok)
	assert.Equal(t, 4*time.Second, rt, "negative applied_rate plays no part either")
}

func TestSegmentToRunningTimeNegativeRateCountsDownFromStop(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.Rate, s.Stop = -1, 10*time.Second })
	rt, ok := s.ToRunningTimeFull(2 * time.Second)
	require.True(t, ok)
	assert.Equal(t, 8*time.Second, rt, "rate -1 on [0,10s]: pos 2s -> +8s (run-checked)")
	rt, ok = s.ToRunningTimeFull(12 * time.Second)
	require.True(t, ok)
	assert.Equal(t, -2*time.Second, rt, "rate -1 on [0,10s]: pos 12s -> sign -1, 2s (run-checked)")

	rt, ok = s.ToRunningTime(10 * time.Second)
	require.True(t, ok, "stop itself is inside the segment")
	assert.Equal(t, time.Duration(0), rt, "stop has running time 0 in reverse")
	rt, ok = s.ToRunningTime(12 * time.Second)
	assert.False(t, ok, "after stop there is no running time")
	assert.Equal(t, none, rt)

	s.Rate = -2
	rt, ok = s.ToRunningTime(3 * time.Second)
	require.True(t, ok)
	assert.Equal(t, 3500*time.Millisecond, rt, "rate -2: (10s-3s)/2")

	s.Offset = time.Second
	rt, ok = s.ToRunningTime(3 * time.Second)
	require.True(t, ok)
	assert.Equal(t, 3*time.Second, rt, "rate -2 with offset 1s: (10s-1s-3s)/2")
}

func TestSegmentToRunningTimeNegativeRateFallsBackToStartPlusDuration(t *testing.T) {
	s := timeSegment(func(s *Segment) {
		s.Rate, s.Start, s.Duration = -1, 2*time.Second, 10*time.Second
	})
	rt, ok := s.ToRunningTimeFull(5 * time.Second)
	require.True(t, ok, "stop NONE with a duration uses start+duration")
	assert.Equal(t, 7*time.Second, rt, "(2s+10s)-5s")

	rt, ok = s.ToRunningTime(5 * time.Second)
	require.True(t, ok, "plain form has no stop bound when stop is NONE")
	assert.Equal(t, 7*time.Second, rt)
}

func TestSegmentToRunningTimeFullFailsOnGStreamerPreconditions(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.Rate = -1 })
	rt, ok := s.ToRunningTimeFull(time.Second)
	assert.False(t, ok, "rate -1 with stop and duration NONE is a g_critical returning 0 (run-checked)")
	assert.Equal(t, none, rt)
	_, ok = s.ToRunningTime(time.Second)
	assert.False(t, ok, "the plain form fails too")

	s = timeSegment(func(s *Segment) { s.Rate, s.Stop, s.Offset = -1, time.Second, 2*time.Second })
	_, ok = s.ToRunningTimeFull(0)
	assert.False(t, ok, "stop < offset is a g_critical returning 0")

	s = NewSegment()
	rt, ok = s.ToRunningTimeFull(none)
	assert.False(t, ok, "NONE position has no running time")
	assert.Equal(t, none, rt)
	_, ok = s.ToRunningTime(none)
	assert.False(t, ok, "NONE position has no running time in the plain form")
}

func TestSegmentToRunningTimeFullIsSignedAroundStartPlusOffset(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.Start, s.Offset = time.Second, 500*time.Millisecond })
	rt, ok := s.ToRunningTimeFull(1200 * time.Millisecond)
	require.True(t, ok)
	assert.Equal(t, -300*time.Millisecond, rt, "start 1s, offset 0.5s, pos 1.2s -> sign -1, 0.3s (run-checked)")
	rt, ok = s.ToRunningTime(1200 * time.Millisecond)
	assert.False(t, ok, "pos in [start, start+offset) with too small a base -> NONE (run-checked)")
	assert.Equal(t, none, rt)

	s.Base = time.Second
	rt, ok = s.ToRunningTimeFull(1200 * time.Millisecond)
	require.True(t, ok)
	assert.Equal(t, 700*time.Millisecond, rt, "with base 1s -> +0.7s (run-checked)")
	rt, ok = s.ToRunningTime(1200 * time.Millisecond)
	require.True(t, ok, "the base absorbs the negative part")
	assert.Equal(t, 700*time.Millisecond, rt)

	s = timeSegment(func(s *Segment) { s.Start, s.Rate = 5*time.Second, 2 })
	rt, ok = s.ToRunningTimeFull(time.Second)
	require.True(t, ok, "positions before start extrapolate")
	assert.Equal(t, -2*time.Second, rt, "(1s-5s)/2")
	_, ok = s.ToRunningTime(time.Second)
	assert.False(t, ok, "but the plain form refuses them")
}

func TestSegmentToRunningTimeStopIsInclusive(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.Start, s.Stop = time.Second, 3*time.Second })
	rt, ok := s.ToRunningTime(3 * time.Second)
	require.True(t, ok, "stop itself is valid (run-checked)")
	assert.Equal(t, 2*time.Second, rt)
	_, ok = s.ToRunningTime(3*time.Second + 1)
	assert.False(t, ok, "one nanosecond after stop is outside")
	rt, ok = s.ToRunningTimeFull(3*time.Second + 1)
	require.True(t, ok, "the full form extrapolates past stop")
	assert.Equal(t, 2*time.Second+1, rt)
}

func TestSegmentToStreamTimeUsesAppliedRateWithTruncationBeforeAddingTime(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.Time, s.AppliedRate = 10, 2.5 })
	st, ok := s.ToStreamTime(3)
	require.True(t, ok)
	assert.Equal(t, time.Duration(17), st, "start 0, time 10, ar 2.5, pos 3 -> 17: 7.5 truncated first (run-checked)")

	s.Rate = -4
	st, ok = s.ToStreamTime(3)
	require.True(t, ok)
	assert.Equal(t, time.Duration(17), st, "rate plays no part in stream time (run-checked)")

	s = timeSegment(func(s *Segment) { s.Start, s.Time = 5*time.Second, 100*time.Second })
	st, ok = s.ToStreamTime(7 * time.Second)
	require.True(t, ok)
	assert.Equal(t, 102*time.Second, st, "(pos-start)+time")
}

func TestSegmentToStreamTimeFullBeforeStartIsSigned(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.Start, s.Time = 10*time.Second, 3*time.Second })
	st, ok := s.ToStreamTimeFull(8 * time.Second)
	require.True(t, ok)
	assert.Equal(t, time.Second, st, "2s before start with time 3s -> +1s")
	st, ok = s.ToStreamTimeFull(5 * time.Second)
	require.True(t, ok)
	assert.Equal(t, -2*time.Second, st, "5s before start with time 3s -> sign -1, 2s")
	_, ok = s.ToStreamTime(8 * time.Second)
	assert.False(t, ok, "the plain form refuses positions before start")
}

func TestSegmentToStreamTimeNegativeAppliedRateRunsBackFromStop(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.AppliedRate, s.Start, s.Stop, s.Time = -1, 10, 20, 100 })
	st, ok := s.ToStreamTime(12)
	require.True(t, ok)
	assert.Equal(t, time.Duration(108), st, "ar -1 on [10,20], time 100: pos 12 -> 108 (run-checked)")

	st, ok = s.ToStreamTimeFull(25)
	require.True(t, ok)
	assert.Equal(t, time.Duration(95), st, "pos 25 -> full (+1, 95) (run-checked)")
	st, ok = s.ToStreamTime(25)
	assert.False(t, ok, "pos 25 is after stop: plain form NONE (run-checked)")
	assert.Equal(t, none, st)

	s.Time = 2
	st, ok = s.ToStreamTimeFull(25)
	require.True(t, ok)
	assert.Equal(t, time.Duration(-3), st, "5 past stop with time 2 -> sign -1, 3")

	s.AppliedRate = -2
	s.Time = 100
	st, ok = s.ToStreamTime(12)
	require.True(t, ok)
	assert.Equal(t, time.Duration(116), st, "ar -2: (20-12)*2+100")
}

func TestSegmentToStreamTimeFailsWithoutTimeOrReverseStop(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.Time = none })
	_, ok := s.ToStreamTimeFull(time.Second)
	assert.False(t, ok, "time NONE -> 0")
	s = timeSegment(func(s *Segment) { s.AppliedRate = -1 })
	_, ok = s.ToStreamTimeFull(time.Second)
	assert.False(t, ok, "negative applied rate without a stop -> 0")
	st, ok := NewSegment().ToStreamTimeFull(none)
	assert.False(t, ok, "NONE position -> 0")
	assert.Equal(t, none, st)
}

func TestSegmentPositionFromStreamTimeInvertsToStreamTime(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.Start, s.Time = 5*time.Second, 100*time.Second })
	pos, ok := s.PositionFromStreamTime(102 * time.Second)
	require.True(t, ok)
	assert.Equal(t, 7*time.Second, pos, "(st-time)+start")

	pos, ok = s.PositionFromStreamTimeFull(97 * time.Second)
	require.True(t, ok)
	assert.Equal(t, 2*time.Second, pos, "3s before time -> 2s, positive")
	_, ok = s.PositionFromStreamTime(97 * time.Second)
	assert.False(t, ok, "before start: plain form NONE")
	pos, ok = s.PositionFromStreamTimeFull(90 * time.Second)
	require.True(t, ok)
	assert.Equal(t, -5*time.Second, pos, "10s before time with start 5s -> sign -1, 5s")

	s = timeSegment(func(s *Segment) { s.Time, s.AppliedRate = 10, 2.5 })
	pos, ok = s.PositionFromStreamTime(17)
	require.True(t, ok)
	assert.Equal(t, time.Duration(2), pos, "7/2.5 = 2.8 truncated to 2")

	s = timeSegment(func(s *Segment) { s.AppliedRate, s.Start, s.Stop, s.Time = -1, 10, 20, 100 })
	pos, ok = s.PositionFromStreamTime(108)
	require.True(t, ok)
	assert.Equal(t, time.Duration(12), pos, "inverse of 12 -> 108")
	pos, ok = s.PositionFromStreamTimeFull(95)
	require.True(t, ok)
	assert.Equal(t, time.Duration(25), pos, "inverse of 25 -> 95")
	pos, ok = s.PositionFromStreamTimeFull(125)
	require.True(t, ok)
	assert.Equal(t, time.Duration(-5), pos, "25 ahead of time with stop 20 -> sign -1, 5")

	s.Stop = none
	_, ok = s.PositionFromStreamTimeFull(108)
	assert.False(t, ok, "negative applied rate needs a stop")
	_, ok = NewSegment().PositionFromStreamTimeFull(none)
	assert.False(t, ok, "NONE stream time -> 0")
}

func TestSegmentPositionFromRunningTimeScalesWithCeil(t *testing.T) {
	for _, tc := range []struct {
		name string
		rate float64
		rt   time.Duration
		want time.Duration
	}{
		{"rate 1.5, rt 3 -> ceil(4.5) = 5 (run-checked)", 1.5, 3, 5},
		{"rate 0.5, rt 3 -> ceil(1.5) = 2 (run-checked)", 0.5, 3, 2},
		{"rate 3, rt 3 -> 9: not 10, the position it came from", 3, 3, 9},
		{"rate 2, rt 1s -> 2s", 2, time.Second, 2 * time.Second},
		{"double rounding: 50*1.1 is 55.00000000000001, ceil 56", 1.1, 50, 56},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := timeSegment(func(s *Segment) { s.Rate = tc.rate })
			pos, ok := s.PositionFromRunningTime(tc.rt)
			require.True(t, ok)
			assert.Equal(t, tc.want, pos, "position of running time %d ns at rate %v", tc.rt, tc.rate)
		})
	}
}

func TestSegmentPositionFromRunningTimeAddsStartOffsetAndRemovesBase(t *testing.T) {
	s := timeSegment(func(s *Segment) {
		s.Start, s.Offset, s.Base = 5*time.Second, time.Second, 2*time.Second
	})
	pos, ok := s.PositionFromRunningTime(4 * time.Second)
	require.True(t, ok)
	assert.Equal(t, 8*time.Second, pos, "(4s-2s)+5s+1s")

	s = timeSegment(func(s *Segment) { s.Start, s.Base = 5*time.Second, 2*time.Second })
	pos, ok = s.PositionFromRunningTimeFull(time.Second)
	require.True(t, ok)
	assert.Equal(t, 4*time.Second, pos, "start 5s, base 2s, rt 1s -> full (+1, 4s) (run-checked)")
	pos, ok = s.PositionFromRunningTime(time.Second)
	assert.False(t, ok, "but the plain form is NONE: 4s is before start (run-checked)")
	assert.Equal(t, none, pos)

	s = timeSegment(func(s *Segment) { s.Start, s.Base = time.Second, 3*time.Second })
	pos, ok = s.PositionFromRunningTimeFull(0)
	require.True(t, ok)
	assert.Equal(t, -2*time.Second, pos, "3s before base with start 1s -> sign -1, 2s")

	s = timeSegment(func(s *Segment) { s.Stop = 3 * time.Second })
	_, ok = s.PositionFromRunningTime(3*time.Second + 1)
	assert.False(t, ok, "past stop: plain form NONE")
	pos, ok = s.PositionFromRunningTime(3 * time.Second)
	require.True(t, ok, "stop itself is valid")
	assert.Equal(t, 3*time.Second, pos)
}

func TestSegmentPositionFromRunningTimeNegativeRateCountsDownFromStop(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.Rate, s.Stop = -1, 10*time.Second })
	pos, ok := s.PositionFromRunningTime(2 * time.Second)
	require.True(t, ok)
	assert.Equal(t, 8*time.Second, pos, "rate -1 on [0,10s]: rt 2s -> 8s (run-checked)")
	pos, ok = s.PositionFromRunningTimeFull(12 * time.Second)
	require.True(t, ok)
	assert.Equal(t, -2*time.Second, pos, "rt 12s -> sign -1, 2s (run-checked)")
	_, ok = s.PositionFromRunningTime(12 * time.Second)
	assert.False(t, ok, "negative position: plain form NONE")

	s.Rate, s.Base, s.Offset = -2, 5*time.Second, time.Second
	pos, ok = s.PositionFromRunningTime(6 * time.Second)
	require.True(t, ok)
	assert.Equal(t, 7*time.Second, pos, "10s - 1s - (6s-5s)*2")
	pos, ok = s.PositionFromRunningTimeFull(4 * time.Second)
	require.True(t, ok)
	assert.Equal(t, 11*time.Second, pos, "rt before base: 10s + (5s-4s)*2 - 1s")
	_, ok = s.PositionFromRunningTime(4 * time.Second)
	assert.False(t, ok, "11s is past stop")
	s.Offset = 20 * time.Second
	pos, ok = s.PositionFromRunningTimeFull(4 * time.Second)
	require.True(t, ok)
	assert.Equal(t, -8*time.Second, pos, "big offset: 20s - 2s - 10s, sign -1")
}

func TestSegmentPositionFromRunningTimeRefusesReverseWithoutStop(t *testing.T) {
	// GStreamer returns garbage here (2^64-1-rt, run-checked); gstmini fails.
	s := timeSegment(func(s *Segment) { s.Rate, s.Duration = -1, 10*time.Second })
	pos, ok := s.PositionFromRunningTimeFull(2 * time.Second)
	assert.False(t, ok, "rate -1 with stop NONE has no position, even with a duration")
	assert.Equal(t, none, pos)
	_, ok = s.PositionFromRunningTime(2 * time.Second)
	assert.False(t, ok, "plain form too")
	_, ok = NewSegment().PositionFromRunningTimeFull(none)
	assert.False(t, ok, "NONE running time -> 0")
}

func TestSegmentClipIsHalfOpenWithZeroLengthExceptions(t *testing.T) {
	type want struct {
		ok          bool
		start, stop time.Duration
	}
	for _, tc := range []struct {
		name              string
		segStart, segStop time.Duration
		start, stop       time.Duration
		want              want
	}{
		{"starts at stop (run-checked)", 10, 20, 20, 25, want{false, none, none}},
		{"ends at start (run-checked)", 10, 20, 5, 10, want{false, none, none}},
		{"zero length at stop (run-checked)", 10, 20, 20, 20, want{false, none, none}},
		{"unknown start, ends at start (run-checked)", 10, 20, none, 10, want{false, none, none}},
		{"zero length at start is inside (run-checked)", 10, 20, 10, 10, want{true, 10, 10}},
		{"unknown start stays unknown (run-checked)", 10, 20, none, 15, want{true, none, 15}},
		{"unknown stop becomes segment stop (run-checked)", 10, 20, 5, none, want{true, 10, 20}},
		{"both unknown (run-checked)", 10, 20, none, none, want{true, none, 20}},
		{"zero-length segment contains its start (run-checked)", 10, 10, 10, 15, want{true, 10, 10}},
		{"zero-length segment, range ending there (run-checked)", 10, 10, 5, 10, want{false, none, none}},
		{"inside is unchanged", 10, 20, 12, 18, want{true, 12, 18}},
		{"overlapping both ends", 10, 20, 5, 25, want{true, 10, 20}},
		{"after stop", 10, 20, 21, 30, want{false, none, none}},
		{"open segment keeps stop", 10, none, 12, 30, want{true, 12, 30}},
		{"open segment, unknown stop stays unknown", 10, none, 12, none, want{true, 12, none}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := timeSegment(func(s *Segment) { s.Start, s.Stop = tc.segStart, tc.segStop })
			cs, ce, ok := s.Clip(tc.start, tc.stop)
			assert.Equal(t, tc.want, want{ok, cs, ce}, "clip [%d,%d] to [%d,%d]", tc.start, tc.stop, tc.segStart, tc.segStop)
		})
	}
}

func TestSegmentDoSeekNonFlushKeepsRunningTimeInBase(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.Position = 5 * time.Second })
	update, err := s.DoSeek(1, FormatTime, SeekFlagNone, SeekTypeSet, 10*time.Second, SeekTypeNone, none)
	require.NoError(t, err)
	assert.True(t, update, "position moved")
	assert.Equal(t, 5*time.Second, s.Base, "base = running time of old position (run-checked)")
	assert.Equal(t, 10*time.Second, s.Start, "start (run-checked)")
	assert.Equal(t, 10*time.Second, s.Time, "time = start (run-checked)")
	assert.Equal(t, 10*time.Second, s.Position, "position = start (run-checked)")
	assert.Equal(t, time.Duration(0), s.Offset, "offset (run-checked)")
	assert.Equal(t, none, s.Stop, "stop unchanged")
	assert.Equal(t, SegmentFlagNone, s.Flags, "no flags")
}

func TestSegmentDoSeekFlushResetsBase(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.Position = 5 * time.Second })
	update, err := s.DoSeek(1, FormatTime, SeekFlagFlush, SeekTypeSet, 10*time.Second, SeekTypeNone, none)
	require.NoError(t, err)
	assert.True(t, update)
	assert.Equal(t, time.Duration(0), s.Base, "flush resets base (run-checked)")
	assert.Equal(t, SegmentFlagReset, s.Flags, "flush sets RESET (run-checked)")
	assert.Equal(t, 10*time.Second, s.Position)
}

func TestSegmentDoSeekRateChangeKeepsRunningTimeContinuous(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.Position, s.Base = 5*time.Second, 2*time.Second })
	rtBefore, ok := s.ToRunningTime(s.Position)
	require.True(t, ok)
	update, err := s.DoSeek(2, FormatTime, SeekFlagNone, SeekTypeNone, none, SeekTypeNone, none)
	require.NoError(t, err)
	assert.False(t, update, "rate change only: position unchanged (run-checked)")
	assert.Equal(t, 7*time.Second, s.Base, "base 2s + 5s played (run-checked)")
	assert.Equal(t, 5*time.Second, s.Offset, "offset = played part (run-checked)")
	assert.Equal(t, 2.0, s.Rate)
	assert.Equal(t, time.Duration(0), s.Start, "start unchanged")
	rtAfter, ok := s.ToRunningTime(s.Position)
	require.True(t, ok)
	assert.Equal(t, rtBefore, rtAfter, "running time is continuous across the rate change")
	rt, ok := s.ToRunningTime(7 * time.Second)
	require.True(t, ok)
	assert.Equal(t, 8*time.Second, rt, "2s more media at rate 2 is 1s more running time")

	s = timeSegment(func(s *Segment) { s.Rate, s.Position = 2, 5*time.Second })
	_, err = s.DoSeek(1, FormatTime, SeekFlagNone, SeekTypeNone, none, SeekTypeNone, none)
	require.NoError(t, err)
	assert.Equal(t, 2500*time.Millisecond, s.Base, "old rate 2 at position 5s -> base 2.5s (run-checked)")
}

func TestSegmentDoSeekEndIsRelativeToDuration(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.Duration = 100 * time.Second })
	update, err := s.DoSeek(1, FormatTime, SeekFlagFlush, SeekTypeEnd, -10*time.Second, SeekTypeEnd, 0)
	require.NoError(t, err)
	assert.True(t, update)
	assert.Equal(t, 90*time.Second, s.Start, "END -10s with duration 100s -> 90s (run-checked)")
	assert.Equal(t, 100*time.Second, s.Stop, "END 0 -> duration")
	assert.Equal(t, 100*time.Second, s.Duration, "duration kept")

	s = timeSegment(func(s *Segment) { s.Start, s.Position = 3*time.Second, 3*time.Second })
	before := *s
	update, err = s.DoSeek(1, FormatTime, SeekFlagFlush, SeekTypeEnd, -10*time.Second, SeekTypeEnd, 0)
	require.NoError(t, err)
	assert.False(t, update, "END without duration: no update (run-checked)")
	assert.Equal(t, before.Start, s.Start, "start unchanged (run-checked)")
	assert.Equal(t, before.Stop, s.Stop, "stop unchanged")

	s = timeSegment(func(s *Segment) { s.Duration = 100 * time.Second })
	_, err = s.DoSeek(1, FormatTime, SeekFlagFlush, SeekTypeEnd, -200*time.Second, SeekTypeNone, none)
	require.NoError(t, err)
	assert.Equal(t, 100*time.Second, s.Start,
		"END -200s wraps below 0 as unsigned in C, so MIN(start, duration) picks the duration")
}

func TestSegmentDoSeekClampsToDuration(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.Duration = 100 * time.Second })
	_, err := s.DoSeek(1, FormatTime, SeekFlagFlush, SeekTypeSet, 200*time.Second, SeekTypeSet, 300*time.Second)
	require.NoError(t, err)
	assert.Equal(t, 100*time.Second, s.Start, "start clamped to duration (run-checked)")
	assert.Equal(t, 100*time.Second, s.Stop, "stop clamped to duration (run-checked)")

	s = NewSegment()
	_, err = s.DoSeek(1, FormatTime, SeekFlagFlush, SeekTypeSet, -5*time.Second, SeekTypeSet, -2*time.Second)
	require.NoError(t, err)
	assert.Equal(t, time.Duration(0), s.Start, "negative start raised to 0 without duration")
	assert.Equal(t, time.Duration(0), s.Stop, "negative stop raised to 0 without duration")

	s = timeSegment(func(s *Segment) { s.Duration = 100 * time.Second })
	_, err = s.DoSeek(1, FormatTime, SeekFlagFlush, SeekTypeSet, 0, SeekTypeSet, -2*time.Second)
	require.NoError(t, err)
	assert.Equal(t, time.Duration(0), s.Stop, "negative stop clamped to 0 with a duration (signed CLAMP)")

	s = NewSegment()
	_, err = s.DoSeek(1, FormatTime, SeekFlagFlush, SeekTypeSet, none, SeekTypeSet, none)
	require.NoError(t, err)
	assert.Equal(t, time.Duration(0), s.Start, "SET NONE start means 0")
	assert.Equal(t, none, s.Stop, "SET NONE stop means no stop")
}

func TestSegmentDoSeekNegativeRatePositionsAtStop(t *testing.T) {
	s := NewSegment()
	update, err := s.DoSeek(-1, FormatTime, SeekFlagFlush, SeekTypeSet, 0, SeekTypeSet, 50*time.Second)
	require.NoError(t, err)
	assert.True(t, update)
	assert.Equal(t, 50*time.Second, s.Position, "rate -1, stop 50s -> position 50s (run-checked)")
	assert.Equal(t, time.Duration(0), s.Offset, "offset 0 (run-checked)")
	rt, ok := s.ToRunningTime(50 * time.Second)
	require.True(t, ok)
	assert.Equal(t, time.Duration(0), rt, "reverse playback starts at the stop")

	s = timeSegment(func(s *Segment) { s.Duration = 100 * time.Second })
	_, err = s.DoSeek(-1, FormatTime, SeekFlagFlush, SeekTypeSet, 0, SeekTypeSet, none)
	require.NoError(t, err)
	assert.Equal(t, 100*time.Second, s.Position, "stop NONE, duration 100s -> position 100s (run-checked)")
	assert.Equal(t, none, s.Stop, "stop stays NONE (run-checked)")
	assert.Equal(t, time.Duration(0), s.Offset, "offset = duration - position")

	s = NewSegment()
	_, err = s.DoSeek(-1, FormatTime, SeekFlagFlush, SeekTypeSet, 0, SeekTypeSet, none)
	require.NoError(t, err)
	assert.Equal(t, time.Duration(0), s.Position, "no stop, no duration -> position 0")
	assert.Equal(t, time.Duration(0), s.Offset, "no stop, no duration -> offset 0")

	s = timeSegment(func(s *Segment) { s.Stop, s.Position = 50*time.Second, 30*time.Second })
	update, err = s.DoSeek(-1, FormatTime, SeekFlagNone, SeekTypeNone, none, SeekTypeNone, none)
	require.NoError(t, err)
	assert.False(t, update, "direction change without stop update keeps the position")
	assert.Equal(t, 30*time.Second, s.Base, "base = old running time of 30s")
	assert.Equal(t, 20*time.Second, s.Offset, "offset = stop - position")
	rt, ok = s.ToRunningTime(30 * time.Second)
	require.True(t, ok)
	assert.Equal(t, 30*time.Second, rt, "running time continues from the same position")
}

func TestSegmentDoSeekClampsOldPositionOnlyWithoutFlush(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.Stop, s.Position = 20*time.Second, 50*time.Second })
	update, err := s.DoSeek(1, FormatTime, SeekFlagNone, SeekTypeNone, none, SeekTypeNone, none)
	require.NoError(t, err)
	assert.True(t, update, "non-flush: clamped position differs (run-checked)")
	assert.Equal(t, 20*time.Second, s.Position, "position clamped to stop (run-checked)")
	assert.Equal(t, 20*time.Second, s.Base, "base = running time of the clamped position")

	s = timeSegment(func(s *Segment) { s.Start, s.Position = 10*time.Second, 2*time.Second })
	update, err = s.DoSeek(1, FormatTime, SeekFlagNone, SeekTypeNone, none, SeekTypeNone, none)
	require.NoError(t, err)
	assert.True(t, update, "non-flush: position raised to start")
	assert.Equal(t, 10*time.Second, s.Position, "position clamped to start")
	assert.Equal(t, time.Duration(0), s.Base, "running time of start is 0")

	s = timeSegment(func(s *Segment) { s.Stop, s.Position = 20*time.Second, 50*time.Second })
	update, err = s.DoSeek(1, FormatTime, SeekFlagFlush, SeekTypeNone, none, SeekTypeNone, none)
	require.NoError(t, err)
	assert.False(t, update, "flush: position not clamped (run-checked)")
	assert.Equal(t, 50*time.Second, s.Position, "stays 50s (run-checked)")
	assert.Equal(t, 50*time.Second, s.Offset, "offset = position - start")
}

func TestSegmentDoSeekBaseCanBeNone(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.Start, s.Offset, s.Position = time.Second, time.Second, time.Second })
	_, err := s.DoSeek(1, FormatTime, SeekFlagNone, SeekTypeSet, 5*time.Second, SeekTypeNone, none)
	require.NoError(t, err)
	assert.Equal(t, none, s.Base, "position in [start, start+offset) has no running time: base NONE (run-checked)")
}

func TestSegmentDoSeekFlushWithPositionBeforeStartWrapsOffset(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.Start, s.Position = 5*time.Second, 0 })
	_, err := s.DoSeek(1, FormatTime, SeekFlagFlush, SeekTypeNone, none, SeekTypeNone, none)
	require.NoError(t, err)
	assert.Equal(t, -5*time.Second, s.Offset, "unsigned position-start wraps: a negative offset")
	rt, ok := s.ToRunningTime(5 * time.Second)
	require.True(t, ok)
	assert.Equal(t, 5*time.Second, rt, "start+offset wraps back to 0")
}

func TestSegmentDoSeekMapsSeekFlagsToSegmentFlags(t *testing.T) {
	all := SeekFlagFlush | SeekFlagAccurate | SeekFlagKeyUnit | SeekFlagSegment | SeekFlagTrickmode |
		SeekFlagSnapBefore | SeekFlagSnapAfter | SeekFlagTrickmodeKeyUnits | SeekFlagTrickmodeNoAudio |
		SeekFlagTrickmodeForwardPredicted
	s := NewSegment()
	_, err := s.DoSeek(1, FormatTime, all, SeekTypeNone, none, SeekTypeNone, none)
	require.NoError(t, err)
	assert.Equal(t, SegmentFlagReset|SegmentFlagSegment|SegmentFlagTrickmode|SegmentFlagTrickmodeKeyUnits|
		SegmentFlagTrickmodeNoAudio|SegmentFlagTrickmodeForwardPredicted, s.Flags,
		"KEY_UNIT, ACCURATE and SNAP are dropped")

	_, err = s.DoSeek(1, FormatTime, SeekFlagKeyUnit, SeekTypeNone, none, SeekTypeNone, none)
	require.NoError(t, err)
	assert.Equal(t, SegmentFlagNone, s.Flags, "flags are replaced, not merged")
	assert.Equal(t, SegmentFlagTrickmode, SegmentFlagSkip, "SKIP is TRICKMODE")
	assert.Equal(t, SeekFlagTrickmode, SeekFlagSkip, "SKIP is TRICKMODE")
}

func TestSegmentDoSeekResetsAppliedRate(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.AppliedRate = 2 })
	_, err := s.DoSeek(0.5, FormatTime, SeekFlagFlush, SeekTypeSet, 0, SeekTypeNone, none)
	require.NoError(t, err)
	assert.Equal(t, 1.0, s.AppliedRate, "applied_rate = 1")
	assert.Equal(t, 0.5, s.Rate)
}

func TestSegmentDoSeekRejectsInvalidSeeksWithoutChange(t *testing.T) {
	for _, tc := range []struct {
		name    string
		rate    float64
		format  Format
		flags   SeekFlags
		start   time.Duration
		stop    time.Duration
		wantErr string
	}{
		{"rate 0", 0, FormatTime, SeekFlagFlush, 0, none, "gstmini: seek: rate must not be 0"},
		{"format mismatch", 1, FormatBytes, SeekFlagFlush, 0, none, "seek format bytes does not match segment format time"},
		{"instant rate change (run-checked: FALSE)", 2, FormatTime, SeekFlagInstantRateChange, 0, none, "instant-rate-change"},
		{"start after stop", 1, FormatTime, SeekFlagFlush, 10 * time.Second, 5 * time.Second, "start 0:00:10.000000000 is after stop 0:00:05.000000000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := timeSegment(func(s *Segment) { s.Position = time.Second })
			before := *s
			update, err := s.DoSeek(tc.rate, tc.format, tc.flags, SeekTypeSet, tc.start, SeekTypeSet, tc.stop)
			require.Error(t, err, "the seek must fail")
			assert.Contains(t, err.Error(), tc.wantErr, "error must say what was wrong")
			assert.False(t, update, "no update on error")
			assert.Equal(t, before, *s, "segment unchanged on error")
		})
	}
}

func TestSegmentSetRunningTimeMovesStartAndBase(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.Start, s.Base = 2*time.Second, time.Second })
	require.True(t, s.SetRunningTime(5*time.Second))
	assert.Equal(t, 6*time.Second, s.Start, "start 2s, base 1s, rt 5s -> start 6s (run-checked)")
	assert.Equal(t, 4*time.Second, s.Time, "time 4s (run-checked)")
	assert.Equal(t, 5*time.Second, s.Base, "base 5s (run-checked)")
	rt, ok := s.ToRunningTime(6 * time.Second)
	require.True(t, ok)
	assert.Equal(t, 5*time.Second, rt, "the new start has the requested running time")

	s = timeSegment(func(s *Segment) { s.Start, s.Base = 2*time.Second, time.Second })
	before := *s
	assert.False(t, s.SetRunningTime(500*time.Millisecond), "rt before base -> FALSE (run-checked)")
	assert.Equal(t, before, *s, "unchanged")
	assert.False(t, s.SetRunningTime(none), "NONE -> FALSE")

	s = timeSegment(func(s *Segment) { s.Rate, s.Stop = -1, 10*time.Second })
	require.True(t, s.SetRunningTime(3*time.Second))
	assert.Equal(t, 7*time.Second, s.Stop, "reverse: the stop moves")
	assert.Equal(t, time.Duration(0), s.Start, "reverse: start unchanged")
	assert.Equal(t, time.Duration(0), s.Time, "time = stream time of the old start")
	assert.Equal(t, 3*time.Second, s.Base)
}

func TestSegmentOffsetRunningTimeMovesBaseThenOffset(t *testing.T) {
	s := timeSegment(func(s *Segment) { s.Base = 2 * time.Second })
	require.True(t, s.OffsetRunningTime(0))
	assert.Equal(t, 2*time.Second, s.Base, "zero offset changes nothing")
	require.True(t, s.OffsetRunningTime(time.Second))
	assert.Equal(t, 3*time.Second, s.Base, "positive offset is added to base")
	require.True(t, s.OffsetRunningTime(-time.Second))
	assert.Equal(t, 2*time.Second, s.Base, "negative offset smaller than base is taken from base")

	s = timeSegment(func(s *Segment) { s.Base, s.Start = 2*time.Second, time.Second })
	require.True(t, s.OffsetRunningTime(-3*time.Second))
	assert.Equal(t, time.Duration(0), s.Base, "base 2s, start 1s, off -3s -> base 0 (run-checked)")
	assert.Equal(t, time.Second, s.Offset, "offset 1s (run-checked)")

	s = timeSegment(func(s *Segment) { s.Base, s.Start, s.Rate = 2*time.Second, time.Second, 2 })
	require.True(t, s.OffsetRunningTime(-3*time.Second))
	assert.Equal(t, time.Duration(0), s.Base)
	assert.Equal(t, 2*time.Second, s.Offset, "rate 2 -> offset 2s (run-checked)")

	s = timeSegment(func(s *Segment) { s.Base = 2 * time.Second })
	require.True(t, s.OffsetRunningTime(-2*time.Second))
	assert.Equal(t, time.Duration(0), s.Base, "base equal to |offset|: remainder 0")
	assert.Equal(t, time.Duration(0), s.Offset)

	s = timeSegment(func(s *Segment) { s.Base, s.Stop = time.Second, 3*time.Second })
	assert.False(t, s.OffsetRunningTime(-5*time.Second), "remainder 4s is past stop -> FALSE")
	assert.Equal(t, time.Duration(0), s.Base, "base is already zeroed on failure, as in GStreamer")
	assert.Equal(t, time.Duration(0), s.Offset, "offset untouched on failure")
}

func TestSegmentStringMatchesGstSegmentFormat(t *testing.T) {
	assert.Equal(t,
		"time segment start=0:00:00.000000000, offset=0:00:00.000000000, stop=99:99:99.999999999, "+
			"rate=1.000000, applied_rate=1.000000, flags=0x00, time=0:00:00.000000000, "+
			"base=0:00:00.000000000, position 0:00:00.000000000, duration 99:99:99.999999999",
		NewSegment().String())
	b := NewSegmentWithFormat(FormatBytes)
	b.Start, b.Rate, b.Flags = 100, -2, SegmentFlagReset|SegmentFlagSegment
	assert.Equal(t,
		"bytes segment start=100, offset=0, stop=-1, rate=-2.000000, applied_rate=1.000000, "+
			"flags=0x09, time=0, base=0, position 0, duration -1",
		b.String())
	assert.Equal(t, "UNDEFINED segment", NewSegmentWithFormat(FormatUndefined).String())
}

func TestSegmentFlagStringsUseGStreamerNicks(t *testing.T) {
	assert.Equal(t, "none", SegmentFlagNone.String())
	assert.Equal(t, "reset+segment+trickmode", (SegmentFlagReset | SegmentFlagSegment | SegmentFlagTrickmode).String())
	assert.Equal(t, "flush+key-unit+instant-rate-change", (SeekFlagFlush | SeekFlagKeyUnit | SeekFlagInstantRateChange).String())
	assert.Equal(t, "segment+0x800", (SeekFlagSegment | 1<<11).String(), "unknown bits in hex")
	assert.Equal(t, "end", SeekTypeEnd.String())
}

func TestSegmentFlagValuesMatchGStreamer(t *testing.T) {
	assert.Equal(t, SegmentFlags(0x01), SegmentFlagReset)
	assert.Equal(t, SegmentFlags(0x08), SegmentFlagSegment)
	assert.Equal(t, SegmentFlags(0x10), SegmentFlagTrickmode)
	assert.Equal(t, SegmentFlags(0x80), SegmentFlagTrickmodeKeyUnits)
	assert.Equal(t, SegmentFlags(0x100), SegmentFlagTrickmodeNoAudio)
	assert.Equal(t, SegmentFlags(0x200), SegmentFlagTrickmodeForwardPredicted)
	for i, f := range []SeekFlags{SeekFlagFlush, SeekFlagAccurate, SeekFlagKeyUnit, SeekFlagSegment,
		SeekFlagTrickmode, SeekFlagSnapBefore, SeekFlagSnapAfter, SeekFlagTrickmodeKeyUnits,
		SeekFlagTrickmodeNoAudio, SeekFlagTrickmodeForwardPredicted, SeekFlagInstantRateChange} {
		assert.Equal(t, SeekFlags(1)<<i, f, "seek flag bit %d", i)
	}
	assert.Equal(t, []SeekType{0, 1, 2}, []SeekType{SeekTypeNone, SeekTypeSet, SeekTypeEnd})
}

// FuzzSegmentRoundTrip checks that no input panics and that running time and
// position convert back exactly at rate ±1, and that the plain forms agree
// with the full forms wherever they succeed.
func FuzzSegmentRoundTrip(f *testing.F) {
	f.Add(int64(5e9), int64(0), int64(0), int64(-1), 1.0, int64(7e9))
	f.Add(int64(0), int64(1e9), int64(2e9), int64(10e9), -1.0, int64(3e9))
	f.Add(int64(1e9), int64(5e8), int64(0), int64(-1), 2.0, int64(1200e6))
	f.Add(int64(0), int64(0), int64(0), int64(10e9), -2.0, int64(12e9))
	f.Add(int64(0), int64(0), int64(0), int64(-1), 0.0, int64(1))
	f.Add(int64(0), int64(0), int64(0), int64(-1), math.NaN(), int64(1))
	f.Fuzz(func(t *testing.T, start, offset, base, stop int64, rate float64, pos int64) {
		// Keep values well inside the modelled range (below 2^62 ns).
		const lim = 1 << 62
		clampIn := func(v int64) time.Duration {
			if v < 0 {
				v = -v
			}
			return time.Duration(v % lim)
		}
		s := timeSegment(func(s *Segment) {
			s.Start, s.Offset, s.Base, s.Rate = clampIn(start), clampIn(offset)%(1<<40), clampIn(base), rate
			if stop >= 0 {
				s.Stop = s.Start + clampIn(stop)
			}
		})
		p := clampIn(pos)

		// None of these may panic, whatever the rate.
		s.ToRunningTimeFull(p)
		s.ToStreamTimeFull(p)
		s.PositionFromRunningTimeFull(p)
		s.PositionFromStreamTimeFull(p)
		s.Clip(p, p+1)
		_ = s.String()
		c := s.Copy()
		_, _ = c.DoSeek(rate, FormatTime, SeekFlags(uint32(pos)), SeekType(start%3), p, SeekType(stop%3), s.Stop)
		c.Copy().SetRunningTime(p)
		c.Copy().OffsetRunningTime(time.Duration(pos))

		if rt, ok := s.ToRunningTime(p); ok {
			full, fok := s.ToRunningTimeFull(p)
			require.True(t, fok, "full form must succeed where the plain one does")
			require.Equal(t, rt, full, "plain and full running time agree for %d in %v", p, s)
			if rate == 1 || rate == -1 {
				back, ok := s.PositionFromRunningTime(rt)
				require.True(t, ok, "running time %d of %d must map back in %v", rt, p, s)
				require.Equal(t, p, back, "round trip at rate %v in %v", rate, s)
			}
		}
		if st, ok := s.ToStreamTime(p); ok {
			back, ok := s.PositionFromStreamTime(st)
			require.True(t, ok, "stream time %d of %d must map back in %v", st, p, s)
			require.Equal(t, p, back, "stream time round trip in %v", s)
		}
		if cs, ce, ok := s.Clip(p, p+1); ok {
			require.GreaterOrEqual(t, cs, s.Start, "clipped start inside")
			if s.Stop != none {
				require.LessOrEqual(t, ce, s.Stop, "clipped stop inside")
			}
		}
	})
}

// TestSegmentStringPrintsANegativeOffsetWithASign pins a known difference:
// GStreamer's GST_SEGMENT_FORMAT prints a negative offset as the wrapped
// guint64; gstmini prints it signed, as TimeString does.
func TestSegmentStringPrintsANegativeOffsetWithASign(t *testing.T) {
	s := NewSegment()
	s.Offset = -500 * time.Millisecond
	assert.Contains(t, s.String(), "offset=-0:00:00.500000000")
}

func TestSegmentConversionsOfNoneAreNoneForEveryRate(t *testing.T) {
	// gst_segment_to_running_time and gst_segment_to_stream_time return -1
	// for position -1 whatever the segment: it lies after any stop, and the
	// _full conversions refuse it before looking at the rate.
	for _, rate := range []float64{1, 2, -1, math.NaN()} {
		s := timeSegment(func(s *Segment) { s.Rate, s.AppliedRate, s.Stop = rate, rate, 10*time.Second })
		rt, ok := s.ToRunningTime(none)
		assert.False(t, ok, "rate %v: ToRunningTime(NONE) must fail", rate)
		assert.Equal(t, none, rt, "rate %v: ToRunningTime(NONE)", rate)
		st, ok := s.ToStreamTime(none)
		assert.False(t, ok, "rate %v: ToStreamTime(NONE) must fail", rate)
		assert.Equal(t, none, st, "rate %v: ToStreamTime(NONE)", rate)
		s.Stop = none
		_, ok = s.ToRunningTime(none)
		assert.False(t, ok, "rate %v, no stop: ToRunningTime(NONE) must fail", rate)
		_, ok = s.ToStreamTime(none)
		assert.False(t, ok, "rate %v, no stop: ToStreamTime(NONE) must fail", rate)
	}
}
