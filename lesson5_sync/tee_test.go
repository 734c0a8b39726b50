package avsync

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
)

// Step 1: one input, N outputs.

func TestPushToBranchesGivesEveryBranchTheSameBuffer(t *testing.T) {
	pads, log := newBranches(t, ok("a"), ok("b"), ok("c"))
	buf := frameBuffer(0)
	held := buf.Ref() // the test's own reference, to look at the buffer afterwards

	ret := PushToBranches(buf, pads, false)

	require.Equal(t, gstmini.FlowOK, ret, "three branches answering OK: the tee answers OK (README: Step 1)")
	require.Equal(t, []string{"a", "b", "c"}, log.branches(),
		"every branch gets the buffer once, in the order of the pads (README: Step 1)")
	for _, p := range log.all() {
		assert.Same(t, held, p.buf,
			"branch %s got another buffer: a tee pushes the SAME buffer to every branch, one more reference each (buf.Ref()), never a copy (README: Step 1)", p.branch)
	}
	assert.Equal(t, 1, held.RefCount(),
		"after the push only the test's own reference may be left: each branch dropped the reference it got, and PushToBranches must drop the caller's (buf.Unref()) — %d left means a reference leaked (README: Step 1, who owns a buffer)",
		held.RefCount())
}

func TestPushToBranchesPushesOnTheCallingGoroutine(t *testing.T) {
	pads, log := newBranches(t, ok("a"), ok("b"), ok("c"))
	caller := goroutineID()
	PushToBranches(frameBuffer(0), pads, false)
	require.Len(t, log.all(), 3, "every branch gets the buffer (README: Step 1)")
	for _, p := range log.all() {
		assert.Equal(t, caller, p.goroutine,
			"branch %s's chain function ran on goroutine %s, the caller is goroutine %s: a tee has no goroutine of its own, it pushes to its branches one after the other on the goroutine that pushed into it (README: Step 1)",
			p.branch, p.goroutine, caller)
	}
}

func TestABlockedBranchBlocksEveryBranchAfterIt(t *testing.T) {
	log := &pushLog{}
	entered, release := make(chan struct{}), make(chan struct{})
	slow := gstmini.NewPad("slow", gstmini.PadSrc)
	require.True(t, slow.SetActive(true))
	slowSink := newSinkPad(t, "slow")
	slowSink.SetChainFunc(func(_ *gstmini.Pad, _ gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
		log.add(push{branch: "slow", buf: buf})
		close(entered)
		<-release // a sink waiting in preroll, a full queue, a slow upload...
		buf.Unref()
		return gstmini.FlowOK
	})
	require.True(t, slowSink.SetActive(true))
	require.NoError(t, slow.Link(slowSink))
	t.Cleanup(func() { slow.SetActive(false); slowSink.SetActive(false) })
	rest, restLog := newBranches(t, ok("b"), ok("c"))

	done := make(chan gstmini.FlowReturn, 1)
	go func() { done <- PushToBranches(frameBuffer(0), append([]*gstmini.Pad{slow}, rest...), false) }()
	select {
	case <-entered:
	case ret := <-done:
		close(release)
		t.Fatalf("PushToBranches returned %s without pushing to the first branch (README: Step 1)", ret)
	case <-timeAfter(watchdog):
		close(release)
		t.Fatalf("the first branch did not get the buffer within %v (README: Step 1)", watchdog)
	}
	assert.Empty(t, restLog.branches(),
		"while the first branch is busy with the buffer, the others must not have it yet: the tee waits for each push to return (README: Step 1)")
	select {
	case ret := <-done:
		assert.Failf(t, "PushToBranches returned early", "it returned %s while the first branch still held the buffer (README: Step 1)", ret)
	default:
	}
	close(release)
	select {
	case <-done:
	case <-timeAfter(watchdog):
		t.Fatalf("PushToBranches did not return within %v of the first branch returning", watchdog)
	}
	assert.Equal(t, []string{"b", "c"}, restLog.branches(), "once the first branch returns, the others get the buffer in turn")
}

// A flowCase is a row of gsttee.c's rule for combining the branches'
// results (gst_tee_handle_data, gsttee.c:869-1014 at 1.22.0).
type flowCase struct {
	description    string
	branches       []branchSpec
	allowNotLinked bool
	want           gstmini.FlowReturn
	reached        int // how many branches the push reaches before it stops
}

var notLinkedCases = []flowCase{
	{"an unlinked branch does not stop the others", []branchSpec{unlinked("a"), ok("b")}, false, gstmini.FlowOK, 2},
	{"an unlinked branch in the middle", []branchSpec{ok("a"), unlinked("b"), ok("c")}, false, gstmini.FlowOK, 3},
	{"OK before an unlinked last branch is still OK", []branchSpec{ok("a"), unlinked("b")}, false, gstmini.FlowOK, 2},
}

