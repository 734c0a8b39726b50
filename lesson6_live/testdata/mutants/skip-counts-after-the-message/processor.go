// mutant: skip builds the QOS message before counting the skip: Dropped is one short
package live

import (
	"sync"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// A Processor is a slow video filter: each frame costs it ProcessingTime of
// work (a wait on the pipeline clock, so a TestClock makes it free) before
// it pushes the frame on. Create it with NewProcessor and set
// ProcessingTime and QoS before PAUSED.
//
// It answers the latency query for the time it holds each frame (Step 2),
// and it reads the QOS events the sink sends upstream to skip, without
// any work, the frames that would reach the sink too late anyway (Step 4),
// as GstVideoDecoder does. elements.Processor ("processor" in launch lines)
// is the reference version.
type Processor struct {
	gstmini.ElementBase
	sinkpad, srcpad *gstmini.Pad

	ProcessingTime time.Duration // work per frame
	QoS            bool          // skip frames the QOS events say are late

	mu            sync.Mutex
	segment       gstmini.Segment
	frameDuration time.Duration    // 1 s / framerate of the caps, 0 if unknown
	earliest      time.Duration    // running time before which frames are skipped; none: skip nothing
	proportion    float64          // of the last QOS event
	processed     uint64           // frames worked on and pushed
	dropped       uint64           // frames skipped
	discont       bool             // the next frame pushed gets DISCONT
	id            *gstmini.ClockID // the work in progress, or nil
	flushing      bool
}

// NewProcessor returns a processor named name in state NULL, with a "sink"
// and a "src" pad, QoS on and no processing time.
func NewProcessor(name string) *Processor {
	p := &Processor{QoS: true, earliest: none}
	p.Init(p, name)
	p.segment.Init(gstmini.FormatTime)
	p.sinkpad = gstmini.NewPad("sink", gstmini.PadSink)
	p.sinkpad.SetChainFunc(func(_ *gstmini.Pad, _ gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
		return p.chain(buf)
	})
	p.sinkpad.SetEventFunc(p.sinkEvent)
	p.sinkpad.SetActivateModeFunc(func(_ *gstmini.Pad, _ gstmini.Element, _ gstmini.PadMode, active bool) bool {
		p.setFlushing(!active)
		return true
	})
	p.srcpad = gstmini.NewPad("src", gstmini.PadSrc)
	p.srcpad.SetEventFunc(func(pad *gstmini.Pad, parent gstmini.Element, ev *gstmini.Event) bool {
		if ev.Type() == gstmini.EventQOS {
			p.handleQOS(ev)
		}
		return pad.EventDefault(parent, ev)
	})
	p.srcpad.SetQueryFunc(func(pad *gstmini.Pad, parent gstmini.Element, q *gstmini.Query) bool {
		if q.Type() == gstmini.QueryLatency {
			return p.queryLatency(q)
		}
		return pad.QueryDefault(parent, q)
	})
	for _, pad := range []*gstmini.Pad{p.sinkpad, p.srcpad} {
		if err := p.AddPad(pad); err != nil {
			panic(err) // fresh pads with distinct names: cannot happen
		}
	}
	return p
}

// SinkPad returns the pad frames enter through.
func (p *Processor) SinkPad() *gstmini.Pad { return p.sinkpad }

// SrcPad returns the pad frames leave through and QOS events arrive at.
func (p *Processor) SrcPad() *gstmini.Pad { return p.srcpad }

// Stats returns how many frames were processed and how many skipped.
func (p *Processor) Stats() (processed, dropped uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.processed, p.dropped
}

// EarliestTime returns the running time before which frames are skipped,
// or none.
func (p *Processor) EarliestTime() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.earliest
}

// queryLatency answers the latency query on the src pad. The processor
// holds every frame for ProcessingTime, so a frame leaves it that much
// later than it would without it: it asks upstream (a new latency query,
// sent with p.sinkpad.PeerQuery), adds ProcessingTime to the minimum, and
// to the maximum unless that is none (unbounded), keeps live as upstream
// said, answers q with q.SetLatency and returns true. If upstream cannot
// answer it returns false. For example, behind a 30 fps camera (true,
// 33.333333 ms, 33.333333 ms) a 40 ms processor answers (true, 73.333333 ms,
// 73.333333 ms) — the way hlssegmenter adds its target duration
// (gstmini/elements/hlssegmenter.go) and a decoder its delay
// (gst_video_decoder_set_latency).
func (p *Processor) queryLatency(q *gstmini.Query) bool {
	uq := gstmini.NewLatencyQuery()
	if !p.sinkpad.PeerQuery(uq) {
		return false
	}
	live, minL, maxL := uq.Latency()
	minL += p.ProcessingTime
	if maxL != none {
		maxL += p.ProcessingTime
	}
	q.SetLatency(live, minL, maxL)
	return true
}

