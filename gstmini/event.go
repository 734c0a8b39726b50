package gstmini

import (
	"fmt"
	"sync/atomic"
	"time"
)

// EventType identifies an event and carries its flags in the low bits, with
// GStreamer's numbering: the number (type >> 8) also gives the order in
// which sticky events must reach a pad (GST_EVENT_MAKE_TYPE, gst/gstevent.h).
type EventType uint32

// Event type flags (GstEventTypeFlags).
const (
	eventFlagUpstream    = 1 << 0
	eventFlagDownstream  = 1 << 1
	eventFlagSerialized  = 1 << 2
	eventFlagSticky      = 1 << 3
	eventFlagStickyMulti = 1 << 4
	eventBoth            = eventFlagUpstream | eventFlagDownstream
	eventDownSerial      = eventFlagDownstream | eventFlagSerialized
)

// Event types, numbered as GST_EVENT_MAKE_TYPE(num, flags) numbers them.
const (
	EventFlushStart       EventType = 10<<8 | eventBoth
	EventFlushStop        EventType = 20<<8 | eventBoth | eventFlagSerialized
	EventStreamStart      EventType = 40<<8 | eventDownSerial | eventFlagSticky
	EventCaps             EventType = 50<<8 | eventDownSerial | eventFlagSticky
	EventSegment          EventType = 70<<8 | eventDownSerial | eventFlagSticky
	EventTag              EventType = 80<<8 | eventDownSerial | eventFlagSticky | eventFlagStickyMulti
	EventStreamGroupDone  EventType = 105<<8 | eventDownSerial | eventFlagSticky
	EventEOS              EventType = 110<<8 | eventDownSerial | eventFlagSticky
	EventSegmentDone      EventType = 150<<8 | eventDownSerial
	EventGap              EventType = 160<<8 | eventDownSerial
	EventQOS              EventType = 190<<8 | eventFlagUpstream
	EventSeek             EventType = 200<<8 | eventFlagUpstream
	EventLatency          EventType = 220<<8 | eventFlagUpstream
	EventReconfigure      EventType = 240<<8 | eventFlagUpstream
	EventCustomUpstream   EventType = 270<<8 | eventFlagUpstream
	EventCustomDownstream EventType = 320<<8 | eventDownSerial
	EventCustomDownOOB    EventType = 330<<8 | eventFlagDownstream
	EventCustomBoth       EventType = 340<<8 | eventBoth | eventFlagSerialized
)

// IsUpstream reports whether the event travels from sinks towards sources.
func (t EventType) IsUpstream() bool { return t&eventFlagUpstream != 0 }

// IsDownstream reports whether the event travels from sources towards sinks.
func (t EventType) IsDownstream() bool { return t&eventFlagDownstream != 0 }

// IsSerialized reports whether the event travels in order with buffers, under
// the receiving pad's stream lock.
func (t EventType) IsSerialized() bool { return t&eventFlagSerialized != 0 }

// IsSticky reports whether pads store the event and resend it to new peers
// before any later data (stream-start, caps, segment, tag, EOS).
func (t EventType) IsSticky() bool { return t&eventFlagSticky != 0 }

func (t EventType) stickyOrder() uint32 { return uint32(t) >> 8 }

// String returns GStreamer's name for the type (gst_event_type_get_name).
func (t EventType) String() string {
	switch t {
	case EventFlushStart:
		return "flush-start"
	case EventFlushStop:
		return "flush-stop"
	case EventStreamStart:
		return "stream-start"
	case EventCaps:
		return "caps"
	case EventSegment:
		return "segment"
	case EventTag:
		return "tag"
	case EventStreamGroupDone:
		return "stream-group-done"
	case EventEOS:
		return "eos"
	case EventSegmentDone:
		return "segment-done"
	case EventGap:
		return "gap"
	case EventQOS:
		return "qos"
	case EventSeek:
		return "seek"
	case EventLatency:
		return "latency"
	case EventReconfigure:
		return "reconfigure"
	case EventCustomUpstream:
		return "custom-upstream"
	case EventCustomDownstream:
		return "custom-downstream"
	case EventCustomDownOOB:
		return "custom-downstream-oob"
	case EventCustomBoth:
		return "custom-both"
	}
	return fmt.Sprintf("event-type-%d", uint32(t)>>8)
}

// QOSType says why a sink sends a QOS event upstream (GstQOSType).
type QOSType int

// QoS types.
const (
	QOSOverflow  QOSType = iota // the sink receives data faster than it renders it (buffers early)
	QOSUnderflow                // data arrives too late: upstream should skip work
	QOSThrottle                 // the sink asks upstream to limit its rate
)

