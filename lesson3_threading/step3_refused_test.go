package threading

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Step 3. A queue that downstream made give up refuses serialized events
// as it refuses buffers: it will never push them, so accepting one would
// lie to the sender (gst_queue_handle_sink_event refuses a non-sticky
// serialized event with srcresult, gstqueue.c:979-985 and :1045).
func TestSerializedEventsAreRefusedOnceDownstreamFailed(t *testing.T) {
	f := pausedByError(t)

	ok := f.sendEvent(t, marker("after-the-error"))
	require.False(t, ok,
		"the queue took a custom serialized event after the sink refused buffer 1 with error; want it refused: "+
			"the streaming goroutine is paused and will never push it.\n"+
			"hint: enqueueEvent returns q.srcresult, without queueing, when it is not FlowOK (README: Step 3)")
	require.Equal(t, 1, levelOf(t, f.q), "CurrentLevelBuffers() after a refused event; want 1 (buffer 2): an event takes no room")
}
