package elements

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

var identityCaps = gstmini.Caps{MediaType: "video/x-raw", Framerate: gstmini.Fraction{Num: 30, Den: 1}}

func newIdentityHarness(t *testing.T, props map[string]any) (*Identity, *gstcheck.Harness) {
	t.Helper()
	id := NewIdentity("identity")
	for k, v := range props {
		require.NoError(t, id.SetProperty(k, v), "%s=%v", k, v)
	}
	h := gstcheck.New(t, id)
	h.Play()
	h.SetSrcCaps(identityCaps)
	return id, h
}

func TestIdentity_PassesTheSameBufferOnTheCallingGoroutine(t *testing.T) {
	id, h := newIdentityHarness(t, nil)
	var handedOff []*gstmini.Buffer
	id.SetHandoff(func(b *gstmini.Buffer) { handedOff = append(handedOff, b) })
	for i := range 3 {
		in := gstmini.NewBufferWithPTS(time.Duration(i)*40*time.Millisecond, 40*time.Millisecond)
		require.Equal(t, gstmini.FlowOK, h.Push(in.Ref()))
		out := h.Pull()
		assert.Same(t, in, out, "buffer %d: identity pushes the buffer it got, not a copy", i)
		out.Unref()
		in.Unref()
	}
	assert.Len(t, handedOff, 3, "signal-handoffs is on by default: every buffer is handed off before the push")
	buffers, _ := id.Stats()
	assert.Equal(t, uint64(3), buffers)
}

func TestIdentity_SyncWaitsForRunningTimePlusBaseTime(t *testing.T) {
	id, h := newIdentityHarness(t, map[string]any{"sync": true})
	seg := gstmini.NewSegment()
	seg.Start, seg.Time = 5*time.Second, 5*time.Second
	require.True(t, h.PushSegment(seg))
	id.SetBaseTime(time.Second)
	done := make(chan gstmini.FlowReturn, 1)
	go func() { done <- h.Push(gstmini.NewBufferWithPTS(5500*time.Millisecond, 40*time.Millisecond)) }()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cid, err := h.Clock().WaitForNextPendingID(ctx)
	require.NoError(t, err, "identity sync=true waits on the clock")
	assert.Equal(t, 1500*time.Millisecond, cid.Time(), "running time 500 ms (PTS 5.5 s in a segment from 5 s) + base time 1 s")
	assert.Zero(t, h.BuffersReceived(), "nothing leaves before the clock time")
	h.Clock().ProcessID(cid)
	require.Equal(t, gstmini.FlowOK, <-done)
	h.Pull().Unref()
}

func TestIdentity_SyncAnswersNoPrerollAsALiveSource(t *testing.T) {
	id := NewIdentity("identity")
	require.NoError(t, id.SetProperty("sync", true))
	require.Equal(t, gstmini.StateChangeSuccess, id.SetState(gstmini.StateReady))
	assert.Equal(t, gstmini.StateChangeNoPreroll, id.SetState(gstmini.StatePaused), "gst_identity_change_state: sync=true is NO_PREROLL")
	require.Equal(t, gstmini.StateChangeSuccess, id.SetState(gstmini.StateNull))

	plain := NewIdentity("plain")
	require.Equal(t, gstmini.StateChangeSuccess, plain.SetState(gstmini.StatePaused))
	require.Equal(t, gstmini.StateChangeSuccess, plain.SetState(gstmini.StateNull))
}

func TestIdentity_FlushEndsASyncWait(t *testing.T) {
	_, h := newIdentityHarness(t, map[string]any{"sync": true})
	require.True(t, h.PushSegment(gstmini.NewSegment()))
	done := make(chan gstmini.FlowReturn, 1)
	go func() { done <- h.Push(gstmini.NewBufferWithPTS(time.Hour, time.Second)) }()
	require.True(t, h.WaitForClockIDWaits(1))
	require.True(t, h.PushEvent(gstmini.NewFlushStartEvent()))
	select {
	case ret := <-done:
		assert.Equal(t, gstmini.FlowFlushing, ret, "a flush ends the wait with FLUSHING")
	case <-time.After(5 * time.Second):
		t.Fatal("FLUSH_START did not end the clock wait")
	}
	require.True(t, h.PushEvent(gstmini.NewFlushStopEvent(true)))
}

