package gstmini

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// BaseSinkHooks are the functions a sink built on BaseSink provides
// (the virtual methods of GstBaseSinkClass). Render is required; the others
// may be nil. They run on the streaming goroutine, with the sink's pad
// stream lock and preroll lock held, except Start, Stop, Unlock and
// UnlockStop, which run on the goroutine changing state or flushing.
type BaseSinkHooks struct {
	// Render shows or stores one buffer, at the time the clock reaches it.
	Render func(buf *Buffer) FlowReturn
	// Prepare readies a buffer for rendering before the clock wait, so the
	// wait ends exactly at the render time (GstBaseSinkClass.prepare).
	Prepare func(buf *Buffer) FlowReturn
	// Preroll sees the first buffer in PAUSED (GstBaseSinkClass.preroll).
	Preroll func(buf *Buffer) FlowReturn
	// GetTimes returns the buffer's start and end time for sync; the default
	// is DTS (else PTS) and that plus the duration (gst_base_sink_default_get_times).
	GetTimes func(buf *Buffer) (start, end time.Duration)
	// Event sees every event the sink handles, after BaseSink's own
	// handling; EOS arrives after the sink waited for its time.
	Event func(ev *Event)
	// Start and Stop open and close resources on NULL↔READY.
	Start, Stop func() error
	// Unlock makes a Render that blocks return at once (a flush or
	// PLAYING→PAUSED); UnlockStop clears that request (GstBaseSinkClass.unlock).
	Unlock, UnlockStop func()
}

// BaseSink is the base of every sink (GstBaseSink,
// libs/gst/base/gstbasesink.c at 1.22.0). It drops buffers outside the
// segment, converts timestamps to running time, waits on the clock until
//
//	base_time + running_time + latency + ts-offset - render-delay
//
// and only then calls Render; it prerolls in PAUSED (holding the first
// buffer until PLAYING), drops buffers later than their duration plus
// max-lateness, posts QoS, and posts EOS once EOS has been "rendered" in
// time. Embed it and call InitBaseSink. Its properties have GStreamer's
// names and defaults: sync=true, async=true, max-lateness=-1, qos=false,
// ts-offset=0, render-delay=0, processing-deadline=20ms.
type BaseSink struct {
	ElementBase
	sinkpad *Pad
	hooks   BaseSinkHooks

	// Properties and latency, guarded by propMu.
	propMu             sync.Mutex
	sync               bool
	async              bool
	maxLateness        time.Duration // -1: never drop late buffers
	qos                bool
	tsOffset           time.Duration
	renderDelay        time.Duration
	processingDeadline time.Duration
	dropOutOfSegment   bool
	latency            time.Duration
	haveLatency        bool
	clockWaits         uint64   // gstmini: every wait on the clock, for the examples' statistics
	received           *Segment // the last SEGMENT event's segment, for Segment

	// What the data path reads per buffer, kept for reading without propMu:
	// cfg is republished under propMu whenever a setting in it changes.
	cfg   atomic.Pointer[sinkSettings]
	qosOn atomic.Bool // qos

	// Buffers rendered and dropped (Stats), written by the streaming
	// goroutine with mu held; Stats reads them without a lock. The QoS
	// counts (priv->rendered, priv->dropped) restart at each QoS reset:
	// they are the totals less the totals at the reset, kept under mu.
	totalRendered, totalDropped atomic.Uint64
	renderedAtReset             uint64
	droppedAtReset              uint64

	// Streaming state, guarded by mu (GST_BASE_SINK_PREROLL_LOCK).
	mu             sync.Mutex
	cond           *sync.Cond
	flushing       bool
	needPreroll    bool
	havePreroll    bool
	playingAsync   bool
	callPreroll    bool
	receivedEOS    bool
	eos            bool
	haveNewSegment bool
	segment        Segment
	clockID        *ClockID
	eosRtime       time.Duration
	currentSstart  time.Duration
	currentSstop   time.Duration
	currentRstart  time.Duration
	currentRstop   time.Duration
	currentJitter  time.Duration
	qosState       sinkQoS
}

// sinkQoS is the lateness and QoS state of GstBaseSinkPrivate. Its times
// are GstClockTime values as C holds them (uint64, unset is cNone, see toC)
// and every computation on them is C's unsigned arithmetic, wrap-around
// included, because its results differ from signed ones exactly where
// GStreamer's behaviour is surprising: a running time earlier than the last
// render time makes a huge difference (the emergency rule in isTooLate), and
// an unset running time counts as later than any set one (noteRstart).
type sinkQoS struct {
	lastRenderTime uint64 // running time of the last buffer rendered in time
	prevRstart     uint64 // running time of the previous synced object
	avgInDiff      uint64 // running average of the spacing of running times
	lastLeft       uint64 // when the previous buffer left the sink
	avgPT          uint64 // running average of the processing time
	avgRate        float64
}

func (q *sinkQoS) reset() {
	*q = sinkQoS{cNone, cNone, cNone, cNone, cNone, -1}
}

