package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/examples/internal/demo"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The tests run Build and demo.Run inside a testing/synctest bubble with a
// SystemClock created in the bubble: the clock follows virtual time, so a
// 20 s run (26 s until the last upload) takes milliseconds, and every
// number below is exact. The pipeline latency is computed as GStreamer
// does: the camera answers min = max = one frame (33.333 ms at 30 fps),
// the segmenter adds its target duration, a non-leaky queue adds its
// max-size-time to the maximum only, and the syncing s3sink adds its
// processing-deadline (20 ms) to the minimum:
//
//	latency = 33.333 ms + 6 s + 20 ms = 6.053333 s
//
// The sink renders segment n when running time reaches its first frame's
// PTS + latency, and its upload finishes upload-latency later. One
// subtlety: the sink can answer the latency query only once it has
// prerolled, on segment 0, and the application (demo.Run, like
// gst-launch-1.0) redistributes the latency when the sink's LATENCY message
// reaches it. Segment 0 is synced at that same instant, with latency 0 or
// 6.053 s depending on which goroutine gets there first; no assertion
// depends on segment 0's render time.

const (
	frame30  = time.Second / 30
	deadline = 20 * time.Millisecond // BaseSink's default processing-deadline
)

// runHLS builds the pipeline for cfg (quiet) and runs it to the end. Call
// it inside a synctest bubble.
func runHLS(t *testing.T, cfg demo.Config) (demo.Stats, *demo.HLSPipeline) {
	t.Helper()
	cfg.Quiet = true
	h, err := Build(cfg, gstmini.NewSystemClock())
	require.NoError(t, err)
	res, err := demo.Run(t.Context(), cfg, demo.Session{Pipeline: h.Pipeline, Out: io.Discard})
	require.NoError(t, err)
	return h.Stats(cfg, res), h
}

// msOf returns d in milliseconds, as Stats reports durations.
func msOf(d time.Duration) float64 { return float64(d) / 1e6 }

// framesPerUpload lists the frame count of each upload.
func framesPerUpload(h *demo.HLSPipeline) []int {
	var out []int
	for _, u := range h.Sink.Uploads() {
		out = append(out, len(u.Frames))
	}
	return out
}

// assertSteadyCamera checks the seed's promise for the camera: it is read
// every frame interval, never later, and loses nothing.
func assertSteadyCamera(t *testing.T, st demo.Stats, interval time.Duration) {
	t.Helper()
	assert.Zero(t, st.FramesLostCamera, "frames_lost_camera")
	assert.InDelta(t, msOf(interval), st.CaptureInterval.P99, 1, "capture_interval_ms.p99")
	assert.InDelta(t, msOf(interval), st.CaptureInterval.Max, 1, "capture_interval_ms.max")
	assert.Zero(t, st.CaptureStalls, "capture_stalls")
}

// assertEveryFrameAccountedFor checks the invariants of "Every frame
// accounted for" on demo.Stats: every capture slot is uploaded, lost at the
// camera, dropped in the queue or (only when the pipeline stopped with data
// in flight) not uploaded; every frame the camera delivered is one of the
// last three; every segment closed is uploaded or not uploaded.
func assertEveryFrameAccountedFor(t *testing.T, st demo.Stats, when string) {
	t.Helper()
	assert.Equal(t, int64(st.FramesSlots),
		int64(st.FramesUploaded)+int64(st.FramesLostCamera)+int64(st.QueueDropped)+int64(st.FramesNotUploaded),
		"%s: frames_slots %d; want frames_uploaded %d + frames_lost_camera %d + queue_dropped %d + frames_not_uploaded %d: "+
			"every capture slot ends in exactly one count", when, st.FramesSlots, st.FramesUploaded, st.FramesLostCamera, st.QueueDropped, st.FramesNotUploaded)
	assert.Equal(t, int64(st.FramesCaptured), int64(st.FramesUploaded)+int64(st.QueueDropped)+int64(st.FramesNotUploaded),
		"%s: frames_captured %d; want frames_uploaded %d + queue_dropped %d + frames_not_uploaded %d: "+
			"a frame the camera delivered is uploaded, dropped in the queue, or in data the stop discarded", when,
		st.FramesCaptured, st.FramesUploaded, st.QueueDropped, st.FramesNotUploaded)
	assert.Equal(t, st.SegmentsClosed, st.SegmentsUploaded+st.SegmentsNotUploaded,
		"%s: segments_closed %d; want segments_uploaded %d + segments_not_uploaded %d: every segment the segmenter closed is uploaded, "+
			"or recorded by the sink with the reason", when, st.SegmentsClosed, st.SegmentsUploaded, st.SegmentsNotUploaded)
	assert.NoError(t, st.CheckAccounting(), "%s: Stats.CheckAccounting agrees", when)
}

