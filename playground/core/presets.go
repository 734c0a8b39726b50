package core

// A Preset is one of the seed's experiments, as a launch line.
type Preset struct {
	ID, Title, Line string
	// What to look at, for the page.
	Observe string
}

// Presets returns the experiments the page offers as buttons: the seed's
// pipeline without and with a queue, leaky queues, sync=false, 60 fps with
// 2 s segments, and lesson 5's tee deadlock.
func Presets() []Preset {
	return []Preset{
		{"no-queue", "No queue", "livesource num-buffers=600 ! hlssegmenter ! s3sink upload-latency=500ms",
			"The camera's goroutine does the uploads: it stalls 0.5 s per segment and loses the frames captured meanwhile (drops, DISCONT)."},
		{"queue", "With a queue", "livesource num-buffers=600 ! queue ! hlssegmenter ! s3sink upload-latency=500ms",
			"The queue's goroutine uploads; the camera never waits and loses nothing; the queue level rises during each upload (its 1 s limit holds the 0.5 s an upload takes)."},
		{"leaky-upstream", "Small leaky upstream", "livesource num-buffers=600 ! queue max-size-buffers=3 max-size-time=0 leaky=upstream ! hlssegmenter target-duration=2 ! s3sink upload-latency=1500ms",
			"Three buffers of room: the queue drops the NEW frames during uploads and keeps the old ones."},
		{"leaky-downstream", "Leaky downstream", "livesource num-buffers=600 ! queue max-size-buffers=10 max-size-time=0 leaky=downstream ! hlssegmenter target-duration=2 ! s3sink upload-latency=1500ms",
			"The queue drops the OLDEST frames: latency stays low, the newest data survives."},
		{"sync-false", "sync=false", "livesource num-buffers=600 ! queue ! hlssegmenter ! s3sink sync=false upload-latency=500ms",
			"The sink does not wait on the clock: each segment uploads the moment it closes."},
		{"fps60", "60 fps, 2 s segments", "livesource fps=60 num-buffers=1200 ! queue ! hlssegmenter target-duration=2 ! s3sink upload-latency=500ms",
			"Twice the frames, segments a third as long: more, shorter uploads."},
		{"tee-deadlock", "Tee without queues", "fakesrc num-buffers=1 ! tee name=t ! fakesink  t. ! fakesink",
			"Never leaves PREROLLING: the first sink's preroll wait holds the tee's push to the second (lesson 5). Press Stop."},
		{"tee-queues", "Tee with a queue per branch", "fakesrc num-buffers=100 ! tee name=t ! queue ! fakesink  t. ! queue ! fakesink",
			"A queue at the head of each branch: both sinks preroll and the run ends at once."},
	}
}
