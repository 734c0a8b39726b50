package trace

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// A View is what a run recorded, arranged for drawing: one lane per
// streaming goroutine with what it did when, each queue's level over time,
// drops and lost frames, and DISCONT and EOS marks. The timeline and the
// web playground draw the same View; it comes from a Tracer (Tracer.View)
// or from a trace file written by WriteJSON (ReadJSON). Times are pipeline
// clock times.
type View struct {
	From, To time.Duration // the first and last time of any event
	Lanes    []Lane        // in the order the goroutines first did something
	Queues   []QueueLevel  // in the order the queues first reported a level
	Drops    []Mark        // buffers a queue dropped, frames a source lost
	Marks    []Mark        // DISCONT buffers and EOS
}

// A Lane is one streaming goroutine, named after the pad whose task it
// runs ("livesource0:src").
type Lane struct {
	Name       string
	Start, End time.Duration // its first and last event
	// Spans are what it did, in the timeline's states: "push" (in a chain
	// call or a serialized event), "wait" (on the clock in a push),
	// "capture" (a source on the clock outside any push) and "upload" (an
	// S3Sink's render). Spans of different states overlap (a wait inside a
	// push); the timeline shows the state of highest priority, upload,
	// wait, capture, push in that order. Time in none of them is idle.
	Spans []LaneSpan
}

// A LaneSpan is one stretch of time a goroutine spent in one state.
type LaneSpan struct {
	State      string
	Start, End time.Duration
}

// A QueueLevel is a queue's current-level-buffers over time: each sample
// holds until the next.
type QueueLevel struct {
	Element string
	Samples []Sample
}

// A Sample is a level at a time.
type Sample struct {
	TS    time.Duration
	Value int64
}

// A Mark is something that happened at one time: Kind "drop" (Value
// buffers or frames), "discont" or "eos".
type Mark struct {
	TS      time.Duration
	Kind    string
	Element string
	Value   int64
}

// Lane states, as View and the timeline name them.
var laneStateNames = map[rune]string{stateUpload: "upload", stateWait: "wait", stateCapture: "capture", statePush: "push"}

// View arranges the events recorded so far. It can be called while the
// pipeline runs.
func (t *Tracer) View() View {
	t.mu.Lock()
	events := append([]Event(nil), t.events...)
	var threads []timelineThread
	for _, id := range t.order {
		threads = append(threads, timelineThread{id: id, name: t.threadNameLocked(id), source: t.threads[id].source})
	}
	t.mu.Unlock()
	return viewOf(events, threads)
}

// laneIntervals sorts the spans of events into per-goroutine intervals of
// the timeline's states, and returns each goroutine's lifetime.
func laneIntervals(events []Event, isSource map[int64]bool) (map[int64][]interval, map[int64][2]time.Duration) {
	perThread := map[int64][]interval{}
	lifetime := map[int64][2]time.Duration{}
	for _, ev := range events {
		if ev.Phase == Counter {
			continue
		}
		if lt, ok := lifetime[ev.Thread]; !ok {
			lifetime[ev.Thread] = [2]time.Duration{ev.TS, ev.TS + ev.Dur}
		} else {
			lifetime[ev.Thread] = [2]time.Duration{min(lt[0], ev.TS), max(lt[1], ev.TS+ev.Dur)}
		}
		if ev.Phase != Span {
			continue
		}
		var s rune
		switch ev.Cat {
		case CatChain, CatEvent:
			s = statePush
		case CatUpload:
			s = stateUpload
		case CatClock:
			s = stateWait
			if ev.Depth == 0 && isSource[ev.Thread] {
				s = stateCapture
			}
		default:
			continue
		}
		perThread[ev.Thread] = append(perThread[ev.Thread], interval{ev.TS, ev.TS + ev.Dur, s})
	}
	return perThread, lifetime
}

func viewOf(events []Event, all []timelineThread) View {
	var v View
	isSource := map[int64]bool{}
	for _, th := range all {
		isSource[th.id] = th.source
	}
	for i, ev := range events {
		if i == 0 {
			v.From, v.To = ev.TS, ev.TS+ev.Dur
		}
		v.From, v.To = min(v.From, ev.TS), max(v.To, ev.TS+ev.Dur)
	}
	perThread, lifetime := laneIntervals(events, isSource)
	for _, th := range all {
		ivs := perThread[th.id]
		if len(ivs) == 0 {
			continue
		}
		lane := Lane{Name: th.name, Start: lifetime[th.id][0], End: lifetime[th.id][1]}
		for _, iv := range ivs {
			lane.Spans = append(lane.Spans, LaneSpan{State: laneStateNames[iv.state], Start: iv.start, End: iv.end})
		}
		slices.SortStableFunc(lane.Spans, compareSpans)
		v.Lanes = append(v.Lanes, lane)
	}
	slices.SortStableFunc(v.Lanes, func(a, b Lane) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), strings.Compare(a.Name, b.Name))
	})
	queue := map[string]int{}
	for _, ev := range events {
		switch {
		case ev.Phase == Counter && ev.Cat == CatQueue:
			i, ok := queue[ev.Element]
			if !ok {
				i = len(v.Queues)
				queue[ev.Element] = i
				v.Queues = append(v.Queues, QueueLevel{Element: ev.Element})
			}
			s := &v.Queues[i].Samples
			// Of several samples at one time the last is the level (see
			// renderTimeline).
			if n := len(*s); n > 0 && (*s)[n-1].TS == ev.TS {
				*s = (*s)[:n-1]
			}
			*s = append(*s, Sample{ev.TS, ev.Value})
		case ev.Cat == CatDrop:
			v.Drops = append(v.Drops, Mark{TS: ev.TS, Kind: "drop", Element: ev.Element, Value: ev.Value})
		case ev.Cat == CatDiscont:
			v.Marks = append(v.Marks, Mark{TS: ev.TS, Kind: "discont", Element: ev.Element})
		case ev.Cat == CatEOS && ev.Phase == Instant && ev.Name == "EOS":
			v.Marks = append(v.Marks, Mark{TS: ev.TS, Kind: "eos", Element: ev.Element})
		}
	}
	slices.SortStableFunc(v.Drops, compareMarks)
	slices.SortStableFunc(v.Marks, compareMarks)
	return v
}

