package elements

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/gstmini/workbook/gstmini"
)

// S3Sink defaults.
const (
	s3DefaultBucket = "live-streams" // the seed's
)

// Upload records one segment S3Sink uploaded. Times are running times:
// clock time minus base time, ClockTimeNone without a clock.
type Upload struct {
	URI      string          // the segment's URI (MetaHLSURI), "segment00000.ts"
	Key      string          // the store key: key-prefix/bucket/URI
	Sequence int             // the segment's media sequence number (MetaHLSSequence)
	PTS      time.Duration   // the segment buffer's PTS
	Duration time.Duration   // the segment buffer's duration
	Frames   []time.Duration // PTS of the segment's frames (MetaHLSFrames), for capture→upload latency
	Size     int             // bytes uploaded (the buffer's payload)
	Started  time.Duration   // running time when Render began: after the sync wait, before the upload wait
	Finished time.Duration   // running time when the store accepted the object
}

// NotUploadedReason says why S3Sink did not upload a segment it received.
type NotUploadedReason int

// The reasons a received segment is not uploaded.
const (
	// NotUploadedFlush: a flush (FLUSH_START, as a flushing seek sends)
	// interrupted the segment's sync wait, preroll or upload, or the segment
	// arrived while the sink was flushing.
	NotUploadedFlush NotUploadedReason = iota + 1
	// NotUploadedShutdown: the sink went from PAUSED to READY, on its way
	// to NULL, during the segment's sync wait, preroll or upload.
	NotUploadedShutdown
	// NotUploadedDropped: BaseSink dropped the segment without rendering
	// it: outside the segment, or later than max-lateness allows.
	NotUploadedDropped
	// NotUploadedError: the store refused the upload (the sink posted an
	// ERROR message), or BaseSink returned another flow result.
	NotUploadedError
)

// String returns the reason's name: "flush", "shutdown", "dropped" or
// "error".
func (r NotUploadedReason) String() string {
	switch r {
	case NotUploadedFlush:
		return "flush"
	case NotUploadedShutdown:
		return "shutdown"
	case NotUploadedDropped:
		return "dropped"
	case NotUploadedError:
		return "error"
	}
	return fmt.Sprintf("NotUploadedReason(%d)", int(r))
}

// NotUploaded records one segment S3Sink received but did not upload.
type NotUploaded struct {
	URI         string            // the segment's MetaHLSURI, or "" if it has none
	Sequence    int               // its MetaHLSSequence, or -1 if it has none
	PTS         time.Duration     // the segment buffer's PTS
	Duration    time.Duration     // the segment buffer's duration
	Frames      []time.Duration   // PTS of the segment's frames (MetaHLSFrames)
	Reason      NotUploadedReason // why it was not uploaded
	RunningTime time.Duration     // when the sink gave it up; ClockTimeNone without a clock
}