// accounting is where the slots of a run ended.
type accounting struct {
	slots, captured, lost, queueDropped uint64
	uploaded, notUploaded               int
	segmentsClosed, segmentsUploaded    uint64
	notUploadedReasons                  map[string]int
}

func accountingOf(st demo.Stats) accounting {
	return accounting{st.FramesSlots, st.FramesCaptured, st.FramesLostCamera, st.QueueDropped,
		st.FramesUploaded, st.FramesNotUploaded, st.SegmentsClosed, st.SegmentsUploaded, st.NotUploaded}
}

// TestFullPipeline_EveryFrameIsAccountedFor runs every set-up of the
// examples and lessons for 4 s at 30 fps with 1 s segments, 120 frame
// slots, and checks where each slot ended. Runs that end with EOS
// (-duration) upload, lose or drop every slot, however the camera was
// blocked when EOS came; runs stopped by NULL (a cancelled context) count
// the data in flight as not uploaded.
func TestFullPipeline_EveryFrameIsAccountedFor(t *testing.T) {
	const upload = 1500 * time.Millisecond
	cases := []struct {
		name    string
		setup   func(*demo.Config)
		abortAt time.Duration // NULL at this running time instead of EOS at 4 s; 0: EOS. Off the slot grid, see demo.EOSLead
		want    accounting
	}{
		{name: "queue with GStreamer's defaults: nothing lost",
			setup: func(c *demo.Config) {},
			want:  accounting{slots: 120, captured: 120, uploaded: 120, segmentsClosed: 4, segmentsUploaded: 4}},
		{name: "non-leaky queue that fills: the camera blocks on it and loses frames, EOS while it is blocked",
			setup: func(c *demo.Config) { c.UploadLatency = upload },
			want:  accounting{slots: 120, captured: 79, lost: 41, uploaded: 79, segmentsClosed: 4, segmentsUploaded: 4}},
		{name: "no queue: EOS while the camera's goroutine uploads, the slots of that stall are lost",
			setup: func(c *demo.Config) { c.Queue, c.UploadLatency = false, upload },
			want:  accounting{slots: 120, captured: 32, lost: 88, uploaded: 32, segmentsClosed: 3, segmentsUploaded: 3}},
		{name: "leaky=downstream: the queue drops the oldest, the camera loses nothing",
			setup: func(c *demo.Config) {
				c.MaxSizeBuffers, c.MaxSizeTime, c.Leaky, c.UploadLatency = 5, 0, "downstream", upload
			},
			want: accounting{slots: 120, captured: 120, queueDropped: 83, uploaded: 37, segmentsClosed: 4, segmentsUploaded: 4}},
		{name: "leaky=upstream: the queue drops the newest, the camera loses nothing",
			setup: func(c *demo.Config) {
				c.MaxSizeBuffers, c.MaxSizeTime, c.Leaky, c.UploadLatency = 5, 0, "upstream", upload
			},
			want: accounting{slots: 120, captured: 120, queueDropped: 78, uploaded: 42, segmentsClosed: 3, segmentsUploaded: 3}},
		{name: "sync=false",
			setup: func(c *demo.Config) { c.Sync = false },
			want:  accounting{slots: 120, captured: 120, uploaded: 120, segmentsClosed: 4, segmentsUploaded: 4}},
		{name: "no queue, sync=false: EOS while the camera's goroutine uploads",
			setup: func(c *demo.Config) { c.Queue, c.Sync, c.UploadLatency = false, false, upload },
			want:  accounting{slots: 120, captured: 32, lost: 88, uploaded: 32, segmentsClosed: 3, segmentsUploaded: 3}},
		// NULL at 1.99 s, slots 0-59: segment 0 (frames 0-29) is uploading
		// since 1 s; frame 30, which closed it, is in the segmenter.
		{name: "no queue, NULL while the camera's goroutine uploads",
			setup: func(c *demo.Config) { c.Queue, c.UploadLatency = false, upload }, abortAt: 2*time.Second - 10*time.Millisecond,
			want: accounting{slots: 60, captured: 31, lost: 29, notUploaded: 31, segmentsClosed: 1,
				notUploadedReasons: map[string]int{"shutdown": 1}}},
		{name: "queue, NULL while its goroutine uploads: the queue's 29 frames are discarded",
			setup: func(c *demo.Config) { c.UploadLatency = upload }, abortAt: 2*time.Second - 10*time.Millisecond,
			want: accounting{slots: 60, captured: 60, queueDropped: 29, notUploaded: 31, segmentsClosed: 1,
				notUploadedReasons: map[string]int{"shutdown": 1}}},
		{name: "queue, NULL while the camera is blocked on the full queue",
			setup: func(c *demo.Config) { c.UploadLatency = upload }, abortAt: 3500*time.Millisecond - 10*time.Millisecond,
			want: accounting{slots: 105, captured: 79, lost: 26, queueDropped: 18, uploaded: 30, notUploaded: 31,
				segmentsClosed: 2, segmentsUploaded: 1, notUploadedReasons: map[string]int{"shutdown": 1}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cfg := demo.DefaultConfig()
				cfg.Duration, cfg.TargetDuration, cfg.Quiet = 4*time.Second, time.Second, true
				tc.setup(&cfg)
				h, err := Build(cfg, gstmini.NewSystemClock())
				require.NoError(t, err)
				ctx := t.Context()
				if tc.abortAt > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tc.abortAt)
					defer cancel()
				}
				res, err := demo.Run(ctx, cfg, demo.Session{Pipeline: h.Pipeline, Out: io.Discard})
				if tc.abortAt > 0 {
					require.ErrorIs(t, err, context.DeadlineExceeded, "the run is stopped by NULL at %v", tc.abortAt)
				} else {
					require.NoError(t, err)
				}
				st := h.Stats(cfg, res)

				assertEveryFrameAccountedFor(t, st, tc.name)
				assert.Equal(t, tc.want, accountingOf(st), "where the %d slots ended", st.FramesSlots)
			})
		})
	}
}

