package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/ppctl/ppctl/torch"
)

func init() {
	register(envCommand)
	register(versionCommand)
}

// envReport is what `ppctl env` prints; its JSON form is stable for tools.
type envReport struct {
	PPCTL         string   `json:"ppctl"`
	Go            string   `json:"go"`
	OS            string   `json:"os"`
	Libtorch      string   `json:"libtorch"`
	Devices       []string `json:"devices"`
	CUDA          bool     `json:"cuda"`
	Threads       int      `json:"threads"`
	CPUs          int      `json:"cpus"`
	CPUFeatures   []string `json:"cpu_features"`
	CPUCapability string   `json:"cpu_capability"`
	CapabilityEnv string   `json:"aten_cpu_capability_env,omitempty"`
	CPUBFloat16   bool     `json:"cpu_bf16"`
	Precision     string   `json:"default_precision"`
}

func newEnvReport() envReport {
	info := torch.LibInfo()
	devices := []string{"cpu"}
	for i := 0; i < info.CUDADevices; i++ {
		devices = append(devices, fmt.Sprintf("cuda:%d", i))
	}
	prec, _, err := torch.PrecisionAuto.Resolve(torch.CPU)
	if info.CUDADevices > 0 {
		d, _ := torch.ParseDevice("cuda")
		prec, _, err = torch.PrecisionAuto.Resolve(d)
	}
	precision := prec.String()
	if err != nil {
		precision = "fp32"
	}
	return envReport{
		PPCTL:         version,
		Go:            runtime.Version(),
		OS:            runtime.GOOS + "/" + runtime.GOARCH,
		Libtorch:      info.Version,
		Devices:       devices,
		CUDA:          info.CUDADevices > 0,
		Threads:       info.Threads,
		CPUs:          runtime.NumCPU(),
		CPUFeatures:   info.CPUFeatures,
		CPUCapability: info.Capability,
		CapabilityEnv: os.Getenv("ATEN_CPU_CAPABILITY"),
		CPUBFloat16:   info.CPUBFloat16,
		Precision:     precision,
	}
}

func envCommand() *cli.Command {
	return &cli.Command{
		Name:  "env",
		Usage: "print ppctl, Go and libtorch versions, devices, threads and CPU capabilities",
		Description: "Threads is libtorch's intra-op thread count (PPCTL_THREADS or OMP_NUM_THREADS\n" +
			"override the default of every core). cpu_capability is the kernel set ATen\n" +
			"dispatches to; ATEN_CPU_CAPABILITY=default|avx2|avx512 lowers it.",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object instead of a table", EnvVars: []string{"PPCTL_JSON"}},
		},
		Action: func(c *cli.Context) error {
			r := newEnvReport()
			if c.Bool("json") {
				enc := json.NewEncoder(c.App.Writer)
				return enc.Encode(r)
			}
			w := tabwriter.NewWriter(c.App.Writer, 0, 0, 2, ' ', 0)
			rows := [][2]string{
				{"ppctl", r.PPCTL},
				{"go", r.Go + " " + r.OS},
				{"libtorch", r.Libtorch},
				{"devices", strings.Join(r.Devices, ", ")},
				{"cuda", fmt.Sprint(r.CUDA)},
				{"threads", fmt.Sprintf("%d (of %d CPUs)", r.Threads, r.CPUs)},
				{"cpu features", strings.Join(r.CPUFeatures, " ")},
				{"aten capability", r.CPUCapability},
				{"cpu bf16", fmt.Sprint(r.CPUBFloat16)},
				{"default precision", r.Precision},
			}
			for _, row := range rows {
				fmt.Fprintf(w, "%s\t%s\n", row[0], row[1])
			}
			return w.Flush()
		},
	}
}

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the ppctl version (and libtorch's, with --json everything `ppctl env` knows)",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print the `ppctl env` JSON object", EnvVars: []string{"PPCTL_JSON"}},
		},
		Action: func(c *cli.Context) error {
			r := newEnvReport()
			if c.Bool("json") {
				return json.NewEncoder(c.App.Writer).Encode(r)
			}
			_, err := fmt.Fprintf(c.App.Writer, "ppctl %s (libtorch %s, %s)\n", r.PPCTL, r.Libtorch, r.Go)
			return err
		},
	}
}
