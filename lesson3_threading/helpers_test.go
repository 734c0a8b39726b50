package threading

import (
	"fmt"
	"math"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/gstcheck"
)

// watchdog bounds every wait on another goroutine in these tests. It is a
// deadline, never a sleep: each wait returns as soon as what it waits for
// happens, so a deadlock fails the test with a message instead of hanging it.
const watchdog = 2 * time.Second

// Names of stack frames the tests look for in goroutine dumps.
var (
	pkgPath      = reflect.TypeFor[Queue]().PkgPath()
	frameChain   = pkgPath + ".(*Queue).chain("
	frameLoop    = pkgPath + ".(*Queue).loop"
	frameTaskRun = "gstmini.(*Task).run("
)

// ---- the elements around the queue ----

// testSrc is the upstream element: a "src" pad the test goroutine pushes
// from, as a source's streaming goroutine would.
type testSrc struct {
	gstmini.ElementBase
	pad *gstmini.Pad
}

func newTestSrc(name string) *testSrc {
	s := &testSrc{pad: gstmini.NewPad("src", gstmini.PadSrc)}
	s.Init(s, name)
	s.SetFlags(gstmini.ElementFlagSource)
	if err := s.AddPad(s.pad); err != nil {
		panic(err)
	}
	return s
}

// caller describes the goroutine that called the sink's chain function.
type caller struct {
	id   int64 // goroutine id
	task bool  // it runs a pad task (gstmini.(*Task).run)
	loop bool  // inside (*Queue).loop
}

func (c caller) String() string {
	switch {
	case c.task && c.loop:
		return fmt.Sprintf("goroutine %d (the queue's task, in loop)", c.id)
	case c.task:
		return fmt.Sprintf("goroutine %d (a pad task, not in (*Queue).loop)", c.id)
	}
	return fmt.Sprintf("goroutine %d (not a pad task)", c.id)
}

// noHold is the holdAt of a sink that holds nothing.
const noHold = math.MaxUint64

// testSink is the downstream element. It logs what reaches its "sink" pad,
// one line per buffer ("buffer 3", by Offset) or event ("segment", "eos",
// "custom-downstream marker"), remembers which goroutine pushed each
// buffer, and can hold one buffer inside its chain function, as a slow
// sink holds the pushing goroutine, until the test releases it. Like a real
// sink, it lets go on flush-start and when it is deactivated.
type testSink struct {
	gstmini.ElementBase
	pad *gstmini.Pad

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced on every change below
	log      []string
	callers  []caller
	holdAt   uint64             // Offset of the buffer to hold, or noHold
	refuseAt uint64             // Offset of the buffer to refuse with refuseBy, or noHold
	refuseBy gstmini.FlowReturn // what the chain call for refuseAt returns
	held     bool               // a chain call is holding a buffer now
	release  chan struct{}      // closed by releaseHeld
	flushing bool
	unblock  chan struct{} // closed on flush-start and deactivation
}

func newTestSink(name string) *testSink {
	s := &testSink{
		pad:      gstmini.NewPad("sink", gstmini.PadSink),
		changed:  make(chan struct{}),
		holdAt:   noHold,
		refuseAt: noHold,
		release:  make(chan struct{}),
		unblock:  make(chan struct{}),
	}
	s.Init(s, name)
	s.SetFlags(gstmini.ElementFlagSink)
	s.pad.SetChainFunc(s.chain)
	s.pad.SetEventFunc(s.event)
	s.pad.SetActivateModeFunc(func(_ *gstmini.Pad, _ gstmini.Element, _ gstmini.PadMode, active bool) bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		if active {
			s.flushing = false
			s.unblock = make(chan struct{})
		} else {
			s.startFlushingLocked()
		}
		return true
	})
	if err := s.AddPad(s.pad); err != nil {
		panic(err)
	}
	return s
}

