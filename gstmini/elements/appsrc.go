package elements

import (
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// AppLeakyType says what a full AppSrc does with a buffer the application
// pushes (GstAppLeakyType, gstappsrc.h, since 1.20). As for the queue, the
// names say at which end the buffers are lost.
type AppLeakyType int

// AppLeakyType values, with GStreamer's numbers.
const (
	// AppLeakyNone drops nothing: a full appsrc makes PushBuffer wait with
	// block=true, and queues the buffer anyway (past the limit) without it.
	AppLeakyNone AppLeakyType = iota
	// AppLeakyUpstream drops the incoming buffer, the newest: PushBuffer
	// returns FlowEOS (as GStreamer 1.22 does, gstappsrc.c:2727) and the next
	// buffer queued carries DISCONT.
	AppLeakyUpstream
	// AppLeakyDownstream drops the oldest queued buffer to make room for the
	// new one, which is queued; the next buffer handed downstream carries
	// DISCONT.
	AppLeakyDownstream
)

// String returns GStreamer's nick: "none", "upstream" or "downstream".
func (l AppLeakyType) String() string {
	for _, v := range appLeakyValues {
		if v.Value == int(l) {
			return v.Nick
		}
	}
	return fmt.Sprintf("AppLeakyType(%d)", int(l))
}

var appLeakyValues = []gstmini.EnumValue{
	{Value: int(AppLeakyNone), Nick: "none", Name: "Not Leaky"},
	{Value: int(AppLeakyUpstream), Nick: "upstream", Name: "Leaky on upstream (new buffers)"},
	{Value: int(AppLeakyDownstream), Nick: "downstream", Name: "Leaky on downstream (old buffers)"},
}

// AppSrc defaults, from gstappsrc.c:217 (DEFAULT_PROP_*).
const (
	DefaultAppSrcMaxBytes = 200000
)

// AppSrcCallbacks are the functions an application gives AppSrc to learn
// when to push (GstAppSrcCallbacks). Either may be nil. They run without
// AppSrc's lock, so they may call PushBuffer or EndOfStream.
type AppSrcCallbacks struct {
	// NeedData runs on the streaming goroutine when the queue is empty, or
	// falls to min-percent of a limit, before the source waits for data
	// (the need-data signal). length is a size hint in bytes (blocksize).
	NeedData func(src *AppSrc, length uint)
	// EnoughData runs on the pushing goroutine, inside PushBuffer, when a
	// push finds the queue full (the enough-data signal): the application
	// should stop pushing until the next NeedData.
	EnoughData func(src *AppSrc)
}

// AppSrc lets application code inject buffers into a pipeline (GstAppSrc,
// gst-plugins-base gst-libs/gst/app/gstappsrc.c at 1.22.0, factory
// "appsrc"). PushBuffer, called from any goroutine, puts a buffer on an
// internal queue; the source's own streaming goroutine (its BaseSrc task)
// takes buffers off the queue and pushes them downstream. EndOfStream
// queues the end of the stream. Create it with NewAppSrc, which applies
// GStreamer's defaults: format=bytes, is-live=false, block=false,
// max-bytes=200000, max-buffers=0, max-time=0 (0 means no limit),
// leaky-type=none, min-percent=0, min-latency=max-latency=-1,
// emit-signals=true, do-timestamp=false.
//
// The queue is full when any enabled limit is reached:
//
//	full = (max-bytes > 0 && bytes >= max-bytes) || (max-buffers > 0 && buffers >= max-buffers) ||
//	       (max-time > 0 && time >= max-time)
//
// A push that finds it full calls EnoughData first, then: with leaky-type
// upstream it drops the new buffer; with downstream it drops the oldest
// queued one; with block=true it waits until the streaming goroutine takes
// a buffer (or a flush or a stop makes it return FlowFlushing); otherwise
// it queues the buffer anyway, and the queue grows without bound as long as
// the application ignores EnoughData.
//
// The time level (current-level-time) is measured only for format=time,
// from the running times of the newest buffer's end and the last buffer
// handed downstream (gst_app_src_update_queued_push, gstappsrc.c:1469).
//
// Timestamps are the application's: AppSrc hands buffers on as pushed,
// except that with do-timestamp=true a buffer with neither PTS nor DTS is
// stamped, when pushed, with the running time of its arrival (clock time -
// base time, gstappsrc.c:2496); and GstBaseSrc's rules for buffers without
// timestamps apply when they leave (gst_base_src_do_sync,
// gstbasesrc.c:2268): once there is a clock, a buffer without a DTS gets
// its running time with do-timestamp; without do-timestamp only the first
// buffer of a live source after PLAYING without any timestamp gets DTS = 0
// (the segment start); and a buffer without a PTS gets PTS = DTS. A
// non-live bytes source's first buffer gets DTS = 0 too. A live appsrc
// whose buffers carry no timestamp therefore sends the first at running
// time 0 and the others unstamped, and a sink renders them all at once.
//
// Pushing before the source starts is allowed: the buffers wait in the
// queue. After the source stopped (PAUSED→READY), pushes return
// FlowFlushing until it starts again. Not modelled: caps as a property (use
// SetCaps), buffer lists and samples, stream-type (only "stream"), size,
// duration, handle-segment-change, seek-data, the GObject signals as such
// (ConnectSignals stands in for them).
//
// All methods are safe for concurrent use.
type AppSrc struct {
	gstmini.BaseSrc

	mu     sync.Mutex // priv->mutex: everything below
	wake   broadcaster
	queue  []any // *gstmini.Buffer or *gstmini.Event
	caps   *gstmini.Caps
	bytes  uint64
	bufs   uint64
	qtime  time.Duration
	lastIn time.Duration // running time of the end of the newest queued buffer
	// lastOut is the running time of the end of the last buffer taken off
	// the queue (or of the start of the only queued buffer).
	lastOut                   time.Duration
	levelFormat               gstmini.Format // priv->last_segment.format: undefined until started
	maxBytes, maxBuffers      uint64
	maxTime                   time.Duration
	format                    gstmini.Format
	block                     bool
	leaky                     AppLeakyType
	minPercent                uint64
	minLatency, maxLatency    time.Duration
	emitSignals               bool
	doTimestamp               bool
	flushing, eos, started    bool
	discontUp, discontDown    bool
	firstOut                  bool // a live source went PLAYING and handed out no buffer since: basesrc's latency == -1
	callbacks, signalHandlers AppSrcCallbacks
}

// NewAppSrc returns an appsrc named name in state NULL with GStreamer's
// defaults (gst_app_src_init, gstappsrc.c:737).
func NewAppSrc(name string) *AppSrc {
	s := &AppSrc{
		maxBytes:    DefaultAppSrcMaxBytes,
		format:      gstmini.FormatBytes,
		minLatency:  -1,
		maxLatency:  -1,
		emitSignals: true,
		lastIn:      gstmini.ClockTimeNone,
		lastOut:     gstmini.ClockTimeNone,
		levelFormat: gstmini.FormatUndefined,
	}
	s.InitBaseSrc(s, name, gstmini.BaseSrcHooks{
		Create:     s.create,
		Start:      s.start,
		Stop:       s.stop,
		Unlock:     s.unlock,
		UnlockStop: s.unlockStop,
		Latency:    s.latency,
		Caps:       s.currentCaps,
	})
	s.SetFormat(gstmini.FormatBytes)
	s.installProperties()
	return s
}

// installProperties installs appsrc's properties (gst_app_src_class_init,
// gstappsrc.c:313) and GstBaseSrc's do-timestamp.
func (s *AppSrc) installProperties() {
	locked := func(f func()) { s.mu.Lock(); f(); s.mu.Unlock() }
	// Changing a limit may make room: wake a blocked push, as the setters do
	// (gst_app_src_set_max_bytes, gstappsrc.c:2066).
	s.InstallProperty(gstmini.UintProperty("max-bytes", "The maximum number of bytes to queue internally (0 = unlimited)", "guint64",
		0, math.MaxUint64, DefaultAppSrcMaxBytes,
		func() (v uint64) { locked(func() { v = s.maxBytes }); return },
		func(v uint64) { locked(func() { s.maxBytes = v; s.wake.broadcast() }) }))
	s.InstallProperty(gstmini.UintProperty("max-buffers", "The maximum number of buffers to queue internally (0 = unlimited)", "guint64",
		0, math.MaxUint64, 0,
		func() (v uint64) { locked(func() { v = s.maxBuffers }); return },
		func(v uint64) { locked(func() { s.maxBuffers = v; s.wake.broadcast() }) }))
	s.InstallProperty(gstmini.TimeProperty("max-time", "The maximum amount of time to queue internally (0 = unlimited)", "guint64",
		0, math.MaxInt64-1, 0,
		func() (v time.Duration) { locked(func() { v = s.maxTime }); return },
		func(v time.Duration) { locked(func() { s.maxTime = v; s.wake.broadcast() }) }))
	format := gstmini.EnumProperty("format", "The format of the segment events and seek", "GstFormat",
		formatValues, gstmini.FormatBytes,
		func() (v any) { locked(func() { v = s.format }); return },
		func(v int) { locked(func() { s.format = gstmini.Format(v) }) })
	format.Check = func(v any) error {
		if f := gstmini.Format(v.(int)); f != gstmini.FormatBytes && f != gstmini.FormatTime {
			return fmt.Errorf("gstmini's appsrc sends bytes or time segments only")
		}
		return nil
	}
	s.InstallProperty(format)
	s.InstallProperty(gstmini.BoolProperty("block", "Block push-buffer when max-bytes are queued", false,
		func() (v bool) { locked(func() { v = s.block }); return },
		func(v bool) { locked(func() { s.block = v; s.wake.broadcast() }) }))
	s.InstallProperty(gstmini.BoolProperty("is-live", "Whether to act as a live source", false,
		s.IsLive, s.SetLive))
	s.InstallProperty(gstmini.TimeProperty("min-latency", "The minimum latency (-1 = default)", "gint64",
		-1, math.MaxInt64-1, -1,
		func() (v time.Duration) { locked(func() { v = s.minLatency }); return },
		func(v time.Duration) { locked(func() { s.minLatency = v }) }))
	s.InstallProperty(gstmini.TimeProperty("max-latency", "The maximum latency (-1 = unlimited)", "gint64",
		-1, math.MaxInt64-1, -1,
		func() (v time.Duration) { locked(func() { v = s.maxLatency }); return },
		func(v time.Duration) { locked(func() { s.maxLatency = v }) }))
	s.InstallProperty(gstmini.BoolProperty("emit-signals", "Emit need-data, enough-data and seek-data signals", true,
		func() (v bool) { locked(func() { v = s.emitSignals }); return },
		func(v bool) { locked(func() { s.emitSignals = v }) }))
	s.InstallProperty(gstmini.UintProperty("min-percent", "Emit need-data when queued bytes drops below this percent of max-bytes", "guint",
		0, 100, 0,
		func() (v uint64) { locked(func() { v = s.minPercent }); return },
		func(v uint64) { locked(func() { s.minPercent = v }) }))
	readOnly := func(spec gstmini.PropertySpec) gstmini.PropertySpec {
		spec.Flags = gstmini.PropReadable
		return spec
	}
	s.InstallProperty(readOnly(gstmini.UintProperty("current-level-bytes", "The number of currently queued bytes", "guint64",
		0, math.MaxUint64, 0, s.CurrentLevelBytes, nil)))
	s.InstallProperty(readOnly(gstmini.UintProperty("current-level-buffers", "The number of currently queued buffers", "guint64",
		0, math.MaxUint64, 0, s.CurrentLevelBuffers, nil)))
	s.InstallProperty(readOnly(gstmini.TimeProperty("current-level-time", "The amount of currently queued time", "guint64",
		0, math.MaxInt64-1, 0, s.CurrentLevelTime, nil)))
	s.InstallProperty(gstmini.EnumProperty("leaky-type", "Whether to drop buffers once the internal queue is full", "GstAppLeakyType",
		appLeakyValues, AppLeakyNone,
		func() (v any) { locked(func() { v = s.leaky }); return },
		func(v int) { locked(func() { s.leaky = AppLeakyType(v) }) }))
	s.InstallProperty(gstmini.BoolProperty("do-timestamp", "Apply current stream time to buffers", false,
		func() (v bool) { locked(func() { v = s.doTimestamp }); return },
		func(v bool) { locked(func() { s.doTimestamp = v }) }))
}

// SetCallbacks installs the application's callbacks
// (gst_app_src_set_callbacks). A callback replaces the matching signal
// handler of ConnectSignals, and runs whatever emit-signals says.
func (s *AppSrc) SetCallbacks(cb AppSrcCallbacks) {
	s.mu.Lock()
	s.callbacks = cb
	s.mu.Unlock()
}

// ConnectSignals installs handlers for the need-data and enough-data
// signals. They run only while emit-signals is true (the default), and
// only where SetCallbacks installed no callback, as in GStreamer.
func (s *AppSrc) ConnectSignals(h AppSrcCallbacks) {
	s.mu.Lock()
	s.signalHandlers = h
	s.mu.Unlock()
}

// SetCaps sets the caps the source announces before its first buffer
// (gst_app_src_set_caps). nil announces none.
func (s *AppSrc) SetCaps(c *gstmini.Caps) {
	s.mu.Lock()
	if c != nil {
		cc := *c
		c = &cc
	}
	s.caps = c
	s.mu.Unlock()
}

func (s *AppSrc) currentCaps() *gstmini.Caps {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.caps
}

// CurrentLevelBytes returns the bytes queued (current-level-bytes).
func (s *AppSrc) CurrentLevelBytes() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bytes
}

