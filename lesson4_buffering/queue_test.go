package buffering

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gstmini/workbook/gstmini"
)

// Steps 5-7: the queue container.

func runQueueCases(t *testing.T, cases []queueCase, hint string) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.description, func(t *testing.T) {
			got := runQueueScript(NewQueue(tc.max, tc.leaky), tc.script)
			if !slices.Equal(got, tc.want) {
				t.Errorf("NewQueue(max-size %v, leaky %v), step by step:\n got:\n%s\nwant:\n%s\nhint: %s",
					tc.max, tc.leaky, lines(got), lines(tc.want), hint)
			}
		})
	}
}

// ---- Step 5 ----

func TestQueuePopsInPushOrder(t *testing.T) {
	runQueueCases(t, fifoCases, "Push appends at the tail, Pop takes from the head; Pop on an empty queue returns nil, false\n"+
		"(README: Step 5)")
	t.Run("a buffer nobody else holds comes out as the very same buffer", func(t *testing.T) {
		q := NewQueue(Level{}, LeakyNo)
		in := qbuf(1)
		q.Push(in)
		if out, ok := q.Pop(); !ok || out != in {
			t.Errorf("Push(buffer %p) then Pop() = %p, %t; want %p, true\n"+
				"hint: the queue passes buffers on, it copies nothing (README: Step 5)", in, out, ok, in)
		}
	})
}

func TestQueueTracksItsLevel(t *testing.T) {
	q := NewQueue(Level{}, LeakyNo)
	sized := func(n, size int) *gstmini.Buffer {
		b := qbuf(n)
		b.Data = make([]byte, size)
		return b
	}
	steps := []struct {
		what string
		do   func()
		want Level
	}{
		{"NewQueue", func() {}, Level{}},
		{"push 0 (100 bytes, PTS 0, 100 ms)", func() { q.Push(sized(0, 100)) }, Level{1, 100, 100 * ms}},
		{"push 1 (200 bytes, PTS 100 ms, 100 ms)", func() { q.Push(sized(1, 200)) }, Level{2, 300, 200 * ms}},
		{"push 2 (300 bytes, PTS 200 ms, 100 ms)", func() { q.Push(sized(2, 300)) }, Level{3, 600, 300 * ms}},
		{"pop (buffer 0 leaves)", func() { q.Pop() }, Level{2, 500, 200 * ms}},
		{"pop (buffer 1 leaves)", func() { q.Pop() }, Level{1, 300, 100 * ms}},
		{"pop (buffer 2 leaves: empty)", func() { q.Pop() }, Level{}},
		{"push 5 (400 bytes, PTS 500 ms, 100 ms) after a gap", func() { q.Push(sized(5, 400)) }, Level{1, 400, 300 * ms}},
	}
	var done []string
	for _, s := range steps {
		s.do()
		done = append(done, s.what)
		if got := q.Level(); got != s.want {
			t.Fatalf("after\n%s\nLevel() = %v; want %v\n"+
				"hint: Push adds 1 buffer and its Size() bytes and moves the sink position (ApplyBuffer); Pop takes them\n"+
				"off and moves the src position; Time is TimeLevel(sink, src), 0 when no buffer is left. Both\n"+
				"positions start at 0, so a gap before the next buffer counts (README: Step 5)",
				lines(done), got, s.want)
		}
	}
}

func TestQueueNotLeakyReportsWouldBlock(t *testing.T) {
	runQueueCases(t, notLeakyCases, "while IsFilled(level, Max), a LeakyNo queue answers blocked = true and does not take the\n"+
		"buffer: GStreamer's chain function would wait there (README: Step 5)")
}

// ---- Step 6 ----

func TestLeakyUpstreamDropsTheIncomingBuffer(t *testing.T) {
	runQueueCases(t, upstreamDropCases, "leaky upstream drops the NEW buffer: Push returns it in dropped and the queue keeps what\n"+
		"it has (README: Step 6)")
}

func TestLeakyUpstreamMarksTheNextAcceptedBufferDiscont(t *testing.T) {
	runQueueCases(t, upstreamDiscontCases, "after an upstream drop, the next buffer Push ACCEPTS gets DISCONT as it enters (the\n"+
		"tail_needs_discont of gstqueue.c), and only that one (README: Step 6)")
}

func TestLeakyUpstreamNeverFlagsASharedBuffer(t *testing.T) {
	q := NewQueue(Level{Buffers: 1}, LeakyUpstream)
	q.Push(qbuf(1))
	if dropped, _ := q.Push(qbuf(2)); len(dropped) != 1 {
		t.Fatalf("leaky upstream, max-size-buffers 1, holding buffer 1: Push(buffer 2) dropped %d buffers; want 1 (buffer 2)\n"+
			"hint: README: Step 6", len(dropped))
	}
	q.Pop()
	checkSharedBufferGetsACopy(t, q, 3, "upstream", "Push(buffer 3), then Pop()", false)
}