// handleQOS reads a QOS event on its way upstream (it is passed on
// afterwards). The event says the sink rendered (or dropped) the buffer of
// running time timestamp diff late (positive: late, negative: early), with
// proportion its long-term estimate of how fast it must go. The
// processor keeps proportion and sets the earliest running time a frame
// must have to be worth working on, as gst_video_decoder_src_event_default
// does (subprojects/gst-plugins-base/gst-libs/gst/video/gstvideodecoder.c:1773,
// the QOS case, :1843):
//
//	timestamp == none:  earliest = none                                 (forget)
//	diff > 0 (late):    earliest = timestamp + 2*diff + frameDuration   (skip ahead, with a margin)
//	diff <= 0:          earliest = timestamp + diff                     (only what is already past)
//
// under p.mu (the streaming goroutine reads it). For example, at 25 fps
// (frame 40 ms), QOS (underflow, 1.5, +500 ms, 0) sets earliest to 1.04 s;
// QOS (overflow, 0.9, -20 ms, 200 ms) sets it to 180 ms.
func (p *Processor) handleQOS(ev *gstmini.Event) {
	_, proportion, diff, timestamp := ev.QOS()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.proportion = proportion
	switch {
	case timestamp == none:
		p.earliest = none
	case diff > 0:
		p.earliest = timestamp + 2*diff + p.frameDuration
	default:
		p.earliest = timestamp + diff
	}
}

// tooLate reports whether the frame of running time rt is to be skipped:
// QoS is on, an earliest time is set, rt is known (not none), and rt is
// before earliest (strictly: a frame exactly at earliest is worked on),
// the deadline test of gst_video_decoder_clip_and_push_buf
// (gstvideodecoder.c:3667), made before the work as GstBaseTransform makes
// it. Called with p.mu held.
func (p *Processor) tooLate(rt time.Duration) bool {
	return p.QoS && p.earliest != none && rt != none && rt < p.earliest
}

// skip accounts for a frame tooLate said to skip: it counts it in
// p.dropped, marks the next frame pushed DISCONT (p.discont: downstream
// must know frames are missing), and returns the QOS message to post, as
// gst_video_decoder_post_qos_drop (gstvideodecoder.c:3211) builds it:
// Live false, RunningTime rt, StreamTime (p.segment's stream time of the
// PTS, none if outside), Timestamp PTS, Duration none, Jitter earliest -
// rt (how far behind it is), Proportion of the last QOS event, Quality
// 1000000, Processed and Dropped so far (this one included). Called with
// p.mu held; chain posts the message once the lock is released. For
// example, with earliest 1.04 s, a frame at 40 ms after 1 processed frame
// gives Jitter 1 s, Processed 1, Dropped 1.
func (p *Processor) skip(buf *gstmini.Buffer, rt time.Duration) *gstmini.Message {
	p.discont = true
	st, ok := p.segment.ToStreamTime(buf.PTS)
	if !ok {
		st = none
	}
	m := gstmini.NewQOSMessage(p, gstmini.QOSValues{
		Live: false, RunningTime: rt, StreamTime: st, Timestamp: buf.PTS, Duration: none,
		Jitter: p.earliest - rt, Proportion: p.proportion, Quality: 1000000,
		Processed: p.processed, Dropped: p.dropped,
	})
	p.dropped++
	return m
}

// chain is the sink pad's chain function: skip a late frame, else work on
// it for ProcessingTime and push it on.
func (p *Processor) chain(buf *gstmini.Buffer) gstmini.FlowReturn {
	p.mu.Lock()
	rt := none
	if buf.PTS != none {
		if r, ok := p.segment.ToRunningTime(buf.PTS); ok {
			rt = r
		}
	}
	if p.tooLate(rt) {
		m := p.skip(buf, rt)
		p.mu.Unlock()
		buf.Unref()
		if m != nil {
			p.PostMessage(m)
		}
		return gstmini.FlowOK
	}
	if clock := p.Clock(); clock != nil && p.ProcessingTime > 0 {
		if p.flushing {
			p.mu.Unlock()
			buf.Unref()
			return gstmini.FlowFlushing
		}
		id := gstmini.NewSingleShotID(clock, clock.Time()+p.ProcessingTime)
		p.id = id
		p.mu.Unlock()
		ret, _ := id.Wait()
		p.mu.Lock()
		p.id = nil
		if ret == gstmini.ClockUnscheduled || p.flushing {
			p.mu.Unlock()
			buf.Unref()
			return gstmini.FlowFlushing
		}
	}
	p.processed++
	if p.discont {
		buf = buf.MakeWritable()
		buf.Flags |= gstmini.BufferFlagDiscont
		p.discont = false
	}
	p.mu.Unlock()
	return p.srcpad.Push(buf)
}

func (p *Processor) setFlushing(flushing bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.flushing = flushing
	if flushing && p.id != nil {
		p.id.Unschedule()
	}
}

func (p *Processor) sinkEvent(pad *gstmini.Pad, parent gstmini.Element, ev *gstmini.Event) bool {
	switch ev.Type() {
	case gstmini.EventFlushStart:
		p.setFlushing(true)
	case gstmini.EventFlushStop:
		p.setFlushing(false)
		p.mu.Lock()
		p.segment.Init(gstmini.FormatTime)
		p.earliest, p.discont = none, false
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
			p.frameDuration = time.Second * time.Duration(c.Framerate.Den) / time.Duration(c.Framerate.Num)
		}
		p.mu.Unlock()
	}
	return pad.EventDefault(parent, ev)
}

// ChangeState resets the counters and the QoS state on READY→PAUSED.
func (p *Processor) ChangeState(t gstmini.StateChange) gstmini.StateChangeReturn {
	if t == gstmini.TransitionReadyToPaused {
		p.mu.Lock()
		p.segment.Init(gstmini.FormatTime)
		p.earliest, p.proportion, p.discont = none, 0.5, false
		p.processed, p.dropped = 0, 0
		p.mu.Unlock()
	}
	return p.ElementBase.ChangeState(t)
}
