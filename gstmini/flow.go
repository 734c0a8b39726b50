package gstmini

import "strconv"

// FlowReturn is the result of pushing data (GstFlowReturn). It travels back
// upstream as the return value of Pad.Push and of every chain function, so a
// source learns that downstream hit end of stream, is flushing or failed.
// Values below FlowOK are errors or "stop" conditions.
type FlowReturn int

// Flow results, with GStreamer's numbering (gst/gstpad.h).
const (
	FlowCustomSuccess2 FlowReturn = 102 // element-defined success
	FlowCustomSuccess1 FlowReturn = 101 // element-defined success
	FlowCustomSuccess  FlowReturn = 100 // element-defined success
	FlowOK             FlowReturn = 0   // data passed
	FlowNotLinked      FlowReturn = -1  // the pad has no peer
	FlowFlushing       FlowReturn = -2  // the pad is flushing or inactive
	FlowEOS            FlowReturn = -3  // downstream is at end of stream and takes no more data
	FlowNotNegotiated  FlowReturn = -4  // the caps were not negotiated
	FlowError          FlowReturn = -5  // a fatal error; the element posts an ERROR message
	FlowNotSupported   FlowReturn = -6  // the operation is not supported
	FlowCustomError    FlowReturn = -100
	FlowCustomError1   FlowReturn = -101
	FlowCustomError2   FlowReturn = -102
)

// String returns GStreamer's name for r, as gst_flow_get_name does
// (gst/gstpad.c:235 at 1.22.0): "ok", "not-linked", "flushing", "eos", ...
func (r FlowReturn) String() string {
	switch r {
	case FlowOK:
		return "ok"
	case FlowNotLinked:
		return "not-linked"
	case FlowFlushing:
		return "flushing"
	case FlowEOS:
		return "eos"
	case FlowNotNegotiated:
		return "not-negotiated"
	case FlowError:
		return "error"
	case FlowNotSupported:
		return "not-supported"
	}
	if r >= FlowCustomSuccess {
		return "custom-success"
	}
	if r <= FlowCustomError {
		return "custom-error"
	}
	return "unknown flow return " + strconv.Itoa(int(r))
}

// IsFatal reports whether r must stop a streaming thread with an error
// message: FlowNotLinked and everything below FlowEOS
// (GST_FLOW_IS_FATAL-like rule used by gst_base_src_loop and gst_queue_loop).
func (r FlowReturn) IsFatal() bool { return r == FlowNotLinked || r < FlowEOS }
