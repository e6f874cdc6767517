#!/usr/bin/env bash
# Regenerates the initial migration from storage/models.py (the schema has not shipped yet,
# so one initial revision is kept). Run after changing a model.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f storage/migrations/versions/0001_initial.py
.venv/bin/python - "$tmp" <<'PY'
import sys
from alembic import command
from storage.migrate import alembic_config
cfg = alembic_config(f"sqlite+aiosqlite:///{sys.argv[1]}/x.sqlite3")
command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
PY
mv storage/migrations/versions/0001_*.py storage/migrations/versions/0001_initial.py
.venv/bin/ruff format -q storage/migrations/versions/0001_initial.py
rm -rf "$tmp"
echo "storage/migrations/versions/0001_initial.py regenerated"
