// Command full_pipeline runs the seed's complete live HLS pipeline: a
// 30 fps camera, a queue, a segmenter that cuts 6 s segments and an S3 sink
// that uploads each segment when the pipeline clock says it is due. It is
// the gst-launch-1.0 pipeline
//
//	gst-launch-1.0 -e livesource fps=30 ! queue ! hlssegmenter target-duration=6 ! s3sink upload-latency=500000000
//
// (livesource, hlssegmenter and s3sink are gstmini's models of a camera,
// hlssink2's segmenting and an S3 uploader).
//
// Run it with
//
//	go run ./gstmini/examples/full_pipeline
//	go run ./gstmini/examples/full_pipeline -duration 7s -upload-latency 200ms
//	go run ./gstmini/examples/full_pipeline -queue=false          # experiment 1: no queue
//	go run ./gstmini/examples/full_pipeline -sync=false           # experiment 2: no clock waits
//	go run ./gstmini/examples/full_pipeline -max-size-buffers 3 -max-size-time 0 -leaky upstream -upload-latency 1.5s
//	go run ./gstmini/examples/full_pipeline -fps 60 -target-duration 2 -json
//
// What to observe:
//   - The camera captures a frame every 33.3 ms, never later: the queue's
//     own goroutine does the pushing into the segmenter and sink, so a
//     sink that waits on the clock or uploads for 500 ms never holds up the
//     camera (capture_interval_ms p99 and max stay at 33.333 ms,
//     frames_dropped is 0).
//   - The sink renders segment n when running time reaches its first
//     frame's PTS plus the pipeline latency, 6.053 s = one camera frame
//     (33.3 ms) + the segment's target duration (6 s) + the sink's
//     processing deadline (20 ms): segment00001.ts (PTS 6 s) is rendered
//     at 12.053 s and uploaded at 12.553 s. segment00000.ts goes out at
//     once, at 6.000 s: the sink can answer the latency query only after
//     it prerolled on that segment, so the latency is redistributed (as
//     gst-launch-1.0 does on the sink's LATENCY message) while the sink
//     already syncs it with latency 0.
//   - EOS at -duration closes the partial last segment; it is uploaded at
//     its own due time, so the run ends about 6 s after -duration.
//   - With -queue=false the upload blocks the camera's goroutine and frames
//     are lost (see without_queue); with a small leaky queue the queue
//     drops instead and the camera stays steady.
//   - The table's first rows account for every frame: frames_slots (fps
//     per second until EOS) = uploaded + lost at the camera + dropped in
//     the queue, and frames_captured, what the camera delivered, =
//     uploaded + dropped in the queue. With -queue=false -target-duration 1s
//     -duration 4s -upload-latency 1.5s, EOS comes during an upload: the
//     slots of that last stall are lost too (120 = 32 + 88).
package main

import (
	"context"
	"fmt"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
	"github.com/gstmini/workbook/gstmini/examples/internal/demo"
)

// Build creates the pipeline "livesource ! queue ! hlssegmenter ! s3sink"
// (without the queue if cfg.Queue is false) configured from cfg, using
// clock as the pipeline clock. main passes a SystemClock; tests create one
// inside a testing/synctest bubble, so the run follows virtual time.
func Build(cfg demo.Config, clock gstmini.Clock) (*demo.HLSPipeline, error) {
	leaky, err := cfg.LeakyMode()
	if err != nil {
		return nil, err
	}
	h := &demo.HLSPipeline{
		Pipeline:  gstmini.NewPipeline("pipeline"),
		Camera:    elements.NewLiveSource("camera"),
		Segmenter: elements.NewHLSSegmenter("segmenter"),
		Sink:      elements.NewS3Sink("s3sink"),
	}
	h.Pipeline.UseClock(clock)
	if err := demo.SetProperties(h.Camera, "fps", cfg.FPS); err != nil {
		return nil, err
	}
	if err := demo.SetProperties(h.Segmenter, "target-duration", cfg.TargetDuration); err != nil {
		return nil, err
	}
	if err := demo.SetProperties(h.Sink, "upload-latency", cfg.UploadLatency, "sync", cfg.Sync); err != nil {
		return nil, err
	}
	chain := []gstmini.Element{h.Camera, h.Segmenter, h.Sink}
	if cfg.Queue {
		h.Queue = elements.NewQueue("queue")
		if err := demo.SetProperties(h.Queue,
			"max-size-buffers", cfg.MaxSizeBuffers,
			"max-size-bytes", cfg.MaxSizeBytes,
			"max-size-time", cfg.MaxSizeTime,
			"leaky", leaky); err != nil {
			return nil, err
		}
		chain = []gstmini.Element{h.Camera, h.Queue, h.Segmenter, h.Sink}
	}
	if err := h.Pipeline.Add(chain...); err != nil {
		return nil, err
	}
	if err := demo.LinkChain(chain...); err != nil {
		return nil, err
	}
	return h, nil
}

// run builds the pipeline on the system clock and drives it with demo.Run.
func run(ctx context.Context, cfg demo.Config, stop <-chan struct{}) error {
	h, err := Build(cfg, gstmini.NewSystemClock())
	if err != nil {
		return err
	}
	if !cfg.Quiet && !cfg.JSON {
		q := "no queue"
		if cfg.Queue {
			q = fmt.Sprintf("queue max-size-buffers=%d max-size-bytes=%d max-size-time=%v leaky=%s",
				cfg.MaxSizeBuffers, cfg.MaxSizeBytes, cfg.MaxSizeTime, cfg.Leaky)
		}
		fmt.Printf("full_pipeline: %d fps, %s, target-duration %v, upload-latency %v, sync=%t, EOS at %v\n",
			cfg.FPS, q, cfg.TargetDuration, cfg.UploadLatency, cfg.Sync, cfg.Duration)
	}
	_, err = demo.Run(ctx, cfg, demo.Session{Pipeline: h.Pipeline, Stop: stop, Report: h.Report(cfg)})
	return err
}

func main() {
	demo.Main("full_pipeline", demo.DefaultConfig(), demo.FlagsAll, nil, run)
}
