package demo

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
)

// HLSPipeline is the seed's live HLS pipeline and handles on its elements,
//
//	livesource ! [queue !] hlssegmenter ! s3sink
//
// as full_pipeline and without_queue build it. Queue is nil when the
// pipeline has no queue. The zero value is not useful: the examples' Build
// functions fill it in.
type HLSPipeline struct {
	Pipeline  *gstmini.Pipeline
	Camera    *elements.LiveSource
	Queue     *elements.Queue // nil without a queue
	Segmenter *elements.HLSSegmenter
	Sink      *elements.S3Sink
}

// LinkChain links the "src" pad of each element to the "sink" pad of the
// next, as gst_element_link_many does for the simple elements of these
// examples.
func LinkChain(elems ...gstmini.Element) error {
	for i := 0; i+1 < len(elems); i++ {
		up, down := elems[i].Base(), elems[i+1].Base()
		src, sink := up.StaticPad("src"), down.StaticPad("sink")
		if src == nil || sink == nil {
			return fmt.Errorf("link %s ! %s: no src or sink pad", up.Name(), down.Name())
		}
		if err := src.Link(sink); err != nil {
			return fmt.Errorf("link %s ! %s: %w", up.Name(), down.Name(), err)
		}
	}
	return nil
}

// SetProperties sets name/value pairs on e, as g_object_set does,
// stopping at the first error. It calls e's own SetProperty, so an
// element's conversions apply (HLSSegmenter takes a bare integer
// target-duration as seconds).
func SetProperties(e gstmini.Element, nameValues ...any) error {
	type setter interface {
		SetProperty(name string, value any) error
	}
	s, ok := e.(setter)
	if !ok {
		return fmt.Errorf("%s: cannot set properties", e.Base().Name())
	}
	if len(nameValues)%2 != 0 {
		return fmt.Errorf("%s: SetProperties needs name/value pairs, got %d values", e.Base().Name(), len(nameValues))
	}
	for i := 0; i < len(nameValues); i += 2 {
		name, ok := nameValues[i].(string)
		if !ok {
			return fmt.Errorf("%s: property name %v is not a string", e.Base().Name(), nameValues[i])
		}
		if err := s.SetProperty(name, nameValues[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// Milliseconds summarises a set of durations in milliseconds. Percentiles
// are nearest-rank: P50 is the smallest value with at least half of the
// values at or below it.
type Milliseconds struct {
	P50 float64 `json:"p50"`
	P99 float64 `json:"p99,omitempty"`
	Max float64 `json:"max"`
}

// LatencyMilliseconds is Milliseconds without P99, for latency_ms.
type LatencyMilliseconds struct {
	P50 float64 `json:"p50"`
	Max float64 `json:"max"`
}

// Stats are the numbers an HLS example reports at the end of a run. The
// JSON names are those of -json. All counts are since the pipeline started.
type Stats struct {
	// FramesCaptured is how many frames the camera delivered (LiveSource.FramesCaptured).
	FramesCaptured uint64 `json:"frames_captured"`
	// FramesDropped is FramesLostCamera + QueueDropped: every frame the
	// camera captured or should have captured that never reached the segmenter.
	FramesDropped uint64 `json:"frames_dropped"`
	// CaptureInterval summarises the differences between consecutive
	// capture times (LiveSource.CaptureTimes): 1000/fps ms when the camera
	// is never held up.
	CaptureInterval Milliseconds `json:"capture_interval_ms"`
	// QueueDropped is how many buffers the queue dropped (Queue.Dropped).
	QueueDropped uint64 `json:"queue_dropped"`
	// QueueMaxLevel is the queue's highest level in buffers (Queue.MaxLevelBuffers).
	QueueMaxLevel uint `json:"queue_max_level"`
	// SegmentsUploaded is S3Sink.SegmentsUploaded.
	SegmentsUploaded uint64 `json:"segments_uploaded"`
	// ClockWaits is the sum of BaseSink.ClockWaits over the sinks: every
	// sync wait a sink made on the clock (segments and EOS).
	ClockWaits uint64 `json:"clock_waits"`
	// Latency summarises, over the frames that were uploaded, the time
	// from the frame's capture (its PTS, the running time of its capture
	// slot) to the running time its segment's upload finished.
	Latency LatencyMilliseconds `json:"latency_ms"`

	// FramesLostCamera is how many frames the camera's single capture
	// buffer overwrote because its thread was blocked (LiveSource.FramesLost).
	FramesLostCamera uint64 `json:"frames_lost_camera"`
	// FramesUploaded counts the frames in the uploaded segments.
	FramesUploaded int `json:"frames_uploaded"`
	// UploadCount is len(S3Sink.Uploads()).
	UploadCount int `json:"upload_count"`
	// CaptureStalls counts capture intervals longer than 1.5 frame intervals.
	CaptureStalls int `json:"capture_stalls"`
	// PipelineLatencyMS is the latency the pipeline configured on the sink
	// (LATENCY event): the sink renders a buffer at base_time +
	// running_time + this.
	PipelineLatencyMS float64 `json:"pipeline_latency_ms"`
	// RunS is the running time at which the EOS message arrived.
	RunS float64 `json:"run_s"`

	// The configuration of the run.
	DurationS       float64 `json:"duration_s"`
	FPS             int     `json:"fps"`
	TargetDurationS float64 `json:"target_duration_s"`
	UploadLatencyMS float64 `json:"upload_latency_ms"`
	Sync            bool    `json:"sync"`
	Queue           bool    `json:"queue"`
	Leaky           string  `json:"leaky,omitempty"`
	MaxSizeBuffers  uint    `json:"max_size_buffers,omitempty"`
}

// Stats collects the statistics of a finished run of h with cfg. Call it
// after Run returned (the pipeline is in NULL; the counters stay readable).
func (h *HLSPipeline) Stats(cfg Config, res Result) Stats {
	st := Stats{
		FramesCaptured:    h.Camera.FramesCaptured(),
		FramesLostCamera:  h.Camera.FramesLost(),
		SegmentsUploaded:  h.Sink.SegmentsUploaded(),
		ClockWaits:        h.Sink.ClockWaits(),
		DurationS:         cfg.Duration.Seconds(),
		FPS:               cfg.FPS,
		TargetDurationS:   h.Segmenter.TargetDuration().Seconds(),
		UploadLatencyMS:   ms(cfg.UploadLatency),
		Sync:              h.Sink.Sync(),
		Queue:             h.Queue != nil,
		PipelineLatencyMS: ms(h.Sink.Latency()),
	}
	if res.EOS != gstmini.ClockTimeNone {
		st.RunS = math.Round(res.EOS.Seconds()*1000) / 1000
	}
	if h.Queue != nil {
		st.QueueDropped = h.Queue.Dropped()
		st.QueueMaxLevel = h.Queue.MaxLevelBuffers()
		st.Leaky = leakyName(h.Queue)
		st.MaxSizeBuffers = cfg.MaxSizeBuffers
	}
	st.FramesDropped = st.FramesLostCamera + st.QueueDropped

	times := h.Camera.CaptureTimes()
	var intervals []time.Duration
	for i := 1; i < len(times); i++ {
		intervals = append(intervals, times[i]-times[i-1])
	}
	frame := time.Second / time.Duration(max(cfg.FPS, 1))
	for _, d := range intervals {
		if d > frame*3/2 {
			st.CaptureStalls++
		}
	}
	st.CaptureInterval = Milliseconds{P50: ms(percentile(intervals, 50)), P99: ms(percentile(intervals, 99)), Max: ms(percentile(intervals, 100))}

	uploads := h.Sink.Uploads()
	st.UploadCount = len(uploads)
	var latencies []time.Duration
	for _, u := range uploads {
		st.FramesUploaded += len(u.Frames)
		for _, pts := range u.Frames {
			if pts != gstmini.ClockTimeNone && u.Finished != gstmini.ClockTimeNone {
				latencies = append(latencies, u.Finished-pts)
			}
		}
	}
	st.Latency = LatencyMilliseconds{P50: ms(percentile(latencies, 50)), Max: ms(percentile(latencies, 100))}
	return st
}

// Report returns a function for Session.Report that collects h's Stats.
func (h *HLSPipeline) Report(cfg Config) func(Result) Report {
	return func(res Result) Report { return h.Stats(cfg, res) }
}

// Rows implements Report.
func (st Stats) Rows() []Row {
	f := func(v float64) string { return fmt.Sprintf("%.3f", v) }
	queue := "no queue"
	if st.Queue {
		queue = fmt.Sprintf("queue max-size-buffers=%d leaky=%s", st.MaxSizeBuffers, st.Leaky)
	}
	syncNote := "sync=true: one wait per segment + one for EOS"
	if !st.Sync {
		syncNote = "sync=false: the sink never waits on the clock"
	}
	return []Row{
		{"frames_captured", fmt.Sprint(st.FramesCaptured), fmt.Sprintf("%g s at %d fps = %d slots", st.DurationS, st.FPS, int(st.DurationS*float64(st.FPS)))},
		{"frames_dropped", fmt.Sprint(st.FramesDropped), "lost by the camera + dropped by the queue"},
		{"  frames_lost_camera", fmt.Sprint(st.FramesLostCamera), "overwritten while the capture thread was blocked"},
		{"  queue_dropped", fmt.Sprint(st.QueueDropped), queue},
		{"capture_interval_ms p50/p99/max", strings.Join([]string{f(st.CaptureInterval.P50), f(st.CaptureInterval.P99), f(st.CaptureInterval.Max)}, " / "),
			fmt.Sprintf("steady = %.3f ms; %d stall(s) > 1.5 frames", 1000/float64(max(st.FPS, 1)), st.CaptureStalls)},
		{"queue_max_level", fmt.Sprint(st.QueueMaxLevel), "buffers"},
		{"segments_uploaded", fmt.Sprint(st.SegmentsUploaded), fmt.Sprintf("%d frames, target %gs", st.FramesUploaded, st.TargetDurationS)},
		{"clock_waits", fmt.Sprint(st.ClockWaits), syncNote},
		{"latency_ms p50/max", f(st.Latency.P50) + " / " + f(st.Latency.Max), "capture -> upload finished"},
		{"pipeline_latency_ms", f(st.PipelineLatencyMS), "the LATENCY configured on the sink: it renders at base_time + PTS + this"},
		{"upload_latency_ms", f(st.UploadLatencyMS), ""},
		{"run_s", f(st.RunS), "running time at the EOS message"},
	}
}

// percentile returns the nearest-rank p-th percentile of ds (p in 1..100),
// or 0 for no values.
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := (p*len(s) + 99) / 100 // ceil(p/100 * n)
	return s[max(rank, 1)-1]
}

// ms returns d in milliseconds, rounded to the microsecond.
func ms(d time.Duration) float64 {
	if d == gstmini.ClockTimeNone {
		return -1
	}
	return math.Round(float64(d)/1e3) / 1e3
}

// Stall is one capture gap longer than 1.5 frame intervals: the camera's
// goroutine came back to the camera that much later than one frame
// interval after the previous capture.
type Stall struct {
	AtS   float64 `json:"at_s"`   // running time of the capture before the gap, in seconds
	GapMS float64 `json:"gap_ms"` // the gap, in milliseconds
}

// Stalls returns the capture gaps of h's camera longer than 1.5 frame
// intervals at fps, oldest first.
func (h *HLSPipeline) Stalls(fps int) []Stall {
	frame := time.Second / time.Duration(max(fps, 1))
	times := h.Camera.CaptureTimes()
	var out []Stall
	for i := 1; i < len(times); i++ {
		if gap := times[i] - times[i-1]; gap > frame*3/2 {
			out = append(out, Stall{AtS: math.Round(times[i-1].Seconds()*1000) / 1000, GapMS: ms(gap)})
		}
	}
	return out
}
