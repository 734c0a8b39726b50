package gstmini

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPadLinkChecksDirectionThenPeersThenHierarchy(t *testing.T) {
	a, b := NewPad("src", PadSrc), NewPad("sink", PadSink)
	newTestElement("a", a)
	newTestElement("b", b)

	err := b.Link(a)
	assert.ErrorIs(t, err, ErrWrongDirection, "a sink pad cannot be the source of a link")
	require.NoError(t, a.Link(b), "src -> sink of two unparented elements links")
	assert.Same(t, b, a.Peer())
	assert.Same(t, a, b.Peer())

	c := NewPad("sink", PadSink)
	newTestElement("c", c)
	err = a.Link(c)
	assert.ErrorIs(t, err, ErrWasLinked, "linking a pad twice is GST_PAD_LINK_WAS_LINKED")
	assert.Contains(t, err.Error(), "a:src", "the error names the pad")

	d, e := NewPad("src", PadSrc), NewPad("sink", PadSink)
	newTestElement("self", d, e)
	assert.ErrorIs(t, d.Link(e), ErrWrongHierarchy, "an element's pads never link to each other")

	bin := NewBin("bin")
	f, g := NewPad("src", PadSrc), NewPad("sink", PadSink)
	fe := newTestElement("f", f)
	newTestElement("g", g)
	require.NoError(t, bin.Add(fe))
	assert.ErrorIs(t, f.Link(g), ErrWrongHierarchy, "in-bin to unparented: no common parent")

	require.NoError(t, a.Unlink(b))
	assert.Nil(t, a.Peer())
	assert.ErrorIs(t, a.Unlink(b), ErrNotLinked)
}

func TestPadPushCallsPeerChainOnCallersGoroutineAndReturnsItsFlow(t *testing.T) {
	r := newRecorder("sink")
	src := linkedSource(t, r)
	require.True(t, src.PushEvent(NewStreamStartEvent("s")))
	require.True(t, src.PushEvent(NewSegmentEvent(NewSegment())))

	for _, want := range []FlowReturn{FlowOK, FlowEOS, FlowError, FlowNotNegotiated} {
		r.setReturn(want)
		got := src.Push(NewBufferWithPTS(time.Second, time.Second))
		assert.Equal(t, want, got, "Push returns what the peer's chain function returned: flow travels upstream")
	}
	assert.Equal(t, []string{"stream-start", "segment", "buffer pts=0:00:01.000000000",
		"buffer pts=0:00:01.000000000", "buffer pts=0:00:01.000000000", "buffer pts=0:00:01.000000000"}, r.Log(),
		"sticky events reach the peer first, then buffers, timestamps unchanged")
}

func TestPadPushBlocksUntilDownstreamChainReturns(t *testing.T) {
	r := newRecorder("sink")
	src := linkedSource(t, r)
	src.PushEvent(NewStreamStartEvent("s"))
	src.PushEvent(NewSegmentEvent(NewSegment()))
	release := r.holdChain()
	done := make(chan FlowReturn, 1)
	go func() { done <- src.Push(NewBufferWithPTS(0, time.Second)) }()
	r.waitEntered(t)
	select {
	case ret := <-done:
		t.Fatalf("Push returned %s while the downstream chain was still running: chain calls must block", ret)
	default:
	}
	release()
	assert.Equal(t, FlowOK, recv(t, done, "Push to return after release"))
}

func TestPadPushReturnsNotLinkedFlushingAndEOS(t *testing.T) {
	src := NewPad("src", PadSrc)
	newTestElement("src", src)
	assert.Equal(t, FlowFlushing, src.Push(NewBuffer(0)), "an inactive pad is flushing")
	src.SetActive(true)
	assert.Equal(t, FlowNotLinked, src.Push(NewBuffer(0)), "an active pad without peer")

	r := newRecorder("sink")
	require.NoError(t, src.Link(r.pad))
	assert.Equal(t, FlowFlushing, src.Push(NewBuffer(0)), "linked to an inactive sink pad")
	r.pad.SetActive(true)
	src.PushEvent(NewStreamStartEvent("s"))
	src.PushEvent(NewSegmentEvent(NewSegment()))
	require.Equal(t, FlowOK, src.Push(NewBuffer(0)))

	assert.True(t, src.PushEvent(NewEOSEvent()), "EOS delivered")
	assert.Equal(t, FlowEOS, src.Push(NewBuffer(0)), "after EOS the source pad refuses data")
	assert.True(t, r.pad.IsEOS(), "and so does its peer")
	assert.Equal(t, FlowEOS, r.pad.Chain(NewBuffer(0)))
	assert.False(t, src.PushEvent(NewSegmentEvent(NewSegment())), "a segment after EOS is refused")
	assert.True(t, src.PushEvent(NewStreamStartEvent("again")), "stream-start clears EOS")
	assert.False(t, r.pad.IsEOS())
}