// noteRstart updates the average spacing of running times with the running
// time of the object being synced, as gst_base_sink_do_sync does
// (gstbasesink.c:2714). In GstClockTime an unset running time (an object
// without a timestamp) is 2^64-1, later than any previous one: the "spacing"
// to it, a huge unsigned value, enters the average as in GStreamer.
func (q *sinkQoS) noteRstart(rstart time.Duration) {
	start := toC(rstart)
	if q.prevRstart != cNone && q.prevRstart < start {
		inDiff := start - q.prevRstart
		if q.avgInDiff == cNone {
			q.avgInDiff = inDiff
		} else {
			q.avgInDiff = (inDiff + 7*q.avgInDiff) / 8 // UPDATE_RUNNING_AVG, in guint64
		}
	}
	q.prevRstart = start
}

// InitBaseSink prepares the sink part of self, named name, with a "sink"
// pad and the given hooks. Call it from the sink's constructor.
func (s *BaseSink) InitBaseSink(self Element, name string, hooks BaseSinkHooks) {
	s.Init(self, name)
	s.hooks = hooks
	s.cond = sync.NewCond(&s.mu)
	s.sync, s.async, s.maxLateness = true, true, -1
	s.processingDeadline = 20 * time.Millisecond
	s.publishSettingsLocked()
	s.dropOutOfSegment = true
	s.segment.Init(FormatUndefined)
	s.qosState.reset()
	s.eosRtime, s.currentSstart, s.currentSstop = ClockTimeNone, ClockTimeNone, ClockTimeNone
	s.SetFlags(ElementFlagSink)
	s.sinkpad = NewPad("sink", PadSink)
	s.sinkpad.SetChainFunc(func(_ *Pad, _ Element, buf *Buffer) FlowReturn { return s.chain(buf) })
	s.sinkpad.SetEventFunc(func(_ *Pad, _ Element, ev *Event) bool { return s.sinkEvent(ev) })
	s.sinkpad.SetQueryFunc(func(p *Pad, parent Element, q *Query) bool {
		if q.Type() == QueryLatency {
			return s.queryLatency(q)
		}
		return p.QueryDefault(parent, q)
	})
	s.sinkpad.SetActivateModeFunc(func(_ *Pad, _ Element, _ PadMode, active bool) bool {
		if !active {
			s.setFlushing(true)
		}
		return true
	})
	if err := s.AddPad(s.sinkpad); err != nil {
		panic(err) // a new element has no pads: cannot happen
	}
	s.installBaseSinkProperties()
}

func (s *BaseSink) installBaseSinkProperties() {
	locked := func(f func()) { s.propMu.Lock(); f(); s.propMu.Unlock() }
	set := func(f func()) { s.propMu.Lock(); f(); s.publishSettingsLocked(); s.propMu.Unlock() }
	s.InstallProperty(BoolProperty("sync", "Sync on the clock", true,
		func() (v bool) { locked(func() { v = s.sync }); return },
		func(v bool) { set(func() { s.sync = v }) }))
	s.InstallProperty(TimeProperty("max-lateness", "Maximum number of nanoseconds that a buffer can be late before it is dropped (-1 unlimited)",
		"gint64", -1, math.MaxInt64, -1,
		func() (v time.Duration) { locked(func() { v = s.maxLateness }); return },
		func(v time.Duration) { set(func() { s.maxLateness = v }) }))
	s.InstallProperty(BoolProperty("qos", "Generate Quality-of-Service events upstream", false,
		func() (v bool) { locked(func() { v = s.qos }); return },
		func(v bool) { set(func() { s.qos = v }) }))
	s.InstallProperty(BoolProperty("async", "Go asynchronously to PAUSED", true,
		func() (v bool) { locked(func() { v = s.async }); return },
		func(v bool) { set(func() { s.async = v }) }))
	s.InstallProperty(TimeProperty("ts-offset", "Timestamp offset in nanoseconds", "gint64",
		math.MinInt64+1, math.MaxInt64-1, 0,
		func() (v time.Duration) { locked(func() { v = s.tsOffset }); return },
		func(v time.Duration) { set(func() { s.tsOffset = v }) }))
	s.InstallProperty(TimeProperty("render-delay", "Additional render delay of the sink in nanoseconds", "guint64",
		0, math.MaxInt64-1, 0,
		func() (v time.Duration) { locked(func() { v = s.renderDelay }); return },
		func(v time.Duration) { set(func() { s.renderDelay = v }) }))
	s.InstallProperty(TimeProperty("processing-deadline", "Maximum processing time for a buffer in nanoseconds", "guint64",
		0, math.MaxInt64-1, 20*time.Millisecond,
		func() (v time.Duration) { locked(func() { v = s.processingDeadline }); return },
		func(v time.Duration) { set(func() { s.processingDeadline = v }) }))
	waits := UintProperty("clock-waits", "Number of waits on the clock", "guint64", 0, math.MaxUint64, 0,
		func() uint64 { return s.ClockWaits() }, nil)
	waits.Flags = PropReadable | PropNotGStreamer
	s.InstallProperty(waits)
}

