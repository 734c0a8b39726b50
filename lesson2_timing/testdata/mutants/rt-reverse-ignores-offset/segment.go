// mutant: RunningTime in reverse counts from the stop, forgetting the offset already played
package timing

import (
	"math"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// none is GStreamer's GST_CLOCK_TIME_NONE: "no time".
const none = gstmini.ClockTimeNone

// RunningTime converts pts, a buffer timestamp, to running time: how long the
// pipeline will have been PLAYING when the buffer must be rendered. Sinks call
// it to know when to show a buffer; every sink of a pipeline agrees on running
// time even when their segments differ.
//
// Running time is counted from the point where the segment starts playing, at
// the segment's rate, and continues from seg.Base, the running time earlier
// segments used up. With seg.Rate < 0 the segment plays from its end back to
// its start. AppliedRate plays no part. ok is false, with ClockTimeNone, when
// pts has no running time in seg: pts is unset or outside the segment (both
// ends are inside), pts lies in the part seg.Offset says was already played
// and seg.Base is too small to absorb it, or the segment plays backwards and
// has no end.
//
// For example, in a segment that starts at 5 s (a seek to 5 s) after 6 s of
// playing (base 6 s), PTS 7 s has running time 8 s.
//
// Mirrors gst_segment_to_running_time (gst/gstsegment.c:840), which calls
// gst_segment_to_running_time_full (gst/gstsegment.c:735).
func RunningTime(seg *gstmini.Segment, pts time.Duration) (time.Duration, bool) {
	if pts == none || pts < seg.Start || (seg.Stop != none && pts > seg.Stop) {
		return none, false
	}
	var d time.Duration // signed distance from the point where running time is base
	if seg.Rate > 0 {
		d = pts - (seg.Start + seg.Offset)
	} else {
		end := seg.Stop
		if end == none && seg.Duration != none {
			end = seg.Start + seg.Duration
		}
		if end == none || end < seg.Offset {
			return none, false
		}
		d = end - pts
	}
	if r := math.Abs(seg.Rate); r != 1 {
		d = time.Duration(float64(d) / r) // truncates toward zero, as C's guint64 cast
	}
	if seg.Base == none || seg.Base+d < 0 {
		return none, false
	}
	return seg.Base + d, true
}

// StreamTime converts pts to stream time: the position in the media that a
// player shows in its seek bar. It counts from seg.Time, the stream time at the
// segment's start, at the rate upstream already applied to the data
// (seg.AppliedRate; when it is negative, back from the segment's stop).
// seg.Rate and seg.Base play no part: a seek to 60 s shows 60 s at any speed,
// however long the pipeline played before.
//
// ok is false, with ClockTimeNone, when pts is unset or outside the segment,
// when seg.Time is unset, and when a negative applied rate has no stop to
// count back from.
//
// For example, a recording whose timestamps begin at 1000 s has a segment with
// start 1000 s and time 0: PTS 1003 s is 3 s into the stream.
//
// Mirrors gst_segment_to_stream_time (gst/gstsegment.c:521), which calls
// gst_segment_to_stream_time_full (gst/gstsegment.c:418).
func StreamTime(seg *gstmini.Segment, pts time.Duration) (time.Duration, bool) {
	if pts == none || pts < seg.Start || (seg.Stop != none && pts > seg.Stop) || seg.Time == none {
		return none, false
	}
	d := pts - seg.Start
	if seg.AppliedRate < 0 {
		if seg.Stop == none {
			return none, false
		}
		d = seg.Stop - pts
	}
	if ar := math.Abs(seg.AppliedRate); ar != 1 {
		d = time.Duration(float64(d) * ar)
	}
	return d + seg.Time, true
}

// Clip cuts the buffer range [start, stop] to the segment, as a sink does
// before it computes running time, and reports whether any of the buffer is
// inside. Either end may be ClockTimeNone (unknown); an unknown stop ends where
// the segment ends. A buffer that only touches the segment, ending exactly
// where it starts or starting exactly where it stops, is outside, with the two
// exceptions README Step 3 lists. When ok is false, cstart and cstop are
// ClockTimeNone.
//
// For example, with the segment [10 s, 20 s], Clip(seg, 5 s, 15 s) returns
// 10 s, 15 s, true, and Clip(seg, 5 s, 10 s) returns NONE, NONE, false.
//
// Mirrors gst_segment_clip (gst/gstsegment.c:896).
func Clip(seg *gstmini.Segment, start, stop time.Duration) (cstart, cstop time.Duration, ok bool) {
	if seg.Stop != none && start != none && (start > seg.Stop || (seg.Start != seg.Stop && start == seg.Stop)) {
		return none, none, false
	}
	if stop != none && (stop < seg.Start || (start != stop && stop == seg.Start)) {
		return none, none, false
	}
	cstart = none
	if start != none {
		cstart = max(start, seg.Start)
	}
	switch {
	case stop == none:
		cstop = seg.Stop
	case seg.Stop == none:
		cstop = stop
	default:
		cstop = min(stop, seg.Stop)
	}
	return cstart, cstop, true
}
