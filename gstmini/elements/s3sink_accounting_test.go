package elements

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gstmini/workbook/gstmini"
)

// These tests pin S3Sink's accounting ("Every segment accounted for" on
// S3Sink): every segment that reaches the sink is uploaded, or recorded as
// not uploaded with the reason.

// assertSegmentsAccounted checks received = segments-uploaded +
// segments-not-uploaded, and that the properties agree with the methods.
func assertSegmentsAccounted(t *testing.T, s *S3Sink, received int, when string) {
	t.Helper()
	up, notUp := s.SegmentsUploaded(), s.SegmentsNotUploaded()
	assert.Equal(t, uint64(received), up+notUp,
		"%s: segments-uploaded %d + segments-not-uploaded %d; want the %d segments received: each is uploaded or recorded with its reason",
		when, up, notUp, received)
	assert.Len(t, s.Uploads(), int(up), "%s: Uploads() has one record per segment uploaded", when)
	assert.Len(t, s.NotUploaded(), int(notUp), "%s: NotUploaded() has one record per segment not uploaded", when)
	v, err := s.Property("segments-not-uploaded")
	require.NoError(t, err)
	assert.Equal(t, notUp, v, "%s: property segments-not-uploaded agrees with SegmentsNotUploaded", when)
}

// requireNotUploaded checks the one NotUploaded record of s: segment seq,
// for reason.
func requireNotUploaded(t *testing.T, s *S3Sink, seq int, reason NotUploadedReason) NotUploaded {
	t.Helper()
	nu := s.NotUploaded()
	require.Len(t, nu, 1, "NotUploaded(): want one record, segment %d (%s)", seq, reason)
	assert.Equal(t, reason, nu[0].Reason, "reason segment %d was not uploaded", seq)
	assert.Equal(t, seq, nu[0].Sequence, "sequence of the segment not uploaded")
	assert.Equal(t, segmentURI(seq), nu[0].URI, "URI of the segment not uploaded")
	assert.Len(t, nu[0].Frames, 2, "the record keeps the segment's frames (MetaHLSFrames), so that they can be counted")
	return nu[0]
}

func segmentURI(seq int) string { return fmt.Sprintf("segment%05d.ts", seq) }

func TestS3Sink_FlushDuringUploadIsNotUploadedForAFlush(t *testing.T) {
	r := newS3Rig(t, "sync", false, "async", false, "upload-latency", time.Second)
	r.startStream()
	done := r.goPush(s3Segment(0, 0, 6*time.Second))
	r.clock.WaitForPendingIDs(t, 1) // blocked in the upload wait
	require.NoError(t, r.clock.SetTime(300*time.Millisecond))
	require.True(t, r.src.PushEvent(gstmini.NewFlushStartEvent()))
	require.Equal(t, gstmini.FlowFlushing, r.result(done))

	nu := requireNotUploaded(t, r.sink, 0, NotUploadedFlush)
	assert.Equal(t, 300*time.Millisecond, nu.RunningTime, "the sink gave the segment up when the flush came")
	require.True(t, r.src.PushEvent(gstmini.NewFlushStopEvent(true)))
	require.True(t, r.src.PushEvent(gstmini.NewSegmentEvent(gstmini.NewSegment())))
	done = r.goPush(s3Segment(1, 0, 6*time.Second))
	r.clock.CrankT(t)
	require.Equal(t, gstmini.FlowOK, r.result(done))
	assertSegmentsAccounted(t, r.sink, 2, "segment 0 flushed, segment 1 uploaded")
}

