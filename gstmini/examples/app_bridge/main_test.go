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

// runInBubble runs app_bridge at 10 fps for duration with 125 ms of work
// per frame in a synctest bubble, where the SystemClock follows virtual
// time: frames are made at exactly 0, 100, 200 ms... and, once the
// pipeline's latency is configured, rendered 20 ms later (a live sink adds
// its 20 ms processing-deadline to the latency); a consumer that is behind
// pulls at exactly 0, 125, 250 ms... No two events share an instant, so
// the numbers are exact.
func runInBubble(t *testing.T, mode string, duration time.Duration, out io.Writer) Report {
	t.Helper()
	cfg := demo.DefaultConfig()
	cfg.FPS, cfg.Duration, cfg.Quiet = 10, duration, true
	cfg.JSON = out != io.Discard
	p, err := Build(cfg, Settings{Mode: mode, Work: 125 * ms}, gstmini.NewSystemClock())
	if err != nil {
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

// TestAppBridge_Latest: max-buffers=1 drop=true. Frame 0 renders at 0,
// frame n > 0 at 100n + 20 ms; the consumer pulls at 0 (frame 0), 125 (1),
// 250 (2), 375 (3), 500 (4), 625 (6: 6 replaced 5 at 620), 750 (7), 875
// (8), 1000 (9): 9 pulled, 1 dropped, latency 0, 25, 50, 75, 100, 25, 50,
// 75, 100 ms.
func TestAppBridge_Latest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := runInBubble(t, "latest", time.Second, io.Discard)
		want := Report{Mode: "latest", FPS: 10, Work: 125 * ms, Pushed: 10, Pulled: 9, Dropped: 1,
			AppSrcLevelMax: 1, AppSinkQueueMax: 1, LatencyAvg: 500 * ms / 9, LatencyMax: 100 * ms}
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
		// frame n is pulled at 125n ms: latency 25n ms, 725 ms for frame 29.
		if r.LatencyMax != 725*ms || r.LatencyAvg != 362500*time.Microsecond {
			t.Errorf("latency max, avg = %v, %v; want 725ms, 362.5ms (frame n pulled at 125n ms)", r.LatencyMax, r.LatencyAvg)
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
		// At the pull of frame 23 (2875 ms) frames 0-28 were rendered: 6 wait.
		if r.LatencyMax != 725*ms || r.AppSinkQueueMax != 6 {
			t.Errorf("latency max %v, appsink queue max %d; want 725ms and 6 (every holds at most 2)", r.LatencyMax, r.AppSinkQueueMax)
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
