// Package gstcheck is gstmini's test kit, the counterpart of GStreamer's
// libgstcheck (libs/gst/check at tag 1.22.0).
//
// It provides TestClock (GstTestClock), a Clock whose time moves only when the
// test says so and whose waits return only when the test processes them. A
// test waits until an element blocks on the clock, inspects the pending
// waits, then advances or cranks the clock to release them, without ever
// sleeping on real time.
package gstcheck