// compareSpans orders spans by start, the longer first, then by state, so
// that a View does not depend on the order events were recorded or written.
func compareSpans(a, b LaneSpan) int {
	return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(b.End, a.End), strings.Compare(a.State, b.State))
}

// compareMarks orders marks by time, then kind and element.
func compareMarks(a, b Mark) int {
	return cmp.Or(cmp.Compare(a.TS, b.TS), strings.Compare(a.Kind, b.Kind), strings.Compare(a.Element, b.Element))
}

// ReadJSON reads a trace written by WriteJSON and arranges it as a View.
// It needs only what WriteJSON writes: thread names from the metadata,
// spans, instants and counters with their categories and arguments. (A
// clock wait at depth 0 — outside any chain call of its goroutine — is a
// source's capture wait; for traces written before WriteJSON recorded the
// depth, containment in the goroutine's chain spans decides.) Events of other traces, of other categories or
// phases, are ignored; a file that is not trace-event JSON is an error.
func ReadJSON(r io.Reader) (View, error) {
	var file struct {
		TraceEvents []jsonEvent `json:"traceEvents"`
	}
	if err := json.NewDecoder(r).Decode(&file); err != nil {
		return View{}, fmt.Errorf("trace: read trace-event JSON: %w", err)
	}
	if file.TraceEvents == nil {
		return View{}, fmt.Errorf("trace: read trace-event JSON: no \"traceEvents\" array")
	}
	names := map[int64]string{}
	var order []int64
	var events []Event
	for _, je := range file.TraceEvents {
		ts := time.Duration(je.TS * float64(time.Microsecond))
		str := func(k string) string { s, _ := je.Args[k].(string); return s }
		num := func(k string) int64 { f, _ := je.Args[k].(float64); return int64(f) }
		switch je.Ph {
		case "M":
			if je.Name == "thread_name" {
				if _, ok := names[je.TID]; !ok {
					order = append(order, je.TID)
				}
				names[je.TID] = str("name")
			}
		case string(Span):
			if je.Dur == nil {
				continue
			}
			ev := Event{Phase: Span, Cat: je.Cat, Name: je.Name, Thread: je.TID, TS: ts,
				Dur: time.Duration(*je.Dur * float64(time.Microsecond)), Element: str("element"), Pad: str("pad"), Depth: -1}
			if d, ok := je.Args["depth"].(float64); ok {
				ev.Depth = int(d)
			}
			events = append(events, ev)
		case string(Instant):
			ev := Event{Phase: Instant, Cat: je.Cat, Name: je.Name, Thread: je.TID, TS: ts, Element: str("element")}
			if je.Cat == CatDrop {
				ev.Value = num("dropped")
			}
			events = append(events, ev)
		case string(Counter):
			if je.Cat == CatQueue {
				events = append(events, Event{Phase: Counter, Cat: CatQueue, Name: je.Name, TS: ts,
					Element: strings.TrimSuffix(je.Name, " level"), Value: num("buffers")})
			}
		}
	}
	// Depth of clock waits: inside a chain or event span of the same
	// goroutine, or not.
	open := map[int64][][2]time.Duration{}
	for _, ev := range events {
		if ev.Phase == Span && (ev.Cat == CatChain || ev.Cat == CatEvent) {
			open[ev.Thread] = append(open[ev.Thread], [2]time.Duration{ev.TS, ev.TS + ev.Dur})
		}
	}
	source := map[int64]bool{}
	for i, ev := range events {
		if ev.Phase != Span || ev.Cat != CatClock {
			continue
		}
		if ev.Depth < 0 { // a trace without depths: inside a chain span or not
			events[i].Depth = 0
			for _, s := range open[ev.Thread] {
				if s[0] <= ev.TS && ev.TS+ev.Dur <= s[1] {
					events[i].Depth = 1
					break
				}
			}
		}
		if events[i].Depth == 0 {
			source[ev.Thread] = true
		}
	}
	var threads []timelineThread
	for _, id := range order {
		threads = append(threads, timelineThread{id: id, name: names[id], source: source[id]})
	}
	return viewOf(events, threads), nil
}
