package seeking

import (
	"slices"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

const nonFlushHint = "without SeekFlagFlush: PauseTask (the buffer in flight plays out), then the stream lock, DoSeek on a copy " +
	"of the CURRENT segment (its Base becomes the running time reached), no flush events, UseSegment, StartTask (README: Step 3)"

// TestNonFlushingSeekKeepsRunningTimeGoing: the buffer in flight when the
// seek comes still renders, nothing is flushed, and the new segment's base
// is the running time where the old data ended: its first buffer renders
// right after the last old one, with the base time unchanged.
//
// How far the old segment gets before the seek takes effect is a race, as
// in GStreamer (the source may already be pushing the next buffer when the
// seek pauses its task), so the seek goes to 650 ms, off the clip's 100 ms
// grid: a buffer on the grid is old data, one off it is new.
func TestNonFlushingSeekKeepsRunningTimeGoing(t *testing.T) {
	r := newRig(t, synced)
	r.setState(t, gstmini.StatePlaying, "README: Step 1")
	base := r.p.BaseTime()
	r.release(t, r.nextWait(t, "the buffer at 0", "README: Step 1"))
	r.nextWait(t, "the buffer at 100ms", "README: Step 1")
	done := r.seekAsync(t, 1, gstmini.SeekFlagNone, 650*ms, none)
	r.waitTaskPaused(t, nonFlushHint)
	if !r.playUntilSeeked(t, done, nonFlushHint) {
		t.Fatalf("Pipeline.Seek(no flush, 650ms) = false; want true\nhint: %s", nonFlushHint)
	}
	r.playUntil(t, r.hasRendered(650*ms), "the seek's first buffer (650ms) rendered", nonFlushHint)

	if n := countOf(r.sink.Log(), "flush-start"); n != 0 {
		t.Errorf("the sink saw %d flush-starts; want none: this seek has no SeekFlagFlush\nhint: %s", n, nonFlushHint)
	}
	var lastOld time.Duration
	for _, b := range r.sink.Renders() {
		if b.pts%(100*ms) == 0 {
			lastOld = max(lastOld, b.pts+b.duration)
		}
	}
	segs := r.sink.Segments()
	seg := segs[len(segs)-1]
	if seg.Start != 650*ms || seg.Base != lastOld {
		t.Errorf("the new segment is %s; want start 650ms and base %s, the running time where the old data ended\nhint: %s",
			seg, lastOld, nonFlushHint)
	}
	if r.p.BaseTime() != base {
		t.Errorf("the base time moved from %s to %s; want it unchanged: only a flush resets running time\nhint: %s", base, r.p.BaseTime(), nonFlushHint)
	}
	for _, b := range r.sink.Renders() {
		if b.pts == 650*ms && b.runningTime != lastOld {
			t.Errorf("the buffer at 650ms has running time %s; want %s, right after the old data: no gap, no jump\nhint: %s", b.runningTime, lastOld, nonFlushHint)
		}
	}
}

const segmentDoneHint = "a segment seek (SeekFlagSegment) ends with EndOfSegment's segment-done, and the pipeline posts SEGMENT_DONE instead of EOS (README: Step 3)"

// TestSegmentSeekEndsWithSegmentDoneNotEOS: a flushing segment seek to
// [0, 300ms] plays three frames, then the source pushes segment-done and
// the pipeline posts SEGMENT_DONE; no EOS: the stream is not over.
func TestSegmentSeekEndsWithSegmentDoneNotEOS(t *testing.T) {
	r := newRig(t)
	r.setState(t, gstmini.StatePaused, "README: Step 1")
	if !r.seek(t, 1, gstmini.SeekFlagFlush|gstmini.SeekFlagSegment, 0, 300*ms, flushHint) {
		t.Fatalf("Pipeline.Seek(flush+segment, 0, 300ms) = false; want true\nhint: %s", flushHint)
	}
	r.setState(t, gstmini.StatePlaying, flushHint)
	m := r.pop(t, gstmini.MessageSegmentDone|gstmini.MessageEOS, "SEGMENT_DONE", segmentDoneHint)
	if m.Type != gstmini.MessageSegmentDone || m.Position != 300*ms {
		t.Fatalf("the pipeline posted %s (position %s); want segment-done at 300ms\nhint: %s", m.Type, short(m.Position), segmentDoneHint)
	}
	r.sink.waitFor(t, "the segment-done event", segmentDoneHint, func(l []string) bool { return slices.Contains(l, "segment-done 300ms") })
	if log := r.sink.Log(); slices.Contains(log, "eos") {
		t.Errorf("the sink saw eos: %q; want segment-done instead\nhint: %s", log, segmentDoneHint)
	}
}

const loopHint = "Loop: on SEGMENT_DONE, Seek(1, TIME, SeekFlagSegment — no flush, SET start, SET stop) (README: Step 3)"

// TestLoopPlaysTheSegmentAgainWithoutAGap: [100ms, 400ms] played three
// times with Loop on each SEGMENT_DONE: nine buffers whose running times go
// 0, 100, ..., 800 ms without a gap or a flush, and no EOS.
func TestLoopPlaysTheSegmentAgainWithoutAGap(t *testing.T) {
	r := newRig(t)
	r.setState(t, gstmini.StatePaused, "README: Step 1")
	if !r.seek(t, 1, gstmini.SeekFlagFlush|gstmini.SeekFlagSegment, 100*ms, 400*ms, flushHint) {
		t.Fatalf("Pipeline.Seek(flush+segment, 100ms, 400ms) = false; want true\nhint: %s", flushHint)
	}
	r.setState(t, gstmini.StatePlaying, flushHint)
	for pass := 1; pass <= 3; pass++ {
		m := r.pop(t, gstmini.MessageSegmentDone|gstmini.MessageEOS, "SEGMENT_DONE", segmentDoneHint)
		if m.Type != gstmini.MessageSegmentDone {
			t.Fatalf("pass %d ended with %s; want segment-done\nhint: %s", pass, m.Type, loopHint)
		}
		if pass == 1 {
			for _, other := range []*gstmini.Message{nil, gstmini.NewEOSMessage(r.p), gstmini.NewSegmentStartMessage(r.src, gstmini.FormatTime, 0)} {
				if Loop(r.p, other, 100*ms, 400*ms) {
					t.Errorf("Loop(%v) = true; want false: only SEGMENT_DONE asks for the next pass\nhint: %s", other, loopHint)
				}
			}
		}
		if pass < 3 {
			ok := make(chan bool, 1)
			go func() { ok <- Loop(r.p, m, 100*ms, 400*ms) }()
			if !recvSeek(t, ok, loopHint) {
				t.Fatalf("Loop(SEGMENT_DONE) = false after pass %d; want true (it seeked)\nhint: %s", pass, loopHint)
			}
		}
	}
	var got, rts []time.Duration
	for _, b := range r.sink.Renders() {
		got = append(got, b.pts)
		rts = append(rts, b.runningTime)
	}
	want := []time.Duration{100 * ms, 200 * ms, 300 * ms, 100 * ms, 200 * ms, 300 * ms, 100 * ms, 200 * ms, 300 * ms}
	wantRT := []time.Duration{0, 100 * ms, 200 * ms, 300 * ms, 400 * ms, 500 * ms, 600 * ms, 700 * ms, 800 * ms}
	if !slices.Equal(got, want) || !slices.Equal(rts, wantRT) {
		t.Errorf("rendered PTS %s at running times %s;\nwant PTS %s at running times %s\nhint: %s",
			shorts(got), shorts(rts), shorts(want), shorts(wantRT), loopHint)
	}
	if n := countOf(r.sink.Log(), "flush-start"); n != 1 {
		t.Errorf("the sink saw %d flush-starts; want 1 (the first seek's): a loop must not flush\nhint: %s", n, loopHint)
	}
}
