package gstmini

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// latencySink returns a sink element whose sink pad answers the latency
// query with answer, or refuses it when answer is nil.
func latencySink(name string, answer *[3]any) *testElement {
	pad := NewPad("sink", PadSink)
	pad.SetQueryFunc(func(p *Pad, parent Element, q *Query) bool {
		if q.Type() != QueryLatency {
			return p.QueryDefault(parent, q)
		}
		if answer == nil {
			return false
		}
		q.SetLatency(answer[0].(bool), answer[1].(time.Duration), answer[2].(time.Duration))
		return true
	})
	e := newTestElement(name, pad)
	e.SetFlags(ElementFlagSink)
	return e
}

// TestBinLatencyQueryFailsIfOneSinkCannotAnswer: bin_query_latency_fold
// (gst/gstbin.c:4140 at 1.22.0) makes the whole query fail when one sink's
// fails, and gst_bin_do_latency_func then configures no latency.
func TestBinLatencyQueryFailsIfOneSinkCannotAnswer(t *testing.T) {
	b := NewBin("bin")
	require.NoError(t, b.Add(
		latencySink("a", &[3]any{true, 30 * time.Millisecond, time.Second}),
		latencySink("b", nil)))
	_, _, _, ok := b.QueryLatency()
	assert.False(t, ok, "one sink refused the latency query: the bin's query fails")
	assert.False(t, b.RecalculateLatency(), "no latency is configured when the query fails")
}

func TestBinLatencyQueryFoldsTheLiveAnswers(t *testing.T) {
	b := NewBin("bin")
	require.NoError(t, b.Add(
		latencySink("a", &[3]any{true, 30 * time.Millisecond, time.Second}),
		latencySink("b", &[3]any{true, 50 * time.Millisecond, 200 * time.Millisecond}),
		latencySink("c", &[3]any{false, time.Second, time.Millisecond})))
	live, minL, maxL, ok := b.QueryLatency()
	require.True(t, ok)
	assert.True(t, live)
	assert.Equal(t, 50*time.Millisecond, minL, "the largest minimum of the live answers")
	assert.Equal(t, 200*time.Millisecond, maxL, "the smallest maximum of the live answers; the non-live one does not count")
}

// TestBinWithoutSinksAnswersTheLatencyQuery: the latency query's
// default_return is TRUE (gst_bin_query, gst/gstbin.c:4284), so a bin
// without sinks answers not live, 0, none.
func TestBinWithoutSinksAnswersTheLatencyQuery(t *testing.T) {
	live, minL, maxL, ok := NewBin("empty").QueryLatency()
	assert.True(t, ok)
	assert.False(t, live)
	assert.Zero(t, minL)
	assert.Equal(t, ClockTimeNone, maxL)
}
