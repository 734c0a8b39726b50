// mutant: IsFilled treats max-size-time 0 as a limit of 0 instead of no limit
package buffering

import (
	"fmt"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// A Level is an amount of queued data, or a set of limits on it
// (GstQueueSize): buffers, bytes of payload, and running time. The zero
// value is an empty level, or, as limits, no limit at all.
type Level struct {
	Buffers uint
	Bytes   uint
	Time    time.Duration
}

// String formats the level as "3 buffers, 3072 bytes, 100ms".
func (l Level) String() string {
	return fmt.Sprintf("%d buffers, %d bytes, %v", l.Buffers, l.Bytes, l.Time)
}

// IsFilled reports whether a queue holding level is full under the limits
// max, as gst_queue_is_filled (gstqueue.c:1127 at 1.22.0) decides: a limit
// is reached when the level is at or above it, a limit of 0 is disabled, and
// any one enabled limit reached makes the queue full.
//
// Worked example, with GStreamer's defaults (200 buffers, 10 MiB, 1 s) and
// a 30 fps camera: 30 frames of 1024 bytes are a level of {30 buffers,
// 30720 bytes, 1s}, and the queue is full: the time limit is reached, long
// before the other two. With max-size-time 0 the same level is not full;
// with max-size-buffers 2, a level of 2 buffers is.
func IsFilled(level, max Level) bool {
	return (max.Buffers > 0 && level.Buffers >= max.Buffers) ||
		(max.Bytes > 0 && level.Bytes >= max.Bytes) ||
		(level.Time >= max.Time)
}

// ApplyBuffer moves seg.Position to the end of buf, as apply_buffer
// (gstqueue.c:620) does on the side of the queue buf passes (the sink
// segment when it enters, the src segment when it leaves):
//
//	position = (DTS if set, else PTS if set, else the old position) + Duration if set
//
// so a buffer without timestamps continues from the previous one. An unset
// position stays unset (C would add a duration to -1 and wrap).
//
// Worked example: a buffer with DTS 100 ms, PTS 300 ms (decoded before
// it is shown) and duration 40 ms moves the position to 140 ms; a buffer
// with neither timestamp and duration 40 ms then moves it to 180 ms.
func ApplyBuffer(seg *gstmini.Segment, buf *gstmini.Buffer) {
	ts := buf.DTS
	if !gstmini.IsValidTime(ts) {
		ts = buf.PTS
	}
	if !gstmini.IsValidTime(ts) {
		ts = seg.Position
	}
	if gstmini.IsValidTime(ts) && gstmini.IsValidTime(buf.Duration) {
		ts += buf.Duration
	}
	seg.Position = ts
}

// TimeLevel returns the running time held in a queue between its sink side,
// whose segment sink has seen the newest data in, and its src side, whose
// segment src has seen the last data out, as update_time_level
// (gstqueue.c:529) computes current-level-time:
//
//	sink_rt = running time of sink.Position in sink   (signed: it may be negative)
//	src_rt  = running time of src.Position in src
//	time    = sink_rt - src_rt   if both are known and sink_rt >= src_rt, else 0
//
// A running time is unknown when the position is unset or outside what
// Segment.ToRunningTimeFull can convert (my_segment_to_running_time,
// gstqueue.c:511).
//
// Worked example: 5 buffers of 100 ms (PTS 0 to 400 ms) in, buffer 0 out:
// the sink position is 500 ms, the src position 100 ms, the level 400 ms.
// The same positions with base 5 s in the sink segment only: 5.4 s. A sink
// side at 50 ms of a new segment starting at 0, behind a src side at
// 100 ms: 0, never negative.
func TimeLevel(sink, src *gstmini.Segment) time.Duration {
	sinkRT, sinkOK := signedRunningTime(sink)
	srcRT, srcOK := signedRunningTime(src)
	if sinkOK && srcOK && sinkRT >= srcRT {
		return sinkRT - srcRT
	}
	return 0
}

// signedRunningTime is my_segment_to_running_time: the signed running time
// of seg.Position, or ok false.
func signedRunningTime(seg *gstmini.Segment) (time.Duration, bool) {
	if !gstmini.IsValidTime(seg.Position) {
		return 0, false
	}
	rt, ok := seg.ToRunningTimeFull(seg.Position)
	if !ok || !gstmini.IsValidTime(rt) {
		return 0, false
	}
	return rt, true
}
