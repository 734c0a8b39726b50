package timing

import (
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// Seek moves seg to position pos at playback rate rate, as an element does
// with its segment when it handles a SEEK event (start type SET, stop type
// NONE: play from pos to the old stop). The element then pushes seg
// downstream in a SEGMENT event and the sinks sync the new data with it.
//
// What happens to running time depends on flush:
//
//   - flush (SeekFlagFlush): the data in flight was thrown away and the
//     pipeline restarts its running time, so base = 0 and seg.Flags =
//     SegmentFlagReset. The first buffer at pos has running time 0.
//   - no flush: the data already queued still plays, so the new segment
//     continues where the old one will end: base = the old segment's running
//     time of seg.Position (clamped to [seg.Start, seg.Stop]), or
//     ClockTimeNone if it has none.
//
// Then rate = rate, applied_rate = 1, start = time = position = pos,
// offset = 0; stop and duration are kept; flags other than reset are cleared.
// Before that, pos is lowered to seg.Duration when it is known, and
// ClockTimeNone means 0.
//
// Seek returns an error, leaving seg unchanged, if rate <= 0 (reverse
// playback seeks set the stop instead; use seg.DoSeek) or pos is after
// seg.Stop.
//
// Mirrors gst_segment_do_seek (gst/gstsegment.c:232) for
// DoSeek(rate, FormatTime, flags, SeekTypeSet, pos, SeekTypeNone, -1).
// TODO(lesson2): implement. README Step 7.
func Seek(seg *gstmini.Segment, rate float64, pos time.Duration, flush bool) error {
	return nil
}
