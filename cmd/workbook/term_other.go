//go:build !linux

package main

import "io"

// makeRaw does nothing here: keys arrive a line at a time.
func makeRaw(io.Reader) (restore func()) { return func() {} }

// terminalHeight is unknown here.
func terminalHeight(io.Writer) int { return 0 }
