#!/usr/bin/env bash
# with-postgres.sh CMD [ARGS...]: runs CMD with SENDFLOW_PG_URL naming a throwaway PostgreSQL cluster, and
# always stops the cluster and removes it after. The server is Debian's (installed with apt-get when missing
# and this runs as root); it listens only on a unix socket in a temporary directory, never on TCP, so runs
# side by side never meet. Where PostgreSQL is neither installed nor installable, CMD runs without
# SENDFLOW_PG_URL (the store's PostgreSQL tests then skip, saying why) after a message saying so.
# `make store-test` uses it.
set -euo pipefail

bindir() { { ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true; } | sort -V | tail -n 1; }

bin=$(bindir)
if [ ! -x "$bin/pg_ctl" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "store-test: installing Debian's postgresql with apt-get"
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql; } >&2 || true
  bin=$(bindir)
fi
if [ ! -x "$bin/pg_ctl" ]; then
  echo "store-test: SKIPPING the PostgreSQL tests: no pg_ctl under /usr/lib/postgresql/*/bin, and Debian's" \
    "postgresql could not be installed (it needs root and apt-get). The SQLite tests still run."
  exec "$@"
fi

# In /tmp, not $TMPDIR: a unix socket path must be short, and the postgres user must reach it.
dir=$(mktemp -d /tmp/sendflow-pg.XXXXXX)
as=()
if [ "$(id -u)" = 0 ]; then
  # PostgreSQL refuses to run as root: the cluster belongs to the postgres user Debian's package makes.
  id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  chown postgres "$dir"
  as=(runuser -u postgres --)
fi
chmod 700 "$dir"
stop() {
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

"${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log"; exit 1; }
port=5432
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-k $dir -p $port -c listen_addresses='' -c fsync=off" start >/dev/null ||
  { cat "$dir/server.log"; exit 1; }
echo "store-test: PostgreSQL $("$bin/pg_ctl" --version | sed -n 's/.*PostgreSQL) \([0-9.]*\).*/\1/p') on the unix socket in $dir"

export SENDFLOW_PG_URL="host=$dir port=$port user=postgres dbname=postgres sslmode=disable"
"$@"
