package gstmini_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
)

// logSink is a BaseSink (sync off unless a test turns it on) that logs
// every event and buffer it handles as one readable line, and signals each
// new line.
type logSink struct {
	gstmini.BaseSink
	mu       sync.Mutex
	log      []string
	segments []*gstmini.Segment
	seqnums  map[string]uint32
	changed  chan struct{}
}

func newLogSink(name string) *logSink {
	k := &logSink{seqnums: map[string]uint32{}, changed: make(chan struct{}, 1)}
	k.InitBaseSink(k, name, gstmini.BaseSinkHooks{
		Render: func(buf *gstmini.Buffer) gstmini.FlowReturn {
			line := "buffer " + gstmini.TimeString(buf.PTS)
			if buf.Flags&gstmini.BufferFlagDiscont != 0 {
				line += " discont"
			}
			k.add(line, 0, nil)
			return gstmini.FlowOK
		},
		Event: func(ev *gstmini.Event) {
			switch ev.Type() {
			case gstmini.EventSegment:
				seg := ev.Segment()
				k.add(fmt.Sprintf("segment rate=%g start=%s stop=%s base=%s", seg.Rate,
					gstmini.TimeString(seg.Start), gstmini.TimeString(seg.Stop), gstmini.TimeString(seg.Base)), ev.Seqnum(), seg)
			case gstmini.EventStreamStart, gstmini.EventCaps:
				k.add(ev.Type().String(), ev.Seqnum(), nil)
			default:
				k.add(ev.String(), ev.Seqnum(), nil)
			}
		},
	})
	if err := k.SetProperty("sync", false); err != nil {
		panic(err)
	}
	return k
}

func (k *logSink) add(line string, seqnum uint32, seg *gstmini.Segment) {
	k.mu.Lock()
	k.log = append(k.log, line)
	if seqnum != 0 {
		k.seqnums[line] = seqnum
	}
	if seg != nil {
		k.segments = append(k.segments, seg)
	}
	k.mu.Unlock()
	select {
	case k.changed <- struct{}{}:
	default: // a wake-up is pending already
	}
}

func (k *logSink) Log() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.log)
}

func (k *logSink) Seqnum(line string) uint32 {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.seqnums[line]
}

func (k *logSink) Segments() []*gstmini.Segment {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.segments)
}

// waitFor waits until cond holds for the log, failing after 2 s.
func (k *logSink) waitFor(t *testing.T, what string, cond func(log []string) bool) {
	t.Helper()
	deadline := time.After(2 * s)
	for !cond(k.Log()) {
		select {
		case <-k.changed:
		case <-deadline:
			t.Fatalf("timed out waiting for %s; the sink saw %q", what, k.Log())
		}
	}
}

func count(log []string, prefix string) int {
	n := 0
	for _, l := range log {
		if len(l) >= len(prefix) && l[:len(prefix)] == prefix {
			n++
		}
	}
	return n
}

// reverseSrc is a non-live TIME source of 100 ms buffers over a 1 s media
// that can play both ways: forwards, the buffer starts at the segment's
// position, and the media ends at 1 s; backwards, it ends there.
type reverseSrc struct {
	gstmini.BaseSrc
}

func newReverseSrc(name string) *reverseSrc {
	k := &reverseSrc{}
	k.InitBaseSrc(k, name, gstmini.BaseSrcHooks{Create: func(uint64, int) (*gstmini.Buffer, gstmini.FlowReturn) {
		seg := k.Segment()
		if seg.Rate < 0 {
			pts := max(seg.Position-100*ms, seg.Start)
			return gstmini.NewBufferWithPTS(pts, seg.Position-pts), gstmini.FlowOK
		}
		if seg.Position >= seg.Duration {
			return nil, gstmini.FlowEOS
		}
		return gstmini.NewBufferWithPTS(seg.Position, 100*ms), gstmini.FlowOK
	}})
	k.SetDuration(time.Second)
	return k
}

// startPipeline links src ! sink in a pipeline and takes it to state,
// waiting for the sink to preroll.
func startPipeline(t *testing.T, src, sink gstmini.Element, state gstmini.State) *gstmini.Pipeline {
	t.Helper()
	p := gstmini.NewPipeline("p")
	require.NoError(t, p.Add(src, sink))
	require.NoError(t, src.Base().SrcPads()[0].Link(sink.Base().SinkPads()[0]))
	t.Cleanup(func() { p.Stop() })
	setStateAndWait(t, p, state)
	return p
}

