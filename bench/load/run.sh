#!/usr/bin/env bash
# Load test: 200 browsing users and 20 clerks for 5 minutes against two gunicorn servers on
# PostgreSQL, zero 5xx, and every record a clerk was told was saved exists exactly once.
#
#   bench/load/run.sh                 # the real run (DURATION=300)
#   DURATION=30 BROWSERS=20 CLERKS=4 bench/load/run.sh   # a quick check; NO_DOCS=1 to not write docs
#
# Sets up a fresh database ($LOAD_DB, dropped first), starts two gunicorn processes on
# 127.0.0.1:$PORT1 and :$PORT2 (each 2 workers x 4 threads, production settings, page cache on
# as in production), runs bench/load/harness.py, checks counts, writes docs/reliability.md and
# docs/benchmarks.md. Load only ever goes to 127.0.0.1; servers are stopped on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
PY=${PY:-$ROOT/.venv/bin/python}
GUNICORN=${GUNICORN:-$ROOT/.venv/bin/gunicorn}
DURATION=${DURATION:-300}
BROWSERS=${BROWSERS:-200}
CLERKS=${CLERKS:-20}
PORT1=${PORT1:-8101}
PORT2=${PORT2:-8102}
PG=${PG:-postgres://gongkai:gongkai@127.0.0.1:5432}
LOAD_DB=${LOAD_DB:-gk_load}
RUN=$(mktemp -d /tmp/gk-load.XXXXXX)
echo "run directory: $RUN"

export DJANGO_SETTINGS_MODULE=gongkai.settings
export SECRET_KEY=load-test-only-not-secret
export AUDIT_KEY=load-test-only-audit-key-not-secret-0123
export SITE_URL=https://load.example.gov.cn
export DATABASE_URL="$PG/$LOAD_DB"
export GONGKAI_VAR_DIR="$RUN/var"
export ALLOWED_HOSTS=127.0.0.1
export REDIS_URL=
export PYTHONPATH="$ROOT"
export AXES_FAILURE_LIMIT=1000

"$PY" - "$PG" "$LOAD_DB" <<'PYEOF'
import sys, psycopg
pg, name = sys.argv[1], sys.argv[2]
with psycopg.connect(pg + "/postgres", autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.execute(f'CREATE DATABASE "{name}"')
PYEOF
"$PY" manage.py migrate --noinput >"$RUN/migrate.log"
"$PY" manage.py collectstatic --noinput >"$RUN/collectstatic.log"
"$PY" bench/load/setup_data.py "$RUN/data.json" "$CLERKS"

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
for port in "$PORT1" "$PORT2"; do
  "$GUNICORN" gongkai.wsgi -b "127.0.0.1:$port" -k gthread --workers 2 --threads 4 \
    --timeout 60 --error-logfile "$RUN/gunicorn-$port.log" &
  PIDS+=($!)
done
for port in "$PORT1" "$PORT2"; do
  for _ in $(seq 1 60); do
    if "$PY" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/healthz', timeout=2)" 2>/dev/null; then
      break
    fi
    sleep 0.5
  done
done

"$PY" bench/load/harness.py --base "http://127.0.0.1:$PORT1,http://127.0.0.1:$PORT2" \
  --data "$RUN/data.json" --browsers "$BROWSERS" --clerks "$CLERKS" --duration "$DURATION" \
  --titles "$RUN/titles.txt" --out "$RUN/result.json"
cleanup
trap - EXIT

status=0
"$PY" bench/load/check_counts.py "$RUN/titles.txt" "$RUN/result.json" || status=1
"$PY" - "$RUN/result.json" "$PORT1" "$PORT2" <<'PYEOF' || status=1
import json, sys
path = sys.argv[1]
result = json.load(open(path, encoding="utf-8"))
result["setup"] = (
    f"PostgreSQL 15 on 127.0.0.1; two gunicorn processes (127.0.0.1:{sys.argv[2]} and "
    f":{sys.argv[3]}), each 2 workers x 4 threads (gthread), production settings "
    "(DEBUG off, page cache on); the harness on the same machine"
)
json.dump(result, open(path, "w", encoding="utf-8"), ensure_ascii=False, indent=2)
if result["server_errors"]:
    print("5xx answers:", result["server_error_examples"])
    sys.exit(1)
PYEOF
if [ -z "${NO_DOCS:-}" ]; then
  "$PY" bench/load/report.py "$RUN/result.json" \
    "DURATION=$DURATION BROWSERS=$BROWSERS CLERKS=$CLERKS bench/load/run.sh"
fi
echo "result: $RUN/result.json (exit $status)"
exit $status
