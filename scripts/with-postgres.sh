#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL cluster on a loopback port.
# Exports AIDWATCH_TEST_PG_URL (superuser, trust auth) and removes the cluster afterwards,
# unless AIDWATCH_PG_DATADIR names a folder to keep (the benchmarks cache their registries there).
set -euo pipefail
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
port=${AIDWATCH_TEST_PG_PORT:-54329}
keep=${AIDWATCH_PG_DATADIR:-}
if [ -n "$keep" ]; then
  datadir=$keep
  mkdir -p "$datadir"
else
  datadir=$(mktemp -d /tmp/aidwatch-pg.XXXXXX)
fi
runas=()
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$datadir"
  chmod 700 "$datadir"
  runas=(runuser -u postgres --)
fi
stop() {
  if [ -n "$keep" ]; then
    "${runas[@]}" "$bindir/pg_ctl" -D "$datadir" -m fast stop >/dev/null 2>&1 || true
  else
    "${runas[@]}" "$bindir/pg_ctl" -D "$datadir" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$datadir"
  fi
}
trap stop EXIT
if [ ! -f "$datadir/PG_VERSION" ]; then
  "${runas[@]}" "$bindir/initdb" -D "$datadir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
"${runas[@]}" "$bindir/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w \
  -o "-h 127.0.0.1 -p $port -k $datadir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
export AIDWATCH_TEST_PG_URL="postgresql://postgres@127.0.0.1:$port/postgres"
export AIDWATCH_TEST_PG_DATADIR="$datadir" AIDWATCH_TEST_PG_BINDIR="$bindir"
"$@"