func TestPadFlushStopRemovesSegmentAndEOSButKeepsStreamStart(t *testing.T) {
	r := newRecorder("sink")
	src := linkedSource(t, r)
	src.PushEvent(NewStreamStartEvent("s"))
	src.PushEvent(NewSegmentEvent(NewSegment()))
	src.PushEvent(NewEOSEvent())
	require.Len(t, r.pad.StickyEvents(), 3)

	require.True(t, src.PushEvent(NewFlushStartEvent()))
	assert.Equal(t, FlowFlushing, src.Push(NewBuffer(0)), "flushing refuses data")
	require.True(t, src.PushEvent(NewFlushStopEvent(true)))

	types := func(evs []*Event) (out []string) {
		for _, e := range evs {
			out = append(out, e.Type().String())
		}
		return out
	}
	assert.Equal(t, []string{"stream-start"}, types(src.StickyEvents()), "source pad after flush-stop")
	assert.Equal(t, []string{"stream-start"}, types(r.pad.StickyEvents()), "sink pad after flush-stop")
	assert.Equal(t, FlowOK, src.Push(NewBuffer(0)), "data flows again after flush-stop (with a warning: no segment)")
}

func TestPadDataBeforeSegmentPostsWarningNamingElementAndPad(t *testing.T) {
	r := newRecorder("sink")
	bus := NewBus()
	src := linkedSource(t, r)
	src.Parent().Base().SetBus(bus)
	src.PushEvent(NewStreamStartEvent("s"))
	assert.Equal(t, FlowOK, src.Push(NewBuffer(0)), "GStreamer warns but lets the data through")
	m := bus.Pop()
	require.NotNil(t, m, "a WARNING message is posted")
	assert.Equal(t, MessageWarning, m.Type)
	assert.Contains(t, m.Err.Error(), "src:src", "names element and pad")
	assert.Contains(t, m.Err.Error(), "before segment")
	assert.Nil(t, bus.Pop(), "warned once, not for every buffer")
	src.Push(NewBuffer(0))
	assert.Nil(t, bus.Pop(), "no new warning until the sticky events change")
}

func TestPadStickyEventsAreResentToANewPeerInOrder(t *testing.T) {
	src := NewPad("src", PadSrc)
	newTestElement("src", src)
	src.SetActive(true)
	// Stored while unlinked: NOT_LINKED is not an error for sticky events.
	assert.True(t, src.PushEvent(NewSegmentEvent(NewSegment())))
	assert.True(t, src.PushEvent(NewStreamStartEvent("s")), "stored even though out of order (with a warning)")
	r := newRecorder("sink")
	r.pad.SetActive(true)
	require.NoError(t, src.Link(r.pad))
	require.Equal(t, FlowOK, src.Push(NewBufferWithPTS(0, ClockTimeNone)))
	assert.Equal(t, []string{"stream-start", "segment", "buffer pts=0:00:00.000000000"}, r.Log(),
		"a new peer gets the sticky events in sticky order before the data")
}

func TestPadStreamLockSerialisesChainAndSerializedEvents(t *testing.T) {
	r := newRecorder("sink")
	src := linkedSource(t, r)
	src.PushEvent(NewStreamStartEvent("s"))
	src.PushEvent(NewSegmentEvent(NewSegment()))
	release := r.holdChain()
	pushed := make(chan FlowReturn, 1)
	go func() { pushed <- src.Push(NewBuffer(0)) }()
	r.waitEntered(t)

	evDone := make(chan bool, 1)
	go func() { evDone <- r.pad.SendEvent(NewCustomEvent(EventCustomDownstream, "marker", nil)) }()
	select {
	case <-evDone:
		t.Fatal("a serialized event ran while the chain function held the stream lock")
	default:
	}
	release()
	recv(t, pushed, "push")
	assert.True(t, recv(t, evDone, "serialized event after the chain"))
	log := r.Log()
	assert.Equal(t, "custom-downstream", log[len(log)-1], "the event ran after the buffer: serialized with data")
}

