package elements

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
)

// teeBranch is a sink element standing for one branch of a tee: it logs
// each buffer and serialized event into a log shared by all branches, and
// returns ret from its chain function.
type teeBranch struct {
	gstmini.ElementBase
	pad *gstmini.Pad

	log *teeLog
	mu  sync.Mutex
	ret gstmini.FlowReturn

	live     bool
	min, max time.Duration
}

type teeLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *teeLog) add(format string, args ...any) {
	l.mu.Lock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
	l.mu.Unlock()
}

func (l *teeLog) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

func newTeeBranch(name string, log *teeLog) *teeBranch {
	b := &teeBranch{log: log, ret: gstmini.FlowOK, max: gstmini.ClockTimeNone}
	b.Init(b, name)
	b.pad = gstmini.NewPad("sink", gstmini.PadSink)
	b.pad.SetChainFunc(func(_ *gstmini.Pad, _ gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
		b.mu.Lock()
		ret := b.ret
		b.mu.Unlock()
		log.add("%s buffer %s", name, gstmini.TimeString(buf.PTS))
		buf.Unref()
		return ret
	})
	b.pad.SetEventFunc(func(_ *gstmini.Pad, _ gstmini.Element, ev *gstmini.Event) bool {
		if ev.Type().IsSerialized() {
			log.add("%s %s", name, ev.Type())
		}
		return true
	})
	b.pad.SetQueryFunc(func(_ *gstmini.Pad, _ gstmini.Element, q *gstmini.Query) bool {
		if q.Type() != gstmini.QueryLatency {
			return false
		}
		q.SetLatency(b.live, b.min, b.max)
		return true
	})
	if err := b.AddPad(b.pad); err != nil {
		panic(err)
	}
	return b
}

func (b *teeBranch) setReturn(ret gstmini.FlowReturn) {
	b.mu.Lock()
	b.ret = ret
	b.mu.Unlock()
}

// teeFixture is a tee in PAUSED with n branches linked to its request pads,
// fed through its sink pad by the test goroutine.
type teeFixture struct {
	tee      *Tee
	branches []*teeBranch
	pads     []*gstmini.Pad
	log      *teeLog
}

func newTeeFixture(t *testing.T, n int) *teeFixture {
	t.Helper()
	f := &teeFixture{tee: NewTee("t"), log: &teeLog{}}
	for i := 0; i < n; i++ {
		f.addBranch(t)
	}
	require.Equal(t, gstmini.StateChangeSuccess, f.tee.SetState(gstmini.StatePaused), "a tee goes to PAUSED at once: it is not a sink")
	for _, b := range f.branches {
		b.pad.SetActive(true)
	}
	t.Cleanup(func() { f.tee.SetState(gstmini.StateNull) })
	return f
}

func (f *teeFixture) addBranch(t *testing.T) *teeBranch {
	t.Helper()
	b := newTeeBranch(fmt.Sprintf("b%d", len(f.branches)), f.log)
	pad, err := f.tee.RequestPad("src_%u")
	require.NoError(t, err, "RequestPad(src_%%u) on a tee (gst_element_request_pad_simple)")
	require.NoError(t, pad.Link(b.pad))
	b.pad.SetActive(true)
	f.branches = append(f.branches, b)
	f.pads = append(f.pads, pad)
	return b
}

func (f *teeFixture) startStream(t *testing.T) {
	t.Helper()
	require.True(t, f.tee.sinkpad.SendEvent(gstmini.NewStreamStartEvent("tee-test")))
	require.True(t, f.tee.sinkpad.SendEvent(gstmini.NewSegmentEvent(gstmini.NewSegment())))
}

func (f *teeFixture) push(pts time.Duration) gstmini.FlowReturn {
	buf := gstmini.NewBuffer(0)
	buf.PTS = pts
	return f.tee.sinkpad.Chain(buf)
}