func TestFullPipeline_QueueKeepsTheCameraSteady(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st, h := runHLS(t, demo.DefaultConfig()) // 30 fps, 6 s, 500 ms uploads, 20 s

		assert.Equal(t, uint64(600), st.FramesCaptured, "frames_captured: 20 s × 30 fps")
		assert.Zero(t, st.FramesDropped, "frames_dropped")
		assertSteadyCamera(t, st, frame30)

		// Frames 0-179, 180-359 and 360-539 make three full segments: frame
		// 180 (PTS 6.000 s) is the first to reach seg_start + 6 s and closes
		// segment 0. EOS closes the partial segment 540-599 (2 s).
		assert.Equal(t, uint64(4), st.SegmentsUploaded, "segments_uploaded: 3 full + the partial one at EOS")
		assert.Equal(t, []int{180, 180, 180, 60}, framesPerUpload(h))

		// One sync wait per segment, plus one for EOS (synced on the end of
		// the last segment, 20 s + latency).
		assert.Equal(t, uint64(5), st.ClockWaits, "clock_waits")

		latency := frame30 + 6*time.Second + deadline
		assert.InDelta(t, msOf(latency), st.PipelineLatencyMS, 0.001, "pipeline_latency_ms")
		// The oldest frame of a segment waits the longest: from its
		// capture at PTS p, the sink renders at p + latency and the upload
		// takes 500 ms more (segments 1-3; segment 0 may be earlier).
		assert.InDelta(t, msOf(latency+500*time.Millisecond), st.Latency.Max, 0.001, "latency_ms.max")
		// The last upload (segment 3, PTS 18 s) finishes at 18 s + 6.053 s
		// + 0.5 s; EOS is synced on its end, 20 s + 6.053 s.
		assert.InDelta(t, (20*time.Second + latency).Seconds(), st.RunS, 0.001, "run_s")
		// The queue absorbs what arrives while a segment syncs (53 ms) and
		// uploads (500 ms): 17 frames at most, far below its limits.
		assert.LessOrEqual(t, st.QueueMaxLevel, uint(17), "queue_max_level")
	})
}

