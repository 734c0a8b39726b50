package buffering

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// The tests in this file run the reference elements of gstmini/elements
// in a gstcheck.Harness and compare what they do with the lesson's code.
// The harness stops the elements' goroutines when the test ends, whatever
// the lesson's code does.

// Step 1: the Accumulator against elements.HLSSegmenter.
func TestAccumulatorMatchesReferenceHLSSegmenter(t *testing.T) {
	for _, tc := range referenceSegmenterCases {
		t.Run(tc.description, func(t *testing.T) {
			want := referenceSegments(t, tc.target, tc.frames)
			got, _ := runAccumulator(tc.target, tc.frames, true)
			if !slices.Equal(got, want) {
				t.Errorf("Accumulator{Target: %v}: Add each of %d frames, then Flush; closed segments:\n%s\n"+
					"elements.HLSSegmenter pushed:\n%s\nhint: README: Step 1", tc.target, len(tc.frames), segsString(got), segsString(want))
			}
		})
	}
}

// referenceSegments pushes frames through an HLSSegmenter with the given
// target, then EOS, and returns the segment buffers it pushed, as Segments.
func referenceSegments(t *testing.T, target time.Duration, frames []Frame) []Segment {
	t.Helper()
	seg := elements.NewHLSSegmenter("segmenter")
	if err := seg.SetProperty("target-duration", target); err != nil {
		t.Fatalf("HLSSegmenter target-duration %v: %v", target, err)
	}
	h := gstcheck.New(t, seg)
	h.SetSrcCaps(gstmini.Caps{MediaType: "video/x-raw", Framerate: gstmini.Fraction{Num: 30, Den: 1}})
	for _, f := range frames {
		buf := gstmini.NewBuffer(f.Size)
		buf.PTS, buf.Duration = f.PTS, f.Duration
		if f.Discont {
			buf.Flags |= gstmini.BufferFlagDiscont
		}
		if ret := h.Push(buf); ret != gstmini.FlowOK {
			t.Fatalf("reference HLSSegmenter: Push(frame %s) = %v; want ok", ts(f.PTS), ret)
		}
	}
	if !h.PushEvent(gstmini.NewEOSEvent()) {
		t.Fatalf("reference HLSSegmenter refused EOS")
	}
	var segs []Segment
	for buf := h.TryPull(); buf != nil; buf = h.TryPull() {
		segs = append(segs, Segment{
			Sequence: buf.Meta[elements.MetaHLSSequence].(int),
			Start:    buf.PTS,
			Duration: buf.Duration,
			Frames:   buf.Meta[elements.MetaHLSFrameCount].(int),
			Bytes:    buf.Meta[elements.MetaHLSBytes].(int),
			Discont:  buf.HasFlags(gstmini.BufferFlagDiscont),
		})
		buf.Unref()
	}
	return segs
}

// Step 4: TimeLevel against elements.Queue's current-level-time.
func TestTimeLevelMatchesReferenceQueue(t *testing.T) {
	for _, tc := range referenceTimeLevelCases {
		t.Run(tc.description, func(t *testing.T) {
			n := max(len(tc.pts), len(tc.dts), len(tc.dur))
			bufs := func() []*gstmini.Buffer {
				out := make([]*gstmini.Buffer, n)
				for i := range out {
					b := gstmini.NewBuffer(100)
					if tc.pts != nil {
						b.PTS = tc.pts[i]
					}
					if tc.dts != nil {
						b.DTS = tc.dts[i]
					}
					if tc.dur != nil {
						b.Duration = tc.dur[i]
					}
					out[i] = b
				}
				return out
			}

			// The reference: the first buffer leaves the queue and is held
			// downstream; the others stay queued.
			r := newReferenceQueue(t, Level{}, LeakyNo, tc.segment.segment())
			for _, b := range bufs() {
				r.push(b)
			}
			_, _, want := r.q.CurrentLevel()

			sink, src := tc.segment.segment(), tc.segment.segment()
			mine := bufs()
			for _, b := range mine {
				ApplyBuffer(sink, b)
			}
			ApplyBuffer(src, mine[0])
			if got := TimeLevel(sink, src); got != want {
				t.Errorf("segment %s, %d buffers in (ApplyBuffer on sink), the first out (ApplyBuffer on src):\n"+
					"TimeLevel(sink position %s, src position %s) = %v; elements.Queue reports current-level-time %v\n"+
					"hint: README: Step 4", tc.segment, n, short(sink.Position), short(src.Position), got, want)
			}
		})
	}
}

