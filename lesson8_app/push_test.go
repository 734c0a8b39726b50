package appbridge

import (
	"fmt"
	"slices"
	"testing"

	"github.com/gstmini/workbook/gstmini"
	"github.com/gstmini/workbook/gstmini/elements"
)

// ---- Step 2: back-pressure reaches the application ----

var decideCases = []struct {
	description string
	level       Level
	cfg         PushConfig
	want        Action
	enough      bool
}{
	{"room left: queue, no enough-data", Level{Buffers: 1}, PushConfig{Max: Level{Buffers: 2}}, Queue, false},
	{"max-buffers 2 is reached AT 2: full; block waits", Level{Buffers: 2}, PushConfig{Max: Level{Buffers: 2}, Block: true}, Wait, true},
	{"full without block or leaky: queued past the limit, enough-data tells the application", Level{Buffers: 2}, PushConfig{Max: Level{Buffers: 2}}, Queue, true},
	{"full, leaky-type upstream: the new buffer is dropped", Level{Buffers: 2}, PushConfig{Max: Level{Buffers: 2}, Leaky: elements.AppLeakyUpstream}, DropIncoming, true},
	{"full, leaky-type downstream: the oldest is dropped", Level{Buffers: 2}, PushConfig{Max: Level{Buffers: 2}, Leaky: elements.AppLeakyDownstream}, DropOldest, true},
	{"leaky wins over block: a leaky appsrc never waits", Level{Buffers: 2}, PushConfig{Max: Level{Buffers: 2}, Block: true, Leaky: elements.AppLeakyDownstream}, DropOldest, true},
	{"max-bytes 200000 (the default) reached by bytes alone", Level{Buffers: 1, Bytes: 200000}, PushConfig{Max: Level{Bytes: 200000}, Block: true}, Wait, true},
	{"max-time 100 ms reached by time alone", Level{Buffers: 3, Time: 100 * ms}, PushConfig{Max: Level{Buffers: 10, Time: 100 * ms}, Block: true}, Wait, true},
	{"a limit of 0 is no limit: 1000 buffers and max-buffers 0", Level{Buffers: 1000}, PushConfig{Max: Level{Bytes: 0, Buffers: 0}, Block: true}, Queue, false},
	{"any one limit reached is full: bytes under, buffers at", Level{Buffers: 3, Bytes: 10}, PushConfig{Max: Level{Buffers: 3, Bytes: 1 << 20}, Block: true}, Wait, true},
}

func TestDecide(t *testing.T) {
	for _, tc := range decideCases {
		t.Run(tc.description, func(t *testing.T) {
			if a, enough := Decide(tc.level, tc.cfg); a != tc.want || enough != tc.enough {
				t.Errorf("Decide(level %v, max %v block %t leaky %s) = %s, enough-data %t; want %s, %t\n"+
					"hint: full = any enabled limit reached (>=); full means enough-data, then leaky upstream/downstream,\n"+
					"else block waits, else the buffer is queued anyway (README: Step 2)",
					tc.level, tc.cfg.Max, tc.cfg.Block, tc.cfg.Leaky, a, enough, tc.want, tc.enough)
			}
		})
	}
}

// pushRun is what happened when a producer pushed frames into an appsrc
// that nobody read from (its streaming goroutine stalled).
type pushRun struct {
	results []string // per push: "ok", "dropped" (leaky upstream), "waits" (the producer is stuck there)
	level   uint64   // buffers queued at the end
	enough  int      // enough-data notifications
	kept    []int    // frame numbers in the queue, oldest first
}

func (r pushRun) String() string {
	return fmt.Sprintf("level %d buffers, enough-data %d times, queue holds frames %v, pushes %v", r.level, r.enough, r.kept, r.results)
}

// simulatePushes pushes n frames of 1024 bytes with Decide deciding, into a
// queue nobody takes from. A producer that listens stops at the first
// enough-data; a push that must wait ends the run (the producer is stuck).
func simulatePushes(cfg PushConfig, n int, listens bool) pushRun {
	var r pushRun
	var level Level
	for i := 0; i < n; i++ {
		a, enough := Decide(level, cfg)
		if enough {
			r.enough++
		}
		switch a {
		case Wait:
			r.results = append(r.results, "waits")
			r.level = level.Buffers
			return r
		case DropIncoming:
			r.results = append(r.results, "dropped")
		case DropOldest:
			if len(r.kept) > 0 {
				r.kept = r.kept[1:]
				level.Buffers--
				level.Bytes -= 1024
			}
			fallthrough
		default:
			r.kept = append(r.kept, i)
			level.Buffers++
			level.Bytes += 1024
			r.results = append(r.results, "ok")
		}
		if enough && listens {
			break
		}
	}
	r.level = level.Buffers
	return r
}

