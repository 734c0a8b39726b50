package gstmini

import (
	"sync"
	"testing"
	"testing/synctest"
)

func TestStreamLockExcludesUnderContention(t *testing.T) {
	l := NewStreamLock()
	const goroutines, rounds = 8, 2000
	inside, counter := 0, 0
	var wg sync.WaitGroup
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				l.Lock()
				inside++
				if inside != 1 {
					t.Errorf("%d goroutines hold the stream lock at once", inside)
				}
				counter++
				inside--
				l.Unlock()
			}
		}()
	}
	wg.Wait()
	if counter != goroutines*rounds {
		t.Fatalf("counter = %d; want %d: an increment under the lock was lost", counter, goroutines*rounds)
	}
	if !l.TryLock() {
		t.Fatal("the lock is held after every goroutine released it")
	}
	l.Unlock()
}

// TestStreamLockWaiterIsDurablyBlocked: a goroutine waiting for the lock
// is durably blocked in a synctest bubble (synctest.Wait returns), and
// Unlock lets it in.
func TestStreamLockWaiterIsDurablyBlocked(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := NewStreamLock()
		l.Lock()
		got := make(chan struct{})
		go func() { l.Lock(); close(got); l.Unlock() }()
		synctest.Wait()
		select {
		case <-got:
			t.Fatal("the waiter took a held lock")
		default:
		}
		l.Unlock()
		<-got
	})
}

func BenchmarkStreamLockUncontended(b *testing.B) {
	l := NewStreamLock()
	for b.Loop() {
		l.Lock()
		l.Unlock()
	}
}