// CurrentLevelBuffers returns the buffers queued (current-level-buffers).
func (s *AppSrc) CurrentLevelBuffers() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bufs
}

// CurrentLevelTime returns the time queued (current-level-time), measured
// for format=time only: the running time of the newest buffer's end minus
// that of the last one handed downstream.
func (s *AppSrc) CurrentLevelTime() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.qtime
}

// fullLocked is the limit test of gst_app_src_push_internal (gstappsrc.c:2551).
func (s *AppSrc) fullLocked() bool {
	return (s.maxBytes > 0 && s.bytes >= s.maxBytes) ||
		(s.maxBuffers > 0 && s.bufs >= s.maxBuffers) ||
		(s.maxTime > 0 && s.qtime >= s.maxTime)
}

// PushBuffer adds buf to the queue for the streaming goroutine to push
// downstream (gst_app_src_push_buffer, gstappsrc.c:2821, and
// gst_app_src_push_internal, gstappsrc.c:2474). It takes
// ownership of buf, whatever it returns. It returns FlowOK once buf is
// queued; FlowFlushing if the source is flushing or was stopped; FlowEOS
// after EndOfStream, and when leaky-type=upstream dropped buf because the
// queue was full; FlowError for a nil buffer. With block=true it waits
// while the queue is full; a flush, a stop or raising a limit ends the
// wait. EnoughData runs, on the calling goroutine, when the push finds the
// queue full. Safe to call from any goroutine.
func (s *AppSrc) PushBuffer(buf *gstmini.Buffer) gstmini.FlowReturn {
	if buf == nil {
		return gstmini.FlowError
	}
	s.mu.Lock()
	if buf.DTS == gstmini.ClockTimeNone && buf.PTS == gstmini.ClockTimeNone && s.doTimestamp {
		if clock := s.Clock(); clock != nil {
			now := clock.Time() - s.BaseTime()
			if now < 0 {
				now = 0
			}
			buf = buf.MakeWritable()
			buf.PTS, buf.DTS = now, now
		}
	}
	first := true
	for {
		if s.flushing {
			s.mu.Unlock()
			buf.Unref()
			return gstmini.FlowFlushing
		}
		if s.eos {
			s.mu.Unlock()
			buf.Unref()
			return gstmini.FlowEOS
		}
		if !s.fullLocked() {
			break
		}
		if first {
			f := s.pick(s.callbacks.EnoughData, s.signalHandlers.EnoughData)
			s.mu.Unlock()
			if f != nil {
				f(s)
			}
			s.mu.Lock()
		}
		if s.leaky == AppLeakyUpstream {
			s.discontUp = true
			s.mu.Unlock()
			buf.Unref()
			return gstmini.FlowEOS
		}
		if s.leaky == AppLeakyDownstream {
			if !s.dropOldestLocked() {
				break // only events queued: accept the buffer (GST_FIXME in C)
			}
			s.discontDown = true
			continue
		}
		if first {
			first = false // recheck flushing and EOS: the lock was released
			continue
		}
		if !s.block {
			break // queue it anyway: the application should have listened to EnoughData
		}
		s.waitLocked()
	}
	if s.discontUp {
		buf = buf.MakeWritable()
		buf.Flags |= gstmini.BufferFlagDiscont
		s.discontUp = false
	}
	s.queue = append(s.queue, buf)
	s.queuedPushLocked(buf)
	s.wake.broadcast()
	s.mu.Unlock()
	return gstmini.FlowOK
}

