package main

import (
	"bytes"
	"io"
	"strings"
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

const frame30 = time.Second / 30

// runInBubble builds the pipeline for cfg and runs it to the end, narrating into
// log (nil: quiet). Call it inside a synctest bubble, where the
// SystemClock created here follows virtual time.
func runInBubble(t *testing.T, cfg demo.Config, log io.Writer) (Report, *demo.HLSPipeline) {
	t.Helper()
	cfg.Quiet = log == nil
	h, err := Build(cfg, gstmini.NewSystemClock())
	require.NoError(t, err)
	res, err := demo.Run(t.Context(), cfg, demo.Session{Pipeline: h.Pipeline, Out: io.Discard, Log: log, Report: report(cfg, h)})
	require.NoError(t, err)
	r, ok := res.Report.(Report)
	require.True(t, ok, "Run returned report %T", res.Report)
	return r, h
}

// TestWithoutQueue_BlockingUploadsStallTheCamera: 30 fps, 6 s segments,
// 1.5 s uploads, 20 s. Without a queue the pipeline's latency is the
// camera's frame plus the target, 6.033 s: the camera's maximum latency is
// one frame and nothing else can buffer, so the sink's 20 ms processing
// deadline does not fit (the sink warns and caps the minimum at the
// maximum). Frame 180k (PTS 6k s) closes segment k-1 on the camera's
// goroutine; the sink renders that segment at 6(k-1) s + 6.033 s, 33 ms
// after the frame's capture, and uploads for 1.5 s. The camera is read
// again 1.533 s after the capture: 45 frame slots were missed, and the
// camera's single capture buffer kept only the last frame. Segment 0 is
// special: the sink prerolls on it and the application configures the
// latency at that instant, so it may be synced with latency 0, at 6.000 s,
// and miss 44 slots only.
func TestWithoutQueue_BlockingUploadsStallTheCamera(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := DefaultConfig()
		r, h := runInBubble(t, cfg, nil)
		st := r.Stats

		assert.Positive(t, st.FramesDropped, "frames_dropped")
		assert.Equal(t, st.FramesLostCamera, st.FramesDropped, "frames_dropped: all lost by the camera")
		assert.GreaterOrEqual(t, st.CaptureInterval.Max, 1500.0, "capture_interval_ms.max >= upload-latency")
		assert.InDelta(t, 1533.333, st.CaptureInterval.Max, 0.001, "capture_interval_ms.max: 33.3 ms sync wait + 1.5 s upload")
		assert.InDelta(t, 6033.333, st.PipelineLatencyMS, 0.001, "pipeline_latency_ms")
		assert.Contains(t, []uint64{134, 135}, st.FramesLostCamera, "frames_lost_camera: 44 or 45 + 45 + 45")
		assert.Equal(t, uint64(600), st.FramesSlots, "frames_slots: 20 s at 30 fps")
		assert.Equal(t, st.FramesSlots, st.FramesCaptured+st.FramesLostCamera, "captured + lost = every slot before 20 s")
		assert.Equal(t, int(st.FramesCaptured), st.FramesUploaded, "every frame read from the camera is uploaded")
		assert.NoError(t, st.CheckAccounting(), "every frame accounted for")
		assert.Equal(t, 33.333, st.CaptureInterval.P50, "capture_interval_ms.p50: steady between stalls")

		// Three segments close before EOS, three stalls: at 6, 12 and 18 s.
		require.Len(t, r.Stalls, 3)
		for i, s := range r.Stalls {
			assert.InDelta(t, float64(6*(i+1)), s.AtS, 0.001, "stall %d starts at the closing frame's capture", i+1)
			assert.GreaterOrEqual(t, s.GapMS, 1500.0, "stall %d", i+1)
		}
		assert.Equal(t, uint64(4), h.Sink.SegmentsUploaded())
	})
}

// TestWithoutQueue_EOSDuringAnUploadLosesTheSlotsOfTheStall: EOS at 7 s
// comes while the camera's goroutine uploads segment 0 (from about 6 s to
// 7.5 s). The stream ends there: slots 181-209 passed with nobody reading
// the camera, and are lost. Frame 180, which closed segment 0, opens the
// last segment, which EOS closes and the sink uploads.
func TestWithoutQueue_EOSDuringAnUploadLosesTheSlotsOfTheStall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.Duration = 7 * time.Second
		r, h := runInBubble(t, cfg, nil)
		st := r.Stats

		assert.Equal(t, uint64(210), st.FramesSlots, "frames_slots: slots 0-209 came before EOS at 7 s")
		assert.Equal(t, uint64(181), st.FramesCaptured, "frames_captured: frames 0-180, read before the upload began")
		assert.Equal(t, uint64(29), st.FramesLostCamera, "frames_lost_camera: slots 181-209 passed during the upload, before EOS")
		assert.Equal(t, 181, st.FramesUploaded, "frames_uploaded: segment 0 (frames 0-179) and the last one, frame 180")
		assert.Equal(t, []int{180, 1}, framesPerUpload(h), "frames per upload")
		assert.NoError(t, st.CheckAccounting(), "every frame accounted for")
	})
}

func TestWithoutQueue_NoUploadTimeNoStall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.UploadLatency = 0
		r, _ := runInBubble(t, cfg, nil)

		// The push now returns when the sink's sync wait ends, at the
		// closing frame's PTS + 6.033 s - 6 s: exactly the next frame's
		// slot. The camera is read just in time, without a gap.
		assert.Zero(t, r.FramesDropped, "frames_dropped")
		assert.Equal(t, uint64(600), r.FramesSlots, "frames_slots: 20 s at 30 fps")
		assert.NoError(t, r.CheckAccounting(), "every frame accounted for")
		assert.InDelta(t, 1000/30.0, r.CaptureInterval.Max, 0.001, "capture_interval_ms.max")
		assert.Empty(t, r.Stalls)
	})
}

// framesPerUpload lists the frame count of each upload.
func framesPerUpload(h *demo.HLSPipeline) []int {
	var out []int
	for _, u := range h.Sink.Uploads() {
		out = append(out, len(u.Frames))
	}
	return out
}

func TestWithoutQueue_NarratesStallsAndTheDeadlineWarning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := DefaultConfig()
		var log bytes.Buffer
		runInBubble(t, cfg, &log)

		text := log.String()
		assert.Contains(t, text, "[ 13.533s] camera: capture stalled: 45 frames lost")
		assert.Contains(t, text, "WARNING from s3sink: s3sink: not enough buffering available for the processing deadline of 20ms")
		assert.Contains(t, text, "[ 13.533s] s3sink: uploaded segment00001.ts")
		assert.Equal(t, 3, strings.Count(text, "capture stalled"), "narration:\n%s", text)
	})
}
