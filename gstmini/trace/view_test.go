package trace

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestView_LanesQueueLevelsAndMarksOfTheQueuePipeline(t *testing.T) {
	v := runOnTestClock(t, hlsWithQueue).View()

	var names []string
	states := map[string]map[string]bool{}
	for _, l := range v.Lanes {
		names = append(names, l.Name)
		states[l.Name] = map[string]bool{}
		for _, s := range l.Spans {
			states[l.Name][s.State] = true
			assert.LessOrEqual(t, s.Start, s.End, "lane %s: a span ends before it starts", l.Name)
		}
	}
	assert.Equal(t, []string{"cam:src", "q:src"}, names, "one lane per streaming goroutine: the camera's task and the queue's")
	assert.True(t, states["cam:src"]["capture"], "the camera waits for its capture slots outside any push")
	assert.True(t, states["cam:src"]["push"], "the camera pushes into the queue")
	assert.True(t, states["q:src"]["wait"], "the queue's goroutine waits in the sink's clock wait")
	assert.True(t, states["q:src"]["upload"], "the queue's goroutine runs the uploads")
	require.Len(t, v.Queues, 1, "one queue")
	assert.Equal(t, "q", v.Queues[0].Element)
	var top int64
	for _, s := range v.Queues[0].Samples {
		top = max(top, s.Value)
	}
	assert.Greater(t, top, int64(1), "the queue fills while the upload blocks its goroutine")
	assert.Empty(t, v.Drops, "with a queue the camera loses nothing")
	var eos int
	for _, m := range v.Marks {
		if m.Kind == "eos" {
			eos++
		}
	}
	assert.NotZero(t, eos, "EOS crosses the links at the end")
	assert.Less(t, v.From, v.To)
}

func TestView_DropsWithoutQueue(t *testing.T) {
	v := runOnTestClock(t, hlsWithoutQueue).View()
	var lost int64
	for _, d := range v.Drops {
		lost += d.Value
	}
	assert.Positive(t, lost, "without a queue the camera loses the frames captured during each upload")
	assert.Empty(t, v.Queues, "no queue, no level")
}

// TestReadJSON_GivesTheViewTheTracerGives writes a trace and reads it back:
// a trace file opened in the playground shows what the run showed.
func TestReadJSON_GivesTheViewTheTracerGives(t *testing.T) {
	for _, line := range []string{hlsWithQueue, hlsWithoutQueue} {
		tr := runOnTestClock(t, line)
		var buf bytes.Buffer
		require.NoError(t, tr.WriteJSON(&buf))
		got, err := ReadJSON(&buf)
		require.NoError(t, err)
		// WriteJSON keeps microseconds as float64: compare at 1 µs.
		if diff := cmp.Diff(roundView(tr.View()), roundView(got)); diff != "" {
			t.Errorf("%s: ReadJSON(WriteJSON) differs from Tracer.View (-tracer +file):\n%s", line, diff)
		}
	}
}

func TestReadJSON_RefusesWhatIsNotATrace(t *testing.T) {
	for _, in := range []string{"", "not json", `{"foo": 1}`, `[1, 2]`} {
		_, err := ReadJSON(strings.NewReader(in))
		assert.Error(t, err, "ReadJSON(%q)", in)
	}
}

// roundView rounds every time of v to the microsecond.
func roundView(v View) View {
	out := v
	out.From, out.To = v.From.Round(1000), v.To.Round(1000)
	out.Lanes = nil
	for _, l := range v.Lanes {
		l2 := Lane{Name: l.Name, Start: l.Start.Round(1000), End: l.End.Round(1000)}
		for _, s := range l.Spans {
			l2.Spans = append(l2.Spans, LaneSpan{State: s.State, Start: s.Start.Round(1000), End: s.End.Round(1000)})
		}
		// Rounding can make spans that differed by nanoseconds equal:
		// order them again, as viewOf does.
		slices.SortStableFunc(l2.Spans, compareSpans)
		out.Lanes = append(out.Lanes, l2)
	}
	out.Queues = nil
	for _, q := range v.Queues {
		q2 := QueueLevel{Element: q.Element}
		for _, s := range q.Samples {
			q2.Samples = append(q2.Samples, Sample{s.TS.Round(1000), s.Value})
		}
		out.Queues = append(out.Queues, q2)
	}
	roundMarks := func(ms []Mark) []Mark {
		var o []Mark
		for _, m := range ms {
			m.TS = m.TS.Round(1000)
			o = append(o, m)
		}
		slices.SortStableFunc(o, compareMarks)
		return o
	}
	out.Drops, out.Marks = roundMarks(v.Drops), roundMarks(v.Marks)
	return out
}
