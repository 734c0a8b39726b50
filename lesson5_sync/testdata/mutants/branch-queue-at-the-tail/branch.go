// mutant: the queue is put at the end of the branch instead of its head
package avsync

import (
	"errors"
	"fmt"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
)

// AddBranch adds one branch to tee, as an application builds
// "tee name=t ! queue ! a ! b  t. ! queue ! c" (gst-launch-1.0 does the same
// in gst_parse_launch): it requests a new source pad from the tee
// (gst_element_request_pad_simple with "src_%u"), adds a new queue and elems
// to bin, and links tee pad → queue → elems[0] → elems[1] → ... through
// each element's "sink" and "src" pads. It returns the tee pad; give it back
// with ReleaseRequestPad when the branch goes away.
//
// The queue at the head is the point of the exercise: it gives the branch
// a goroutine of its own, so the tee's push into this branch returns as
// soon as the buffer is queued, whatever the branch does with it — a sink
// waiting in preroll no longer holds the other branches (GStreamer's basic
// tutorial 7: "a queue in each branch").
//
// The elements must not be in a bin yet, and the pipeline should still be
// in NULL. On any error nothing is left behind: the pad is released and
// what was added to bin is removed again. The errors name the element
// concerned.
func AddBranch(bin *gstmini.Bin, tee gstmini.Element, elems ...gstmini.Element) (*gstmini.Pad, error) {
	if len(elems) == 0 {
		return nil, fmt.Errorf("add branch to %s: no elements for the branch", tee.Base().Name())
	}
	pad, err := tee.Base().RequestPad("src_%u")
	if err != nil {
		return nil, fmt.Errorf("add branch to %s: %w", tee.Base().Name(), err)
	}
	queue := elements.NewQueue(fmt.Sprintf("%s_%s_queue", tee.Base().Name(), pad.Name()))
	branch := append(append([]gstmini.Element(nil), elems...), queue)
	var added []gstmini.Element
	undo := func(err error) (*gstmini.Pad, error) {
		for _, e := range added {
			for _, p := range e.Base().Pads() {
				if peer := p.Peer(); peer != nil && p.Direction() == gstmini.PadSrc {
					p.Unlink(peer)
				}
			}
		}
		if peer := pad.Peer(); peer != nil {
			pad.Unlink(peer)
		}
		for _, e := range added {
			bin.Remove(e)
		}
		return nil, errors.Join(err, tee.Base().ReleaseRequestPad(pad))
	}
	for _, e := range branch {
		if err := bin.Add(e); err != nil {
			return undo(fmt.Errorf("add branch to %s: %w", tee.Base().Name(), err))
		}
		added = append(added, e)
	}
	upstream := pad
	for _, e := range branch {
		sink := e.Base().StaticPad("sink")
		if sink == nil {
			return undo(fmt.Errorf("add branch to %s: element %s has no sink pad to link to", tee.Base().Name(), e.Base().Name()))
		}
		if err := upstream.Link(sink); err != nil {
			return undo(fmt.Errorf("add branch to %s: link to %s: %w", tee.Base().Name(), e.Base().Name(), err))
		}
		if upstream = e.Base().StaticPad("src"); upstream == nil && e != branch[len(branch)-1] {
			return undo(fmt.Errorf("add branch to %s: element %s has no src pad to link from", tee.Base().Name(), e.Base().Name()))
		}
	}
	return pad, nil
}
