package gstmini

import (
	"fmt"
	"strings"
	"time"
)

// MessageType identifies a bus message (GstMessageType); the values are
// GStreamer's bits, so types combine into masks for Bus.PopFiltered.
type MessageType uint32

// Message types.
const (
	MessageEOS          MessageType = 1 << 0  // every sink has rendered EOS
	MessageError        MessageType = 1 << 1  // a fatal error: the pipeline must stop
	MessageWarning      MessageType = 1 << 2  // something went wrong, data still flows
	MessageInfo         MessageType = 1 << 3  // information
	MessageStateChanged MessageType = 1 << 6  // an element changed state
	MessageNewClock     MessageType = 1 << 11 // the pipeline selected a clock
	MessageStreamStatus MessageType = 1 << 13 // a streaming thread was created, entered or left
	MessageApplication  MessageType = 1 << 14 // an application message
	MessageElement      MessageType = 1 << 15 // an element-specific message (a queue's overrun, an upload, ...)
	MessageSegmentStart MessageType = 1 << 16 // a source started a segment seek (internal to bins)
	MessageSegmentDone  MessageType = 1 << 17 // a segment seek has played to its end: seek again, or stop
	MessageLatency      MessageType = 1 << 19 // latency changed: the pipeline must recalculate it
	MessageAsyncStart   MessageType = 1 << 20 // an element began an async state change (internal to bins)
	MessageAsyncDone    MessageType = 1 << 21 // an async state change finished
	MessageQOS          MessageType = 1 << 24 // a buffer was dropped or rendered late
	MessageResetTime    MessageType = 1 << 27 // running time restarts (after a flushing seek)
	MessageStreamStart  MessageType = 1 << 28 // the first buffer of a new stream reached the sinks
	MessageAny          MessageType = ^MessageType(0)
)

// String returns GStreamer's name for a single message type.
func (t MessageType) String() string {
	switch t {
	case MessageEOS:
		return "eos"
	case MessageError:
		return "error"
	case MessageWarning:
		return "warning"
	case MessageInfo:
		return "info"
	case MessageStateChanged:
		return "state-changed"
	case MessageNewClock:
		return "new-clock"
	case MessageStreamStatus:
		return "stream-status"
	case MessageApplication:
		return "application"
	case MessageElement:
		return "element"
	case MessageLatency:
		return "latency"
	case MessageAsyncStart:
		return "async-start"
	case MessageAsyncDone:
		return "async-done"
	case MessageQOS:
		return "qos"
	case MessageResetTime:
		return "reset-time"
	case MessageSegmentStart:
		return "segment-start"
	case MessageSegmentDone:
		return "segment-done"
	case MessageStreamStart:
		return "stream-start"
	}
	return fmt.Sprintf("message-type-%#x", uint32(t))
}

// QOSValues are the values of a QoS message (gst_message_new_qos and
// gst_message_set_qos_values / _stats).
type QOSValues struct {
	Live        bool          // the pipeline is live
	RunningTime time.Duration // running time of the buffer
	StreamTime  time.Duration // stream time of the buffer
	Timestamp   time.Duration // PTS of the buffer
	Duration    time.Duration // duration of the buffer
	Jitter      time.Duration // how late the buffer was: positive when late
	Proportion  float64       // long-term rate estimate, -1 until known
	Quality     int           // 1000000 means full quality
	Processed   uint64        // buffers rendered so far
	Dropped     uint64        // buffers dropped so far
}

// A Message is a notification posted on a Bus by an element for the
// application (GstMessage). Create it with a NewXxxMessage function; it is
// not changed once posted. The fields that apply depend on Type.
type Message struct {
	Type   MessageType
	Src    Element // the element that posted it, or nil
	Seqnum uint32

	// MessageError, MessageWarning, MessageInfo.
	Err   error
	Debug string

	// MessageStateChanged.
	OldState, NewState, PendingState State

	// MessageAsyncDone and MessageResetTime: the running time to restart at,
	// or ClockTimeNone.
	RunningTime time.Duration

	// MessageQOS.
	QOS QOSValues

	// MessageElement and MessageApplication: a structure name and fields.
	Name   string
	Fields map[string]any

	// MessageNewClock.
	Clock Clock

	// MessageSegmentStart and MessageSegmentDone: where the segment
	// starts or ended, in Format.
	Format   Format
	Position time.Duration
}

func newMessage(t MessageType, src Element) *Message {
	return &Message{Type: t, Src: src, Seqnum: NextSeqnum(), RunningTime: ClockTimeNone}
}

// SrcName returns the name of the element that posted m, or "" if none.
func (m *Message) SrcName() string {
	if m.Src == nil {
		return ""
	}
	return m.Src.Base().Name()
}

// NewEOSMessage says src has rendered end of stream (gst_message_new_eos).
func NewEOSMessage(src Element) *Message { return newMessage(MessageEOS, src) }

