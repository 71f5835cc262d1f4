#!/usr/bin/env bash
# Time `make run` from a fresh clone until the server answers /healthz.
# Usage: benchmarks/time_make_run.sh [REPO]   (default: this repository, cloned into a temp folder)
set -u
src=$(cd "${1:-$(dirname "$0")/..}" && pwd)
dir=$(mktemp -d)
git clone -q "$src" "$dir/miaf"
cd "$dir/miaf"
start=$(date +%s.%N)
PORT=8765 make run > /tmp/make_run.log 2>&1 &
pid=$!
for i in $(seq 1 900); do
  if curl -fsS http://127.0.0.1:8765/healthz >/dev/null 2>&1; then
    end=$(date +%s.%N); echo "make run -> healthz answered after $(echo "$end - $start" | bc) s"; break
  fi
  sleep 1
done
curl -s http://127.0.0.1:8765/healthz; echo
kill -- -$pid 2>/dev/null; pkill -f "gunicorn miaf.web.wsgi"; rm -rf "$dir"; true
