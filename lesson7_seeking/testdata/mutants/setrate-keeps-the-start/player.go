// mutant: SetRate changes only the rate (start and stop NONE): the segment keeps its old start
package seeking

import (
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// Loop keeps a segment playing for ever, without a gap, as a music player
// loops a track or a game its background: given a message from the
// pipeline's bus, if it is SEGMENT_DONE, it seeks p back to [start, stop)
// with SeekFlagSegment — so that this pass ends with SEGMENT_DONE again —
// and without SeekFlagFlush — so that running time goes on from where the
// last pass ended, and the sinks see no flush. It reports whether it
// seeked; any other message is left alone (false).
//
// The first pass is a flushing segment seek the application makes itself.
func Loop(p *gstmini.Pipeline, m *gstmini.Message, start, stop time.Duration) bool {
	if m == nil || m.Type != gstmini.MessageSegmentDone {
		return false
	}
	return p.Seek(1, gstmini.FormatTime, gstmini.SeekFlagSegment,
		gstmini.SeekTypeSet, start, gstmini.SeekTypeSet, stop)
}

// SetRate changes the playback rate of p where it is now, as gst-play-1.0
// does (play_set_rate_and_trick_mode, tools/gst-play.c:1001 in
// gst-plugins-base 1.22.0): ask p for its position (a TIME position
// query), then make a flushing, accurate seek at rate from there — for a
// positive rate from the position to the end (start SET position, stop
// SET ClockTimeNone); for a negative rate from the position back to the
// beginning (start SET 0, stop SET position), since a segment played
// backwards starts at its stop. It reports whether the query and the seek
// succeeded.
func SetRate(p *gstmini.Pipeline, rate float64) bool {
	q := gstmini.NewPositionQuery(gstmini.FormatTime)
	if !p.Query(q) || q.Value() < 0 || q.Value() == gstmini.ClockTimeNone {
		return false
	}
	pos := q.Value()
	flags := gstmini.SeekFlagFlush | gstmini.SeekFlagAccurate
	if rate >= 0 {
		return p.Seek(rate, gstmini.FormatTime, flags,
			gstmini.SeekTypeNone, pos, gstmini.SeekTypeNone, gstmini.ClockTimeNone)
	}
	return p.Seek(rate, gstmini.FormatTime, flags,
		gstmini.SeekTypeSet, 0, gstmini.SeekTypeSet, pos)
}
