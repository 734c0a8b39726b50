// Command seeking sends seeks through a running pipeline and prints what
// the sink saw, with the numbers of the synchronisation formula. A 2 s
// "clip" of 100 ms frames (a non-live source built on gstmini.BaseSrc, as a
// file source with a demuxer) plays into a sink that syncs on the clock,
// through a queue:
//
//	clipsrc ! queue max-size-buffers=2 ! syncsink sync=true
//
// While it plays, the application seeks, each time after two frames of the
// previous step have rendered:
//
//  1. play from 0
//  2. flushing seek to 1.5 s         running time restarts at 0, new base time
//  3. non-flushing seek to 0.5 s     running time goes on: no gap, no jump
//  4. rate 2 from the position       (flushing) waits shrink: 50 ms per frame
//  5. rate -1 from the position      (flushing) frames backwards, every one DISCONT
//  6. segment seek [0.2 s, 0.4 s) looped twice on SEGMENT_DONE (non-flushing), then stop
//
// For every rendered buffer it prints
//
//	running_time = (PTS − segment.start) / |rate| + segment.base     (for rate < 0: (segment.stop − PTS_end) / |rate| + base)
//	sync_time    = base_time + running_time                           (the clock time the sink waited for)
//
// and the clock time it was rendered at; position is the pipeline's
// position query (stream time) right after the render. gstmini's sinks
// pass that query upstream, and the queue subtracts what it holds, so it
// answers where the source is minus the queued data: ahead of the screen
// by the frame in the sink (GStreamer's sinks answer from the clock,
// gst_base_sink_get_position, gstbasesink.c:5128). That is why the rate
// changes start a frame or two after the last frame rendered.
//
// Run it with
//
//	go run ./gstmini/examples/seeking
//	go run ./gstmini/examples/seeking -json
//
// What to observe: after step 2 the base time jumps to the clock time of
// the seek and the first frame (1.5 s) has running time 0 — rendered at
// once; after step 3 the base time stays and running time continues from
// where step 2 stopped; at rate 2 consecutive renders are 50 ms apart
// although the PTS are 100 ms apart; at rate -1 the PTS go down while
// running time goes up; the looped segment repeats its PTS with running
// time increasing by 200 ms per pass and no flush.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
)

// Clip shape.
const (
	Frame      = 100 * time.Millisecond
	ClipLength = 3 * time.Second
)

// ClipSrc plays a clip of ClipLength in frames of Frame, both ways: the
// buffer starts at the segment's position going forwards and ends there
// going backwards. Create it with NewClipSrc.
type ClipSrc struct{ gstmini.BaseSrc }

// NewClipSrc returns a clip source named name in state NULL.
func NewClipSrc(name string) *ClipSrc {
	c := &ClipSrc{}
	c.InitBaseSrc(c, name, gstmini.BaseSrcHooks{Create: c.create})
	c.SetDuration(ClipLength)
	return c
}

func (c *ClipSrc) create(uint64, int) (*gstmini.Buffer, gstmini.FlowReturn) {
	seg := c.Segment()
	if seg.Rate < 0 {
		pts := max(seg.Position-Frame, seg.Start)
		return gstmini.NewBufferWithPTS(pts, seg.Position-pts), gstmini.FlowOK
	}
	if seg.Position >= ClipLength {
		return nil, gstmini.FlowEOS
	}
	return gstmini.NewBufferWithPTS(seg.Position, Frame), gstmini.FlowOK
}

// Row is one rendered buffer. Times are in nanoseconds in the JSON form.
type Row struct {
	Step        int           `json:"step"`
	PTS         time.Duration `json:"pts_ns"`
	Discont     bool          `json:"discont"`
	Rate        float64       `json:"rate"`
	SegBase     time.Duration `json:"segment_base_ns"`
	RunningTime time.Duration `json:"running_time_ns"`
	BaseTime    time.Duration `json:"base_time_ns"`
	SyncTime    time.Duration `json:"sync_time_ns"`
	Rendered    time.Duration `json:"rendered_ns"` // clock time of the render
	Position    time.Duration `json:"position_ns"` // the pipeline's position query after the render
}

// Step is one seek of the scenario and what it returned.
type Step struct {
	N      int    `json:"step"`
	What   string `json:"what"`
	Seeked bool   `json:"seeked"`
}

