package live

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// processorHarness is a processor with ProcessingTime 0 in a harness, with
// 25 fps caps (a frame lasts 40 ms) and a TIME segment.
func processorHarness(t *testing.T) (*Processor, *gstcheck.Harness) {
	t.Helper()
	p := NewProcessor("processor")
	h := gstcheck.New(t, p)
	h.SetSrcCaps(gstmini.Caps{MediaType: "video/x-raw", Framerate: gstmini.Fraction{Num: 25, Den: 1}})
	return p, h
}

func frame40(pts time.Duration) *gstmini.Buffer {
	b := gstmini.NewBuffer(0)
	b.PTS, b.Duration = pts, 40*ms
	return b
}

func TestProcessorSetsTheEarliestTimeFromQOS(t *testing.T) {
	cases := []struct {
		description string
		qos         *gstmini.Event
		want        time.Duration
	}{
		{"late by 500 ms at running time 0: earliest = 0 + 2*500 ms + one frame (40 ms)",
			gstmini.NewQOSEvent(gstmini.QOSUnderflow, 1.5, 500*ms, 0), 1040 * ms},
		{"late by 10 ms at 2 s: earliest = 2 s + 20 ms + 40 ms",
			gstmini.NewQOSEvent(gstmini.QOSUnderflow, 1.1, 10*ms, 2*sec), 2060 * ms},
		{"20 ms early at 200 ms: earliest = 200 ms - 20 ms, no margin",
			gstmini.NewQOSEvent(gstmini.QOSOverflow, 0.9, -20*ms, 200*ms), 180 * ms},
		{"exactly on time (diff 0) at 1 s: earliest = 1 s",
			gstmini.NewQOSEvent(gstmini.QOSOverflow, 1, 0, sec), sec},
		{"a QOS event without a timestamp forgets the earliest time",
			gstmini.NewQOSEvent(gstmini.QOSUnderflow, 1, 10*ms, none), none},
	}
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			p, h := processorHarness(t)
			require.True(t, h.PushUpstreamEvent(gstmini.NewQOSEvent(gstmini.QOSUnderflow, 1, 5*ms, 5*sec)),
				"the processor must pass QOS events on upstream")
			require.True(t, h.PushUpstreamEvent(tc.qos), "the processor must pass QOS events on upstream")
			typ, prop, diff, stamp := tc.qos.QOS()
			if got := p.EarliestTime(); got != tc.want {
				t.Errorf("after QOS (%s, proportion %g, diff %s, timestamp %s): EarliestTime() = %s; want %s\n"+
					"hint: diff > 0: timestamp + 2*diff + frameDuration; else timestamp + diff; no timestamp: none "+
					"(gstvideodecoder.c:1843; README: Step 4)", typ, prop, ts(diff), ts(stamp), ts(got), ts(tc.want))
			}
			require.NotNil(t, h.PullUpstreamEvent(), "the QOS event reaches upstream")
		})
	}
}

// TestProcessorSkipsFramesBeforeTheEarliestTime ports videoencoder_qos
// (gst-plugins-base tests/check/libs/videoencoder.c:628 at 1.22.0) to the
// processor: after a QOS event saying the frame at running time 0 was
// 500 ms late, the frame at 40 ms is skipped, with a QOS message.
func TestProcessorSkipsFramesBeforeTheEarliestTime(t *testing.T) {
	p, h := processorHarness(t)
	require.Equal(t, gstmini.FlowOK, h.Push(frame40(0)))
	h.Pull().Unref()
	h.PushUpstreamEvent(gstmini.NewQOSEvent(gstmini.QOSUnderflow, 1.5, 500*ms, 0)) // earliest 1.04 s
	require.Equal(t, gstmini.FlowOK, h.Push(frame40(40*ms)), "a skipped frame is not an error: FlowOK")
	require.Equal(t, gstmini.FlowOK, h.Push(frame40(1000*ms)))
	require.Equal(t, gstmini.FlowOK, h.Push(frame40(1040*ms)))

	var out []string
	for b := h.TryPull(); b != nil; b = h.TryPull() {
		s := ts(b.PTS)
		if b.Flags&gstmini.BufferFlagDiscont != 0 {
			s += " DISCONT"
		}
		out = append(out, s)
		b.Unref()
	}
	want := []string{"0:00:01.040000000 DISCONT"}
	if d := cmp.Diff(want, out); d != "" {
		t.Errorf("frames out of the processor after QOS (underflow, +500 ms at 0) (-want +got):\n%s"+
			"hint: frames at 40 ms and 1 s are before the earliest time 1.04 s: skipped; 1.04 s is not before it "+
			"(rt < earliest, strictly) and is the first after a gap, so it carries DISCONT (README: Step 4)", d)
	}
	processed, dropped := p.Stats()
	assert.Equal(t, "processed 2, dropped 2", fmtStats(processed, dropped),
		"Stats(): the frames at 0 and 1.04 s were processed, those at 40 ms and 1 s skipped")
	want = []string{
		"QOS live=false running-time=0:00:00.040000000 stream-time=0:00:00.040000000 timestamp=0:00:00.040000000 duration=none jitter=0:00:01.000000000 quality=1000000 processed=1 dropped=1",
		"QOS live=false running-time=0:00:01.000000000 stream-time=0:00:01.000000000 timestamp=0:00:01.000000000 duration=none jitter=0:00:00.040000000 quality=1000000 processed=1 dropped=2",
	}
	if d := cmp.Diff(want, qosOf(h.Bus())); d != "" {
		t.Errorf("QOS messages of the skips (-want +got):\n%s"+
			"hint: skip returns gstmini.NewQOSMessage(p, ...) with Live false, Duration none, Jitter earliest - rt, "+
			"and the counts so far, this skip included (gst_video_decoder_post_qos_drop; README: Step 4)", d)
	}
}