// An S3Sink "uploads" HLS segments and playlists to a Store, at the time
// the pipeline clock says they are due (factory name "s3sink"; the seed's
// S3Sink, with the "bucket" and "key-prefix" properties of gst-plugins-rs'
// awss3hlssink). It is a BaseSink: it syncs each segment buffer on its PTS
// (sync=TRUE by default), so a segment leaves when its running time plus
// the pipeline latency is reached, prerolls in PAUSED, and has BaseSink's
// properties. Create it with NewS3Sink; the zero value is not usable.
//
// # Goroutines
//
// Render and the playlist upload run on the streaming goroutine that
// pushes into the sink pad (the seed's queue goroutine, through the
// segmenter), with the sink's locks held: while a segment waits on the
// clock or uploads, that goroutine is blocked. Unlock runs on the goroutine
// that flushes or changes state.
//
// # Uploading a segment
//
// Render first waits "upload-latency" on the pipeline clock (a gstmini
// model of the upload's network time; no wait when it is 0 or the sink has
// no clock), on a single-shot ClockID at clock.Time() + upload-latency, so a
// TestClock controls it as it controls sync. It then puts the buffer's
// payload in the store under
//
//	key-prefix/bucket/uri   (empty parts left out)
//
// where uri is the buffer's MetaHLSURI, else "segment%05d.ts" numbered by
// the segments uploaded so far. It records an Upload (see Uploads) and
// posts an element message "s3sink-upload" with the fields uri (string),
// key (string), size (int), sequence (int) and running-time
// (time.Duration, when the upload finished).
//
// A flush (FLUSH_START), PLAYING→PAUSED or shutdown calls Unlock, which
// unschedules the upload wait and cancels the store's context, and keeps
// new waits from starting until UnlockStop. Render then waits in preroll
// (BaseSink.WaitPreroll, as GStreamer sinks call
// gst_base_sink_wait_preroll): after a pause it finishes the upload when
// PLAYING again, at the clock time it would have ended anyway (the network
// does not pause); after a flush or shutdown it returns FlowFlushing and the
// segment is not uploaded. A store error posts an ERROR
// message naming the element, the key and the error, and Render returns
// FlowError.
//
// # Every segment accounted for
//
// Every segment that reaches the sink's chain function is either uploaded
// (Uploads, "segments-uploaded") or recorded as not uploaded with its
// reason (NotUploaded, "segments-not-uploaded"):
//
//	segments received = segments-uploaded + segments-not-uploaded
//
// A flush or a shutdown during the sync wait, the preroll or the upload
// gives NotUploadedFlush or NotUploadedShutdown; a segment BaseSink drops
// unrendered gives NotUploadedDropped; a store error NotUploadedError. A
// segment pushed while the sink pad itself is flushing (between
// FLUSH_START and FLUSH_STOP, or once the sink is READY) or after EOS never
// reaches the sink: the pad refuses it and its pusher gets FlowFlushing or
// FlowEOS.
//
// # Playlists
//
// On the custom event PlaylistEventName the sink puts the field "m3u8"
// under key-prefix/bucket/<field "uri">, default DefaultPlaylistURI. It does
// not wait upload-latency for it: the event is serialized, so a wait would
// hold up the next segment behind it, and the playlist must be visible as
// soon as the segment it lists is. A store error posts an ERROR message.
//
// # Properties
//
//   - "bucket" (default "live-streams") and "key-prefix" (default "") name
//     where objects go, as in awss3hlssink.
//   - "upload-latency" (gstmini addition, default 0, ≥ 0): time on the
//     pipeline clock each segment upload takes; accepts "200ms" or
//     nanoseconds.
//   - "segments-uploaded" and "segments-not-uploaded" (gstmini additions,
//     read-only, guint64).
//   - BaseSink's: sync (TRUE), async (TRUE), max-lateness, qos, ts-offset,
//     render-delay, processing-deadline.
//
// All methods are safe for concurrent use.
type S3Sink struct {
	gstmini.BaseSink

	mu            sync.Mutex // every field below
	bucket        string
	keyPrefix     string
	uploadLatency time.Duration
	store         Store
	uploads       []Upload
	uploaded      uint64
	notUploaded   []NotUploaded
	stopping      bool               // PAUSED→READY is under way: a flushed segment is a shutdown's
	unlocked      bool               // Unlock was called and UnlockStop not yet
	waitID        *gstmini.ClockID   // the upload wait in progress
	cancel        context.CancelFunc // cancels the Put in progress
}

// NewS3Sink returns an S3 sink named name, in state NULL, uploading to a
// new MemoryStore, with bucket "live-streams", no key prefix, no upload
// latency and BaseSink's defaults (sync and async on).
func NewS3Sink(name string) *S3Sink {
	s := &S3Sink{bucket: s3DefaultBucket, store: &MemoryStore{}}
	s.InitBaseSink(s, name, gstmini.BaseSinkHooks{
		Render:     s.render,
		Event:      s.event,
		Start:      s.start,
		Unlock:     s.unlock,
		UnlockStop: s.unlockStop,
	})
	base := s.SinkPad().ChainFunc()
	s.SinkPad().SetChainFunc(func(p *gstmini.Pad, parent gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
		return s.chain(base, p, parent, buf)
	})
	s.installProperties()
	return s
}