var fatalCases = []flowCase{
	{"EOS from the first branch: the second never gets the buffer", []branchSpec{answers("a", gstmini.FlowEOS), ok("b")}, false, gstmini.FlowEOS, 1},
	{"FLUSHING in the middle stops the push there", []branchSpec{ok("a"), answers("b", gstmini.FlowFlushing), ok("c")}, false, gstmini.FlowFlushing, 2},
	{"an ERROR after an unlinked branch", []branchSpec{unlinked("a"), answers("b", gstmini.FlowError), ok("c")}, false, gstmini.FlowError, 2},
	{"EOS from the last branch after OKs", []branchSpec{ok("a"), ok("b"), answers("c", gstmini.FlowEOS)}, false, gstmini.FlowEOS, 3},
	{"allow-not-linked does not hide EOS", []branchSpec{unlinked("a"), answers("b", gstmini.FlowEOS)}, true, gstmini.FlowEOS, 2},
}

var allUnlinkedCases = []flowCase{
	{"every branch unlinked", []branchSpec{unlinked("a"), unlinked("b")}, false, gstmini.FlowNotLinked, 2},
	{"no branches at all", nil, false, gstmini.FlowNotLinked, 0},
	{"every branch unlinked, allow-not-linked", []branchSpec{unlinked("a"), unlinked("b")}, true, gstmini.FlowOK, 2},
	{"no branches, allow-not-linked", nil, true, gstmini.FlowOK, 0},
}

func TestPushToBranchesIgnoresAnUnlinkedBranch(t *testing.T) {
	runFlowCases(t, notLinkedCases, "NOT_LINKED from one branch is not an error: the push goes on, and one OK makes the result OK")
}

func TestPushToBranchesStopsAtTheFirstFatalResult(t *testing.T) {
	runFlowCases(t, fatalCases, "any result but OK and NOT_LINKED stops the push at once and is the tee's result; the branches after it do not get the buffer")
}

func TestPushToBranchesIsNotLinkedOnlyWhenNoBranchIsLinked(t *testing.T) {
	runFlowCases(t, allUnlinkedCases, "NOT_LINKED only when no branch took the buffer; allow-not-linked turns that case into OK")
}

func runFlowCases(t *testing.T, cases []flowCase, rule string) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			pads, log := newBranches(t, tc.branches...)
			got := PushToBranches(frameBuffer(0), pads, tc.allowNotLinked)
			assert.Equal(t, tc.want, got, "PushToBranches over branches %s, allow-not-linked %t\nrule: %s (gst_tee_handle_data, README: Step 1)",
				specsString(tc.branches), tc.allowNotLinked, rule)
			if diff := cmp.Diff(pushedTo(tc.branches, tc.reached), log.branches()); diff != "" {
				t.Errorf("branches %s: the linked branches that got the buffer (-want +got):\n%s\nrule: %s (README: Step 1)",
					specsString(tc.branches), diff, rule)
			}
		})
	}
}

// TestPushToBranchesMatchesReferenceTee runs every case above through
// gstmini's reference tee (gstmini/elements.Tee, a port of gsttee.c) and
// through your PushToBranches: the same branches must get the buffer and the
// result must be the same.
func TestPushToBranchesMatchesReferenceTee(t *testing.T) {
	var all []flowCase
	for _, cases := range [][]flowCase{notLinkedCases, fatalCases, allUnlinkedCases} {
		all = append(all, cases...)
	}
	for _, tc := range all {
		t.Run(tc.description, func(t *testing.T) {
			refRet, refPushes := referenceTeePush(t, tc)
			pads, log := newBranches(t, tc.branches...)
			got := PushToBranches(frameBuffer(0), pads, tc.allowNotLinked)
			assert.Equal(t, refRet, got, "branches %s, allow-not-linked %t: the reference tee answers %s, PushToBranches %s (README: Step 1)",
				specsString(tc.branches), tc.allowNotLinked, refRet, got)
			if diff := cmp.Diff(refPushes, log.branches()); diff != "" {
				t.Errorf("branches %s: which branches got the buffer (-reference tee +yours):\n%s(README: Step 1)", specsString(tc.branches), diff)
			}
		})
	}
}

func referenceTeePush(t *testing.T, tc flowCase) (gstmini.FlowReturn, []string) {
	t.Helper()
	tee := elements.NewTee("reference")
	require.NoError(t, tee.SetProperty("allow-not-linked", tc.allowNotLinked))
	sink := tee.StaticPad("sink")
	require.True(t, sink.SetActive(true))
	t.Cleanup(func() { sink.SetActive(false) })
	log := &pushLog{}
	for _, spec := range tc.branches {
		src, err := tee.RequestPad("src_%u")
		require.NoError(t, err)
		linkBranch(t, src, spec, log)
	}
	return sink.Chain(frameBuffer(0)), log.branches()
}
