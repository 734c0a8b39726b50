//go:build linux

package main

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// makeRaw puts the terminal on in, if it is one, in a mode where each key
// reaches the program at once and is not echoed, and returns the function
// that puts it back. Output processing is left on. Without a terminal it
// does nothing: keys then arrive a line at a time.
func makeRaw(in io.Reader) (restore func()) {
	f, ok := in.(*os.File)
	if !ok {
		return func() {}
	}
	fd := int(f.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return func() {}
	}
	raw := *old
	raw.Lflag &^= unix.ICANON | unix.ECHO
	raw.Cc[unix.VMIN], raw.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &raw); err != nil {
		return func() {}
	}
	return func() { _ = unix.IoctlSetTermios(fd, unix.TCSETS, old) }
}

// terminalHeight returns the number of rows of the terminal w writes to, or
// 0 if w is not a terminal.
func terminalHeight(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Row)
}
