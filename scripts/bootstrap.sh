# Sourced by run.sh and test.sh: create the virtual environment on first use, and refresh it whenever the
# project's dependency files change. Needs only Python 3.11 on the PATH.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${EGOV_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
EXTRAS="${1:-}"
stamp="$(cat "$ROOT/pyproject.toml" "$ROOT/constraints.txt" | sha256sum | cut -c1-16)${EXTRAS}"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.egov-installed" 2>/dev/null)" != "$stamp" ]; then
  echo "setting up $VENV (first use, or the dependencies changed)..." >&2
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
    || { echo "Python 3.11 is needed; found $("$PYTHON" --version 2>&1)" >&2; exit 1; }
  "$PYTHON" -m venv "$VENV"
  # (this machine's pip configuration may warn about local package folders it cannot find: harmless)
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -c "$ROOT/constraints.txt" \
    -e "$ROOT${EXTRAS:+[$EXTRAS]}" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
  echo "$stamp" > "$VENV/.egov-installed"
fi
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
