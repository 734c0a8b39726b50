package elements

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// An Identity passes every buffer through unchanged (GstIdentity, factory
// "identity", plugins/elements/gstidentity.c at 1.22.0): a "sink" and a
// "src" pad, and the chain function pushes the buffer it got, the same
// buffer, on the same goroutine. It is what chains of any length are made
// of when only the cost of the data flow is measured, and a place to sync a
// stream to the clock without a sink. Create it with NewIdentity.
//
// Timing (gst_identity_transform_ip, gstidentity.c:732). The identity keeps
// the segment of its sink pad, as GstBaseTransform does. With sync=true it
// waits on the pipeline clock until
//
//	running_time(DTS, else PTS, else 0) + base_time + upstream latency + ts-offset
//
// (gst_identity_do_sync, :362: the upstream latency is the minimum a live
// upstream answered to the latency query through it), and like a live
// source it returns NO_PREROLL on READY→PAUSED and PLAYING→PAUSED and
// holds buffers while PAUSED (gst_identity_change_state, :1157). A flush
// or the way to READY ends the wait with FLUSHING. It answers the latency
// query with upstream's answer, live if upstream is or sync is on, and an
// unbounded maximum behind a non-live upstream (gst_identity_query, :1106).
//
// single-segment=true (:422) replaces the first SEGMENT by a default one
// (start 0, no stop) of the same format, eats the later ones, and rewrites
// every buffer's PTS and DTS to their running times, offsets to none: a
// stream of several segments becomes one of running time.
//
// drop-probability (default 0) drops each buffer with that probability:
// the buffer is not pushed, a GAP event covering it is when it has a
// timestamp, and the chain returns OK (GstBaseTransform's FLOW_DROPPED).
// error-after=N posts an ERROR and returns FlowError at the Nth buffer,
// eos-after=N returns FlowEOS at the Nth (both -1, off, by default).
// signal-handoffs (default true, as GStreamer's) calls the SetHandoff
// function with each buffer before it is pushed; silent=false keeps a
// last-message for each buffer and event. ts-offset shifts the sync time.
//
// Left out: sleep-time, duplicate, datarate, dump, check-imperfect-*,
// drop-buffer-flags, drop-allocation (gstmini has no allocation query) and
// the stats structure. All methods are safe for concurrent use.
type Identity struct {
	gstmini.ElementBase
	sinkpad, srcpad *gstmini.Pad
	waiter          clockWaiter

	mu              sync.Mutex // every field below
	unblocked       *sync.Cond // signalled when blocked or flushing changes
	sync            bool
	singleSegment   bool
	dropProbability float64
	silent          bool
	signalHandoffs  bool
	tsOffset        time.Duration
	errorAfter      int64
	eosAfter        int64
	errorLeft       int64
	eosLeft         int64
	handoff         func(*gstmini.Buffer)
	lastMessage     string
	segment         gstmini.Segment
	haveSegment     bool
	upstreamLatency time.Duration
	blocked         bool // PAUSED with sync=true: buffers wait for PLAYING
	flushing        bool
	buffers, bytes  uint64
}

// NewIdentity returns an identity named name, in state NULL, with
// GStreamer's defaults (gst_identity_init, gstidentity.c:329).
func NewIdentity(name string) *Identity {
	id := &Identity{silent: true, signalHandoffs: true, errorAfter: -1, eosAfter: -1, errorLeft: -1, eosLeft: -1}
	id.unblocked = sync.NewCond(&id.mu)
	id.segment.Init(gstmini.FormatTime)
	id.Init(id, name)
	id.sinkpad = gstmini.NewPad("sink", gstmini.PadSink)
	id.sinkpad.SetChainFunc(func(_ *gstmini.Pad, _ gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
		return id.chain(buf)
	})
	id.sinkpad.SetEventFunc(id.sinkEvent)
	id.srcpad = gstmini.NewPad("src", gstmini.PadSrc)
	id.srcpad.SetQueryFunc(id.srcQuery)
	for _, p := range []*gstmini.Pad{id.sinkpad, id.srcpad} {
		if err := id.AddPad(p); err != nil {
			panic(err) // fresh pads with distinct names: cannot happen
		}
	}
	id.installProperties()
	return id
}

