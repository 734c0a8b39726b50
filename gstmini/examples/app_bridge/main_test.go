package main

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/examples/internal/demo"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const ms = time.Millisecond

// runInBubble runs app_bridge at 10 fps for duration with 130 ms of work
// per frame in a synctest bubble, where the SystemClock follows virtual
// time: frames are made and rendered at exactly 0, 100, 200 ms... and a
// consumer that is behind pulls at exactly 0, 130, 260 ms...
//
// The sink's processing-deadline is 0, so its latency is 0 before and
// after the pipeline redistributes it. With the default 20 ms, frame 0
// would be rendered at 0 or at 20 ms depending on whether Run's goroutine
// handles the sink's LATENCY message (posted when it prerolls frame 0)
// before the sink's clock wait for that frame: a race in GStreamer too,
// where the application redistributes latency on its own thread. No two
// events that could be ordered either way share an instant in the first
// 3 s, so the numbers are exact.
func runInBubble(t *testing.T, mode string, duration time.Duration, out io.Writer) Report {
	t.Helper()
	cfg := demo.DefaultConfig()
	cfg.FPS, cfg.Duration, cfg.Quiet = 10, duration, true
	cfg.JSON = out != io.Discard
	p, err := Build(cfg, Settings{Mode: mode, Work: 130 * ms}, gstmini.NewSystemClock())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Sink.SetProperty("processing-deadline", time.Duration(0)); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	p.Start(ctx)
	run := cfg
	run.Duration = 0
	res, err := demo.Run(ctx, run, demo.Session{Pipeline: p.Pipeline, Out: out, Log: io.Discard, Report: p.Report})
	if err != nil {
		t.Fatalf("demo.Run: %v", err)
	}
	r, ok := res.Report.(Report)
	if !ok {
		t.Fatalf("report %T", res.Report)
	}
	return r
}

// TestAppBridge_Latest: max-buffers=1 drop=true. Frame n renders at 100n
// ms; the consumer pulls at 0 (frame 0), 130 (1), 260 (2), 390 (3), 520 (5:
// 5 replaced 4 at 500), 650 (6), 780 (7), 910 (9: 9 replaced 8 at 900): 8
// pulled, 2 dropped, latency 0, 30, 60, 90, 20, 50, 80, 10 ms.
func TestAppBridge_Latest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := runInBubble(t, "latest", time.Second, io.Discard)
		want := Report{Mode: "latest", FPS: 10, Work: 130 * ms, Pushed: 10, Pulled: 8, Dropped: 2,
			AppSrcLevelMax: 1, AppSinkQueueMax: 1, LatencyAvg: 340 * ms / 8, LatencyMax: 90 * ms}
		if r != want {
			t.Errorf("latest:\n got %+v\nwant %+v", r, want)
		}
	})
}

// TestAppBridge_EveryFrameCostsLatencyAndBlocksTheProducer: nothing is
// dropped, every frame is pulled, the consumer falls 30 ms further behind
// with each frame, and once appsink's two slots, its render and appsrc's
// two slots are full the producer's pushes wait.
func TestAppBridge_EveryFrameCostsLatencyAndBlocksTheProducer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := runInBubble(t, "every", 3*time.Second, io.Discard)
		if r.Pushed != 30 || r.Pulled != 30 || r.Dropped != 0 {
			t.Errorf("pushed, pulled, dropped = %d, %d, %d; want 30, 30, 0", r.Pushed, r.Pulled, r.Dropped)
		}
		// frame n is pulled at 130n ms: latency 30n ms, 870 ms for frame 29.
		if r.LatencyMax != 870*ms || r.LatencyAvg != 435*ms {
			t.Errorf("latency max, avg = %v, %v; want 870ms, 435ms (frame n pulled at 130n ms)", r.LatencyMax, r.LatencyAvg)
		}
		if r.PushWaitTotal == 0 || r.AppSrcLevelMax != 2 || r.AppSinkQueueMax != 2 {
			t.Errorf("push wait total %v, appsrc level max %d, appsink queue max %d; want > 0, 2, 2 (back-pressure reached the producer)",
				r.PushWaitTotal, r.AppSrcLevelMax, r.AppSinkQueueMax)
		}
	})
}

// TestAppBridge_UnboundedGrowsTheQueue: the same latency as every, no
// push waits, and appsink's queue grows instead.
func TestAppBridge_UnboundedGrowsTheQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := runInBubble(t, "unbounded", 3*time.Second, io.Discard)
		if r.Pushed != 30 || r.Pulled != 30 || r.Dropped != 0 || r.PushWaitTotal != 0 {
			t.Errorf("pushed, pulled, dropped, push wait = %d, %d, %d, %v; want 30, 30, 0, 0", r.Pushed, r.Pulled, r.Dropped, r.PushWaitTotal)
		}
		// At the pull of frame 22 (2860 ms) frames 0-28 were rendered: 7 wait.
		if r.LatencyMax != 870*ms || r.AppSinkQueueMax != 7 {
			t.Errorf("latency max %v, appsink queue max %d; want 870ms and 7 (every holds at most 2)", r.LatencyMax, r.AppSinkQueueMax)
		}
	})
}

func TestAppBridge_JSON(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		runInBubble(t, "latest", time.Second, &out)
		var got map[string]any
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatalf("-json output %q: %v", out.String(), err)
		}
		for _, k := range []string{"frames_pushed", "frames_pulled", "frames_dropped_appsink", "push_wait_total_ns", "latency_max_ns", "appsink_queue_max_samples"} {
			if _, ok := got[k]; !ok {
				t.Errorf("-json object lacks %q: %s", k, out.String())
			}
		}
	})
}

func TestAppBridge_BadMode(t *testing.T) {
	if _, err := Build(demo.DefaultConfig(), Settings{Mode: "sometimes"}, gstmini.NewSystemClock()); err == nil {
		t.Errorf("Build with -mode sometimes: nil error; want one naming the mode")
	}
}
