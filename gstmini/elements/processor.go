package elements

import (
	"math"
	"sync"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// References of the form file.c:N are to GStreamer at tag 1.22.0; N is the
// line holding the function's name (or the line quoted):
//
//	gstvideodecoder.c   subprojects/gst-plugins-base/gst-libs/gst/video/gstvideodecoder.c
//	gstbasetransform.c  subprojects/gstreamer/libs/gst/base/gstbasetransform.c

// Processor defaults.
const (
	DefaultProcessingTime = 0 // the processor's work per frame; 0 passes frames on at once
)

// A Processor is a slow video filter (factory "processor"): every frame
// costs it processing-time of work, spent on the pipeline clock, before it
// pushes the frame on. It stands in for a decoder or an effect that cannot
// keep up, and it reads the QOS events the sinks send upstream to skip the
// frames that would reach them too late anyway, as GstVideoDecoder does.
// Create it with NewProcessor.
//
// # Quality of service
//
// A sink with qos=true sends a QOS event upstream after every buffer it
// renders or drops (gst_base_sink_perform_qos): the buffer's running time
// (timestamp) and how late it was (diff, positive when late). With qos on,
// the processor turns each one into the earliest running time a frame
// must have to be worth the work (gst_video_decoder_src_event_default,
// gstvideodecoder.c:1773, the QOS case):
//
//	diff > 0:  earliest = timestamp + 2*diff + frame_duration   (late: skip ahead, with a margin)
//	diff <= 0: earliest = timestamp + diff                      (on time: only what is already past)
//
// where frame_duration comes from the caps' framerate (0 without one). A
// frame whose running time is before earliest is skipped without any work
// (the deadline test of gst_video_decoder_clip_and_push_buf,
// gstvideodecoder.c:3667, made before the work as GstBaseTransform makes it,
// default_submit_input_buffer, gstbasetransform.c:2031): it is counted in
// "dropped", a QOS message is posted (live false, the frame's running,
// stream and PTS time, jitter = earliest - running time, the last
// proportion, stats processed/dropped in buffers, as
// gst_video_decoder_post_qos_drop, gstvideodecoder.c:3211, posts it), and
// the next frame pushed carries DISCONT. A skipped frame is never lost
// silently: every frame in is either processed or dropped, and each drop
// is on the bus.
//
// # Latency
//
// A frame leaves processing-time after it arrived, so with report-latency
// (the default) the src pad answers the latency query with upstream's
// answer plus processing-time, on the minimum and on the maximum if
// bounded, as an element that holds data for that long must (a decoder
// reports its delay with gst_video_decoder_set_latency). With
// report-latency=false it passes upstream's answer on unchanged, as most
// filters do; the sinks' processing-deadline (20 ms by default) is then
// all the time the pipeline allows for the work.
//
// # Properties
//
// "processing-time" (gstmini, default 0), "qos" (default true, as
// GstVideoDecoder's), "report-latency" (gstmini, default true), and the
// read-only counters "processed" and "dropped" (guint64), reset on
// READY→PAUSED. The work is a wait on the pipeline clock, so on a
// gstcheck.TestClock it takes no real time; without a clock the processor
// does no waiting. A flush or the way to READY ends a wait at once.
//
// All methods are safe for concurrent use.
type Processor struct {
	gstmini.ElementBase
	sinkpad, srcpad *gstmini.Pad
	waiter          clockWaiter

	mu             sync.Mutex // every field below
	processingTime time.Duration
	qos            bool
	reportLatency  bool
	segment        gstmini.Segment
	frameDuration  time.Duration
	earliest       time.Duration // running time; ClockTimeNone until a QOS event sets it
	proportion     float64
	processed      uint64
	dropped        uint64
	discont        bool
}

// NewProcessor returns a processor named name, in state NULL, with a "sink"
// and a "src" pad, processing-time 0, qos and report-latency on.
func NewProcessor(name string) *Processor {
	p := &Processor{processingTime: DefaultProcessingTime, qos: true, reportLatency: true}
	p.Init(p, name)
	p.resetLocked()
	p.sinkpad = gstmini.NewPad("sink", gstmini.PadSink)
	p.sinkpad.SetChainFunc(func(_ *gstmini.Pad, _ gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
		return p.chain(buf)
	})
	p.sinkpad.SetEventFunc(p.sinkEvent)
	p.sinkpad.SetActivateModeFunc(func(_ *gstmini.Pad, _ gstmini.Element, _ gstmini.PadMode, active bool) bool {
		if active {
			p.waiter.unlockStop()
		} else {
			p.waiter.unlock()
		}
		return true
	})
	p.srcpad = gstmini.NewPad("src", gstmini.PadSrc)
	p.srcpad.SetEventFunc(p.srcEvent)
	p.srcpad.SetQueryFunc(p.srcQuery)
	for _, pad := range []*gstmini.Pad{p.sinkpad, p.srcpad} {
		if err := p.AddPad(pad); err != nil {
			panic(err) // fresh pads with distinct names: cannot happen
		}
	}
	p.installProperties()
	return p
}

func (p *Processor) installProperties() {
	locked := func(f func()) { p.mu.Lock(); f(); p.mu.Unlock() }
	pt := gstmini.TimeProperty("processing-time", "Work per frame, spent on the pipeline clock", "guint64",
		0, math.MaxInt64-1, DefaultProcessingTime,
		func() (v time.Duration) { locked(func() { v = p.processingTime }); return },
		func(v time.Duration) { locked(func() { p.processingTime = v }) })
	pt.Flags = gstmini.PropReadWrite | gstmini.PropNotGStreamer
	p.InstallProperty(pt)
	p.InstallProperty(gstmini.BoolProperty("qos", "Handle Quality-of-Service events from downstream", true,
		func() (v bool) { locked(func() { v = p.qos }); return },
		func(v bool) { locked(func() { p.qos = v }) }))
	rl := gstmini.BoolProperty("report-latency", "Add processing-time to the latency upstream reports", true,
		func() (v bool) { locked(func() { v = p.reportLatency }); return },
		func(v bool) { locked(func() { p.reportLatency = v }) })
	rl.Flags = gstmini.PropReadWrite | gstmini.PropNotGStreamer
	p.InstallProperty(rl)
	for _, c := range []struct {
		name, blurb string
		get         func() uint64
	}{
		{"processed", "Frames processed and pushed on", func() uint64 { n, _ := p.Stats(); return n }},
		{"dropped", "Frames skipped because QoS said they would be late", func() uint64 { _, n := p.Stats(); return n }},
	} {
		prop := gstmini.UintProperty(c.name, c.blurb, "guint64", 0, math.MaxUint64, 0, c.get, nil)
		prop.Flags = gstmini.PropReadable | gstmini.PropNotGStreamer
		p.InstallProperty(prop)
	}
}

// SinkPad returns the pad frames enter through.
func (p *Processor) SinkPad() *gstmini.Pad { return p.sinkpad }

// SrcPad returns the pad processed frames leave through, and QOS events
// arrive at.
func (p *Processor) SrcPad() *gstmini.Pad { return p.srcpad }

// Stats returns how many frames were processed and how many were skipped
// (dropped) since READY→PAUSED.
func (p *Processor) Stats() (processed, dropped uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.processed, p.dropped
}

// EarliestTime returns the earliest running time the last QOS event set,
// or ClockTimeNone.
func (p *Processor) EarliestTime() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.earliest
}

