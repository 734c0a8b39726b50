// mutant: Decide drops the new buffer when full without block, as if the limit were a hard cap
package appbridge

import (
	"fmt"
	"time"

	"github.com/gstmini/workbook/gstmini/elements"
)

// A Level is what appsrc holds in its queue, or its limits
// (current-level-bytes/buffers/time, max-bytes/buffers/time). As limits, 0
// disables one; the zero value is no limit at all.
type Level struct {
	Bytes   uint64
	Buffers uint64
	Time    time.Duration
}

// String formats the level as "2 buffers, 2048 bytes, 66ms".
func (l Level) String() string {
	return fmt.Sprintf("%d buffers, %d bytes, %v", l.Buffers, l.Bytes, l.Time)
}

// PushConfig is how an appsrc is set up for back-pressure: its limits,
// block and leaky-type.
type PushConfig struct {
	Max   Level
	Block bool
	Leaky elements.AppLeakyType
}

// Action is what appsrc's push does with the buffer the application pushes.
type Action int

// Actions.
const (
	// Queue: the buffer goes into the queue (at or past the limit).
	Queue Action = iota
	// Wait: PushBuffer waits, on the application's goroutine, until the
	// streaming goroutine takes a buffer out (block=true).
	Wait
	// DropIncoming: the new buffer is dropped (leaky-type upstream).
	DropIncoming
	// DropOldest: the oldest queued buffer is dropped, then the new one is
	// queued (leaky-type downstream).
	DropOldest
)

// String returns the action's name.
func (a Action) String() string {
	switch a {
	case Queue:
		return "queue"
	case Wait:
		return "wait"
	case DropIncoming:
		return "drop-incoming"
	case DropOldest:
		return "drop-oldest"
	}
	return fmt.Sprintf("Action(%d)", int(a))
}

// Decide is appsrc's decision when the application pushes a buffer while
// the queue holds level (gst_app_src_push_internal, gstappsrc.c:2474). The
// queue is full when any enabled limit is reached (level >= max, 0
// disables a limit). When it is not full, the buffer is queued. When it is
// full, enoughData is true (appsrc calls the enough-data callback first)
// and then:
//
//	leaky-type upstream    DropIncoming
//	leaky-type downstream  DropOldest
//	block=true             Wait
//	otherwise              Queue: past the limit. Nothing stops the application but itself.
//
// Worked example, max-buffers 2 holding 2: with block it is (Wait, true);
// with neither block nor leaky it is (Queue, true), and the level becomes 3.
func Decide(level Level, cfg PushConfig) (a Action, enoughData bool) {
	max := cfg.Max
	full := (max.Bytes > 0 && level.Bytes >= max.Bytes) ||
		(max.Buffers > 0 && level.Buffers >= max.Buffers) ||
		(max.Time > 0 && level.Time >= max.Time)
	if !full {
		return Queue, false
	}
	switch {
	case cfg.Leaky == elements.AppLeakyUpstream:
		return DropIncoming, true
	case cfg.Leaky == elements.AppLeakyDownstream:
		return DropOldest, true
	case cfg.Block:
		return Wait, true
	}
	return DropIncoming, true
}