func TestPadFlushStartIsOutOfBandAndDoesNotWaitForTheStreamLock(t *testing.T) {
	r := newRecorder("sink")
	src := linkedSource(t, r)
	src.PushEvent(NewStreamStartEvent("s"))
	src.PushEvent(NewSegmentEvent(NewSegment()))
	release := r.holdChain()
	defer release()
	go src.Push(NewBuffer(0))
	r.waitEntered(t)
	done := make(chan bool, 1)
	go func() { done <- src.PushEvent(NewFlushStartEvent()) }()
	assert.True(t, recv(t, done, "flush-start while the chain is blocked"), "flush-start is not serialized")
	assert.True(t, r.pad.IsFlushing())
	release()
}

func TestPadTaskLoopsUntilPausedAndStopJoinsIt(t *testing.T) {
	p := NewPad("src", PadSrc)
	newTestElement("src", p)
	iterations := make(chan int, 100)
	n := 0
	p.StartTask(func(task *Task) {
		n++
		iterations <- n
		if n == 3 {
			task.Pause() // pausing from inside does not wait for itself
		}
	})
	for i := 1; i <= 3; i++ {
		assert.Equal(t, i, recv(t, iterations, "task iteration"))
	}
	// PauseTask from outside waits for the iteration to end by taking the stream lock.
	require.True(t, p.PauseTask())
	assert.Equal(t, TaskPaused, p.TaskState())
	assert.Len(t, iterations, 0, "a paused task does not iterate")
	p.StopTask()
	assert.Equal(t, TaskStopped, p.TaskState())
	assert.False(t, p.PauseTask(), "no task any more")
}

func TestPadTaskCanBeRestartedAfterItStoppedItself(t *testing.T) {
	p := NewPad("src", PadSrc)
	newTestElement("src", p)
	ran := make(chan struct{}, 10)
	p.StartTask(func(task *Task) { ran <- struct{}{}; task.Stop() })
	recv(t, ran, "first run")
	p.StopTask()
	p.StartTask(func(task *Task) { ran <- struct{}{}; task.Pause() })
	recv(t, ran, "second run")
	p.StopTask()
}

func TestPadDeactivationWaitsForStreamingAndDropsStickyEvents(t *testing.T) {
	r := newRecorder("sink")
	src := linkedSource(t, r)
	src.PushEvent(NewStreamStartEvent("s"))
	src.PushEvent(NewSegmentEvent(NewSegment()))
	release := r.holdChain()
	pushed := make(chan FlowReturn, 1)
	go func() { pushed <- src.Push(NewBuffer(0)) }()
	r.waitEntered(t)
	deactivated := make(chan bool, 1)
	go func() { deactivated <- r.pad.SetActive(false) }()
	select {
	case <-deactivated:
		t.Fatal("deactivation returned while the chain function was still running")
	default:
	}
	release()
	recv(t, pushed, "push")
	assert.True(t, recv(t, deactivated, "deactivation"))
	assert.Empty(t, r.pad.StickyEvents(), "an inactive pad forgets the stream")
	assert.Equal(t, FlowFlushing, src.Push(NewBuffer(0)))
}

func TestPadLatencyQueryDefaultCombinesPeers(t *testing.T) {
	up := NewPad("src", PadSrc)
	up.SetQueryFunc(func(_ *Pad, _ Element, q *Query) bool {
		q.SetLatency(true, 33*time.Millisecond, 100*time.Millisecond)
		return true
	})
	newTestElement("camera", up)
	in, out := NewPad("sink", PadSink), NewPad("src", PadSrc)
	newTestElement("identity", in, out)
	require.NoError(t, up.Link(in))
	q := NewLatencyQuery()
	require.True(t, out.Query(q))
	live, minL, maxL := q.Latency()
	assert.True(t, live)
	assert.Equal(t, 33*time.Millisecond, minL)
	assert.Equal(t, 100*time.Millisecond, maxL)
}