// SetStore makes the sink upload to st from the next upload on; nil
// selects a new, empty MemoryStore. It is safe to call at any time.
func (s *S3Sink) SetStore(st Store) {
	if st == nil {
		st = &MemoryStore{}
	}
	s.mu.Lock()
	s.store = st
	s.mu.Unlock()
}

// Store returns the store the sink uploads to.
func (s *S3Sink) Store() Store {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.store
}

// Uploads returns a copy of the record of every segment uploaded since the
// sink last went from NULL to READY, oldest first.
func (s *S3Sink) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Upload, len(s.uploads))
	for i, u := range s.uploads {
		u.Frames = append([]time.Duration(nil), u.Frames...)
		out[i] = u
	}
	return out
}

// SegmentsUploaded returns how many segments were uploaded since the sink
// last went from NULL to READY ("segments-uploaded").
func (s *S3Sink) SegmentsUploaded() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.uploaded
}

// NotUploaded returns a copy of the record of every segment the sink
// received but did not upload since it last went from NULL to READY,
// oldest first.
func (s *S3Sink) NotUploaded() []NotUploaded {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]NotUploaded, len(s.notUploaded))
	for i, n := range s.notUploaded {
		n.Frames = append([]time.Duration(nil), n.Frames...)
		out[i] = n
	}
	return out
}

// SegmentsNotUploaded returns how many segments the sink received but did
// not upload since it last went from NULL to READY
// ("segments-not-uploaded"); NotUploaded says which and why.
func (s *S3Sink) SegmentsNotUploaded() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return uint64(len(s.notUploaded))
}

// ChangeState notes that PAUSED→READY is under way, so that a segment the
// transition flushes is recorded as NotUploadedShutdown, and otherwise is
// BaseSink.ChangeState.
func (s *S3Sink) ChangeState(t gstmini.StateChange) gstmini.StateChangeReturn {
	if t == gstmini.TransitionPausedToReady {
		s.mu.Lock()
		s.stopping = true
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			s.stopping = false
			s.mu.Unlock()
		}()
	}
	return s.BaseSink.ChangeState(t)
}

// chain is the sink pad's chain function: BaseSink's (base), then, if the
// segment was not uploaded, a NotUploaded record with the reason read from
// the flow result. It runs on the streaming goroutine with the pad's stream
// lock held, one segment at a time, and returns base's result.
func (s *S3Sink) chain(base gstmini.ChainFunc, p *gstmini.Pad, parent gstmini.Element, buf *gstmini.Buffer) gstmini.FlowReturn {
	rec := NotUploaded{Sequence: -1, PTS: buf.PTS, Duration: buf.Duration}
	rec.URI, _ = buf.Meta[MetaHLSURI].(string)
	if seq, ok := buf.Meta[MetaHLSSequence].(int); ok {
		rec.Sequence = seq
	}
	rec.Frames, _ = buf.Meta[MetaHLSFrames].([]time.Duration)
	s.mu.Lock()
	before := s.uploaded
	s.mu.Unlock()

	ret := base(p, parent, buf) // takes buf

	rec.RunningTime = s3RunningTime(s.Clock(), s.BaseTime())
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.uploaded != before {
		return ret
	}
	switch {
	case ret == gstmini.FlowFlushing && s.stopping:
		rec.Reason = NotUploadedShutdown
	case ret == gstmini.FlowFlushing:
		rec.Reason = NotUploadedFlush
	case ret == gstmini.FlowOK:
		rec.Reason = NotUploadedDropped
	default:
		rec.Reason = NotUploadedError
	}
	rec.Frames = append([]time.Duration(nil), rec.Frames...) // the buffer's slice is not ours
	s.notUploaded = append(s.notUploaded, rec)
	return ret
}

