// mutant: the tee returns what the last branch answered
package avsync

import "github.com/gstmini/workbook/gstmini"

// PushToBranches is the heart of a tee (gst_tee_handle_data, gsttee.c:869
// at 1.22.0): it pushes buf to each pad of branches in turn, on the calling
// goroutine, and combines their flow returns. The caller gives up its
// reference to buf: each branch gets a reference of its own to the same
// buffer (no copy), and the caller's is dropped before returning.
//
// Each Push returns before the next begins, so one branch that blocks
// (a sink waiting in preroll, a full queue) blocks every branch after it,
// and the goroutine feeding the tee.
//
// The results combine as gsttee.c does:
//
//   - NOT_LINKED from a branch is ignored: the other branches go on;
//   - any other result but OK (FLUSHING, EOS, ERROR, ...) stops the push at
//     once — the branches after it do not get the buffer — and is returned;
//   - otherwise the result is OK if at least one branch returned OK, and
//     NOT_LINKED if all were not linked or there are no branches; with
//     allowNotLinked, OK then too.
//
// Worked example: three branches answering NOT_LINKED, OK, EOS get the
// buffer in that order and PushToBranches returns EOS; answering
// EOS, OK, OK only the first gets it, and the result is EOS.
func PushToBranches(buf *gstmini.Buffer, branches []*gstmini.Pad, allowNotLinked bool) gstmini.FlowReturn {
	defer buf.Unref()
	result := gstmini.FlowNotLinked
	if allowNotLinked {
		result = gstmini.FlowOK
	}
	for _, pad := range branches {
		switch ret := pad.Push(buf.Ref()); ret {
		case gstmini.FlowNotLinked:
			result = ret
		case gstmini.FlowOK:
			result = gstmini.FlowOK
		default:
			return ret // the first fatal result wins
		}
	}
	return result
}
