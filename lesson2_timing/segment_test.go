package timing

import (
	"fmt"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// Hints, one per formula; each names the README step that explains it.
const (
	rtFormula       = "running_time = (pts - (start + offset)) / |rate| + base, only for pts in [start, stop]"
	hintRunningTime = "hint: " + rtFormula + "; otherwise return gstmini.ClockTimeNone, false (README: Step 1)"
	hintOffset      = "hint: " + rtFormula + "; a pts in [start, start + offset) is taken away from base, " +
		"and has no running time (NONE, false) if base is smaller (README: Step 1)"
	hintBounds = "hint: " + rtFormula + "; start and stop are both inside, a stop of NONE means no end, " +
		"and anything else is gstmini.ClockTimeNone, false (README: Step 1)"
	hintRate = "hint: divide the distance (pts - (start + offset)) by |rate| in float64 and truncate, then add base; " +
		"with rate < 0 the distance is (stop - offset) - pts, stop falling back to start + duration (README: Step 2)"
	hintStreamTime = "hint: stream_time = (pts - start) * |applied_rate| + time, or (stop - pts) * |applied_rate| + time " +
		"when applied_rate < 0; rate and base play no part (README: Step 3)"
	hintClip = "hint: outside if start >= seg.Stop or stop <= seg.Start (half-open), except a zero-length buffer at " +
		"seg.Start and a zero-length segment's own start; then raise start to seg.Start and lower stop to seg.Stop (README: Step 3)"
)

// runTimeCases runs fn, RunningTime or StreamTime, on every case, after
// checking the case's expectation against ref, gstmini's method.
func runTimeCases(t *testing.T, name string, cases []timeCase,
	fn func(*gstmini.Segment, time.Duration) (time.Duration, bool),
	ref func(*gstmini.Segment, time.Duration) (time.Duration, bool), hint string) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			defer reportPanic(t)
			if r, ok := ref(tc.seg.Copy(), tc.pts); r != tc.want || ok != tc.wantOK {
				t.Fatalf("bug in cases_test.go: gstmini (GStreamer) gives %s(%s, pts=%s) = %s; the case wants %s",
					name, segString(tc.seg), fmtTime(tc.pts), okString(r, ok), okString(tc.want, tc.wantOK))
			}
			seg := tc.seg.Copy()
			got, ok := fn(seg, tc.pts)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("%s(%s, pts=%s) = %s; want %s\n%s",
					name, segString(tc.seg), fmtTime(tc.pts), okString(got, ok), okString(tc.want, tc.wantOK), hint)
			}
			if *seg != *tc.seg {
				t.Errorf("%s changed the segment from %s to %s; it must only read it", name, segString(tc.seg), segString(seg))
			}
		})
	}
}

// Step 1

func TestRunningTimeStartsAtZeroAtSegmentStart(t *testing.T) {
	defer reportPanic(t)
	runTimeCases(t, "RunningTime", runningTimeFromStartCases, RunningTime, (*gstmini.Segment).ToRunningTime, hintRunningTime)
}

func TestRunningTimeAddsBase(t *testing.T) {
	defer reportPanic(t)
	runTimeCases(t, "RunningTime", runningTimeBaseCases, RunningTime, (*gstmini.Segment).ToRunningTime, hintRunningTime)
}

func TestRunningTimeSkipsOffset(t *testing.T) {
	defer reportPanic(t)
	runTimeCases(t, "RunningTime", runningTimeOffsetCases, RunningTime, (*gstmini.Segment).ToRunningTime, hintOffset)
}

func TestRunningTimeIsOnlyDefinedInsideTheSegment(t *testing.T) {
	defer reportPanic(t)
	runTimeCases(t, "RunningTime", runningTimeBoundsCases, RunningTime, (*gstmini.Segment).ToRunningTime, hintBounds)
}

// Step 2

func TestRunningTimeDividesByRate(t *testing.T) {
	defer reportPanic(t)
	runTimeCases(t, "RunningTime", runningTimeRateCases, RunningTime, (*gstmini.Segment).ToRunningTime, hintRate)
}

func TestRunningTimeCountsDownFromStopWhenReverse(t *testing.T) {
	defer reportPanic(t)
	runTimeCases(t, "RunningTime", runningTimeReverseCases, RunningTime, (*gstmini.Segment).ToRunningTime, hintRate)
}

// Step 3

func TestStreamTimeIsThePositionInTheMedia(t *testing.T) {
	defer reportPanic(t)
	runTimeCases(t, "StreamTime", streamTimeCases, StreamTime, (*gstmini.Segment).ToStreamTime, hintStreamTime)
}

func TestStreamTimeRunsBackFromStopWithNegativeAppliedRate(t *testing.T) {
	defer reportPanic(t)
	runTimeCases(t, "StreamTime", streamTimeReverseCases, StreamTime, (*gstmini.Segment).ToStreamTime, hintStreamTime)
}

// runClipCases runs Clip on every case, after checking the case against
// gstmini's Segment.Clip.
func runClipCases(t *testing.T, cases []clipCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			defer reportPanic(t)
			want := func(s, e time.Duration, ok bool) string {
				return fmt.Sprintf("%s, %s, %t", fmtTime(s), fmtTime(e), ok)
			}
			if rs, re, ok := tc.seg.Copy().Clip(tc.start, tc.stop); rs != tc.wantStart || re != tc.wantStop || ok != tc.wantOK {
				t.Fatalf("bug in cases_test.go: gstmini (GStreamer) gives Clip(%s, %s, %s) = %s; the case wants %s",
					segString(tc.seg), fmtTime(tc.start), fmtTime(tc.stop), want(rs, re, ok), want(tc.wantStart, tc.wantStop, tc.wantOK))
			}
			// When ok is false GStreamer leaves its outputs untouched, so
			// only ok is checked then.
			gs, ge, ok := Clip(tc.seg.Copy(), tc.start, tc.stop)
			if ok != tc.wantOK || (ok && (gs != tc.wantStart || ge != tc.wantStop)) {
				t.Errorf("Clip(%s, start=%s, stop=%s) = %s; want %s\n%s",
					segString(tc.seg), fmtTime(tc.start), fmtTime(tc.stop), want(gs, ge, ok), want(tc.wantStart, tc.wantStop, tc.wantOK), hintClip)
			}
		})
	}
}

func TestClipKeepsThePartInsideTheSegment(t *testing.T) { runClipCases(t, clipInsideCases) }

func TestClipIsHalfOpenWithTwoExceptions(t *testing.T) { runClipCases(t, clipEdgeCases) }
