# Shared set-up of bin/demo and bin/test: a virtualenv with the pinned dependencies, and a
# PostgreSQL to talk to. Sourced, not run.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# ensure_venv EXTRA: create .venv (Python 3.11) and install the project with an extra ("embedded"
# or "dev"), again only when pyproject.toml changed since the last install.
ensure_venv() {
  local extra="$1" stamp
  if [ ! -x "$PY" ]; then
    log "Creating the virtualenv in $VENV"
    local python="${PYTHON:-}"
    if [ -z "$python" ]; then
      for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
          python="$candidate"; break
        fi
      done
    fi
    [ -n "$python" ] || { echo "Python 3.11 is required (set PYTHON=/path/to/python3.11)." >&2; exit 1; }
    "$python" -m venv "$VENV"
    "$PY" -m pip install --quiet --upgrade pip
  fi
  stamp="$VENV/.installed-$extra-$(sha256sum "$ROOT/pyproject.toml" | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    log "Installing dependencies ($extra)"
    "$PY" -m pip install --quiet -e "$ROOT[$extra]"
    touch "$stamp"
  fi
}

# port_open HOST PORT: whether something accepts TCP connections there.
port_open() {
  "$PY" - "$1" "$2" <<'PYEOF'
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1).close()
except OSError:
    sys.exit(1)
PYEOF
}

# embedded_database DIR NAME: start the embedded PostgreSQL in DIR and print its DATABASE_URL.
embedded_database() {
  "$PY" "$ROOT/bin/embedded_postgres.py" start "$1" "$2"
}

# ensure_database URL: create the database of a PostgreSQL URL when it does not exist yet.
ensure_database() {
  "$PY" - "$1" <<'PYEOF'
import sys
from urllib.parse import urlsplit, urlunsplit
import psycopg
from psycopg import sql
parts = urlsplit(sys.argv[1])
name = parts.path.lstrip("/")
with psycopg.connect(urlunsplit(parts._replace(scheme="postgresql", path="/postgres")), autocommit=True) as connection:
    if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
PYEOF
}

manage() { "$PY" "$ROOT/manage.py" "$@"; }