func (s *S3Sink) installProperties() {
	locked := func(f func()) { s.mu.Lock(); f(); s.mu.Unlock() }
	s.InstallProperty(gstmini.StringProperty("bucket", "The bucket of the file to write", s3DefaultBucket,
		func() (v string) { locked(func() { v = s.bucket }); return },
		func(v string) { locked(func() { s.bucket = v }) }))
	s.InstallProperty(gstmini.StringProperty("key-prefix", "The key prefix for segment and playlist files", "",
		func() (v string) { locked(func() { v = s.keyPrefix }); return },
		func(v string) { locked(func() { s.keyPrefix = v }) }))
	latency := gstmini.TimeProperty("upload-latency",
		"Time on the pipeline clock each segment upload takes, in nanoseconds (gstmini model of network time)",
		"guint64", 0, math.MaxInt64-1, 0,
		func() (v time.Duration) { locked(func() { v = s.uploadLatency }); return },
		func(v time.Duration) { locked(func() { s.uploadLatency = v }) })
	latency.Flags = gstmini.PropReadWrite | gstmini.PropNotGStreamer
	s.InstallProperty(latency)
	uploaded := gstmini.UintProperty("segments-uploaded", "Segments uploaded since NULL→READY", "guint64",
		0, math.MaxUint64, 0, s.SegmentsUploaded, nil)
	uploaded.Flags = gstmini.PropReadable | gstmini.PropNotGStreamer
	s.InstallProperty(uploaded)
	notUploaded := gstmini.UintProperty("segments-not-uploaded",
		"Segments received but not uploaded since NULL→READY (flushed, shut down, dropped or failed)", "guint64",
		0, math.MaxUint64, 0, s.SegmentsNotUploaded, nil)
	notUploaded.Flags = gstmini.PropReadable | gstmini.PropNotGStreamer
	s.InstallProperty(notUploaded)
}

// start runs on NULL→READY: it forgets the previous run's uploads and the
// segments it did not upload.
func (s *S3Sink) start() error {
	s.mu.Lock()
	s.uploads, s.uploaded, s.notUploaded = nil, 0, nil
	s.mu.Unlock()
	return nil
}

// unlock is the BaseSink Unlock hook (GstBaseSinkClass.unlock): it makes a
// Render blocked in the upload wait or in the store return at once, and
// keeps new ones from starting until unlockStop.
func (s *S3Sink) unlock() {
	s.mu.Lock()
	s.unlocked = true
	id, cancel := s.waitID, s.cancel
	s.mu.Unlock()
	if id != nil {
		id.Unschedule()
	}
	if cancel != nil {
		cancel()
	}
}

// unlockStop is the BaseSink UnlockStop hook (GstBaseSinkClass.unlock_stop).
func (s *S3Sink) unlockStop() {
	s.mu.Lock()
	s.unlocked = false
	s.mu.Unlock()
}

// key returns the store key of uri: key-prefix/bucket/uri without empty
// parts.
func (s *S3Sink) key(uri string) string {
	s.mu.Lock()
	parts := []string{strings.Trim(s.keyPrefix, "/"), strings.Trim(s.bucket, "/"), uri}
	s.mu.Unlock()
	kept := parts[:0]
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "/")
}

// s3RunningTime returns clock's time minus base, or ClockTimeNone without a
// clock.
func s3RunningTime(clock gstmini.Clock, base time.Duration) time.Duration {
	if clock == nil {
		return gstmini.ClockTimeNone
	}
	return clock.Time() - base
}

// waitUpload waits until clock reaches end, unless unlocked. It returns
// FlowOK once the wait is over, FlowFlushing if Unlock interrupted it.
func (s *S3Sink) waitUpload(clock gstmini.Clock, end time.Duration) gstmini.FlowReturn {
	s.mu.Lock()
	if s.unlocked {
		s.mu.Unlock()
		return gstmini.FlowFlushing
	}
	id := gstmini.NewSingleShotID(clock, end)
	s.waitID = id
	s.mu.Unlock()
	ret, _ := id.Wait()
	s.mu.Lock()
	s.waitID = nil
	s.mu.Unlock()
	if ret == gstmini.ClockUnscheduled {
		return gstmini.FlowFlushing
	}
	return gstmini.FlowOK
}

