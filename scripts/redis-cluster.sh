#!/usr/bin/env bash
# A three-master Redis Cluster on this machine, for the cluster test and for trying
# QUEUE_SHARDS by hand:
#   scripts/redis-cluster.sh start [first-port]   # masters on first-port … first-port+2 (default 7470)
#   scripts/redis-cluster.sh stop  [first-port]
# Then: REDIS_CLUSTER_NODES=127.0.0.1:7470,127.0.0.1:7471,127.0.0.1:7472 QUEUE_SHARDS=6 npm start
# Data lives in a temporary directory per port and goes away on stop (no persistence).
set -euo pipefail
cmd="${1:-}"
first="${2:-${REDIS_CLUSTER_FIRST_PORT:-7470}}"
ports=("$first" "$((first + 1))" "$((first + 2))")
dir_of() { echo "${TMPDIR:-/tmp}/rivalwatch-redis-cluster-$1"; }

case "$cmd" in
  start)
    for p in "${ports[@]}"; do
      d="$(dir_of "$p")"
      rm -rf "$d" && mkdir -p "$d"
      redis-server --port "$p" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$d/nodes.conf" \
        --cluster-node-timeout 5000 --dir "$d" --save "" --appendonly no --maxmemory-policy noeviction \
        --daemonize yes --pidfile "$d/redis.pid" --logfile "$d/redis.log"
    done
    for p in "${ports[@]}"; do
      for _ in $(seq 1 50); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
    done
    redis-cli --cluster create "${ports[@]/#/127.0.0.1:}" --cluster-replicas 0 --cluster-yes >/dev/null
    for _ in $(seq 1 100); do
      redis-cli -p "$first" cluster info | grep -q 'cluster_state:ok' && break
      sleep 0.1
    done
    redis-cli -p "$first" cluster info | grep -q 'cluster_state:ok'
    echo "Redis Cluster up: 127.0.0.1:${ports[0]},127.0.0.1:${ports[1]},127.0.0.1:${ports[2]}"
    ;;
  stop)
    for p in "${ports[@]}"; do
      d="$(dir_of "$p")"
      if [ -f "$d/redis.pid" ]; then
        redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || kill "$(cat "$d/redis.pid")" 2>/dev/null || true
      fi
      rm -rf "$d"
    done
    ;;
  *)
    echo "usage: $0 start|stop [first-port]" >&2
    exit 2
    ;;
esac
