package elements

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/gstmini/workbook/gstmini"
)

// The tee's pad templates (gsttee.c:59 and :104 at 1.22.0).
var (
	teeSinkTemplate = gstmini.PadTemplate{NameTemplate: "sink", Direction: gstmini.PadSink, Presence: gstmini.PadAlways}
	teeSrcTemplate  = gstmini.PadTemplate{NameTemplate: "src_%u", Direction: gstmini.PadSrc, Presence: gstmini.PadRequest}
)

// teePad is what a tee knows of one of its source pads (GstTeePad,
// gsttee.c:136): its number, and during one push whether it got the
// buffer yet and with which result.
type teePad struct {
	pad     *gstmini.Pad
	index   uint
	pushed  bool
	result  gstmini.FlowReturn
	removed bool // released while a push was under way: its result no longer counts
}

// A Tee sends every buffer it receives to each of its source pads (GstTee,
// factory name "tee", plugins/elements/gsttee.c at 1.22.0). It has one
// always sink pad, "sink", and source pads on request, "src_0", "src_1",
// ...: ElementBase.RequestPad("src_%u") makes one and ReleaseRequestPad
// gives it back; ParseLaunch requests one per "t. ! ..." link. Create it
// with NewTee; the zero value is not usable.
//
// Goroutines. A tee has no goroutine of its own. Its chain function runs on
// the goroutine that pushes into it and pushes the buffer to each source
// pad in turn, in the order the pads were requested, each push returning
// before the next begins. So one blocked branch blocks them all: a sink
// that has prerolled waits in the push until PLAYING, and the other
// branches never get their first buffer, so a pipeline whose branches are
// not decoupled by a queue each never completes its change to PAUSED. Put
// a queue at the head of every branch, as GStreamer's documentation of tee
// says.
//
// Flow results (gst_tee_handle_data, gsttee.c:869-1014). The results of
// the branches combine as follows: a branch that returns NOT_LINKED is
// ignored; any other result but OK (FLUSHING, EOS, ERROR, ...) stops the
// push at once, so the branches after it do not get the buffer, and is
// the tee's result; otherwise the result is OK if some branch returned OK,
// and NOT_LINKED if every branch is unlinked or there are no source pads.
// In short: the first fatal result wins, and NOT_LINKED only when all are
// not linked. With "allow-not-linked" the all-unlinked and no-pads cases
// return OK instead. One branch reaching EOS therefore stops the source
// feeding the others.
//
// Events and queries. Events on the sink pad go to every source pad
// (gst_pad_event_default), so each branch gets stream-start, segment and
// EOS; a source pad requested later gets the sticky events the sink pad
// holds, stored to be sent before its first buffer. A pad requested while
// the tee is PAUSED or PLAYING is activated at once. A latency query on the
// sink pad answers, over the branches, the largest minimum latency and the
// smallest maximum, live if any branch is live (gst_pad_query_latency_default,
// gst/gstpad.c:3386); a query on a source pad goes upstream through the sink
// pad.
//
// Properties. num-src-pads (read-only), allow-not-linked, has-chain (false
// makes activation in push mode, the only mode gstmini has, fail), silent
// and last-message (with silent=false every buffer updates last-message).
// Left out, as gstmini pads work in push mode only and have no buffer
// lists or allocation queries: pull-mode (the tee never activates in pull
// mode, as with GStreamer's default "never"), alloc-pad (deprecated, no
// effect in GStreamer either), chain lists and the aggregation of
// allocation queries. All methods are safe for concurrent use.
type Tee struct {
	gstmini.ElementBase

	sinkpad *gstmini.Pad

	mu             sync.Mutex // GST_OBJECT_LOCK (tee): every field below
	pads           []*teePad  // in request order, as GstElement.srcpads
	cookie         uint64     // bumped whenever pads changes (pads_cookie)
	indexes        map[uint]bool
	nextIndex      uint
	sinkActive     bool
	allowNotLinked bool
	hasChain       bool
	silent         bool
	lastMessage    string
}