func (s *testSink) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *testSink) startFlushingLocked() {
	if !s.flushing {
		s.flushing = true
		close(s.unblock)
	}
	s.notifyLocked()
}

func (s *testSink) chain(_ *gstmini.Pad, _ gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
	stack := currentStack()
	who := caller{id: goroutineID(stack), task: strings.Contains(stack, frameTaskRun), loop: strings.Contains(stack, frameLoop)}
	s.mu.Lock()
	s.log = append(s.log, fmt.Sprintf("buffer %d", buf.Offset))
	s.callers = append(s.callers, who)
	hold := buf.Offset == s.holdAt
	refused := buf.Offset == s.refuseAt
	refuseBy := s.refuseBy
	release, unblock := s.release, s.unblock
	s.held = hold
	s.notifyLocked()
	s.mu.Unlock()
	buf.Unref()
	if refused {
		return refuseBy
	}
	if !hold {
		return gstmini.FlowOK
	}
	select {
	case <-release:
	case <-unblock:
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held = false
	s.notifyLocked()
	if s.flushing {
		return gstmini.FlowFlushing
	}
	return gstmini.FlowOK
}

func (s *testSink) event(_ *gstmini.Pad, _ gstmini.Element, ev *gstmini.Event) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch ev.Type() {
	case gstmini.EventFlushStart:
		s.startFlushingLocked()
	case gstmini.EventFlushStop:
		s.flushing = false
		s.unblock = make(chan struct{})
	}
	line := ev.Type().String()
	if ev.Name() != "" {
		line += " " + ev.Name()
	}
	s.log = append(s.log, line)
	s.notifyLocked()
	return true
}

// hold makes the chain call for the buffer with Offset n wait until
// releaseHeld, flush-start or deactivation.
func (s *testSink) hold(n uint64) {
	s.mu.Lock()
	s.holdAt = n
	s.release = make(chan struct{})
	s.mu.Unlock()
}

// refuse makes the chain call for the buffer with Offset n return ret, as a
// sink that fails (FlowError) or has gone EOS does. The buffer is still
// logged: it reached the sink.
func (s *testSink) refuse(n uint64, ret gstmini.FlowReturn) {
	s.mu.Lock()
	s.refuseAt, s.refuseBy = n, ret
	s.mu.Unlock()
}

// releaseHeld lets the held buffer go; no later buffer is held.
func (s *testSink) releaseHeld() {
	s.mu.Lock()
	if s.holdAt != noHold {
		s.holdAt = noHold
		close(s.release)
	}
	s.mu.Unlock()
}

// Log returns what reached the sink so far.
func (s *testSink) Log() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

// buffers returns the buffer lines of the log.
func (s *testSink) buffers() []string {
	return slices.DeleteFunc(s.Log(), func(l string) bool { return !strings.HasPrefix(l, "buffer ") })
}

func (s *testSink) Callers() []caller {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.callers)
}

// waitFor waits until cond, called with the sink's lock held, is true; if
// it is not within the watchdog, it fails t with the message, what the
// sink received and the stacks of the lesson's goroutines.
func (s *testSink) waitFor(t *testing.T, cond func() bool, format string, args ...any) {
	t.Helper()
	timer := time.NewTimer(watchdog)
	defer timer.Stop()
	s.mu.Lock()
	for !cond() {
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-timer.C:
			t.Fatalf("%s\nThe sink received: %q\n%s", fmt.Sprintf(format, args...), s.Log(), lessonStacks())
		}
		s.mu.Lock()
	}
	s.mu.Unlock()
}

// waitForLine waits until line is in the log.
func (s *testSink) waitForLine(t *testing.T, line, format string, args ...any) {
	t.Helper()
	s.waitFor(t, func() bool { return slices.Contains(s.log, line) }, format, args...)
}