// NewErrorMessage reports a fatal error in src (gst_message_new_error).
func NewErrorMessage(src Element, err error, debug string) *Message {
	m := newMessage(MessageError, src)
	m.Err, m.Debug = err, debug
	return m
}

// NewWarningMessage reports a problem in src that does not stop the data
// flow (gst_message_new_warning).
func NewWarningMessage(src Element, err error, debug string) *Message {
	m := newMessage(MessageWarning, src)
	m.Err, m.Debug = err, debug
	return m
}

// NewInfoMessage reports information from src (gst_message_new_info).
func NewInfoMessage(src Element, err error, debug string) *Message {
	m := newMessage(MessageInfo, src)
	m.Err, m.Debug = err, debug
	return m
}

// NewStateChangedMessage says src went from oldState to newState, with
// pending still to reach (gst_message_new_state_changed).
func NewStateChangedMessage(src Element, oldState, newState, pending State) *Message {
	m := newMessage(MessageStateChanged, src)
	m.OldState, m.NewState, m.PendingState = oldState, newState, pending
	return m
}

// NewAsyncStartMessage says src began an async state change.
func NewAsyncStartMessage(src Element) *Message { return newMessage(MessageAsyncStart, src) }

// NewAsyncDoneMessage says src finished its async state change; runningTime
// is ClockTimeNone, or the running time a flushing seek restarts at.
func NewAsyncDoneMessage(src Element, runningTime time.Duration) *Message {
	m := newMessage(MessageAsyncDone, src)
	m.RunningTime = runningTime
	return m
}

// NewResetTimeMessage asks the pipeline to restart running time at
// runningTime (gst_message_new_reset_time), as a sink does after a flush.
func NewResetTimeMessage(src Element, runningTime time.Duration) *Message {
	m := newMessage(MessageResetTime, src)
	m.RunningTime = runningTime
	return m
}

// NewSegmentStartMessage says src began playing a segment seek at position
// (gst_message_new_segment_start). Bins keep it to themselves and post
// SEGMENT_DONE once every source that started one has finished it.
func NewSegmentStartMessage(src Element, format Format, position time.Duration) *Message {
	m := newMessage(MessageSegmentStart, src)
	m.Format, m.Position = format, position
	return m
}

// NewSegmentDoneMessage says src has played a segment seek up to position
// (gst_message_new_segment_done): the application seeks again, with
// SeekFlagSegment and without a flush, to loop without a gap.
func NewSegmentDoneMessage(src Element, format Format, position time.Duration) *Message {
	m := newMessage(MessageSegmentDone, src)
	m.Format, m.Position = format, position
	return m
}

// NewLatencyMessage says src's latency changed (gst_message_new_latency).
func NewLatencyMessage(src Element) *Message { return newMessage(MessageLatency, src) }

// NewNewClockMessage says the pipeline selected clock c.
func NewNewClockMessage(src Element, c Clock) *Message {
	m := newMessage(MessageNewClock, src)
	m.Clock = c
	return m
}

// NewStreamStartMessage says the first data of a stream reached the sinks.
func NewStreamStartMessage(src Element) *Message { return newMessage(MessageStreamStart, src) }

// NewQOSMessage reports a dropped or late buffer (gst_message_new_qos).
func NewQOSMessage(src Element, v QOSValues) *Message {
	m := newMessage(MessageQOS, src)
	m.QOS = v
	return m
}

// NewElementMessage is an element-specific notification with a structure
// name and fields (gst_message_new_element).
func NewElementMessage(src Element, name string, fields map[string]any) *Message {
	m := newMessage(MessageElement, src)
	m.Name, m.Fields = name, fields
	return m
}

// NewApplicationMessage is a message the application posts for itself.
func NewApplicationMessage(src Element, name string, fields map[string]any) *Message {
	m := newMessage(MessageApplication, src)
	m.Name, m.Fields = name, fields
	return m
}

// String describes the message as gst-launch-1.0 prints it.
func (m *Message) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s from %q", m.Type, m.SrcName())
	switch m.Type {
	case MessageError, MessageWarning, MessageInfo:
		fmt.Fprintf(&b, ": %v", m.Err)
		if m.Debug != "" {
			fmt.Fprintf(&b, " (%s)", m.Debug)
		}
	case MessageStateChanged:
		fmt.Fprintf(&b, ": %s -> %s (pending %s)", m.OldState, m.NewState, m.PendingState)
	case MessageQOS:
		fmt.Fprintf(&b, ": running-time %s, jitter %s, dropped %d", TimeString(m.QOS.RunningTime), m.QOS.Jitter, m.QOS.Dropped)
	case MessageElement, MessageApplication:
		fmt.Fprintf(&b, ": %s %v", m.Name, m.Fields)
	}
	return b.String()
}