// NewTee returns a tee named name in state NULL with GStreamer's defaults:
// no source pads, allow-not-linked false, has-chain true, silent true
// (gst_tee_init, gsttee.c:307 at 1.22.0).
func NewTee(name string) *Tee {
	t := &Tee{indexes: map[uint]bool{}, hasChain: true, silent: true}
	t.Init(t, name)
	t.AddPadTemplate(teeSinkTemplate)
	t.AddPadTemplate(teeSrcTemplate)
	t.sinkpad = gstmini.NewPadFromTemplate(teeSinkTemplate, "sink")
	t.sinkpad.SetChainFunc(func(_ *gstmini.Pad, _ gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
		return t.handleData(buf)
	})
	t.sinkpad.SetActivateModeFunc(t.sinkActivateMode)
	if err := t.AddPad(t.sinkpad); err != nil {
		panic(err) // a fresh pad: cannot happen
	}
	t.installProperties()
	return t
}

func (t *Tee) installProperties() {
	locked := func(f func()) { t.mu.Lock(); f(); t.mu.Unlock() }
	t.InstallProperty(gstmini.PropertySpec{
		Name: "num-src-pads", Blurb: "The number of source pads", Type: gstmini.TypeInt, GType: "gint",
		Default: int64(0), Min: int64(0), Max: int64(math.MaxInt32), Flags: gstmini.PropReadable,
		Get: func() any { return int64(t.NumSrcPads()) },
	})
	t.InstallProperty(gstmini.BoolProperty("has-chain", "If the element can operate in push mode", true,
		func() (v bool) { locked(func() { v = t.hasChain }); return },
		func(v bool) { locked(func() { t.hasChain = v }) }))
	t.InstallProperty(gstmini.BoolProperty("silent", "Don't produce last_message events", true,
		func() (v bool) { locked(func() { v = t.silent }); return },
		func(v bool) { locked(func() { t.silent = v }) }))
	t.InstallProperty(gstmini.PropertySpec{
		Name: "last-message", Blurb: "The message describing current status", Type: gstmini.TypeString, GType: "gchararray",
		Default: "", Flags: gstmini.PropReadable,
		Get: func() any { return t.LastMessage() },
	})
	t.InstallProperty(gstmini.BoolProperty("allow-not-linked", "Return GST_FLOW_OK even if there are no source pads or they are all unlinked", false,
		func() (v bool) { locked(func() { v = t.allowNotLinked }); return },
		func(v bool) { locked(func() { t.allowNotLinked = v }) }))
}

// NumSrcPads returns how many source pads the tee has (the read-only
// property "num-src-pads").
func (t *Tee) NumSrcPads() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.pads)
}

// LastMessage returns the description of the last buffer received while
// "silent" was false, or "" (the read-only property "last-message").
func (t *Tee) LastMessage() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.lastMessage
}

// sinkActivateMode is gst_tee_sink_activate_mode (gsttee.c:1051): it
// records whether the sink pad is active, and refuses push mode when
// has-chain is false.
func (t *Tee) sinkActivateMode(_ *gstmini.Pad, _ gstmini.Element, _ gstmini.PadMode, active bool) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sinkActive = active
	if active && !t.hasChain {
		gstmini.Logger("tee").Info("tee cannot operate in push mode with has-chain=false", "element", t.Name())
		return false
	}
	return true
}

// RequestNewPad makes source pad "src_N" (gst_tee_request_new_pad,
// gsttee.c:351 at 1.22.0): N is the number in name, which must not be in
// use, or for name "" the lowest free number from one past the last
// requested. The new pad is activated if the sink pad is active, gets the
// sticky events the sink pad holds, and is added to the tee. Call
// ElementBase.RequestPad, which calls this.
func (t *Tee) RequestNewPad(templ gstmini.PadTemplate, name string) (*gstmini.Pad, error) {
	if templ.NameTemplate != teeSrcTemplate.NameTemplate {
		return nil, fmt.Errorf("element %s: request pad %q: template %q is not a request template of tee", t.Name(), name, templ.NameTemplate)
	}
	t.mu.Lock()
	var index uint
	if n, ok := strings.CutPrefix(name, "src_"); ok && name != "" {
		v, err := strconv.ParseUint(n, 10, 32)
		if err != nil {
			t.mu.Unlock()
			return nil, fmt.Errorf("element %s: request pad %q: want src_%%u or src_N with N a number", t.Name(), name)
		}
		index = uint(v)
		if t.indexes[index] {
			t.mu.Unlock()
			return nil, fmt.Errorf("element %s: request pad %q: pad name is not unique", t.Name(), name)
		}
		if index >= t.nextIndex {
			t.nextIndex = index + 1
		}
	} else {
		index = t.nextIndex
		for t.indexes[index] {
			index++
		}
		t.nextIndex = index + 1
	}
	t.indexes[index] = true
	active := t.sinkActive
	t.mu.Unlock()

	pad := gstmini.NewPadFromTemplate(templ, fmt.Sprintf("src_%d", index))
	if active && !pad.SetActive(true) {
		t.mu.Lock()
		delete(t.indexes, index)
		t.mu.Unlock()
		return nil, fmt.Errorf("element %s: request pad %s: could not activate it", t.Name(), pad.Name())
	}
	// forward_sticky_events (gsttee.c:336): store, do not send yet.
	for _, ev := range t.sinkpad.StickyEvents() {
		if ret := pad.StoreStickyEvent(ev); ret != gstmini.FlowOK {
			gstmini.Logger("tee").Debug("storing sticky event failed", "pad", pad.Name(), "event", ev.Type().String(), "flow", ret.String())
		}
	}
	t.mu.Lock()
	t.pads = append(t.pads, &teePad{pad: pad, index: index, result: gstmini.FlowNotLinked})
	t.cookie++
	t.mu.Unlock()
	if err := t.AddPad(pad); err != nil {
		t.forget(pad)
		return nil, err
	}
	return pad, nil
}