// pick returns the callback if there is one, else the signal handler when
// emit-signals is on. Called with s.mu held.
func (s *AppSrc) pick(cb, handler func(*AppSrc)) func(*AppSrc) {
	if cb == nil && s.emitSignals {
		return handler
	}
	return cb
}

// dropOldestLocked drops the oldest queued buffer for leaky-type
// downstream (gstappsrc.c:2591), reporting whether there was one.
func (s *AppSrc) dropOldestLocked() bool {
	for i, item := range s.queue {
		if b, ok := item.(*gstmini.Buffer); ok {
			s.queue = append(s.queue[:i:i], s.queue[i+1:]...)
			s.queuedPopLocked(b)
			b.Unref()
			return true
		}
	}
	return false
}

// EndOfStream tells the source that the last buffer queued is the last of
// the stream (gst_app_src_end_of_stream, gstappsrc.c:2916): once the queue
// is empty, the streaming goroutine sends EOS downstream. Later pushes
// return FlowEOS until the source stops and starts again. It returns
// FlowOK, or FlowFlushing if the source is flushing or stopped.
func (s *AppSrc) EndOfStream() gstmini.FlowReturn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.flushing {
		return gstmini.FlowFlushing
	}
	s.eos = true
	s.wake.broadcast()
	return gstmini.FlowOK
}

