package seeking

import (
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// NextFrame returns the next buffer of seg, a TIME segment of a clip cut
// into frames of length frame, and moves seg.Position past it. It is the
// part of gst_base_src_loop (gstbasesrc.c:2834 at 1.22.0) and of a
// demuxer that decides what comes next. ok is false when the segment is
// done; seg is then unchanged.
//
// The end is seg.Stop, or seg.Duration when Stop is ClockTimeNone (the end
// of the file). Forwards (Rate > 0) the buffer starts at the position and
// lasts a frame, cut short at the end:
//
//	pts = Position, duration = min(frame, end - pts), Position = pts + duration
//	done when Position >= end
//
// Backwards (Rate < 0) the buffer ends at the position, and the position
// moves down to its start, never below seg.Start:
//
//	pts = max(Position - frame, Start), duration = Position - pts, Position = pts
//	done when Position <= Start
//
// The rate never changes the timestamps: a buffer's PTS is where it is in
// the clip. Playing faster or slower is the sinks' business: they divide
// running time by |Rate| (Segment.ToRunningTime).
//
// Worked example, frame 100 ms: seg [200 ms, 450 ms] forwards from 200 ms
// gives 200 (100), 300 (100), 400 (50), then done; backwards from 450 ms
// gives 350 (100), 250 (100), 200 (50), then done.
//
// TODO(lesson7): implement. README Step 1: forwards first, then backwards.
func NextFrame(seg *gstmini.Segment, frame time.Duration) (pts, duration time.Duration, ok bool) {
	return 0, 0, false
}

// EndOfSegment returns the event a source pushes when NextFrame says seg is
// done (the "pause" label of gst_base_src_loop, gstbasesrc.c:3081): for a
// segment seek (SegmentFlagSegment in seg.Flags) a segment-done event with
// seg's format and position, so that the application can seek again and
// the stream goes on; otherwise EOS, the end of the stream.
//
// TODO(lesson7): implement. README Step 1.
func EndOfSegment(seg *gstmini.Segment) *gstmini.Event {
	return nil
}
