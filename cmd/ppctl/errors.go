package main

import (
	"context"
	"errors"
	"strings"
)

// hints map pieces of libtorch's and the system's messages to what the user
// can do about them.
var hints = []struct{ match, hint string }{
	{"not enough memory", "out of memory: lower --bs or --size, or use --precision bf16"},
	{"CUDA out of memory", "GPU out of memory: lower --bs or --size, or use --precision fp16"},
	{"checkpoint arch does not match", "pass the --arch the checkpoint was trained with (its .pth.json sidecar names it)"},
	{"no space left on device", "the disk is full: free space or choose another --out"},
}

// errorLine renders err as the one line ppctl prints: the message with its
// newlines folded, and a hint when the failure is a known one.
func errorLine(err error) string {
	if errors.Is(err, context.Canceled) {
		return "interrupted; rerun with --resume to continue where the run stopped"
	}
	msg := strings.Join(strings.Fields(err.Error()), " ")
	for _, h := range hints {
		if strings.Contains(msg, h.match) {
			return msg + " (" + h.hint + ")"
		}
	}
	return msg
}