// TestWithoutBackPressureTheQueueGrows: 30 frames (one second at 30 fps)
// pushed while the streaming goroutine is stalled, max-buffers 3.
func TestWithoutBackPressureTheQueueGrows(t *testing.T) {
	max := Level{Buffers: 3}
	for _, tc := range []struct {
		description string
		cfg         PushConfig
		listens     bool
		wantLevel   uint64
		wantEnough  int
		wantLast    string
	}{
		{"block=false and an application that ignores enough-data: all 30 queued, memory grows", PushConfig{Max: max}, false, 30, 27, "ok"},
		{"block=true: the 4th push waits, the producer is held at 3", PushConfig{Max: max, Block: true}, false, 3, 1, "waits"},
		{"an application that stops at enough-data: the push that told it is still queued: 4", PushConfig{Max: max}, true, 4, 1, "ok"},
		{"leaky-type downstream: 3 queued, the newest (27, 28, 29)", PushConfig{Max: max, Leaky: elements.AppLeakyDownstream}, false, 3, 27, "ok"},
		{"leaky-type upstream: 3 queued, the oldest (0, 1, 2); 27 pushes dropped", PushConfig{Max: max, Leaky: elements.AppLeakyUpstream}, false, 3, 27, "dropped"},
	} {
		t.Run(tc.description, func(t *testing.T) {
			r := simulatePushes(tc.cfg, 30, tc.listens)
			if r.level != tc.wantLevel || r.enough != tc.wantEnough || len(r.results) == 0 || r.results[len(r.results)-1] != tc.wantLast {
				t.Errorf("30 pushes into appsrc (max-buffers 3, block %t, leaky %s), nobody reading:\n got %v\nwant level %d, enough-data %d times, last push %s\n"+
					"hint: with neither block nor leaky a full appsrc still queues: only enough-data, and an application that\n"+
					"obeys it, stop the growth (README: Step 2)", tc.cfg.Block, tc.cfg.Leaky, r, tc.wantLevel, tc.wantEnough, tc.wantLast)
			}
		})
	}
}

// TestDecideMatchesAppSrc pushes the same 8 frames into a real appsrc in
// NULL, where nothing takes them out, and compares results, level and
// enough-data with simulatePushes.
func TestDecideMatchesAppSrc(t *testing.T) {
	for _, tc := range []struct {
		description string
		cfg         PushConfig
	}{
		{"max-buffers 3, not leaky, not blocking", PushConfig{Max: Level{Buffers: 3}}},
		{"max-buffers 3, leaky upstream", PushConfig{Max: Level{Buffers: 3}, Leaky: elements.AppLeakyUpstream}},
		{"max-buffers 3, leaky downstream", PushConfig{Max: Level{Buffers: 3}, Leaky: elements.AppLeakyDownstream}},
		{"max-bytes 4096 (4 frames), leaky downstream", PushConfig{Max: Level{Bytes: 4096}, Leaky: elements.AppLeakyDownstream}},
	} {
		t.Run(tc.description, func(t *testing.T) {
			src := elements.NewAppSrc("appsrc0")
			mustSet(t, src, "max-bytes", tc.cfg.Max.Bytes)
			mustSet(t, src, "max-buffers", tc.cfg.Max.Buffers)
			mustSet(t, src, "leaky-type", tc.cfg.Leaky)
			enough := 0
			src.SetCallbacks(elements.AppSrcCallbacks{EnoughData: func(*elements.AppSrc) { enough++ }}) // on this goroutine
			var results []string
			for i := range 8 {
				switch ret := src.PushBuffer(buffer(1024, slot(i, 30), none)); ret {
				case gstmini.FlowOK:
					results = append(results, "ok")
				case gstmini.FlowEOS:
					results = append(results, "dropped") // appsrc 1.22 returns EOS for a buffer leaky upstream dropped
				default:
					results = append(results, flowName(ret))
				}
			}
			sim := simulatePushes(tc.cfg, 8, false)
			if !slices.Equal(results, sim.results) || src.CurrentLevelBuffers() != sim.level || enough != sim.enough {
				t.Errorf("appsrc: pushes %v, level %d buffers, enough-data %d times\nDecide:  %v\n"+
					"hint: README: Step 2", results, src.CurrentLevelBuffers(), enough, sim)
			}
			src.SetState(gstmini.StateNull)
		})
	}
}
