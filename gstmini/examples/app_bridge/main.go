// Command app_bridge puts application code at both ends of a pipeline: a
// producer goroutine feeds frames into appsrc, and a consumer goroutine
// pulls them out of appsink and spends -work on each, as an application
// that analyses video does. It is the pipeline
//
//	appsrc format=time is-live=true ! appsink        (producer → appsrc, appsink → consumer)
//
// The producer makes one frame every 1/fps of running time and stamps it
// itself, PTS = its slot's running time and duration 1/fps: timestamps are
// the application's job. appsink is a BaseSink and syncs each frame on the
// clock, then queues it for the consumer. When the consumer is slower than
// the producer (-work 50ms against 30 fps, 33.3 ms a frame), something has
// to give, and -mode says what:
//
//	latest     appsink max-buffers=1 drop=true: the consumer always pulls the newest frame;
//	           the others are dropped at appsink. Latency stays below one -work.
//	every      appsink max-buffers=2, appsrc max-buffers=2 block=true: nothing is dropped;
//	           back-pressure reaches the producer, whose PushBuffer waits, so frames
//	           fall behind their slots and latency grows for as long as the run lasts.
//	unbounded  no limits, block=false: nothing waits and nothing is dropped; frames pile
//	           up in appsink's queue (memory grows) and latency grows as with every.
//
// latency = running time when the consumer pulled a frame - the frame's PTS.
//
// Run it with
//
//	go run ./gstmini/examples/app_bridge
//	go run ./gstmini/examples/app_bridge -mode every
//	go run ./gstmini/examples/app_bridge -mode unbounded -duration 10s
//	go run ./gstmini/examples/app_bridge -work 20ms -json     # a consumer fast enough: nothing to give
//
// What to observe, with the defaults (30 fps, 50 ms of work, 5 s):
//   - latest pulls 100 of the 150 frames and drops 50 at appsink; latency
//     (pull - PTS) averages about 36 ms and stays under about 60 ms: one
//     -work plus the 20 ms the sink adds (a live sink renders each buffer
//     its processing-deadline, 20 ms, after its running time, narrated as
//     "latency redistributed").
//   - every pulls all 150 and drops none, but back-pressure reaches the
//     producer: its pushes wait about 6.7 s in all (about 45 ms a frame,
//     the consumer's pace), and the last frame is pulled about 2.55 s
//     after its slot. The run takes 7.5 s instead of 5.
//   - unbounded pulls all 150 with the same latency as every and no push
//     waits, but up to 51 frames wait in appsink's queue: memory grows for
//     as long as the consumer is slower.
//
// The test runs the three modes in a testing/synctest bubble, where the
// numbers are exact.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
	"github.com/gstmini/workbook/gstmini/examples/internal/demo"
)

// Settings are app_bridge's own flags.
type Settings struct {
	Mode string        // -mode: latest, every or unbounded
	Work time.Duration // -work: the consumer's time per frame, on the pipeline clock
}

// DefaultSettings returns "latest" with 50 ms of work per frame.
func DefaultSettings() Settings { return Settings{Mode: "latest", Work: 50 * time.Millisecond} }

// AddFlags registers -mode and -work on fs.
func (st *Settings) AddFlags(fs *flag.FlagSet) {
	fs.StringVar(&st.Mode, "mode", st.Mode, "latest (appsink max-buffers=1 drop=true), every (max-buffers=2 and appsrc block=true) or unbounded (no limits)")
	fs.DurationVar(&st.Work, "work", st.Work, "time the consumer spends on each frame it pulls")
}

// Pipeline is app_bridge's pipeline with the application's two goroutines.
type Pipeline struct {
	Pipeline *gstmini.Pipeline
	Source   *elements.AppSrc
	Sink     *elements.AppSink
	fps      int
	duration time.Duration
	work     time.Duration
	started  chan struct{} // closed at the first need-data: the source is PLAYING
	once     sync.Once
	wg       sync.WaitGroup

	mu       sync.Mutex
	stats    Report
	latSum   time.Duration
	waitSum  time.Duration
	consumed bool
}