// SinkPad returns the sink's pad.
func (s *BaseSink) SinkPad() *Pad { return s.sinkpad }

// Sync reports whether the sink waits on the clock (the "sync" property).
func (s *BaseSink) Sync() bool { return s.cfg.Load().sync }

// Stats returns how many buffers were rendered and dropped since the sink
// went to PAUSED.
func (s *BaseSink) Stats() (rendered, dropped uint64) {
	return s.totalRendered.Load(), s.totalDropped.Load()
}

// ClockWaits returns how many times the sink waited on the clock.
func (s *BaseSink) ClockWaits() uint64 {
	s.propMu.Lock()
	defer s.propMu.Unlock()
	return s.clockWaits
}

// Latency returns the latency the pipeline configured with a LATENCY event.
func (s *BaseSink) Latency() time.Duration {
	s.propMu.Lock()
	defer s.propMu.Unlock()
	return s.latency
}

// Segment returns a copy of the segment the sink is using.
//
// It returns the segment as the last SEGMENT event set it, without the
// position the sink has reached since, so that it can be called from any
// goroutine, hooks included.
func (s *BaseSink) Segment() *Segment {
	s.propMu.Lock()
	defer s.propMu.Unlock()
	if s.received == nil {
		return NewSegmentWithFormat(FormatUndefined)
	}
	return s.received.Copy()
}

// ChangeState is gst_base_sink_change_state (gstbasesink.c:5648): it
// prepares preroll on READY→PAUSED and returns Async until the first
// buffer arrives (if async is on); PAUSED→PLAYING releases a prerolled
// buffer; PLAYING→PAUSED interrupts a clock wait and prerolls again.
func (s *BaseSink) ChangeState(t StateChange) StateChangeReturn {
	ret := StateChangeSuccess
	s.propMu.Lock()
	async := s.async
	s.propMu.Unlock()
	switch t {
	case TransitionNullToReady:
		if s.hooks.Start != nil {
			if err := s.hooks.Start(); err != nil {
				s.PostError(fmt.Errorf("%s: could not start: %w", s.Name(), err), "start")
				return StateChangeFailure
			}
		}
	case TransitionReadyToPaused:
		s.mu.Lock()
		s.haveNewSegment = false
		s.segment.Init(FormatUndefined)
		s.havePreroll = false
		s.needPreroll, s.playingAsync, s.callPreroll = true, true, true
		s.eosRtime, s.currentSstart, s.currentSstop = ClockTimeNone, ClockTimeNone, ClockTimeNone
		s.eos, s.receivedEOS = false, false
		s.flushing = false
		s.resetQoSLocked()
		s.propMu.Lock()
		s.latency = 0
		s.haveLatency = !async
		s.publishSettingsLocked()
		s.propMu.Unlock()
		// Messages go out with the preroll lock held, as in GStreamer: the
		// parent must see ASYNC_START before the ASYNC_DONE of a preroll.
		if async {
			ret = StateChangeAsync
			s.PostMessage(NewAsyncStartMessage(s.self))
		} else {
			s.PostMessage(NewLatencyMessage(s.self))
		}
		s.mu.Unlock()
	case TransitionPausedToPlaying:
		s.mu.Lock()
		if !s.needsPrerollLocked() {
			s.playingAsync, s.needPreroll = false, false
			if s.eos {
				s.PostMessage(NewEOSMessage(s.self))
			} else {
				s.cond.Broadcast()
			}
		} else {
			s.needPreroll, s.playingAsync, s.callPreroll = true, true, true
			if async {
				ret = StateChangeAsync
				s.PostMessage(NewAsyncStartMessage(s.self))
			}
		}
		s.mu.Unlock()
	}

	if s.ElementBase.ChangeState(t) == StateChangeFailure {
		return StateChangeFailure
	}

	switch t {
	case TransitionPlayingToPaused:
		if s.hooks.Unlock != nil {
			s.hooks.Unlock()
		}
		s.mu.Lock()
		if s.hooks.UnlockStop != nil {
			s.hooks.UnlockStop()
		}
		if s.clockID != nil {
			s.clockID.Unschedule()
		}
		if !s.needsPrerollLocked() {
			s.playingAsync, s.needPreroll = false, false
		} else {
			s.ElementBase.mu.Lock()
			target := s.ElementBase.target
			s.ElementBase.mu.Unlock()
			if target > StateReady {
				s.playingAsync, s.needPreroll, s.callPreroll = true, true, true
				if async {
					ret = StateChangeAsync
					s.PostMessage(NewAsyncStartMessage(s.self))
				}
			}
		}
		s.resetQoSLocked()
		s.mu.Unlock()
	case TransitionPausedToReady:
		s.propMu.Lock()
		s.haveLatency = false
		s.propMu.Unlock()
		s.mu.Lock()
		s.haveNewSegment = false
		s.callPreroll = false
		s.mu.Unlock()
	case TransitionReadyToNull:
		if s.hooks.Stop != nil {
			if err := s.hooks.Stop(); err != nil {
				s.PostError(fmt.Errorf("%s: could not stop: %w", s.Name(), err), "stop")
				return StateChangeFailure
			}
		}
	}
	return ret
}

