// Package trace records what a gstmini pipeline's goroutines do, in the
// spirit of GStreamer's tracers (GST_TRACERS), and shows it three ways:
//
//   - WriteJSON writes Chrome trace-event JSON, for Perfetto
//     (ui.perfetto.dev) or chrome://tracing: one track per goroutine (a
//     pad's streaming task, or the application), spans for chain calls,
//     clock waits and uploads, counter tracks for queue levels, and instant
//     events for drops, DISCONT buffers and EOS.
//   - Timeline prints a compact terminal timeline, one row per streaming
//     goroutine (capturing, pushing, waiting on the clock, uploading), the
//     queue levels and the drops, so that "livesource ! hlssegmenter !
//     s3sink" and the same with a queue can be compared at a glance.
//   - WriteDot writes the pipeline graph in Graphviz's language, as
//     GST_DEBUG_BIN_TO_DOT_FILE does (GST_DEBUG_DUMP_DOT_DIR).
//
// # How it observes
//
// gstmini's core has no tracer hooks (GStreamer's GST_TRACER_* calls), so
// Attach instruments a pipeline before it plays, changing nothing it does:
//
//   - the pipeline gets a Clock that wraps the clock it would use and
//     records every wait (gst_clock_id_wait), on the goroutine that waits;
//   - every sink pad's chain and event functions are wrapped in place:
//     the wrappers record the chain call (pad-chain-pre/post) and
//     serialized events such as EOS around the pad's own functions, so
//     buffers, events and queries take exactly the path they take untraced;
//   - a bus sync handler records state changes, errors, QoS (frames a
//     live source lost), and element messages: a queue's overrun, an
//     S3Sink's "s3sink-upload" (which closes an upload span); then it
//     passes each message to the sync handler installed before, if any.
//
// Tracer.Close puts the pads' functions, the clock setting and the sync
// handler back.
//
// Goroutines are told apart by their runtime id; a streaming goroutine's
// track is named after the pad whose task it runs ("livesource0:src").
// Times are the pipeline clock's, so a run on gstcheck.TestClock gives the
// same trace every time.
//
// Tracing costs nothing when off: without Attach nothing is wrapped. When
// on, each chain call costs a mutex and a recorded event, and each
// serialized event a goroutine-id lookup too (a stack read; chain calls
// reuse the id the last event on their pad found).
package trace
