// Command simple_sync shows the synchronisation formula of a GStreamer sink
// with measured numbers. A tiny "clip" source (a file of 1 s buffers, PTS
// 0 s, 1 s, 2 s, …) feeds a tiny sink built on gstmini.BaseSink. The
// application prerolls the pipeline, seeks to 5 s as a player does ("play
// from 5 s"), leaves it PAUSED for a second, and plays it. It is the
// gst-launch-1.0-style pipeline
//
//	clipsrc ! syncsink sync=true        (then: seek flush 5 s … 8 s, PLAYING)
//
// The seek makes the source send a segment with start 5 s and stop 8 s,
// so the buffers with PTS 5, 6 and 7 s have running time 0, 1 and 2 s (the
// seed's worked example):
//
//	running_time = (PTS - segment.start) / rate + segment.base
//	sync_time    = base_time + running_time + latency       (the clock time the sink waits for)
//	jitter       = clock time when the wait began - sync_time (negative: early, the sink waited)
//
// base_time is the clock time at which the pipeline went PLAYING; running
// time is clock time minus base_time. Here it is about 1 s, the time
// spent prerolled in PAUSED: the clock runs in PAUSED, running time does
// not. The latency is 0: nothing in this pipeline is live.
//
// Run it with
//
//	go run ./gstmini/examples/simple_sync
//	go run ./gstmini/examples/simple_sync -start 2s -stop 6s -pause 500ms
//	go run ./gstmini/examples/simple_sync -sync=false     # no waits: rendered as soon as they arrive
//	go run ./gstmini/examples/simple_sync -json
//
// What to observe: every buffer is rendered at its sync_time (rendered −
// sync_time is a few microseconds of scheduling delay), although the
// source pushes as fast as it can: each buffer arrives right after the
// previous render, about 1 s early (jitter ≈ −1000 ms), and the sink waits
// on the clock. The first buffer was prerolled: it arrived before PLAYING
// and was released at base_time, exactly on time (jitter 0). With
// -sync=false the sink never waits and renders all of them at once.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/examples/internal/demo"
)

// ClipSrc is a non-live source that plays a clip of 1 s buffers, like a
// file source with a demuxer: buffer n has PTS n s and lasts 1 s, and the
// clip ends (EOS) at ClipLength. After a seek, it continues from the new
// segment's position. Create it with NewClipSrc.
type ClipSrc struct {
	gstmini.BaseSrc
}

// ClipLength is the length of ClipSrc's clip.
const ClipLength = 10 * time.Second

// NewClipSrc returns a clip source named name in state NULL.
func NewClipSrc(name string) *ClipSrc {
	c := &ClipSrc{}
	c.InitBaseSrc(c, name, gstmini.BaseSrcHooks{Create: c.create})
	c.SetFormat(gstmini.FormatTime)
	return c
}

// create is the Create hook: BaseSrc passes the segment position as
// offset for a TIME segment, so after a seek to 5 s the next buffer has
// PTS 5 s.
func (c *ClipSrc) create(offset uint64, _ int) (*gstmini.Buffer, gstmini.FlowReturn) {
	pts := time.Duration(offset).Truncate(time.Second)
	if pts >= ClipLength {
		return nil, gstmini.FlowEOS
	}
	return gstmini.NewBufferWithPTS(pts, time.Second), gstmini.FlowOK
}

// Row is what SyncSink measured for one rendered buffer. Times are clock
// times (the pipeline clock) unless named otherwise.
type Row struct {
	PTS         time.Duration `json:"pts_ns"`
	RunningTime time.Duration `json:"running_time_ns"` // (PTS - segment.start) / rate + segment.base
	BaseTime    time.Duration `json:"base_time_ns"`
	Latency     time.Duration `json:"latency_ns"`
	SyncTime    time.Duration `json:"sync_time_ns"` // base_time + running_time + latency: what the sink waited for
	Arrived     time.Duration `json:"arrived_ns"`   // when the sink was ready to wait (after preroll, before the clock wait)
	Jitter      time.Duration `json:"jitter_ns"`    // arrived - sync_time: negative when early
	Rendered    time.Duration `json:"rendered_ns"`  // when Render ran
}

// SyncSink is a sink built on gstmini.BaseSink that records, for every
// buffer it renders, the quantities of the synchronisation formula. BaseSink
// does the waiting; SyncSink only measures. Create it with NewSyncSink.
type SyncSink struct {
	gstmini.BaseSink

	mu      sync.Mutex
	segment *gstmini.Segment
	arrived time.Duration
	rows    []Row
}

// NewSyncSink returns a sink named name in state NULL, with BaseSink's
// defaults (sync=true).
func NewSyncSink(name string) *SyncSink {
	s := &SyncSink{}
	s.InitBaseSink(s, name, gstmini.BaseSinkHooks{Render: s.render, Prepare: s.prepare, Event: s.event})
	return s
}

// Rows returns a copy of the measurements, in render order.
func (s *SyncSink) Rows() []Row {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Row(nil), s.rows...)
}