func TestFullPipeline_WithoutQueueBlockingUploadsLoseFrames(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := demo.DefaultConfig()
		cfg.Queue = false
		cfg.UploadLatency = 1500 * time.Millisecond
		st, h := runHLS(t, cfg)

		// The camera's goroutine pushes the closing frame through the
		// segmenter into the sink, which syncs and uploads before the push
		// returns: the camera is not read for the sync wait plus 1.5 s.
		assert.Positive(t, st.FramesDropped, "frames_dropped")
		assert.Equal(t, st.FramesLostCamera, st.FramesDropped, "without a queue every drop is a camera loss")
		assert.GreaterOrEqual(t, st.CaptureInterval.Max, msOf(cfg.UploadLatency), "capture_interval_ms.max")
		// Without a queue the maximum latency is the camera's frame plus
		// the target, 6.033 s, and the sink's 20 ms deadline does not fit
		// (it warns and caps the latency there). Segments 1 and 2 stall the
		// camera from their closing frame's capture to 33 ms + 1.5 s later:
		// 45 frame slots missed each; segment 0 misses 44 or 45 (see the
		// latency note at the top).
		assert.InDelta(t, msOf(frame30+6*time.Second), st.PipelineLatencyMS, 0.001, "pipeline_latency_ms")
		assert.InDelta(t, msOf(frame30+cfg.UploadLatency), st.CaptureInterval.Max, 0.001, "capture_interval_ms.max")
		assert.Contains(t, []uint64{134, 135}, st.FramesLostCamera, "frames_lost_camera: 44 or 45 + 45 + 45")
		assert.Equal(t, int(st.FramesCaptured), st.FramesUploaded, "every captured frame is uploaded")
		assert.Equal(t, uint64(4), st.SegmentsUploaded)
		assert.Len(t, h.Stalls(cfg.FPS), 3, "one stall per closed segment")
	})
}

func TestFullPipeline_SmallLeakyQueueDropsInsteadOfTheCamera(t *testing.T) {
	for _, leaky := range []string{"upstream", "downstream"} {
		t.Run("leaky="+leaky, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cfg := demo.DefaultConfig()
				cfg.MaxSizeBuffers, cfg.MaxSizeTime, cfg.Leaky = 3, 0, leaky
				cfg.UploadLatency = 1500 * time.Millisecond
				st, _ := runHLS(t, cfg)

				// The queue's goroutine is blocked for 1.5 s per segment;
				// its 3 slots fill in 100 ms and the rest leaks in the queue
				// (upstream: the newest frames, downstream: the oldest). The
				// camera's push never blocks.
				assert.Positive(t, st.QueueDropped, "queue_dropped")
				assert.Equal(t, st.QueueDropped, st.FramesDropped, "every drop happens in the queue")
				assertSteadyCamera(t, st, frame30)
				assert.Equal(t, uint64(600), st.FramesCaptured)
				assert.LessOrEqual(t, st.QueueMaxLevel, uint(3), "queue_max_level")
				assert.Equal(t, int(st.FramesCaptured), st.FramesUploaded+int(st.QueueDropped),
					"each captured frame is uploaded or dropped by the queue")
			})
		})
	}
}