func (s *BaseSink) needsPrerollLocked() bool { return !(s.havePreroll || s.eos) }

func (s *BaseSink) resetQoSLocked() {
	s.qosState.reset()
	s.renderedAtReset, s.droppedAtReset = s.totalRendered.Load(), s.totalDropped.Load()
}

// setFlushing is gst_base_sink_set_flushing: unblock Render, clock waits
// and preroll waits, so that the streaming goroutine returns FLUSHING.
func (s *BaseSink) setFlushing(flushing bool) {
	if flushing && s.hooks.Unlock != nil {
		s.hooks.Unlock()
	}
	s.mu.Lock()
	s.flushing = flushing
	if flushing {
		if s.hooks.UnlockStop != nil {
			s.hooks.UnlockStop()
		}
		s.needPreroll = true
		if s.clockID != nil {
			s.clockID.Unschedule()
		}
		s.eos, s.receivedEOS, s.havePreroll = false, false, false
		s.propMu.Lock()
		if s.async {
			s.haveLatency = false
		}
		s.propMu.Unlock()
	}
	s.cond.Broadcast()
	s.mu.Unlock()
}

// chain is gst_base_sink_chain_unlocked (gstbasesink.c:3761) with the
// preroll lock held.
func (s *BaseSink) chain(buf *Buffer) FlowReturn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.flushing {
		buf.Unref()
		return FlowFlushing
	}
	if s.receivedEOS {
		buf.Unref()
		return FlowEOS
	}
	if !s.haveNewSegment {
		if s.Sync() {
			s.PostWarning(fmt.Errorf("%s: internal data flow problem: received buffer without a new-segment; assuming timestamps start from 0", s.sinkpad), "gst_base_sink_chain_unlocked")
		}
		s.segment.Start, s.segment.Stop = 0, ClockTimeNone
		s.haveNewSegment = true
	}
	start, end, _ := s.getTimes(buf)
	if start != ClockTimeNone && s.segment.Format == FormatTime {
		pts := buf.PTS
		if pts == ClockTimeNone {
			pts = start
		}
		ptsEnd := ClockTimeNone
		if end != ClockTimeNone {
			ptsEnd = pts + (end - start)
		}
		if _, _, ok := s.segment.Clip(pts, ptsEnd); !ok && s.dropOutOfSegment {
			buf.Unref()
			return FlowOK
		}
	}
	prepared := false
	if s.hooks.Prepare != nil {
		late := s.tooLateToPrepare(buf)
		if ret := s.doPreroll(buf); ret != FlowOK {
			buf.Unref()
			return ret
		}
		if late {
			if s.dropLate(buf) {
				s.performQoS(true)
			}
			buf.Unref()
			return FlowOK
		}
		if ret := s.hooks.Prepare(buf); ret != FlowOK {
			buf.Unref()
			return ret
		}
		prepared = true
	}
	ret, late := s.doSync(buf, nil)
	if ret != FlowOK {
		buf.Unref()
		return ret
	}
	if late && !prepared {
		if s.dropLate(buf) {
			s.performQoS(true)
		}
		buf.Unref()
		return FlowOK
	}
	if s.hooks.Render != nil {
		ret = s.hooks.Render(buf)
	}
	if s.flushing {
		buf.Unref()
		return FlowFlushing
	}
	s.totalRendered.Add(1)
	if s.qosOn.Load() {
		s.performQoS(false)
	}
	buf.Unref()
	return ret
}

// getTimes returns the buffer's start and end for clipping and sync: the
// GetTimes hook's, or the default ones (DTS, else PTS, plus the duration,
// gst_base_sink_default_get_times, gstbasesink.c:3713) when there is no
// hook or it gives no start. sync is false when the hook gave no start: as
// in gst_base_sink_get_sync_times (gstbasesink.c:2156), such a buffer still
// clips and moves the position with the default times, but is not synced.
func (s *BaseSink) getTimes(buf *Buffer) (start, end time.Duration, sync bool) {
	if s.hooks.GetTimes != nil {
		if start, end = s.hooks.GetTimes(buf); start != ClockTimeNone {
			return start, end, true
		}
	}
	start, end = buf.DTS, ClockTimeNone
	if start == ClockTimeNone {
		start = buf.PTS
	}
	if start != ClockTimeNone && buf.Duration != ClockTimeNone {
		end = start + buf.Duration
	}
	return start, end, s.hooks.GetTimes == nil && start != ClockTimeNone
}

