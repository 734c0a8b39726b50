//go:build race

package threading

// raceDetector is true when the tests run with -race.
const raceDetector = true