func TestTeePushesEachBufferToEveryBranchInTurn(t *testing.T) {
	f := newTeeFixture(t, 3)
	f.startStream(t)
	for _, pts := range []time.Duration{0, time.Second} {
		require.Equal(t, gstmini.FlowOK, f.push(pts), "a tee returns OK when every branch does (gst_tee_handle_data)")
	}
	var buffers []string
	for _, l := range f.log.get() {
		if len(l) > 3 && l[3:9] == "buffer" {
			buffers = append(buffers, l)
		}
	}
	assert.Equal(t, []string{
		"b0 buffer 0:00:00.000000000", "b1 buffer 0:00:00.000000000", "b2 buffer 0:00:00.000000000",
		"b0 buffer 0:00:01.000000000", "b1 buffer 0:00:01.000000000", "b2 buffer 0:00:01.000000000",
	}, buffers, "a tee pushes each buffer to its source pads one after the other, in request order, "+
		"and every push has returned when the tee's chain returns: all on the pushing goroutine")
}

func TestTeeSendsStickyEventsToEveryBranchAndToLaterPads(t *testing.T) {
	f := newTeeFixture(t, 2)
	f.startStream(t)
	require.Equal(t, gstmini.FlowOK, f.push(0))
	late := f.addBranch(t)
	require.Equal(t, gstmini.FlowOK, f.push(time.Second))
	require.True(t, f.tee.sinkpad.SendEvent(gstmini.NewEOSEvent()))

	byBranch := map[string][]string{}
	for _, l := range f.log.get() {
		byBranch[l[:2]] = append(byBranch[l[:2]], l[3:])
	}
	want := []string{"stream-start", "segment", "buffer 0:00:00.000000000", "buffer 0:00:01.000000000", "eos"}
	assert.Equal(t, want, byBranch["b0"], "events on the tee's sink pad go to every source pad (gst_pad_event_default)")
	assert.Equal(t, want, byBranch["b1"], "events on the tee's sink pad go to every source pad (gst_pad_event_default)")
	assert.Equal(t, []string{"stream-start", "segment", "buffer 0:00:01.000000000", "eos"}, byBranch[late.Name()],
		"a pad requested later gets the sink pad's sticky events before its first buffer (forward_sticky_events, gsttee.c:336)")
}

func TestTeeCombinesTheBranchesFlowReturns(t *testing.T) {
	const unlinked = gstmini.FlowReturn(100) // marks a branch whose pad is not linked
	cases := []struct {
		name           string
		branches       []gstmini.FlowReturn
		allowNotLinked bool
		want           gstmini.FlowReturn
		pushed         int // branches that got the buffer
	}{
		{"every branch OK", []gstmini.FlowReturn{gstmini.FlowOK, gstmini.FlowOK}, false, gstmini.FlowOK, 2},
		{"an unlinked branch is ignored", []gstmini.FlowReturn{unlinked, gstmini.FlowOK}, false, gstmini.FlowOK, 1},
		{"every branch unlinked", []gstmini.FlowReturn{unlinked, unlinked}, false, gstmini.FlowNotLinked, 0},
		{"every branch unlinked, allow-not-linked", []gstmini.FlowReturn{unlinked, unlinked}, true, gstmini.FlowOK, 0},
		{"no source pads", nil, false, gstmini.FlowNotLinked, 0},
		{"no source pads, allow-not-linked", nil, true, gstmini.FlowOK, 0},
		{"EOS stops the push", []gstmini.FlowReturn{gstmini.FlowEOS, gstmini.FlowOK}, false, gstmini.FlowEOS, 1},
		{"FLUSHING in the middle stops the push", []gstmini.FlowReturn{gstmini.FlowOK, gstmini.FlowFlushing, gstmini.FlowOK}, false, gstmini.FlowFlushing, 2},
		{"ERROR after OK", []gstmini.FlowReturn{gstmini.FlowOK, gstmini.FlowError}, false, gstmini.FlowError, 2},
		{"one pad: its result", []gstmini.FlowReturn{gstmini.FlowEOS}, false, gstmini.FlowEOS, 1},
		{"one unlinked pad", []gstmini.FlowReturn{unlinked}, false, gstmini.FlowNotLinked, 0},
		{"one unlinked pad, allow-not-linked", []gstmini.FlowReturn{unlinked}, true, gstmini.FlowOK, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newTeeFixture(t, len(tc.branches))
			require.NoError(t, f.tee.SetProperty("allow-not-linked", tc.allowNotLinked))
			for i, r := range tc.branches {
				if r == unlinked {
					require.NoError(t, f.pads[i].Unlink(f.branches[i].pad))
					continue
				}
				f.branches[i].setReturn(r)
			}
			f.startStream(t)
			got := f.push(0)
			assert.Equal(t, tc.want, got, "gst_tee_handle_data (gsttee.c:869): NOT_LINKED branches are ignored, "+
				"the first result other than OK and NOT_LINKED is returned at once, NOT_LINKED only if no branch is linked")
			pushed := 0
			for _, l := range f.log.get() {
				if len(l) > 3 && l[3:9] == "buffer" {
					pushed++
				}
			}
			assert.Equal(t, tc.pushed, pushed, "a fatal result stops the tee before the later branches get the buffer")
		})
	}
}

