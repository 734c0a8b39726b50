package demo

import (
	"errors"
	"fmt"
	"maps"
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
//
// # Every frame accounted for
//
// Each capture slot of the camera's capture window ends in exactly one
// count, and each frame the camera delivered in one of the last three:
//
//	frames_slots    = frames_uploaded + frames_lost_camera + queue_dropped + frames_not_uploaded
//	frames_captured = frames_uploaded + queue_dropped + frames_not_uploaded
//
// frames_not_uploaded is 0 in a run that ends with EOS, as every example
// run does: then the slots are uploaded, lost at the camera or dropped in
// the queue, and the delivered frames uploaded or dropped in the queue.
// It counts frames only when the pipeline is stopped (NULL) or flushed
// with segments in flight. Likewise for segments:
//
//	segments_closed = segments_uploaded + segments_not_uploaded
//
// CheckAccounting checks all three. They hold however the run ends, but
// for one race: a frame or a segment pushed at the very moment the element
// downstream deactivates its pad for NULL is refused by that pad, and is in
// no count.
type Stats struct {
	// FramesSlots is the number of capture slots in the camera's capture
	// window, from running time 0 to EOS (LiveSource.FramesSlots): fps ×
	// the running time at which EOS came.
	FramesSlots uint64 `json:"frames_slots"`
	// FramesCaptured is how many frames the camera delivered, that is
	// pushed downstream (LiveSource.FramesCaptured).
	FramesCaptured uint64 `json:"frames_captured"`
	// FramesDropped is FramesLostCamera + QueueDropped: every slot whose
	// frame never reached the segmenter.
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

	// FramesLostCamera is how many slots' frames nobody read from the
	// camera (LiveSource.FramesLost): overwritten in its single capture
	// buffer while its goroutine was blocked, or still unread when the
	// stream ended with its goroutine blocked in a push.
	FramesLostCamera uint64 `json:"frames_lost_camera"`
	// FramesUploaded counts the frames in the uploaded segments.
	FramesUploaded int `json:"frames_uploaded"`
	// FramesNotUploaded counts the frames delivered that were neither
	// uploaded nor dropped in the queue: those of the segments the sink
	// received but did not upload (S3Sink.NotUploaded), and those the
	// segmenter discarded with its partial segment on a flush or on the way
	// to NULL (HLSSegmenter.FramesDiscarded). 0 when the run ends with EOS.
	FramesNotUploaded int `json:"frames_not_uploaded"`
	// UploadCount is len(S3Sink.Uploads()).
	UploadCount int `json:"upload_count"`
	// SegmentsClosed is how many segments the segmenter closed and pushed
	// (HLSSegmenter.SegmentsEmitted).
	SegmentsClosed uint64 `json:"segments_closed"`
	// SegmentsNotUploaded is how many segments the sink received but did
	// not upload (S3Sink.SegmentsNotUploaded); NotUploaded says why.
	SegmentsNotUploaded uint64 `json:"segments_not_uploaded"`
	// NotUploaded counts the segments not uploaded by reason
	// (NotUploadedReason.String: "flush", "shutdown", ...).
	NotUploaded map[string]int `json:"not_uploaded,omitempty"`
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
		FramesSlots:       h.Camera.FramesSlots(),
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

	st.SegmentsClosed = h.Segmenter.SegmentsEmitted()
	st.FramesNotUploaded = int(h.Segmenter.FramesDiscarded())
	for _, n := range h.Sink.NotUploaded() {
		st.SegmentsNotUploaded++
		st.FramesNotUploaded += len(n.Frames)
		if st.NotUploaded == nil {
			st.NotUploaded = map[string]int{}
		}
		st.NotUploaded[n.Reason.String()]++
	}
	return st
}

// CheckAccounting reports whether every frame and segment of st is
// accounted for (see "Every frame accounted for" on Stats). The error
// names each sum that does not add up, with its numbers.
func (st Stats) CheckAccounting() error {
	var errs []error
	if got := st.slotsAccounted(); got != int64(st.FramesSlots) {
		errs = append(errs, fmt.Errorf("frames_slots %d != frames_uploaded %d + frames_lost_camera %d + queue_dropped %d + frames_not_uploaded %d = %d",
			st.FramesSlots, st.FramesUploaded, st.FramesLostCamera, st.QueueDropped, st.FramesNotUploaded, got))
	}
	if got := st.deliveredAccounted(); got != int64(st.FramesCaptured) {
		errs = append(errs, fmt.Errorf("frames_captured %d != frames_uploaded %d + queue_dropped %d + frames_not_uploaded %d = %d",
			st.FramesCaptured, st.FramesUploaded, st.QueueDropped, st.FramesNotUploaded, got))
	}
	if got := st.SegmentsUploaded + st.SegmentsNotUploaded; got != st.SegmentsClosed {
		errs = append(errs, fmt.Errorf("segments_closed %d != segments_uploaded %d + segments_not_uploaded %d = %d",
			st.SegmentsClosed, st.SegmentsUploaded, st.SegmentsNotUploaded, got))
	}
	return errors.Join(errs...)
}

// slotsAccounted is the right-hand side of the frames_slots sum.
func (st Stats) slotsAccounted() int64 {
	return int64(st.FramesUploaded) + int64(st.FramesLostCamera) + int64(st.QueueDropped) + int64(st.FramesNotUploaded)
}

// deliveredAccounted is the right-hand side of the frames_captured sum.
func (st Stats) deliveredAccounted() int64 {
	return int64(st.FramesUploaded) + int64(st.QueueDropped) + int64(st.FramesNotUploaded)
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
	notUploaded := ""
	if st.FramesNotUploaded > 0 {
		notUploaded = fmt.Sprintf(" + %d not uploaded", st.FramesNotUploaded)
	}
	sum := func(want uint64, got int64, parts string) string {
		if got == int64(want) {
			return "= " + parts
		}
		return fmt.Sprintf("!= %s = %d: %d unaccounted", parts, got, int64(want)-got)
	}
	slotsNote := sum(st.FramesSlots, st.slotsAccounted(), fmt.Sprintf("%d uploaded + %d lost at the camera + %d dropped in the queue%s",
		st.FramesUploaded, st.FramesLostCamera, st.QueueDropped, notUploaded))
	deliveredNote := "delivered by the camera " + sum(st.FramesCaptured, st.deliveredAccounted(),
		fmt.Sprintf("%d uploaded + %d dropped in the queue%s", st.FramesUploaded, st.QueueDropped, notUploaded))
	segmentsNote := fmt.Sprintf("of %d closed; %d frames, target %gs", st.SegmentsClosed, st.FramesUploaded, st.TargetDurationS)
	if st.SegmentsUploaded+st.SegmentsNotUploaded != st.SegmentsClosed {
		segmentsNote = fmt.Sprintf("of %d closed, %d not uploaded: %d unaccounted; %d frames, target %gs", st.SegmentsClosed,
			st.SegmentsNotUploaded, int64(st.SegmentsClosed)-int64(st.SegmentsUploaded+st.SegmentsNotUploaded), st.FramesUploaded, st.TargetDurationS)
	}
	rows := []Row{
		{"frames_slots", fmt.Sprint(st.FramesSlots), slotsNote},
		{"frames_captured", fmt.Sprint(st.FramesCaptured), deliveredNote},
		{"frames_dropped", fmt.Sprint(st.FramesDropped), "lost by the camera + dropped by the queue"},
		{"  frames_lost_camera", fmt.Sprint(st.FramesLostCamera), "unread: overwritten while the capture thread was blocked, or when the stream ended"},
		{"  queue_dropped", fmt.Sprint(st.QueueDropped), queue},
		{"capture_interval_ms p50/p99/max", strings.Join([]string{f(st.CaptureInterval.P50), f(st.CaptureInterval.P99), f(st.CaptureInterval.Max)}, " / "),
			fmt.Sprintf("steady = %.3f ms; %d stall(s) > 1.5 frames", 1000/float64(max(st.FPS, 1)), st.CaptureStalls)},
		{"queue_max_level", fmt.Sprint(st.QueueMaxLevel), "buffers"},
		{"segments_uploaded", fmt.Sprint(st.SegmentsUploaded), segmentsNote},
	}
	if st.SegmentsNotUploaded > 0 || st.FramesNotUploaded > 0 {
		var reasons []string
		for _, r := range slices.Sorted(maps.Keys(st.NotUploaded)) {
			reasons = append(reasons, fmt.Sprintf("%s %d", r, st.NotUploaded[r]))
		}
		rows = append(rows, Row{"segments_not_uploaded", fmt.Sprint(st.SegmentsNotUploaded),
			fmt.Sprintf("%d frames not uploaded (with the segmenter's discarded partial segment); reasons: %s",
				st.FramesNotUploaded, strings.Join(reasons, ", "))})
	}
	return append(rows,
		Row{"clock_waits", fmt.Sprint(st.ClockWaits), syncNote},
		Row{"latency_ms p50/max", f(st.Latency.P50) + " / " + f(st.Latency.Max), "capture -> upload finished"},
		Row{"pipeline_latency_ms", f(st.PipelineLatencyMS), "the LATENCY configured on the sink: it renders at base_time + PTS + this"},
		Row{"upload_latency_ms", f(st.UploadLatencyMS), ""},
		Row{"run_s", f(st.RunS), "running time at the EOS message"},
	)
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
