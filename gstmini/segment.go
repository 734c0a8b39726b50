package gstmini

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// This file models GstSegment (gst/gstsegment.c at tag 1.22.0; the line
// numbers below are those of the function names in that file).
//
// GStreamer does all segment arithmetic on unsigned 64-bit integers, where
// GST_CLOCK_TIME_NONE is 2^64-1 and a subtraction below zero wraps. To match
// it exactly, every method converts the fields to uint64 (ClockTimeNone
// becomes 2^64-1), computes as the C code does, wrapping included, and
// converts back (2^64-1 becomes ClockTimeNone). A consequence is that the
// Go value -1 ns is indistinguishable from ClockTimeNone, as it is in C,
// where -1 is how GST_CLOCK_TIME_NONE is usually written. Times at or beyond
// 2^63 ns are out of scope.

// SegmentFlags describe how a segment should be played (GstSegmentFlags).
// They share their bit values with the matching SeekFlags.
type SegmentFlags uint32

// Segment flags, with GStreamer's bit values (gst/gstsegment.h).
const (
	SegmentFlagNone                      SegmentFlags = 0
	SegmentFlagReset                     SegmentFlags = 1 << 0 // set by a flushing seek: running time restarts from 0
	SegmentFlagSegment                   SegmentFlags = 1 << 3 // post SEGMENT_DONE instead of EOS at the end
	SegmentFlagTrickmode                 SegmentFlags = 1 << 4 // frames may be skipped
	SegmentFlagTrickmodeKeyUnits         SegmentFlags = 1 << 7 // decode key units only
	SegmentFlagTrickmodeNoAudio          SegmentFlags = 1 << 8 // do not decode audio
	SegmentFlagTrickmodeForwardPredicted SegmentFlags = 1 << 9 // decode key units and forward-predicted frames only

	// SegmentFlagSkip is the deprecated name of SegmentFlagTrickmode.
	SegmentFlagSkip = SegmentFlagTrickmode
)

var segmentFlagNames = []struct {
	f    SegmentFlags
	name string
}{
	{SegmentFlagReset, "reset"}, {SegmentFlagSegment, "segment"},
	{SegmentFlagTrickmode, "trickmode"},
	{SegmentFlagTrickmodeKeyUnits, "trickmode-key-units"},
	{SegmentFlagTrickmodeNoAudio, "trickmode-no-audio"},
	{SegmentFlagTrickmodeForwardPredicted, "trickmode-forward-predicted"},
}

// String lists the set flags by GStreamer's nicks, joined by '+' ("none"
// when no flag is set). Unknown bits are appended in hexadecimal.
func (f SegmentFlags) String() string {
	if f == 0 {
		return "none"
	}
	var parts []string
	for _, n := range segmentFlagNames {
		if f&n.f != 0 {
			parts = append(parts, n.name)
			f &^= n.f
		}
	}
	if f != 0 {
		parts = append(parts, fmt.Sprintf("0x%x", uint32(f)))
	}
	return strings.Join(parts, "+")
}

// SeekFlags modify a seek (GstSeekFlags).
type SeekFlags uint32

// Seek flags, with GStreamer's bit values (gst/gstsegment.h).
const (
	SeekFlagNone                      SeekFlags = 0
	SeekFlagFlush                     SeekFlags = 1 << 0  // flush the pipeline; becomes SegmentFlagReset
	SeekFlagAccurate                  SeekFlags = 1 << 1  // seek exactly, even if slow
	SeekFlagKeyUnit                   SeekFlags = 1 << 2  // seek to the nearest key unit
	SeekFlagSegment                   SeekFlags = 1 << 3  // segment seek: SEGMENT_DONE instead of EOS
	SeekFlagTrickmode                 SeekFlags = 1 << 4  // frames may be skipped
	SeekFlagSnapBefore                SeekFlags = 1 << 5  // snap to a location at or before the target
	SeekFlagSnapAfter                 SeekFlags = 1 << 6  // snap to a location at or after the target
	SeekFlagTrickmodeKeyUnits         SeekFlags = 1 << 7  // decode key units only
	SeekFlagTrickmodeNoAudio          SeekFlags = 1 << 8  // do not decode audio
	SeekFlagTrickmodeForwardPredicted SeekFlags = 1 << 9  // decode key units and forward-predicted frames only
	SeekFlagInstantRateChange         SeekFlags = 1 << 10 // change the rate without flushing or moving

	// SeekFlagSkip is the deprecated name of SeekFlagTrickmode.
	SeekFlagSkip = SeekFlagTrickmode
	// SeekFlagSnapNearest snaps to the nearest location.
	SeekFlagSnapNearest = SeekFlagSnapBefore | SeekFlagSnapAfter
)