// tooLateToPrepare is the lateness check gst_base_sink_chain_unlocked
// makes before calling Prepare (gstbasesink.c:3866): in PLAYING, a buffer
// whose render time has already passed by more than max-lateness allows is
// dropped without being prepared. The check uses the clock's time now, as
// if a wait had returned early, and leaves the last render time alone.
func (s *BaseSink) tooLateToPrepare(buf *Buffer) bool {
	_, _, rstart, rstop, _, doSync, syncable := s.syncTimes(buf, nil)
	cfg := s.settings()
	if !syncable || !doSync || !cfg.sync {
		return false
	}
	clock := s.Clock()
	if cur, _ := s.State(); clock == nil || cur != StatePlaying {
		return false
	}
	stime := s.BaseTime() + cfg.adjustTime(rstart)
	return s.isTooLate(rstart, rstop, ClockEarly, clock.Time()-stime, cfg.maxLateness, false)
}

// dropLate counts a late buffer as dropped and, if qos is on, posts a QoS
// message (the "dropped" path of gst_base_sink_chain_unlocked); it reports
// whether qos is on.
func (s *BaseSink) dropLate(buf *Buffer) bool {
	dropped := s.totalDropped.Add(1) - s.droppedAtReset
	rendered := s.totalRendered.Load() - s.renderedAtReset
	qos, syncOn := s.qosOn.Load(), s.cfg.Load().sync
	if !qos {
		return false
	}
	s.PostMessage(NewQOSMessage(s.self, QOSValues{
		Live: syncOn, RunningTime: s.currentRstart, StreamTime: s.currentSstart,
		Timestamp: buf.PTS, Duration: buf.Duration, Jitter: s.currentJitter,
		Proportion: s.qosState.avgRate, Quality: 1000000, Processed: rendered, Dropped: dropped,
	}))
	return true
}

// syncTimes is gst_base_sink_get_sync_times (gstbasesink.c:2068) for a
// buffer (buf != nil) or a GAP/EOS event.
func (s *BaseSink) syncTimes(buf *Buffer, ev *Event) (sstart, sstop, rstart, rstop, rnext time.Duration, doSync, syncable bool) {
	start, stop := ClockTimeNone, ClockTimeNone
	doSync = true
	seg := &s.segment
	if ev != nil {
		switch ev.Type() {
		case EventEOS:
			if seg.Rate >= 0 {
				sstart = s.currentSstop
				if sstart == ClockTimeNone {
					sstart, _ = seg.ToStreamTime(seg.Stop)
				}
			} else {
				sstart = s.currentSstart
				if sstart == ClockTimeNone {
					sstart, _ = seg.ToStreamTime(seg.Start)
				}
			}
			return sstart, sstart, s.eosRtime, s.eosRtime, s.eosRtime, true, true
		case EventGap:
			ts, dur := ev.Gap()
			if ts != ClockTimeNone {
				start = ts
				if dur != ClockTimeNone {
					stop = ts + dur
				}
			}
		default:
			return ClockTimeNone, ClockTimeNone, ClockTimeNone, ClockTimeNone, ClockTimeNone, false, false
		}
	} else {
		start, stop, doSync = s.getTimes(buf)
	}
	if start == ClockTimeNone {
		doSync = false
	}
	cstart, cstop, ok := seg.Clip(start, stop)
	if !ok {
		return ClockTimeNone, ClockTimeNone, ClockTimeNone, ClockTimeNone, ClockTimeNone, false, false
	}
	if stop != ClockTimeNone && cstop != ClockTimeNone {
		seg.Position = cstop
	} else {
		seg.Position = cstart
	}
	// The conversions give ClockTimeNone when they fail, and for an
	// unknown position (no timestamp, no duration, an open segment end):
	// that one needs no call.
	sstart, sstop, rstart, rstop = ClockTimeNone, ClockTimeNone, ClockTimeNone, ClockTimeNone
	if cstart != ClockTimeNone {
		sstart, _ = seg.ToStreamTime(cstart)
		rstart, _ = seg.ToRunningTime(cstart)
	}
	if cstop != ClockTimeNone {
		sstop, _ = seg.ToStreamTime(cstop)
		rstop, _ = seg.ToRunningTime(cstop)
	}
	// Reverse playback syncs on the clipped stop: the running times swap,
	// the stream times do not (gstbasesink.c:2207).
	if seg.Rate < 0 && rstop != ClockTimeNone {
		rstart, rstop = rstop, rstart
	}
	rnext = rstart
	if stop != ClockTimeNone {
		rnext = rstop
	}
	return sstart, sstop, rstart, rstop, rnext, doSync, true
}