// waitHeld waits until the sink holds a buffer.
func (s *testSink) waitHeld(t *testing.T, n uint64) {
	t.Helper()
	s.waitFor(t, func() bool { return s.held },
		"the sink never received buffer %d within %v: nothing pushes out of the queue.\n"+
			"hint: the streaming goroutine (loop, started by activate) takes items out and pushes them (README: Step 2)", n, watchdog)
}

// ---- the pipeline: testsrc ! queue ! testsink ----

type fixture struct {
	pipeline *gstmini.Pipeline
	src      *testSrc
	q        *Queue
	sink     *testSink

	mu     sync.Mutex
	frozen bool
}

// newFixture builds "testsrc ! queue ! testsink" in a pipeline on a test
// clock, in NULL. When the test ends it releases the sink, unfreezes the
// queue and sets the pipeline to NULL, failing the test if that hangs.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{
		pipeline: gstmini.NewPipeline("pipeline"),
		src:      newTestSrc("testsrc"),
		q:        NewQueue("queue"),
		sink:     newTestSink("testsink"),
	}
	f.pipeline.UseClock(gstcheck.NewTestClock())
	if err := f.pipeline.Add(f.src, f.q, f.sink); err != nil {
		t.Fatal(err)
	}
	if err := f.src.pad.Link(f.q.SinkPad()); err != nil {
		t.Fatal(err)
	}
	if err := f.q.SrcPad().Link(f.sink.pad); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		f.sink.releaseHeld()
		f.unfreeze()
		stopWithin(t, f.pipeline, "at the end of the test")
	})
	explainRace(t)
	return f
}

// raceExplanation is what a data race reported in a test of this lesson
// means: the race report itself only names the two accesses that collided.
const raceExplanation = "every field of Queue below mu (items, buffers, maxSizeBuffers, srcresult) is shared by the upstream goroutine " +
	"(chain, enqueueEvent) and the streaming goroutine (loop), so each read and each write happens with q.mu held; " +
	"only the Push or PushEvent downstream happens with it released " +
	"(README: The queue you write, rule 1; Steps 1 and 2)"

// explainRace logs, when t fails under the race detector, what a data race
// means for this lesson: which lock was missing and which README step says
// so.
func explainRace(t *testing.T) {
	t.Cleanup(func() {
		if raceDetector && t.Failed() {
			t.Log("if the race detector reported a DATA RACE above: " + raceExplanation)
		}
	})
}

// freeze takes the queue's source pad stream lock before the queue starts.
// A pad task holds that lock while it runs (GST_PAD_STREAM_LOCK), so the
// streaming goroutine cannot run loop: whatever chain queues stays queued.
func (f *fixture) freeze(t *testing.T) {
	t.Helper()
	f.q.SrcPad().StreamLock().Lock()
	f.mu.Lock()
	f.frozen = true
	f.mu.Unlock()
}

func (f *fixture) unfreeze() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.frozen {
		f.frozen = false
		f.q.SrcPad().StreamLock().Unlock()
	}
}

// play sets the pipeline to PLAYING, then sends stream-start and a TIME
// segment from the source pad, as a source does before its first buffer.
func (f *fixture) play(t *testing.T) {
	t.Helper()
	setStateWithin(t, f.pipeline, gstmini.StatePlaying)
	f.sendEvent(t, gstmini.NewStreamStartEvent("testsrc/1"))
	f.sendEvent(t, gstmini.NewSegmentEvent(gstmini.NewSegment()))
}

// requireStreaming fails t at once if the queue's source pad has no
// running task: nothing would ever take data out of the queue.
func (f *fixture) requireStreaming(t *testing.T) {
	t.Helper()
	requireStreaming(t, f.q)
}

func requireStreaming(t *testing.T, q *Queue) {
	t.Helper()
	if st := q.SrcPad().TaskState(); st != gstmini.TaskStarted {
		t.Fatalf("the queue's source pad task is %s in PLAYING; want started: no goroutine takes data out of the queue.\n"+
			"hint: activate(true) starts the streaming goroutine with q.srcpad.StartTask(q.loop) (README: Step 2)", st)
	}
}