func setStateAndWait(t *testing.T, p *gstmini.Pipeline, state gstmini.State) {
	t.Helper()
	p.SetState(state)
	ctx, cancel := context.WithTimeout(context.Background(), 2*s)
	defer cancel()
	_, got, _, err := p.GetState(ctx)
	require.NoError(t, err)
	require.Equal(t, state, got)
}

func popWithin(t *testing.T, p *gstmini.Pipeline, types gstmini.MessageType) *gstmini.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*s)
	defer cancel()
	m, err := p.Bus().PopFiltered(ctx, types)
	require.NoError(t, err, "waiting for a %s message", types)
	return m
}

// TestBaseSrcSeekEventsRateUpdate ports basesrc_seek_events_rate_update
// (tests/check/libs/basesrc.c:526 at 1.22.0): a seek that changes only the
// rate, without a flush, reaches the running source through the sink and
// makes it send a new segment with that rate.
func TestBaseSrcSeekEventsRateUpdate(t *testing.T) {
	src := elements.NewFakeSrc("src")
	sink := newLogSink("sink")
	p := startPipeline(t, src, sink, gstmini.StatePlaying)
	sink.waitFor(t, "the first segment", func(l []string) bool { return count(l, "segment") == 1 })

	require.True(t, p.Seek(0.5, gstmini.FormatBytes, gstmini.SeekFlagNone,
		gstmini.SeekTypeNone, gstmini.ClockTimeNone, gstmini.SeekTypeNone, gstmini.ClockTimeNone), "the rate seek succeeds")
	sink.waitFor(t, "the updated segment", func(l []string) bool { return count(l, "segment") == 2 })
	require.True(t, p.SendEOS())
	m := popWithin(t, p, gstmini.MessageEOS|gstmini.MessageError)
	require.Equal(t, gstmini.MessageEOS, m.Type, "the pipeline ends with EOS, not %s", m)

	segs := sink.Segments()
	assert.Equal(t, 0.5, segs[1].Rate, "the segment after the seek carries the new rate")
	assert.Equal(t, 1.0, segs[0].Rate)
}

// TestBaseSrcSeekBeforeStartIsPerformedOnStart ports the first half of
// basesrc_seek_on_last_buffer (tests/check/libs/basesrc.c:665): a seek
// sent to a source in READY is kept and performed when it starts, so the
// first segment is the seek's ([0, 1) bytes: one buffer, then EOS). The
// other half seeks from the streaming thread inside a pad probe, which
// relies on GStreamer's recursive stream lock; gstmini's is not recursive
// (streamlock.go), and the loop's "a new segment is pending: no EOS" rule
// is kept for fidelity only.
func TestBaseSrcSeekBeforeStartIsPerformedOnStart(t *testing.T) {
	src := elements.NewFakeSrc("src")
	require.NoError(t, src.SetProperty("sizetype", "fixed"))
	sink := newLogSink("sink")
	p := gstmini.NewPipeline("p")
	require.NoError(t, p.Add(src, sink))
	require.NoError(t, src.SrcPad().Link(sink.SinkPad()))
	t.Cleanup(func() { p.Stop() })
	p.SetState(gstmini.StateReady)
	require.True(t, src.SendEvent(gstmini.NewSeekEvent(1, gstmini.FormatBytes, gstmini.SeekFlagNone,
		gstmini.SeekTypeSet, 0, gstmini.SeekTypeSet, 1)), "a seek in READY is accepted (and kept)")
	p.SetState(gstmini.StatePlaying)
	m := popWithin(t, p, gstmini.MessageEOS|gstmini.MessageError)
	require.Equal(t, gstmini.MessageEOS, m.Type)
	log := sink.Log()
	assert.Equal(t, "stream-start", log[0])
	require.Len(t, sink.Segments(), 1, "events: %q", log)
	assert.Equal(t, time.Duration(1), sink.Segments()[0].Stop, "the first segment is the seek's")
	assert.Equal(t, 1, count(log, "buffer"), "one buffer of the 1-byte segment: %q", log)
	assert.Equal(t, "eos", log[len(log)-1])
}

