package avsync

import (
	"context"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// Step 3: one clock, two sinks.

type syncTimeCase struct {
	description string
	base, rt    time.Duration
	timing      SinkTiming
	want        time.Duration
}

var syncTimeSumCases = []syncTimeCase{
	{"nothing added: base_time + running_time", 2 * sec, 100 * ms, SinkTiming{}, 2100 * ms},
	{"the pipeline's latency", 2 * sec, 100 * ms, SinkTiming{Latency: 53 * ms}, 2153 * ms},
	{"a positive ts-offset renders later", 2 * sec, 100 * ms, SinkTiming{Latency: 53 * ms, TsOffset: 40 * ms}, 2193 * ms},
	{"a negative ts-offset renders earlier", 2 * sec, 100 * ms, SinkTiming{Latency: 53 * ms, TsOffset: -40 * ms}, 2113 * ms},
	{"base time 0", 0, 1 * sec, SinkTiming{Latency: 20 * ms}, 1020 * ms},
}

var syncTimeRenderDelayCases = []syncTimeCase{
	{"render-delay: handed to the device earlier", 2 * sec, 100 * ms, SinkTiming{Latency: 140 * ms, RenderDelay: 100 * ms}, 2140 * ms},
	{"render-delay and ts-offset", 1 * sec, 0, SinkTiming{Latency: 140 * ms, TsOffset: 10 * ms, RenderDelay: 100 * ms}, 1050 * ms},
	{"render-delay equal to everything else", 1 * sec, 60 * ms, SinkTiming{Latency: 40 * ms, RenderDelay: 100 * ms}, 1 * sec},
}

var syncTimeClampCases = []syncTimeCase{
	{"ts-offset below the running time clamps to base_time", 2 * sec, 10 * ms, SinkTiming{Latency: 20 * ms, TsOffset: -50 * ms}, 2 * sec},
	{"ts-offset exactly the running time + latency clamps to base_time", 2 * sec, 10 * ms, SinkTiming{Latency: 20 * ms, TsOffset: -30 * ms}, 2 * sec},
	{"render-delay larger than the running time + latency clamps to base_time", 2 * sec, 0, SinkTiming{Latency: 20 * ms, RenderDelay: 100 * ms}, 2 * sec},
	{"a negative ts-offset and a render delay below zero clamp to base_time", 2 * sec, 10 * ms, SinkTiming{Latency: 20 * ms, TsOffset: -50 * ms, RenderDelay: 5 * ms}, 2 * sec},
	{"a large ts-offset then a render delay", 3 * sec, 500 * ms, SinkTiming{Latency: 0, TsOffset: 300 * ms, RenderDelay: 700 * ms}, 3100 * ms},
}

func TestSyncTimeAddsLatencyAndTsOffsetToTheRunningTime(t *testing.T) {
	runSyncTimeCases(t, syncTimeSumCases, "sync_time = base_time + running_time + latency + ts-offset")
}

func TestSyncTimeSubtractsTheRenderDelay(t *testing.T) {
	runSyncTimeCases(t, syncTimeRenderDelayCases, "the render delay is subtracted again: the sink hands the buffer to its device render-delay early")
}

func TestSyncTimeNeverGoesBelowTheBaseTime(t *testing.T) {
	runSyncTimeCases(t, syncTimeClampCases, "running_time + latency + ts-offset - render-delay is clamped at 0 twice, as GstClockTime cannot go negative: after the ts-offset, and after the render delay (gst_base_sink_adjust_time)")
}

func TestSyncTimeOfABufferWithoutTimestampIsNone(t *testing.T) {
	got := SyncTime(2*sec, none, SinkTiming{Latency: 20 * ms, TsOffset: 5 * ms})
	assert.Equal(t, none, got, "SyncTime(base 2s, running time none) = %s; want none: a buffer without a timestamp is not synced, it renders at once (README: Step 3)", short(got))
}

func runSyncTimeCases(t *testing.T, cases []syncTimeCase, rule string) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			if got := SyncTime(tc.base, tc.rt, tc.timing); got != tc.want {
				t.Errorf("SyncTime(base %s, running time %s, latency %s, ts-offset %s, render-delay %s) = %s; want %s\nrule: %s (README: Step 3)",
					short(tc.base), short(tc.rt), tc.timing.Latency, tc.timing.TsOffset, tc.timing.RenderDelay, short(got), short(tc.want), rule)
			}
		})
	}
}

