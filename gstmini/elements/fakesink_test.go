package elements

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

func TestFakeSink_PropertyDefaults(t *testing.T) {
	sink := NewFakeSink("fakesink0")
	for _, tc := range []struct {
		name string
		want any
	}{
		{"sync", false}, // fakesink's one change to BaseSink's defaults
		{"async", true},
		{"qos", false},
		{"max-lateness", time.Duration(-1)},
		{"silent", true},
		{"dump", false},
		{"signal-handoffs", false},
		{"num-buffers", int64(-1)},
		{"can-activate-push", true},
	} {
		if got := mustGet(t, sink.Base(), tc.name); got != tc.want {
			t.Errorf("Property(%q) = %v (%T); want %v (%T)", tc.name, got, got, tc.want, tc.want)
		}
	}
	if sink.Sync() {
		t.Errorf("Sync() = true; want false")
	}
	for _, name := range []string{"silent", "dump"} {
		if spec, _ := sink.FindProperty(name); spec.Flags&gstmini.PropMutablePlaying == 0 {
			t.Errorf("property %q lacks PropMutablePlaying (GST_PARAM_MUTABLE_PLAYING in GStreamer)", name)
		}
	}
}

func TestFakeSink_PropertyErrors(t *testing.T) {
	sink := NewFakeSink("fakesink0")
	for _, tc := range []struct {
		name  string
		value any
		want  error
	}{
		{"num-buffers", -2, gstmini.ErrBadPropertyValue},
		{"can-activate-push", false, gstmini.ErrBadPropertyValue},
		{"silent", "maybe", gstmini.ErrBadPropertyValue},
		{"state-error", "null-to-ready", gstmini.ErrUnknownProperty},
	} {
		err := sink.SetProperty(tc.name, tc.value)
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), "fakesink0") {
			t.Errorf("SetProperty(%q, %v) = %v; want %v naming fakesink0", tc.name, tc.value, err, tc.want)
		}
	}
}

func TestFakeSink_NumBuffersEndsTheStream(t *testing.T) {
	f := newFakePipeline(t) // fakesrc without num-buffers: only the sink ends it
	mustSet(t, f.sink.Base(), "num-buffers", 5)
	f.run(t)
	if got := f.sink.Rendered(); got != 5 {
		t.Errorf("fakesink num-buffers=5 rendered %d buffers; want 5", got)
	}
	// The count restarts on READY→PAUSED.
	f.run(t)
	if got := f.sink.Rendered(); got != 10 {
		t.Errorf("after a second run, rendered %d buffers in all; want 10", got)
	}
}

func TestFakeSink_HandoffsMayKeepBuffers(t *testing.T) {
	f := newFakePipeline(t)
	mustSet(t, f.src.Base(), "num-buffers", 3)
	mustSet(t, f.src.Base(), "sizetype", "fixed")
	mustSet(t, f.src.Base(), "sizemax", 16)
	mustSet(t, f.sink.Base(), "signal-handoffs", true)
	var kept []*gstmini.Buffer
	var prerolled []*gstmini.Buffer
	f.sink.SetHandoff(func(buf *gstmini.Buffer) { kept = append(kept, buf.Ref()) })
	f.sink.SetPrerollHandoff(func(buf *gstmini.Buffer) { prerolled = append(prerolled, buf) })
	f.run(t)
	if len(kept) != 3 {
		t.Fatalf("handoff saw %d buffers; want 3", len(kept))
	}
	for i, buf := range kept {
		if n := buf.RefCount(); n != 1 || buf.Size() != 16 || buf.Offset != uint64(16*i) {
			t.Errorf("kept buffer %d: refcount %d, size %d, offset %d; want 1, 16, %d (the handoff's own reference)",
				i, n, buf.Size(), buf.Offset, 16*i)
		}
		buf.Unref()
	}
	if len(prerolled) != 1 || prerolled[0] != kept[0] {
		t.Errorf("preroll-handoff saw %d buffers; want 1: the first buffer", len(prerolled))
	}
}

func TestFakeSink_Dump(t *testing.T) {
	f := newFakePipeline(t)
	var out bytes.Buffer
	f.sink.dumpOut = &out // written on the streaming goroutine, read after Run
	for name, v := range map[string]any{"num-buffers": 1, "sizetype": "fixed", "sizemax": 3, "filltype": "pattern"} {
		mustSet(t, f.src.Base(), name, v)
	}
	mustSet(t, f.sink.Base(), "dump", true)
	f.run(t)
	if !strings.Contains(out.String(), "00 01 02") {
		t.Errorf("fakesink dump = %q; want the bytes 00 01 02", out.String())
	}
}
