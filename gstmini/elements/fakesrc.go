package elements

import (
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// FakeSrcSizeType says how a FakeSrc sizes its buffers (GstFakeSrcSizeType,
// gstfakesrc.h at 1.22.0), with GStreamer's numbering. Its String method
// returns the nick that the "sizetype" property accepts.
type FakeSrcSizeType int

// Size types.
const (
	FakeSrcSizeEmpty  FakeSrcSizeType = iota + 1 // "empty": zero-byte buffers (the default)
	FakeSrcSizeFixed                             // "fixed": sizemax bytes
	FakeSrcSizeRandom                            // "random": sizemin <= size < sizemax bytes
)

var fakeSrcSizeTypes = []gstmini.EnumValue{
	{Value: int(FakeSrcSizeEmpty), Nick: "empty", Name: "Send empty buffers"},
	{Value: int(FakeSrcSizeFixed), Nick: "fixed", Name: "Fixed size buffers (sizemax sized)"},
	{Value: int(FakeSrcSizeRandom), Nick: "random", Name: "Random sized buffers (sizemin <= size <= sizemax)"},
}

// String returns the size type's nick.
func (t FakeSrcSizeType) String() string { return enumNick(fakeSrcSizeTypes, int(t)) }

// FakeSrcFillType says what a FakeSrc writes into its buffers
// (GstFakeSrcFillType, gstfakesrc.h at 1.22.0), with GStreamer's
// numbering. Its String method returns the nick that the "filltype"
// property accepts.
type FakeSrcFillType int

// Fill types.
const (
	FakeSrcFillNothing     FakeSrcFillType = iota + 1 // "nothing": leave whatever the (recycled) memory holds (the initial value)
	FakeSrcFillZero                                   // "zero": zeros
	FakeSrcFillRandom                                 // "random": random bytes
	FakeSrcFillPattern                                // "pattern": 0x00, 0x01, ... restarting in each buffer
	FakeSrcFillPatternSpan                            // "pattern-span": 0x00, 0x01, ... continuing across buffers
)

var fakeSrcFillTypes = []gstmini.EnumValue{
	{Value: int(FakeSrcFillNothing), Nick: "nothing", Name: "Leave data as malloced"},
	{Value: int(FakeSrcFillZero), Nick: "zero", Name: "Fill buffers with zeros"},
	{Value: int(FakeSrcFillRandom), Nick: "random", Name: "Fill buffers with random data"},
	{Value: int(FakeSrcFillPattern), Nick: "pattern", Name: "Fill buffers with pattern 0x00 -> 0xff"},
	{Value: int(FakeSrcFillPatternSpan), Nick: "pattern-span", Name: "Fill buffers with pattern 0x00 -> 0xff that spans buffers"},
}

// String returns the fill type's nick.
func (t FakeSrcFillType) String() string { return enumNick(fakeSrcFillTypes, int(t)) }

// formatValues is GstFormat as a GEnum.
var formatValues = []gstmini.EnumValue{
	{Value: int(gstmini.FormatUndefined), Nick: "undefined", Name: "GST_FORMAT_UNDEFINED"},
	{Value: int(gstmini.FormatDefault), Nick: "default", Name: "GST_FORMAT_DEFAULT"},
	{Value: int(gstmini.FormatBytes), Nick: "bytes", Name: "GST_FORMAT_BYTES"},
	{Value: int(gstmini.FormatTime), Nick: "time", Name: "GST_FORMAT_TIME"},
	{Value: int(gstmini.FormatBuffers), Nick: "buffers", Name: "GST_FORMAT_BUFFERS"},
	{Value: int(gstmini.FormatPercent), Nick: "percent", Name: "GST_FORMAT_PERCENT"},
}

func enumNick(values []gstmini.EnumValue, v int) string {
	for _, ev := range values {
		if ev.Value == v {
			return ev.Nick
		}
	}
	return fmt.Sprintf("unknown(%d)", v)
}

// FakeSrc defaults, as gstfakesrc.c:72-89 defines them.
const (
	DefaultFakeSrcSizeMax    = 4096
	DefaultFakeSrcParentSize = 4096 * 10
)

// A FakeSrc pushes buffers that carry no meaningful data (GstFakeSrc,
// gstfakesrc.c, factory "fakesrc"): the source of tests and benchmarks, as
// in `fakesrc num-buffers=5 ! fakesink`. Create it with NewFakeSrc, which
// applies GStreamer's defaults: zero-byte buffers, a BYTES segment, not
// live, no timestamps, no sync, unlimited num-buffers.
//
// Each buffer (gst_fake_src_create, gstfakesrc.c:794) gets
//
//	offset        = the byte position BaseSrc asks for (0 for every empty buffer)
//	PTS = DTS     = bytes_sent * 1s / datarate        if datarate > 0
//	              = clock time - base time            else if is-live and there is a clock
//	              = none                              otherwise
//	duration      = size * 1s / datarate              if datarate > 0, else none
//
// With sync=true a buffer with a timestamp waits on the clock until base
// time + timestamp before it is pushed (GstBaseSrc's do_sync with
// gst_fake_src_get_times, gstbasesrc.c:2268 and gstfakesrc.c:763; a live
// source first shifts its timestamps so the first one is the running time
// it was made at). Buffers come from a BufferPool, so a steady stream
// allocates nothing per buffer.
//
// One difference comes from gstmini's BaseSrc: GStreamer's BaseSrc stamps a
// non-live buffer asked for at byte offset 0 with DTS 0 and copies that to
// the unset PTS (gst_base_src_get_range, gstbasesrc.c:2532, and
// gst_base_src_do_sync), so there every empty fakesrc buffer, and the first
// fixed-size one, has PTS 0; in gstmini they keep no timestamp.
//
// Properties, with GStreamer's names and defaults: num-buffers (-1),
// blocksize (BaseSrc's; ignored, as fakesrc ignores it), sizetype (empty),
// sizemin (0), sizemax (4096), parentsize (40960,
// stored: gstmini has no "subbuffer" data mode), filltype (nothing),
// datarate (0), sync (false), pattern ("", unused as in GStreamer), silent
// (true), signal-handoffs (false), dump (false), can-activate-push (true:
// gstmini sources always push), is-live (false) and format (bytes; time
// gives a TIME segment). GStreamer's data, last-message and
// can-activate-pull are not modelled.
//
// All methods are safe for concurrent use.
type FakeSrc struct {
	gstmini.BaseSrc
	waiter  clockWaiter
	dumpOut io.Writer // where dump=true writes; os.Stdout

	mu             sync.Mutex // the fields below, down to tsOffset; the setters republish making
	sizeType       FakeSrcSizeType
	sizeMin        int64
	sizeMax        int64
	parentSize     int64
	fillType       FakeSrcFillType
	dataRate       int64
	sync           bool
	pattern        string
	silent         bool
	signalHandoffs bool
	dump           bool
	format         gstmini.Format
	handoff        func(buf *gstmini.Buffer)
	firstSync      bool          // the next synced buffer of a live source sets tsOffset
	tsOffset       time.Duration // running time of the first synced buffer minus its timestamp

	// making is what create reads of the properties: one atomic load per
	// buffer instead of a lock section.
	making atomic.Pointer[fakeSrcMaking]

	// Owned by the streaming goroutine; start resets them before it runs.
	pool        *gstmini.BufferPool
	poolSize    int
	bytesSent   uint64
	patternByte byte
}

// fakeSrcMaking is what create needs of the properties to make a buffer.
type fakeSrcMaking struct {
	sizeType         FakeSrcSizeType
	sizeMin, sizeMax int64
	fillType         FakeSrcFillType
	dataRate         int64
	sync, dump       bool
	handoff          func(buf *gstmini.Buffer) // nil unless signal-handoffs
}

// publishLocked makes the properties just written under mu the ones the
// next buffer is made with.
func (s *FakeSrc) publishLocked() {
	m := &fakeSrcMaking{
		sizeType: s.sizeType, sizeMin: s.sizeMin, sizeMax: s.sizeMax, fillType: s.fillType,
		dataRate: s.dataRate, sync: s.sync, dump: s.dump,
	}
	if s.signalHandoffs {
		m.handoff = s.handoff
	}
	s.making.Store(m)
}

// NewFakeSrc returns a fakesrc named name in state NULL with GStreamer's
// defaults (gst_fake_src_init, gstfakesrc.c:361).
func NewFakeSrc(name string) *FakeSrc {
	s := &FakeSrc{
		dumpOut:    os.Stdout,
		sizeType:   FakeSrcSizeEmpty,
		sizeMax:    DefaultFakeSrcSizeMax,
		parentSize: DefaultFakeSrcParentSize,
		fillType:   FakeSrcFillNothing,
		silent:     true,
		format:     gstmini.FormatBytes,
	}
	s.publishLocked()
	s.InitBaseSrc(s, name, gstmini.BaseSrcHooks{
		Create:     s.create,
		Start:      s.start,
		Unlock:     s.waiter.unlock,
		UnlockStop: s.waiter.unlockStop,
	})
	s.SetFormat(gstmini.FormatBytes)
	s.installProperties()
	return s
}

// installProperties installs fakesrc's properties in GStreamer's order
// (gst_fake_src_class_init, gstfakesrc.c:231).
func (s *FakeSrc) installProperties() {
	locked := func(f func()) { s.mu.Lock(); f(); s.mu.Unlock() }
	set := func(f func()) { s.mu.Lock(); f(); s.publishLocked(); s.mu.Unlock() }
	s.InstallProperty(gstmini.EnumProperty("sizetype", "How to determine buffer sizes", "GstFakeSrcSizeType",
		fakeSrcSizeTypes, FakeSrcSizeEmpty,
		func() (v any) { locked(func() { v = s.sizeType }); return },
		func(v int) { set(func() { s.sizeType = FakeSrcSizeType(v) }) }))
	s.InstallProperty(gstmini.IntProperty("sizemin", "Minimum buffer size", "gint", 0, math.MaxInt32, 0,
		func() (v int64) { locked(func() { v = s.sizeMin }); return },
		func(v int64) { set(func() { s.sizeMin = v }) }))
	s.InstallProperty(gstmini.IntProperty("sizemax", "Maximum buffer size", "gint", 0, math.MaxInt32, DefaultFakeSrcSizeMax,
		func() (v int64) { locked(func() { v = s.sizeMax }); return },
		func(v int64) { set(func() { s.sizeMax = v }) }))
	s.InstallProperty(gstmini.IntProperty("parentsize", "Size of parent buffer for sub-buffered allocation", "gint",
		0, math.MaxInt32, DefaultFakeSrcParentSize,
		func() (v int64) { locked(func() { v = s.parentSize }); return },
		func(v int64) { set(func() { s.parentSize = v }) }))
	// GStreamer's pspec says "zero" but gst_fake_src_init sets "nothing";
	// Default reports what a new element has.
	s.InstallProperty(gstmini.EnumProperty("filltype", "How to fill the buffer, if at all", "GstFakeSrcFillType",
		fakeSrcFillTypes, FakeSrcFillNothing,
		func() (v any) { locked(func() { v = s.fillType }); return },
		func(v int) { set(func() { s.fillType = FakeSrcFillType(v) }) }))
	s.InstallProperty(gstmini.IntProperty("datarate", "Timestamps buffers with number of bytes per second (0 = none)", "gint",
		0, math.MaxInt32, 0,
		func() (v int64) { locked(func() { v = s.dataRate }); return },
		func(v int64) { set(func() { s.dataRate = v }) }))
	s.InstallProperty(gstmini.BoolProperty("sync", "Sync to the clock to the datarate", false,
		func() (v bool) { locked(func() { v = s.sync }); return },
		func(v bool) { set(func() { s.sync = v }) }))
	s.InstallProperty(gstmini.StringProperty("pattern", "Set the pattern (unused)", "",
		func() (v string) { locked(func() { v = s.pattern }); return },
		func(v string) { set(func() { s.pattern = v }) }))
	s.InstallProperty(gstmini.BoolProperty("silent", "Don't produce last_message events", true,
		func() (v bool) { locked(func() { v = s.silent }); return },
		func(v bool) { set(func() { s.silent = v }) }))
	s.InstallProperty(gstmini.BoolProperty("signal-handoffs", "Send a signal before pushing the buffer", false,
		func() (v bool) { locked(func() { v = s.signalHandoffs }); return },
		func(v bool) { set(func() { s.signalHandoffs = v }) }))
	s.InstallProperty(gstmini.BoolProperty("dump", "Dump buffer contents to stdout", false,
		func() (v bool) { locked(func() { v = s.dump }); return },
		func(v bool) { set(func() { s.dump = v }) }))
	push := gstmini.BoolProperty("can-activate-push", "Can activate in push mode", true,
		func() bool { return true }, func(bool) {})
	push.Check = func(v any) error {
		if !v.(bool) {
			return fmt.Errorf("gstmini sources always activate in push mode")
		}
		return nil
	}
	s.InstallProperty(push)
	s.InstallProperty(gstmini.BoolProperty("is-live", "True if the element cannot produce data in PAUSED", false,
		s.IsLive, s.SetLive))
	format := gstmini.EnumProperty("format", "The format of the segment events", "GstFormat",
		formatValues, gstmini.FormatBytes,
		func() (v any) { locked(func() { v = s.format }); return },
		func(v int) { set(func() { s.format = gstmini.Format(v) }) })
	format.Check = func(v any) error {
		if f := gstmini.Format(v.(int)); f != gstmini.FormatBytes && f != gstmini.FormatTime {
			return fmt.Errorf("gstmini's BaseSrc keeps bytes and time segments only")
		}
		return nil
	}
	s.InstallProperty(format)
}

// SetHandoff sets the function the streaming goroutine calls with each
// buffer just before it is pushed, when signal-handoffs is true (the
// "handoff" signal, gstfakesrc.c:335). The buffer still belongs to the
// source: the function must not change it, and must Ref it to keep it past
// its return (and Unref it when done). nil removes the function.
func (s *FakeSrc) SetHandoff(f func(buf *gstmini.Buffer)) {
	s.mu.Lock()
	s.handoff = f
	s.publishLocked()
	s.mu.Unlock()
}

// ChangeState adds to BaseSrc.ChangeState what LiveSource.ChangeState
// adds (a sync wait survives PLAYING→PAUSED and restarts with the new base
// time on PAUSED→PLAYING), and makes a live source measure its timestamp
// offset again on PAUSED→PLAYING, as gst_base_src_set_playing
// (gstbasesrc.c:3846) resets its latency. Called on the goroutine changing
// state.
func (s *FakeSrc) ChangeState(t gstmini.StateChange) gstmini.StateChangeReturn {
	switch t {
	case gstmini.TransitionPlayingToPaused:
		s.waiter.setPausing(true)
		defer s.waiter.setPausing(false)
	case gstmini.TransitionPausedToPlaying:
		s.mu.Lock()
		s.firstSync = true
		s.mu.Unlock()
	}
	ret := s.BaseSrc.ChangeState(t)
	if t == gstmini.TransitionPausedToPlaying && ret != gstmini.StateChangeFailure {
		s.waiter.rearm()
	}
	return ret
}

// start is the Start hook (gst_fake_src_start, gstfakesrc.c:888), on
// READY→PAUSED: it applies "format" and restarts the byte count.
func (s *FakeSrc) start() error {
	s.mu.Lock()
	format := s.format
	s.firstSync = true
	s.mu.Unlock()
	s.bytesSent, s.patternByte = 0, 0
	s.SetFormat(format)
	// BaseSrc never calls UnlockStop after the Unlock of the last
	// deactivation (gst_base_src_stop, gstbasesrc.c:3734, does): clear it here.
	s.waiter.unlockStop()
	return nil
}

// create is the Create hook (gst_fake_src_create, gstfakesrc.c:794), on the
// streaming goroutine, followed by the clock wait of sync=true.
func (s *FakeSrc) create(offset uint64, _ int) (*gstmini.Buffer, gstmini.FlowReturn) {
	m := s.making.Load()
	size, capacity := m.size()
	if s.pool == nil || s.poolSize != capacity {
		s.pool, s.poolSize = gstmini.NewBufferPool(capacity), capacity
	}
	dataRate, syncOn, handoff := m.dataRate, m.sync, m.handoff
	bytesSent := s.bytesSent
	s.bytesSent += uint64(size)

	buf := s.pool.Acquire()
	buf.Data = buf.Data[:size]
	s.fill(buf.Data, m.fillType)
	if m.dump {
		fmt.Fprint(s.dumpOut, hex.Dump(buf.Data))
	}
	buf.Offset = offset

	ts := gstmini.ClockTimeNone
	live := s.IsLive()
	var clock gstmini.Clock
	if syncOn || (dataRate <= 0 && live) {
		clock = s.Clock()
	}
	switch {
	case dataRate > 0:
		ts = time.Duration(scale(bytesSent, uint64(time.Second), uint64(dataRate)))
		buf.Duration = time.Duration(scale(uint64(size), uint64(time.Second), uint64(dataRate)))
	case live && clock != nil:
		ts = clock.Time() - s.BaseTime()
	}
	buf.PTS, buf.DTS = ts, ts

	if handoff != nil {
		handoff(buf)
	}

	if syncOn && ts != gstmini.ClockTimeNone && clock != nil {
		if !s.syncOn(clock, buf) {
			buf.Unref()
			return nil, gstmini.FlowFlushing
		}
	}
	return buf, gstmini.FlowOK
}

// syncOn waits until the clock reaches base time + the buffer's timestamp
// (gst_base_src_do_sync, gstbasesrc.c:2268). A live source first shifts the
// buffer's timestamps by the offset measured on the first buffer. It
// returns false if the wait was unlocked.
func (s *FakeSrc) syncOn(clock gstmini.Clock, buf *gstmini.Buffer) bool {
	start := buf.DTS
	if s.IsLive() {
		s.mu.Lock()
		if s.firstSync {
			s.tsOffset = clock.Time() - s.BaseTime() - start
			s.firstSync = false
		}
		off := s.tsOffset
		s.mu.Unlock()
		buf.PTS += off
		buf.DTS += off
		start += off
	}
	return !s.waiter.wait(clock, func() (time.Duration, bool) {
		return s.BaseTime() + start, true
	})
}

// size returns the next buffer's size (gst_fake_src_get_size,
// gstfakesrc.c:672) and the capacity of the pool it comes from.
func (m *fakeSrcMaking) size() (size, capacity int) {
	switch m.sizeType {
	case FakeSrcSizeFixed:
		return int(m.sizeMax), int(m.sizeMax)
	case FakeSrcSizeRandom:
		lo, hi := int(m.sizeMin), int(m.sizeMax)
		if lo >= hi { // g_random_int_range (lo, hi) returns lo
			return lo, lo
		}
		return lo + rand.IntN(hi-lo), hi
	}
	return 0, 0
}

// fill writes the fill type's bytes into data (gst_fake_src_prepare_buffer,
// gstfakesrc.c:599).
func (s *FakeSrc) fill(data []byte, fill FakeSrcFillType) {
	if len(data) == 0 {
		return
	}
	switch fill {
	case FakeSrcFillZero:
		clear(data)
	case FakeSrcFillRandom:
		for i := range data {
			data[i] = byte(rand.Uint32())
		}
	case FakeSrcFillPattern, FakeSrcFillPatternSpan:
		b := s.patternByte
		if fill == FakeSrcFillPattern {
			b = 0
		}
		for i := range data {
			data[i] = b
			b++
		}
		s.patternByte = b
	}
}
