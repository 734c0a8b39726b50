//go:build !unix

package main

import "os/exec"

// startInGroup leaves cmd as it is: without process groups, the context's
// end kills the process itself, with no goroutine dump.
func startInGroup(cmd *exec.Cmd) (afterWait func()) { return func() {} }
