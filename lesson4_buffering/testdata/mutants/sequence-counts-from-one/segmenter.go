// mutant: segments are numbered from 1 instead of 0
// Package buffering is lesson 4 of the gstmini workbook: buffering. It holds
// the rules GStreamer applies when it keeps data back on purpose, as pure
// functions and types with no goroutines, so that each rule can be tested on
// its own:
//
//   - batching: an HLS segmenter collects frames into segments of a target
//     duration (Accumulator), and lists them in a playlist (ExtInf,
//     TargetDurationTag);
//   - limits: when a queue counts as full (IsFilled), and how it measures
//     the running time it holds (ApplyBuffer, TimeLevel), as GStreamer's
//     queue element does (plugins/elements/gstqueue.c at 1.22.0);
//   - leaking: what a full queue does with a buffer it has no room for
//     (Queue with Leaky): block, drop the new buffer, or drop the old ones.
//
// The reference implementations are gstmini/elements.HLSSegmenter,
// gstmini/elements.Playlist and gstmini/elements.Queue; the lesson's tests
// compare results with them. Nothing here is safe for concurrent use: the
// reference elements wrap the same rules in their own locks.
package buffering

import (
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// A Frame is what a segmenter keeps of one video frame: its timing, its size
// and whether data before it is missing. The segmenter copies these fields
// out of the frame's buffer and lets the buffer go.
type Frame struct {
	PTS      time.Duration // presentation timestamp; always set in this lesson
	Duration time.Duration // how long the frame lasts, or gstmini.ClockTimeNone
	Size     int           // payload bytes
	Discont  bool          // the buffer carried DISCONT: frames before it were lost
}

// FrameOf returns the Frame of buf: its PTS, duration, size and DISCONT flag.
func FrameOf(buf *gstmini.Buffer) Frame {
	return Frame{PTS: buf.PTS, Duration: buf.Duration, Size: buf.Size(),
		Discont: buf.HasFlags(gstmini.BufferFlagDiscont)}
}

// A Segment is one closed HLS media segment: a run of consecutive frames.
type Segment struct {
	// Sequence is the segment's media sequence number: 0 for the first
	// segment an Accumulator closes, then 1, 2, ...
	Sequence int
	// Start is the PTS of the segment's first frame.
	Start time.Duration
	// Duration is how long the segment lasts; see Accumulator.
	Duration time.Duration
	// Frames is the number of frames in the segment.
	Frames int
	// Bytes is the sum of the frames' sizes.
	Bytes int
	// Discont is true if any of the segment's frames had Discont.
	Discont bool
}

// An Accumulator collects frames into segments of Target duration, the
// segmenting rule of gstmini's HLSSegmenter (and of hlssink2, which splits at
// the first keyframe at or after the target; every frame here is a
// keyframe). The zero value with Target set is ready to use; Target must be
// > 0.
//
// A segment starts at its first frame's PTS, start, and is closed by the
// first frame that reaches the target:
//
//	frame.PTS >= start + Target
//
// That frame is not part of the closed segment: it opens the next one.
// Worked example: at 30 fps with a 6 s target, frames 0..179 (PTS 0 to
// 5.967 s) make segment 0 and frame 180 (PTS 6.000 s) closes it: 180 frames.
// At 60 fps with a 2 s target a segment has 120 frames.
//
// A closed segment lasts
//
//	last.PTS + last.Duration - start   if its last frame has a Duration
//	next.PTS - start                   otherwise, next being the closing frame
//
// and Flush, at EOS, closes the partial segment the same way; without a
// closing frame and without durations it extrapolates the last frame from
// the spacing of the others: (last.PTS - start) * n / (n-1) for n > 1 frames,
// and ClockTimeNone for a single frame.
type Accumulator struct {
	// Target is the duration a segment should last (hlssink2's
	// "target-duration").
	Target time.Duration

	frames  int           // frames in the open segment
	bytes   int           // their sizes
	discont bool          // one of them had Discont
	start   time.Duration // PTS of its first frame
	last    Frame         // its last frame
	nextSeq int           // Sequence of the next segment to close
}

// Add adds frame f, whose PTS must be set and not below the previous
// frame's. If f reaches the target it first closes the open segment and
// returns it with closed true; f then opens the next segment. Otherwise it
// returns closed false.
//
// Worked example, Target 1 s, frames of 100 ms at PTS 0, 100 ms, ... 900 ms:
// every Add returns closed false. The frame at 1 s returns {Sequence 0,
// Start 0, Duration 1s, Frames 10} and opens segment 1 at 1 s.
func (a *Accumulator) Add(f Frame) (seg Segment, closed bool) {
	if a.frames > 0 && f.PTS-a.start >= a.Target {
		seg, closed = a.close(f.PTS), true
	}
	if a.frames == 0 {
		a.start = f.PTS
	}
	a.frames++
	a.bytes += f.Size
	a.discont = a.discont || f.Discont
	a.last = f
	return seg, closed
}

// Flush closes the open segment, at EOS, and returns it with ok true; with
// no frame pending it returns ok false.
//
// Worked example, Target 6 s, three frames without durations at PTS 0,
// 1 s and 2 s: Flush returns a segment of 3 frames lasting 3 s (the last
// frame is taken to last as long as the spacing of the others), and a
// second Flush returns ok false.
func (a *Accumulator) Flush() (seg Segment, ok bool) {
	if a.frames == 0 {
		return Segment{}, false
	}
	return a.close(gstmini.ClockTimeNone), true
}

// close turns the open segment into a Segment and empties it. next is the
// PTS of the frame that closes it, or ClockTimeNone at EOS.
func (a *Accumulator) close(next time.Duration) Segment {
	dur := gstmini.ClockTimeNone
	switch {
	case gstmini.IsValidTime(a.last.Duration):
		dur = a.last.PTS + a.last.Duration - a.start
	case gstmini.IsValidTime(next):
		dur = next - a.start
	case a.frames > 1:
		dur = (a.last.PTS - a.start) * time.Duration(a.frames) / time.Duration(a.frames-1)
	}
	seg := Segment{Sequence: a.nextSeq + 1, Start: a.start, Duration: dur,
		Frames: a.frames, Bytes: a.bytes, Discont: a.discont}
	a.nextSeq++
	a.frames, a.bytes, a.discont = 0, 0, false
	return seg
}