var seekFlagNames = []struct {
	f    SeekFlags
	name string
}{
	{SeekFlagFlush, "flush"}, {SeekFlagAccurate, "accurate"},
	{SeekFlagKeyUnit, "key-unit"}, {SeekFlagSegment, "segment"},
	{SeekFlagTrickmode, "trickmode"}, {SeekFlagSnapBefore, "snap-before"},
	{SeekFlagSnapAfter, "snap-after"},
	{SeekFlagTrickmodeKeyUnits, "trickmode-key-units"},
	{SeekFlagTrickmodeNoAudio, "trickmode-no-audio"},
	{SeekFlagTrickmodeForwardPredicted, "trickmode-forward-predicted"},
	{SeekFlagInstantRateChange, "instant-rate-change"},
}

// String lists the set flags by GStreamer's nicks, joined by '+' ("none"
// when no flag is set). Unknown bits are appended in hexadecimal.
func (f SeekFlags) String() string {
	if f == 0 {
		return "none"
	}
	var parts []string
	for _, n := range seekFlagNames {
		if f&n.f != 0 {
			parts = append(parts, n.name)
			f &^= n.f
		}
	}
	if f != 0 {
		parts = append(parts, fmt.Sprintf("0x%x", uint32(f)))
	}
	return strings.Join(parts, "+")
}

// SeekType says how a seek's start or stop value is interpreted (GstSeekType).
type SeekType int

// Seek types, with GStreamer's numbering.
const (
	SeekTypeNone SeekType = iota // GST_SEEK_TYPE_NONE: keep the segment's current value
	SeekTypeSet                  // GST_SEEK_TYPE_SET: the value is absolute
	SeekTypeEnd                  // GST_SEEK_TYPE_END: the value is relative to the duration
)

// String returns GStreamer's nick for t.
func (t SeekType) String() string {
	switch t {
	case SeekTypeNone:
		return "none"
	case SeekTypeSet:
		return "set"
	case SeekTypeEnd:
		return "end"
	}
	return fmt.Sprintf("SeekType(%d)", int(t))
}

// A Segment maps buffer timestamps (positions) to running time, which the
// sinks synchronise on the clock, and to stream time, the position in the
// media (GstSegment). All of Start, Stop, Time, Position, Duration, Base and
// Offset are in Format units; in FormatTime they are nanoseconds.
//
// Create one with NewSegment or NewSegmentWithFormat: the zero value has
// Rate 0 and Stop 0, which is not a usable segment.
type Segment struct {
	Flags SegmentFlags

	// Rate is the playback rate requested by a seek: above 1 plays faster,
	// below 0 plays backwards. It must not be 0. It scales running time.
	Rate float64
	// AppliedRate is the rate already applied to the data upstream (by a
	// server or an element such as scaletempo). It scales stream time only.
	AppliedRate float64

	Format Format

	// Base is the running time at Start (at Stop when Rate < 0), plus the
	// time elapsed before it when Offset is set. May be ClockTimeNone after a
	// non-flushing DoSeek from a position without a running time.
	Base time.Duration
	// Offset is the part of the segment, in position units, that was already
	// played before a seek that kept the start (stop when Rate < 0). It is
	// signed: GStreamer's wrapped unsigned values show up as negative offsets.
	Offset time.Duration
	// Start is the first position to play (the last one when Rate < 0).
	Start time.Duration
	// Stop is the last position to play, or ClockTimeNone for "until the end".
	Stop time.Duration
	// Time is the stream time at Start (at Stop when AppliedRate < 0).
	Time time.Duration
	// Position is the last known position in the segment, kept up to date by
	// sources, demuxers and parsers; DoSeek uses it.
	Position time.Duration
	// Duration is the length of the media, or ClockTimeNone when unknown;
	// DoSeek uses it for SeekTypeEnd and to clamp start and stop.
	Duration time.Duration
}

// NewSegment returns a TIME segment in its initial state; see Init.
func NewSegment() *Segment { return NewSegmentWithFormat(FormatTime) }

// NewSegmentWithFormat returns a segment in format f in its initial state;
// see Init.
func NewSegmentWithFormat(f Format) *Segment {
	s := new(Segment)
	s.Init(f)
	return s
}

// Init resets s to format f and the default values: no flags, Rate and
// AppliedRate 1, Base, Offset, Start, Time and Position 0, Stop and Duration
// ClockTimeNone.
//
// Mirrors gst_segment_init (gst/gstsegment.c:172).
func (s *Segment) Init(f Format) {
	*s = Segment{
		Rate:        1,
		AppliedRate: 1,
		Format:      f,
		Stop:        ClockTimeNone,
		Duration:    ClockTimeNone,
	}
}

// Copy returns a new segment equal to s (gst_segment_copy,
// gst/gstsegment.c:101).
func (s *Segment) Copy() *Segment {
	c := *s
	return &c
}

// cNone is GST_CLOCK_TIME_NONE as the C code sees it: (guint64) -1.
const cNone = math.MaxUint64

// toC converts a gstmini time to the guint64 GStreamer would hold.
func toC(t time.Duration) uint64 {
	if t == ClockTimeNone {
		return cNone
	}
	return uint64(t)
}