func TestFlowReturnNamesAreGStreamers(t *testing.T) {
	for ret, want := range map[FlowReturn]string{
		FlowOK: "ok", FlowNotLinked: "not-linked", FlowFlushing: "flushing", FlowEOS: "eos",
		FlowNotNegotiated: "not-negotiated", FlowError: "error", FlowNotSupported: "not-supported",
		FlowCustomSuccess: "custom-success", FlowCustomError: "custom-error",
	} {
		assert.Equal(t, want, ret.String())
	}
	assert.True(t, FlowNotLinked.IsFatal())
	assert.True(t, FlowError.IsFatal())
	assert.False(t, FlowEOS.IsFatal())
	assert.False(t, FlowFlushing.IsFatal())
}

func TestBufferMakeWritableCopiesOnlyWhenShared(t *testing.T) {
	b := NewBufferWithPTS(time.Second, time.Second)
	assert.Same(t, b, b.MakeWritable(), "sole owner: no copy")
	b.Ref()
	c := b.MakeWritable()
	require.NotSame(t, b, c, "shared: a copy")
	c.Flags |= BufferFlagDiscont
	assert.False(t, b.HasFlags(BufferFlagDiscont), "the other holder's buffer is unchanged")
	assert.Equal(t, 1, b.RefCount(), "MakeWritable dropped the caller's reference to the original")
	assert.Equal(t, time.Second, c.PTS)
}

func TestBufferPoolRecyclesReleasedBuffers(t *testing.T) {
	pool := NewBufferPool(64)
	b := pool.Acquire()
	assert.Equal(t, 64, b.Size())
	assert.Equal(t, ClockTimeNone, b.PTS)
	b.PTS = time.Second
	b.Unref()
	allocs := testing.AllocsPerRun(100, func() { pool.Acquire().Unref() })
	assert.Zero(t, allocs, "acquire/release from a warm pool allocates nothing")
}

func TestTimeStringMatchesGstTimeFormat(t *testing.T) {
	assert.Equal(t, "0:00:02.000000000", TimeString(2*time.Second))
	assert.Equal(t, "1:01:01.000000001", TimeString(time.Hour+time.Minute+time.Second+1))
	assert.Equal(t, "99:99:99.999999999", TimeString(ClockTimeNone))
	assert.Equal(t, "-0:00:00.500000000", TimeString(-500*time.Millisecond))
}

func TestStreamLockTryLockAndUnlockOfUnlockedPanics(t *testing.T) {
	l := NewStreamLock()
	assert.True(t, l.TryLock())
	assert.False(t, l.TryLock())
	l.Unlock()
	assert.Panics(t, func() { l.Unlock() })
}

func TestPadRelinkResendsOnlyEventsTheSinkLacks(t *testing.T) {
	r := newRecorder("sink")
	src := linkedSource(t, r)
	src.PushEvent(NewStreamStartEvent("s"))
	src.PushEvent(NewSegmentEvent(NewSegment()))
	require.Equal(t, FlowOK, src.Push(NewBuffer(0)))
	require.NoError(t, src.Unlink(r.pad))
	require.NoError(t, src.Link(r.pad))
	require.Equal(t, FlowOK, src.Push(NewBuffer(0)))
	assert.Equal(t, []string{"stream-start", "segment", "buffer pts=99:99:99.999999999", "buffer pts=99:99:99.999999999"}, r.Log(),
		"the sink still holds the same events: schedule_events sends nothing again")
}

func TestPadSerializedEventGoesOutEvenIfAStickyEventWasRefused(t *testing.T) {
	r := newRecorder("sink")
	src := linkedSource(t, r)
	r.pad.SetEventFunc(func(_ *Pad, _ Element, ev *Event) bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.log = append(r.log, ev.Type().String())
		return ev.Type() != EventSegment // the sink refuses segments
	})
	src.PushEvent(NewStreamStartEvent("s"))
	assert.True(t, src.PushEvent(NewSegmentEvent(NewSegment())), "a refused sticky event is not an error of the push")
	assert.True(t, src.PushEvent(NewCustomEvent(EventCustomDownstream, "marker", nil)),
		"the serialized event is still delivered (gst_pad_push_event_unchecked ignores the sticky resend result)")
	log := r.Log()
	assert.Equal(t, "custom-downstream", log[len(log)-1])
}

