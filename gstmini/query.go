package gstmini

import (
	"fmt"
	"time"
)

// QueryType identifies a query (GstQueryType).
type QueryType int

// Query types gstmini answers.
const (
	QueryPosition QueryType = iota + 1 // where playback is, in a format
	QueryDuration                      // how long the stream is, in a format
	QueryLatency                       // the latency a pipeline must add before rendering
)

// String returns GStreamer's nick for t.
func (t QueryType) String() string {
	switch t {
	case QueryPosition:
		return "position"
	case QueryDuration:
		return "duration"
	case QueryLatency:
		return "latency"
	}
	return fmt.Sprintf("query-type-%d", int(t))
}

// A Query asks pads for information and carries the answer back (GstQuery).
// Create it with NewLatencyQuery, NewPositionQuery or NewDurationQuery; the
// element that answers fills it in with the Set methods.
type Query struct {
	typ QueryType

	live     bool
	min, max time.Duration

	format Format
	value  time.Duration
}

// NewLatencyQuery asks for the latency upstream of a pad
// (gst_query_new_latency). An answer says whether upstream is live and the
// minimum and maximum latency it introduces (max ClockTimeNone: unbounded).
func NewLatencyQuery() *Query {
	return &Query{typ: QueryLatency, max: ClockTimeNone}
}

// NewPositionQuery asks for the current position in format f.
func NewPositionQuery(f Format) *Query {
	return &Query{typ: QueryPosition, format: f, value: -1}
}

// NewDurationQuery asks for the duration in format f.
func NewDurationQuery(f Format) *Query {
	return &Query{typ: QueryDuration, format: f, value: -1}
}

// Type returns the query's type.
func (q *Query) Type() QueryType { return q.typ }

// Latency returns the answer to a latency query (gst_query_parse_latency).
func (q *Query) Latency() (live bool, min, max time.Duration) { return q.live, q.min, q.max }

// SetLatency answers a latency query (gst_query_set_latency).
func (q *Query) SetLatency(live bool, min, max time.Duration) { q.live, q.min, q.max = live, min, max }

// Format returns the format a position or duration query asks about.
func (q *Query) Format() Format { return q.format }

// Value returns the answer to a position or duration query, or -1 if unanswered.
func (q *Query) Value() time.Duration { return q.value }

// SetValue answers a position or duration query.
func (q *Query) SetValue(v time.Duration) { q.value = v }

// String describes the query.
func (q *Query) String() string {
	switch q.typ {
	case QueryLatency:
		return fmt.Sprintf("latency: live %t, min %s, max %s", q.live, TimeString(q.min), TimeString(q.max))
	default:
		return fmt.Sprintf("%s: %s %s", q.typ, q.format, TimeString(q.value))
	}
}
