package gstmini

// Format is the unit of the values in a Segment or a seek (GstFormat).
type Format int

// Formats, with GStreamer's numbering.
const (
	FormatUndefined Format = iota // GST_FORMAT_UNDEFINED
	FormatDefault                 // GST_FORMAT_DEFAULT: frames or samples
	FormatBytes                   // GST_FORMAT_BYTES
	FormatTime                    // GST_FORMAT_TIME: nanoseconds
	FormatBuffers                 // GST_FORMAT_BUFFERS
	FormatPercent                 // GST_FORMAT_PERCENT
)

// String returns GStreamer's nick for f (gst_format_get_name).
func (f Format) String() string {
	switch f {
	case FormatUndefined:
		return "undefined"
	case FormatDefault:
		return "default"
	case FormatBytes:
		return "bytes"
	case FormatTime:
		return "time"
	case FormatBuffers:
		return "buffers"
	case FormatPercent:
		return "percent"
	}
	return "unknown"
}
