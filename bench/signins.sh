#!/usr/bin/env bash
# Benchmark of `m365doctor signins` on generated, realistic sign-in logs
# (crates/signins/examples/synth.rs: diagnostic-settings JSON lines, about
# 4 KB per record, mostly non-interactive, a long tail of codes, planted
# incidents), side by side with the DuckDB CLI (PyPI duckdb-cli) running the
# equivalent SQL for the failure ranking alone, in one hyperfine run. Then
# peak memory at each size (flat from 1 GB to 4 GB is the goal) and the
# throughput of the other input shapes.
#
# Usage: nice bash bench/signins.sh [SIZES] [RUNS]   (default "1G 4G", 5 runs)
#   SHAPES_SIZE=256M (0 skips the other shapes), KEEP=1 keeps the generated data
#   in BENCH_DIR (default /tmp/m365doctor-bench-signins; never in the repo).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="${1:-1G 4G}"
runs="${2:-5}"
dir="${BENCH_DIR:-/tmp/m365doctor-bench-signins}"
mkdir -p "$dir"
target="${CARGO_TARGET_DIR:-target}"
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
venv="$target/bench-venv"
[ -x "$venv/bin/duckdb" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check duckdb-cli==1.5.6; }
duckdb="$venv/bin/duckdb"
cargo build --release -q -p m365doctor
cargo build --release -q -p m365doctor-signins --example synth
bin="$target/release/m365doctor"
synth="$target/release/examples/synth"
cleanup() { [ "${KEEP:-0}" = 1 ] || rm -rf "$dir"; }
trap cleanup EXIT

interrupts="16000, 16001, 16003, 29200, 50019, 50055, 50058, 50059, 50072, 50074, 50076, 50097, 50125, 50127, 50129, 50140, 50143, 50144, 50158, 51006, 52004, 65001, 81010, 81012, 81014, 165100"
# The failure ranking of `signins` in SQL: failures that are not interrupts,
# per code the events, distinct users (UPN in lower case) and apps, most users
# first. Once with DuckDB's schema inference, once with an explicit schema of
# the three fields (DuckDB's fastest case).
ranking() {
  cat <<SQL
SELECT properties.status.errorCode AS code, count(*) AS events,
       count(DISTINCT lower(properties.userPrincipalName)) AS users,
       count(DISTINCT properties.appDisplayName) AS apps
FROM $1
WHERE properties.status.errorCode <> 0 AND properties.status.errorCode NOT IN ($interrupts)
GROUP BY 1 ORDER BY users DESC, events DESC LIMIT 10;
SQL
}

summary="$dir/summary.txt"
: > "$summary"
for size in $sizes; do
  file="$dir/signins-$size.json"
  if [ ! -f "$file" ]; then
    echo "generating $size of diagnostic-settings JSON lines …"
    "$synth" --shape diagnostic --size "$size" --policies 4 --out "$file"
  fi
  bytes=$(stat -L -c %s "$file")
  records=$(wc -l < "$file")
  ranking "read_ndjson_auto('$file')" > "$dir/auto.sql"
  ranking "read_ndjson('$file', columns={properties: 'STRUCT(status STRUCT(errorCode BIGINT), userPrincipalName VARCHAR, appDisplayName VARCHAR)'})" > "$dir/schema.sql"
  cat "$file" > /dev/null  # warm the page cache for every contender alike
  json="$dir/hyperfine-$size.json"
  hyperfine -N --warmup 1 --runs "$runs" --export-json "$json" \
    "$bin signins $file --json" \
    "$duckdb -c '.read $dir/auto.sql'" \
    "$duckdb -c '.read $dir/schema.sql'" >/dev/null
  # The answers, to see that they agree.
  echo "== $size: DuckDB's failure ranking (top 3) =="
  "$duckdb" -csv -c ".read $dir/schema.sql" | head -4
  echo "== $size: signins --json failures (top 3) =="
  "$bin" signins "$file" --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
for f in d["failures"][:3]:
    print(f["code"][6:], f["events"], f["users"], f["apps"], sep=",")
print("records", d["totals"]["events"], "attacks", len(d["attacks"]), "spikes", len(d["spikes"]))'
  rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
  ours_rss=$(for _ in 1 2 3; do rss "$bin" signins "$file" --json; done | sort -n | sed -n 2p)
  duck_rss=$(rss "$duckdb" -c ".read $dir/schema.sql")
  python3 - "$json" "$size" "$bytes" "$records" "$ours_rss" "$duck_rss" >> "$summary" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
