package live

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

type latencyAnswer struct {
	OK       bool
	Live     bool
	Min, Max string
}

func answer(ok bool, q *gstmini.Query) latencyAnswer {
	live, minL, maxL := q.Latency()
	if !ok {
		return latencyAnswer{}
	}
	return latencyAnswer{true, live, ts(minL), ts(maxL)}
}

func TestCameraAnswersTheLatencyQuery(t *testing.T) {
	for _, fps := range []int{30, 25} {
		cam := NewCamera("camera", fps)
		q := gstmini.NewLatencyQuery()
		got := answer(cam.SrcPad().Query(q), q)
		frame := ts(slot(1, fps))
		want := latencyAnswer{true, true, frame, frame}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("a %d fps camera's answer to the latency query (-want +got):\n%s"+
				"hint: live = true, min = max = one frame (1 s / fps): a frame leaves when its exposure ends, "+
				"and the one capture buffer holds it no longer (README: Step 2)", fps, d)
		}
	}
	cam := NewCamera("camera", 30)
	q := gstmini.NewPositionQuery(gstmini.FormatTime)
	cam.SrcPad().Query(q) // other queries still reach BaseSrc: nothing to check but that it does not crash
}

func TestProcessorAddsItsProcessingTimeToTheLatency(t *testing.T) {
	t.Run("upstream with an unbounded maximum", func(t *testing.T) {
		p := NewProcessor("processor")
		p.ProcessingTime = 40 * ms
		h := gstcheck.New(t, p)
		h.SetLive(true)
		h.SetUpstreamLatency(33 * ms)
		q := gstmini.NewLatencyQuery()
		got := answer(p.SrcPad().Query(q), q)
		want := latencyAnswer{true, true, ts(73 * ms), "none"}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("processor (40 ms) behind an upstream answering (live, 33 ms, none) (-want +got):\n%s"+
				"hint: min = upstream min + ProcessingTime; a max of none stays none (unbounded); live as upstream said (README: Step 2)", d)
		}
	})
	t.Run("behind the camera", func(t *testing.T) {
		cam, p := NewCamera("camera", 30), NewProcessor("processor")
		p.ProcessingTime = 40 * ms
		require.NoError(t, cam.SrcPad().Link(p.SinkPad()))
		q := gstmini.NewLatencyQuery()
		got := answer(p.SrcPad().Query(q), q)
		want := latencyAnswer{true, true, ts(slot(1, 30) + 40*ms), ts(slot(1, 30) + 40*ms)}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("camera (30 fps) ! processor (40 ms): the processor's answer (-want +got):\n%s"+
				"hint: ask upstream with p.sinkpad.PeerQuery(gstmini.NewLatencyQuery()), then add ProcessingTime "+
				"to min and to a bounded max (README: Step 2)", d)
		}
	})
	t.Run("upstream cannot answer", func(t *testing.T) {
		p := NewProcessor("processor")
		q := gstmini.NewLatencyQuery()
		assert.False(t, p.SrcPad().Query(q), "an unlinked processor cannot know its upstream's latency: the query fails")
	})
}

func TestLatencyMakesLiveFramesRenderOnTime(t *testing.T) {
	cam, disp := NewCamera("camera", 25), NewDisplay("display")
	r := newRig(t, cam, disp)
	r.setState(gstmini.StatePaused)
	r.setState(gstmini.StatePlaying)
	requireCapturing(t, cam)
	for range 2 * 5 { // five frames: the camera's wait, then the display's
		r.step("five frames through camera ! display")
	}
	r.settle("after five frames")
	frame := 40 * ms
	rs := disp.Renderings()
	require.Len(t, rs, 5, "renderings:\n%s", renderingsString(rs))
	want := []Rendering{{PTS: 0, RunningTime: 0, ClockTime: frame, Jitter: frame}}
	for n := 1; n < 5; n++ {
		want = append(want, Rendering{PTS: slot(n, 25), RunningTime: slot(n, 25), ClockTime: slot(n, 25) + frame, Jitter: 0})
	}
	if d := cmp.Diff(want, rs); d != "" {
		t.Errorf("what the display showed (-want +got):\n%s\ngot:\n%s\n"+
			"Frame 0 is late by one frame in any case: it is synced before the pipeline has configured a latency (the display "+
			"answers the latency query only once it has prerolled). From frame 1 on, every frame must be shown at "+
			"base_time + running_time + latency, exactly when the camera delivers it: jitter 0. Late by a frame each time "+
			"means the latency is 0: the camera did not answer live, min = one frame (README: Step 2)",
			d, renderingsString(rs))
	}
	assert.Equal(t, frame, disp.Latency(),
		"the latency the pipeline configured on the display = %s; want one frame, %s: the camera's minimum "+
			"(the display's processing-deadline of 20 ms does not fit in the camera's maximum of one frame, see the warning)\n"+
			"hint: the pipeline asks every sink, each sink asks upstream, and the camera's answer is query's (README: Step 2)",
		ts(disp.Latency()), ts(frame))
	warned := false
	for _, w := range r.warnings {
		warned = warned || strings.Contains(w, "processing deadline")
	}
	assert.True(t, warned, "the display warns that its processing-deadline does not fit in the latency the camera allows; warnings: %q", r.warnings)
}

func TestPipelineConfiguresTheLargestMinimumOnEverySink(t *testing.T) {
	// Two independent branches in one pipeline:
	//   camera (30 fps, behind a queue without limits) ! display1      (live, 33.3 ms, none) + 20 ms deadline
	//   camera (25 fps) ! processor (40 ms) ! display2                  (live, 80 ms, 80 ms), deadline capped
	// The displays do not wait for a preroll (async=false), so they answer
	// the latency query in PAUSED, before any data.
	cam1, disp1 := newBacklogSrc("camera1", 30, 10), NewDisplay("display1")
	cam2, proc, disp2 := NewCamera("camera2", 25), NewProcessor("processor"), NewDisplay("display2")
	proc.ProcessingTime = 40 * ms
	for _, d := range []*Display{disp1, disp2} {
		require.NoError(t, d.SetProperty("async", false))
	}
	r := newRig(t, cam1, disp1)
	require.NoError(t, r.pipeline.Add(cam2, proc, disp2))
	require.NoError(t, cam2.SrcPad().Link(proc.SinkPad()))
	require.NoError(t, proc.SrcPad().Link(disp2.SinkPad()))
	r.setState(gstmini.StatePaused)

	type sinkAnswer struct{ Display1, Display2 latencyAnswer }
	q1, q2 := gstmini.NewLatencyQuery(), gstmini.NewLatencyQuery()
	got := sinkAnswer{answer(disp1.Query(q1), q1), answer(disp2.Query(q2), q2)}
	want := sinkAnswer{
		latencyAnswer{true, true, ts(slot(1, 30) + 20*ms), "none"},
		latencyAnswer{true, true, ts(80 * ms), ts(80 * ms)},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("what each display answers the pipeline (-want +got):\n%s"+
			"hint: display2's upstream is camera2 (40 ms, 40 ms) + processor 40 ms = (80 ms, 80 ms); its 20 ms "+
			"processing deadline does not fit under the max of 80 ms and is capped (README: Step 2)", d)
	}
	require.True(t, r.pipeline.RecalculateLatency(), "the pipeline's latency query must succeed")
	for _, d := range []*Display{disp1, disp2} {
		assert.Equal(t, ts(80*ms), ts(d.Latency()),
			"%s's latency: the pipeline configures ONE latency on every sink, the largest of their minimums "+
				"(max(53.333333 ms, 80 ms)), so that both branches stay in sync (README: Step 2)", d.Name())
	}
}