// ReleasePad deactivates and removes source pad p (gst_tee_release_pad,
// gsttee.c:447 at 1.22.0). A push under way on p counts as NOT_LINKED.
// Call ElementBase.ReleaseRequestPad, which calls this.
func (t *Tee) ReleasePad(p *gstmini.Pad) {
	t.mu.Lock()
	for _, tp := range t.pads {
		if tp.pad == p {
			tp.removed = true
		}
	}
	t.mu.Unlock()
	p.SetActive(false)
	if err := t.RemovePad(p); err != nil {
		gstmini.Logger("tee").Warn(err.Error())
	}
	t.forget(p)
}

// forget drops p from the tee's list and frees its number.
func (t *Tee) forget(p *gstmini.Pad) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, tp := range t.pads {
		if tp.pad == p {
			delete(t.indexes, tp.index)
			t.pads = append(t.pads[:i], t.pads[i+1:]...)
			t.cookie++
			return
		}
	}
}

// handleData is gst_tee_handle_data (gsttee.c:869 at 1.22.0): push buf to
// every source pad in turn and combine the results; see Tee.
func (t *Tee) handleData(buf *gstmini.Buffer) gstmini.FlowReturn {
	t.mu.Lock()
	if !t.silent {
		// gst_tee_do_message (gsttee.c:823), in gstmini's words.
		t.lastMessage = fmt.Sprintf("chain        ******* (%s)t (%d bytes, %s) %p",
			t.sinkpad, buf.Size(), gstmini.TimeString(buf.PTS), buf)
	}
	switch len(t.pads) {
	case 0:
		ret := gstmini.FlowNotLinked
		if t.allowNotLinked {
			ret = gstmini.FlowOK
		}
		t.mu.Unlock()
		buf.Unref()
		return ret
	case 1:
		// One pad: hand over the caller's reference.
		tp := t.pads[0]
		t.mu.Unlock()
		ret := tp.pad.Push(buf)
		t.mu.Lock()
		if tp.removed {
			ret = gstmini.FlowNotLinked
		}
		if ret == gstmini.FlowNotLinked && t.allowNotLinked {
			ret = gstmini.FlowOK
		}
		t.mu.Unlock()
		return ret
	}
	for _, tp := range t.pads {
		tp.pushed, tp.result = false, gstmini.FlowNotLinked
	}
restart:
	cret := gstmini.FlowNotLinked
	if t.allowNotLinked {
		cret = gstmini.FlowOK
	}
	cookie := t.cookie
	for i := 0; i < len(t.pads); i++ {
		tp := t.pads[i]
		var ret gstmini.FlowReturn
		if !tp.pushed {
			t.mu.Unlock()
			ret = tp.pad.Push(buf.Ref())
			t.mu.Lock()
			if tp.removed {
				ret = gstmini.FlowNotLinked
			}
			tp.pushed, tp.result = true, ret
		} else {
			ret = tp.result
		}
		if t.cookie != cookie {
			goto restart // pads came or went: pads pushed already are not pushed again
		}
		if ret != gstmini.FlowOK && ret != gstmini.FlowNotLinked {
			t.mu.Unlock()
			buf.Unref()
			return ret // the first fatal result stops the push
		}
		if ret != gstmini.FlowNotLinked {
			cret = ret
		}
	}
	t.mu.Unlock()
	buf.Unref()
	return cret
}