// ---- Step 7 ----

func TestLeakyDownstreamDropsTheOldest(t *testing.T) {
	runQueueCases(t, downstreamDropCases, "leaky downstream drops OLD buffers from the head, as many as needed until the queue\n"+
		"is no longer full, then queues the new one (README: Step 7)")
}

func TestLeakyDownstreamMarksTheNextBufferOutDiscont(t *testing.T) {
	runQueueCases(t, downstreamDiscontCases, "after a downstream leak, the next buffer POP returns gets DISCONT (the\n"+
		"head_needs_discont of gstqueue.c), and only that one (README: Step 7)")
}

func TestLeakyDownstreamNeverFlagsASharedBuffer(t *testing.T) {
	q := NewQueue(Level{Buffers: 1}, LeakyDownstream)
	q.Push(qbuf(2))
	checkSharedBufferGetsACopy(t, q, 3, "downstream", "Push(buffer 3), which leaks buffer 2, then Pop()", false)
}

// Steps 6-7. The same two cases, with another goroutine reading the shared
// buffer's flags while the queue works, as a second branch of a tee would.
// A queue that flags the shared buffer itself is then not only wrong but a
// data race, which go test -race reports.
func TestDiscontOnASharedBufferIsADataRace(t *testing.T) {
	explainRace(t, "the queue wrote the Flags of a buffer that another goroutine still holds and reads. "+
		"A buffer with more than one reference is shared: set DISCONT on buf = buf.MakeWritable(), "+
		"which is the same buffer only when the queue holds the only reference "+
		"(README: Leaky modes; Steps 6 and 7)")
	t.Run("leaky upstream", func(t *testing.T) {
		q := NewQueue(Level{Buffers: 1}, LeakyUpstream)
		q.Push(qbuf(1))
		q.Push(qbuf(2)) // dropped: the next buffer accepted gets DISCONT
		q.Pop()
		checkSharedBufferGetsACopy(t, q, 3, "upstream", "Push(buffer 3), then Pop()", true)
	})
	t.Run("leaky downstream", func(t *testing.T) {
		q := NewQueue(Level{Buffers: 1}, LeakyDownstream)
		q.Push(qbuf(2))
		checkSharedBufferGetsACopy(t, q, 3, "downstream", "Push(buffer 3), which leaks buffer 2, then Pop()", true)
	})
}

// checkSharedBufferGetsACopy pushes buffer n while the test keeps a
// reference to it, then pops it: the popped buffer must carry DISCONT, the
// test's must not. With concurrentReader, a goroutine reads the shared
// buffer's flags meanwhile: under -race a write to them is also reported
// as a data race with the reader.
func checkSharedBufferGetsACopy(t *testing.T, q *Queue, n int, mode, what string, concurrentReader bool) {
	t.Helper()
	in := qbuf(n)
	held := in.Ref() // the test keeps a reference: another element may still be reading this buffer
	read := make(chan bool, 1)
	if concurrentReader {
		go func() { read <- held.HasFlags(gstmini.BufferFlagDiscont) }() // reads while the queue works
	} else {
		read <- false
	}
	q.Push(in)
	out, ok := q.Pop()
	<-read // never blocks for long: the goroutine only reads a field
	hint := "hint: buf = buf.MakeWritable() before setting the flag: it copies the buffer if anybody else holds a\n" +
		"reference and drops the queue's reference to the original (README: Step " + map[string]string{"upstream": "6", "downstream": "7"}[mode] + ")"
	if !ok || out == nil {
		t.Fatalf("leaky %s, after a drop: %s = %v, %t; want buffer %d with DISCONT\n%s", mode, what, out, ok, n, hint)
	}
	var problems []string
	if !out.HasFlags(gstmini.BufferFlagDiscont) {
		problems = append(problems, fmt.Sprintf("%s returned %s; want DISCONT on it", what, bufName(out)))
	}
	if held.HasFlags(gstmini.BufferFlagDiscont) {
		problems = append(problems, fmt.Sprintf("the caller still held a reference to buffer %d, and the queue set DISCONT on that very\n"+
			"buffer; want the flag on a copy and the shared buffer untouched", n))
	}
	if out == held {
		problems = append(problems, what+" returned the shared buffer itself; want a copy (a different *Buffer)")
	}
	if got := held.RefCount(); got != 1 {
		problems = append(problems, fmt.Sprintf("the shared buffer has %d references afterwards; want 1, the caller's: the queue must drop its own", got))
	}
	if len(problems) > 0 {
		t.Errorf("leaky %s, after a drop, with the caller holding a reference to buffer %d:\n- %s\n%s",
			mode, n, strings.Join(problems, "\n- "), hint)
	}
}
