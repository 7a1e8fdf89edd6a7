//go:build !unix

package dataset

import "time"

// processCPU returns 0 where the process's CPU time is not read; BenchData
// then reports no per-CPU rate.
func processCPU() time.Duration { return 0 }