// Report is what a run measured.
type Report struct {
	Steps []Step `json:"steps"`
	Rows  []Row  `json:"rows"`
}

// syncSink records a Row per render and signals the application.
type syncSink struct {
	gstmini.BaseSink
	mu       sync.Mutex
	segment  *gstmini.Segment
	step     int
	rows     []Row
	rendered chan struct{}
}

func newSyncSink(name string) *syncSink {
	k := &syncSink{rendered: make(chan struct{}, 64)}
	k.InitBaseSink(k, name, gstmini.BaseSinkHooks{
		Event: func(ev *gstmini.Event) {
			if ev.Type() == gstmini.EventSegment {
				k.mu.Lock()
				k.segment = ev.Segment()
				k.mu.Unlock()
			}
		},
		Render: func(buf *gstmini.Buffer) gstmini.FlowReturn {
			now := k.Clock().Time()
			k.mu.Lock()
			r := Row{Step: k.step, PTS: buf.PTS, Discont: buf.Flags&gstmini.BufferFlagDiscont != 0,
				BaseTime: k.BaseTime(), Rendered: now, RunningTime: gstmini.ClockTimeNone, SyncTime: gstmini.ClockTimeNone}
			if seg := k.segment; seg != nil {
				r.Rate, r.SegBase = seg.Rate, seg.Base
				pos := buf.PTS
				if seg.Rate < 0 {
					pos += buf.Duration // backwards a sink syncs on the buffer's end
				}
				if rt, ok := seg.ToRunningTime(pos); ok {
					r.RunningTime, r.SyncTime = rt, r.BaseTime+rt
				}
			}
			k.rows = append(k.rows, r)
			k.mu.Unlock()
			k.rendered <- struct{}{}
			return gstmini.FlowOK
		},
	})
	return k
}

func (k *syncSink) setStep(n int) {
	k.mu.Lock()
	k.step = n
	k.mu.Unlock()
}

func (k *syncSink) setPosition(pos time.Duration) {
	k.mu.Lock()
	if n := len(k.rows); n > 0 {
		k.rows[n-1].Position = pos
	}
	k.mu.Unlock()
}

