package appbridge

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// ---- Step 3: latest frame or every frame ----

// runSampleScript runs a script of "r<n>" (render frame n) and "p" (pull)
// steps on q and describes each step's outcome.
func runSampleScript(q *SampleQueue, script string) []string {
	var out []string
	for _, step := range strings.Fields(script) {
		if step == "p" {
			if b, ok := q.Pull(); ok && b != nil {
				out = append(out, fmt.Sprintf("pull %d", b.Offset))
			} else {
				out = append(out, "pull: empty")
			}
			continue
		}
		var n uint64
		fmt.Sscanf(step, "r%d", &n)
		b := gstmini.NewBuffer(4)
		b.Offset = n
		if q.Render(b) {
			out = append(out, fmt.Sprintf("render %d: waits", n))
		} else {
			out = append(out, fmt.Sprintf("render %d: queued (%d queued, %d dropped)", n, q.Len(), q.Dropped()))
		}
	}
	return out
}

var sampleQueueCases = []struct {
	description string
	max         int
	drop        bool
	script      string
	want        []string
}{
	{"no limit: everything queues, pulled in order", 0, false, "r0 r1 r2 p p p p",
		[]string{"render 0: queued (1 queued, 0 dropped)", "render 1: queued (2 queued, 0 dropped)", "render 2: queued (3 queued, 0 dropped)",
			"pull 0", "pull 1", "pull 2", "pull: empty"}},
	{"max-buffers 2 without drop: the 3rd render waits until a pull makes room (every frame)", 2, false, "r0 r1 r2 p r2 p p",
		[]string{"render 0: queued (1 queued, 0 dropped)", "render 1: queued (2 queued, 0 dropped)", "render 2: waits",
			"pull 0", "render 2: queued (2 queued, 0 dropped)", "pull 1", "pull 2"}},
	{"max-buffers 1 drop: the newest replaces the queued one (latest frame)", 1, true, "r0 r1 r2 p p",
		[]string{"render 0: queued (1 queued, 0 dropped)", "render 1: queued (1 queued, 1 dropped)", "render 2: queued (1 queued, 2 dropped)",
			"pull 2", "pull: empty"}},
	{"max-buffers 2 drop: the oldest goes, the two newest stay", 2, true, "r0 r1 r2 r3 p p",
		[]string{"render 0: queued (1 queued, 0 dropped)", "render 1: queued (2 queued, 0 dropped)", "render 2: queued (2 queued, 1 dropped)",
			"render 3: queued (2 queued, 2 dropped)", "pull 2", "pull 3"}},
	{"drop without a limit never drops", 0, true, "r0 r1 r2 r3 p",
		[]string{"render 0: queued (1 queued, 0 dropped)", "render 1: queued (2 queued, 0 dropped)", "render 2: queued (3 queued, 0 dropped)",
			"render 3: queued (4 queued, 0 dropped)", "pull 0"}},
}

func TestSampleQueue(t *testing.T) {
	for _, tc := range sampleQueueCases {
		t.Run(tc.description, func(t *testing.T) {
			got := runSampleScript(&SampleQueue{MaxBuffers: tc.max, Drop: tc.drop}, tc.script)
			if !slices.Equal(got, tc.want) {
				t.Errorf("SampleQueue{MaxBuffers: %d, Drop: %t}, script %q:\n got:\n%s\nwant:\n%s\n"+
					"hint: Render drops the OLDEST while full with Drop, else reports wait without taking the buffer;\n"+
					"MaxBuffers 0 is no limit; Pull takes the oldest (README: Step 3)",
					tc.max, tc.drop, tc.script, lines(got), lines(tc.want))
			}
		})
	}
}

// TestSampleQueueMatchesAppSink renders the same frames through a real
// appsink (gstmini/elements) and pulls them, for the scripts where no
// render waits (a waiting render would hold the test's own goroutine).
func TestSampleQueueMatchesAppSink(t *testing.T) {
	for _, tc := range []struct {
		max    int
		drop   bool
		frames int
		pulls  int
	}{{1, true, 5, 2}, {2, true, 5, 3}, {3, false, 3, 4}, {0, false, 4, 2}} {
		t.Run(fmt.Sprintf("max-buffers %d drop %t, %d frames then %d pulls", tc.max, tc.drop, tc.frames, tc.pulls), func(t *testing.T) {
			sink := elements.NewAppSink("appsink0")
			mustSet(t, sink, "max-buffers", tc.max)
			mustSet(t, sink, "drop", tc.drop)
			h := gstcheck.New(t, sink) // sync and async off, PLAYING
			q := &SampleQueue{MaxBuffers: tc.max, Drop: tc.drop}
			var script []string
			for i := range tc.frames {
				b := gstmini.NewBuffer(4)
				b.PTS, b.Offset = slot(i, 30), uint64(i)
				h.Push(b)
				script = append(script, fmt.Sprintf("r%d", i))
			}
			var ref []string
			for range tc.pulls {
				if s := sink.TryPullSample(0); s != nil {
					ref = append(ref, fmt.Sprintf("pull %d", s.Buffer.Offset))
					s.Unref()
				} else {
					ref = append(ref, "pull: empty")
				}
				script = append(script, "p")
			}
			got := runSampleScript(q, strings.Join(script, " "))
			got = got[tc.frames:]
			if !slices.Equal(got, ref) || q.Dropped() != int(sink.Dropped()) {
				t.Errorf("appsink pulled %v and dropped %d; SampleQueue pulled %v and dropped %d\nhint: README: Step 3",
					ref, sink.Dropped(), got, q.Dropped())
			}
		})
	}
}