// put stores data under key with a context that Unlock cancels. unlocked
// reports that the sink was unlocked before or during the Put.
func (s *S3Sink) put(key string, data []byte) (unlocked bool, err error) {
	s.mu.Lock()
	if s.unlocked {
		s.mu.Unlock()
		return true, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	st := s.store
	s.mu.Unlock()
	err = st.Put(ctx, key, data)
	s.mu.Lock()
	s.cancel = nil
	s.mu.Unlock()
	cancelled := ctx.Err() != nil
	cancel()
	if err != nil && cancelled {
		return true, err
	}
	return false, err
}

// render is the BaseSink Render hook: it runs on the streaming goroutine
// once the clock has reached the segment's time.
func (s *S3Sink) render(buf *gstmini.Buffer) gstmini.FlowReturn {
	clock, base := s.Clock(), s.BaseTime()
	started := s3RunningTime(clock, base)
	s.mu.Lock()
	latency, count := s.uploadLatency, s.uploaded
	s.mu.Unlock()
	if latency > 0 && clock != nil {
		// The upload takes latency of clock time, paused or not: a pause
		// interrupts the wait (Unlock), the render waits in preroll, and
		// when PLAYING again it waits for what is left, if anything.
		end := clock.Time() + latency
		for s.waitUpload(clock, end) != gstmini.FlowOK {
			if s.WaitPreroll() != gstmini.FlowOK {
				return gstmini.FlowFlushing
			}
		}
	}

	uri, ok := buf.Meta[MetaHLSURI].(string)
	if !ok || uri == "" {
		uri = fmt.Sprintf(hlsSegmentURIFormat, count)
	}
	seq, ok := buf.Meta[MetaHLSSequence].(int)
	if !ok {
		seq = int(count)
	}
	frames, _ := buf.Meta[MetaHLSFrames].([]time.Duration)
	key := s.key(uri)
	unlocked, err := s.put(key, buf.Data)
	for unlocked {
		// Interrupted by PLAYING→PAUSED: upload again once playing, unless
		// the sink is flushing (gst_base_sink_wait_preroll).
		if s.WaitPreroll() != gstmini.FlowOK {
			return gstmini.FlowFlushing
		}
		unlocked, err = s.put(key, buf.Data)
	}
	if err != nil {
		s.PostError(fmt.Errorf("%s: could not upload %q: %w", s.Name(), key, err), "s3sink render")
		return gstmini.FlowError
	}
	finished := s3RunningTime(clock, base)

	s.mu.Lock()
	s.uploads = append(s.uploads, Upload{
		URI: uri, Key: key, Sequence: seq, PTS: buf.PTS, Duration: buf.Duration,
		Frames: append([]time.Duration(nil), frames...), Size: len(buf.Data),
		Started: started, Finished: finished,
	})
	s.uploaded++
	s.mu.Unlock()
	s.PostMessage(gstmini.NewElementMessage(s, "s3sink-upload", map[string]any{
		"uri": uri, "key": key, "size": len(buf.Data), "sequence": seq, "running-time": finished,
	}))
	return gstmini.FlowOK
}

// event is the BaseSink Event hook: it uploads the playlist carried by a
// PlaylistEventName event, without the upload wait.
func (s *S3Sink) event(ev *gstmini.Event) {
	if ev.Type() != gstmini.EventCustomDownstream || ev.Name() != PlaylistEventName {
		return
	}
	text, _ := ev.Field("m3u8")
	m3u8, _ := text.(string)
	name, _ := ev.Field("uri")
	uri, _ := name.(string)
	if uri == "" {
		uri = DefaultPlaylistURI
	}
	key := s.key(uri)
	unlocked, err := s.put(key, []byte(m3u8))
	if err != nil && !unlocked {
		s.PostError(fmt.Errorf("%s: could not upload playlist %q: %w", s.Name(), key, err), "s3sink event")
	}
}
