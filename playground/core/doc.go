// Package core is the part of the web playground that does not depend on
// the browser: it runs a launch line with a tracer attached, on the real
// clock or a fast one, and turns what the tracer saw, the elements'
// counters and the pipeline's state into a Snapshot the page draws; it
// also opens trace files written by gstmini-launch --trace. The js/wasm
// bridge (package main in the folder above) only moves Snapshots to
// JavaScript as JSON, so everything here is tested natively.
package core