// TestFullPipeline_BurstyUploads: 2 s segments and 1.5 s uploads. Each
// segment blocks the queue's goroutine for 1.553 s (the 53 ms sync wait,
// then the upload) out of every 2 s.
//
// A large blocking queue (100 buffers, no byte or time limit) holds the
// 46 frames captured meanwhile (slots in (2 s, 3.553 s]) and drains them
// in the remaining 0.447 s: nothing is lost.
//
// A small downstream-leaky queue (5 buffers) keeps only the 5 newest and
// drops the other 41 per segment. The seed expected it to have a lower
// latency. Its median latency is lower indeed, since the frames it keeps
// are the freshest. But its maximum is the same: latency here is set by
// the sink's clock sync, not by the queue. Each segment still starts with
// the frame that closed the previous one (PTS 2k s, queued before the
// block), rendered at 2k s + 2.053 s and uploaded 1.5 s later, whichever
// queue is used, because both queues drain before the segment's due time.
// A queue raises the maximum latency only when its backlog outlasts that
// due time: an overload, where a blocking queue fills and the camera loses
// frames.
func TestFullPipeline_BurstyUploads(t *testing.T) {
	bursty := func() demo.Config {
		cfg := demo.DefaultConfig()
		cfg.TargetDuration = 2 * time.Second
		cfg.UploadLatency = 1500 * time.Millisecond
		return cfg
	}
	latency := frame30 + 2*time.Second + deadline
	var large, small demo.Stats
	t.Run("large blocking queue", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			cfg := bursty()
			cfg.MaxSizeBuffers, cfg.MaxSizeTime, cfg.MaxSizeBytes, cfg.Leaky = 100, 0, 0, "none"
			large, _ = runHLS(t, cfg)

			assert.Zero(t, large.FramesDropped, "frames_dropped")
			assertSteadyCamera(t, large, frame30)
			assert.GreaterOrEqual(t, large.QueueMaxLevel, uint(30), "queue_max_level: over a second of frames")
			assert.Equal(t, uint(46), large.QueueMaxLevel, "queue_max_level: the slots in (2 s, 3.553 s]")
			assert.Equal(t, uint64(10), large.SegmentsUploaded)
			assert.InDelta(t, msOf(latency+cfg.UploadLatency), large.Latency.Max, 0.001, "latency_ms.max")
		})
	})
	t.Run("small leaky=downstream queue", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			cfg := bursty()
			cfg.MaxSizeBuffers, cfg.MaxSizeTime, cfg.Leaky = 5, 0, "downstream"
			small, _ = runHLS(t, cfg)

			assert.Positive(t, small.QueueDropped, "queue_dropped")
			assert.LessOrEqual(t, small.QueueMaxLevel, uint(5), "queue_max_level")
			assertSteadyCamera(t, small, frame30)
			assert.Equal(t, uint64(10), small.SegmentsUploaded)
			assert.InDelta(t, msOf(latency+cfg.UploadLatency), small.Latency.Max, 0.001, "latency_ms.max")
		})
	})
	if t.Failed() {
		return
	}
	assert.Less(t, small.Latency.P50, large.Latency.P50, "latency_ms.p50: the leaky queue keeps the freshest frames")
	assert.Equal(t, large.Latency.Max, small.Latency.Max, "latency_ms.max: set by the sink's sync (see the test doc)")
}

func TestFullPipeline_SyncFalseNeverWaitsOnTheClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := demo.DefaultConfig()
		cfg.Sync = false
		st, h := runHLS(t, cfg)

		assert.Zero(t, st.ClockWaits, "clock_waits")
		assert.Equal(t, uint64(4), st.SegmentsUploaded)
		// A sink that does not sync is not live: no latency is configured,
		// and each segment is uploaded as soon as it closes.
		assert.Zero(t, st.PipelineLatencyMS, "pipeline_latency_ms")
		for i, u := range h.Sink.Uploads()[:3] {
			closed := time.Duration(i+1) * 6 * time.Second
			assert.Equal(t, closed, u.Started, "%s rendered when the next segment's first frame arrived", u.URI)
		}
	})
}

func TestFullPipeline_SegmentCountFollowsTargetDuration(t *testing.T) {
	cases := []struct {
		fps      int
		target   time.Duration
		segments uint64
		frames   int // per segment
	}{
		{fps: 60, target: 2 * time.Second, segments: 10, frames: 120},
		{fps: 30, target: 2 * time.Second, segments: 10, frames: 60},
		{fps: 60, target: 6 * time.Second, segments: 4}, // 3 full + 2 s partial
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%dfps target %v", tc.fps, tc.target), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cfg := demo.DefaultConfig()
				cfg.FPS, cfg.TargetDuration = tc.fps, tc.target
				st, h := runHLS(t, cfg)

				assert.Equal(t, tc.segments, st.SegmentsUploaded, "segments_uploaded")
				assert.Equal(t, uint64(20*tc.fps), st.FramesCaptured, "frames_captured")
				assert.Zero(t, st.FramesDropped)
				assertSteadyCamera(t, st, time.Second/time.Duration(tc.fps))
				if tc.frames > 0 {
					for _, n := range framesPerUpload(h) {
						assert.Equal(t, tc.frames, n, "frames per segment")
					}
				}
			})
		})
	}
}