// fromC converts a guint64 GStreamer time back to a gstmini time.
func fromC(u uint64) time.Duration {
	if u == cNone {
		return ClockTimeNone
	}
	return time.Duration(u)
}

// fromCSigned converts a (sign, magnitude) result of a *_full function to a
// signed gstmini time: the magnitude, negated when sign is -1.
func fromCSigned(sign int, mag uint64) time.Duration {
	if sign < 0 {
		return -time.Duration(mag)
	}
	return fromC(mag)
}

// cSegment is a Segment's fields as the guint64 values of a C GstSegment.
type cSegment struct {
	rate, appliedRate                                   float64
	base, offset, start, stop, time, position, duration uint64
}

func (s *Segment) c() cSegment {
	return cSegment{
		rate:        s.Rate,
		appliedRate: s.AppliedRate,
		base:        toC(s.Base),
		offset:      uint64(s.Offset), // a plain signed quantity, never NONE
		start:       toC(s.Start),
		stop:        toC(s.Stop),
		time:        toC(s.Time),
		position:    toC(s.Position),
		duration:    toC(s.Duration),
	}
}

// divRate, mulRate and mulRateCeil scale x as C's "guint64 op= gdouble" does:
// convert x to double, scale, then convert back, truncating toward zero
// (after ceil for mulRateCeil). The float64() conversions keep the compiler
// from fusing operations, so each step is rounded as in C.
func divRate(x uint64, r float64) uint64 { return uint64(float64(float64(x) / r)) }
func mulRate(x uint64, r float64) uint64 { return uint64(float64(float64(x) * r)) }
func mulRateCeil(x uint64, r float64) uint64 {
	return uint64(math.Ceil(float64(float64(x) * r)))
}

// toRunningTimeFull is gst_segment_to_running_time_full on guint64 values.
// It returns (0, cNone) wherever C returns 0.
func (c *cSegment) toRunningTimeFull(pos uint64) (int, uint64) {
	if pos == cNone {
		return 0, cNone
	}
	if c.rate > 0 {
		return runningTimeForward(pos, c.start, c.offset, c.base, c.rate)
	}
	stop := c.stop
	if stop == cNone && c.duration != cNone {
		stop = c.start + c.duration
	}
	if stop == cNone || stop < c.offset {
		return 0, cNone // a g_return_val_if_fail in C
	}
	stop -= c.offset
	if pos > stop {
		return addBase(-1, pos-stop, c.rate, c.base)
	}
	return addBase(1, stop-pos, c.rate, c.base)
}

// runningTimeForward is toRunningTimeFull for a positive rate, on the four
// values it reads, so that the per-buffer conversions need no copy of the
// segment.
func runningTimeForward(pos, start, offset, base uint64, rate float64) (int, uint64) {
	if zero := start + offset; pos < zero {
		return addBase(-1, zero-pos, rate, base)
	} else {
		return addBase(1, pos-zero, rate, base)
	}
}

// addBase scales the distance d (of the given sign) from the running time's
// zero point by the rate and adds the base, as a sign and magnitude.
func addBase(sign int, d uint64, rate float64, base uint64) (int, uint64) {
	if r := math.Abs(rate); r != 1 {
		d = divRate(d, r)
	}
	switch {
	case sign > 0:
		return 1, d + base
	case base >= d:
		return 1, base - d
	default:
		return -1, d - base
	}
}

// toRunningTime is gst_segment_to_running_time on guint64 values.
func (c *cSegment) toRunningTime(pos uint64) uint64 {
	if pos < c.start || (c.stop != cNone && pos > c.stop) {
		return cNone
	}
	if sign, rt := c.toRunningTimeFull(pos); sign == 1 {
		return rt
	}
	return cNone
}

// ToRunningTimeFull converts position pos to running time, extrapolating
// outside [Start, Stop]; the result is negative when pos lies before the
// running time's zero point.
//
// With Rate > 0:
//
//	running_time = (pos - (Start + Offset)) / |Rate| + Base
//
// With Rate < 0, counting down from the stop (Start + Duration when Stop is
// ClockTimeNone):
//
//	running_time = ((Stop - Offset) - pos) / |Rate| + Base
//
// The division is done in float64 and truncated toward zero, on the
// magnitude of the distance, before Base is added or subtracted. AppliedRate
// plays no part.
//
// ok is false, with ClockTimeNone, when pos is ClockTimeNone, and when
// Rate <= 0 and both Stop and Duration are ClockTimeNone or the stop is below
// Offset (GStreamer's g_critical preconditions; gstmini does not log).
//
// Mirrors gst_segment_to_running_time_full (gst/gstsegment.c:735); its sign
// -1 is returned as a negative time.
func (s *Segment) ToRunningTimeFull(pos time.Duration) (time.Duration, bool) {
	if p := toC(pos); s.Rate > 0 && p != cNone { // a queue's level, per buffer: no copy
		sign, rt := runningTimeForward(p, toC(s.Start), uint64(s.Offset), toC(s.Base), s.Rate)
		return fromCSigned(sign, rt), true
	}
	c := s.c()
	sign, rt := c.toRunningTimeFull(toC(pos))
	if sign == 0 {
		return ClockTimeNone, false
	}
	return fromCSigned(sign, rt), true
}