// TestSyncTimeMatchesReferenceSink puts gstmini's fakesink (a BaseSink)
// under a test harness with each case's latency, ts-offset and render-delay
// and reads the time of the clock wait it makes for the buffer: it must be
// your SyncTime.
func TestSyncTimeMatchesReferenceSink(t *testing.T) {
	var all []syncTimeCase
	for _, cases := range [][]syncTimeCase{syncTimeSumCases, syncTimeRenderDelayCases, syncTimeClampCases} {
		all = append(all, cases...)
	}
	for _, tc := range all {
		t.Run(tc.description, func(t *testing.T) {
			sink := elements.NewFakeSink("sink")
			h := gstcheck.New(t, sink)
			require.NoError(t, sink.SetProperty("sync", true))
			require.NoError(t, sink.SetProperty("ts-offset", tc.timing.TsOffset))
			require.NoError(t, sink.SetProperty("render-delay", tc.timing.RenderDelay))
			h.Play()
			sink.SetBaseTime(tc.base)
			require.True(t, sink.SendEvent(gstmini.NewLatencyEvent(tc.timing.Latency)), "LATENCY event")
			h.SetSrcCaps(gstmini.Caps{MediaType: "video/x-raw", Framerate: gstmini.Fraction{Num: 30, Den: 1}})

			done := make(chan gstmini.FlowReturn, 1)
			go func() { done <- h.Push(gstmini.NewBufferWithPTS(tc.rt, 10*ms)) }()
			ctx, cancel := context.WithTimeout(context.Background(), watchdog)
			defer cancel()
			id, err := h.Clock().WaitForNextPendingID(ctx)
			require.NoError(t, err, "the sink made no clock wait")
			got := SyncTime(tc.base, tc.rt, tc.timing)
			assert.Equal(t, short(id.Time()), short(got),
				"base %s, running time %s, latency %s, ts-offset %s, render-delay %s: the reference sink waits until %s, SyncTime says %s (README: Step 3)",
				short(tc.base), short(tc.rt), tc.timing.Latency, tc.timing.TsOffset, tc.timing.RenderDelay, short(id.Time()), short(got))
			h.Clock().ProcessID(id)
			require.NoError(t, h.Clock().SetTime(id.Time()))
			select {
			case <-done:
			case <-timeAfter(watchdog):
				t.Fatal("the push did not return after the clock wait was released")
			}
		})
	}
}

type latencyCase struct {
	description string
	answers     []Latency
	want        Latency
}

var combineLatencyCases = []latencyCase{
	{"one live answer", []Latency{{true, 53 * ms, 53 * ms}}, Latency{true, 53 * ms, 53 * ms}},
	{"the largest minimum, the smallest maximum", []Latency{{true, 53 * ms, 200 * ms}, {true, 140 * ms, 1 * sec}}, Latency{true, 140 * ms, 200 * ms}},
	{"max below min is reported as it is", []Latency{{true, 53 * ms, 53 * ms}, {true, 140 * ms, 140 * ms}}, Latency{true, 140 * ms, 53 * ms}},
	{"an unbounded maximum does not bound", []Latency{{true, 40 * ms, none}, {true, 20 * ms, 300 * ms}}, Latency{true, 40 * ms, 300 * ms}},
	{"the unbounded answer first or last", []Latency{{true, 20 * ms, 300 * ms}, {true, 40 * ms, none}}, Latency{true, 40 * ms, 300 * ms}},
	{"all unbounded", []Latency{{true, 20 * ms, none}, {true, 40 * ms, none}}, Latency{true, 40 * ms, none}},
}

var nonLiveLatencyCases = []latencyCase{
	{"a non-live answer does not count", []Latency{{true, 53 * ms, 53 * ms}, {false, 500 * ms, 10 * ms}}, Latency{true, 53 * ms, 53 * ms}},
	{"a non-live answer first", []Latency{{false, 0, 0}, {true, 20 * ms, 20 * ms}}, Latency{true, 20 * ms, 20 * ms}},
	{"nothing live", []Latency{{false, 0, none}, {false, 30 * ms, 30 * ms}}, Latency{false, 0, none}},
	{"no answers at all", nil, Latency{false, 0, none}},
}

func TestCombineLatencyTakesTheLargestMinimumAndTheSmallestMaximum(t *testing.T) {
	runLatencyCases(t, combineLatencyCases, "min = the LARGEST minimum (every branch must have its data in time), max = the smallest maximum (no branch may be asked to hold more than it can), none = no bound")
}

func TestCombineLatencyCountsOnlyLiveAnswers(t *testing.T) {
	runLatencyCases(t, nonLiveLatencyCases, "only live answers count; with none the result is {not live, 0, none}")
}

func runLatencyCases(t *testing.T, cases []latencyCase, rule string) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			if got := CombineLatency(tc.answers); got != tc.want {
				t.Errorf("CombineLatency(%s) = %s; want %s\nrule: %s (bin_query_latency_fold, README: Step 3)",
					latenciesString(tc.answers), latencyString(got), latencyString(tc.want), rule)
			}
		})
	}
}

