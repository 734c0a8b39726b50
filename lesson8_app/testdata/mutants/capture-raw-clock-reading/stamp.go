// mutant: CaptureToRunningTime returns the capture time as is: a clock reading, not a running time
package appbridge

import (
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// DoTimestamp stamps buf as appsrc does with do-timestamp=true when the
// application pushes it (gst_app_src_push_internal, gstappsrc.c:2496 at
// 1.22.0): a buffer with neither PTS nor DTS gets both set to the running
// time of its arrival,
//
//	running_time = clock.Time() - baseTime      (0 if the clock is behind baseTime)
//
// A buffer that already carries a PTS or a DTS is returned untouched, and so
// is every buffer while there is no clock yet (before PLAYING; GStreamer
// warns that the timestamps will not be accurate). DoTimestamp takes the
// caller's reference to buf and returns the buffer to push: buf itself, or,
// when it must be stamped and someone else also holds buf, a stamped copy
// made with buf.MakeWritable, so that the other holder's buffer never
// changes under it.
//
// Worked example: base time 10 s, the clock at 12.5 s: an unstamped buffer
// gets PTS = DTS = 2.5 s; one with PTS 7 s keeps PTS 7 s and no DTS.
func DoTimestamp(buf *gstmini.Buffer, clock gstmini.Clock, baseTime time.Duration) *gstmini.Buffer {
	if buf.PTS != gstmini.ClockTimeNone || buf.DTS != gstmini.ClockTimeNone || clock == nil {
		return buf
	}
	now := clock.Time() - baseTime
	if now < 0 {
		now = 0
	}
	buf = buf.MakeWritable()
	buf.PTS, buf.DTS = now, now
	return buf
}

// CaptureToRunningTime converts capture, a time the application read from
// its own clock when it captured a frame, into the pipeline's running time,
// the time base of every PTS a sink syncs on. zero is the time on the
// application's clock at which the pipeline's running time was 0 (with the
// pipeline's own clock, that is the base time):
//
//	pts = capture - zero
//
// ok is false for a frame captured before zero: it has no running time (the
// application drops it, or the sink would drop it as out of segment).
//
// Worked example: the pipeline went PLAYING when the application's clock
// read 100 s; a frame captured at 101.5 s has PTS 1.5 s, one at 99 s none.
func CaptureToRunningTime(capture, zero time.Duration) (pts time.Duration, ok bool) {
	if capture < zero {
		return 0, false
	}
	return capture, true
}