// ToRunningTime converts position pos, which must lie in [Start, Stop], to
// running time with the formula of ToRunningTimeFull (Stop itself is
// inside). ok is false, with ClockTimeNone, when pos is outside, when the
// running time would be negative (for example pos in [Start, Start+Offset)
// with a Base too small to absorb it), or when ToRunningTimeFull fails.
//
// Mirrors gst_segment_to_running_time (gst/gstsegment.c:840).
func (s *Segment) ToRunningTime(pos time.Duration) (time.Duration, bool) {
	p, start, stop := toC(pos), toC(s.Start), toC(s.Stop)
	if p == cNone { // -1 in C: past any stop, and refused by the _full conversion
		return ClockTimeNone, false
	}
	if !(s.Rate > 0) { // not "<= 0": a NaN rate takes the backward formula, as in C
		c := s.c()
		rt := c.toRunningTime(p)
		return fromC(rt), rt != cNone
	}
	if p < start || (stop != cNone && p > stop) {
		return ClockTimeNone, false
	}
	if sign, rt := runningTimeForward(p, start, uint64(s.Offset), toC(s.Base), s.Rate); sign == 1 {
		return fromC(rt), rt != cNone
	}
	return ClockTimeNone, false
}

// toStreamTimeFull is gst_segment_to_stream_time_full on guint64 values.
func (c *cSegment) toStreamTimeFull(pos uint64) (int, uint64) {
	if pos == cNone || c.time == cNone {
		return 0, cNone
	}
	if c.appliedRate > 0 {
		return streamTimeForward(pos, c.start, c.time, c.appliedRate)
	}
	if c.stop == cNone {
		return 0, cNone
	}
	ar := math.Abs(c.appliedRate)
	if pos > c.stop {
		return timeLess(c.time, scaleBy(pos-c.stop, ar))
	}
	return 1, scaleBy(c.stop-pos, ar) + c.time
}

// streamTimeForward is toStreamTimeFull for a positive applied rate, on
// the three values it reads (see runningTimeForward).
func streamTimeForward(pos, start, time uint64, appliedRate float64) (int, uint64) {
	if pos > start {
		return 1, scaleBy(pos-start, appliedRate) + time
	}
	return timeLess(time, scaleBy(start-pos, appliedRate))
}

// scaleBy multiplies x by the applied rate's magnitude ar, as C does.
func scaleBy(x uint64, ar float64) uint64 {
	if ar != 1 {
		return mulRate(x, ar)
	}
	return x
}

// timeLess returns time - d as a sign and magnitude.
func timeLess(time, d uint64) (int, uint64) {
	if d > time {
		return -1, d - time
	}
	return 1, time - d
}

// toStreamTime is gst_segment_to_stream_time on guint64 values.
func (c *cSegment) toStreamTime(pos uint64) uint64 {
	if pos < c.start || (c.stop != cNone && pos > c.stop) {
		return cNone
	}
	if sign, st := c.toStreamTimeFull(pos); sign == 1 {
		return st
	}
	return cNone
}

// ToStreamTimeFull converts position pos to stream time, extrapolating
// outside [Start, Stop]; the result is negative before stream time 0.
//
// With AppliedRate > 0:
//
//	stream_time = (pos - Start) * |AppliedRate| + Time
//
// With AppliedRate <= 0 the stream time runs backwards from Stop:
//
//	stream_time = (Stop - pos) * |AppliedRate| + Time
//
// The product is done in float64 and truncated toward zero, on the magnitude
// of the distance, before Time is added or subtracted. Rate plays no part.
//
// ok is false, with ClockTimeNone, when pos or Time is ClockTimeNone, or when
// AppliedRate <= 0 and Stop is ClockTimeNone.
//
// Mirrors gst_segment_to_stream_time_full (gst/gstsegment.c:418).
func (s *Segment) ToStreamTimeFull(pos time.Duration) (time.Duration, bool) {
	c := s.c()
	sign, st := c.toStreamTimeFull(toC(pos))
	if sign == 0 {
		return ClockTimeNone, false
	}
	return fromCSigned(sign, st), true
}

// ToStreamTime converts position pos, which must lie in [Start, Stop], to
// stream time with the formula of ToStreamTimeFull. ok is false, with
// ClockTimeNone, when pos is outside, when the stream time would be
// negative, or when ToStreamTimeFull fails.
//
// Mirrors gst_segment_to_stream_time (gst/gstsegment.c:521).
func (s *Segment) ToStreamTime(pos time.Duration) (time.Duration, bool) {
	p, start, stop, tm := toC(pos), toC(s.Start), toC(s.Stop), toC(s.Time)
	if p == cNone { // as in ToRunningTime
		return ClockTimeNone, false
	}
	if !(s.AppliedRate > 0) || tm == cNone {
		c := s.c()
		st := c.toStreamTime(p)
		return fromC(st), st != cNone
	}
	if p < start || (stop != cNone && p > stop) {
		return ClockTimeNone, false
	}
	if sign, st := streamTimeForward(p, start, tm, s.AppliedRate); sign == 1 {
		return fromC(st), st != cNone
	}
	return ClockTimeNone, false
}

