package gstmini_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// tickSrc is a non-live TIME source: buffer n has PTS n×100 ms (or starts
// from the segment position after a seek) and lasts 100 ms.
type tickSrc struct {
	gstmini.BaseSrc
	mu   sync.Mutex
	next time.Duration
}

func newTickSrc(name string) *tickSrc {
	k := &tickSrc{}
	k.InitBaseSrc(k, name, gstmini.BaseSrcHooks{Create: func(uint64, int) (*gstmini.Buffer, gstmini.FlowReturn) {
		pos := k.position()
		return gstmini.NewBufferWithPTS(pos, 100*ms), gstmini.FlowOK
	}})
	return k
}

func (k *tickSrc) position() time.Duration {
	q := gstmini.NewPositionQuery(gstmini.FormatTime)
	if k.HandleQuery(q) && q.Value() >= 0 {
		return q.Value()
	}
	return 0
}

// TestPipelineFlushingSeekRestartsRunningTime: after a flushing seek to
// 5 s, the sink receives a segment starting at 5 s, the buffer at 5 s has
// running time 0 again, and the pipeline picks a new base time
// (gst_segment_do_seek with FLUSH sets base 0; the sinks post RESET_TIME).
func TestPipelineFlushingSeekRestartsRunningTime(t *testing.T) {
	clk := gstcheck.NewTestClock()
	p := gstmini.NewPipeline("p")
	p.UseClock(clk)
	src := newTickSrc("src")
	sink := newRenderSink("sink")
	require.NoError(t, p.Add(src, sink))
	require.NoError(t, src.SrcPad().Link(sink.SinkPad()))

	require.NoError(t, clk.SetTime(10*s))
	p.SetState(gstmini.StatePlaying)
	ctx, cancel := context.WithTimeout(context.Background(), 2*s)
	defer cancel()
	_, state, _, err := p.GetState(ctx)
	require.NoError(t, err)
	require.Equal(t, gstmini.StatePlaying, state)
	assert.Equal(t, 10*s, p.BaseTime())

	// Render the first buffers (0, 100 ms, 200 ms) at base + running time.
	for i := 0; i < 3; i++ {
		id := clk.WaitForNextPendingIDT(t)
		assert.Equal(t, 10*s+time.Duration(i)*100*ms, id.Time(), "buffer %d syncs at base_time + PTS", i)
		require.NoError(t, clk.SetTime(id.Time()))
		clk.ProcessID(id)
	}
	clk.WaitForNextPendingIDT(t) // the 4th buffer waits
	require.NoError(t, clk.SetTime(10*s+350*ms))

	seeked := make(chan bool, 1)
	go func() {
		seeked <- p.Seek(1.0, gstmini.FormatTime, gstmini.SeekFlagFlush, gstmini.SeekTypeSet, 5*s, gstmini.SeekTypeNone, gstmini.ClockTimeNone)
	}()
	assert.True(t, recvWithin(t, seeked, "the seek"), "the flushing seek succeeds")
	_, state, _, err = p.GetState(ctx)
	require.NoError(t, err, "the pipeline re-prerolls after the flush and returns to PLAYING")
	assert.Equal(t, gstmini.StatePlaying, state)

	id := clk.WaitForNextPendingIDT(t)
	seg := sink.Segment()
	assert.Equal(t, 5*s, seg.Start, "the new segment starts at the seek position")
	assert.Equal(t, time.Duration(0), seg.Base, "a flushing seek restarts running time at 0")
	assert.Equal(t, 10*s+350*ms, p.BaseTime(), "new base time: running time 0 is now")
	assert.Equal(t, p.BaseTime(), id.Time(), "the buffer at 5 s (running time 0) syncs at the new base time")
	clk.ProcessID(id)
	p.Stop()
}

func recvWithin[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(2 * s):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// TestPipelineNonFlushingSeekKeepsRunningTimeContinuous: a seek without
// FLUSH lets the data in flight finish, and the new segment's base is the
// running time the old segment reached, so running time goes on without a
// jump (gst_segment_do_seek: base = to_running_time(old position)).
//
// How far the old segment gets before the seek takes effect is a race, as in
// GStreamer (the source's loop keeps pushing until the seek gets its stream
// lock), so the seek goes to 5.05 s, off the old segment's 100 ms grid: a
// buffer on the grid is old data, one off it is new.
func TestPipelineNonFlushingSeekKeepsRunningTimeContinuous(t *testing.T) {
	clk := gstcheck.NewTestClock()
	p := gstmini.NewPipeline("p")
	p.UseClock(clk)
	src := newTickSrc("src")
	sink := newRenderSink("sink")
	require.NoError(t, p.Add(src, sink))
	require.NoError(t, src.SrcPad().Link(sink.SinkPad()))
	p.SetState(gstmini.StatePlaying)
	ctx, cancel := context.WithTimeout(context.Background(), 2*s)
	defer cancel()
	_, _, _, err := p.GetState(ctx)
	require.NoError(t, err)

	for i := 0; i < 2; i++ { // render 0 and 100 ms
		id := clk.WaitForNextPendingIDT(t)
		require.NoError(t, clk.SetTime(id.Time()))
		clk.ProcessID(id)
	}
	// The buffer at 200 ms is in flight, waiting in the sink, when the seek
	// comes; without a flush it still renders, and the seek waits for it.
	id := clk.WaitForNextPendingIDT(t)
	assert.Equal(t, 200*ms, id.Time())
	const target = 5*s + 50*ms
	seeked := make(chan bool, 1)
	go func() {
		seeked <- p.Seek(1.0, gstmini.FormatTime, gstmini.SeekFlagNone, gstmini.SeekTypeSet, target, gstmini.SeekTypeNone, gstmini.ClockTimeNone)
	}()
	require.NoError(t, clk.SetTime(id.Time()))
	clk.ProcessID(id)
	// The source may already have the next buffer waiting: keep the clock
	// running, as a real one would, until the seek has taken effect.
	assert.True(t, driveUntil(t, clk, seeked), "the seek succeeds")

	// Play on until the first buffer of the new segment has rendered.
	rendered := sink.WhenRendered(target)
	driveUntil(t, clk, rendered)
	seg := sink.Segment()
	assert.Equal(t, target, seg.Start)
	var lastOld time.Duration
	for _, pts := range sink.Rendered() {
		if pts%(100*ms) == 0 { // on the old segment's grid
			lastOld = max(lastOld, pts)
		}
	}
	assert.Equal(t, lastOld+100*ms, seg.Base,
		"the new segment's base is the running time where the old data ended (how far the source got is a race, as in GStreamer)")
	at, _ := sink.RenderedAt(target)
	assert.Equal(t, seg.Base, at, "the first new buffer renders at that running time: no jump")
	p.Stop()
}

// driveUntil plays the clock, releasing each pending wait at its time,
// until ch delivers.
func driveUntil[T any](t *testing.T, clk *gstcheck.TestClock, ch <-chan T) T {
	t.Helper()
	deadline := time.After(2 * s)
	for {
		select {
		case v := <-ch:
			return v
		case <-deadline:
			t.Fatal("timed out driving the clock")
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*ms)
		id, err := clk.WaitForNextPendingID(ctx)
		cancel()
		if err == nil {
			require.NoError(t, clk.SetTime(max(clk.Time(), id.Time())))
			clk.ProcessID(id)
		}
	}
}
