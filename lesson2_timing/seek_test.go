package timing

import (
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

const (
	hintSeek     = "hint: a seek starts a fresh segment at pos: start, time and position are pos, at the new rate (README: Step 7)"
	hintSeekBase = "hint: base is where running time stands when the new segment starts: 0 after a flushing seek, otherwise the running time " +
		"the old segment had reached at its position, clamped into the old segment first (README: Step 7)"
	hintSeekFresh = "hint: nothing of the old segment's playback survives a seek but its stop and duration: " +
		"the new segment has offset 0 and applied_rate 1 (README: Step 7)"
	hintSeekFlags = "hint: a flushing seek marks the new segment with SegmentFlagReset, because running time restarts; " +
		"a non-flushing one leaves no flag set, whatever the old segment had (README: Step 7)"
	hintSeekRefused = "hint: a seek that gst_segment_do_seek refuses (rate 0 here, a start after the stop) returns an error and leaves the segment untouched (README: Step 7)"
)

// seekHint returns the hint for the first field in which got differs from
// want, and that field's name.
func seekHint(got, want *gstmini.Segment) (field, hint string) {
	switch {
	case got.Start != want.Start:
		return "start", hintSeek
	case got.Time != want.Time:
		return "time", hintSeek
	case got.Position != want.Position:
		return "position", hintSeek
	case got.Rate != want.Rate:
		return "rate", hintSeek
	case got.Base != want.Base:
		return "base", hintSeekBase
	case got.Flags != want.Flags:
		return "flags", hintSeekFlags
	case got.Offset != want.Offset:
		return "offset", hintSeekFresh
	case got.AppliedRate != want.AppliedRate:
		return "applied_rate", hintSeekFresh
	case got.Stop != want.Stop, got.Duration != want.Duration:
		return "stop or duration", hintSeekFresh
	}
	return "", ""
}

// seekAndCheckRunningTime seeks a copy of seg and checks the running time
// of the buffers that follow.
func seekAndCheckRunningTime(t *testing.T, seg *gstmini.Segment, rate float64, pos time.Duration, flush bool,
	pts, want time.Duration, why string) {
	t.Helper()
	s := seg.Copy()
	if err := Seek(s, rate, pos, flush); err != nil {
		t.Fatalf("Seek(%s, rate=%g, pos=%s, flush=%t) = %v; want nil", segString(seg), rate, fmtTime(pos), flush, err)
	}
	if got, ok := RunningTime(s, pts); got != want || !ok {
		t.Errorf("after Seek(%s, rate=%g, pos=%s, flush=%t) the segment is %s and RunningTime(pts=%s) = %s; want %s, true: %s\n%s",
			segString(seg), rate, fmtTime(pos), flush, segString(s), fmtTime(pts), okString(got, ok), fmtTime(want), why, hintSeekBase)
	}
}

func TestSeekMatchesGstSegmentDoSeek(t *testing.T) {
	defer reportPanic(t)
	for _, tc := range seekCases {
		t.Run(tc.description, func(t *testing.T) {
			defer reportPanic(t)
			flags := gstmini.SeekFlagNone
			if tc.flush {
				flags = gstmini.SeekFlagFlush
			}
			want := tc.seg.Copy()
			_, refErr := want.DoSeek(tc.rate, gstmini.FormatTime, flags, gstmini.SeekTypeSet, tc.pos, gstmini.SeekTypeNone, none)
			if (refErr != nil) != tc.wantErr {
				t.Fatalf("bug in cases_test.go: gstmini's DoSeek (GStreamer) returns %v; the case wants an error: %t", refErr, tc.wantErr)
			}
			got := tc.seg.Copy()
			err := Seek(got, tc.rate, tc.pos, tc.flush)
			switch {
			case tc.wantErr && err == nil:
				t.Errorf("Seek(%s, rate=%g, pos=%s) = nil; want an error, as gst_segment_do_seek returns FALSE here (%v)\n%s",
					segString(tc.seg), tc.rate, fmtTime(tc.pos), refErr, hintSeekRefused)
			case !tc.wantErr && err != nil:
				t.Errorf("Seek(%s, rate=%g, pos=%s) = %v; want nil\n%s", segString(tc.seg), tc.rate, fmtTime(tc.pos), err, hintSeekRefused)
			}
			if field, hint := seekHint(got, want); field != "" {
				if tc.wantErr {
					hint = hintSeekRefused
				}
				t.Errorf("Seek(%s, rate=%g, pos=%s, flush=%t) made\n\t%s\nwant (gstmini.Segment.DoSeek)\n\t%s\n(%s differs)\n%s",
					segString(tc.seg), tc.rate, fmtTime(tc.pos), tc.flush, segString(got), segString(want), field, hint)
			}
		})
	}
}

func TestFlushingSeekRestartsRunningTimeAtZero(t *testing.T) {
	defer reportPanic(t)
	played := segment(func(s *gstmini.Segment) { s.Position = 7 * sec }) // 7 s played
	seekAndCheckRunningTime(t, played, 1, 20*sec, true, 20*sec, 0,
		"a flush throws away the data in flight, so the first buffer after the seek starts running time again at 0")
	seekAndCheckRunningTime(t, played, 1, 20*sec, true, 21*sec, 1*sec, "one second later")
	afterPlaylist := segment(func(s *gstmini.Segment) { s.Base, s.Position = 5*sec, 7*sec }) // a second segment, 5 s into the playlist
	seekAndCheckRunningTime(t, afterPlaylist, 1, 20*sec, true, 20*sec, 0,
		"the running time earlier segments used up (base 5 s) is thrown away with the data: a flush restarts at 0, whatever the old base")
}

func TestNonFlushingSeekContinuesRunningTime(t *testing.T) {
	defer reportPanic(t)
	played := segment(func(s *gstmini.Segment) { s.Position = 7 * sec })
	seekAndCheckRunningTime(t, played, 1, 20*sec, false, 20*sec, 7*sec,
		"without a flush the 7 s already queued still play, so the new segment starts at running time 7 s")
	overrun := segment(func(s *gstmini.Segment) { s.Stop, s.Position = 20*sec, 50*sec }) // the position ran past the stop
	seekAndCheckRunningTime(t, overrun, 1, 10*sec, false, 10*sec, 20*sec,
		"the old segment ends at its stop, 20 s: its position (50 s) is clamped to [start, stop] before taking its running time")
	early := segment(func(s *gstmini.Segment) { s.Start, s.Base, s.Position = 5*sec, 2*sec, 1*sec }) // nothing played yet
	seekAndCheckRunningTime(t, early, 1, 30*sec, false, 30*sec, 2*sec,
		"a position before the start is raised to the start, whose running time is the old base, 2 s")
}

func TestSlowMotionStretchesRunningTime(t *testing.T) {
	defer reportPanic(t)
	seekAndCheckRunningTime(t, segment(nil), 0.5, 0, true, 4*sec, 8*sec,
		"at rate 0.5 four seconds of media take eight seconds to play")
	played := segment(func(s *gstmini.Segment) { s.Position = 4 * sec })
	seekAndCheckRunningTime(t, played, 0.5, 4*sec, false, 6*sec, 8*sec,
		"switching to rate 0.5 at 4 s keeps the 4 s played, then 2 s of media take 4 s")
}
