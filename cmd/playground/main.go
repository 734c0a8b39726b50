// Command playground builds the gstmini web playground and serves it on
// 127.0.0.1, or writes it to a folder for any web server:
//
//	go run ./cmd/playground               # builds the WebAssembly module, serves http://127.0.0.1:8080/
//	go run ./cmd/playground -port 0       # any free port
//	go run ./cmd/playground -out site     # writes index.html, style.css, app.js, main.wasm, wasm_exec.js to site/
//
// The page runs gstmini itself, compiled to WebAssembly with the local Go
// toolchain: launch lines, the seed's experiments as buttons, one lane per
// streaming goroutine, queue levels, drops, the clock and the elements'
// counters; it also opens trace files written by gstmini-launch --trace.
// It makes no network request beyond the files it was served with.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/gstmini/workbook/playground/web"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("playground", flag.ContinueOnError)
	fl.SetOutput(stderr)
	host := fl.String("host", "127.0.0.1", "address to listen on")
	port := fl.Int("port", 8080, "port to listen on (0: any free port)")
	out := fl.String("out", "", "write the static site to this folder and exit, instead of serving it")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "playground: unexpected argument %q\n", fl.Arg(0))
		return 2
	}
	if *port < 0 || *port > 65535 {
		fmt.Fprintf(stderr, "playground: -port %d: want 0 to 65535\n", *port)
		return 2
	}
	dir := *out
	if dir == "" {
		tmp, err := os.MkdirTemp("", "gstmini-playground-")
		if err != nil {
			fmt.Fprintf(stderr, "playground: %v\n", err)
			return 1
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	info, err := BuildSite(ctx, dir)
	if err != nil {
		fmt.Fprintf(stderr, "playground: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Built the WebAssembly module in %v: main.wasm is %.1f MB\n", info.BuildTime.Round(time.Millisecond), float64(info.WasmSize)/(1<<20))
	if *out != "" {
		fmt.Fprintf(stdout, "Wrote the site to %s: serve that folder with any web server (main.wasm as application/wasm)\n", *out)
		return 0
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(*host, fmt.Sprint(*port)))
	if err != nil {
		fmt.Fprintf(stderr, "playground: listen: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	srv := &http.Server{Handler: Handler(dir), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "Serving the playground at http://%s/ (Ctrl-C to stop)\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		fmt.Fprintf(stderr, "playground: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	srv.Shutdown(shutdown)
	return 0
}

// Handler serves the site in dir, with no caching so that a rebuilt module
// is picked up on reload.
func Handler(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		files.ServeHTTP(w, r)
	})
}

// SiteInfo says what BuildSite made.
type SiteInfo struct {
	WasmSize  int64
	BuildTime time.Duration
}

// BuildSite writes the page's files to dir, builds the playground's
// WebAssembly module into dir/main.wasm with the local Go toolchain, and
// copies that toolchain's wasm_exec.js beside it (the module and the
// script must come from the same Go release).
func BuildSite(ctx context.Context, dir string) (SiteInfo, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return SiteInfo{}, err
	}
	err := fs.WalkDir(web.Files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := web.Files.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, path), b, 0o644)
	})
	if err != nil {
		return SiteInfo{}, fmt.Errorf("write the page: %w", err)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return SiteInfo{}, fmt.Errorf("the go command is needed to build the WebAssembly module: %w", err)
	}
	modDir, err := goEnv(ctx, goTool, "GOMOD")
	if err != nil || modDir == "" || modDir == os.DevNull {
		return SiteInfo{}, errors.New("run the playground from inside the gstmini module (go run ./cmd/playground)")
	}
	goroot, err := goEnv(ctx, goTool, "GOROOT")
	if err != nil {
		return SiteInfo{}, err
	}
	start := time.Now()
	wasm := filepath.Join(dir, "main.wasm")
	cmd := exec.CommandContext(ctx, goTool, "build", "-trimpath", "-o", wasm, "github.com/gstmini/workbook/playground")
	cmd.Dir = filepath.Dir(modDir)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		return SiteInfo{}, fmt.Errorf("build the WebAssembly module: %v\n%s", err, out)
	}
	elapsed := time.Since(start)
	var script []byte
	for _, p := range []string{"lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"} { // Go 1.24+, then older
		if script, err = os.ReadFile(filepath.Join(goroot, p)); err == nil {
			break
		}
	}
	if err != nil {
		return SiteInfo{}, fmt.Errorf("find wasm_exec.js in %s: %w", goroot, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "wasm_exec.js"), script, 0o644); err != nil {
		return SiteInfo{}, err
	}
	st, err := os.Stat(wasm)
	if err != nil {
		return SiteInfo{}, err
	}
	return SiteInfo{WasmSize: st.Size(), BuildTime: elapsed}, nil
}

func goEnv(ctx context.Context, goTool, name string) (string, error) {
	out, err := exec.CommandContext(ctx, goTool, "env", name).Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %w", name, err)
	}
	return strings.TrimSpace(string(out)), nil
}