// doSync is gst_base_sink_do_sync (gstbasesink.c:2662): preroll, then wait
// on the clock for the object's running time. It reports whether a buffer
// came too late to render. Called with s.mu held.
func (s *BaseSink) doSync(buf *Buffer, ev *Event) (FlowReturn, bool) {
	sstart, sstop, rstart, rstop, rnext, doSync, syncable := s.syncTimes(buf, ev)
	if !syncable {
		return FlowOK, false
	}
	s.currentRstart = rstart
	s.currentRstop = rstop
	if rstop == ClockTimeNone {
		s.currentRstop = rstart
	}
	if doSync {
		s.eosRtime = rnext
	} else {
		s.eosRtime = ClockTimeNone
	}
	s.qosState.noteRstart(rstart)
	for {
		if ret := s.doPreroll(buf); ret != FlowOK {
			return ret, false
		}
		s.currentSstart = sstart
		s.currentSstop = sstop
		if sstop == ClockTimeNone {
			s.currentSstop = sstart
		}
		if !doSync {
			return FlowOK, false
		}
		cfg := s.settings() // latency may have changed while waiting
		stime := cfg.adjustTime(rstart)
		status, jitter := s.waitClock(stime, cfg.sync)
		if status == ClockBadTime {
			return FlowOK, false
		}
		if s.flushing {
			return FlowFlushing, false
		}
		if status == ClockUnscheduled {
			s.callPreroll = true
			continue // PLAYING→PAUSED: preroll again, then wait again
		}
		s.currentJitter = jitter
		return FlowOK, buf != nil && s.isTooLate(rstart, rstop, status, jitter, cfg.maxLateness, true)
	}
}

// sinkSettings are the properties one clock wait depends on, read under
// one lock.
type sinkSettings struct {
	sync                                        bool
	latency, tsOffset, renderDelay, maxLateness time.Duration
}

func (s *BaseSink) settings() sinkSettings { return *s.cfg.Load() }

// publishSettingsLocked makes the settings just written under propMu the
// ones the data path reads.
func (s *BaseSink) publishSettingsLocked() {
	s.cfg.Store(&sinkSettings{s.sync, s.latency, s.tsOffset, s.renderDelay, s.maxLateness})
	s.qosOn.Store(s.qos)
}

func runningAvg(avg, val, size float64) float64 {
	return (val + (size-1)*avg) / size
}

// adjustTime is gst_base_sink_adjust_time (gstbasesink.c:2275): add the
// latency and ts-offset, subtract the render delay, never below 0.
func (c sinkSettings) adjustTime(t time.Duration) time.Duration {
	if t == ClockTimeNone {
		return ClockTimeNone
	}
	tsOffset, renderDelay := c.tsOffset, c.renderDelay
	t += c.latency
	if tsOffset < 0 {
		if -tsOffset < t {
			t += tsOffset
		} else {
			t = 0
		}
	} else {
		t += tsOffset
	}
	if t > renderDelay {
		return t - renderDelay
	}
	return 0
}

// waitClock is gst_base_sink_wait_clock (gstbasesink.c:2330): wait until the
// clock reaches base_time + t, with the preroll lock released. It returns
// ClockBadTime without waiting when t is unset, sync is off or there is no
// clock.
func (s *BaseSink) waitClock(t time.Duration, syncOn bool) (ClockReturn, time.Duration) {
	if t == ClockTimeNone || !syncOn {
		return ClockBadTime, 0
	}
	clock := s.Clock()
	if clock == nil {
		return ClockBadTime, 0
	}
	id := NewSingleShotID(clock, s.BaseTime()+t)
	s.clockID = id
	s.propMu.Lock()
	s.clockWaits++
	s.propMu.Unlock()
	s.mu.Unlock()
	ret, jitter := id.Wait()
	s.mu.Lock()
	s.clockID = nil
	return ret, jitter
}

// isTooLate is gst_base_sink_is_too_late (gstbasesink.c:3092): whether a
// buffer whose clock wait returned status with jitter is later than
// maxLateness allows, so that it is dropped instead of rendered. render says
// whether the buffer is about to be rendered if not late, in which case its
// running time becomes the last render time.
//
// It computes in GstClockTime, unsigned, as C does. That matters in the
// emergency rule: a late buffer is rendered anyway when
// rstart - last_render_time > 1 s, so that a user whose machine is far too
// slow still sees a picture now and then. When rstart is earlier than the
// last render time (reverse playback, or timestamps that go back), the
// unsigned difference wraps to nearly 2^64 and the rule fires: GStreamer
// renders such a buffer however late it is, and so does gstmini.
func (s *BaseSink) isTooLate(rstart, rstop time.Duration, status ClockReturn, jitter, maxLateness time.Duration, render bool) bool {
	q := &s.qosState
	start := toC(rstart)
	late := false
	if status == ClockEarly && maxLateness != -1 && rstart != ClockTimeNone {
		limit := uint64(maxLateness)
		if rstop != ClockTimeNone {
			limit += uint64(rstop)
		} else {
			limit += start
			if q.avgInDiff != cNone {
				limit += q.avgInDiff
			}
		}
		late = start+uint64(jitter) > limit
		if late && q.lastRenderTime != cNone && start-q.lastRenderTime > uint64(time.Second) { // wraps when start < lastRenderTime
			late = false
			s.PostWarning(errors.New("a lot of buffers are being dropped; there may be a timestamping problem, or this computer is too slow"), "gst_base_sink_is_too_late")
		}
	}
	if render && (!late || q.lastRenderTime == cNone) {
		q.lastRenderTime = start
	}
	return late
}