// TestCombineLatencyMatchesThePipeline asks every sink of real live
// pipelines for its latency and compares your CombineLatency of the answers
// with the latency the pipeline configured on the sinks.
func TestCombineLatencyMatchesThePipeline(t *testing.T) {
	for _, tc := range []struct{ description, line string }{
		{"a camera and a microphone", "livesource fps=30 ! queue ! fakesink name=video sync=true  livesource fps=50 ! queue ! fakesink name=audio sync=true"},
		{"the microphone's sink has a render delay", "livesource fps=30 ! queue ! fakesink name=video sync=true  livesource fps=50 ! queue ! fakesink name=audio sync=true render-delay=100000000"},
		{"a slow camera and a fast one", "livesource fps=10 ! queue ! fakesink name=video sync=true  livesource fps=60 ! queue ! fakesink name=audio sync=true"},
	} {
		t.Run(tc.description, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				run := runLive(t, tc.line, gstmini.NewSystemClock(), 100*ms, "video", "audio")
				got := CombineLatency(run.answersOf("video", "audio"))
				for _, name := range []string{"video", "audio"} {
					assert.Equal(t, run.latency[name], got.Min,
						"%s: the sinks answered %s and the pipeline configured %s on %s; CombineLatency says %s (README: Step 3)",
						tc.line, latenciesString(run.answersOf("video", "audio")), run.latency[name], name, latencyString(got))
				}
			})
		})
	}
}

func TestSinksOfOnePipelineRenderEqualRunningTimesTogether(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		line := "livesource fps=30 ! queue ! fakesink name=video sync=true  livesource fps=50 ! queue ! fakesink name=audio sync=true"
		run := runLive(t, line, gstmini.NewSystemClock(), 1*sec, "video", "audio")
		latency := CombineLatency(run.answersOf("video", "audio")).Min
		for _, name := range []string{"video", "audio"} {
			require.NotEmpty(t, run.renders[name], "%s rendered nothing", name)
			for _, r := range run.renders[name] {
				want := SyncTime(run.baseTime, r.RunningTime, SinkTiming{Latency: latency})
				require.Equal(t, short(want), short(r.ClockTime),
					"%s: sink %s rendered running time %s at clock %s; SyncTime(base %s, latency %s) says %s: every buffer renders at its sync time (README: Step 3)",
					line, name, r.RunningTime, short(r.ClockTime), short(run.baseTime), latency, short(want))
			}
		}
		rts, video, audio := sharedRunningTimes(run.renders["video"], run.renders["audio"])
		require.Len(t, rts, 8, "30 fps and 50 Hz share running times 200 ms, 300 ms, ..., 900 ms")
		assert.Equal(t, video, audio,
			"buffers of equal running time must render at the same clock time in both sinks: one pipeline, one clock, one base time, one latency (README: Step 3)")
	})
}

// audioDevice is how late the microphone branch's sound comes out of the
// speaker after its sink rendered it: the output latency of a sound card.
const audioDevice = 100 * ms

func TestRenderDelayLetsASlowOutputMeetTheOther(t *testing.T) {
	for _, tc := range []struct {
		description string
		renderDelay time.Duration
		wantLag     time.Duration
	}{
		{"without render-delay the sound comes out late by the device's delay", 0, audioDevice},
		{"with render-delay the pipeline's latency covers the device and the outputs meet", audioDevice, 0},
	} {
		t.Run(tc.description, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				line := "livesource fps=30 ! queue ! fakesink name=video sync=true  livesource fps=50 ! queue ! fakesink name=audio sync=true render-delay=" + itoa(int64(tc.renderDelay))
				run := runLive(t, line, gstmini.NewSystemClock(), 1*sec, "video", "audio")
				latency := CombineLatency(run.answersOf("video", "audio")).Min
				require.Equal(t, run.latency["audio"], latency, "%s: the configured latency is CombineLatency of the sinks' answers", line)
				for _, r := range run.renders["audio"] {
					want := SyncTime(run.baseTime, r.RunningTime, SinkTiming{Latency: latency, RenderDelay: tc.renderDelay})
					require.Equal(t, short(want), short(r.ClockTime),
						"%s: the audio sink rendered running time %s at %s; SyncTime with latency %s and render-delay %s says %s (README: Step 3)",
						line, r.RunningTime, short(r.ClockTime), latency, tc.renderDelay, short(want))
				}
				rts, video, audio := sharedRunningTimes(run.renders["video"], run.renders["audio"])
				require.NotEmpty(t, rts)
				for i := range rts {
					lag := audio[i] + audioDevice - video[i]
					require.Equal(t, tc.wantLag, lag,
						"%s: running time %s: the picture is shown at %s, the sound heard at %s + %s device delay: lag %s, want %s (README: Step 3)",
						line, rts[i], short(video[i]), short(audio[i]), audioDevice, lag, tc.wantLag)
				}
			})
		})
	}
}

func latencyString(l Latency) string {
	live := "not live"
	if l.Live {
		live = "live"
	}
	return "{" + live + ", min " + short(l.Min) + ", max " + short(l.Max) + "}"
}

func latenciesString(ls []Latency) string {
	s := "["
	for i, l := range ls {
		if i > 0 {
			s += " "
		}
		s += latencyString(l)
	}
	return s + "]"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