// TestBaseSrcFlushingSeekFlushesAndSendsASegmentWithTheSeeksSeqnum: a
// flushing seek pushes FLUSH_START and FLUSH_STOP (reset-time) downstream,
// then a segment from the seek position with base 0, then a DISCONT
// buffer; all three events carry the seek's seqnum (gst_base_src_perform_seek,
// gstbasesrc.c:1679). Seeking in PAUSED, the flush wakes the sink from its
// preroll wait, and the sink prerolls again on the seek's first buffer.
func TestBaseSrcFlushingSeekFlushesAndSendsASegmentWithTheSeeksSeqnum(t *testing.T) {
	src := newReverseSrc("src")
	sink := newLogSink("sink")
	p := startPipeline(t, src, sink, gstmini.StatePaused)

	seek := gstmini.NewSeekEvent(1, gstmini.FormatTime, gstmini.SeekFlagFlush,
		gstmini.SeekTypeSet, 500*ms, gstmini.SeekTypeNone, gstmini.ClockTimeNone)
	require.True(t, sink.SendEvent(seek))
	setStateAndWait(t, p, gstmini.StatePlaying)
	popWithin(t, p, gstmini.MessageEOS)
	log := sink.Log()
	i := slices.Index(log, "flush-start")
	require.GreaterOrEqual(t, i, 0, "a flushing seek sends flush-start downstream: %q", log)
	const newSeg = "segment rate=1 start=0:00:00.500000000 stop=99:99:99.999999999 base=0:00:00.000000000"
	want := []string{"flush-start", "flush-stop: reset-time true", newSeg, "buffer 0:00:00.500000000 discont", "buffer 0:00:00.600000000"}
	assert.Equal(t, want, log[i:i+5], "after the seek")
	for _, line := range want[:3] {
		assert.Equal(t, seek.Seqnum(), sink.Seqnum(line), "%s carries the seek's seqnum", line)
	}
	assert.Equal(t, seek.Seqnum(), sink.Seqnum("eos"), "so does EOS")
	assert.Equal(t, "buffer 0:00:00.900000000", log[len(log)-2], "the stream plays to its duration")
}

// TestBaseSrcReverseSeekPlaysBackwardsAndEndsAtTheStart: with rate -1 the
// segment's position starts at the stop and goes down; every buffer is
// DISCONT, and the stream ends when the position reaches the start
// (gst_base_src_loop, gstbasesrc.c:2996).
func TestBaseSrcReverseSeekPlaysBackwardsAndEndsAtTheStart(t *testing.T) {
	src := newReverseSrc("src")
	sink := newLogSink("sink")
	p := startPipeline(t, src, sink, gstmini.StatePaused)
	require.True(t, p.Seek(-1, gstmini.FormatTime, gstmini.SeekFlagFlush,
		gstmini.SeekTypeSet, 200*ms, gstmini.SeekTypeSet, 500*ms))
	setStateAndWait(t, p, gstmini.StatePlaying)
	popWithin(t, p, gstmini.MessageEOS)
	log := sink.Log()
	i := slices.Index(log, "flush-stop: reset-time true")
	require.GreaterOrEqual(t, i, 0, "%q", log)
	want := []string{
		"segment rate=-1 start=0:00:00.200000000 stop=0:00:00.500000000 base=0:00:00.000000000",
		"buffer 0:00:00.400000000 discont", "buffer 0:00:00.300000000 discont", "buffer 0:00:00.200000000 discont", "eos",
	}
	assert.Equal(t, want, log[i+1:], "reverse playback")
}

// TestBaseSrcSegmentSeekEndsWithSegmentDone: a segment seek ends with a
// segment-done event downstream and a SEGMENT_DONE message that the
// pipeline posts once its only source is done, instead of EOS; a
// non-flushing segment seek back to the start then plays the segment
// again with running time going on (gstbasesrc.c:3104, gstbin.c:3775).
func TestBaseSrcSegmentSeekEndsWithSegmentDone(t *testing.T) {
	src := newReverseSrc("src")
	sink := newLogSink("sink")
	p := startPipeline(t, src, sink, gstmini.StatePaused)
	require.True(t, p.Seek(1, gstmini.FormatTime, gstmini.SeekFlagFlush|gstmini.SeekFlagSegment,
		gstmini.SeekTypeSet, 0, gstmini.SeekTypeSet, 300*ms))
	setStateAndWait(t, p, gstmini.StatePlaying)
	m := popWithin(t, p, gstmini.MessageSegmentDone|gstmini.MessageEOS|gstmini.MessageError)
	require.Equal(t, gstmini.MessageSegmentDone, m.Type, "a segment seek ends with SEGMENT_DONE, not %s", m)
	assert.Equal(t, gstmini.Element(p), m.Src, "the pipeline posts it once every source has finished its segment")
	assert.Equal(t, 300*ms, m.Position)
	sink.waitFor(t, "the segment-done event", func(l []string) bool { return slices.Contains(l, "segment-done: time 0:00:00.300000000") })

	require.True(t, p.Seek(1, gstmini.FormatTime, gstmini.SeekFlagSegment,
		gstmini.SeekTypeSet, 0, gstmini.SeekTypeSet, 300*ms), "loop: seek to the start again, without a flush")
	m = popWithin(t, p, gstmini.MessageSegmentDone|gstmini.MessageEOS|gstmini.MessageError)
	require.Equal(t, gstmini.MessageSegmentDone, m.Type)
	segs := sink.Segments()
	last := segs[len(segs)-1]
	assert.Equal(t, 300*ms, last.Base, "the second pass starts at the running time where the first ended")
	assert.NotContains(t, sink.Log(), "eos")
	for _, msg := range p.Bus().Messages() {
		assert.NotEqual(t, gstmini.MessageSegmentStart, msg.Type, "SEGMENT_START stays inside the pipeline")
	}
}

