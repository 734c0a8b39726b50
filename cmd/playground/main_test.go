package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-port", "70000"}, {"-port", "-1"}, {"extra"}, {"-nosuch"}} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, &out, &errOut)
		assert.Equal(t, 2, code, "playground %v", args)
		assert.NotEmpty(t, errOut.String(), "playground %v says why", args)
	}
}

// outOnce makes TestOutWritesTheWholeSite run once per test binary,
// whatever -count says: it builds the WebAssembly module.
var outOnce sync.Once

func TestOutWritesTheWholeSite(t *testing.T) {
	ran := true
	outOnce.Do(func() { ran = false })
	if ran {
		t.Skip("runs once per test binary (it builds the module)")
	}
	dir := filepath.Join(t.TempDir(), "site")
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"-out", dir}, &out, &errOut), errOut.String())
	for _, f := range []string{"index.html", "style.css", "app.js", "main.wasm", "wasm_exec.js"} {
		st, err := os.Stat(filepath.Join(dir, f))
		require.NoError(t, err, "%s missing", f)
		assert.Positive(t, st.Size(), "%s is empty", f)
	}
	assert.Contains(t, out.String(), "Wrote the site to "+dir)
}