func (id *Identity) installProperties() {
	locked := func(f func()) { id.mu.Lock(); f(); id.mu.Unlock() }
	id.InstallProperty(gstmini.BoolProperty("sync", "Synchronize to pipeline clock", false,
		func() (v bool) { locked(func() { v = id.sync }); return },
		func(v bool) { locked(func() { id.sync = v }) }))
	id.InstallProperty(gstmini.BoolProperty("single-segment", "Timestamp buffers and eat segments so as to appear as one segment", false,
		func() (v bool) { locked(func() { v = id.singleSegment }); return },
		func(v bool) { locked(func() { id.singleSegment = v }) }))
	id.InstallProperty(gstmini.DoubleProperty("drop-probability", "The Probability a buffer is dropped", 0, 1, 0,
		func() (v float64) { locked(func() { v = id.dropProbability }); return },
		func(v float64) { locked(func() { id.dropProbability = v }) }))
	id.InstallProperty(gstmini.BoolProperty("silent", "silent", true,
		func() (v bool) { locked(func() { v = id.silent }); return },
		func(v bool) { locked(func() { id.silent = v }) }))
	id.InstallProperty(gstmini.BoolProperty("signal-handoffs", "Send a signal before pushing the buffer", true,
		func() (v bool) { locked(func() { v = id.signalHandoffs }); return },
		func(v bool) { locked(func() { id.signalHandoffs = v }) }))
	id.InstallProperty(gstmini.TimeProperty("ts-offset", "Timestamp offset in nanoseconds for synchronisation, negative for earlier sync", "gint64",
		math.MinInt64+1, math.MaxInt64-1, 0,
		func() (v time.Duration) { locked(func() { v = id.tsOffset }); return },
		func(v time.Duration) { locked(func() { id.tsOffset = v }) }))
	id.InstallProperty(gstmini.IntProperty("error-after", "Error after N buffers", "gint", -1, math.MaxInt32, -1,
		func() (v int64) { locked(func() { v = id.errorAfter }); return },
		func(v int64) { locked(func() { id.errorAfter, id.errorLeft = v, v }) }))
	id.InstallProperty(gstmini.IntProperty("eos-after", "EOS after N buffers", "gint", -1, math.MaxInt32, -1,
		func() (v int64) { locked(func() { v = id.eosAfter }); return },
		func(v int64) { locked(func() { id.eosAfter, id.eosLeft = v, v }) }))
	id.InstallProperty(gstmini.PropertySpec{
		Name: "last-message", Blurb: "last-message", Type: gstmini.TypeString, GType: "gchararray",
		Default: "", Flags: gstmini.PropReadable,
		Get: func() any { return id.LastMessage() },
	})
}

// SetHandoff sets the function the streaming goroutine calls with each
// buffer before pushing it, while signal-handoffs is true (the "handoff"
// signal). It must not keep or change the buffer without a reference of
// its own.
func (id *Identity) SetHandoff(f func(buf *gstmini.Buffer)) {
	id.mu.Lock()
	id.handoff = f
	id.mu.Unlock()
}

// LastMessage returns the description of the last buffer or event seen
// while silent was false.
func (id *Identity) LastMessage() string {
	id.mu.Lock()
	defer id.mu.Unlock()
	return id.lastMessage
}

// Stats returns the buffers and bytes passed on since READY→PAUSED.
func (id *Identity) Stats() (buffers, bytes uint64) {
	id.mu.Lock()
	defer id.mu.Unlock()
	return id.buffers, id.bytes
}