// performQoS is gst_base_sink_perform_qos (gstbasesink.c:2933): keep the
// processing-rate average and send a QOS event upstream. Callers call it
// only with the qos property on.
func (s *BaseSink) performQoS(dropped bool) {
	start := s.currentRstart
	if start == ClockTimeNone {
		return
	}
	// In GstClockTime, as C computes them (see sinkQoS).
	q := &s.qosState
	jitter := s.currentJitter
	var entered, left uint64
	if jitter < 0 {
		if toC(start) >= uint64(-jitter) {
			entered = toC(start) + uint64(jitter)
		}
		left = toC(start)
	} else {
		entered = toC(start) + uint64(jitter)
		left = entered
	}
	duration := q.avgInDiff
	var pt uint64
	if q.lastLeft != cNone {
		if entered > q.lastLeft {
			pt = entered - q.lastLeft
		}
	} else {
		pt = q.avgPT
	}
	if q.avgPT == cNone {
		q.avgPT = pt
	} else {
		q.avgPT = (pt + 7*q.avgPT) / 8 // UPDATE_RUNNING_AVG, in guint64
	}
	rate := 1.0
	if duration != cNone && duration != 0 {
		rate = float64(q.avgPT) / float64(duration)
	}
	if q.lastLeft != cNone {
		switch {
		case dropped || q.avgRate < 0:
			q.avgRate = rate
		case rate > 1:
			q.avgRate = runningAvg(q.avgRate, rate, 4)
		default:
			q.avgRate = runningAvg(q.avgRate, rate, 16)
		}
	}
	if q.avgRate >= 0 {
		if s.currentJitter < 0 && s.currentRstart < -s.currentJitter {
			s.currentJitter = -s.currentRstart
		}
		typ := QOSUnderflow
		if s.currentJitter <= 0 {
			typ = QOSOverflow
		}
		ev := NewQOSEvent(typ, q.avgRate, s.currentJitter, s.currentRstart)
		s.mu.Unlock()
		s.sinkpad.PushEvent(ev)
		s.mu.Lock()
	}
	q.lastLeft = left
}

// doPreroll is gst_base_sink_do_preroll (gstbasesink.c:2477): while the
// sink needs preroll, give the first buffer to Preroll, commit the async
// state change, and wait until PLAYING or a flush. Called with s.mu held.
func (s *BaseSink) doPreroll(buf *Buffer) FlowReturn {
	if !s.needPreroll { // every buffer in PLAYING: small enough to inline
		return FlowOK
	}
	return s.preroll(buf)
}

func (s *BaseSink) preroll(buf *Buffer) FlowReturn {
	for s.needPreroll {
		if s.callPreroll && buf != nil {
			if s.hooks.Preroll != nil {
				if ret := s.hooks.Preroll(buf); ret != FlowOK {
					s.abortState()
					return ret
				}
			}
			s.callPreroll = false
		}
		if s.playingAsync {
			if !s.commitState() {
				return FlowFlushing
			}
		}
		if s.needPreroll {
			s.havePreroll = true
			s.cond.Wait()
			s.havePreroll = false
			if s.flushing {
				return FlowFlushing
			}
		}
	}
	return FlowOK
}

// WaitPreroll blocks a Render (or Prepare, Preroll) hook that Unlock
// interrupted for PLAYING→PAUSED until the sink plays again, returning
// FlowOK, or is flushed or shut down, returning FlowFlushing
// (gst_base_sink_wait_preroll, gstbasesink.c:2432). A sink whose render
// blocks calls it after Unlock made the render return early, then carries
// on. Call it only from those hooks: they run with the preroll lock held,
// which the wait releases.
func (s *BaseSink) WaitPreroll() FlowReturn {
	s.havePreroll = true
	s.cond.Wait()
	s.havePreroll = false
	if s.flushing {
		return FlowFlushing
	}
	return FlowOK
}

// commitState is gst_base_sink_commit_state (gstbasesink.c:1674): the
// first buffer (or EOS) has arrived, so the async state change completes.
// Called with s.mu held.
func (s *BaseSink) commitState() bool {
	if s.flushing {
		return false
	}
	current, pending := s.State()
	switch pending {
	case StateVoidPending:
		// nothing_pending: the sink is already where it should be (async
		// off, or a buffer after preroll): hold data only in PAUSED.
		switch current {
		case StatePlaying:
			s.needPreroll = false
		case StatePaused:
			s.needPreroll = true
		default:
			s.needPreroll, s.flushing = false, true
		}
		s.playingAsync = false
		s.propMu.Lock()
		s.haveLatency = true
		s.propMu.Unlock()
		s.PostMessage(NewLatencyMessage(s.self))
		return !s.flushing
	case StatePlaying:
		s.needPreroll = false
	case StatePaused:
		s.needPreroll = true
	case StateReady, StateNull:
		return false
	}
	s.playingAsync = false
	s.propMu.Lock()
	s.haveLatency = true
	s.propMu.Unlock()
	// The preroll lock stays held while the messages go out, as in
	// GStreamer: a PAUSED→PLAYING change triggered by ASYNC_DONE must not
	// run before this goroutine waits for preroll (havePreroll set).
	s.CommitState()
	s.PostMessage(NewLatencyMessage(s.self))
	return !s.flushing
}

