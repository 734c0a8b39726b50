package avsync

import "github.com/gstmini/workbook/gstmini"

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
//
// TODO(lesson5): implement (README: Step 2).
func AddBranch(bin *gstmini.Bin, tee gstmini.Element, elems ...gstmini.Element) (*gstmini.Pad, error) {
	return nil, nil
}
