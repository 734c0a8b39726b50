package trace

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// checkTraceSchema decodes a trace-event JSON file and checks what
// Perfetto and chrome://tracing need: known phases, times, a name for
// every thread, spans nested within their thread, events in time order.
// It returns the events by phase.
func checkTraceSchema(t *testing.T, data []byte) map[string][]map[string]any {
	t.Helper()
	var doc struct {
		TraceEvents     []map[string]any `json:"traceEvents"`
		DisplayTimeUnit string           `json:"displayTimeUnit"`
		OtherData       map[string]any   `json:"otherData"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("trace is not JSON: %v", err)
	}
	if doc.DisplayTimeUnit != "ms" || doc.OtherData["pipeline"] == nil {
		t.Errorf("trace displayTimeUnit %q, otherData %v; want ms and the pipeline's name", doc.DisplayTimeUnit, doc.OtherData)
	}
	num := func(ev map[string]any, key string) float64 {
		t.Helper()
		n, ok := ev[key].(json.Number)
		if !ok {
			t.Fatalf("event %v: %q is %T, want a number", ev, key, ev[key])
		}
		f, err := n.Float64()
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	byPhase := map[string][]map[string]any{}
	named := map[float64]bool{}
	lastTS := -1.0
	type span struct{ ts, end float64 }
	spans := map[float64][]span{}
	for _, ev := range doc.TraceEvents {
		ph, _ := ev["ph"].(string)
		name, _ := ev["name"].(string)
		if name == "" {
			t.Errorf("event without a name: %v", ev)
		}
		if num(ev, "pid") != 1 {
			t.Errorf("event %v: pid is not 1", ev)
		}
		ts, tid := num(ev, "ts"), num(ev, "tid")
		byPhase[ph] = append(byPhase[ph], ev)
		switch ph {
		case "M":
			args, _ := ev["args"].(map[string]any)
			switch name {
			case "thread_name":
				if s, _ := args["name"].(string); s == "" {
					t.Errorf("thread_name without a name: %v", ev)
				}
				named[tid] = true
			case "process_name", "thread_sort_index":
			default:
				t.Errorf("unknown metadata event %q", name)
			}
			continue
		case "X":
			dur := num(ev, "dur")
			if dur < 0 {
				t.Errorf("span with negative duration: %v", ev)
			}
			spans[tid] = append(spans[tid], span{ts, ts + dur})
		case "i":
			if ev["s"] != "t" {
				t.Errorf("instant without thread scope: %v", ev)
			}
		case "C":
			args, _ := ev["args"].(map[string]any)
			if _, ok := args["buffers"].(json.Number); !ok {
				t.Errorf("counter without a numeric buffers value: %v", ev)
			}
		default:
			t.Errorf("unknown phase %q in %v", ph, ev)
		}
		if ts < 0 || ts < lastTS {
			t.Errorf("event %v at %v µs is out of time order (previous %v µs)", ev, ts, lastTS)
		}
		lastTS = ts
		if ph != "C" && !named[tid] {
			t.Errorf("event %v on thread %v, which has no thread_name", ev, tid)
		}
	}
	for tid, ss := range spans {
		// Events are sorted by start, enclosing spans first: each span must
		// end within every span still open when it starts.
		var open []span
		for _, s := range ss {
			for len(open) > 0 && open[len(open)-1].end <= s.ts && !(open[len(open)-1].end == s.ts && s.end == s.ts) {
				open = open[:len(open)-1]
			}
			if len(open) > 0 && s.end > open[len(open)-1].end+1e-3 {
				t.Errorf("thread %v: span [%v, %v] overlaps its parent [%v, %v] without nesting", tid, s.ts, s.end, open[len(open)-1].ts, open[len(open)-1].end)
			}
			open = append(open, s)
		}
	}
	return byPhase
}

func names(evs []map[string]any, key string) []string {
	var out []string
	for _, ev := range evs {
		if key == "thread" {
			args, _ := ev["args"].(map[string]any)
			if ev["name"] == "thread_name" {
				out = append(out, args["name"].(string))
			}
			continue
		}
		if s, _ := ev[key].(string); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func TestWriteJSON_SchemaOnTestClock(t *testing.T) {
	tr := runOnTestClock(t, hlsWithQueue)
	var buf bytes.Buffer
	if err := tr.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	ev := checkTraceSchema(t, buf.Bytes())
	threads := names(ev["M"], "thread")
	for _, want := range []string{"application", "cam:src", "q:src"} {
		if !slices.Contains(threads, want) {
			t.Errorf("thread names %q; want %q among them", threads, want)
		}
	}
	spans := names(ev["X"], "name")
	for _, want := range []string{"chain q", "chain hls", "chain s3", "clock wait", "upload segment00000.ts", "event eos s3"} {
		if !slices.Contains(spans, want) {
			t.Errorf("span names %q; want %q among them", spans, want)
		}
	}
	if got := names(ev["C"], "name"); !slices.Equal(got, []string{"q level"}) {
		t.Errorf("counter tracks %q; want [\"q level\"]", got)
	}
	instants := names(ev["i"], "cat")
	for _, want := range []string{CatEOS, CatDiscont, CatState} {
		if !slices.Contains(instants, want) {
			t.Errorf("instant categories %q; want %q among them", instants, want)
		}
	}
}

func TestWriteJSON_DropsWithoutQueue(t *testing.T) {
	tr := runOnTestClock(t, hlsWithoutQueue)
	var buf bytes.Buffer
	if err := tr.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	ev := checkTraceSchema(t, buf.Bytes())
	var lost int64
	for _, e := range ev["i"] {
		if e["cat"] == CatDrop {
			n, _ := e["args"].(map[string]any)["dropped"].(json.Number).Int64()
			lost += n
		}
	}
	if lost == 0 {
		t.Errorf("no drop instants; want the frames the camera lost while it was blocked in uploads")
	}
}

func TestWriteJSON_SchemaOnSystemClock(t *testing.T) {
	p, err := gstmini.ParseLaunch("fakesrc num-buffers=200 ! queue max-size-buffers=5 ! fakesink sync=false")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := Attach(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Run(ctx); err != nil {
		t.Fatal(err)
	}
	tr.Close()
	var buf bytes.Buffer
	if err := tr.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	ev := checkTraceSchema(t, buf.Bytes())
	chains := 0
	for _, e := range ev["X"] {
		if e["cat"] == CatChain && strings.HasPrefix(e["name"].(string), "chain fakesink") {
			chains++
		}
	}
	if chains != 200 {
		t.Errorf("%d chain spans into fakesink; want 200", chains)
	}
	if tr.Lost() != 0 {
		t.Errorf("Lost() = %d; want 0", tr.Lost())
	}
}

func TestTracer_MaxEvents(t *testing.T) {
	p, err := gstmini.ParseLaunch("fakesrc num-buffers=100 ! fakesink")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := Attach(p, Options{MaxEvents: 10})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Run(ctx); err != nil {
		t.Fatal(err)
	}
	tr.Close()
	if n := len(tr.Events()); n != 10 {
		t.Errorf("len(Events()) = %d; want 10", n)
	}
	if tr.Lost() < 100 {
		t.Errorf("Lost() = %d; want at least the 100 chain calls past the cap", tr.Lost())
	}
}
