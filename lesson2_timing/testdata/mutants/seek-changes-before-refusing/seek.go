// mutant: Seek changes the segment before it refuses a seek after the stop
package timing

import (
	"fmt"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// Seek moves seg to position pos at playback rate rate, as an element does
// with its segment when it handles a SEEK event (start type SET, stop type
// NONE: play from pos to the old stop). The element then pushes seg
// downstream in a SEGMENT event and the sinks sync the new data with it.
//
// After Seek the segment is a fresh one that starts at pos, in stream time
// too, and plays at rate: nothing of the old segment's playback survives but
// its stop and its duration. What running time does depends on flush. A
// flushing seek throws the data in flight away and restarts running time at 0;
// the segment gets SegmentFlagReset. A non-flushing seek lets the queued data
// play out, so the new segment continues the running time the old one had
// reached at its position. A pos beyond a known duration is lowered to it;
// ClockTimeNone means 0.
//
// Seek returns an error, leaving seg unchanged, if rate <= 0 (reverse
// playback seeks set the stop instead; use seg.DoSeek) or pos is after
// seg.Stop.
//
// For example, after a default segment played to 7 s (Position 7 s), a
// non-flushing seek to 20 s gives a segment starting at 20 s in which PTS 20 s
// has running time 7 s; with flush, running time 0.
//
// Mirrors gst_segment_do_seek (gst/gstsegment.c:232) for
// DoSeek(rate, FormatTime, flags, SeekTypeSet, pos, SeekTypeNone, -1).
func Seek(seg *gstmini.Segment, rate float64, pos time.Duration, flush bool) error {
	if rate <= 0 {
		return fmt.Errorf("timing: seek at rate %v: only rate > 0 is handled here", rate)
	}
	if pos == none {
		pos = 0
	}
	if seg.Duration != none {
		pos = min(pos, seg.Duration)
	}
	base, flags := time.Duration(0), gstmini.SegmentFlagReset
	if !flush {
		flags = gstmini.SegmentFlagNone
		position := max(seg.Position, seg.Start)
		if seg.Stop != none {
			position = min(position, seg.Stop)
		}
		base, _ = RunningTime(seg, position) // ClockTimeNone when it has none
	}
	seg.Flags, seg.Rate, seg.AppliedRate = flags, rate, 1
	seg.Base, seg.Offset = base, 0
	seg.Start, seg.Time, seg.Position = pos, pos, pos
	if seg.Stop != none && pos > seg.Stop {
		return fmt.Errorf("timing: seek to %v: after the segment's stop %v", pos, seg.Stop)
	}
	return nil
}
