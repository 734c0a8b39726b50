package gstmini

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"
)

// BufferOffsetNone is the "unset" Offset and OffsetEnd (GST_BUFFER_OFFSET_NONE).
const BufferOffsetNone = ^uint64(0)

// BufferFlags describe a buffer's place in the stream (GstBufferFlags).
type BufferFlags uint32

// Buffer flags, with GStreamer's bit values (gst/gstbuffer.h).
const (
	BufferFlagLive         BufferFlags = 1 << 4  // produced by a live source
	BufferFlagDecodeOnly   BufferFlags = 1 << 5  // decode but do not render
	BufferFlagDiscont      BufferFlags = 1 << 6  // data before this buffer is missing: a discontinuity
	BufferFlagResync       BufferFlags = 1 << 7  // timestamps may jump; resynchronise
	BufferFlagCorrupted    BufferFlags = 1 << 8  // the data may be corrupt
	BufferFlagMarker       BufferFlags = 1 << 9  // media-specific marker (end of frame, ...)
	BufferFlagHeader       BufferFlags = 1 << 10 // stream header data
	BufferFlagGap          BufferFlags = 1 << 11 // filler for a gap in the stream
	BufferFlagDroppable    BufferFlags = 1 << 12 // may be dropped without harm
	BufferFlagDeltaUnit    BufferFlags = 1 << 13 // not a key unit: cannot be decoded on its own
	BufferFlagTagMemory    BufferFlags = 1 << 14 // memory was changed
	BufferFlagSyncAfter    BufferFlags = 1 << 15 // elements should resync after this buffer
	BufferFlagNonDroppable BufferFlags = 1 << 16 // must not be dropped
)

var bufferFlagNames = []struct {
	f    BufferFlags
	name string
}{
	{BufferFlagLive, "live"}, {BufferFlagDecodeOnly, "decode-only"},
	{BufferFlagDiscont, "discont"}, {BufferFlagResync, "resync"},
	{BufferFlagCorrupted, "corrupted"}, {BufferFlagMarker, "marker"},
	{BufferFlagHeader, "header"}, {BufferFlagGap, "gap"},
	{BufferFlagDroppable, "droppable"}, {BufferFlagDeltaUnit, "delta-unit"},
	{BufferFlagTagMemory, "tag-memory"}, {BufferFlagSyncAfter, "sync-after"},
	{BufferFlagNonDroppable, "non-droppable"},
}

// String lists the set flags by GStreamer's nicks, joined by '+', or "none".
func (f BufferFlags) String() string {
	if f == 0 {
		return "none"
	}
	var parts []string
	for _, n := range bufferFlagNames {
		if f&n.f != 0 {
			parts = append(parts, n.name)
		}
	}
	return strings.Join(parts, "+")
}

// A Buffer is one unit of media data with its timing (GstBuffer): a payload
// whose length is its size, presentation and decoding timestamps, a duration,
// offsets and flags. Create it with NewBuffer or BufferPool.Acquire: the zero
// value has PTS 0, not an unset PTS.
//
// Buffers are reference counted as in GStreamer. Whoever holds a reference
// owns it; Pad.Push passes the caller's reference to the receiver, so a
// caller that wants to keep using a buffer after pushing it takes another
// reference first with Ref. Only the holder of the sole reference may change
// a buffer: use MakeWritable before setting flags or timestamps on a buffer
// someone else may hold (gst_buffer_make_writable), so no two goroutines ever
// touch the same Buffer's fields at once.
type Buffer struct {
	PTS       time.Duration // presentation timestamp, or ClockTimeNone
	DTS       time.Duration // decoding timestamp, or ClockTimeNone
	Duration  time.Duration // duration of the data, or ClockTimeNone
	Offset    uint64        // media-specific offset (frame number for video), or BufferOffsetNone
	OffsetEnd uint64        // media-specific end offset, or BufferOffsetNone
	Flags     BufferFlags
	Data      []byte         // the payload; len(Data) is the buffer's size
	Meta      map[string]any // optional metadata; nil when there is none

	refs atomic.Int32
	pool *BufferPool
}