func fmtStats(processed, dropped uint64) string {
	return fmt.Sprintf("processed %d, dropped %d", processed, dropped)
}

// slowRun is what a run of backlogSrc ! processor ! display shows.
type slowRun struct {
	Frames       int           // frames the camera captured
	Processed    int           // frames the processor worked on
	Skipped      int           // frames the processor skipped (its QOS messages)
	Shown        int           // frames the display showed
	ShownLate    int           // ... of which late (jitter > 0)
	MaxJitter    string        // the latest frame shown
	DroppedLate  int           // frames the display dropped as too late (its QOS messages)
	SkipMessages int           // QOS messages from the processor
	DropMessages int           // QOS messages from the display
	WorkWasted   time.Duration // processing time spent on frames the display then dropped
}

// runSlow plays a 30 fps camera (that never loses a frame: a queue without
// limits behind it) ! processor (40 ms a frame) ! display (max-lateness
// 20 ms) for the given number of frames, to EOS.
func runSlow(t *testing.T, frames int, qos bool) slowRun {
	t.Helper()
	src := newBacklogSrc("camera", 30, frames)
	p := NewProcessor("processor")
	p.ProcessingTime = 40 * ms
	p.QoS = qos
	d := NewDisplay("display")
	r := newRig(t, src, p, d)
	r.setState(gstmini.StatePaused)
	r.setState(gstmini.StatePlaying)
	r.runToEOS(20*frames, "camera ! processor ! display to EOS")
	out := slowRun{Frames: frames}
	var maxJ time.Duration
	for _, x := range d.Renderings() {
		out.Shown++
		if x.Jitter > 0 {
			out.ShownLate++
		}
		maxJ = max(maxJ, x.Jitter)
	}
	out.MaxJitter = ts(maxJ)
	out.DroppedLate = int(d.Dropped())
	pr, sk := p.Stats()
	out.Processed, out.Skipped = int(pr), int(sk)
	for _, m := range r.qos {
		if m.Src == gstmini.Element(p) {
			out.SkipMessages++
		} else if m.Src == gstmini.Element(d) {
			out.DropMessages++
		}
	}
	out.WorkWasted = time.Duration(out.DroppedLate) * p.ProcessingTime
	return out
}

func TestQoSLetsASlowProcessorCatchUp(t *testing.T) {
	without := runSlow(t, 90, false)
	with := runSlow(t, 90, true)
	t.Logf("90 frames at 30 fps, 40 ms of work each:\n  qos off: %+v\n  qos on:  %+v", without, with)

	wantWithout := slowRun{Frames: 90, Processed: 90, Skipped: 0, Shown: 10, ShownLate: 8, MaxJitter: ts(53333333),
		DroppedLate: 80, SkipMessages: 0, DropMessages: 80, WorkWasted: 80 * 40 * ms}
	if d := cmp.Diff(wantWithout, without); d != "" {
		t.Errorf("qos off: the processor works on every frame, falls 6.7 ms further behind with each, and from frame 10 on "+
			"the display drops everything (-want +got):\n%s"+
			"hint: with p.QoS false, tooLate must say false whatever the QOS events said; the display drops with IsTooLate "+
			"(README: Steps 3 and 4)", d)
	}
	wantWith := slowRun{Frames: 90, Processed: 61, Skipped: 29, Shown: 61, ShownLate: 30, MaxJitter: ts(6666667),
		DroppedLate: 0, SkipMessages: 29, DropMessages: 0, WorkWasted: 0}
	if d := cmp.Diff(wantWith, with); d != "" {
		t.Errorf("qos on: the processor skips the frames the display's QOS events say are late, works only on those it "+
			"can deliver in time, and the display drops nothing (-want +got):\n%s"+
			"hint: handleQOS keeps earliest = timestamp + 2*diff + frame when late; tooLate skips rt < earliest; skip "+
			"counts and returns the QOS message (README: Step 4)", d)
	}
	for name, run := range map[string]slowRun{"qos off": without, "qos on": with} {
		assert.Equal(t, run.Frames, run.Shown+run.DroppedLate+run.Skipped,
			"%s: every frame is shown, dropped by the display or skipped by the processor: nothing is lost silently", name)
		assert.Equal(t, run.DroppedLate+run.Skipped, run.SkipMessages+run.DropMessages,
			"%s: every drop and every skip posts a QOS message", name)
	}
}