// newBuffer returns buffer n: Offset n, PTS n × 40 ms, 40 ms long.
func newBuffer(n uint64) *gstmini.Buffer {
	buf := gstmini.NewBufferWithPTS(time.Duration(n)*40*time.Millisecond, 40*time.Millisecond)
	buf.Offset, buf.OffsetEnd = n, n+1
	return buf
}

// pushing is a push running on a goroutine of its own.
type pushing struct {
	n    uint64
	gid  chan int64 // the pushing goroutine's id, sent before it pushes
	done chan struct{}
	ret  gstmini.FlowReturn // valid once done is closed
}

// pushAsync pushes buffer n from the source pad on a new goroutine, as a
// source's streaming goroutine would.
func (f *fixture) pushAsync(n uint64) *pushing {
	p := &pushing{n: n, gid: make(chan int64, 1), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.gid <- goroutineID(currentStack())
		p.ret = f.src.pad.Push(newBuffer(n))
	}()
	return p
}

// wait waits for the push to return and returns its result; if it does not
// within the watchdog, it fails t with the message.
func (p *pushing) wait(t *testing.T, format string, args ...any) gstmini.FlowReturn {
	t.Helper()
	select {
	case <-p.done:
		return p.ret
	case <-time.After(watchdog):
		t.Fatalf("%s\n%s", fmt.Sprintf(format, args...), lessonStacks())
		return 0
	}
}

// push pushes buffer n and fails t unless the push returns within the
// watchdog: chain must never wait for downstream.
func (f *fixture) push(t *testing.T, n uint64) gstmini.FlowReturn {
	t.Helper()
	p := f.pushAsync(n)
	select {
	case <-p.done:
		return p.ret
	case <-time.After(watchdog):
		t.Fatalf("push of buffer %d did not return within %v (the sink received %q; buffers queued: %s).\n"+
			"hint: chain only queues the buffer and returns; it must never wait for downstream. "+
			"Does loop hold q.mu while it pushes? (README: Steps 1 and 2)\n%s",
			n, watchdog, f.sink.Log(), levelString(f.q), lessonStacks())
		return 0
	}
}

// pushOK pushes buffers from..to-1 on one goroutine and fails t unless each
// returns FlowOK, all within the watchdog.
func (f *fixture) pushOK(t *testing.T, from, to uint64) {
	t.Helper()
	type result struct {
		n   uint64
		ret gstmini.FlowReturn
	}
	done := make(chan result, 1)
	go func() {
		for n := from; n < to; n++ {
			if ret := f.src.pad.Push(newBuffer(n)); ret != gstmini.FlowOK {
				done <- result{n, ret}
				return
			}
		}
		done <- result{to, gstmini.FlowOK}
	}()
	select {
	case r := <-done:
		if r.ret != gstmini.FlowOK {
			t.Fatalf("push of buffer %d = %s; want ok.\nhint: chain returns FlowOK once the buffer is queued (README: Step 1)", r.n, r.ret)
		}
	case <-time.After(watchdog):
		t.Fatalf("pushing buffers %d..%d did not finish within %v (buffers queued: %s).\n"+
			"hint: chain only queues the buffer and returns (README: Step 1); with max-size-buffers 0 it never waits (README: Step 4)\n%s",
			from, to-1, watchdog, levelString(f.q), lessonStacks())
	}
}

// sendEvent sends ev from the source pad and returns whether the queue
// took it; it fails t if that does not happen within the watchdog.
func (f *fixture) sendEvent(t *testing.T, ev *gstmini.Event) bool {
	t.Helper()
	done := make(chan bool, 1)
	go func() { done <- f.src.pad.PushEvent(ev) }()
	select {
	case ok := <-done:
		return ok
	case <-time.After(watchdog):
		t.Fatalf("sending %s into the queue did not return within %v (the sink received %q).\n"+
			"hint: a serialized event is queued like a buffer, without waiting (README: Step 3); "+
			"flush-start wakes everything and pauses the task, flush-stop restarts it (README: Step 5)\n%s",
			ev.Type(), watchdog, f.sink.Log(), lessonStacks())
		return false
	}
}