// TestBinAnswersPositionAndDurationWithTheLargestSinkAnswer:
// gst_bin_query's folds (gstbin.c:4058, :4102): the largest duration and
// position among the sinks; one sink with an unknown duration makes the
// pipeline's unknown.
func TestBinAnswersPositionAndDurationWithTheLargestSinkAnswer(t *testing.T) {
	p := gstmini.NewPipeline("p")
	a, b := newReverseSrc("a"), newReverseSrc("b")
	b.SetDuration(2 * s)
	ka, kb := newLogSink("ka"), newLogSink("kb")
	require.NoError(t, p.Add(a, b, ka, kb))
	require.NoError(t, a.SrcPad().Link(ka.SinkPad()))
	require.NoError(t, b.SrcPad().Link(kb.SinkPad()))
	t.Cleanup(func() { p.Stop() })
	// Each source plays a different segment, so their positions differ.
	require.True(t, a.SendEvent(gstmini.NewSeekEvent(1, gstmini.FormatTime, gstmini.SeekFlagNone, gstmini.SeekTypeSet, 0, gstmini.SeekTypeSet, 300*ms)))
	require.True(t, b.SendEvent(gstmini.NewSeekEvent(1, gstmini.FormatTime, gstmini.SeekFlagNone, gstmini.SeekTypeSet, 0, gstmini.SeekTypeSet, 700*ms)))
	p.SetState(gstmini.StatePlaying)
	popWithin(t, p, gstmini.MessageEOS)

	q := gstmini.NewDurationQuery(gstmini.FormatTime)
	require.True(t, p.Query(q))
	assert.Equal(t, 2*s, q.Value(), "the longest stream")
	q = gstmini.NewPositionQuery(gstmini.FormatTime)
	require.True(t, p.Query(q))
	assert.Equal(t, 700*ms, q.Value(), "the furthest position")
	q = gstmini.NewPositionQuery(gstmini.FormatPercent)
	require.True(t, p.Query(q))
	assert.Equal(t, gstmini.PercentMax*35/100, q.Value(), "700 ms of 2 s")

	a.SetDuration(gstmini.ClockTimeNone)
	q = gstmini.NewDurationQuery(gstmini.FormatTime)
	require.True(t, p.Query(q))
	assert.Equal(t, gstmini.ClockTimeNone, q.Value(), "one unknown duration makes the pipeline's unknown")
	assert.False(t, p.Query(gstmini.NewDurationQuery(gstmini.FormatBytes)), "nobody answers in bytes")
}

// TestBaseSrcRefusesASeekInAnotherFormat: gstmini's BaseSrc has no
// prepare_seek_segment conversion; a seek in another format than the
// segment's is refused with a WARNING, before anything is flushed.
func TestBaseSrcRefusesASeekInAnotherFormat(t *testing.T) {
	src := newReverseSrc("src")
	sink := newLogSink("sink")
	p := startPipeline(t, src, sink, gstmini.StatePaused)
	assert.False(t, p.Seek(1, gstmini.FormatBytes, gstmini.SeekFlagFlush, gstmini.SeekTypeSet, 100, gstmini.SeekTypeNone, gstmini.ClockTimeNone))
	m := popWithin(t, p, gstmini.MessageWarning)
	assert.Contains(t, m.Err.Error(), "seek refused")
	assert.NotContains(t, sink.Log(), "flush-start", "nothing was flushed")
}
