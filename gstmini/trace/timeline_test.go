package trace

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gstmini/workbook/gstmini"
	_ "github.com/gstmini/workbook/gstmini/elements" // registers the factories
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// runOnTestClock plays the launch line on a test clock to EOS with a
// tracer attached, and returns the tracer. It runs in a testing/synctest
// bubble: each time every goroutine of the pipeline is durably blocked
// (synctest.Wait), the test releases the earliest clock wait, so the run,
// and its trace, are the same every time, without polling.
func runOnTestClock(t *testing.T, line string) *Tracer {
	t.Helper()
	var tr *Tracer
	synctest.Test(t, func(t *testing.T) {
		p, err := gstmini.ParseLaunch(line)
		if err != nil {
			t.Fatal(err)
		}
		clk := gstcheck.NewTestClock()
		tr, err = Attach(p, Options{Clock: clk})
		if err != nil {
			t.Fatal(err)
		}
		errc := make(chan error, 1)
		go func() { errc <- p.Run(context.Background()) }()
		for {
			synctest.Wait()
			select {
			case err := <-errc:
				if err != nil {
					t.Fatalf("Run(%q) = %v; want nil (EOS)", line, err)
				}
				tr.Close()
				return
			default:
			}
			if clk.PendingIDCount() == 0 {
				p.Stop()
				t.Fatalf("Run(%q): every goroutine is blocked and no clock wait is pending: deadlock", line)
			}
			if _, err := clk.Crank(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	})
	return tr
}

// The seed's pipeline without and with a queue: 10 frames a second, 1 s
// segments, and an upload that takes 0.7 s of the pipeline clock. The sink
// does not preroll (async=false), so that its latency is configured before
// the first segment: with async=true it is configured when the application
// goroutine handles the LATENCY message the sink posts on preroll, which
// may come before or after the sink's first clock wait.
const (
	hlsWithoutQueue = "livesource name=cam fps=10 num-buffers=30 ! hlssegmenter name=hls target-duration=1 ! s3sink name=s3 async=false upload-latency=700ms"
	hlsWithQueue    = "livesource name=cam fps=10 num-buffers=30 ! queue name=q ! hlssegmenter name=hls target-duration=1 ! s3sink name=s3 async=false upload-latency=700ms"
)

func TestTimeline_GoldenOnTestClock(t *testing.T) {
	cases := []struct {
		name, line, golden string
	}{
		{"without a queue the camera waits for every upload and loses frames", hlsWithoutQueue, "timeline-without-queue.golden"},
		{"with a queue the camera keeps capturing while the queue fills", hlsWithQueue, "timeline-with-queue.golden"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr := runOnTestClock(t, tc.line)
			golden(t, tc.golden, tr.Timeline(TimelineOptions{Width: 80}))
		})
	}
}

func TestTimeline_Deterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the queue pipeline three times")
	}
	var first string
	for i := 0; i < 3; i++ {
		got := runOnTestClock(t, hlsWithQueue).Timeline(TimelineOptions{Width: 80})
		if i == 0 {
			first = got
		} else if got != first {
			t.Fatalf("run %d timeline differs from run 0:\n%s\nrun 0:\n%s", i, got, first)
		}
	}
}

// TestTimeline_Rendering renders hand-made events, to pin down the
// column rules.
func TestTimeline_Rendering(t *testing.T) {
	ms := time.Millisecond
	events := []Event{
		// Goroutine 1, a source: captures (c) 0-40ms, pushes 40-100ms
		// with a clock wait 50-70ms and an upload 70-100ms inside.
		{Phase: Span, Cat: CatClock, Thread: 1, TS: 0, Dur: 40 * ms},
		{Phase: Span, Cat: CatChain, Thread: 1, TS: 40 * ms, Dur: 60 * ms},
		{Phase: Span, Cat: CatClock, Thread: 1, TS: 50 * ms, Dur: 20 * ms, Depth: 1},
		{Phase: Span, Cat: CatUpload, Thread: 1, TS: 70 * ms, Dur: 30 * ms, Depth: 1},
		{Phase: Span, Cat: CatClock, Thread: 1, TS: 75 * ms, Dur: 25 * ms, Depth: 1},
		// Goroutine 2, a queue's: idle, then pushes 20-30ms.
		{Phase: Span, Cat: CatChain, Thread: 2, TS: 20 * ms, Dur: 10 * ms},
		{Phase: Instant, Cat: CatDiscont, Thread: 2, TS: 20 * ms},
		{Phase: Instant, Cat: CatEOS, Name: "EOS", Thread: 2, TS: 90 * ms},
		{Phase: Instant, Cat: CatDrop, Thread: 1, TS: 45 * ms, Value: 3},
		{Phase: Instant, Cat: CatDrop, Thread: 1, TS: 95 * ms, Value: 12},
		{Phase: Counter, Cat: CatQueue, Element: "q", TS: 0, Value: 0},
		{Phase: Counter, Cat: CatQueue, Element: "q", TS: 10 * ms, Value: 4},
		{Phase: Counter, Cat: CatQueue, Element: "q", TS: 10 * ms, Value: 8}, // the last at one time wins
		{Phase: Counter, Cat: CatQueue, Element: "q", TS: 31 * ms, Value: 2},
		{Phase: Counter, Cat: CatQueue, Element: "q", TS: 60 * ms, Value: 0},
		// The application goroutine: no spans, no row.
		{Phase: Instant, Cat: CatState, Thread: 3, TS: 0},
	}
	threads := []timelineThread{{3, "application", false}, {2, "q:src", false}, {1, "cam:src", true}}
	got := renderTimeline(events, threads, TimelineOptions{Width: 10})
	want := strings.Join([]string{
		"timeline 0s - 100ms, one column = 10ms",
		"             0s",
		"             |",
		"cam:src      ccccPWWUUU", // the upload wins over the clock wait inside it
		"q:src          P.......", // blank before its first event; EOS at 90ms is its last
		"q level       ███▂▂      max 8",
		"drops            3    +  total 15",
		"discont/eos    D      E",
		"legend: c waiting for the next capture  P in a push  W waiting on the clock in a push  U uploading  . idle",
		"cam:src: waiting for the next capture 40%, in a push 10%, waiting on the clock in a push 20%, uploading 30%",
		"q:src: in a push 14%, idle 86%",
		"",
	}, "\n")
	if got != want {
		t.Errorf("renderTimeline =\n%s\nwant\n%s", got, want)
	}
}
