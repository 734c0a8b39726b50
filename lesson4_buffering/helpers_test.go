package buffering

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

const (
	ms   = time.Millisecond
	sec  = time.Second
	none = gstmini.ClockTimeNone
)

// slot returns the PTS of frame n of a camera at fps frames per second, as
// gstmini's LiveSource stamps it: n * 1 s / fps, rounded down to the
// nanosecond (30 fps: 0, 33333333, 66666666, 100000000, ...).
func slot(n, fps int) time.Duration {
	return time.Duration(int64(n) * int64(sec) / int64(fps))
}

// cameraFrames returns frames first..first+n-1 of a fps camera, with
// LiveSource's durations (slot(n+1) - slot(n)) and 1024 bytes each.
func cameraFrames(fps, first, n int) []Frame {
	out := make([]Frame, n)
	for i := range out {
		k := first + i
		out[i] = Frame{PTS: slot(k, fps), Duration: slot(k+1, fps) - slot(k, fps), Size: 1024}
	}
	return out
}

// withDiscont returns frames with Discont set on the frames at the given
// indexes.
func withDiscont(frames []Frame, idx ...int) []Frame {
	out := append([]Frame(nil), frames...)
	for _, i := range idx {
		out[i].Discont = true
	}
	return out
}

// at returns a frame at pts lasting dur (none for no duration), of 100 bytes.
func at(pts, dur time.Duration) Frame { return Frame{PTS: pts, Duration: dur, Size: 100} }

// ts formats a time as GStreamer's debug log does, "0:00:06.000000000", or
// "none".
func ts(t time.Duration) string {
	if t == none {
		return "none"
	}
	return gstmini.TimeString(t)
}

// segString formats a segment on one line, for failure messages.
func segString(s Segment) string {
	return fmt.Sprintf("{seq %d, start %s, duration %s, %d frames, %d bytes, discont %t}",
		s.Sequence, ts(s.Start), ts(s.Duration), s.Frames, s.Bytes, s.Discont)
}

func segsString(segs []Segment) string {
	if len(segs) == 0 {
		return "  (none)"
	}
	var b strings.Builder
	for _, s := range segs {
		b.WriteString("  " + segString(s) + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// runAccumulator adds frames to a fresh Accumulator with target, then
// flushes it if flush is set. It returns the closed segments and, for each,
// the index of the frame whose Add returned it (len(frames) for Flush).
func runAccumulator(target time.Duration, frames []Frame, flush bool) (segs []Segment, closedAt []int) {
	a := &Accumulator{Target: target}
	for i, f := range frames {
		if seg, closed := a.Add(f); closed {
			segs = append(segs, seg)
			closedAt = append(closedAt, i)
		}
	}
	if flush {
		if seg, ok := a.Flush(); ok {
			segs = append(segs, seg)
			closedAt = append(closedAt, len(frames))
		}
	}
	return segs, closedAt
}

// qbuf returns test buffer n of the queue tests: PTS n*100ms, duration
// 100ms, 100 bytes. The queue transcripts name buffers by n.
func qbuf(n int) *gstmini.Buffer {
	b := gstmini.NewBufferWithPTS(time.Duration(n)*100*ms, 100*ms)
	b.Data = make([]byte, 100)
	return b
}

// bufName names a queue test buffer by its number (PTS / 100ms), with
// " discont" if it carries DISCONT.
func bufName(b *gstmini.Buffer) string {
	if b == nil {
		return "<nil buffer>"
	}
	name := fmt.Sprint(int(b.PTS / (100 * ms)))
	if b.HasFlags(gstmini.BufferFlagDiscont) {
		name += " discont"
	}
	return name
}

// runQueueScript plays script on q and returns the transcript: one line
// per step. Steps are "push N" (qbuf(N)) and "pop"; transcript lines are
//
//	push N: queued | push N: blocked | push N: dropped A B ... (A B: the
//	buffers Push returned, queued or not)
//	pop N | pop N discont | pop: empty
//
// A buffer Push reports blocked for is handed back, as the caller keeps it.
func runQueueScript(q *Queue, script []string) []string {
	var out []string
	for _, step := range script {
		var n int
		switch {
		case step == "pop":
			buf, ok := q.Pop()
			switch {
			case !ok:
				out = append(out, "pop: empty")
			default:
				out = append(out, "pop "+bufName(buf))
			}
		case func() bool { _, err := fmt.Sscanf(step, "push %d", &n); return err == nil }():
			dropped, blocked := q.Push(qbuf(n))
			line := fmt.Sprintf("push %d: ", n)
			switch {
			case blocked:
				line += "blocked"
			case len(dropped) > 0:
				names := make([]string, len(dropped))
				for i, d := range dropped {
					names[i] = bufName(d)
				}
				line += "dropped " + strings.Join(names, " ")
			default:
				line += "queued"
			}
			out = append(out, line)
		default:
			panic("bad queue script step " + step) // a bug in the test tables
		}
	}
	return out
}

// pushes returns "push a" .. "push b".
func pushes(a, b int) []string {
	var s []string
	for n := a; n <= b; n++ {
		s = append(s, fmt.Sprintf("push %d", n))
	}
	return s
}

// script concatenates script parts.
func script(parts ...any) []string {
	var s []string
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			s = append(s, p)
		case []string:
			s = append(s, p...)
		}
	}
	return s
}

// lines formats a transcript for a failure message, one step a line.
func lines(s []string) string {
	if len(s) == 0 {
		return "    (nothing)"
	}
	return "    " + strings.Join(s, "\n    ")
}

// explainRace logs, when t fails under the race detector, what a data race
// reported in it means for this lesson; the race report itself only names
// the two accesses that collided.
func explainRace(t *testing.T, explanation string) {
	t.Cleanup(func() {
		if raceDetector && t.Failed() {
			t.Log("if the race detector reported a DATA RACE above: " + explanation)
		}
	})
}
