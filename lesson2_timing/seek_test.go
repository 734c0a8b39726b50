package timing

import (
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

const hintSeek = "hint: flush: base = 0 and flags = reset; no flush: base = RunningTime(old segment, position clamped to [start, stop]); " +
	"then rate, applied_rate = 1, start = time = position = pos, offset = 0 (README: Step 7)"

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
			segString(seg), rate, fmtTime(pos), flush, segString(s), fmtTime(pts), okString(got, ok), fmtTime(want), why, hintSeek)
	}
}

func TestSeekMatchesGstSegmentDoSeek(t *testing.T) {
	for _, tc := range seekCases {
		t.Run(tc.description, func(t *testing.T) {
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
					segString(tc.seg), tc.rate, fmtTime(tc.pos), refErr, hintSeek)
			case !tc.wantErr && err != nil:
				t.Errorf("Seek(%s, rate=%g, pos=%s) = %v; want nil\n%s", segString(tc.seg), tc.rate, fmtTime(tc.pos), err, hintSeek)
			}
			if *got != *want {
				t.Errorf("Seek(%s, rate=%g, pos=%s, flush=%t) made\n\t%s\nwant (gstmini.Segment.DoSeek)\n\t%s\n%s",
					segString(tc.seg), tc.rate, fmtTime(tc.pos), tc.flush, segString(got), segString(want), hintSeek)
			}
		})
	}
}

func TestFlushingSeekRestartsRunningTimeAtZero(t *testing.T) {
	played := segment(func(s *gstmini.Segment) { s.Position = 7 * sec }) // 7 s played
	seekAndCheckRunningTime(t, played, 1, 20*sec, true, 20*sec, 0,
		"a flush throws away the data in flight, so the first buffer after the seek starts running time again at 0")
	seekAndCheckRunningTime(t, played, 1, 20*sec, true, 21*sec, 1*sec, "one second later")
}

func TestNonFlushingSeekContinuesRunningTime(t *testing.T) {
	played := segment(func(s *gstmini.Segment) { s.Position = 7 * sec })
	seekAndCheckRunningTime(t, played, 1, 20*sec, false, 20*sec, 7*sec,
		"without a flush the 7 s already queued still play, so the new segment starts at running time 7 s")
}

func TestSlowMotionStretchesRunningTime(t *testing.T) {
	seekAndCheckRunningTime(t, segment(nil), 0.5, 0, true, 4*sec, 8*sec,
		"at rate 0.5 four seconds of media take eight seconds to play")
	played := segment(func(s *gstmini.Segment) { s.Position = 4 * sec })
	seekAndCheckRunningTime(t, played, 0.5, 4*sec, false, 6*sec, 8*sec,
		"switching to rate 0.5 at 4 s keeps the 4 s played, then 2 s of media take 4 s")
}
