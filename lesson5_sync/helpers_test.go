package avsync

import (
	"bytes"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
)

const (
	ms   = time.Millisecond
	sec  = time.Second
	none = gstmini.ClockTimeNone
)

// watchdog bounds every wait of these tests for something that should
// happen at once; a test never sleeps on real time to let something happen.
const watchdog = 2 * time.Second

// goroutineID returns the number of the calling goroutine, as the first
// line of its stack trace gives it ("goroutine 18 [running]:"). The tests
// use it to check which goroutine runs a chain function, nothing else.
func goroutineID() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	id, _, _ := bytes.Cut(bytes.TrimPrefix(buf, []byte("goroutine ")), []byte(" "))
	return string(id)
}

// A push is one buffer a branch's chain function received.
type push struct {
	branch    string
	buf       *gstmini.Buffer
	goroutine string
}

// pushLog records, in order, the pushes every branch of a test received.
type pushLog struct {
	mu     sync.Mutex
	pushes []push
}

func (l *pushLog) add(p push) {
	l.mu.Lock()
	l.pushes = append(l.pushes, p)
	l.mu.Unlock()
}

// branches returns the names of the branches that received a buffer, in
// the order they received it.
func (l *pushLog) branches() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var names []string
	for _, p := range l.pushes {
		names = append(names, p.branch)
	}
	return names
}

func (l *pushLog) all() []push {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]push(nil), l.pushes...)
}

// A branchSpec describes a branch of a test tee: linked to a sink pad whose
// chain function answers ret, or, with unlinked, a source pad with no peer
// (its Push answers NOT_LINKED).
type branchSpec struct {
	name     string
	ret      gstmini.FlowReturn
	unlinked bool
}

func ok(name string) branchSpec                            { return branchSpec{name: name, ret: gstmini.FlowOK} }
func answers(name string, r gstmini.FlowReturn) branchSpec { return branchSpec{name: name, ret: r} }
func unlinked(name string) branchSpec                      { return branchSpec{name: name, unlinked: true} }

func (b branchSpec) String() string {
	if b.unlinked {
		return b.name + ":unlinked"
	}
	return b.name + ":" + b.ret.String()
}

func specsString(specs []branchSpec) string {
	var parts []string
	for _, s := range specs {
		parts = append(parts, s.String())
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// linkBranch links src, an active source pad, to a new active sink pad
// whose chain function logs the buffer under spec.name, drops it and
// answers spec.ret; for an unlinked spec it leaves src alone.
func linkBranch(t *testing.T, src *gstmini.Pad, spec branchSpec, log *pushLog) {
	t.Helper()
	if spec.unlinked {
		return
	}
	sink := newSinkPad(t, spec.name)
	sink.SetChainFunc(func(_ *gstmini.Pad, _ gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
		log.add(push{branch: spec.name, buf: buf, goroutine: goroutineID()})
		buf.Unref()
		return spec.ret
	})
	require.True(t, sink.SetActive(true), "activating the sink pad of branch %s", spec.name)
	require.NoError(t, src.Link(sink), "linking branch %s", spec.name)
	t.Cleanup(func() { src.SetActive(false); sink.SetActive(false) })
}

// newBranches returns one active source pad per spec, linked as the spec
// says, in the order given, and the log their sink pads write to.
func newBranches(t *testing.T, specs ...branchSpec) ([]*gstmini.Pad, *pushLog) {
	t.Helper()
	log := &pushLog{}
	var pads []*gstmini.Pad
	for _, spec := range specs {
		src := gstmini.NewPad(spec.name, gstmini.PadSrc)
		require.True(t, src.SetActive(true), "activating the source pad of branch %s", spec.name)
		linkBranch(t, src, spec, log)
		pads = append(pads, src)
	}
	return pads, log
}

// pushedTo returns the names of the linked specs among the first n, those
// whose chain function must have run when the push stopped after n.
func pushedTo(specs []branchSpec, n int) []string {
	var names []string
	for _, s := range specs[:n] {
		if !s.unlinked {
			names = append(names, s.name)
		}
	}
	return names
}

func short(d time.Duration) string {
	if d == none {
		return "none"
	}
	return d.String()
}

func frameBuffer(pts time.Duration) *gstmini.Buffer {
	b := gstmini.NewBufferWithPTS(pts, 33*ms)
	return b
}

// timeAfter is time.After, for the watchdogs: a channel that fires only if
// something that should happen at once did not.
func timeAfter(d time.Duration) <-chan time.Time { return time.After(d) }

// A padHolder is an element that only holds a test's sink pad: a pad
// without a parent element refuses data with FLUSHING, as in GStreamer
// (gst_pad_chain_data_unchecked finds no parent).
type padHolder struct{ gstmini.ElementBase }

// newSinkPad returns an inactive sink pad named name+"_sink" on an element
// of its own named name.
func newSinkPad(t *testing.T, name string) *gstmini.Pad {
	t.Helper()
	e := &padHolder{}
	e.Init(e, name)
	sink := gstmini.NewPad(name+"_sink", gstmini.PadSink)
	require.NoError(t, e.AddPad(sink))
	return sink
}
