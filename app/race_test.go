package app_test

import "sync"

// race runs fn n times at once, released together, and counts the results.
func race(n int, fn func(i int) int) map[int]int {
	var wg sync.WaitGroup
	start := make(chan struct{})
	results := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	counts := map[int]int{}
	for _, r := range results {
		counts[r]++
	}
	return counts
}