func TestTeeRequestPadNamesAndNumSrcPads(t *testing.T) {
	tee := NewTee("t")
	names := func() []string {
		var out []string
		for _, p := range tee.SrcPads() {
			out = append(out, p.Name())
		}
		return out
	}
	p0, err := tee.RequestPad("src_%u")
	require.NoError(t, err)
	_, err = tee.RequestPad("src_%u")
	require.NoError(t, err)
	_, err = tee.RequestPad("src_5")
	require.NoError(t, err, "a name the template matches asks for that number (gst_tee_request_new_pad, gsttee.c:367)")
	_, err = tee.RequestPad("src_%u")
	require.NoError(t, err)
	assert.Equal(t, []string{"src_0", "src_1", "src_5", "src_6"}, names(), "numbers go on from one past the highest requested")
	n, err := tee.Property("num-src-pads")
	require.NoError(t, err)
	assert.Equal(t, int64(4), n, "num-src-pads counts the source pads")

	tmpl, ok := p0.Template()
	require.True(t, ok)
	assert.Equal(t, gstmini.PadRequest, tmpl.Presence, "tee source pads come from the request template src_%u")

	require.NoError(t, tee.ReleaseRequestPad(p0))
	assert.Nil(t, p0.Parent(), "a released pad no longer belongs to the tee")
	assert.Equal(t, 3, tee.NumSrcPads())
	_, err = tee.RequestPad("src_0")
	require.NoError(t, err, "a released number can be asked for again")
	_, err = tee.RequestPad("src_%u")
	require.NoError(t, err)
	assert.Equal(t, []string{"src_1", "src_5", "src_6", "src_0", "src_7"}, names())
}

func TestTeeRequestPadErrorsNameElementPadAndValue(t *testing.T) {
	tee := NewTee("t")
	_, err := tee.RequestPad("sink_%u")
	require.ErrorIs(t, err, gstmini.ErrNoRequestTemplate)
	assert.ErrorContains(t, err, `element t: request pad "sink_%u"`)
	assert.ErrorContains(t, err, `"src_%u"`, "the error lists the request templates there are")

	_, err = tee.RequestPad("src_x")
	require.ErrorIs(t, err, gstmini.ErrNoRequestTemplate, "src_x is not a name src_%%u stands for")

	_, err = tee.RequestPad("src_%u")
	require.NoError(t, err)
	_, err = tee.RequestPad("src_0")
	require.Error(t, err)
	assert.ErrorContains(t, err, `element t: request pad "src_0": a pad with that name exists`)

	err = tee.ReleaseRequestPad(tee.sinkpad)
	require.ErrorIs(t, err, gstmini.ErrNotRequestPad)
	assert.ErrorContains(t, err, `element t: release request pad t:sink`)
	assert.ErrorContains(t, err, `template "sink" is always`)

	q := NewQueue("q")
	err = tee.ReleaseRequestPad(q.StaticPad("src"))
	require.ErrorIs(t, err, gstmini.ErrNotRequestPad)
	assert.ErrorContains(t, err, "q:src")
	assert.ErrorContains(t, err, "belongs to element q")

	_, err = q.RequestPad("src_%u")
	require.ErrorIs(t, err, gstmini.ErrNoRequestTemplate)
	assert.ErrorContains(t, err, "element q: request pad \"src_%u\"")
	assert.ErrorContains(t, err, "it has no request pad templates")
}

