package gstmini

import "testing"

// benchLink returns an active source pad, past stream-start and segment,
// linked to a sink pad whose chain function releases each buffer.
func benchLink(b *testing.B) *Pad {
	b.Helper()
	sink := NewPad("sink", PadSink)
	sink.SetChainFunc(func(_ *Pad, _ Element, buf *Buffer) FlowReturn { buf.Unref(); return FlowOK })
	newTestElement("sink", sink)
	src := NewPad("src", PadSrc)
	newTestElement("src", src)
	if err := src.Link(sink); err != nil {
		b.Fatal(err)
	}
	src.SetActive(true)
	sink.SetActive(true)
	src.PushEvent(NewStreamStartEvent("bench"))
	src.PushEvent(NewSegmentEvent(NewSegment()))
	return src
}

// BenchmarkPadPush pushes pool buffers through one link into a chain
// function that releases them: the cost of Pad.Push with its locks and
// checks. It allocates nothing per buffer.
func BenchmarkPadPush(b *testing.B) {
	src := benchLink(b)
	pool := NewBufferPool(1024)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if ret := src.Push(pool.Acquire()); ret != FlowOK {
			b.Fatal(ret)
		}
	}
}

// BenchmarkPadPushRef pushes one buffer over and over, a reference each
// time: Pad.Push and the sink pad's stream lock without the buffer pool's
// acquire and release, which BenchmarkPadPush includes.
func BenchmarkPadPushRef(b *testing.B) {
	src := benchLink(b)
	buf := NewBuffer(1024)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if ret := src.Push(buf.Ref()); ret != FlowOK {
			b.Fatal(ret)
		}
	}
}

// BenchmarkPadPushChain pushes through a chain of three forwarding
// elements, as data crosses elements in a pipeline.
func BenchmarkPadPushChain(b *testing.B) {
	sink := NewPad("sink", PadSink)
	sink.SetChainFunc(func(_ *Pad, _ Element, buf *Buffer) FlowReturn { buf.Unref(); return FlowOK })
	newTestElement("sink", sink)
	next := sink
	for i := 0; i < 3; i++ {
		in, out := NewPad("sink", PadSink), NewPad("src", PadSrc)
		in.SetChainFunc(func(_ *Pad, _ Element, buf *Buffer) FlowReturn { return out.Push(buf) })
		newTestElement("identity", in, out)
		if err := out.Link(next); err != nil {
			b.Fatal(err)
		}
		out.SetActive(true)
		next.SetActive(true)
		next = in
	}
	src := NewPad("src", PadSrc)
	newTestElement("src", src)
	if err := src.Link(next); err != nil {
		b.Fatal(err)
	}
	src.SetActive(true)
	next.SetActive(true)
	src.PushEvent(NewStreamStartEvent("bench"))
	src.PushEvent(NewSegmentEvent(NewSegment()))
	pool := NewBufferPool(1024)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if ret := src.Push(pool.Acquire()); ret != FlowOK {
			b.Fatal(ret)
		}
	}
}