// SegmentSeen returns the last segment the sink received, or nil.
func (s *SyncSink) SegmentSeen() *gstmini.Segment {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.segment == nil {
		return nil
	}
	return s.segment.Copy()
}

// event is the Event hook: it keeps the segment (BaseSink.Segment cannot
// be called from the hooks, which run with the sink's lock held).
func (s *SyncSink) event(ev *gstmini.Event) {
	if ev.Type() == gstmini.EventSegment {
		s.mu.Lock()
		s.segment = ev.Segment().Copy()
		s.mu.Unlock()
	}
}

// now returns the pipeline clock's time, or 0 without a clock.
func (s *SyncSink) now() time.Duration {
	if c := s.Clock(); c != nil {
		return c.Time()
	}
	return 0
}

// prepare is the Prepare hook: BaseSink calls it after preroll, just
// before the clock wait, so the time now is when the wait begins.
func (s *SyncSink) prepare(*gstmini.Buffer) gstmini.FlowReturn {
	s.mu.Lock()
	s.arrived = s.now()
	s.mu.Unlock()
	return gstmini.FlowOK
}

// render is the Render hook, called once the clock reached the sync time.
func (s *SyncSink) render(buf *gstmini.Buffer) gstmini.FlowReturn {
	rendered := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	r := Row{PTS: buf.PTS, BaseTime: s.BaseTime(), Latency: s.Latency(), Arrived: s.arrived, Rendered: rendered,
		RunningTime: gstmini.ClockTimeNone, SyncTime: gstmini.ClockTimeNone, Jitter: 0}
	if s.segment != nil {
		if rt, ok := s.segment.ToRunningTime(buf.PTS); ok {
			r.RunningTime = rt
			r.SyncTime = r.BaseTime + rt + r.Latency
			r.Jitter = r.Arrived - r.SyncTime
		}
	}
	s.rows = append(s.rows, r)
	return gstmini.FlowOK
}

// Settings are simple_sync's own flags.
type Settings struct {
	Start time.Duration // -start: the seek's start, the first PTS played
	Stop  time.Duration // -stop: the seek's stop (exclusive)
	Pause time.Duration // -pause: how long the pipeline stays prerolled in PAUSED before PLAYING
}

// DefaultSettings returns the seed's worked example: play 5 s to 8 s
// after a 1 s pause.
func DefaultSettings() Settings {
	return Settings{Start: 5 * time.Second, Stop: 8 * time.Second, Pause: time.Second}
}

// AddFlags registers -start, -stop and -pause on fs.
func (st *Settings) AddFlags(fs *flag.FlagSet) {
	fs.DurationVar(&st.Start, "start", st.Start, "seek start: the first PTS played (the segment's start)")
	fs.DurationVar(&st.Stop, "stop", st.Stop, "seek stop: play up to this PTS (the segment's stop)")
	fs.DurationVar(&st.Pause, "pause", st.Pause, "time spent prerolled in PAUSED before PLAYING (becomes base_time)")
}

// Pipeline is simple_sync's pipeline and its elements.
type Pipeline struct {
	Pipeline *gstmini.Pipeline
	Source   *ClipSrc
	Sink     *SyncSink
}

// Build creates "clipsrc ! syncsink" with the sink's sync from cfg, and
// clock as the pipeline clock.
func Build(cfg demo.Config, clock gstmini.Clock) (*Pipeline, error) {
	p := &Pipeline{Pipeline: gstmini.NewPipeline("pipeline"), Source: NewClipSrc("clipsrc"), Sink: NewSyncSink("syncsink")}
	p.Pipeline.UseClock(clock)
	if err := p.Sink.SetProperty("sync", cfg.Sync); err != nil {
		return nil, err
	}
	if err := p.Pipeline.Add(p.Source, p.Sink); err != nil {
		return nil, err
	}
	if err := demo.LinkChain(p.Source, p.Sink); err != nil {
		return nil, err
	}
	return p, nil
}