// ChangeState resets the QoS state and the counters on READY→PAUSED.
func (p *Processor) ChangeState(t gstmini.StateChange) gstmini.StateChangeReturn {
	if t == gstmini.TransitionReadyToPaused {
		p.mu.Lock()
		p.resetLocked()
		p.processed, p.dropped = 0, 0
		p.mu.Unlock()
	}
	return p.ElementBase.ChangeState(t)
}

// resetLocked forgets the segment and the QoS state
// (gst_video_decoder_reset, gstvideodecoder.c:2310).
func (p *Processor) resetLocked() {
	p.segment.Init(gstmini.FormatTime)
	p.earliest, p.proportion = gstmini.ClockTimeNone, 0.5
	p.discont = false
}

// chain skips a frame QoS says is late, else works on it for
// processing-time and pushes it on.
func (p *Processor) chain(buf *gstmini.Buffer) gstmini.FlowReturn {
	p.mu.Lock()
	rt := gstmini.ClockTimeNone
	if buf.PTS != gstmini.ClockTimeNone {
		if r, ok := p.segment.ToRunningTime(buf.PTS); ok {
			rt = r
		}
	}
	if p.qos && p.earliest != gstmini.ClockTimeNone && rt != gstmini.ClockTimeNone && rt < p.earliest {
		p.dropped++
		st, ok := p.segment.ToStreamTime(buf.PTS)
		if !ok {
			st = gstmini.ClockTimeNone
		}
		m := gstmini.NewQOSMessage(p, gstmini.QOSValues{
			Live: false, RunningTime: rt, StreamTime: st, Timestamp: buf.PTS, Duration: gstmini.ClockTimeNone,
			Jitter: p.earliest - rt, Proportion: p.proportion, Quality: 1000000,
			Processed: p.processed, Dropped: p.dropped,
		})
		p.discont = true
		p.mu.Unlock()
		buf.Unref()
		p.PostMessage(m)
		return gstmini.FlowOK
	}
	work := p.processingTime
	p.mu.Unlock()

	if clock := p.Clock(); clock != nil && work > 0 {
		done := clock.Time() + work
		if p.waiter.wait(clock, func() (time.Duration, bool) { return done, true }) {
			buf.Unref()
			return gstmini.FlowFlushing
		}
	}

	p.mu.Lock()
	p.processed++
	if p.discont {
		buf = buf.MakeWritable()
		buf.Flags |= gstmini.BufferFlagDiscont
		p.discont = false
	}
	p.mu.Unlock()
	return p.srcpad.Push(buf)
}

