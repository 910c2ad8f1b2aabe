package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
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
	"github.com/sendflow/sendflow/sdk/letters"
	"github.com/sendflow/sendflow/sdk/store"
)

func newServeCmd(a *app) *cobra.Command {
	var (
		host, wasmDir, db, lettersDir string
		port                          int
		pf                            policyFlag
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

--db FILE (SQLite) or --db postgres://... also serves saved, shared cases
under /api (sdk/store): GET /api/cases, POST /api/cases, GET /api/cases/ID,
POST /api/cases/ID/fire ({firing, head}: 409 conflict when another officer
fired first), GET /api/worklist and /api/worklist.ics. Every firing is judged
again on the server's engine (--policy layers, default the embedded policy):
the browser's answer is a preview, the server decides. There is no
authentication: run it behind the authority's own.

Listens on 127.0.0.1 by default and prints the address. The port defaults to
$PORT, or 8080; --port 0 picks a free port.`,
		Example: `  make wasm && sendflow serve
  PORT=9000 sendflow serve --wasm-dir wasm/dist`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if port < 0 || port > 65535 {
				return fail(exitUsage, fmt.Errorf("--port %d is not a TCP port", port))
			}
			h, closeDB, err := serveHandler(a, serveOpts{wasmDir: wasmDir, db: db, letters: lettersDir}, &pf)
			if err != nil {
				return err
			}
			defer closeDB()
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
	cmd.Flags().StringVar(&db, "db", "", "also serve stored cases under /api: a SQLite file, or a postgres:// URL")
	cmd.Flags().StringVar(&lettersDir, "letters", "", "the authority's own letter templates, LOCALE/KIND.html.tmpl (see sdk/letters), used before the embedded ones")
	pf.register(cmd)
	return cmd
}

// serveOpts are serve's flags that shape the handler.
type serveOpts struct {
	wasmDir, db, letters string
}

// lettersFS is the --letters directory, its templates checked before the
// server starts, or nil without one.
func lettersFS(dir string) (fs.FS, error) {
	if dir == "" {
		return nil, nil
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fail(exitUsage, fmt.Errorf("--letters %s is not a directory", dir))
	}
	over := os.DirFS(dir)
	if err := letters.New(over).Check(); err != nil {
		return nil, fail(exitFailed, err)
	}
	return over, nil
}

// serveHandler is the portal, and with db the cases API under /api on the
// --policy engine. closeDB closes the store.
func serveHandler(a *app, so serveOpts, pf *policyFlag) (http.Handler, func(), error) {
	wasmDir, db := so.wasmDir, so.db
	over, err := lettersFS(so.letters)
	if err != nil {
		return nil, nil, err
	}
	var examples []portal.Example
	for _, ex := range examplepolicies.Examples() {
		pe := portal.Example{ID: ex.ID}
		for _, l := range ex.Layers {
			pe.Layers = append(pe.Layers, portal.DocLayer{Name: l.Name, Text: string(l.Data)})
		}
		examples = append(examples, pe)
	}
	ph, err := portal.Handler(portal.Options{WasmDir: wasmDir, Examples: examples, Letters: over})
	if err != nil {
		return nil, nil, fail(exitFailed, err)
	}
	if db == "" {
		return ph, func() {}, nil
	}
	e, err := pf.engine(a)
	if err != nil {
		return nil, nil, err
	}
	d := store.SQLite
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		d = store.Postgres
	}
	st, err := store.Open(context.Background(), d, db)
	if err != nil {
		return nil, nil, fail(exitFailed, err)
	}
	logf := func(err error) { fmt.Fprintf(a.stderr, "sendflow serve: %v\n", err) }
	mux := http.NewServeMux()
	mux.Handle("/api/", http.StripPrefix("/api", st.CasesHandler(e, logf)))
	mux.Handle("/", ph)
	return mux, func() { _ = st.Close() }, nil
}
