package elements

import (
	"sync"
	"testing"
)

// floorRing is the bare mechanism a queue stands on, with none of its
// semantics: a mutex, a ring of 200 slots (queue's default max-size-buffers)
// and two condition variables, waited on only when empty or full, as
// GstQueue's item_add and item_del.
type floorRing struct {
	mu                     sync.Mutex
	itemAdd, itemDel       sync.Cond
	waitingAdd, waitingDel bool
	slots                  []*floorItem
	head, n                int
}

type floorItem struct{ payload [64]byte }

func newFloorRing() *floorRing {
	r := &floorRing{slots: make([]*floorItem, queueDefaultMaxBuffers)}
	r.itemAdd.L, r.itemDel.L = &r.mu, &r.mu
	return r
}

func (r *floorRing) push(it *floorItem) {
	r.mu.Lock()
	for r.n == len(r.slots) {
		r.waitingDel = true
		r.itemDel.Wait()
		r.waitingDel = false
	}
	r.slots[(r.head+r.n)%len(r.slots)] = it
	r.n++
	if r.waitingAdd {
		r.itemAdd.Signal()
	}
	r.mu.Unlock()
}

func (r *floorRing) pop() *floorItem {
	r.mu.Lock()
	for r.n == 0 {
		r.waitingAdd = true
		r.itemAdd.Wait()
		r.waitingAdd = false
	}
	it := r.slots[r.head]
	r.slots[r.head] = nil
	r.head = (r.head + 1) % len(r.slots)
	r.n--
	if r.waitingDel {
		r.itemDel.Signal()
	}
	r.mu.Unlock()
	return it
}

// floorPool is a mutex-guarded free list, as BufferPool's: the consumer's
// goroutine returns each item and the producer's takes it back, so the item
// and the list cross between the cores as a pooled buffer does.
type floorPool struct {
	mu   sync.Mutex
	free []*floorItem
}

func (p *floorPool) get() *floorItem {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.free); n > 0 {
		it := p.free[n-1]
		p.free = p.free[:n-1]
		return it
	}
	return &floorItem{}
}

func (p *floorPool) put(it *floorItem) {
	p.mu.Lock()
	p.free = append(p.free, it)
	p.mu.Unlock()
}

// BenchmarkQueueHandoffFloor measures the hand-off between two goroutines
// that a queue is built on, without any of the queue's rules (levels,
// leaks, events, flushing, the pads' checks): the floor under
// BenchmarkQueuePush. "bare" passes one pointer; "pool" also takes each
// item from a pool and returns it on the other goroutine, and takes the
// mutex a second time after the "push", as gst_queue_loop does.
func BenchmarkQueueHandoffFloor(b *testing.B) {
	for _, pooled := range []bool{false, true} {
		name := "bare"
		if pooled {
			name = "pool"
		}
		b.Run(name, func(b *testing.B) {
			r := newFloorRing()
			pool := &floorPool{}
			one := &floorItem{}
			received := make(chan int)
			go func() {
				n := 0
				for range b.N {
					it := r.pop()
					if it == nil { // an empty slot handed out: the ring lost an item
						continue
					}
					n++
					if pooled {
						r.mu.Lock()
						r.mu.Unlock() // the loop's second lock section, after the push
						pool.put(it)
					}
				}
				received <- n
			}()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if pooled {
					r.push(pool.get())
				} else {
					r.push(one)
				}
			}
			if n := <-received; n != b.N {
				b.Fatalf("the consumer received %d items of %d pushed; the rest came out of the ring as empty slots", n, b.N)
			}
		})
	}
}
