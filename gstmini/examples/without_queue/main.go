// Command without_queue shows why a live pipeline needs a queue after its
// source: without one, the camera's own goroutine carries every frame
// through the segmenter into the sink, and while the sink waits on the
// clock and uploads a segment, nobody reads the camera. It is the
// gst-launch-1.0 pipeline
//
//	gst-launch-1.0 -e livesource fps=30 ! hlssegmenter target-duration=6 ! s3sink upload-latency=1500000000 sync=true
//
// the seed's "without queue" demo done right: the seed's version never
// blocked, because its uploads took no time on the pushing thread. Here
// each upload takes -upload-latency (1.5 s by default) on the pipeline
// clock, inside the sink's render, on the camera's goroutine.
//
// Run it with
//
//	go run ./gstmini/examples/without_queue
//	go run ./gstmini/examples/without_queue -upload-latency 3s -duration 13s
//	go run ./gstmini/examples/without_queue -upload-latency 0   # no upload time: no stall
//
// What to observe:
//   - Every 6 s the frame that closes a segment enters the segmenter,
//     which pushes the segment to s3sink on the same goroutine. The sink
//     waits for the segment's due time (33 ms later: see below), then
//     uploads for 1.5 s. Only then does the push return and the camera
//     get read again: a 1.533 s capture gap, narrated as "capture
//     stalled: 45 frame(s) lost". The camera has one capture buffer, so
//     it keeps only the newest frame; the 45 frames captured meanwhile
//     are overwritten (frames_lost_camera).
//   - The capture interval is 33.333 ms except for those stalls
//     (capture_interval_ms max = 1533.333), listed after the run.
//   - The sink warns "not enough buffering available for the processing
//     deadline": without a queue, nothing upstream can hold data, so the
//     pipeline's maximum latency is the camera's one frame plus the 6 s
//     the segmenter holds, and the sink's 20 ms processing deadline does
//     not fit; the latency is capped at 6.033 s.
//   - Compare: go run ./gstmini/examples/full_pipeline -upload-latency 1.5s
//     (no frame lost; the queue absorbs the 1.5 s).
package main

import (
	"context"
	"fmt"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
	"github.com/gstmini/workbook/gstmini/examples/internal/demo"
)

// DefaultUploadLatency is the upload time without_queue uses by default:
// long enough, at 1.5 s, to make the stall obvious.
const DefaultUploadLatency = 1500 * time.Millisecond

// DefaultConfig returns without_queue's defaults: demo.DefaultConfig
// without the queue and with DefaultUploadLatency.
func DefaultConfig() demo.Config {
	cfg := demo.DefaultConfig()
	cfg.Queue = false
	cfg.UploadLatency = DefaultUploadLatency
	return cfg
}

// Build creates the pipeline "livesource ! hlssegmenter ! s3sink"
// configured from cfg (cfg.Queue and the queue settings are ignored), with
// clock as the pipeline clock.
func Build(cfg demo.Config, clock gstmini.Clock) (*demo.HLSPipeline, error) {
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
	if err := h.Pipeline.Add(h.Camera, h.Segmenter, h.Sink); err != nil {
		return nil, err
	}
	if err := demo.LinkChain(h.Camera, h.Segmenter, h.Sink); err != nil {
		return nil, err
	}
	return h, nil
}

// Report is without_queue's report: the HLS statistics and the list of
// capture stalls.
type Report struct {
	demo.Stats
	Stalls []demo.Stall `json:"stalls"`
}

// Rows implements demo.Report: the statistics, then one row per stall.
func (r Report) Rows() []demo.Row {
	rows := r.Stats.Rows()
	for i, s := range r.Stalls {
		rows = append(rows, demo.Row{
			Name:  fmt.Sprintf("stall %d", i+1),
			Value: fmt.Sprintf("%.3fs: %.3f ms", s.AtS, s.GapMS),
			Note:  fmt.Sprintf("no capture for %.1f frame intervals", s.GapMS*float64(r.FPS)/1000),
		})
	}
	return rows
}

// report returns the Session.Report function for h.
func report(cfg demo.Config, h *demo.HLSPipeline) func(demo.Result) demo.Report {
	return func(res demo.Result) demo.Report {
		return Report{Stats: h.Stats(cfg, res), Stalls: h.Stalls(cfg.FPS)}
	}
}

// run builds the pipeline on the system clock and drives it with demo.Run.
func run(ctx context.Context, cfg demo.Config, stop <-chan struct{}) error {
	h, err := Build(cfg, gstmini.NewSystemClock())
	if err != nil {
		return err
	}
	if !cfg.Quiet && !cfg.JSON {
		fmt.Printf("without_queue: %d fps, no queue, target-duration %v, upload-latency %v, sync=%t, EOS at %v\n",
			cfg.FPS, cfg.TargetDuration, cfg.UploadLatency, cfg.Sync, cfg.Duration)
	}
	_, err = demo.Run(ctx, cfg, demo.Session{Pipeline: h.Pipeline, Stop: stop, Report: report(cfg, h)})
	return err
}

func main() {
	demo.Main("without_queue", DefaultConfig(), demo.FlagsOutput|demo.FlagsRun|demo.FlagsCamera|demo.FlagsHLS, nil, run)
}