// Build creates "appsrc ! appsink" configured for st.Mode, with clock as
// the pipeline clock.
func Build(cfg demo.Config, st Settings, clock gstmini.Clock) (*Pipeline, error) {
	p := &Pipeline{Pipeline: gstmini.NewPipeline("pipeline"), Source: elements.NewAppSrc("appsrc"), Sink: elements.NewAppSink("appsink"),
		fps: cfg.FPS, duration: cfg.Duration, work: st.Work, started: make(chan struct{})}
	p.Pipeline.UseClock(clock)
	p.stats.Mode, p.stats.FPS, p.stats.Work = st.Mode, cfg.FPS, st.Work
	src := map[string]any{"format": "time", "is-live": true}
	sink := map[string]any{}
	switch st.Mode {
	case "latest":
		sink["max-buffers"], sink["drop"] = 1, true
	case "every":
		sink["max-buffers"] = 2
		src["max-buffers"], src["block"] = 2, true
	case "unbounded":
		src["max-bytes"] = 0
	default:
		return nil, fmt.Errorf("-mode %q: want latest, every or unbounded", st.Mode)
	}
	for k, v := range src {
		if err := p.Source.SetProperty(k, v); err != nil {
			return nil, err
		}
	}
	for k, v := range sink {
		if err := p.Sink.SetProperty(k, v); err != nil {
			return nil, err
		}
	}
	p.Source.SetCallbacks(elements.AppSrcCallbacks{NeedData: func(*elements.AppSrc, uint) {
		p.once.Do(func() { close(p.started) })
	}})
	if err := p.Pipeline.Add(p.Source, p.Sink); err != nil {
		return nil, err
	}
	if err := demo.LinkChain(p.Source, p.Sink); err != nil {
		return nil, err
	}
	return p, nil
}

// Start starts the producer and the consumer; they begin once the source
// is PLAYING and end at EOS or when the pipeline stops.
func (p *Pipeline) Start(ctx context.Context) {
	p.wg.Add(2)
	go p.produce(ctx)
	go p.consume(ctx)
}

// waitUntil waits on the pipeline clock until clock time t, or until ctx
// ends (then it reports false): an application's own waits must not hold
// up its shutdown.
func (p *Pipeline) waitUntil(ctx context.Context, t time.Duration) bool {
	id := gstmini.NewSingleShotID(p.Pipeline.Clock(), t)
	defer context.AfterFunc(ctx, id.Unschedule)()
	ret, _ := id.Wait()
	return ret != gstmini.ClockUnscheduled
}

// produce is the application feeding appsrc: frame n at running time
// n/fps, stamped with that running time, until -duration; then
// EndOfStream.
func (p *Pipeline) produce(ctx context.Context) {
	defer p.wg.Done()
	select {
	case <-p.started:
	case <-ctx.Done():
		return
	}
	clock, base := p.Pipeline.Clock(), p.Source.BaseTime()
	frame := time.Second / time.Duration(p.fps)
	for n := 0; ; n++ {
		slot := time.Duration(n) * time.Second / time.Duration(p.fps)
		if slot >= p.duration {
			break
		}
		if !p.waitUntil(ctx, base+slot) {
			return // stopped
		}
		buf := gstmini.NewBuffer(1024)
		buf.PTS, buf.Duration, buf.Offset = slot, frame, uint64(n)
		before := clock.Time()
		ret := p.Source.PushBuffer(buf)
		waited := clock.Time() - before
		p.mu.Lock()
		p.waitSum += waited
		p.stats.PushWaitMax = max(p.stats.PushWaitMax, waited)
		p.stats.AppSrcLevelMax = max(p.stats.AppSrcLevelMax, p.Source.CurrentLevelBuffers())
		if ret == gstmini.FlowOK {
			p.stats.Pushed++
		}
		p.mu.Unlock()
		if ret != gstmini.FlowOK {
			return // stopped
		}
	}
	p.Source.EndOfStream()
}

// consume is the application reading appsink: pull, then work on the
// frame for -work, until EOS or NULL. It starts with the source: before
// the sink leaves NULL, PullSample returns nil at once.
func (p *Pipeline) consume(ctx context.Context) {
	defer p.wg.Done()
	select {
	case <-p.started:
	case <-ctx.Done():
		return
	}
	for {
		queued := p.Sink.QueuedSamples()
		s := p.Sink.PullSample()
		if s == nil {
			return
		}
		clock := p.Pipeline.Clock() // set: samples are rendered in PLAYING
		latency := clock.Time() - p.Sink.BaseTime() - s.Buffer.PTS
		s.Unref()
		p.mu.Lock()
		p.stats.Pulled++
		p.latSum += latency
		p.stats.LatencyMax = max(p.stats.LatencyMax, latency)
		p.stats.AppSinkQueueMax = max(p.stats.AppSinkQueueMax, queued)
		p.mu.Unlock()
		if !p.waitUntil(ctx, clock.Time()+p.work) {
			return
		}
	}
}