size, nbytes, records, ours_rss, duck_rss = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
ours, auto, schema = (r["median"] for r in res)
cpu = [r["user"] + r["system"] for r in res]
print(f"{size}: {nbytes / 2**30:.2f} GiB, {records} records ({nbytes / records / 1000:.1f} KB each)")
print(f"  signins, all analyses:          median {ours:6.2f} s  {nbytes / ours / 2**20:6.0f} MiB/s  cpu {cpu[0]:.2f} s  peak RSS {ours_rss / 1024:.0f} MiB")
# CPU time too: on a shared machine wall times follow the other jobs' load.
print(f"  DuckDB ranking, inferred schema: median {auto:6.2f} s  ratio {auto / ours:4.1f}x   cpu {cpu[1]:.2f} s  cpu ratio {cpu[1] / cpu[0]:4.1f}x")
print(f"  DuckDB ranking, explicit schema: median {schema:6.2f} s  ratio {schema / ours:4.1f}x   cpu {cpu[2]:.2f} s  cpu ratio {cpu[2] / cpu[0]:4.1f}x  peak RSS {duck_rss / 1024:.0f} MiB")
PY
  [ "${KEEP:-0}" = 1 ] || [ "$size" = "$(echo $sizes | awk '{print $NF}')" ] || rm -f "$file"
done

shapes_size="${SHAPES_SIZE:-256M}"
if [ "$shapes_size" != 0 ]; then
  # The other shapes. DuckDB reads Graph pages and Event Hub captures only by
  # unnesting the wrapper's array (one object of many megabytes per line).
  for shape in graph-pages event-hub graph-arrays portal-csv log-analytics-json; do
    file="$dir/$shape-$shapes_size.json"
    "$synth" --shape "$shape" --size "$shapes_size" --policies 4 --out "$file" 2>/dev/null
    cat "$file" > /dev/null
    cmds=("$bin signins $file --json")
    case "$shape" in
      graph-pages) wrapper=value ;;
      event-hub) wrapper=records ;;
      *) wrapper= ;;
    esac
    if [ -n "$wrapper" ]; then
      inner=$([ "$wrapper" = records ] && echo "r.properties" || echo "r")
      cat > "$dir/$shape.sql" <<SQL
SELECT $inner.status.errorCode AS code, count(*) AS events,
       count(DISTINCT lower($inner.userPrincipalName)) AS users, count(DISTINCT $inner.appDisplayName) AS apps
FROM (SELECT unnest($wrapper) AS r FROM read_json('$file', maximum_object_size=1000000000))
WHERE $inner.status.errorCode <> 0 AND $inner.status.errorCode NOT IN ($interrupts)
GROUP BY 1 ORDER BY users DESC, events DESC LIMIT 10;
SQL
      cmds+=("$duckdb -c '.read $dir/$shape.sql'")
    fi
    hyperfine -N --warmup 1 --runs 3 --export-json "$dir/shape.json" "${cmds[@]}" >/dev/null
    duck_rss=0
    [ -n "$wrapper" ] && duck_rss=$(/usr/bin/time -f %M "$duckdb" -c ".read $dir/$shape.sql" 2>&1 >/dev/null | tail -1)
    ours_rss=$(/usr/bin/time -f %M "$bin" signins "$file" --json 2>&1 >/dev/null | tail -1)
    python3 - "$dir/shape.json" "$shape" "$(stat -c %s "$file")" "$ours_rss" "$duck_rss" >> "$summary" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
shape, nbytes, ours_rss, duck_rss = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
o = res[0]["median"]
line = f"  shape {shape:20} {nbytes / 2**20:5.0f} MiB  signins median {o:5.2f} s {nbytes / o / 2**20:5.0f} MiB/s  RSS {ours_rss / 1024:4.0f} MiB"
if len(res) > 1:
    d = res[1]["median"]
    line += f"  | DuckDB median {d:5.2f} s  ratio {d / o:4.1f}x  RSS {duck_rss / 1024:4.0f} MiB"
print(line)
PY
    rm -f "$file"
  done
fi
echo
echo "== summary ($(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)) =="
cat "$summary"
