#!/usr/bin/env bash
# A PostgreSQL primary and a streaming replica of it on this machine, from the installed
# binaries, for the read-replica test and for trying DATABASE_READ_URL by hand:
#   scripts/pg-replica.sh start [first-port]   # primary on first-port, replica on first-port+1 (default 5442)
#   scripts/pg-replica.sh stop  [first-port]
#   scripts/pg-replica.sh stop-replica [first-port]   # the replica alone (the primary keeps running)
# Then: DATABASE_URL=postgres://postgres@127.0.0.1:5442/postgres DATABASE_READ_URL=postgres://postgres@127.0.0.1:5443/postgres npm start
# Data lives in temporary directories and goes away on stop.
set -euo pipefail
cmd="${1:-}"
first="${2:-${PG_REPLICA_FIRST_PORT:-5442}}"
primary_port="$first"
replica_port="$((first + 1))"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
base="${TMPDIR:-/tmp}/rivalwatch-pg-replica-$first"
# PostgreSQL refuses to run as root: run its tools as the postgres user when we are root.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$cmd" in
  start)
    "$0" stop "$first" >/dev/null 2>&1 || true
    mkdir -p "$base" && chmod 755 "$base"
    [ "$(id -u)" = 0 ] && chown postgres "$base"
    as_pg "$bin/initdb" -D "$base/primary" -U postgres --auth=trust -E UTF8 >/dev/null
    cat >>"$base/primary/postgresql.conf" <<CONF
port = $primary_port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$base'
wal_level = replica
max_wal_senders = 4
fsync = off
CONF
    echo "host replication all 127.0.0.1/32 trust" >>"$base/primary/pg_hba.conf"
    as_pg "$bin/pg_ctl" -D "$base/primary" -l "$base/primary.log" -w start >/dev/null
    as_pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$base/replica" -R -X stream >/dev/null
    sed -i "s/^port = .*/port = $replica_port/" "$base/replica/postgresql.conf"
    as_pg "$bin/pg_ctl" -D "$base/replica" -l "$base/replica.log" -w start >/dev/null
    echo "primary 127.0.0.1:$primary_port, replica 127.0.0.1:$replica_port"
    ;;
  stop-replica)
    as_pg "$bin/pg_ctl" -D "$base/replica" -m immediate stop >/dev/null
    ;;
  stop)
    for d in replica primary; do
      [ -d "$base/$d" ] && as_pg "$bin/pg_ctl" -D "$base/$d" -m immediate stop >/dev/null 2>&1 || true
    done
    rm -rf "$base"
    ;;
  *)
    echo "usage: $0 start|stop|stop-replica [first-port]" >&2
    exit 2
    ;;
esac