// Report is app_bridge's statistics.
type Report struct {
	Mode            string        `json:"mode"`
	FPS             int           `json:"fps"`
	Work            time.Duration `json:"work_ns"`
	Pushed          uint64        `json:"frames_pushed"`
	Pulled          uint64        `json:"frames_pulled"`
	Dropped         uint64        `json:"frames_dropped_appsink"`
	PushWaitTotal   time.Duration `json:"push_wait_total_ns"`
	PushWaitMax     time.Duration `json:"push_wait_max_ns"`
	AppSrcLevelMax  uint64        `json:"appsrc_level_max_buffers"`
	AppSinkQueueMax int           `json:"appsink_queue_max_samples"`
	LatencyAvg      time.Duration `json:"latency_avg_ns"`
	LatencyMax      time.Duration `json:"latency_max_ns"`
}

// Report waits for the application's goroutines, which end once the
// pipeline is in NULL, and returns the statistics.
func (p *Pipeline) Report(demo.Result) demo.Report {
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.stats
	r.Dropped = p.Sink.Dropped()
	r.PushWaitTotal = p.waitSum
	if r.Pulled > 0 {
		r.LatencyAvg = p.latSum / time.Duration(r.Pulled)
	}
	return r
}

// Rows implements demo.Report.
func (r Report) Rows() []demo.Row {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d)/1e6) }
	return []demo.Row{
		{Name: "mode", Value: r.Mode, Note: fmt.Sprintf("%d fps, %s of work per frame", r.FPS, ms(r.Work))},
		{Name: "frames_pushed", Value: fmt.Sprint(r.Pushed), Note: "PushBuffer returned ok"},
		{Name: "frames_pulled", Value: fmt.Sprint(r.Pulled), Note: "PullSample returned a sample"},
		{Name: "frames_dropped_appsink", Value: fmt.Sprint(r.Dropped), Note: "drop=true discarded them unpulled"},
		{Name: "push_wait_total", Value: ms(r.PushWaitTotal), Note: "time the producer spent inside PushBuffer (block=true)"},
		{Name: "push_wait_max", Value: ms(r.PushWaitMax)},
		{Name: "appsrc_level_max", Value: fmt.Sprint(r.AppSrcLevelMax), Note: "buffers queued in appsrc after a push"},
		{Name: "appsink_queue_max", Value: fmt.Sprint(r.AppSinkQueueMax), Note: "samples waiting in appsink when the consumer came to pull"},
		{Name: "latency_avg", Value: ms(r.LatencyAvg), Note: "pull running time - PTS"},
		{Name: "latency_max", Value: ms(r.LatencyMax)},
	}
}

// run builds and plays the pipeline on the system clock.
func run(ctx context.Context, cfg demo.Config, st Settings, stop <-chan struct{}) error {
	p, err := Build(cfg, st, gstmini.NewSystemClock())
	if err != nil {
		return err
	}
	var log io.Writer = os.Stdout
	switch {
	case cfg.Quiet:
		log = io.Discard
	case cfg.JSON:
		log = os.Stderr
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p.Start(ctx)
	run := cfg
	run.Duration = 0 // the producer ends the stream with EndOfStream
	_, err = demo.Run(ctx, run, demo.Session{Pipeline: p.Pipeline, Log: log, Stop: stop, Report: func(res demo.Result) demo.Report {
		cancel() // a producer still waiting for PLAYING gives up
		return p.Report(res)
	}})
	return err
}

func main() {
	cfg := demo.DefaultConfig()
	cfg.Duration = 5 * time.Second
	st := DefaultSettings()
	demo.Main("app_bridge", cfg, demo.FlagsOutput|demo.FlagsRun|demo.FlagsCamera, st.AddFlags,
		func(ctx context.Context, cfg demo.Config, stop <-chan struct{}) error { return run(ctx, cfg, st, stop) })
}