// endTS is GST_BUFFER_DTS_OR_PTS plus the duration when both are known.
func endTS(b *gstmini.Buffer) (start, end time.Duration) {
	start = b.DTS
	if start == gstmini.ClockTimeNone {
		start = b.PTS
	}
	end = start
	if end != gstmini.ClockTimeNone && b.Duration != gstmini.ClockTimeNone {
		end += b.Duration
	}
	return start, end
}

// queuedPushLocked is gst_app_src_update_queued_push (gstappsrc.c:1469).
// The segment is appsrc's default one (start 0, no stop), so running
// time = timestamp.
func (s *AppSrc) queuedPushLocked(b *gstmini.Buffer) {
	s.bytes += uint64(b.Size())
	s.bufs++
	start, end := endTS(b)
	if s.levelFormat != gstmini.FormatTime || end == gstmini.ClockTimeNone {
		return
	}
	s.lastIn = max(end, 0)
	if s.bufs == 1 {
		s.lastOut = max(start, 0)
	}
	s.updateTimeLocked()
}

// queuedPopLocked is gst_app_src_update_queued_pop (gstappsrc.c:1373).
func (s *AppSrc) queuedPopLocked(b *gstmini.Buffer) {
	s.bytes -= uint64(b.Size())
	s.bufs--
	_, end := endTS(b)
	if s.levelFormat != gstmini.FormatTime || end == gstmini.ClockTimeNone {
		return
	}
	s.lastOut = max(end, 0)
	s.updateTimeLocked()
}