// consumerRun is what an application pulling from appsink measured.
type consumerRun struct {
	pulled, dropped int
	latencyMax      time.Duration // pull time - PTS
	latencyAvg      time.Duration
	held            time.Duration // total time renders waited for room: the pipeline held back
}

func (r consumerRun) String() string {
	return fmt.Sprintf("pulled %d, dropped %d, latency max %v avg %v, renders held %v", r.pulled, r.dropped, r.latencyMax, r.latencyAvg, r.held)
}

// simulateConsumer runs frames 0..n-1 of a 10 fps producer through q on
// virtual time, in steps of 1 ms: frame k (PTS 100k ms) is rendered at
// 100k ms, its running time, or later if the render before it waited for
// room; the application pulls whenever it is free and spends work on each
// frame. With 130 ms of work no render and pull share an instant, so the
// numbers are exact.
func simulateConsumer(q *SampleQueue, n int, work time.Duration) consumerRun {
	var r consumerRun
	var sum time.Duration
	next := 0                      // next frame to render
	var pending *gstmini.Buffer    // a render waiting for room
	var pendingSince time.Duration // when it started waiting
	free := time.Duration(0)       // when the consumer is free to pull
	arrive := func(k int) time.Duration { return time.Duration(k) * 100 * ms }
	for now := time.Duration(0); now < 60*sec; now += ms {
		if pending == nil && next < n && now >= arrive(next) {
			b := gstmini.NewBuffer(4)
			b.PTS, b.Offset = time.Duration(next)*100*ms, uint64(next)
			next++
			if q.Render(b) {
				pending, pendingSince = b, now
			}
		}
		if now >= free {
			if b, ok := q.Pull(); ok && b != nil {
				lat := now - b.PTS
				r.pulled++
				sum += lat
				r.latencyMax = max(r.latencyMax, lat)
				free = now + work
				b.Unref()
				if pending != nil && !q.Render(pending) {
					r.held += now - pendingSince
					pending = nil
				}
			}
		}
		if next == n && pending == nil && q.Len() == 0 && now >= free {
			break
		}
	}
	r.dropped = q.Dropped()
	if r.pulled > 0 {
		r.latencyAvg = sum / time.Duration(r.pulled)
	}
	return r
}

// TestLatestFrameVersusEveryFrame: a 10 fps producer, a consumer that
// needs 130 ms per frame, 10 frames. The latest-frame appsink
// (max-buffers=1 drop=true) pulls at 0 (frame 0), 130 (1), 260 (2), 390
// (3), 520 (5: it replaced 4 at 500), 650 (6), 780 (7), 910 (9: it replaced
// 8): it never holds the pipeline and keeps latency under one frame of
// work, at the cost of 2 drops. The every-frame appsink (max-buffers=2)
// pulls frame k at 130k ms: nothing is dropped, latency grows by 30 ms a
// frame, and frame 9 waits 10 ms in render (900 to 910 ms) for room.
func TestLatestFrameVersusEveryFrame(t *testing.T) {
	for _, tc := range []struct {
		description string
		q           *SampleQueue
		want        consumerRun
	}{
		{"latest frame: max-buffers=1 drop=true", &SampleQueue{MaxBuffers: 1, Drop: true},
			consumerRun{pulled: 8, dropped: 2, latencyMax: 90 * ms, latencyAvg: 42500 * time.Microsecond}},
		{"every frame: max-buffers=2", &SampleQueue{MaxBuffers: 2},
			consumerRun{pulled: 10, dropped: 0, latencyMax: 270 * ms, latencyAvg: 135 * ms, held: 10 * ms}},
		{"every frame, no limit: the same latency, nothing held, the queue grows instead", &SampleQueue{},
			consumerRun{pulled: 10, dropped: 0, latencyMax: 270 * ms, latencyAvg: 135 * ms}},
	} {
		t.Run(tc.description, func(t *testing.T) {
			if got := simulateConsumer(tc.q, 10, 130*ms); got != tc.want {
				t.Errorf("10 frames at 10 fps, 130 ms of work per frame, %s:\n got %v\nwant %v\n"+
					"hint: these numbers only depend on Render and Pull: check TestSampleQueue first (README: Step 3)",
					tc.description, got, tc.want)
			}
		})
	}
}
