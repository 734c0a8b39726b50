package elements

import (
	"fmt"

	"github.com/gstmini/workbook/gstmini"
)

// factories are the element factories of this package, as gst-inspect-1.0
// lists them: name, long name, klass and description. GStreamer's own
// elements (appsink, appsrc, queue, tee, fakesrc, fakesink) carry
// GStreamer's strings; gstmini's elements carry those of the GStreamer
// element they stand in for, adapted. Importing the package registers them
// with gstmini.Register, so gstmini.Make and gstmini.ParseLaunch know them:
//
//	import _ "github.com/gstmini/workbook/gstmini/elements"
//
//	p, err := gstmini.ParseLaunch("fakesrc num-buffers=10 ! queue ! fakesink")
var factories = []gstmini.ElementFactory{
	{
		Name: "appsink", LongName: "AppSink", Klass: "Generic/Sink",
		Description: "Allow the application to get access to raw buffer",
		New:         func(name string) gstmini.Element { return NewAppSink(name) },
	},
	{
		Name: "appsrc", LongName: "AppSrc", Klass: "Generic/Source",
		Description: "Allow the application to feed buffers to a pipeline",
		New:         func(name string) gstmini.Element { return NewAppSrc(name) },
	},
	{
		Name: "fakesink", LongName: "Fake Sink", Klass: "Sink",
		Description: "Black hole for data",
		New:         func(name string) gstmini.Element { return NewFakeSink(name) },
	},
	{
		Name: "fakesrc", LongName: "Fake Source", Klass: "Source",
		Description: "Push empty (no data) buffers around",
		New:         func(name string) gstmini.Element { return NewFakeSrc(name) },
	},
	{
		Name: "hlssegmenter", LongName: "HLS Segmenter", Klass: "Codec/Muxer",
		Description: "Groups frames into HTTP Live Streaming segments and a playlist, as hlssink2 does, and pushes them downstream",
		New:         func(name string) gstmini.Element { return NewHLSSegmenter(name) },
	},
	{
		Name: "identity", LongName: "Identity", Klass: "Generic",
		Description: "Pass data without modification",
		New:         func(name string) gstmini.Element { return NewIdentity(name) },
	},
	{
		Name: "livesource", LongName: "Live Camera Source", Klass: "Source/Video",
		Description: "Captures one frame every 1/fps seconds of running time, as a camera (v4l2src) does",
		New:         func(name string) gstmini.Element { return NewLiveSource(name) },
	},
	{
		Name: "processor", LongName: "Slow Video Filter", Klass: "Filter/Video",
		Description: "Spends processing-time on every frame and skips the frames QoS says would be late, as GstVideoDecoder does",
		New:         func(name string) gstmini.Element { return NewProcessor(name) },
	},
	{
		Name: "queue", LongName: "Queue", Klass: "Generic",
		Description: "Simple data queue",
		New:         func(name string) gstmini.Element { return NewQueue(name) },
	},
	{
		Name: "s3sink", LongName: "S3 HLS Sink", Klass: "Sink/Network",
		Description: "Uploads HLS segments and playlists to a bucket at their time on the pipeline clock",
		New:         func(name string) gstmini.Element { return NewS3Sink(name) },
	},
	{
		Name: "tee", LongName: "Tee pipe fitting", Klass: "Generic",
		Description: "1-to-N pipe fitting",
		New:         func(name string) gstmini.Element { return NewTee(name) },
	},
}

func init() {
	for _, f := range factories {
		if err := gstmini.Register(f); err != nil {
			panic(fmt.Sprintf("elements: %v", err)) // each name once: cannot happen
		}
	}
}