// String returns GStreamer's nick for q.
func (q QOSType) String() string {
	switch q {
	case QOSOverflow:
		return "overflow"
	case QOSUnderflow:
		return "underflow"
	case QOSThrottle:
		return "throttle"
	}
	return "unknown"
}

// Fraction is a rational number such as a frame rate (GST_TYPE_FRACTION).
type Fraction struct{ Num, Den int }

// String formats f as "30/1".
func (f Fraction) String() string { return fmt.Sprintf("%d/%d", f.Num, f.Den) }

// Caps describe the format of a stream (GstCaps), reduced to what gstmini
// needs: a media type and a frame rate.
type Caps struct {
	MediaType string   // for example "video/x-raw"
	Framerate Fraction // frames per second; 0/1 for variable or unknown
}

// String formats caps as GStreamer serialises them.
func (c Caps) String() string {
	return fmt.Sprintf("%s, framerate=(fraction)%s", c.MediaType, c.Framerate)
}

var seqnumCounter atomic.Uint32

// NextSeqnum returns a new sequence number that relates events and messages
// to one another (gst_util_seqnum_next).
func NextSeqnum() uint32 { return seqnumCounter.Add(1) }

// An Event is a control message travelling through the pads of a pipeline
// alongside buffers (GstEvent). Create it with one of the NewXxxEvent
// functions. Events are immutable once created: pads share them between
// sticky stores and peers without copying.
type Event struct {
	typ    EventType
	seqnum uint32

	segment   *Segment
	streamID  string
	caps      Caps
	timestamp time.Duration
	duration  time.Duration
	resetTime bool
	latency   time.Duration
	qos       qosFields
	seek      seekFields
	format    Format // segment-done
	position  time.Duration
	name      string
	fields    map[string]any
}

type qosFields struct {
	typ        QOSType
	proportion float64
	diff       time.Duration
	timestamp  time.Duration
}

type seekFields struct {
	rate                float64
	format              Format
	flags               SeekFlags
	startType, stopType SeekType
	start, stop         time.Duration
}

func newEvent(t EventType) *Event { return &Event{typ: t, seqnum: NextSeqnum()} }

// Type returns the event's type.
func (e *Event) Type() EventType { return e.typ }

// Seqnum returns the event's sequence number.
func (e *Event) Seqnum() uint32 { return e.seqnum }

// WithSeqnum returns a copy of e with sequence number n, for elements that
// relay an event they have rewritten (gst_event_set_seqnum).
func (e *Event) WithSeqnum(n uint32) *Event {
	c := *e
	c.seqnum = n
	return &c
}

// NewStreamStartEvent starts a new stream with the given id
// (gst_event_new_stream_start).
func NewStreamStartEvent(streamID string) *Event {
	e := newEvent(EventStreamStart)
	e.streamID = streamID
	return e
}

// StreamID returns the id of a stream-start event.
func (e *Event) StreamID() string { return e.streamID }

// NewCapsEvent announces the format of the data that follows (gst_event_new_caps).
func NewCapsEvent(c Caps) *Event {
	e := newEvent(EventCaps)
	e.caps = c
	return e
}

// Caps returns the caps of a caps event.
func (e *Event) Caps() Caps { return e.caps }

// NewSegmentEvent announces the segment of the buffers that follow: how
// their timestamps map to running time (gst_event_new_segment). The event
// keeps its own copy of seg.
func NewSegmentEvent(seg *Segment) *Event {
	e := newEvent(EventSegment)
	e.segment = seg.Copy()
	return e
}

// Segment returns a copy of the segment of a segment event
// (gst_event_copy_segment), or nil for other events.
func (e *Event) Segment() *Segment {
	if e.segment == nil {
		return nil
	}
	return e.segment.Copy()
}

// NewEOSEvent announces that no more data follows (gst_event_new_eos).
// Sinks post an EOS message on the bus once it has been rendered in time.
func NewEOSEvent() *Event { return newEvent(EventEOS) }

// NewSegmentDoneEvent marks the end of a segment played with
// SeekFlagSegment: the data up to position has been sent, and the stream
// goes on with whatever the application seeks to next, instead of EOS
// (gst_event_new_segment_done).
func NewSegmentDoneEvent(format Format, position time.Duration) *Event {
	e := newEvent(EventSegmentDone)
	e.format, e.position = format, position
	return e
}

// SegmentDone returns the format and position of a segment-done event.
func (e *Event) SegmentDone() (Format, time.Duration) { return e.format, e.position }

// NewGapEvent says there is no data from timestamp for duration, so
// downstream can advance without waiting (gst_event_new_gap).
func NewGapEvent(timestamp, duration time.Duration) *Event {
	e := newEvent(EventGap)
	e.timestamp, e.duration = timestamp, duration
	return e
}

