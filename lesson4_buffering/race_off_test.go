//go:build !race

package buffering

// raceDetector is true when the tests run with -race.
const raceDetector = false
