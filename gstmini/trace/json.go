package trace

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// jsonEvent is one event of the trace-event format
// (https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU).
type jsonEvent struct {
	Name  string         `json:"name"`
	Cat   string         `json:"cat,omitempty"`
	Ph    string         `json:"ph"`
	TS    float64        `json:"ts"` // microseconds
	Dur   *float64       `json:"dur,omitempty"`
	PID   int            `json:"pid"`
	TID   int64          `json:"tid"`
	Scope string         `json:"s,omitempty"` // instants: "t", on the thread's track
	Args  map[string]any `json:"args,omitempty"`
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// WriteJSON writes the events recorded so far as Chrome trace-event JSON,
// for Perfetto (ui.perfetto.dev) or chrome://tracing. The process is the
// pipeline; each goroutine is a thread named after the pad whose task it
// runs ("livesource0:src") or "application"; each queue has a counter
// track "<queue> level". Timestamps are pipeline clock times in
// microseconds.
func (t *Tracer) WriteJSON(w io.Writer) error {
	t.mu.Lock()
	events := append([]Event(nil), t.events...)
	var meta []jsonEvent
	meta = append(meta, jsonEvent{Name: "process_name", Ph: "M", PID: 1,
		Args: map[string]any{"name": "gstmini " + t.pipeline.Name()}})
	for i, id := range t.order {
		meta = append(meta,
			jsonEvent{Name: "thread_name", Ph: "M", PID: 1, TID: id, Args: map[string]any{"name": t.threadNameLocked(id)}},
			jsonEvent{Name: "thread_sort_index", Ph: "M", PID: 1, TID: id, Args: map[string]any{"sort_index": i}})
	}
	lost := t.lost
	t.mu.Unlock()

	sortEvents(events)
	bw := bufio.NewWriter(w)
	// Written one event at a time: a long trace holds hundreds of
	// thousands of events.
	bw.WriteString(`{"traceEvents":[`)
	first := true
	put := func(je jsonEvent) error {
		b, err := json.Marshal(je)
		if err != nil {
			return err
		}
		if !first {
			bw.WriteString(",\n")
		}
		first = false
		_, err = bw.Write(b)
		return err
	}
	for _, je := range meta {
		if err := put(je); err != nil {
			return err
		}
	}
	for _, ev := range events {
		je := jsonEvent{Name: ev.Name, Cat: ev.Cat, Ph: string(ev.Phase), TS: micros(ev.TS), PID: 1, TID: ev.Thread, Args: ev.Args}
		switch ev.Phase {
		case Span:
			d := micros(ev.Dur)
			je.Dur = &d
		case Instant:
			je.Scope = "t"
		case Counter:
			je.TID = 0
		}
		if ev.Cat == CatChain {
			je.Args = map[string]any{"pad": ev.Pad, "pts": gstmini.TimeString(ev.PTS), "size": ev.Size, "flow": ev.Flow.String()}
		}
		if ev.Cat == CatClock && ev.Phase == Span {
			// How many chain calls were open: 0 is a source's capture wait.
			// ReadJSON needs it where spans of zero length (a test clock)
			// leave containment ambiguous.
			args := map[string]any{"depth": ev.Depth}
			for k, v := range je.Args {
				args[k] = v
			}
			je.Args = args
		}
		if ev.Element != "" && ev.Phase != Counter {
			args := map[string]any{"element": ev.Element}
			for k, v := range je.Args {
				args[k] = v
			}
			je.Args = args
		}
		if err := put(je); err != nil {
			return err
		}
	}
	other, err := json.Marshal(map[string]any{
		"pipeline":    t.pipeline.Name(),
		"clock":       clockTypeName(t.clock.inner),
		"lost_events": lost,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(bw, "],\n\"displayTimeUnit\":\"ms\",\n\"otherData\":%s}\n", other)
	return bw.Flush()
}

// sortEvents orders events by start time, a span before the spans and
// instants it contains (longer first at equal times), as trace viewers
// nest them.
func sortEvents(events []Event) {
	slices.SortStableFunc(events, func(a, b Event) int {
		if a.TS != b.TS {
			if a.TS < b.TS {
				return -1
			}
			return 1
		}
		if a.Thread == b.Thread && a.Depth != b.Depth {
			return a.Depth - b.Depth
		}
		if a.Dur != b.Dur {
			if a.Dur > b.Dur {
				return -1
			}
			return 1
		}
		return 0
	})
}

func clockTypeName(c any) string {
	name := typeName(c)
	if name == "SystemClock" {
		return "GstSystemClock"
	}
	return name
}
