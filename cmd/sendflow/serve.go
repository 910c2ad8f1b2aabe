package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/sendflow/sendflow/internal/examplepolicies"
	"github.com/sendflow/sendflow/internal/portal"
)

func newServeCmd(a *app) *cobra.Command {
	var (
		host    string
		port    int
		wasmDir string
	)
	defPort := 8080
	if p, err := strconv.Atoi(os.Getenv("PORT")); err == nil && p >= 0 && p < 65536 {
		defPort = p
	}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the in-browser case portal (the lifecycle runs in the browser on the WASM build)",
		Long: `Serve the sendflow case portal: a web page where a whole SEND case is walked
in the browser on sendflow's WebAssembly build, with no server logic. The page
is embedded in this binary; the WASM build is read from --wasm-dir (build it
with "make wasm"). The policy picker offers the default policy and the example
authority policies embedded from examples/policies.

Listens on 127.0.0.1 by default and prints the address. The port defaults to
$PORT, or 8080; --port 0 picks a free port.`,
		Example: `  make wasm && sendflow serve
  PORT=9000 sendflow serve --wasm-dir wasm/dist`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if port < 0 || port > 65535 {
				return fail(exitUsage, fmt.Errorf("--port %d is not a TCP port", port))
			}
			var examples []portal.Example
			for _, ex := range examplepolicies.Examples() {
				pe := portal.Example{ID: ex.ID}
				for _, l := range ex.Layers {
					pe.Layers = append(pe.Layers, portal.DocLayer{Name: l.Name, Text: string(l.Data)})
				}
				examples = append(examples, pe)
			}
			h, err := portal.Handler(portal.Options{WasmDir: wasmDir, Examples: examples})
			if err != nil {
				return fail(exitFailed, err)
			}
			ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
			if err != nil {
				return fail(exitFailed, err)
			}
			srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
			fmt.Fprintf(a.stdout, "sendflow portal: http://%s/\n", ln.Addr())
			if missing := portal.MissingWasm(wasmDir); len(missing) > 0 {
				fmt.Fprintf(a.stderr, "sendflow: warning: the WASM build is missing from %s (%s): run `make wasm` or pass --wasm-dir\n",
					wasmDir, strings.Join(missing, ", "))
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			go func() {
				<-ctx.Done()
				sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				_ = srv.Shutdown(sctx)
			}()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return fail(exitFailed, err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&host, "host", "127.0.0.1", "address to listen on")
	cmd.Flags().IntVar(&port, "port", defPort, "TCP port (default $PORT or 8080; 0 picks a free port)")
	cmd.Flags().StringVar(&wasmDir, "wasm-dir", "wasm/dist", "directory holding the WASM build (sendflow.wasm, sendflow.mjs, wasm_exec.js)")
	return cmd
}