// positionFromStreamTimeFull is gst_segment_position_from_stream_time_full
// on guint64 values.
func (c *cSegment) positionFromStreamTimeFull(st uint64) (int, uint64) {
	if st == cNone || c.time == cNone {
		return 0, cNone
	}
	ar := math.Abs(c.appliedRate)
	if c.appliedRate > 0 {
		sign, d := 1, st-c.time
		if st <= c.time {
			sign, d = -1, c.time-st
		}
		if ar != 1 {
			d = divRate(d, ar)
		}
		if sign > 0 {
			return 1, d + c.start
		}
		if d > c.start {
			return -1, d - c.start
		}
		return 1, c.start - d
	}
	if c.stop == cNone {
		return 0, cNone
	}
	sign, d := 1, st-c.time
	if c.time > st {
		sign, d = -1, c.time-st
	}
	if ar != 1 {
		d = divRate(d, ar)
	}
	switch {
	case sign < 0:
		return 1, d + c.stop
	case c.stop < d:
		return -1, d - c.stop
	default:
		return 1, c.stop - d
	}
}

// PositionFromStreamTimeFull converts stream time st back to a position,
// the inverse of ToStreamTimeFull; the result is negative when the position
// would be before 0.
//
// With AppliedRate > 0:
//
//	pos = (st - Time) / |AppliedRate| + Start
//
// With AppliedRate <= 0:
//
//	pos = Stop - (st - Time) / |AppliedRate|
//
// The division is done in float64 on the magnitude of st - Time and
// truncated toward zero.
//
// ok is false, with ClockTimeNone, when st or Time is ClockTimeNone, or when
// AppliedRate <= 0 and Stop is ClockTimeNone.
//
// Mirrors gst_segment_position_from_stream_time_full (gst/gstsegment.c:576).
func (s *Segment) PositionFromStreamTimeFull(st time.Duration) (time.Duration, bool) {
	c := s.c()
	sign, pos := c.positionFromStreamTimeFull(toC(st))
	if sign == 0 {
		return ClockTimeNone, false
	}
	return fromCSigned(sign, pos), true
}

// PositionFromStreamTime converts stream time st to a position with the
// formula of PositionFromStreamTimeFull. ok is false, with ClockTimeNone,
// when the position is negative or outside [Start, Stop], or when
// PositionFromStreamTimeFull fails.
//
// Mirrors gst_segment_position_from_stream_time (gst/gstsegment.c:674).
func (s *Segment) PositionFromStreamTime(st time.Duration) (time.Duration, bool) {
	c := s.c()
	sign, pos := c.positionFromStreamTimeFull(toC(st))
	if sign != 1 || pos < c.start || (c.stop != cNone && pos > c.stop) {
		return ClockTimeNone, false
	}
	// With Start unset the range checks pass a NONE result through, and C
	// returns NONE, its failure value (gstsegment.c:701).
	return fromC(pos), pos != cNone
}

// positionFromRunningTimeFull is gst_segment_position_from_running_time_full
// on guint64 values, except that Rate <= 0 with an unknown stop fails
// instead of returning a meaningless value.
func (c *cSegment) positionFromRunningTimeFull(rt uint64) (int, uint64) {
	if rt == cNone {
		return 0, cNone
	}
	r := math.Abs(c.rate)
	scale := func(x uint64) uint64 {
		if r != 1 {
			return mulRateCeil(x, r)
		}
		return x
	}
	if c.rate > 0 {
		origin := c.start + c.offset
		if rt >= c.base {
			return 1, scale(rt-c.base) + origin
		}
		d := scale(c.base - rt)
		if origin >= d {
			return 1, origin - d
		}
		return -1, d - origin
	}
	if c.stop == cNone {
		return 0, cNone // C computes 2^64-1 - ... here: garbage
	}
	if rt >= c.base {
		d := scale(rt - c.base)
		if c.stop < d+c.offset {
			return -1, d + c.offset - c.stop
		}
		return 1, c.stop - d - c.offset
	}
	d := scale(c.base - rt)
	if c.stop+d >= c.offset {
		return 1, c.stop + d - c.offset
	}
	return -1, c.offset - d - c.stop
}

// positionFromRunningTime is gst_segment_position_from_running_time on
// guint64 values.
func (c *cSegment) positionFromRunningTime(rt uint64) uint64 {
	sign, pos := c.positionFromRunningTimeFull(rt)
	if sign != 1 || pos < c.start || (c.stop != cNone && pos > c.stop) {
		return cNone
	}
	return pos
}

