package trace

import (
	"context"
	"fmt"
	"testing"

	"github.com/gstmini/workbook/gstmini"
)

// BenchmarkPipeline pushes b.N buffers through "fakesrc ! fakesink
// sync=false", the cost per buffer of a whole pipeline. "off" is the
// pipeline as gstmini-launch runs it without --trace or --timeline: no
// Tracer, so nothing is wrapped and the cost is the core's alone. "on" has
// a Tracer attached: a wrapped chain function, a goroutine-id lookup and a
// recorded span per buffer.
func BenchmarkPipeline(b *testing.B) {
	for _, traced := range []bool{false, true} {
		name := map[bool]string{false: "off", true: "on"}[traced]
		b.Run(name, func(b *testing.B) {
			p, err := gstmini.ParseLaunch(fmt.Sprintf("fakesrc num-buffers=%d ! fakesink sync=false", b.N))
			if err != nil {
				b.Fatal(err)
			}
			var tr *Tracer
			if traced {
				if tr, err = Attach(p, Options{MaxEvents: b.N + 100}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			if err := p.Run(context.Background()); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if tr != nil {
				tr.Close()
			}
		})
	}
}