// ChangeState is gst_identity_change_state (gstidentity.c:1157): buffers
// wait while PAUSED, the way to READY flushes, and with sync=true the
// element answers NO_PREROLL as a live source does.
func (id *Identity) ChangeState(t gstmini.StateChange) gstmini.StateChangeReturn {
	id.mu.Lock()
	noPreroll := false
	switch t {
	case gstmini.TransitionReadyToPaused:
		id.flushing, id.blocked = false, true
		noPreroll = id.sync
		id.buffers, id.bytes = 0, 0
		id.errorLeft, id.eosLeft = id.errorAfter, id.eosAfter
		id.segment.Init(gstmini.FormatTime)
		id.haveSegment = false
		id.waiter.unlockStop()
	case gstmini.TransitionPausedToPlaying:
		id.blocked = false
		id.unblocked.Broadcast()
	case gstmini.TransitionPausedToReady:
		id.flushing, id.blocked = true, false
		id.waiter.unlock()
		id.unblocked.Broadcast()
	}
	id.mu.Unlock()
	ret := id.ElementBase.ChangeState(t)
	if t == gstmini.TransitionPlayingToPaused {
		id.mu.Lock()
		id.upstreamLatency, id.blocked = 0, true
		noPreroll = id.sync
		id.mu.Unlock()
	}
	if noPreroll && ret == gstmini.StateChangeSuccess {
		return gstmini.StateChangeNoPreroll
	}
	return ret
}

func (id *Identity) chain(buf *gstmini.Buffer) gstmini.FlowReturn {
	id.mu.Lock()
	if id.errorLeft >= 0 {
		if id.errorLeft--; id.errorLeft == 0 {
			id.mu.Unlock()
			buf.Unref()
			id.PostError(fmt.Errorf("element %s: failed after iterations as requested", id.Name()), "gst_identity_transform_ip: error-after")
			return gstmini.FlowError
		}
	}
	if id.eosLeft >= 0 {
		if id.eosLeft--; id.eosLeft == 0 {
			id.mu.Unlock()
			buf.Unref()
			return gstmini.FlowEOS
		}
	}
	if id.dropProbability > 0 && rand.Float64() < id.dropProbability {
		if !id.silent {
			id.lastMessage = id.bufferMessage("dropping", buf)
		}
		id.mu.Unlock()
		if buf.PTS != gstmini.ClockTimeNone {
			id.srcpad.PushEvent(gstmini.NewGapEvent(buf.PTS, buf.Duration))
		}
		buf.Unref()
		return gstmini.FlowOK
	}
	if !id.silent {
		id.lastMessage = id.bufferMessage("chain", buf)
	}
	handoff := id.handoff
	if !id.signalHandoffs {
		handoff = nil
	}
	runPTS, runDTS := gstmini.ClockTimeNone, gstmini.ClockTimeNone
	if id.segment.Format == gstmini.FormatTime {
		pts, dts := buf.PTS, buf.DTS
		if id.segment.Rate < 0 && buf.Duration != gstmini.ClockTimeNone {
			if pts != gstmini.ClockTimeNone {
				pts += buf.Duration
			}
			if dts != gstmini.ClockTimeNone {
				dts += buf.Duration
			}
		}
		runPTS, runDTS = id.runningTime(pts), id.runningTime(dts)
	}
	rt := time.Duration(0)
	switch {
	case runDTS != gstmini.ClockTimeNone:
		rt = runDTS
	case runPTS != gstmini.ClockTimeNone:
		rt = runPTS
	}
	syncing := id.sync && id.segment.Format == gstmini.FormatTime
	restamp := id.singleSegment && id.segment.Format == gstmini.FormatTime
	if !syncing {
		// Nothing can fail from here on: count the buffer now rather than
		// take the lock again (the common case of a chain of identities).
		id.buffers++
		id.bytes += uint64(buf.Size())
	}
	id.mu.Unlock()
	if handoff != nil {
		handoff(buf)
	}
	if syncing {
		if ret := id.doSync(rt); ret != gstmini.FlowOK {
			buf.Unref()
			return ret
		}
		id.mu.Lock()
		id.buffers++
		id.bytes += uint64(buf.Size())
		id.mu.Unlock()
	}
	if restamp {
		buf = buf.MakeWritable()
		buf.PTS, buf.DTS = runPTS, runDTS
		buf.Offset, buf.OffsetEnd = gstmini.BufferOffsetNone, gstmini.BufferOffsetNone
	}
	return id.srcpad.Push(buf)
}

// runningTime is the running time of t in the sink segment, or
// ClockTimeNone. id.mu is held.
func (id *Identity) runningTime(t time.Duration) time.Duration {
	if t == gstmini.ClockTimeNone {
		return t
	}
	if rt, ok := id.segment.ToRunningTime(t); ok {
		return rt
	}
	return gstmini.ClockTimeNone
}

