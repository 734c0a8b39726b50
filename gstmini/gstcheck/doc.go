// Package gstcheck is gstmini's test kit, the counterpart of GStreamer's
// libgstcheck (libs/gst/check at tag 1.22.0).
//
// It provides TestClock (GstTestClock), a Clock whose time moves only when the
// test says so and whose waits return only when the test processes them. A
// test waits until an element blocks on the clock, inspects the pending
// waits, then advances or cranks the clock to release them, without ever
// sleeping on real time.
//
// It also provides Harness (GstHarness), which tests one element on its
// own: New links a harness source pad to the element's sink pad and the
// element's source pad to a harness sink pad, gives the element a TestClock
// at 0 (base time 0, so running time is the test clock's time) and a Bus,
// and sets it to PLAYING unless it is a source. The test pushes buffers and
// events with Push and PushEvent on its own goroutine and collects what the
// element outputs, from whatever goroutine, with Pull and PullEvent. Waits
// fail the test after 2 s of real time with a message saying what was
// expected, instead of hanging; blocking push mode and the clock helpers
// (CrankSingleClockWait) pace elements that push on their own goroutines.
package gstcheck
