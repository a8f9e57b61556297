#!/usr/bin/env bash
# Collects the shard reports of a sharded sc-sim run on Kubernetes (`sc-sim k8s render`) from its
# pods' logs, one file per shard, and merges them into one report.
#   scripts/k8s-collect-reports.sh <job-name> [namespace] [out-dir]
# Needs kubectl pointed at the cluster, and sc-sim (set SC_SIM to how you run it; default npx sc-sim).
set -euo pipefail
job=${1:?usage: $0 <job-name> [namespace] [out-dir]}
ns=${2:-}
out=${3:-reports/$job}
sc_sim=${SC_SIM:-npx sc-sim}
kc=(kubectl)
[ -n "$ns" ] && kc+=(-n "$ns")

# Wait (bounded) until no pod of the job is still running.
for _ in $(seq 1 8640); do
  active=$("${kc[@]}" get job "$job" -o jsonpath='{.status.active}')
  [ -z "$active" ] || [ "$active" = 0 ] && break
  sleep 10
done

mkdir -p "$out"
pods=$("${kc[@]}" get pods -l "job-name=$job" -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}')
[ -n "$pods" ] || { echo "no pods found for job $job" >&2; exit 1; }
for pod in $pods; do
  index=$("${kc[@]}" get pod "$pod" -o jsonpath='{.metadata.annotations.batch\.kubernetes\.io/job-completion-index}')
  # The pod prints its report as JSON on stdout (--json); the lines before it are sc-sim's notes.
  "${kc[@]}" logs "$pod" | sed -n '/^{/,$p' > "$out/shard-$index.json"
  echo "shard $index: $out/shard-$index.json ($pod)" >&2
done
$sc_sim report merge "$out"/shard-*.json --out "$out/merged.json"