func TestTeeReleasedPadIsUnlinkedAndItsBranchGetsNoMoreData(t *testing.T) {
	f := newTeeFixture(t, 2)
	f.startStream(t)
	require.Equal(t, gstmini.FlowOK, f.push(0))
	require.NoError(t, f.tee.ReleaseRequestPad(f.pads[0]))
	assert.False(t, f.pads[0].IsLinked(), "releasing a pad unlinks it (gst_element_remove_pad)")
	assert.False(t, f.pads[0].IsActive(), "the tee deactivates a pad it releases (gst_tee_release_pad)")
	require.Equal(t, gstmini.FlowOK, f.push(time.Second))
	var b0 int
	for _, l := range f.log.get() {
		if l[:2] == "b0" && l[3:9] == "buffer" {
			b0++
		}
	}
	assert.Equal(t, 1, b0, "the released branch got only the buffer pushed before the release")
}

func TestTeePadRequestedWhilePausedIsActive(t *testing.T) {
	f := newTeeFixture(t, 0)
	f.startStream(t)
	b := f.addBranch(t)
	assert.True(t, f.pads[0].IsActive(), "a pad requested while the tee's sink pad is active is activated (gsttee.c:399)")
	require.Equal(t, gstmini.FlowOK, f.push(0))
	assert.Equal(t, []string{b.Name() + " stream-start", b.Name() + " segment", b.Name() + " buffer 0:00:00.000000000"}, f.log.get())
}

func TestTeeLatencyQueryAnswersTheLargestMinimumOfTheBranches(t *testing.T) {
	f := newTeeFixture(t, 3)
	f.branches[0].live, f.branches[0].min, f.branches[0].max = true, 20*time.Millisecond, time.Second
	f.branches[1].live, f.branches[1].min, f.branches[1].max = true, 50*time.Millisecond, 200*time.Millisecond
	f.branches[2].live, f.branches[2].min, f.branches[2].max = false, 500*time.Millisecond, 600*time.Millisecond
	q := gstmini.NewLatencyQuery()
	require.True(t, f.tee.sinkpad.Query(q))
	live, minL, maxL := q.Latency()
	assert.True(t, live, "live if any branch is live (query_latency_default_fold, gst/gstpad.c:3336)")
	assert.Equal(t, 50*time.Millisecond, minL, "the largest minimum of the live branches")
	assert.Equal(t, 200*time.Millisecond, maxL, "the smallest maximum of the live branches; a branch that is not live does not count")

	for _, b := range f.branches {
		b.live = false
	}
	q = gstmini.NewLatencyQuery()
	require.True(t, f.tee.sinkpad.Query(q))
	live, minL, maxL = q.Latency()
	assert.Equal(t, []any{false, time.Duration(0), gstmini.ClockTimeNone}, []any{live, minL, maxL},
		"no live branch: not live, min 0, max none")
}

func TestTeeHasChainFalseRefusesPushMode(t *testing.T) {
	tee := NewTee("t")
	require.NoError(t, tee.SetProperty("has-chain", false))
	assert.Equal(t, gstmini.StateChangeFailure, tee.SetState(gstmini.StatePaused),
		"with has-chain=false the sink pad refuses push mode (gst_tee_sink_activate_mode, gsttee.c:1065)")
	tee.SetState(gstmini.StateNull)
}

func TestTeeLastMessageOnlyWhenNotSilent(t *testing.T) {
	f := newTeeFixture(t, 1)
	f.startStream(t)
	require.Equal(t, gstmini.FlowOK, f.push(0))
	assert.Empty(t, f.tee.LastMessage(), "silent (the default) leaves last-message unset")
	require.NoError(t, f.tee.SetProperty("silent", false))
	require.Equal(t, gstmini.FlowOK, f.push(time.Second))
	assert.Contains(t, f.tee.LastMessage(), "(t:sink)t (0 bytes, 0:00:01.000000000)",
		"with silent=false each buffer updates last-message (gst_tee_do_message, gsttee.c:823)")
}