func TestFullPipeline_JSONHasTheDocumentedFields(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := demo.DefaultConfig()
		cfg.Duration, cfg.JSON, cfg.Quiet = 7*time.Second, true, true
		h, err := Build(cfg, gstmini.NewSystemClock())
		require.NoError(t, err)
		var out bytes.Buffer
		_, err = demo.Run(t.Context(), cfg, demo.Session{Pipeline: h.Pipeline, Out: &out, Report: h.Report(cfg)})
		require.NoError(t, err)

		var got map[string]any
		require.NoError(t, json.Unmarshal(out.Bytes(), &got), "output: %s", out.String())
		for _, key := range []string{"frames_slots", "frames_captured", "frames_dropped", "capture_interval_ms", "queue_dropped",
			"queue_max_level", "segments_uploaded", "clock_waits", "latency_ms", "frames_lost_camera",
			"frames_uploaded", "frames_not_uploaded", "segments_closed", "segments_not_uploaded"} {
			assert.Contains(t, got, key)
		}
		assert.Subset(t, keys(got["capture_interval_ms"]), []string{"p50", "p99", "max"})
		assert.Subset(t, keys(got["latency_ms"]), []string{"p50", "max"})
		assert.Equal(t, 210.0, got["frames_slots"], "frames_slots: 7 s at 30 fps")
		assert.Equal(t, 210.0, got["frames_captured"])
		assert.Equal(t, 2.0, got["segments_uploaded"])
	})
}

func TestFullPipeline_NarrationStampsRunningTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := demo.DefaultConfig()
		cfg.Duration = 13 * time.Second
		h, err := Build(cfg, gstmini.NewSystemClock())
		require.NoError(t, err)
		var out bytes.Buffer
		_, err = demo.Run(t.Context(), cfg, demo.Session{Pipeline: h.Pipeline, Out: &out, Report: h.Report(cfg)})
		require.NoError(t, err)

		text := out.String()
		assert.Contains(t, text, "[ 12.553s] s3sink: uploaded segment00001.ts (180 frames, PTS 6.000s-12.000s; rendered at 12.053s, upload took 500ms)")
		assert.Contains(t, text, "[ 13.000s] EOS sent")
		assert.Contains(t, text, "latency redistributed: s3sink now renders each buffer at base_time + running_time + 6.053s")
		assert.Contains(t, text, "[ 19.053s] EOS: every sink has rendered end-of-stream")
		assert.Contains(t, text, "segments_uploaded")
	})
}

func TestFullPipeline_StopSendsEOSEarly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := demo.DefaultConfig()
		cfg.Quiet = true
		h, err := Build(cfg, gstmini.NewSystemClock())
		require.NoError(t, err)
		stop := make(chan struct{})
		// Ctrl-C just before 7 s: at exactly 7 s it would race the capture
		// of frame 210 (see demo.EOSLead).
		at := 7*time.Second - time.Millisecond
		time.AfterFunc(at, func() { close(stop) })
		res, err := demo.Run(t.Context(), cfg, demo.Session{Pipeline: h.Pipeline, Out: io.Discard, Stop: stop})
		require.NoError(t, err)

		assert.Equal(t, at, res.EOSSent, "EOS sent on stop")
		assert.Equal(t, []int{180, 30}, framesPerUpload(h), "frames 0-179, then the partial segment 180-209")
		assert.Equal(t, gstmini.StateNull, h.Pipeline.CurrentState())
	})
}

func TestFullPipeline_CancelledContextAborts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := demo.DefaultConfig()
		cfg.Quiet = true
		h, err := Build(cfg, gstmini.NewSystemClock())
		require.NoError(t, err)
		// Just before 3 s: at exactly 3 s the cancellation would race the
		// capture of frame 90 (see demo.EOSLead).
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second-time.Millisecond)
		defer cancel()
		_, err = demo.Run(ctx, cfg, demo.Session{Pipeline: h.Pipeline, Out: io.Discard})

		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, gstmini.StateNull, h.Pipeline.CurrentState())
		assert.Zero(t, h.Sink.SegmentsUploaded())
		// NULL at 2.999 s: frames 0-89 were delivered; segment 0 is still
		// open, so the segmenter discards all 90 (frames_not_uploaded).
		st := h.Stats(cfg, demo.Result{EOS: gstmini.ClockTimeNone})
		assertEveryFrameAccountedFor(t, st, "NULL at 2.999 s")
		assert.Equal(t, uint64(90), st.FramesSlots, "frames_slots: slots 0-89 came before NULL at 2.999 s")
		assert.Equal(t, 90, st.FramesNotUploaded, "frames_not_uploaded: the segmenter discarded its open segment")
	})
}

func keys(v any) []string {
	m, _ := v.(map[string]any)
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