// Gap returns the timestamp and duration of a gap event.
func (e *Event) Gap() (timestamp, duration time.Duration) { return e.timestamp, e.duration }

// NewFlushStartEvent makes every pad it reaches refuse data with
// FlowFlushing and unblocks waits, out of band (gst_event_new_flush_start).
func NewFlushStartEvent() *Event { return newEvent(EventFlushStart) }

// NewFlushStopEvent ends a flush: pads accept data again and drop their
// sticky segment and EOS. With resetTime the pipeline's running time restarts
// at 0 (gst_event_new_flush_stop).
func NewFlushStopEvent(resetTime bool) *Event {
	e := newEvent(EventFlushStop)
	e.resetTime = resetTime
	return e
}

// ResetTime reports whether a flush-stop event resets running time.
func (e *Event) ResetTime() bool { return e.resetTime }

// NewLatencyEvent tells sinks the pipeline latency to add to every buffer's
// sync time (gst_event_new_latency).
func NewLatencyEvent(latency time.Duration) *Event {
	e := newEvent(EventLatency)
	e.latency = latency
	return e
}

// Latency returns the latency of a latency event.
func (e *Event) Latency() time.Duration { return e.latency }

// NewQOSEvent reports, upstream, how late a sink renders: diff is the jitter
// of the buffer with running time timestamp (positive when late), proportion
// the long-term rate estimate (gst_event_new_qos).
func NewQOSEvent(typ QOSType, proportion float64, diff, timestamp time.Duration) *Event {
	e := newEvent(EventQOS)
	e.qos = qosFields{typ, proportion, diff, timestamp}
	return e
}

// QOS returns the fields of a QoS event.
func (e *Event) QOS() (typ QOSType, proportion float64, diff, timestamp time.Duration) {
	return e.qos.typ, e.qos.proportion, e.qos.diff, e.qos.timestamp
}

// NewSeekEvent asks for playback from start to stop at rate
// (gst_event_new_seek). It travels upstream, or is sent to a pipeline.
func NewSeekEvent(rate float64, format Format, flags SeekFlags, startType SeekType, start time.Duration, stopType SeekType, stop time.Duration) *Event {
	e := newEvent(EventSeek)
	e.seek = seekFields{rate, format, flags, startType, stopType, start, stop}
	return e
}

// Seek returns the fields of a seek event.
func (e *Event) Seek() (rate float64, format Format, flags SeekFlags, startType SeekType, start time.Duration, stopType SeekType, stop time.Duration) {
	s := e.seek
	return s.rate, s.format, s.flags, s.startType, s.start, s.stopType, s.stop
}

// NewCustomEvent returns an application event of type t (one of the
// EventCustomXxx types) with a name and fields (gst_event_new_custom).
func NewCustomEvent(t EventType, name string, fields map[string]any) *Event {
	e := newEvent(t)
	e.name, e.fields = name, fields
	return e
}

// Name returns the structure name of a custom event.
func (e *Event) Name() string { return e.name }

// Field returns a field of a custom event.
func (e *Event) Field(key string) (any, bool) {
	v, ok := e.fields[key]
	return v, ok
}

// valueString prints a segment-done position in its format.
func (e *Event) valueString() string {
	if e.format == FormatTime {
		return TimeString(e.position)
	}
	return fmt.Sprint(int64(e.position))
}

// String describes the event as GStreamer's debug log does.
func (e *Event) String() string {
	switch e.typ {
	case EventSegment:
		return "segment: " + e.segment.String()
	case EventStreamStart:
		return "stream-start: " + e.streamID
	case EventCaps:
		return "caps: " + e.caps.String()
	case EventGap:
		return fmt.Sprintf("gap: timestamp %s, duration %s", TimeString(e.timestamp), TimeString(e.duration))
	case EventLatency:
		return "latency: " + TimeString(e.latency)
	case EventFlushStop:
		return fmt.Sprintf("flush-stop: reset-time %t", e.resetTime)
	case EventSegmentDone:
		return fmt.Sprintf("segment-done: %s %s", e.format, e.valueString())
	case EventSeek:
		k := e.seek
		return fmt.Sprintf("seek: rate %g, %s, flags %s, start %s %s, stop %s %s", k.rate, k.format, k.flags,
			k.startType, TimeString(k.start), k.stopType, TimeString(k.stop))
	case EventQOS:
		return fmt.Sprintf("qos: %s, proportion %g, diff %s, timestamp %s", e.qos.typ, e.qos.proportion, e.qos.diff, TimeString(e.qos.timestamp))
	}
	if e.name != "" {
		return e.typ.String() + ": " + e.name
	}
	return e.typ.String()
}
