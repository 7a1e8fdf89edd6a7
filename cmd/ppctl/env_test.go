package main

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"
)

func TestEnvJSON(t *testing.T) {
	out, _, err := runCLI(t, "env", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var r envReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	if !strings.HasPrefix(r.Libtorch, "1.13") {
		t.Errorf("libtorch %q, want 1.13 (Debian's libtorch-dev)", r.Libtorch)
	}
	if r.Threads != runtime.NumCPU() && !envOverridesThreads() {
		t.Errorf("threads %d, want %d", r.Threads, runtime.NumCPU())
	}
	if len(r.Devices) == 0 || r.Devices[0] != "cpu" {
		t.Errorf("devices %v", r.Devices)
	}
	if r.Go != runtime.Version() {
		t.Errorf("go %q", r.Go)
	}
}

func TestEnvTableAndVersion(t *testing.T) {
	out, _, err := runCLI(t, "env")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"libtorch", "threads", "aten capability"} {
		if !strings.Contains(out, want) {
			t.Errorf("env output lacks %q:\n%s", want, out)
		}
	}
	out, _, err = runCLI(t, "version")
	if err != nil || !strings.HasPrefix(out, "ppctl "+version) {
		t.Errorf("version printed %q, %v", out, err)
	}
}

func TestUnknownCommandFails(t *testing.T) {
	_, _, err := runCLI(t, "no-such-command")
	if err == nil {
		t.Fatal("unknown command accepted")
	}
}
