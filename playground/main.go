//go:build js && wasm

// Command playground is the gstmini web playground's WebAssembly module:
// it exposes playground/core to the page's JavaScript as the global object
// "gstmini". Build and serve it with go run ./cmd/playground.
//
//	gstmini.presets()          → JSON list of the preset experiments
//	gstmini.start(line, fast)  → JSON {"id": n} or {"error": LaunchError}
//	gstmini.poll(id)           → JSON Snapshot of run id
//	gstmini.stop(id)           → stops run id (returns at once; poll says STOPPED)
//	gstmini.loadTrace(text)    → JSON {"view": View} or {"error": {"message": ...}}
package main

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"syscall/js"

	"github.com/gstmini/workbook/playground/core"
)

var (
	mu       sync.Mutex
	sessions = map[int]*core.Session{}
	nextID   = 1
)

func main() {
	api := js.Global().Get("Object").New()
	api.Set("presets", js.FuncOf(func(js.Value, []js.Value) any { return toJSON(core.Presets()) }))
	api.Set("start", js.FuncOf(start))
	api.Set("poll", js.FuncOf(poll))
	api.Set("stop", js.FuncOf(stop))
	api.Set("loadTrace", js.FuncOf(loadTrace))
	js.Global().Set("gstmini", api)
	js.Global().Call("dispatchEvent", js.Global().Get("Event").New("gstmini-ready"))
	select {} // the callbacks run on this module's goroutines from now on
}

func toJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(map[string]any{"error": map[string]string{"message": err.Error()}})
	}
	return string(b)
}

func start(_ js.Value, args []js.Value) any {
	if len(args) < 2 {
		return toJSON(map[string]any{"error": map[string]string{"message": "start(line, fast)"}})
	}
	s, err := core.Start(args[0].String(), core.Options{Fast: args[1].Truthy()})
	if err != nil {
		var le *core.LaunchError
		if errors.As(err, &le) {
			return toJSON(map[string]any{"error": le})
		}
		return toJSON(map[string]any{"error": map[string]string{"message": err.Error()}})
	}
	mu.Lock()
	// A finished run keeps its trace (up to tens of MB): forget the ones the
	// page no longer polls, every run but the new one.
	for k, old := range sessions {
		select {
		case <-old.Done():
			delete(sessions, k)
		default:
		}
	}
	id := nextID
	nextID++
	sessions[id] = s
	mu.Unlock()
	return toJSON(map[string]int{"id": id})
}

func session(args []js.Value) *core.Session {
	if len(args) < 1 {
		return nil
	}
	mu.Lock()
	defer mu.Unlock()
	return sessions[args[0].Int()]
}

func poll(_ js.Value, args []js.Value) any {
	s := session(args)
	if s == nil {
		return toJSON(map[string]any{"error": map[string]string{"message": "no such run"}})
	}
	return toJSON(s.Snapshot())
}

func stop(_ js.Value, args []js.Value) any {
	if s := session(args); s != nil {
		go s.Stop() // a JS callback must not block: Stop waits for NULL
	}
	return nil
}

func loadTrace(_ js.Value, args []js.Value) any {
	if len(args) < 1 {
		return toJSON(map[string]any{"error": map[string]string{"message": "loadTrace(text)"}})
	}
	v, err := core.LoadTrace(strings.NewReader(args[0].String()))
	if err != nil {
		return toJSON(map[string]any{"error": map[string]string{"message": err.Error()}})
	}
	return toJSON(map[string]any{"view": v})
}