// PositionFromRunningTimeFull converts running time rt back to a position,
// the inverse of ToRunningTimeFull, extrapolating outside the segment; the
// result is negative when the position would be before 0.
//
// With Rate > 0:
//
//	pos = (rt - Base) * |Rate| + Start + Offset
//
// With Rate < 0 (Stop only; unlike ToRunningTimeFull there is no fallback
// to Start + Duration):
//
//	pos = Stop - Offset - (rt - Base) * |Rate|
//
// The product is done in float64 on the magnitude of rt - Base and rounded
// up with ceil, the opposite rounding to ToRunningTimeFull, so that
// converting the result back gives rt again.
//
// ok is false, with ClockTimeNone, when rt is ClockTimeNone, and when
// Rate <= 0 and Stop is ClockTimeNone. In that last case GStreamer computes
// with Stop = 2^64-1 and returns a meaningless wrapped value (for Base 0 and
// Offset 0: 2^64-1-rt, sign 1); gstmini reports the failure instead.
//
// Mirrors gst_segment_position_from_running_time_full
// (gst/gstsegment.c:1014).
func (s *Segment) PositionFromRunningTimeFull(rt time.Duration) (time.Duration, bool) {
	c := s.c()
	sign, pos := c.positionFromRunningTimeFull(toC(rt))
	if sign == 0 {
		return ClockTimeNone, false
	}
	return fromCSigned(sign, pos), true
}

// PositionFromRunningTime converts running time rt to a position in
// [Start, Stop] with the formula of PositionFromRunningTimeFull. ok is
// false, with ClockTimeNone, when the position is negative or outside
// [Start, Stop], or when PositionFromRunningTimeFull fails (including
// Rate <= 0 with Stop ClockTimeNone, see there).
//
// Mirrors gst_segment_position_from_running_time (gst/gstsegment.c:952).
func (s *Segment) PositionFromRunningTime(rt time.Duration) (time.Duration, bool) {
	c := s.c()
	pos := c.positionFromRunningTime(toC(rt))
	return fromC(pos), pos != cNone
}

// Clip clips the range [start, stop] of a buffer to the segment. Either end
// may be ClockTimeNone (unknown). ok reports whether the range overlaps the
// segment; the test is half-open, except that a zero-length range at Start
// is inside and a zero-length segment contains its own Start. The range is
// outside when
//
//	Stop != NONE && start != NONE && (start > Stop || (Start != Stop && start == Stop))
//	stop != NONE && (stop < Start || (start != stop && stop == Start))
//
// Otherwise cstart is start raised to Start (ClockTimeNone if start is), and
// cstop is stop lowered to Stop; an unknown stop gives Stop, which may be
// ClockTimeNone itself.
//
// When ok is false GStreamer leaves its output arguments untouched; gstmini
// returns (ClockTimeNone, ClockTimeNone, false).
//
// Mirrors gst_segment_clip (gst/gstsegment.c:896).
func (s *Segment) Clip(start, stop time.Duration) (cstart, cstop time.Duration, ok bool) {
	c := struct{ start, stop uint64 }{toC(s.Start), toC(s.Stop)} // all Clip reads
	cs, ce := toC(start), toC(stop)
	if c.stop != cNone && cs != cNone && (cs > c.stop || (c.start != c.stop && cs == c.stop)) {
		return ClockTimeNone, ClockTimeNone, false
	}
	if ce != cNone && (ce < c.start || (cs != ce && ce == c.start)) {
		return ClockTimeNone, ClockTimeNone, false
	}
	outStart := uint64(cNone)
	if cs != cNone {
		outStart = max(cs, c.start)
	}
	var outStop uint64
	switch {
	case ce == cNone:
		outStop = c.stop
	case c.stop == cNone:
		outStop = ce
	default:
		outStop = min(ce, c.stop)
	}
	return fromC(outStart), fromC(outStop), true
}

