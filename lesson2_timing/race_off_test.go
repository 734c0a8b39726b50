//go:build !race

package timing

// raceDetector is true when the tests run with -race.
const raceDetector = false