func TestS3Sink_ShutdownIsNotUploadedForAShutdown(t *testing.T) {
	for _, tc := range []struct {
		name string
		wait func(r *s3Rig) // brings the push to where the shutdown interrupts it
	}{
		{"during the sync wait", func(r *s3Rig) { r.clock.WaitForPendingIDs(t, 1) }},
		{"during the upload", func(r *s3Rig) { r.clock.CrankT(t); r.clock.WaitForPendingIDs(t, 1) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newS3Rig(t, "upload-latency", time.Second)
			r.startStream()
			done := r.goPush(s3Segment(0, 2*time.Second, 6*time.Second)) // synced at 2 s
			tc.wait(r)
			r.shutdown()
			require.Equal(t, gstmini.FlowFlushing, r.result(done))

			requireNotUploaded(t, r.sink, 0, NotUploadedShutdown)
			assertSegmentsAccounted(t, r.sink, 1, "after NULL "+tc.name)
		})
	}
}

func TestS3Sink_PauseDuringUploadStillUploads(t *testing.T) {
	r := newS3Rig(t, "sync", false, "async", false, "upload-latency", time.Second)
	r.startStream()
	done := r.goPush(s3Segment(0, 0, 6*time.Second))
	r.clock.WaitForPendingIDs(t, 1)
	require.Equal(t, gstmini.StateChangeSuccess, r.sink.SetState(gstmini.StatePaused))
	require.Equal(t, gstmini.StateChangeSuccess, r.sink.SetState(gstmini.StatePlaying))
	r.clock.CrankT(t)
	require.Equal(t, gstmini.FlowOK, r.result(done))

	assert.Empty(t, r.sink.NotUploaded(), "a pause is not a reason: the upload finishes in PLAYING")
	assertSegmentsAccounted(t, r.sink, 1, "paused and resumed during the upload")
}

func TestS3Sink_StoreErrorIsNotUploadedForAnError(t *testing.T) {
	r := newS3Rig(t, "sync", false)
	r.sink.SetStore(s3FailingStore{})
	r.startStream()
	require.Equal(t, gstmini.FlowError, r.result(r.goPush(s3Segment(0, 0, time.Second))))

	requireNotUploaded(t, r.sink, 0, NotUploadedError)
	assertSegmentsAccounted(t, r.sink, 1, "the store refused the upload")
}

func TestS3Sink_SegmentOutsideTheSegmentIsNotUploadedAsDropped(t *testing.T) {
	r := newS3Rig(t, "sync", false)
	require.True(t, r.src.PushEvent(gstmini.NewStreamStartEvent("s3-test")))
	seg := gstmini.NewSegment()
	seg.Stop = time.Second
	require.True(t, r.src.PushEvent(gstmini.NewSegmentEvent(seg)))
	require.Equal(t, gstmini.FlowOK, r.result(r.goPush(s3Segment(0, 5*time.Second, time.Second))),
		"BaseSink clips a buffer outside the segment and returns OK")

	requireNotUploaded(t, r.sink, 0, NotUploadedDropped)
	assertSegmentsAccounted(t, r.sink, 1, "segment 0 lies outside [0, 1s]")
}

func TestS3Sink_NotUploadedIsForgottenOnNullToReady(t *testing.T) {
	r := newS3Rig(t, "sync", false, "async", false, "upload-latency", time.Second)
	r.startStream()
	done := r.goPush(s3Segment(0, 0, 6*time.Second))
	r.clock.WaitForPendingIDs(t, 1)
	r.shutdown()
	require.Equal(t, gstmini.FlowFlushing, r.result(done))
	require.Len(t, r.sink.NotUploaded(), 1, "readable after NULL")

	require.Equal(t, gstmini.StateChangeSuccess, r.sink.SetState(gstmini.StateReady))
	assert.Empty(t, r.sink.NotUploaded(), "NULL→READY starts a new run, as for Uploads")
	assert.Zero(t, r.sink.SegmentsNotUploaded())
}

func TestNotUploadedReason_String(t *testing.T) {
	for r, want := range map[NotUploadedReason]string{
		NotUploadedFlush: "flush", NotUploadedShutdown: "shutdown", NotUploadedDropped: "dropped",
		NotUploadedError: "error", 0: "NotUploadedReason(0)",
	} {
		assert.Equal(t, want, r.String(), "NotUploadedReason(%d).String()", int(r))
	}
}
