package trace

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/gstmini/workbook/gstmini"
)

func TestWriteDot_Golden(t *testing.T) {
	p, err := gstmini.ParseLaunch("livesource name=cam fps=60 ! queue name=q leaky=downstream max-size-buffers=5 ! hlssegmenter name=hls target-duration=2 ! s3sink name=s3 key-prefix=\"cam 1\"")
	if err != nil {
		t.Fatal(err)
	}
	var plain bytes.Buffer
	if err := WriteDot(&plain, p); err != nil {
		t.Fatal(err)
	}
	// The pipeline's default name depends on the tests run before.
	golden(t, "pipeline.dot.golden", strings.ReplaceAll(plain.String(), p.Name(), "pipeline0"))

	// A tracer attached changes nothing in the graph.
	tr, err := Attach(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	var traced bytes.Buffer
	if err := WriteDot(&traced, p); err != nil {
		t.Fatal(err)
	}
	if traced.String() != plain.String() {
		t.Errorf("WriteDot with a tracer attached =\n%s\nwant the graph without a tracer:\n%s", traced.String(), plain.String())
	}
}

func TestAttach_RefusesARunningPipeline(t *testing.T) {
	p, err := gstmini.ParseLaunch("fakesrc ! fakesink")
	if err != nil {
		t.Fatal(err)
	}
	p.SetState(gstmini.StateReady)
	defer p.Stop()
	if _, err := Attach(p, Options{}); !errors.Is(err, ErrNotNull) {
		t.Errorf("Attach(pipeline in READY) error = %v; want ErrNotNull", err)
	}
}
