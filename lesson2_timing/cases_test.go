package timing

import (
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// The cases below are data; the tests that run them are in the other
// _test.go files. Every expected value of the segment cases is also checked
// against gstmini's Segment, which matches GStreamer 1.22 to the
// nanosecond; numbers marked (run-checked) were confirmed on GStreamer
// 1.22.0 itself. none is gstmini.ClockTimeNone (segment.go).

// A timeCase is one conversion of a buffer timestamp by a segment.
type timeCase struct {
	description string
	seg         *gstmini.Segment
	pts         time.Duration
	want        time.Duration // ClockTimeNone when !wantOK
	wantOK      bool
}

// Step 1: running time, rate 1.

var runningTimeFromStartCases = []timeCase{
	{"the first buffer of a segment starting at 5 s has running time 0",
		segment(func(s *gstmini.Segment) { s.Start = 5 * sec }), 5 * sec, 0, true},
	{"PTS 6 s in a segment starting at 5 s has running time 1 s",
		segment(func(s *gstmini.Segment) { s.Start = 5 * sec }), 6 * sec, 1 * sec, true},
	{"PTS 7 s in a segment starting at 5 s has running time 2 s",
		segment(func(s *gstmini.Segment) { s.Start = 5 * sec }), 7 * sec, 2 * sec, true},
	{"in a segment starting at 0 running time equals the PTS",
		segment(nil), 3 * sec, 3 * sec, true},
	{"running time keeps nanosecond precision",
		segment(func(s *gstmini.Segment) { s.Start = 5 * sec }), 5*sec + 1, 1, true},
}

var runningTimeBaseCases = []timeCase{
	{"base carries the running time of the previous segment: a second segment after 6 s of playing starts at 6 s",
		segment(func(s *gstmini.Segment) { s.Base = 6 * sec }), 0, 6 * sec, true},
	{"base is added after the start is taken away: start 5 s, base 10 s, PTS 7 s",
		segment(func(s *gstmini.Segment) { s.Start, s.Base = 5*sec, 10*sec }), 7 * sec, 12 * sec, true},
	{"a large start with a small base: start 100 s, base 1 s, PTS 100 s",
		segment(func(s *gstmini.Segment) { s.Start, s.Base = 100*sec, 1*sec }), 100 * sec, 1 * sec, true},
}

var runningTimeOffsetCases = []timeCase{
	{"offset is the part of the segment already played: start 10 s, offset 2 s, PTS 12 s is at running time 0",
		segment(func(s *gstmini.Segment) { s.Start, s.Offset = 10*sec, 2*sec }), 12 * sec, 0, true},
	{"with base 2 s, running time continues from 2 s at start + offset",
		segment(func(s *gstmini.Segment) { s.Start, s.Offset, s.Base = 10*sec, 2*sec, 2*sec }), 12 * sec, 2 * sec, true},
	{"one second after start + offset",
		segment(func(s *gstmini.Segment) { s.Start, s.Offset, s.Base = 10*sec, 2*sec, 2*sec }), 13 * sec, 3 * sec, true},
	{"a PTS inside the offset is taken from base (run-checked: start 1 s, offset 0.5 s, base 1 s, PTS 1.2 s)",
		segment(func(s *gstmini.Segment) { s.Start, s.Offset, s.Base = 1*sec, 500*ms, 1*sec }), 1200 * ms, 700 * ms, true},
	{"a PTS inside the offset has no running time when base is too small to absorb it",
		segment(func(s *gstmini.Segment) { s.Start, s.Offset = 10*sec, 2*sec }), 11 * sec, none, false},
}

// runningTimeBoundsCases all use the segment [5 s, 10 s] unless they say so.
var runningTimeBoundsCases = []timeCase{
	{"the segment start is inside: running time 0, ok",
		segment(func(s *gstmini.Segment) { s.Start, s.Stop = 5*sec, 10*sec }), 5 * sec, 0, true},
	{"the stop is inside too",
		segment(func(s *gstmini.Segment) { s.Start, s.Stop = 5*sec, 10*sec }), 10 * sec, 5 * sec, true},
	{"before the start there is no running time",
		segment(func(s *gstmini.Segment) { s.Start, s.Stop = 5*sec, 10*sec }), 4 * sec, none, false},
	{"one nanosecond after the stop there is none either",
		segment(func(s *gstmini.Segment) { s.Start, s.Stop = 5*sec, 10*sec }), 10*sec + 1, none, false},
	{"an unset PTS (ClockTimeNone) has no running time",
		segment(func(s *gstmini.Segment) { s.Start, s.Stop = 5*sec, 10*sec }), none, none, false},
	{"without a stop (ClockTimeNone) every later PTS is inside: [5 s, NONE], PTS 1 h",
		segment(func(s *gstmini.Segment) { s.Start = 5 * sec }), time.Hour, time.Hour - 5*sec, true},
	{"an unset PTS has no running time even in a segment without a stop",
		segment(nil), none, none, false},
}

// Step 2: rate.

var runningTimeRateCases = []timeCase{
	{"rate 2 (fast forward) halves running time: PTS 4 s",
		segment(func(s *gstmini.Segment) { s.Rate = 2 }), 4 * sec, 2 * sec, true},
	{"rate 0.5 (slow motion) doubles it: PTS 4 s",
		segment(func(s *gstmini.Segment) { s.Rate = 0.5 }), 4 * sec, 8 * sec, true},
	{"the division truncates toward zero (run-checked: rate 3, PTS 10 ns)",
		segment(func(s *gstmini.Segment) { s.Rate = 3 }), 10, 3, true},
	{"truncates, never rounds: rate 3, PTS 20 ns is 6.67 ns, so 6 ns",
		segment(func(s *gstmini.Segment) { s.Rate = 3 }), 20, 6, true},
	{"the rate divides the distance from the start, not the PTS: start 2 s, rate 2, PTS 6 s",
		segment(func(s *gstmini.Segment) { s.Start, s.Rate = 2*sec, 2 }), 6 * sec, 2 * sec, true},
	{"base is added after dividing, not divided: base 1 s, rate 2, PTS 4 s",
		segment(func(s *gstmini.Segment) { s.Base, s.Rate = 1*sec, 2 }), 4 * sec, 3 * sec, true},
	{"applied_rate plays no part in running time: applied_rate 2, PTS 4 s",
		segment(func(s *gstmini.Segment) { s.AppliedRate = 2 }), 4 * sec, 4 * sec, true},
}

var runningTimeReverseCases = []timeCase{
	{"rate -1 on [0, 10 s]: playback starts at the stop, so the stop has running time 0",
		segment(func(s *gstmini.Segment) { s.Rate, s.Stop = -1, 10*sec }), 10 * sec, 0, true},
	{"rate -1 on [0, 10 s]: PTS 2 s is shown 8 s later (run-checked)",
		segment(func(s *gstmini.Segment) { s.Rate, s.Stop = -1, 10*sec }), 2 * sec, 8 * sec, true},
	{"rate -2 on [0, 10 s]: PTS 2 s, twice as fast",
		segment(func(s *gstmini.Segment) { s.Rate, s.Stop = -2, 10*sec }), 2 * sec, 4 * sec, true},
	{"rate -1 without a stop counts from start + duration: [0, NONE], duration 10 s, PTS 2 s",
		segment(func(s *gstmini.Segment) { s.Rate, s.Duration = -1, 10*sec }), 2 * sec, 8 * sec, true},
	{"rate -1 with neither stop nor duration has no end to count from: no running time",
		segment(func(s *gstmini.Segment) { s.Rate = -1 }), 2 * sec, none, false},
	{"rate -1 with offset 2 s (2 s already played backwards): PTS 8 s is at running time 0",
		segment(func(s *gstmini.Segment) { s.Rate, s.Stop, s.Offset = -1, 10*sec, 2*sec }), 8 * sec, 0, true},
	{"rate -1 with offset 2 s: PTS 9 s was already played and has no running time with base 0",
		segment(func(s *gstmini.Segment) { s.Rate, s.Stop, s.Offset = -1, 10*sec, 2*sec }), 9 * sec, none, false},
}

// Step 3: stream time and clipping.

var streamTimeCases = []timeCase{
	{"after a seek to 60 s (start = time = 60 s), PTS 61 s is 61 s into the media",
		segment(func(s *gstmini.Segment) { s.Start, s.Time = 60*sec, 60*sec }), 61 * sec, 61 * sec, true},
	{"stream time ignores base: the seek bar does not count time played before",
		segment(func(s *gstmini.Segment) { s.Start, s.Time, s.Base = 60*sec, 60*sec, 10*sec }), 61 * sec, 61 * sec, true},
	{"a recording whose timestamps begin at 1000 s (MPEG-TS, say) has start 1000 s, time 0: PTS 1003 s is 3 s in",
		segment(func(s *gstmini.Segment) { s.Start = 1000 * sec }), 1003 * sec, 3 * sec, true},
	{"stream time ignores rate: rate 2, PTS 4 s is still 4 s into the media",
		segment(func(s *gstmini.Segment) { s.Rate = 2 }), 4 * sec, 4 * sec, true},
	{"applied_rate scales before time is added, truncating (run-checked: applied_rate 2.5, time 10 ns, PTS 3 ns)",
		segment(func(s *gstmini.Segment) { s.AppliedRate, s.Time = 2.5, 10 }), 3, 17, true},
	{"outside the segment there is no stream time: [5 s, 10 s], PTS 4 s",
		segment(func(s *gstmini.Segment) { s.Start, s.Stop = 5*sec, 10*sec }), 4 * sec, none, false},
	{"a segment whose time is NONE has no stream time",
		segment(func(s *gstmini.Segment) { s.Time = none }), 4 * sec, none, false},
	{"an unset PTS has no stream time even in a segment without a stop",
		segment(nil), none, none, false},
}

var streamTimeReverseCases = []timeCase{
	{"applied_rate -1 on [10 s, 20 s], time 100 s: PTS 12 s, 8 s before the stop, is at 108 s (run-checked)",
		segment(func(s *gstmini.Segment) { s.AppliedRate, s.Start, s.Stop, s.Time = -1, 10*sec, 20*sec, 100*sec }), 12 * sec, 108 * sec, true},
	{"applied_rate -1: the stop is at time",
		segment(func(s *gstmini.Segment) { s.AppliedRate, s.Start, s.Stop, s.Time = -1, 10*sec, 20*sec, 100*sec }), 20 * sec, 100 * sec, true},
	{"applied_rate -1: past the stop there is no stream time",
		segment(func(s *gstmini.Segment) { s.AppliedRate, s.Start, s.Stop, s.Time = -1, 10*sec, 20*sec, 100*sec }), 25 * sec, none, false},
	{"applied_rate -1 without a stop has nothing to count back from",
		segment(func(s *gstmini.Segment) { s.AppliedRate = -1 }), 2 * sec, none, false},
}

// A clipCase clips the buffer range [start, stop] to a segment.
type clipCase struct {
	description         string
	seg                 *gstmini.Segment
	start, stop         time.Duration
	wantStart, wantStop time.Duration // ClockTimeNone when !wantOK
	wantOK              bool
}

func seg10to20() *gstmini.Segment {
	return segment(func(s *gstmini.Segment) { s.Start, s.Stop = 10*sec, 20*sec })
}

// clipInsideCases use the segment [10 s, 20 s] unless they say so.
var clipInsideCases = []clipCase{
	{"a buffer inside is unchanged", seg10to20(), 12 * sec, 18 * sec, 12 * sec, 18 * sec, true},
	{"a buffer straddling the start is cut to it", seg10to20(), 5 * sec, 15 * sec, 10 * sec, 15 * sec, true},
	{"a buffer straddling the stop is cut to it", seg10to20(), 15 * sec, 25 * sec, 15 * sec, 20 * sec, true},
	{"an unknown start stays unknown (run-checked)", seg10to20(), none, 15 * sec, none, 15 * sec, true},
	{"an unknown stop becomes the segment's stop (run-checked)", seg10to20(), 5 * sec, none, 10 * sec, 20 * sec, true},
	{"both unknown: NONE and the segment's stop (run-checked)", seg10to20(), none, none, none, 20 * sec, true},
	{"without a segment stop an unknown stop stays unknown: [10 s, NONE]",
		segment(func(s *gstmini.Segment) { s.Start = 10 * sec }), 12 * sec, none, 12 * sec, none, true},
}

// clipEdgeCases use the segment [10 s, 20 s] unless they say so.
var clipEdgeCases = []clipCase{
	{"a buffer starting at the segment's stop is outside (run-checked)", seg10to20(), 20 * sec, 25 * sec, none, none, false},
	{"a buffer ending at the segment's start is outside (run-checked)", seg10to20(), 5 * sec, 10 * sec, none, none, false},
	{"a zero-length buffer at the stop is outside (run-checked)", seg10to20(), 20 * sec, 20 * sec, none, none, false},
	{"an unknown start with the stop at the segment's start is outside (run-checked)", seg10to20(), none, 10 * sec, none, none, false},
	{"a buffer entirely before the segment is outside", seg10to20(), 0, 5 * sec, none, none, false},
	{"exception 1: a zero-length buffer at the start is inside (run-checked)", seg10to20(), 10 * sec, 10 * sec, 10 * sec, 10 * sec, true},
	{"exception 2: a zero-length segment [10 s, 10 s] contains its own start (run-checked)",
		segment(func(s *gstmini.Segment) { s.Start, s.Stop = 10*sec, 10*sec }), 10 * sec, 15 * sec, 10 * sec, 10 * sec, true},
	{"but a zero-length segment does not contain a buffer ending at its start (run-checked)",
		segment(func(s *gstmini.Segment) { s.Start, s.Stop = 10*sec, 10*sec }), 5 * sec, 10 * sec, none, none, false},
}

// Step 4: sync time.

type syncTimeCase struct {
	description                    string
	baseTime, runningTime, latency time.Duration
	want                           time.Duration
}

var syncTimeCases = []syncTimeCase{
	{"base_time 1 s + running time 2 s", 1 * sec, 2 * sec, 0, 3 * sec},
	{"latency 300 ms delays every buffer (run-checked: LATENCY 300 ms adds 0.3 s)", 1 * sec, 2 * sec, 300 * ms, 3300 * ms},
	{"running time 0 syncs at base_time itself", 10 * sec, 0, 0, 10 * sec},
	{"a buffer without running time is not synced: NONE", 1 * sec, none, 300 * ms, none},
}

// A sinkWaitCase pushes one buffer into a Sink with base_time 1 s and
// checks the clock time the sink waits for. The wanted times are those
// GStreamer 1.22.0's basesink waited for (run-checked, base_time 1 s).
type sinkWaitCase struct {
	description   string
	seg           *gstmini.Segment
	latency       time.Duration
	pts, duration time.Duration
	wantWait      time.Duration
}

var sinkWaitCases = []sinkWaitCase{
	{"PTS 2 s in a segment starting at 0 waits until base_time + 2 s (run-checked)",
		segment(nil), 0, 2 * sec, none, 3 * sec},
	{"the first buffer of a segment starting at 5 s waits for base_time itself",
		segment(func(s *gstmini.Segment) { s.Start = 5 * sec }), 0, 5 * sec, none, 1 * sec},
	{"segment start 5 s: PTS 6 s has running time 1 s, so the sink syncs on running time, not on the PTS",
		segment(func(s *gstmini.Segment) { s.Start = 5 * sec }), 0, 6 * sec, none, 2 * sec},
	{"segment base 5 s adds to the wait: start 1 s, PTS 2 s (run-checked)",
		segment(func(s *gstmini.Segment) { s.Start, s.Base = 1*sec, 5*sec }), 0, 2 * sec, none, 7 * sec},
	{"latency 300 ms delays the wait (run-checked)",
		segment(nil), 300 * ms, 2 * sec, none, 3300 * ms},
	{"rate 2: PTS 4 s has running time 2 s (run-checked)",
		segment(func(s *gstmini.Segment) { s.Rate = 2 }), 0, 4 * sec, none, 3 * sec},
	{"a buffer starting before the segment and ending inside is clipped to the start: start 5 s, PTS 4 s, duration 2 s (run-checked)",
		segment(func(s *gstmini.Segment) { s.Start = 5 * sec }), 0, 4 * sec, 2 * sec, 1 * sec},
	{"a buffer before the segment without a duration is clipped to the start, not dropped: start 5 s, PTS 0 (run-checked)",
		segment(func(s *gstmini.Segment) { s.Start = 5 * sec }), 0, 0, none, 1 * sec},
	{"reverse playback syncs on the buffer's end: rate -1 on [0, 10 s], PTS 2 s, duration 1 s (run-checked)",
		segment(func(s *gstmini.Segment) { s.Rate, s.Stop = -1, 10*sec }), 0, 2 * sec, 1 * sec, 8 * sec},
}

// Step 7: seeks.

// A seekCase seeks a segment and compares the result with what
// gstmini.Segment.DoSeek (gst_segment_do_seek) makes of the same seek.
type seekCase struct {
	description string
	seg         *gstmini.Segment // before the seek
	rate        float64
	pos         time.Duration
	flush       bool
	wantErr     bool
}

var seekCases = []seekCase{
	{"a flushing seek to 20 s after playing to 7 s restarts running time: base 0, flag reset",
		segment(func(s *gstmini.Segment) { s.Position = 7 * sec }), 1, 20 * sec, true, false},
	{"a non-flushing seek to 20 s after playing to 7 s continues it: base 7 s",
		segment(func(s *gstmini.Segment) { s.Position = 7 * sec }), 1, 20 * sec, false, false},
	{"non-flushing: base is the old segment's running time of the position (start 5 s, base 2 s, position 8 s)",
		segment(func(s *gstmini.Segment) { s.Start, s.Base, s.Position = 5*sec, 2*sec, 8*sec }), 1, 30 * sec, false, false},
	{"non-flushing: an old position past the stop is clamped to it first (run-checked: [0, 20 s], position 50 s)",
		segment(func(s *gstmini.Segment) { s.Stop, s.Position = 20*sec, 50*sec }), 1, 10 * sec, false, false},
	{"a flushing seek restarts running time even after earlier segments: base 5 s becomes 0",
		segment(func(s *gstmini.Segment) { s.Base, s.Position = 5*sec, 7*sec }), 1, 20 * sec, true, false},
	{"non-flushing: an old position before the start is raised to it first (start 5 s, base 2 s, position 1 s)",
		segment(func(s *gstmini.Segment) { s.Start, s.Base, s.Position = 5*sec, 2*sec, 1*sec }), 1, 30 * sec, false, false},
	{"non-flushing: base counts at the old rate (run-checked: rate 2, position 5 s gives base 2.5 s)",
		segment(func(s *gstmini.Segment) { s.Rate, s.Position = 2, 5*sec }), 1, 10 * sec, false, false},
	{"non-flushing: base counts the old offset, and the new segment starts with offset 0 (offset 2 s, base 1 s, position 5 s)",
		segment(func(s *gstmini.Segment) { s.Offset, s.Base, s.Position = 2*sec, 1*sec, 5*sec }), 1, 10 * sec, false, false},
	{"a seek starts a fresh segment: applied_rate goes back to 1",
		segment(func(s *gstmini.Segment) { s.AppliedRate, s.Position = 2, 3*sec }), 1, 10 * sec, true, false},
	{"a non-flushing seek after a flushing one clears the reset flag",
		segment(func(s *gstmini.Segment) { s.Flags, s.Position = gstmini.SegmentFlagReset, 4*sec }), 1, 10 * sec, false, false},
	{"a flushing seek into slow motion: rate 0.5 from 0",
		segment(func(s *gstmini.Segment) { s.Position = 3 * sec }), 0.5, 0, true, false},
	{"a non-flushing rate change at the current position keeps running time: rate 0.5 at 5 s",
		segment(func(s *gstmini.Segment) { s.Position = 5 * sec }), 0.5, 5 * sec, false, false},
	{"a seek past the known duration lands on the duration (run-checked: duration 100 s, seek to 200 s)",
		segment(func(s *gstmini.Segment) { s.Duration = 100 * sec }), 1, 200 * sec, true, false},
	{"a seek to ClockTimeNone means 0",
		segment(func(s *gstmini.Segment) { s.Start, s.Position = 5*sec, 6*sec }), 1, none, true, false},
	{"rate 0 is refused and the segment is left alone",
		segment(func(s *gstmini.Segment) { s.Position = 7 * sec }), 0, 20 * sec, true, true},
	{"a seek after the stop is refused and the segment is left alone: [0, 20 s], seek to 30 s",
		segment(func(s *gstmini.Segment) { s.Stop, s.Position = 20*sec, 7*sec }), 1, 30 * sec, true, true},
}
