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
// With seg.Rate > 0 running time counts up from seg.Start + seg.Offset:
//
//	running_time = (pts - (start + offset)) / |rate| + base
//
// With seg.Rate < 0 it counts up from the end, stop - offset, going backwards
// (stop is start + duration when seg.Stop is ClockTimeNone):
//
//	running_time = ((stop - offset) - pts) / |rate| + base
//
// The division is done in float64 and truncated toward zero before base is
// added. AppliedRate plays no part.
//
// ok is false, with ClockTimeNone, when pts is ClockTimeNone, when pts is
// outside [seg.Start, seg.Stop] (both ends inside), when the result would be
// negative, and when seg.Rate < 0 but the segment has no end.
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
		d = (end - seg.Offset) - pts
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
// player shows in its seek bar. Unlike running time it ignores seg.Rate and
// seg.Base: a seek to 60 s shows 60 s, at any speed.
//
// With seg.AppliedRate > 0:
//
//	stream_time = (pts - start) * |applied_rate| + time
//
// With seg.AppliedRate < 0 (data that upstream already reversed):
//
//	stream_time = (stop - pts) * |applied_rate| + time
//
// The product is done in float64 and truncated toward zero before time is
// added. ok is false, with ClockTimeNone, when pts is ClockTimeNone or outside
// [seg.Start, seg.Stop], when seg.Time is ClockTimeNone, and when
// seg.AppliedRate < 0 but seg.Stop is ClockTimeNone.
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
// before it computes running time. Either end may be ClockTimeNone
// (unknown). ok is false when the range does not overlap the segment. The
// test is half-open (a buffer ending exactly at seg.Start, or starting
// exactly at seg.Stop, is outside) with two exceptions: a zero-length buffer
// at seg.Start is inside, and a zero-length segment contains its own start.
// Precisely, the range is outside when
//
//	seg.Stop != NONE && start != NONE && (start > seg.Stop || (seg.Start != seg.Stop && start == seg.Stop))
//	stop != NONE && (stop < seg.Start || (start != stop && stop == seg.Start))
//
// Otherwise cstart is start raised to seg.Start (ClockTimeNone if start is),
// and cstop is stop lowered to seg.Stop (seg.Stop if stop is ClockTimeNone).
// When ok is false, cstart and cstop are ClockTimeNone.
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
