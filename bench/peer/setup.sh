#!/usr/bin/env bash
# Prepare the side-by-side benchmark (see README.md). Idempotent; run from anywhere.
#   SCALE=10000 bench/peer/setup.sh
# Needs the project's own environment variables for "ours" (DATABASE_URL pointing at
# hd_peer_ours, SECRET_KEY, PLATFORM_CREDENTIALS_KEY, REDIS_URL, STATIC_ROOT, ...).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SCALE="${SCALE:-10000}"
PG="${PG:-postgres://postgres@127.0.0.1:5432}"
THEIRS_DB="${PEER_THEIRS_DB:-hd_peer_theirs}"

# 1. django-helpdesk in its own venv (it pins its own Django; nothing shared with .venv).
if [ ! -x "$HERE/.venv/bin/python" ]; then
    python3 -m venv "$HERE/.venv"
fi
"$HERE/.venv/bin/pip" install -q django-helpdesk psycopg2-binary

# 2. Databases (ignore "already exists").
psql "$PG/postgres" -c "CREATE DATABASE $THEIRS_DB" 2>/dev/null || true
psql "$PG/postgres" -c "CREATE DATABASE ${DATABASE_URL##*/}" 2>/dev/null || true

# 3. Ours: schema, the deterministic demo corpus, static manifest (DEBUG=false pages need it).
cd "$ROOT"
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py seed_demo --scale "$SCALE" -v0
.venv/bin/python manage.py collectstatic --noinput -v0

# 4. The same tickets as one JSON-lines corpus, loaded into django-helpdesk.
.venv/bin/python bench/peer/export_ours.py --out "bench/peer/var/tickets-$SCALE.jsonl"
(cd "$HERE/theirs" && PEER_THEIRS_DB="$THEIRS_DB" ../.venv/bin/python manage.py migrate -v0)
PEER_THEIRS_DB="$THEIRS_DB" "$HERE/.venv/bin/python" bench/peer/load_theirs.py "bench/peer/var/tickets-$SCALE.jsonl"
# 5. Fresh planner statistics on both sides after the bulk loads.
psql "$PG/${DATABASE_URL##*/}" -c "VACUUM ANALYZE" >/dev/null
psql "$PG/$THEIRS_DB" -c "VACUUM ANALYZE" >/dev/null
echo "Ready: .venv/bin/python bench/peer/run.py --scale $SCALE"