// waitPusherParked waits until the goroutine of p waits (on a condition
// variable or a channel) inside chain, and fails t if the push returns
// instead, or if neither happens within the watchdog.
func (f *fixture) waitPusherParked(t *testing.T, p *pushing, why string) {
	t.Helper()
	var gid int64
	select {
	case gid = <-p.gid:
	case <-time.After(watchdog):
		t.Fatalf("the goroutine pushing buffer %d never started", p.n)
	}
	g, ok := waitParked(func(g goroutine) bool { return g.id == gid && strings.Contains(g.stack, frameChain) },
		func() bool { return isClosed(p.done) })
	switch {
	case ok:
		return
	case isClosed(p.done):
		t.Fatalf("push of buffer %d returned %s at once %s; want it to wait inside chain until the streaming goroutine takes a buffer out.\n"+
			"hint: while q.isFullLocked(), chain waits on q.itemRemoved (README: Step 4)", p.n, p.ret, why)
	default:
		t.Fatalf("push of buffer %d %s neither returned nor waited inside chain within %v; last seen: %s\n"+
			"hint: chain waits with q.itemRemoved.Wait(), which releases q.mu (README: Step 4)", p.n, why, watchdog, g)
	}
}

// ---- reading the queue without trusting its lock ----

// tryLevel returns the number of queued buffers if q.mu is free now.
func tryLevel(q *Queue) (int, bool) {
	if !q.mu.TryLock() {
		return 0, false
	}
	defer q.mu.Unlock()
	return q.buffers, true
}

// levelString is tryLevel for failure messages.
func levelString(q *Queue) string {
	if n, ok := tryLevel(q); ok {
		return strconv.Itoa(n)
	}
	return "unknown (q.mu is held)"
}

// levelOf returns q.CurrentLevelBuffers() without ever blocking the test on
// q.mu: a goroutine should hold the lock only for a moment, so if it stays
// held for the watchdog, levelOf fails t.
func levelOf(t *testing.T, q *Queue) int {
	t.Helper()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(watchdog)
	defer deadline.Stop()
	for {
		if n, ok := tryLevel(q); ok {
			return n
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			t.Fatalf("q.mu stayed locked for %v: some goroutine holds the queue's lock while it waits for something else.\n"+
				"hint: hold q.mu only to change the queue's fields; unlock it before pushing downstream; "+
				"Cond.Wait releases it while waiting (README: Step 2)\n%s", watchdog, lessonStacks())
			return 0
		}
	}
}

// ---- state changes with a watchdog ----

// setStateWithin sets p to state and fails t unless that succeeds within
// the watchdog.
func setStateWithin(t *testing.T, p *gstmini.Pipeline, state gstmini.State) {
	t.Helper()
	done := make(chan gstmini.StateChangeReturn, 1)
	go func() { done <- p.SetState(state) }()
	select {
	case ret := <-done:
		if ret == gstmini.StateChangeFailure {
			t.Fatalf("pipeline.SetState(%s) = %s; want success (or no-preroll with a live source)", state, ret)
		}
	case <-time.After(watchdog):
		t.Fatalf("pipeline.SetState(%s) did not return within %v.\n"+
			"hint: activate must not wait for anything; deactivation wakes the streaming goroutine before StopTask waits for it (README: Step 2)\n%s",
			state, watchdog, lessonStacks())
	}
}