// Run builds the pipeline on clock, plays the scenario and returns the
// report. The pipeline is in NULL when Run returns.
func Run(ctx context.Context, clock gstmini.Clock) (Report, error) {
	var rep Report
	p := gstmini.NewPipeline("pipeline")
	p.UseClock(clock)
	src, q, sink := NewClipSrc("clipsrc"), elements.NewQueue("queue"), newSyncSink("syncsink")
	if err := q.SetProperty("max-size-buffers", 2); err != nil { // little in flight: the non-flushing seek shows sooner
		return rep, err
	}
	if err := p.Add(src, q, sink); err != nil {
		return rep, err
	}
	if err := src.SrcPad().Link(q.Base().StaticPad("sink")); err != nil {
		return rep, err
	}
	if err := q.Base().StaticPad("src").Link(sink.SinkPad()); err != nil {
		return rep, err
	}
	defer p.Stop()

	// renders waits until n renders of the current step satisfy ok,
	// asking the pipeline for its position after each render.
	renders := func(n int, ok func(Row) bool) error {
		for n > 0 {
			select {
			case <-sink.rendered:
				pq := gstmini.NewPositionQuery(gstmini.FormatTime)
				if p.Query(pq) {
					sink.setPosition(pq.Value())
				}
				sink.mu.Lock()
				last := sink.rows[len(sink.rows)-1]
				sink.mu.Unlock()
				if ok(last) {
					n--
				}
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	}
	anyRow := func(Row) bool { return true }
	drain := func() {
		for {
			select {
			case <-sink.rendered:
			default:
				return
			}
		}
	}
	step := func(n int, what string, seek func() bool) {
		drain()
		sink.setStep(n)
		rep.Steps = append(rep.Steps, Step{N: n, What: what, Seeked: seek()})
	}
	position := func() time.Duration {
		pq := gstmini.NewPositionQuery(gstmini.FormatTime)
		p.Query(pq)
		return pq.Value()
	}
	flush := gstmini.SeekFlagFlush | gstmini.SeekFlagAccurate
	set, none := gstmini.SeekTypeSet, gstmini.ClockTimeNone

	sink.setStep(1)
	rep.Steps = append(rep.Steps, Step{N: 1, What: "play from 0", Seeked: true})
	if p.SetState(gstmini.StatePlaying) == gstmini.StateChangeFailure {
		return rep, fmt.Errorf("pipeline refused to play")
	}
	if err := renders(2, anyRow); err != nil {
		return rep, err
	}
	step(2, "flushing seek to 1.5 s", func() bool {
		return p.Seek(1, gstmini.FormatTime, flush, set, 1500*time.Millisecond, set, none)
	})
	if err := renders(2, func(r Row) bool { return r.PTS >= 1500*time.Millisecond }); err != nil {
		return rep, err
	}
	step(3, "non-flushing seek to 0.5 s", func() bool {
		return p.Seek(1, gstmini.FormatTime, gstmini.SeekFlagNone, set, 500*time.Millisecond, set, none)
	})
	// What was in flight and queued plays first, then the new segment.
	if err := renders(2, func(r Row) bool { return r.PTS < 1500*time.Millisecond }); err != nil {
		return rep, err
	}
	step(4, "rate 2 from the position", func() bool {
		return p.Seek(2, gstmini.FormatTime, flush, set, position(), set, none)
	})
	if err := renders(3, anyRow); err != nil {
		return rep, err
	}
	step(5, "rate -1 from the position", func() bool {
		return p.Seek(-1, gstmini.FormatTime, flush, set, 0, set, position())
	})
	if err := renders(3, anyRow); err != nil {
		return rep, err
	}
	step(6, "segment seek [0.2 s, 0.4 s), looped on SEGMENT_DONE", func() bool {
		return p.Seek(1, gstmini.FormatTime, flush|gstmini.SeekFlagSegment, set, 200*time.Millisecond, set, 400*time.Millisecond)
	})
	for pass := 1; pass <= 2; pass++ {
		m, err := p.Bus().PopFiltered(ctx, gstmini.MessageSegmentDone|gstmini.MessageError)
		if err != nil {
			return rep, err
		}
		if m.Type == gstmini.MessageError {
			return rep, m.Err
		}
		if pass == 2 {
			break
		}
		rep.Steps = append(rep.Steps, Step{N: 6, What: "SEGMENT_DONE: seek [0.2 s, 0.4 s) again, no flush",
			Seeked: p.Seek(1, gstmini.FormatTime, gstmini.SeekFlagSegment, set, 200*time.Millisecond, set, 400*time.Millisecond)})
	}
	// SEGMENT_DONE comes when the source has pushed the segment's end;
	// the sink renders it later: wait for both passes' two frames.
	if err := renders(4, anyRow); err != nil {
		return rep, err
	}
	p.Stop()
	sink.mu.Lock()
	rep.Rows = append([]Row(nil), sink.rows...)
	sink.mu.Unlock()
	return rep, nil
}

func msString(d time.Duration) string {
	if d == gstmini.ClockTimeNone {
		return "none"
	}
	return fmt.Sprintf("%.0f", float64(d)/float64(time.Millisecond))
}

// Print writes the report as a table.
func Print(w io.Writer, rep Report) {
	for _, s := range rep.Steps {
		fmt.Fprintf(w, "step %d: %s (seek %t)\n", s.N, s.What, s.Seeked)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "step\tPTS ms\tdiscont\trate\tseg.base ms\trunning ms\tbase_time ms\tsync ms\trendered ms\tposition ms\t")
	for _, r := range rep.Rows {
		fmt.Fprintf(tw, "%d\t%s\t%t\t%g\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Step, msString(r.PTS), r.Discont, r.Rate, msString(r.SegBase),
			msString(r.RunningTime), msString(r.BaseTime), msString(r.SyncTime), msString(r.Rendered), msString(r.Position))
	}
	tw.Flush()
}

func main() {
	asJSON := flag.Bool("json", false, "print the report as JSON")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rep, err := Run(ctx, gstmini.NewSystemClock())
	if err != nil {
		fmt.Fprintln(os.Stderr, "seeking:", err)
		os.Exit(1)
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(os.Stderr, "seeking:", err)
			os.Exit(1)
		}
		return
	}
	Print(os.Stdout, rep)
}