func (s *AppSrc) updateTimeLocked() {
	if s.lastOut == gstmini.ClockTimeNone || s.lastIn == gstmini.ClockTimeNone {
		return
	}
	if s.lastOut > s.lastIn {
		s.qtime = 0
	} else {
		s.qtime = s.lastIn - s.lastOut
	}
}

// waitLocked waits for a change (a pop, a push, a flush, EOS); s.mu is
// released while waiting.
func (s *AppSrc) waitLocked() {
	ch := s.wake.channel()
	s.mu.Unlock()
	<-ch
	s.mu.Lock()
}

// emitNeedDataLocked calls NeedData with s.mu released
// (gst_app_src_emit_need_data, gstappsrc.c:1302).
func (s *AppSrc) emitNeedDataLocked(size int) {
	cb := s.callbacks.NeedData
	if cb == nil && s.emitSignals {
		cb = s.signalHandlers.NeedData
	}
	if cb == nil {
		return
	}
	s.mu.Unlock()
	cb(s, uint(size))
	s.mu.Lock()
}

// create is the Create hook (gst_app_src_create, gstappsrc.c:1565): hand
// out the oldest queued buffer, push queued events, call NeedData when the
// queue is empty, wait for data, or return EOS once EndOfStream emptied
// the queue.
func (s *AppSrc) create(offset uint64, size int) (*gstmini.Buffer, gstmini.FlowReturn) {
	s.mu.Lock()
	for {
		if s.flushing {
			s.mu.Unlock()
			return nil, gstmini.FlowFlushing
		}
		if len(s.queue) > 0 {
			item := s.queue[0]
			s.queue[0] = nil
			s.queue = s.queue[1:]
			if ev, ok := item.(*gstmini.Event); ok {
				s.mu.Unlock()
				s.pushQueuedEvent(ev)
				s.mu.Lock()
				continue
			}
			buf := item.(*gstmini.Buffer)
			if s.discontDown {
				buf = buf.MakeWritable()
				buf.Flags |= gstmini.BufferFlagDiscont
				s.discontDown = false
			}
			s.queuedPopLocked(buf)
			s.wake.broadcast()
			if p := s.minPercent; p > 0 {
				if (s.maxBytes > 0 && s.bytes*100/s.maxBytes <= p) ||
					(s.maxBuffers > 0 && s.bufs*100/s.maxBuffers <= p) ||
					(s.maxTime > 0 && uint64(s.qtime)*100/uint64(s.maxTime) <= p) {
					s.emitNeedDataLocked(size)
				}
			}
			buf = s.stampLocked(buf, offset)
			s.mu.Unlock()
			return buf, gstmini.FlowOK
		}
		s.emitNeedDataLocked(size)
		if s.flushing {
			s.mu.Unlock()
			return nil, gstmini.FlowFlushing
		}
		if len(s.queue) > 0 {
			continue
		}
		if s.eos {
			s.mu.Unlock()
			return nil, gstmini.FlowEOS
		}
		s.waitLocked()
	}
}