// doSync is gst_identity_do_sync (gstidentity.c:362).
func (id *Identity) doSync(rt time.Duration) gstmini.FlowReturn {
	id.mu.Lock()
	if !id.sync || id.segment.Format != gstmini.FormatTime {
		id.mu.Unlock()
		return gstmini.FlowOK
	}
	for id.blocked && !id.flushing {
		id.unblocked.Wait()
	}
	if id.flushing {
		id.mu.Unlock()
		return gstmini.FlowFlushing
	}
	clock := id.Clock()
	at := rt + id.BaseTime() + id.upstreamLatency
	switch {
	case id.tsOffset >= 0:
		at += id.tsOffset
	case -id.tsOffset < at:
		at += id.tsOffset
	default:
		at = 0
	}
	id.mu.Unlock()
	if clock == nil {
		return gstmini.FlowOK
	}
	if id.waiter.wait(clock, func() (time.Duration, bool) { return at, true }) {
		return gstmini.FlowFlushing
	}
	id.mu.Lock()
	defer id.mu.Unlock()
	if id.flushing {
		return gstmini.FlowFlushing
	}
	return gstmini.FlowOK
}

func (id *Identity) bufferMessage(what string, buf *gstmini.Buffer) string {
	return fmt.Sprintf("%s   ******* (%s:sink) (%d bytes, dts: %s, pts: %s, duration: %s, offset: %d, offset_end: %d, flags: %08x) %p",
		what, id.Name(), buf.Size(), gstmini.TimeString(buf.DTS), gstmini.TimeString(buf.PTS), gstmini.TimeString(buf.Duration),
		buf.Offset, buf.OffsetEnd, uint32(buf.Flags), buf)
}

// sinkEvent is gst_identity_sink_event (gstidentity.c:422) with
// GstBaseTransform's segment tracking.
func (id *Identity) sinkEvent(pad *gstmini.Pad, parent gstmini.Element, ev *gstmini.Event) bool {
	id.mu.Lock()
	if !id.silent {
		id.lastMessage = fmt.Sprintf("event   ******* (%s:sink) E (type: %s) %p", id.Name(), ev.Type(), ev)
	}
	switch ev.Type() {
	case gstmini.EventSegment:
		first := !id.haveSegment
		id.segment = *ev.Segment()
		id.haveSegment = true
		if id.singleSegment {
			id.mu.Unlock()
			if first {
				seg := gstmini.NewSegmentWithFormat(ev.Segment().Format)
				pad.EventDefault(parent, gstmini.NewSegmentEvent(seg))
			}
			return true // later segments are eaten
		}
	case gstmini.EventFlushStart:
		id.flushing = true
		id.waiter.unlock()
		id.unblocked.Broadcast()
	case gstmini.EventFlushStop:
		id.flushing = false
		id.haveSegment = false
		id.segment.Init(gstmini.FormatTime)
		id.waiter.unlockStop()
	}
	id.mu.Unlock()
	return pad.EventDefault(parent, ev)
}

// srcQuery is gst_identity_query (gstidentity.c:1106) for the latency
// query; other queries get the default handling.
func (id *Identity) srcQuery(pad *gstmini.Pad, parent gstmini.Element, q *gstmini.Query) bool {
	if q.Type() != gstmini.QueryLatency {
		return pad.QueryDefault(parent, q)
	}
	uq := gstmini.NewLatencyQuery()
	ok := id.sinkpad.PeerQuery(uq)
	live, minL, maxL := false, time.Duration(0), time.Duration(0)
	if ok {
		live, minL, maxL = uq.Latency()
	}
	id.mu.Lock()
	if ok && id.sync && maxL < minL {
		id.mu.Unlock()
		id.PostWarning(fmt.Errorf("element %s: impossible to configure latency before identity sync=true: max %s < min %s; add queues or other buffering elements",
			id.Name(), gstmini.TimeString(maxL), gstmini.TimeString(minL)), "gst_identity_query")
		id.mu.Lock()
	}
	if live {
		id.upstreamLatency = minL
	} else {
		id.upstreamLatency = 0
		maxL = gstmini.ClockTimeNone // a non-live upstream has no bound
	}
	live = live || id.sync
	id.mu.Unlock()
	q.SetLatency(live, minL, maxL)
	return true
}