// DoSeek applies a seek to the segment and reports whether the position
// moved (update), as an element handling a SEEK event does before pushing
// the new segment.
//
// The new start and stop are resolved from the seek types:
//
//   - start: SeekTypeNone keeps Start; SeekTypeSet uses start (ClockTimeNone
//     means 0); SeekTypeEnd uses Duration + start, or keeps Start when
//     Duration is unknown. The result is then lowered to Duration if known,
//     else raised to 0.
//   - stop: SeekTypeNone keeps Stop; SeekTypeSet uses stop (ClockTimeNone
//     means "no stop"); SeekTypeEnd uses Duration + stop, or keeps Stop when
//     Duration is unknown. A known result is clamped to [0, Duration], or
//     raised to 0 without a Duration.
//
// "Keeps" also means "not updated" for the position rule below. Unknown
// seek types take the value as given, as C's switch without default does.
//
// Base becomes 0 for a flushing seek (SeekFlagFlush). Otherwise Position is
// first clamped to the old [Start, Stop] and Base becomes the old segment's
// ToRunningTime of it, so running time continues across the seek; that is
// ClockTimeNone when the position has no running time (GStreamer also logs a
// critical when Rate < 0 and Stop and Duration are unknown; gstmini does not).
//
// The new Position is the new start when Rate > 0 and start was updated; when
// Rate < 0 and stop was updated it is the new stop, else Duration, else 0.
// Otherwise it is the old Position (clamped if not flushing). update is
// Position != old Position.
//
// Then Flags becomes SegmentFlagReset for SeekFlagFlush plus the trick-mode
// and segment flags of flags (KEY_UNIT, ACCURATE and SNAP are dropped);
// Rate = rate, AppliedRate = 1, Start = Time = start, Stop = stop, and Offset
// = Position - Start when rate > 0; when rate < 0 Offset = Stop - Position,
// or Duration - Position when Stop is unknown, or 0. Duration is kept.
//
// On error the segment is unchanged and update is false. Errors, each a
// FALSE return in GStreamer:
//   - rate is 0 (a g_critical in C);
//   - format is not s.Format (a g_critical in C);
//   - flags has SeekFlagInstantRateChange: such seeks must be handled by the
//     element, not by DoSeek (C returns FALSE silently);
//   - the resolved start is after the resolved stop (a g_critical in C).
//
// Mirrors gst_segment_do_seek (gst/gstsegment.c:232).
func (s *Segment) DoSeek(rate float64, format Format, flags SeekFlags,
	startType SeekType, start time.Duration,
	stopType SeekType, stop time.Duration) (update bool, err error) {
	if rate == 0 {
		return false, fmt.Errorf("gstmini: seek: rate must not be 0")
	}
	if format != s.Format {
		return false, fmt.Errorf("gstmini: seek: seek format %v does not match segment format %v", format, s.Format)
	}
	if flags&SeekFlagInstantRateChange != 0 {
		return false, fmt.Errorf("gstmini: seek: flags %v: instant-rate-change seeks must be handled by the element, not DoSeek", flags)
	}

	c := s.c()
	cstart, cstop := toC(start), toC(stop)
	updateStart, updateStop := true, true

	switch startType {
	case SeekTypeNone:
		cstart, updateStart = c.start, false
	case SeekTypeSet:
		if cstart == cNone {
			cstart = 0
		}
	case SeekTypeEnd:
		if c.duration != cNone {
			cstart = c.duration + cstart
		} else {
			cstart, updateStart = c.start, false
		}
	}
	if c.duration != cNone {
		cstart = min(cstart, c.duration) // unsigned: a negative sum is huge
	} else {
		cstart = uint64(max(int64(cstart), 0))
	}

	switch stopType {
	case SeekTypeNone:
		cstop, updateStop = c.stop, false
	case SeekTypeSet:
	case SeekTypeEnd:
		if c.duration != cNone {
			cstop = c.duration + cstop
		} else {
			cstop, updateStop = c.stop, false
		}
	}
	if cstop != cNone {
		if c.duration != cNone {
			cstop = uint64(clampInt64(int64(cstop), 0, int64(c.duration)))
		} else {
			cstop = uint64(max(int64(cstop), 0))
		}
	}

	if cstop != cNone && cstart > cstop {
		return false, fmt.Errorf("gstmini: seek: start %s is after stop %s (seek %v %s, %v %s)",
			s.valueString(fromC(cstart)), s.valueString(fromC(cstop)),
			startType, s.valueString(start), stopType, s.valueString(stop))
	}

	position := c.position
	var base uint64
	if flags&SeekFlagFlush == 0 {
		position = clampUint64(position, c.start, c.stop)
		base = c.toRunningTime(position)
	}
	if updateStart && rate > 0 {
		position = cstart
	}
	if updateStop && rate < 0 {
		switch {
		case cstop != cNone:
			position = cstop
		case c.duration != cNone:
			position = c.duration
		default:
			position = 0
		}
	}
	update = position != c.position

	s.Flags = seekToSegmentFlags(flags)
	s.Rate = rate
	s.AppliedRate = 1
	s.Base = fromC(base)
	var offset uint64
	switch {
	case rate > 0:
		offset = position - cstart
	case cstop != cNone:
		offset = cstop - position
	case c.duration != cNone:
		offset = c.duration - position
	}
	s.Offset = time.Duration(offset)
	s.Start = fromC(cstart)
	s.Stop = fromC(cstop)
	s.Time = fromC(cstart)
	s.Position = fromC(position)
	return update, nil
}

// seekToSegmentFlags keeps the seek flags that have a segment counterpart.
func seekToSegmentFlags(flags SeekFlags) SegmentFlags {
	var f SegmentFlags
	if flags&SeekFlagFlush != 0 {
		f |= SegmentFlagReset
	}
	for _, m := range []struct {
		seek SeekFlags
		seg  SegmentFlags
	}{
		{SeekFlagTrickmode, SegmentFlagTrickmode},
		{SeekFlagSegment, SegmentFlagSegment},
		{SeekFlagTrickmodeKeyUnits, SegmentFlagTrickmodeKeyUnits},
		{SeekFlagTrickmodeNoAudio, SegmentFlagTrickmodeNoAudio},
		{SeekFlagTrickmodeForwardPredicted, SegmentFlagTrickmodeForwardPredicted},
	} {
		if flags&m.seek != 0 {
			f |= m.seg
		}
	}
	return f
}