func (p *Processor) sinkEvent(pad *gstmini.Pad, parent gstmini.Element, ev *gstmini.Event) bool {
	switch ev.Type() {
	case gstmini.EventFlushStart:
		p.waiter.unlock()
	case gstmini.EventFlushStop:
		p.waiter.unlockStop()
		p.mu.Lock()
		p.resetLocked()
		p.mu.Unlock()
	case gstmini.EventSegment:
		p.mu.Lock()
		p.segment = *ev.Segment()
		p.mu.Unlock()
	case gstmini.EventCaps:
		c := ev.Caps()
		p.mu.Lock()
		p.frameDuration = 0
		if c.Framerate.Num > 0 && c.Framerate.Den > 0 {
			p.frameDuration = time.Duration(int64(time.Second) * int64(c.Framerate.Den) / int64(c.Framerate.Num))
		}
		p.mu.Unlock()
	}
	return pad.EventDefault(parent, ev)
}

// srcEvent reads QOS events on their way upstream and passes every event on.
func (p *Processor) srcEvent(pad *gstmini.Pad, parent gstmini.Element, ev *gstmini.Event) bool {
	if ev.Type() == gstmini.EventQOS {
		_, proportion, diff, timestamp := ev.QOS()
		p.mu.Lock()
		p.proportion = proportion
		switch {
		case timestamp == gstmini.ClockTimeNone:
			p.earliest = gstmini.ClockTimeNone
		case diff > 0:
			p.earliest = timestamp + 2*diff + p.frameDuration
		default:
			p.earliest = timestamp + diff
		}
		p.mu.Unlock()
	}
	return pad.EventDefault(parent, ev)
}

// srcQuery answers the latency query with upstream's answer plus
// processing-time when report-latency is on; other queries get the default
// handling.
func (p *Processor) srcQuery(pad *gstmini.Pad, parent gstmini.Element, q *gstmini.Query) bool {
	if q.Type() != gstmini.QueryLatency {
		return pad.QueryDefault(parent, q)
	}
	uq := gstmini.NewLatencyQuery()
	if !p.sinkpad.PeerQuery(uq) {
		return false
	}
	live, minL, maxL := uq.Latency()
	p.mu.Lock()
	add := p.processingTime
	if !p.reportLatency {
		add = 0
	}
	p.mu.Unlock()
	minL += add
	if maxL != gstmini.ClockTimeNone {
		maxL += add
	}
	q.SetLatency(live, minL, maxL)
	return true
}
