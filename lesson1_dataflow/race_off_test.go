//go:build !race

package dataflow

// raceDetector is true when the tests run with -race.
const raceDetector = false