// NewBuffer returns a buffer holding size zero bytes, with unset timestamps,
// duration and offsets, and one reference owned by the caller
// (gst_buffer_new_allocate).
func NewBuffer(size int) *Buffer {
	b := &Buffer{Data: make([]byte, size)}
	b.reset()
	return b
}

// NewBufferWithPTS returns an empty buffer with the given PTS and duration.
// It is a shorthand for tests and examples.
func NewBufferWithPTS(pts, duration time.Duration) *Buffer {
	b := NewBuffer(0)
	b.PTS, b.Duration = pts, duration
	return b
}

func (b *Buffer) reset() {
	b.PTS, b.DTS, b.Duration = ClockTimeNone, ClockTimeNone, ClockTimeNone
	b.Offset, b.OffsetEnd = BufferOffsetNone, BufferOffsetNone
	b.Flags = 0
	b.Meta = nil
	b.refs.Store(1)
}

// Size returns the payload size in bytes.
func (b *Buffer) Size() int { return len(b.Data) }

// HasFlags reports whether all of f are set.
func (b *Buffer) HasFlags(f BufferFlags) bool { return b.Flags&f == f }

// Ref adds a reference and returns b (gst_buffer_ref).
func (b *Buffer) Ref() *Buffer {
	b.refs.Add(1)
	return b
}

// Unref drops a reference (gst_buffer_unref). When the last one goes, a
// buffer that came from a BufferPool returns to it; the caller must not use
// b afterwards.
func (b *Buffer) Unref() {
	n := b.refs.Add(-1)
	if n == 0 && b.pool != nil {
		b.pool.release(b)
	}
	if n < 0 {
		panic("gstmini: Buffer.Unref of a buffer with no references")
	}
}

// RefCount returns the number of references, for tests and debugging.
func (b *Buffer) RefCount() int { return int(b.refs.Load()) }

// IsWritable reports whether the caller holds the only reference, so it may
// change the buffer's fields (gst_buffer_is_writable).
func (b *Buffer) IsWritable() bool { return b.refs.Load() == 1 }

// MakeWritable returns b itself if the caller holds its only reference, or
// else a copy made with Copy, dropping the caller's reference to b
// (gst_buffer_make_writable). The caller owns the result.
func (b *Buffer) MakeWritable() *Buffer {
	if b.IsWritable() {
		return b
	}
	c := b.Copy()
	b.Unref()
	return c
}

// Copy returns a new buffer with b's timestamps, offsets, flags and
// metadata, sharing b's payload bytes as gst_buffer_copy shares memory.
// Writing into the payload needs CopyDeep.
func (b *Buffer) Copy() *Buffer {
	c := &Buffer{
		PTS: b.PTS, DTS: b.DTS, Duration: b.Duration,
		Offset: b.Offset, OffsetEnd: b.OffsetEnd,
		Flags: b.Flags, Data: b.Data,
	}
	if b.Meta != nil {
		c.Meta = make(map[string]any, len(b.Meta))
		for k, v := range b.Meta {
			c.Meta[k] = v
		}
	}
	c.refs.Store(1)
	return c
}

// CopyDeep is Copy with a private copy of the payload (gst_buffer_copy_deep).
func (b *Buffer) CopyDeep() *Buffer {
	c := b.Copy()
	c.Data = append([]byte(nil), b.Data...)
	return c
}

// String describes the buffer as GStreamer's debug log does.
func (b *Buffer) String() string {
	return fmt.Sprintf("buffer: pts %s, dts %s, dur %s, size %d, offset %s, flags %s",
		TimeString(b.PTS), TimeString(b.DTS), TimeString(b.Duration), len(b.Data),
		offsetString(b.Offset), b.Flags)
}

func offsetString(o uint64) string {
	if o == BufferOffsetNone {
		return "none"
	}
	return fmt.Sprint(o)
}