// stampLocked applies GstBaseSrc's rules for buffers without timestamps as
// they leave the source: gst_base_src_get_range (gstbasesrc.c:2655) gives a
// non-live source's first bytes buffer DTS 0, and gst_base_src_do_sync
// (gstbasesrc.c:2268) stamps once there is a clock: a buffer without a DTS
// gets the running time with do-timestamp, or else, if it is the first
// buffer of a live source since PLAYING (priv->latency == -1, which only
// gst_base_src_set_playing sets) and has no PTS either, the segment start
// 0; and a buffer without a PTS gets PTS = DTS. gstmini's BaseSrc does not
// do this for its other sources.
func (s *AppSrc) stampLocked(buf *gstmini.Buffer, offset uint64) *gstmini.Buffer {
	first := s.firstOut
	s.firstOut = false
	live := s.IsLive()
	if s.format == gstmini.FormatBytes && offset == 0 && buf.DTS == gstmini.ClockTimeNone && !live {
		buf = buf.MakeWritable()
		buf.DTS = 0
	}
	clock := s.Clock()
	if clock == nil {
		return buf
	}
	if buf.DTS != gstmini.ClockTimeNone && buf.PTS != gstmini.ClockTimeNone {
		return buf
	}
	buf = buf.MakeWritable()
	if buf.DTS == gstmini.ClockTimeNone {
		switch {
		case s.doTimestamp:
			buf.DTS = clock.Time() - s.BaseTime()
		case first && buf.PTS == gstmini.ClockTimeNone:
			buf.DTS = 0 // segment.start
		}
	}
	if buf.PTS == gstmini.ClockTimeNone {
		buf.PTS = buf.DTS
	}
	return buf
}

