package elements

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

func processorHarness(t *testing.T, processing time.Duration) (*Processor, *gstcheck.Harness, *gstmini.Bus) {
	t.Helper()
	p := NewProcessor("processor0")
	require.NoError(t, p.SetProperty("processing-time", processing))
	bus := gstmini.NewBus()
	p.SetBus(bus)
	h := gstcheck.New(t, p)
	h.SetSrcCaps(gstmini.Caps{MediaType: "video/x-raw", Framerate: gstmini.Fraction{Num: 25, Den: 1}})
	return p, h, bus
}

func procFrame(pts time.Duration) *gstmini.Buffer {
	b := gstmini.NewBuffer(0)
	b.PTS, b.Duration = pts, 40*ms
	return b
}

func qosMessages(bus *gstmini.Bus) []gstmini.QOSValues {
	var out []gstmini.QOSValues
	for {
		m := bus.Pop()
		if m == nil {
			return out
		}
		if m.Type == gstmini.MessageQOS {
			out = append(out, m.QOS)
		}
	}
}

// TestProcessor_QOSUnderflowSkipsTheNextFrame ports videoencoder_qos
// (gst-plugins-base tests/check/libs/videoencoder.c:628 at 1.22.0) to the
// decoder-side rule: after a QOS event saying the frame at running time 0
// was 500 ms late, the next frame (40 ms) is before the earliest time
// 0 + 2*500 ms + 40 ms and is skipped, with a QOS message on the bus.
func TestProcessor_QOSUnderflowSkipsTheNextFrame(t *testing.T) {
	p, h, bus := processorHarness(t, 0)
	require.Equal(t, gstmini.FlowOK, h.Push(procFrame(0)))
	out := h.Pull()
	require.NotNil(t, out)
	out.Unref()

	require.True(t, h.PushUpstreamEvent(gstmini.NewQOSEvent(gstmini.QOSUnderflow, 1.5, 500*ms, 0)))
	assert.Equal(t, 1040*ms, p.EarliestTime(), "earliest = timestamp + 2*diff + frame duration (1/25 s)")
	ev := h.PullUpstreamEvent()
	require.NotNil(t, ev)
	assert.Equal(t, gstmini.EventQOS, ev.Type(), "the QOS event goes on upstream")

	require.Equal(t, gstmini.FlowOK, h.Push(procFrame(40*ms)), "a skipped frame is not an error")
	assert.Nil(t, h.TryPull(), "the frame at 40 ms is before the earliest time: skipped")
	processed, dropped := p.Stats()
	assert.Equal(t, [2]uint64{1, 1}, [2]uint64{processed, dropped}, "processed, dropped")
	msgs := qosMessages(bus)
	require.Len(t, msgs, 1, "a skip posts one QOS message")
	assert.Equal(t, gstmini.QOSValues{
		Live: false, RunningTime: 40 * ms, StreamTime: 40 * ms, Timestamp: 40 * ms, Duration: gstmini.ClockTimeNone,
		Jitter: 1000 * ms, Proportion: 1.5, Quality: 1000000, Processed: 1, Dropped: 1,
	}, msgs[0], "gst_video_decoder_post_qos_drop's fields")

	require.Equal(t, gstmini.FlowOK, h.Push(procFrame(1040*ms)))
	out = h.Pull()
	require.NotNil(t, out)
	assert.NotZero(t, out.Flags&gstmini.BufferFlagDiscont, "the first frame after a skip carries DISCONT")
	out.Unref()
}

// TestProcessor_OnTimeQOSOnlySkipsThePast: diff <= 0 sets earliest =
// timestamp + diff, so only frames already behind it are skipped.
func TestProcessor_OnTimeQOSOnlySkipsThePast(t *testing.T) {
	p, h, _ := processorHarness(t, 0)
	require.True(t, h.PushUpstreamEvent(gstmini.NewQOSEvent(gstmini.QOSOverflow, 0.9, -20*ms, 200*ms)))
	assert.Equal(t, 180*ms, p.EarliestTime())
	h.Push(procFrame(160 * ms))
	h.Push(procFrame(180 * ms))
	_, dropped := p.Stats()
	assert.Equal(t, uint64(1), dropped, "160 ms < 180 ms is skipped; 180 ms is not before the earliest time")
	out := h.Pull()
	assert.Equal(t, 180*ms, out.PTS)
	out.Unref()

	require.NoError(t, p.SetProperty("qos", false))
	h.PushUpstreamEvent(gstmini.NewQOSEvent(gstmini.QOSUnderflow, 2, time.Second, 200*ms))
	h.Push(procFrame(200 * ms))
	out = h.Pull()
	assert.Equal(t, 200*ms, out.PTS, "with qos=false nothing is skipped")
	out.Unref()
}

// TestProcessor_WorkWaitsOnTheClock: the frame leaves processing-time after
// it arrived, on the pipeline clock.
func TestProcessor_WorkWaitsOnTheClock(t *testing.T) {
	_, h, _ := processorHarness(t, 40*ms)
	h.SetTime(100 * ms)
	done := make(chan gstmini.FlowReturn, 1)
	go func() { done <- h.Push(procFrame(0)) }()
	id := h.Clock().WaitForNextPendingIDT(t)
	assert.Equal(t, 140*ms, id.Time(), "the work ends at now + processing-time")
	assert.Zero(t, h.BuffersReceived(), "nothing leaves before the work is done")
	h.CrankSingleClockWait()
	select {
	case ret := <-done:
		assert.Equal(t, gstmini.FlowOK, ret)
	case <-time.After(2 * time.Second):
		t.Fatal("the push did not return after the work's clock wait was released")
	}
	out := h.Pull()
	out.Unref()
}

// TestProcessor_LatencyAddsTheProcessingTime: the src pad adds
// processing-time to upstream's latency, unless report-latency is off.
func TestProcessor_LatencyAddsTheProcessingTime(t *testing.T) {
	p, h, _ := processorHarness(t, 40*ms)
	h.SetLive(true)
	h.SetUpstreamLatency(33 * ms)
	q := gstmini.NewLatencyQuery()
	require.True(t, p.SrcPad().Query(q))
	live, minL, maxL := q.Latency()
	assert.Equal(t, []any{true, 73 * ms, gstmini.ClockTimeNone}, []any{live, minL, maxL})

	require.NoError(t, p.SetProperty("report-latency", false))
	q = gstmini.NewLatencyQuery()
	require.True(t, p.SrcPad().Query(q))
	_, minL, _ = q.Latency()
	assert.Equal(t, 33*ms, minL, "report-latency=false passes upstream's answer on")
}
