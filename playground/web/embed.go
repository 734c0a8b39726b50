// Package web holds the playground's static page: index.html, style.css
// and app.js. cmd/playground serves them with the WebAssembly module and
// Go's wasm_exec.js, or writes them all to a folder.
package web

import "embed"

// Files are the page's files, at the root of the file system.
//
//go:embed index.html style.css app.js
var Files embed.FS