// clampInt64 is GLib's CLAMP(x, lo, hi): the upper bound is tested first.
func clampInt64(x, lo, hi int64) int64 {
	if x > hi {
		return hi
	}
	if x < lo {
		return lo
	}
	return x
}

// clampUint64 is GLib's CLAMP(x, lo, hi) on guint64 values.
func clampUint64(x, lo, hi uint64) uint64 {
	if x > hi {
		return hi
	}
	if x < lo {
		return lo
	}
	return x
}

// SetRunningTime moves the segment so that the next valid position is the
// one with running time rt: the position p = PositionFromRunningTime(rt)
// becomes Start (Stop when Rate <= 0), Time becomes the stream time of the
// new Start computed on the segment as it was (ToStreamTime; it may be
// ClockTimeNone), and Base becomes rt. Offset is left alone.
//
// It returns false, changing nothing, when rt is ClockTimeNone or has no
// position inside the segment.
//
// Mirrors gst_segment_set_running_time (gst/gstsegment.c:1134).
func (s *Segment) SetRunningTime(rt time.Duration) bool {
	c := s.c()
	crt := toC(rt)
	pos := c.positionFromRunningTime(crt)
	if pos == cNone {
		return false
	}
	start, stop := c.start, c.stop
	if c.rate > 0 {
		start = pos
	} else {
		stop = pos
	}
	s.Time = fromC(c.toStreamTime(start))
	s.Start = fromC(start)
	s.Stop = fromC(stop)
	s.Base = fromC(crt)
	return true
}

// OffsetRunningTime shifts all future running times by offset, which may be
// negative. A positive offset is added to Base. A negative one is taken from
// Base while Base is larger than its magnitude; otherwise Base becomes 0 and
// the remainder rem = |offset| - Base is moved into the segment:
//
//	Offset = PositionFromRunningTime(rem) - Start   (computed with Base 0)
//
// It returns false when that position does not exist (rem is past Stop, or
// Rate <= 0 with Stop unknown); as in GStreamer, Base has then already been
// set to 0.
//
// Mirrors gst_segment_offset_running_time (gst/gstsegment.c:1182).
func (s *Segment) OffsetRunningTime(offset time.Duration) bool {
	if offset == 0 {
		return true
	}
	base := toC(s.Base)
	if offset > 0 {
		s.Base = fromC(base + uint64(offset))
		return true
	}
	rem := uint64(-offset)
	if base > rem {
		s.Base = fromC(base - rem)
		return true
	}
	rem -= base
	s.Base = 0
	c := s.c()
	pos := c.positionFromRunningTime(rem)
	if pos == cNone {
		return false
	}
	s.Offset = time.Duration(pos - c.start)
	return true
}

// valueString formats v as GST_SEGMENT_FORMAT prints a field of a segment
// in s's format: TimeString for TIME, a signed integer (-1 for
// ClockTimeNone) otherwise.
func (s *Segment) valueString(v time.Duration) string {
	if s.Format == FormatTime {
		return TimeString(v)
	}
	if v == ClockTimeNone {
		return "-1"
	}
	return fmt.Sprint(int64(v))
}

// String describes the segment as GStreamer's GST_SEGMENT_FORMAT does, for
// example
//
//	time segment start=0:00:00.000000000, offset=0:00:00.000000000, stop=99:99:99.999999999, rate=1.000000, applied_rate=1.000000, flags=0x00, time=0:00:00.000000000, base=0:00:00.000000000, position 0:00:00.000000000, duration 99:99:99.999999999
//
// Times use TimeString, so a negative Offset prints with a '-' where
// GStreamer prints the wrapped unsigned value. Other formats print plain
// integers; FormatUndefined prints "UNDEFINED segment".
//
// Mirrors gst_debug_print_segment (gst/gstinfo.c:1165).
func (s *Segment) String() string {
	var name string
	switch s.Format {
	case FormatUndefined:
		return "UNDEFINED segment"
	case FormatDefault, FormatBytes, FormatTime, FormatBuffers, FormatPercent:
		name = s.Format.String()
	default:
		name = "(UNKNOWN FORMAT)"
	}
	return fmt.Sprintf("%s segment start=%s, offset=%s, stop=%s, rate=%f, applied_rate=%f, flags=0x%02x, time=%s, base=%s, position %s, duration %s",
		name, s.valueString(s.Start), s.valueString(s.Offset), s.valueString(s.Stop),
		s.Rate, s.AppliedRate, uint32(s.Flags), s.valueString(s.Time),
		s.valueString(s.Base), s.valueString(s.Position), s.valueString(s.Duration))
}