// stopWithin sets p to NULL and fails t (with Errorf, so that cleanups go
// on) unless that returns within the watchdog.
func stopWithin(t *testing.T, p *gstmini.Pipeline, when string) bool {
	t.Helper()
	done := make(chan struct{})
	go func() { p.Stop(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(watchdog):
		t.Errorf("setting the pipeline to NULL %s did not return within %v: a goroutine is stuck.\n"+
			"hint: deactivation (activate(false)) sets srcresult to flushing, wakes the streaming goroutine and a chain waiting for room, "+
			"then stops the task (README: Steps 2 and 5)\n%s", when, watchdog, lessonStacks())
		return false
	}
}

// eventually reports whether cond becomes true within the watchdog,
// checking every millisecond: for state that changes without notifying
// anybody, such as a task pausing itself.
func eventually(cond func() bool) bool {
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(watchdog)
	defer deadline.Stop()
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline.C:
			return cond()
		}
	}
	return true
}

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// ---- goroutine dumps ----

// goroutine is one entry of a goroutine dump (what runtime.Stack and a
// test timeout print).
type goroutine struct {
	id    int64
	state string // "running", "chan receive", "select", "sync.Cond.Wait", "sync.Mutex.Lock", ...
	stack string
}

// parked reports whether g waits for another goroutine to wake it: on a
// channel, in a select or on a sync.Cond. A goroutine waiting for a mutex
// does not count: it only waits for the holder to unlock.
func (g goroutine) parked() bool {
	return strings.HasPrefix(g.state, "chan ") || strings.HasPrefix(g.state, "select") || g.state == "sync.Cond.Wait"
}

func currentStack() string {
	buf := make([]byte, 16<<10)
	return string(buf[:runtime.Stack(buf, false)])
}

// goroutineID returns the id in a stack's "goroutine 7 [running]:" header.
func goroutineID(stack string) int64 {
	f := strings.Fields(stack)
	if len(f) < 2 {
		return -1
	}
	id, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return -1
	}
	return id
}

// allGoroutines parses a dump of every goroutine.
func allGoroutines() []goroutine {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []goroutine
	for _, block := range strings.Split(string(buf), "\n\n") {
		header, stack, _ := strings.Cut(block, "\n")
		open, end := strings.IndexByte(header, '['), strings.LastIndexByte(header, ']')
		if !strings.HasPrefix(header, "goroutine ") || open < 0 || end < open {
			continue
		}
		state, _, _ := strings.Cut(header[open+1:end], ",")
		out = append(out, goroutine{id: goroutineID(header), state: state, stack: stack})
	}
	return out
}

// waitParked waits until a goroutine matching match is parked and returns
// it with true. It returns false, with the last matching goroutine seen
// (id 0 if none), as soon as stop returns true or when the watchdog
// expires.
func waitParked(match func(goroutine) bool, stop func() bool) (goroutine, bool) {
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(watchdog)
	defer deadline.Stop()
	var last goroutine
	for {
		for _, g := range allGoroutines() {
			if match(g) {
				last = g
				if g.parked() {
					return g, true
				}
			}
		}
		if stop != nil && stop() {
			return last, false
		}
		select {
		case <-deadline.C:
			return last, false
		case <-tick.C:
		}
	}
}

// String describes g for failure messages.
func (g goroutine) String() string {
	if g.id == 0 {
		return "no such goroutine"
	}
	return fmt.Sprintf("goroutine %d [%s]:\n%s", g.id, g.state, strings.TrimSpace(g.stack))
}

// lessonStacks returns the stacks of the goroutines that run code of this
// lesson, for failure messages: where each one waits.
func lessonStacks() string {
	var b strings.Builder
	b.WriteString("goroutines in the queue's code:")
	self := goroutineID(currentStack())
	n := 0
	for _, g := range allGoroutines() {
		if g.id == self || !strings.Contains(g.stack, pkgPath+".(*Queue)") {
			continue
		}
		n++
		fmt.Fprintf(&b, "\n--- goroutine %d [%s]:\n%s", g.id, g.state, strings.TrimSpace(g.stack))
	}
	if n == 0 {
		b.WriteString(" none")
	}
	return b.String()
}