// Once a buffer has passed, Push and chain take a lock-free path (a snapshot
// of the pad's state). Every change that makes gst_pad_push_data or
// gst_pad_chain_data_unchecked act differently must end that path at once.
func TestPadPushAfterTheFirstBufferSeesEveryStateChange(t *testing.T) {
	pts := NewBufferWithPTS
	cases := []struct {
		name   string
		change func(t *testing.T, src *Pad, r *recorder)
		want   FlowReturn
		log    []string // what the recorder saw after the first buffer
	}{
		{"flush-start on the source pad", func(t *testing.T, src *Pad, _ *recorder) {
			require.True(t, src.PushEvent(NewFlushStartEvent()))
		}, FlowFlushing, []string{"flush-start"}},
		{"flush-start sent to the sink pad", func(t *testing.T, _ *Pad, r *recorder) {
			require.True(t, r.pad.SendEvent(NewFlushStartEvent()))
		}, FlowFlushing, []string{"flush-start"}},
		{"sink pad set flushing", func(_ *testing.T, _ *Pad, r *recorder) { r.pad.SetFlushing(true) }, FlowFlushing, nil},
		{"sink pad deactivated", func(_ *testing.T, _ *Pad, r *recorder) { r.pad.SetActive(false) }, FlowFlushing, nil},
		{"source pad deactivated", func(_ *testing.T, src *Pad, _ *recorder) { src.SetActive(false) }, FlowFlushing, nil},
		{"EOS pushed", func(t *testing.T, src *Pad, _ *recorder) {
			require.True(t, src.PushEvent(NewEOSEvent()))
		}, FlowEOS, []string{"eos"}},
		{"EOS sent to the sink pad only", func(t *testing.T, _ *Pad, r *recorder) {
			require.True(t, r.pad.SendEvent(NewEOSEvent()))
		}, FlowEOS, []string{"eos"}},
		{"unlinked", func(t *testing.T, src *Pad, r *recorder) {
			require.NoError(t, src.Unlink(r.pad))
		}, FlowNotLinked, nil},
		{"a new segment stored", func(t *testing.T, src *Pad, _ *recorder) {
			require.Equal(t, FlowOK, src.StoreStickyEvent(NewSegmentEvent(NewSegment())))
		}, FlowOK, []string{"segment", "buffer pts=0:00:02.000000000"}},
		{"the chain function replaced", func(_ *testing.T, _ *Pad, r *recorder) {
			r.pad.SetChainFunc(func(_ *Pad, _ Element, buf *Buffer) FlowReturn { buf.Unref(); return FlowCustomSuccess })
		}, FlowCustomSuccess, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRecorder("sink")
			src := linkedSource(t, r)
			require.True(t, src.PushEvent(NewStreamStartEvent("s")))
			require.True(t, src.PushEvent(NewSegmentEvent(NewSegment())))
			require.Equal(t, FlowOK, src.Push(pts(time.Second, 0)), "the first buffer passes")
			before := len(r.Log())

			tc.change(t, src, r)
			got := src.Push(pts(2*time.Second, 0))
			assert.Equal(t, tc.want, got, "Push after %s: the pad's state changed, so must the result", tc.name)
			assert.Equal(t, tc.want, src.LastFlowReturn(), "the last flow result follows the push")
			assert.Equal(t, tc.log, append([]string(nil), r.Log()[before:]...), "what reached the sink after %s", tc.name)
		})
	}

	t.Run("relinked to another sink", func(t *testing.T) {
		r := newRecorder("sink")
		src := linkedSource(t, r)
		require.True(t, src.PushEvent(NewStreamStartEvent("s")))
		require.True(t, src.PushEvent(NewSegmentEvent(NewSegment())))
		require.Equal(t, FlowOK, src.Push(pts(time.Second, 0)))
		require.NoError(t, src.Unlink(r.pad))
		other := newRecorder("other")
		other.pad.SetActive(true)
		require.NoError(t, src.Link(other.pad))
		require.Equal(t, FlowOK, src.Push(pts(2*time.Second, 0)))
		assert.Equal(t, []string{"stream-start", "segment", "buffer pts=0:00:01.000000000"}, r.Log(), "the old peer got nothing more")
		assert.Equal(t, []string{"stream-start", "segment", "buffer pts=0:00:02.000000000"}, other.Log(),
			"the new peer gets the sticky events, then the buffer")
	})
}
