package demo

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The two runs of the issue that reported the gaps: 4 s at 30 fps, 1 s
// segments, 1.5 s uploads, as the counts stood before the camera closed its
// capture window at EOS.
var (
	// -queue=false: 44 slots of the last stall were in no count.
	noQueueBefore = Stats{FramesSlots: 120, FramesCaptured: 32, FramesLostCamera: 44, FramesUploaded: 32,
		SegmentsClosed: 3, SegmentsUploaded: 3, FPS: 30, TargetDurationS: 1}
	// -leaky downstream -max-size-buffers 5: the frame taken at EOS and
	// discarded counted as delivered.
	leakyBefore = Stats{FramesSlots: 120, FramesCaptured: 121, QueueDropped: 83, FramesUploaded: 37,
		SegmentsClosed: 4, SegmentsUploaded: 4, FPS: 30, TargetDurationS: 1, Queue: true}
)

func TestStats_CheckAccountingNamesTheSumThatDoesNotAddUp(t *testing.T) {
	err := noQueueBefore.CheckAccounting()
	require.Error(t, err, "32 uploaded + 44 lost of 120 slots must not pass")
	assert.Contains(t, err.Error(), "frames_slots 120 != frames_uploaded 32 + frames_lost_camera 44 + queue_dropped 0 + frames_not_uploaded 0 = 76")
	assert.NotContains(t, err.Error(), "frames_captured", "the delivered frames do add up: 32 = 32 uploaded")

	err = leakyBefore.CheckAccounting()
	require.Error(t, err, "121 delivered of 120 slots must not pass")
	assert.Contains(t, err.Error(), "frames_captured 121 != frames_uploaded 37 + queue_dropped 83 + frames_not_uploaded 0 = 120")

	after := noQueueBefore
	after.FramesLostCamera = 88
	assert.NoError(t, after.CheckAccounting(), "120 slots = 32 uploaded + 88 lost at the camera")

	segments := after
	segments.SegmentsUploaded = 2
	err = segments.CheckAccounting()
	require.Error(t, err, "a closed segment neither uploaded nor recorded must not pass")
	assert.Contains(t, err.Error(), "segments_closed 3 != segments_uploaded 2 + segments_not_uploaded 0 = 2")
}

func TestStats_RowsStateTheSums(t *testing.T) {
	note := func(st Stats, name string) string {
		t.Helper()
		for _, r := range st.Rows() {
			if r.Name == name {
				return r.Note
			}
		}
		t.Fatalf("no %s row in %v", name, st.Rows())
		return ""
	}
	after := noQueueBefore
	after.FramesLostCamera = 88
	assert.Equal(t, "= 32 uploaded + 88 lost at the camera + 0 dropped in the queue", note(after, "frames_slots"))
	assert.Equal(t, "delivered by the camera = 32 uploaded + 0 dropped in the queue", note(after, "frames_captured"))
	assert.Equal(t, "!= 32 uploaded + 44 lost at the camera + 0 dropped in the queue = 76: 44 unaccounted",
		note(noQueueBefore, "frames_slots"), "the table shows a gap instead of hiding it")
	assert.True(t, strings.HasSuffix(note(leakyBefore, "frames_captured"), "= 120: 1 unaccounted"),
		"frames_captured note %q", note(leakyBefore, "frames_captured"))

	stopped := Stats{FramesSlots: 61, FramesCaptured: 31, FramesLostCamera: 30, FramesNotUploaded: 31,
		SegmentsClosed: 1, SegmentsNotUploaded: 1, NotUploaded: map[string]int{"shutdown": 1}, FPS: 30, TargetDurationS: 1}
	assert.Equal(t, "= 0 uploaded + 30 lost at the camera + 0 dropped in the queue + 31 not uploaded", note(stopped, "frames_slots"))
	assert.Contains(t, note(stopped, "segments_not_uploaded"), "reasons: shutdown 1")
}