// sinkEvent is the sink pad's event function (gst_base_sink_event and
// gst_base_sink_default_event).
func (s *BaseSink) sinkEvent(ev *Event) bool {
	result := true
	switch ev.Type() {
	case EventFlushStart:
		s.setFlushing(true)
		// Wait for the streaming goroutine to leave chain, as flush_start
		// takes the stream lock.
		s.sinkpad.StreamLock().Lock()
		s.mu.Lock()
		s.resetQoSLocked()
		s.playingAsync = true
		s.mu.Unlock()
		s.propMu.Lock()
		async := s.async
		if !async {
			s.haveLatency = true
		}
		s.propMu.Unlock()
		if async {
			s.LostState()
		}
		s.sinkpad.StreamLock().Unlock()
	case EventFlushStop:
		s.setFlushing(false)
		s.mu.Lock()
		s.currentSstart, s.currentSstop, s.eosRtime = ClockTimeNone, ClockTimeNone, ClockTimeNone
		s.callPreroll = true
		s.receivedEOS, s.eos = false, false
		s.haveNewSegment = false
		if ev.ResetTime() {
			s.segment.Init(FormatUndefined)
		}
		s.mu.Unlock()
		if ev.ResetTime() {
			s.SetStartTime(0)
			s.PostMessage(NewResetTimeMessage(s.self, 0))
		}
	case EventEOS:
		s.mu.Lock()
		if s.flushing {
			s.mu.Unlock()
			return false
		}
		s.receivedEOS = true
		ret, _ := s.doSync(nil, ev)
		if ret != FlowOK {
			s.mu.Unlock()
			return false
		}
		s.eos = true
		s.mu.Unlock()
		if s.hooks.Event != nil {
			s.hooks.Event(ev)
		}
		m := NewEOSMessage(s.self)
		m.Seqnum = ev.Seqnum()
		s.PostMessage(m)
		return true
	case EventGap:
		s.mu.Lock()
		ret, _ := s.doSync(nil, ev)
		s.mu.Unlock()
		result = ret == FlowOK
	case EventStreamStart:
		s.PostMessage(NewStreamStartMessage(s.self))
	case EventSegment:
		seg := ev.Segment()
		if seg.Position < seg.Start {
			seg.Position = seg.Start
		}
		if seg.Stop != ClockTimeNone && seg.Position > seg.Stop {
			seg.Position = seg.Stop
		}
		s.mu.Lock()
		s.segment = *seg
		s.haveNewSegment = true
		s.mu.Unlock()
		s.propMu.Lock()
		s.received = seg.Copy()
		s.propMu.Unlock()
	}
	if s.hooks.Event != nil {
		s.hooks.Event(ev)
	}
	return result
}

// HandleSendEvent handles events sent to the sink element
// (gst_base_sink_send_event, gstbasesink.c:4967): LATENCY configures the
// latency added to every sync time; other upstream events go upstream.
func (s *BaseSink) HandleSendEvent(ev *Event) bool {
	if ev.Type() == EventLatency {
		s.propMu.Lock()
		s.latency = ev.Latency()
		s.publishSettingsLocked()
		forward := s.haveLatency
		s.propMu.Unlock()
		if !forward {
			return true
		}
	}
	return s.sinkpad.PushEvent(ev)
}

// HandleQuery answers queries sent to the sink element: latency as
// queryLatency, others upstream.
func (s *BaseSink) HandleQuery(q *Query) bool {
	if q.Type() == QueryLatency {
		return s.queryLatency(q)
	}
	return s.sinkpad.PeerQuery(q)
}

// queryLatency is gst_base_sink_query_latency (gstbasesink.c:1204): a
// syncing sink is live; once prerolled it asks upstream and adds its
// processing deadline and render delay.
func (s *BaseSink) queryLatency(q *Query) bool {
	s.propMu.Lock()
	live, have := s.sync, s.haveLatency
	renderDelay, deadline := s.renderDelay, s.processingDeadline
	s.propMu.Unlock()
	if !have {
		if live {
			return false
		}
		q.SetLatency(false, 0, ClockTimeNone)
		return true
	}
	minL, maxL := time.Duration(0), ClockTimeNone
	usLive := false
	uq := NewLatencyQuery()
	if s.sinkpad.PeerQuery(uq) {
		var um, ux time.Duration
		usLive, um, ux = uq.Latency()
		if usLive {
			minL, maxL = um, ux
		}
	}
	if live {
		if usLive {
			minL += deadline
			if maxL != ClockTimeNone && minL > maxL {
				s.PostWarning(fmt.Errorf("%s: not enough buffering available for the processing deadline of %s, add enough queues to buffer %s additional data", s.Name(), deadline, minL-maxL), "gst_base_sink_query_latency")
				minL = maxL
			}
		}
		minL += renderDelay
		if maxL != ClockTimeNone {
			maxL += renderDelay
		}
	}
	q.SetLatency(live, minL, maxL)
	return true
}
