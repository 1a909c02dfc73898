#!/usr/bin/env bash
# Every run behind docs/PERFORMANCE.md, in order, into bench/results/. Takes 15–30 minutes
# on the 2-core machine, longer while other jobs keep it busy (--wait-idle waits for them).
set -u
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
mkdir -p bench/results/sweep
for db in sqlite postgres; do
  "$PY" bench/order_lifecycle.py --db "$db" -k 300 -c 8 --rounds 3 --wait-idle 120 \
    --json "bench/results/$db-k300-c8.json" | tee "bench/results/$db-k300-c8.txt"
done
for db in sqlite postgres; do
  for c in 1 2 4 16; do
    "$PY" bench/order_lifecycle.py --db "$db" -k 150 -c "$c" --no-probe --wait-idle 120 \
      --json "bench/results/sweep/$db-k150-c$c.json" > "bench/results/sweep/$db-k150-c$c.txt"
  done
done
for db in sqlite postgres; do
  for layer in api bare; do
    "$PY" -c "import sys; sys.path.insert(0, '.'); from bench.order_lifecycle import wait_for_idle; wait_for_idle(120)"
    "$PY" bench/profile_calls.py --db "$db" --layer "$layer" -n 60 --no-profile
    "$PY" bench/profile_calls.py --db "$db" --layer "$layer" -n 60 --top 0
  done
done > bench/results/profile.txt