// pushQueuedEvent pushes an event sent to the element (queued by
// HandleSendEvent) in order with the buffers, after a default segment if
// none went out yet (gstappsrc.c:1710).
func (s *AppSrc) pushQueuedEvent(ev *gstmini.Event) {
	pad := s.SrcPad()
	if pad.StickyEvent(gstmini.EventSegment) == nil {
		s.mu.Lock()
		f := s.format
		s.mu.Unlock()
		var seg gstmini.Segment
		seg.Init(f)
		pad.PushEvent(gstmini.NewSegmentEvent(&seg))
	}
	pad.PushEvent(ev)
}

// HandleSendEvent handles an event sent to the element
// (gst_app_src_send_event, gstappsrc.c:1015): a serialized event, such as
// the EOS a pipeline sends its sources, waits in the queue behind the
// buffers already pushed; FLUSH_STOP empties the queue; anything else goes
// to BaseSrc.
func (s *AppSrc) HandleSendEvent(ev *gstmini.Event) bool {
	switch {
	case ev.Type() == gstmini.EventFlushStop:
		s.mu.Lock()
		s.flushQueuedLocked()
		s.mu.Unlock()
	case ev.Type().IsSerialized():
		s.mu.Lock()
		s.queue = append(s.queue, ev)
		s.wake.broadcast()
		s.mu.Unlock()
		return true
	}
	return s.BaseSrc.HandleSendEvent(ev)
}

// flushQueuedLocked is gst_app_src_flush_queued (gstappsrc.c:768).
func (s *AppSrc) flushQueuedLocked() {
	for _, item := range s.queue {
		if b, ok := item.(*gstmini.Buffer); ok {
			b.Unref()
		}
	}
	s.queue = nil
	s.bytes, s.bufs, s.qtime = 0, 0, 0
	s.lastIn, s.lastOut = gstmini.ClockTimeNone, gstmini.ClockTimeNone
	s.discontUp, s.discontDown = false, false
	s.wake.broadcast()
}

// ChangeState restarts the first-buffer timestamping when a live source
// starts playing (gst_base_src_set_playing, gstbasesrc.c:3867), then lets
// BaseSrc do its work.
func (s *AppSrc) ChangeState(t gstmini.StateChange) gstmini.StateChangeReturn {
	if t == gstmini.TransitionPausedToPlaying && s.IsLive() {
		s.mu.Lock()
		s.firstOut = true
		s.mu.Unlock()
	}
	return s.BaseSrc.ChangeState(t)
}

// start is gst_app_src_start (gstappsrc.c:1076), on READY→PAUSED.
func (s *AppSrc) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.started = true
	s.flushing = false
	s.levelFormat = s.format
	s.SetFormat(s.format)
	return nil
}

// stop is gst_app_src_stop (gstappsrc.c:1099), on PAUSED→READY: drop the
// queue, forget EOS and refuse pushes until the next start.
func (s *AppSrc) stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.eos = false
	s.flushing = true
	s.started = false
	s.flushQueuedLocked()
	return nil
}

// unlock is gst_app_src_unlock (gstappsrc.c:1046): a flush or a stop wakes
// the streaming goroutine and every blocked PushBuffer.
func (s *AppSrc) unlock() {
	s.mu.Lock()
	s.flushing = true
	s.wake.broadcast()
	s.mu.Unlock()
}

func (s *AppSrc) unlockStop() {
	s.mu.Lock()
	s.flushing = false
	s.wake.broadcast()
	s.mu.Unlock()
}

// latency answers the latency query of a live appsrc: min-latency and
// max-latency when min-latency is set, else 0 and unbounded
// (gst_app_src_query, gstappsrc.c:1146).
func (s *AppSrc) latency() (minL, maxL time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.minLatency == -1 {
		return 0, gstmini.ClockTimeNone
	}
	maxL = s.maxLatency
	if maxL == -1 {
		maxL = gstmini.ClockTimeNone
	}
	return s.minLatency, maxL
}

// A broadcaster is a condition variable whose waiters can also time out:
// waiters take channel() under their lock, release the lock and receive
// from it; broadcast, under the same lock, wakes every one of them.
// The zero value is ready to use.
type broadcaster struct{ ch chan struct{} }

func (b *broadcaster) channel() <-chan struct{} {
	if b.ch == nil {
		b.ch = make(chan struct{})
	}
	return b.ch
}

func (b *broadcaster) broadcast() {
	if b.ch != nil {
		close(b.ch)
		b.ch = nil
	}
}