// Prepare prerolls the pipeline (PAUSED: the sink holds the first buffer),
// seeks to [st.Start, st.Stop) with a flush, waits for the new preroll,
// then lets st.Pause pass on the clock in PAUSED. It leaves the pipeline
// PAUSED; demo.Run plays it.
func (p *Pipeline) Prepare(ctx context.Context, st Settings, log io.Writer) error {
	if p.Pipeline.SetState(gstmini.StatePaused) == gstmini.StateChangeFailure {
		return fmt.Errorf("%w: pipeline does not want to pause", gstmini.ErrStateChange)
	}
	if _, _, _, err := p.Pipeline.GetState(ctx); err != nil {
		return fmt.Errorf("preroll: %w", err)
	}
	fmt.Fprintf(log, "prerolled in PAUSED on PTS 0 s; seeking to %v-%v (flush)\n", st.Start, st.Stop)
	stopType := gstmini.SeekTypeSet
	if st.Stop <= 0 {
		stopType = gstmini.SeekTypeNone
	}
	if !p.Pipeline.Seek(1.0, gstmini.FormatTime, gstmini.SeekFlagFlush|gstmini.SeekFlagAccurate,
		gstmini.SeekTypeSet, st.Start, stopType, st.Stop) {
		return fmt.Errorf("seek to %v-%v refused", st.Start, st.Stop)
	}
	if _, _, _, err := p.Pipeline.GetState(ctx); err != nil {
		return fmt.Errorf("preroll after seek: %w", err)
	}
	if seg := p.Sink.SegmentSeen(); seg != nil {
		fmt.Fprintf(log, "prerolled again on PTS %s; the seek gave the sink a segment with start %s, stop %s, base %s\n",
			demo.Seconds(seg.Start), demo.Seconds(seg.Start), demo.Seconds(seg.Stop), demo.Seconds(seg.Base))
	}
	if st.Pause > 0 {
		fmt.Fprintf(log, "staying PAUSED for %v: the clock runs, running time does not\n", st.Pause)
		select {
		case <-time.After(st.Pause):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// Report is simple_sync's report: the segment, the base time and one row
// per rendered buffer.
type Report struct {
	SegmentStart time.Duration `json:"segment_start_ns"`
	SegmentStop  time.Duration `json:"segment_stop_ns"`
	SegmentBase  time.Duration `json:"segment_base_ns"`
	Rate         float64       `json:"rate"`
	BaseTime     time.Duration `json:"base_time_ns"`
	Latency      time.Duration `json:"latency_ns"`
	Sync         bool          `json:"sync"`
	ClockWaits   uint64        `json:"clock_waits"`
	Buffers      []Row         `json:"buffers"`
}

// Report collects the report of a finished run.
func (p *Pipeline) Report(res demo.Result) demo.Report {
	r := Report{BaseTime: res.BaseTime, Latency: p.Sink.Latency(), Sync: p.Sink.Sync(),
		ClockWaits: p.Sink.ClockWaits(), Buffers: p.Sink.Rows()}
	if seg := p.Sink.SegmentSeen(); seg != nil {
		r.SegmentStart, r.SegmentStop, r.SegmentBase, r.Rate = seg.Start, seg.Stop, seg.Base, seg.Rate
	}
	return r
}

// Rows implements demo.Report; Print prints the real table.
func (r Report) Rows() []demo.Row {
	return []demo.Row{{Name: "buffers", Value: fmt.Sprint(len(r.Buffers))}, {Name: "clock_waits", Value: fmt.Sprint(r.ClockWaits)}}
}

// Print prints the formula and one line per buffer with its numbers.
func (r Report) Print(w io.Writer) error {
	s := func(d time.Duration) string {
		if d == gstmini.ClockTimeNone {
			return "none"
		}
		return fmt.Sprintf("%.6fs", d.Seconds())
	}
	fmt.Fprintf(w, "\nsegment: start %s, stop %s, base %s, rate %g\n", s(r.SegmentStart), s(r.SegmentStop), s(r.SegmentBase), r.Rate)
	fmt.Fprintf(w, "  running_time = (PTS - %s) / %g + %s\n", s(r.SegmentStart), r.Rate, s(r.SegmentBase))
	fmt.Fprintf(w, "base_time %s (clock time when the pipeline went PLAYING), latency %s (nothing is live), sync=%t\n",
		s(r.BaseTime), s(r.Latency), r.Sync)
	fmt.Fprintf(w, "  sync_time = base_time + running_time + latency; jitter = arrived - sync_time\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "PTS\trunning_time\tbase_time\t+ latency\t= sync_time\tarrived\tjitter\trendered\trendered - sync_time\t")
	for _, b := range r.Buffers {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%+.3fms\t%s\t%+.3fms\t\n",
			s(b.PTS), s(b.RunningTime), s(b.BaseTime), s(b.Latency), s(b.SyncTime), s(b.Arrived),
			float64(b.Jitter)/1e6, s(b.Rendered), float64(b.Rendered-b.SyncTime)/1e6)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\nclock_waits %d (one per buffer, one for EOS)\n", r.ClockWaits)
	return err
}

// run builds, prepares and plays the pipeline on the system clock.
func run(ctx context.Context, cfg demo.Config, st Settings, stop <-chan struct{}) error {
	p, err := Build(cfg, gstmini.NewSystemClock())
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
	if err := p.Prepare(ctx, st, log); err != nil {
		p.Pipeline.Stop()
		return err
	}
	_, err = demo.Run(ctx, cfg, demo.Session{Pipeline: p.Pipeline, Stop: stop, Report: p.Report})
	return err
}

func main() {
	cfg := demo.DefaultConfig()
	cfg.Duration = 0 // the clip ends by itself at the seek's stop
	st := DefaultSettings()
	demo.Main("simple_sync", cfg, demo.FlagsOutput|demo.FlagsSync, st.AddFlags,
		func(ctx context.Context, cfg demo.Config, stop <-chan struct{}) error { return run(ctx, cfg, st, stop) })
}