// Steps 6 and 7: the leaky Queue against elements.Queue.
func TestLeakyQueueMatchesReferenceQueue(t *testing.T) {
	for _, tc := range referenceQueueCases {
		t.Run(tc.description, func(t *testing.T) {
			want := runReferenceQueue(t, tc.max, tc.leaky, tc.phases)
			got := runQueuePhases(NewQueue(tc.max, tc.leaky), tc.phases)
			if got.String() != want.String() {
				t.Errorf("pushes %v (downstream takes a buffer whenever it holds none and releases it between phases)\n"+
					"Queue (max-size %v, leaky %v):\n%s\nelements.Queue:\n%s\nhint: README: Steps 5-7",
					tc.phases, tc.max, tc.leaky, got, want)
			}
		})
	}
}

// queueRun is what a queue did with the pushes of referenceQueueCases.
type queueRun struct {
	out     []string // the buffers downstream received, in order ("5 discont")
	dropped int      // buffers dropped
	level   Level    // the level after the last push, downstream holding one buffer
}

func (r queueRun) String() string {
	return fmt.Sprintf("  out:     %v\n  dropped: %d\n  level after the last push: %v", r.out, r.dropped, r.level)
}

// runQueuePhases plays phases on q as runReferenceQueue does on the
// reference: downstream holds at most one buffer, takes one whenever it
// holds none, and releases it between phases and at the end.
func runQueuePhases(q *Queue, phases [][]int) queueRun {
	var r queueRun
	var held *gstmini.Buffer
	take := func() {
		if held == nil {
			if b, ok := q.Pop(); ok && b != nil {
				held = b
			}
		}
	}
	release := func() {
		r.out = append(r.out, bufName(held)) // not unreffed: a buggy queue could hand out a buffer twice
		held = nil
		take()
	}
	for i, phase := range phases {
		if i > 0 && held != nil {
			release()
		}
		for _, n := range phase {
			dropped, blocked := q.Push(qbuf(n))
			if blocked {
				r.out = append(r.out, fmt.Sprintf("(push %d blocked)", n))
			}
			r.dropped += len(dropped)
			take()
		}
	}
	r.level = q.Level()
	for range 1000 { // bounded: a Pop that never runs dry must not hang the test
		if held == nil {
			break
		}
		release()
	}
	return r
}

// referenceQueue is an elements.Queue in a harness whose sink pad blocks
// each buffer it receives until the test pulls it: the queue's streaming
// goroutine is then parked holding that buffer, "downstream", and the
// queue's state only changes when the test pushes or pulls.
type referenceQueue struct {
	t    *testing.T
	h    *gstcheck.Harness
	q    *elements.Queue
	held bool // the streaming goroutine is parked in the harness with a buffer
}

func newReferenceQueue(t *testing.T, max Level, leaky Leaky, seg *gstmini.Segment) *referenceQueue {
	t.Helper()
	q := elements.NewQueue("queue")
	for _, p := range []struct {
		name  string
		value any
	}{
		{"max-size-buffers", max.Buffers}, {"max-size-bytes", max.Bytes},
		{"max-size-time", max.Time}, {"leaky", elements.Leaky(leaky)},
	} {
		if err := q.SetProperty(p.name, p.value); err != nil {
			t.Fatalf("reference queue: SetProperty(%q, %v): %v", p.name, p.value, err)
		}
	}
	h := gstcheck.New(t, q)
	h.SetBlockingPushMode()
	if !h.PushSegment(seg) {
		t.Fatalf("reference queue refused the segment")
	}
	return &referenceQueue{t: t, h: h, q: q}
}

// push pushes buf; if downstream held nothing, the streaming goroutine takes
// it (or an older one) and parks.
func (r *referenceQueue) push(buf *gstmini.Buffer) {
	r.t.Helper()
	if ret := r.h.Push(buf); ret != gstmini.FlowOK {
		r.t.Fatalf("reference queue: Push = %v; want ok", ret)
	}
	if !r.held {
		r.h.WaitForBlockedPush()
		r.held = true
	}
}

// release pulls the buffer downstream holds; if the queue has more, the
// streaming goroutine takes the next one and parks again.
func (r *referenceQueue) release() *gstmini.Buffer {
	r.t.Helper()
	queued, _, _ := r.q.CurrentLevel() // stable: the streaming goroutine is parked
	buf := r.h.Pull()
	r.held = queued > 0
	if r.held {
		r.h.WaitForBlockedPush()
	}
	return buf
}

func runReferenceQueue(t *testing.T, max Level, leaky Leaky, phases [][]int) queueRun {
	t.Helper()
	r := newReferenceQueue(t, max, leaky, gstmini.NewSegment())
	var run queueRun
	for i, phase := range phases {
		if i > 0 && r.held {
			b := r.release()
			run.out = append(run.out, bufName(b))
			b.Unref()
		}
		for _, n := range phase {
			r.push(qbuf(n))
		}
	}
	buffers, bytes, tm := r.q.CurrentLevel()
	run.level = Level{Buffers: buffers, Bytes: bytes, Time: tm}
	run.dropped = int(r.q.Dropped())
	for r.held {
		b := r.release()
		run.out = append(run.out, bufName(b))
		b.Unref()
	}
	return run
}