func TestIdentity_SingleSegmentTurnsTimestampsIntoRunningTime(t *testing.T) {
	_, h := newIdentityHarness(t, map[string]any{"single-segment": true})
	seg := gstmini.NewSegment()
	seg.Start, seg.Time = 5*time.Second, 5*time.Second
	require.True(t, h.PushSegment(seg))
	buf := gstmini.NewBufferWithPTS(6*time.Second, time.Second)
	buf.Offset, buf.OffsetEnd = 6, 7
	require.Equal(t, gstmini.FlowOK, h.Push(buf))
	out := h.Pull()
	defer out.Unref()
	assert.Equal(t, time.Second, out.PTS, "PTS 6 s in a segment from 5 s is running time 1 s")
	assert.Equal(t, gstmini.BufferOffsetNone, out.Offset)
	var segs []*gstmini.Segment
	for ev := h.TryPullEvent(); ev != nil; ev = h.TryPullEvent() {
		if ev.Type() == gstmini.EventSegment {
			segs = append(segs, ev.Segment())
		}
	}
	require.Len(t, segs, 1, "one segment goes out, for the first that came in (the harness's); the test's segment is eaten: %v", segs)
	assert.Equal(t, time.Duration(0), segs[0].Start, "single-segment sends a default segment, from 0")
	assert.Equal(t, gstmini.ClockTimeNone, segs[0].Stop)
}

func TestIdentity_DropProbabilityOneDropsEveryBufferWithAGap(t *testing.T) {
	_, h := newIdentityHarness(t, map[string]any{"drop-probability": 1.0})
	require.True(t, h.PushSegment(gstmini.NewSegment()))
	require.Equal(t, gstmini.FlowOK, h.Push(gstmini.NewBufferWithPTS(time.Second, 40*time.Millisecond)), "a dropped buffer is not an error")
	assert.Zero(t, h.BuffersReceived())
	var gap *gstmini.Event
	for ev := h.TryPullEvent(); ev != nil; ev = h.TryPullEvent() {
		if ev.Type() == gstmini.EventGap {
			gap = ev
		}
	}
	require.NotNil(t, gap, "a GAP event covers the dropped buffer")
}

func TestIdentity_EOSAndErrorAfter(t *testing.T) {
	_, h := newIdentityHarness(t, map[string]any{"eos-after": 3})
	for i := 1; i <= 2; i++ {
		assert.Equal(t, gstmini.FlowOK, h.Push(gstmini.NewBuffer(1)), "buffer %d", i)
	}
	assert.Equal(t, gstmini.FlowEOS, h.Push(gstmini.NewBuffer(1)), "the third buffer with eos-after=3")

	id, h2 := newIdentityHarness(t, map[string]any{"error-after": 2})
	assert.Equal(t, gstmini.FlowOK, h2.Push(gstmini.NewBuffer(1)))
	assert.Equal(t, gstmini.FlowError, h2.Push(gstmini.NewBuffer(1)), "the second buffer with error-after=2")
	var posted bool
	for _, m := range h2.Bus().Messages() {
		posted = posted || (m.Type == gstmini.MessageError && m.SrcName() == id.Name())
	}
	assert.True(t, posted, "error-after posts an ERROR message")
}

func TestIdentity_LatencyQuery(t *testing.T) {
	for _, tc := range []struct {
		line     string
		wantLive bool
		wantMax  time.Duration
	}{
		{"fakesrc ! identity name=i ! fakesink", false, gstmini.ClockTimeNone},
		{"fakesrc ! identity name=i sync=true ! fakesink", true, gstmini.ClockTimeNone},
		{"livesource ! identity name=i ! fakesink", true, 33333333},
	} {
		p, err := gstmini.ParseLaunch(tc.line)
		require.NoError(t, err)
		q := gstmini.NewLatencyQuery()
		require.True(t, p.ByName("i").Base().StaticPad("src").Query(q), tc.line)
		live, _, maxL := q.Latency()
		assert.Equal(t, tc.wantLive, live, "%s: live", tc.line)
		assert.Equal(t, tc.wantMax, maxL, "%s: max", tc.line)
	}
}

func TestIdentity_ChainOfIdentitiesRunsToEOS(t *testing.T) {
	p, err := gstmini.ParseLaunch("fakesrc num-buffers=50 ! identity ! identity ! identity ! fakesink name=s")
	require.NoError(t, err)
	p.UseClock(gstcheck.NewTestClock())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, p.Run(ctx))
	rendered, _ := p.ByName("s").(*FakeSink).Stats()
	assert.Equal(t, uint64(50), rendered)
}

func TestIdentity_RefusesABadDropProbability(t *testing.T) {
	id := NewIdentity("id0")
	err := id.SetProperty("drop-probability", 2.0)
	require.Error(t, err)
	assert.ErrorIs(t, err, gstmini.ErrBadPropertyValue)
	assert.Contains(t, err.Error(), "id0")
	assert.Contains(t, err.Error(), "drop-probability")
}
