package core

import (
	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/trace"
)

// A Snapshot is what the page shows of a run: its status, the clock, the
// lanes, levels and marks the tracer saw, and each element's counters.
// Times are in seconds of pipeline clock time, for JavaScript.
type Snapshot struct {
	Line    string         `json:"line"`
	Fast    bool           `json:"fast"`
	Status  string         `json:"status"`
	Message string         `json:"message"`
	Done    bool           `json:"done"`
	Clock   float64        `json:"clock"`
	View    View           `json:"view"`
	Stats   []ElementStats `json:"stats"`
}

// View is trace.View in seconds, as the page draws it.
type View struct {
	From   float64      `json:"from"`
	To     float64      `json:"to"`
	Lanes  []Lane       `json:"lanes"`
	Queues []QueueLevel `json:"queues"`
	Drops  []Mark       `json:"drops"`
	Marks  []Mark       `json:"marks"`
}

// A Lane is one streaming goroutine; each span is [state, start, end].
type Lane struct {
	Name  string   `json:"name"`
	Start float64  `json:"start"`
	End   float64  `json:"end"`
	Spans [][3]any `json:"spans"`
}

// A QueueLevel is a queue's level; each sample is [time, buffers].
type QueueLevel struct {
	Element string       `json:"element"`
	Samples [][2]float64 `json:"samples"`
}

// A Mark is a drop ("drop", Value buffers or frames), a DISCONT buffer or EOS.
type Mark struct {
	T       float64 `json:"t"`
	Kind    string  `json:"kind"`
	Element string  `json:"element"`
	Value   int64   `json:"value,omitempty"`
}

// EncodeView converts a trace.View for the page.
func EncodeView(v trace.View) View {
	out := View{From: v.From.Seconds(), To: v.To.Seconds(), Lanes: []Lane{}, Queues: []QueueLevel{}, Drops: []Mark{}, Marks: []Mark{}}
	for _, l := range v.Lanes {
		lane := Lane{Name: l.Name, Start: l.Start.Seconds(), End: l.End.Seconds(), Spans: [][3]any{}}
		for _, s := range l.Spans {
			lane.Spans = append(lane.Spans, [3]any{s.State, s.Start.Seconds(), s.End.Seconds()})
		}
		out.Lanes = append(out.Lanes, lane)
	}
	for _, q := range v.Queues {
		ql := QueueLevel{Element: q.Element, Samples: [][2]float64{}}
		for _, s := range q.Samples {
			ql.Samples = append(ql.Samples, [2]float64{s.TS.Seconds(), float64(s.Value)})
		}
		out.Queues = append(out.Queues, ql)
	}
	mark := func(m trace.Mark) Mark {
		return Mark{T: m.TS.Seconds(), Kind: m.Kind, Element: m.Element, Value: m.Value}
	}
	for _, m := range v.Drops {
		out.Drops = append(out.Drops, mark(m))
	}
	for _, m := range v.Marks {
		out.Marks = append(out.Marks, mark(m))
	}
	return out
}

// ElementStats are one element's counters: its read-only numeric
// properties (frames-lost, dropped, segments-uploaded, ...) and, for a
// sink, the buffers it rendered and dropped.
type ElementStats struct {
	Element  string    `json:"element"`
	Factory  string    `json:"factory"`
	Counters []Counter `json:"counters"`
}

// A Counter is a name and a value.
type Counter struct {
	Name  string `json:"name"`
	Value int64  `json:"value"`
}

func statsOf(p *gstmini.Pipeline) []ElementStats {
	out := []ElementStats{}
	for _, e := range p.Children() {
		es := ElementStats{Element: e.Base().Name(), Counters: []Counter{}}
		if f, ok := trace.FactoryOf(e); ok {
			es.Factory = f.Name
		}
		for _, spec := range e.Base().Properties() {
			if spec.Flags&gstmini.PropWritable != 0 || spec.Get == nil {
				continue
			}
			switch v := spec.Get().(type) {
			case uint64:
				es.Counters = append(es.Counters, Counter{spec.Name, int64(v)})
			case int64:
				es.Counters = append(es.Counters, Counter{spec.Name, v})
			}
		}
		if s, ok := e.(interface{ Stats() (uint64, uint64) }); ok {
			rendered, dropped := s.Stats()
			es.Counters = append(es.Counters, Counter{"rendered", int64(rendered)}, Counter{"dropped", int64(dropped)})
		}
		out = append(out, es)
	}
	return out
}
