#!/usr/bin/env bash
# A wheel that works: build it, install it into a fresh virtual environment and run it from an
# empty folder, far from the checkout, the way docs/deployment.md installs bka. The wheel must
# bring its own checklists, compiled catalogs, templates, static files, migrations and fonts.
# Usage: scripts/check-wheel.sh (PYTHON picks the interpreter, python3 by default).
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
work=$(mktemp -d /tmp/bka-wheel.XXXXXX)
trap 'rm -rf "$work"' EXIT
step() { echo "-- [${SECONDS}s] $*"; }

step "build the wheel"
rm -rf build # setuptools would reuse build/lib, stale files and all
"$python" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" .
wheels=("$work"/dist/bka-*.whl)
wheel=${wheels[0]}
echo "$(basename "$wheel"): $(wc -c <"$wheel") bytes"
"$python" - "$wheel" <<'EOF'
import sys
import zipfile

names = set(zipfile.ZipFile(sys.argv[1]).namelist())
required = [
    "bka/checklists/method.toml",
    "bka/checklists/convention.toml",
    "bka/checklists/packs/digital.toml",
    "bka/translations/sv/LC_MESSAGES/messages.mo",
    "bka/templates/base.html",
    "bka/templates/mail/body.txt",
    "bka/static/bka.css",
    "bka/migrations/env.py",
    "bka/migrations/script.py.mako",
    "reports/fonts/DejaVuSans.ttf",
]
missing = [name for name in required if name not in names]
if not any(name.startswith("bka/migrations/versions/") for name in names):
    missing.append("bka/migrations/versions/*.py")
if missing:
    sys.exit("the wheel lacks: " + ", ".join(missing))
print(f"the wheel holds {len(names)} files, the checklists and the compiled catalog among them")
EOF

step "install it into a fresh virtual environment"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet "$wheel"

step "run it from an empty folder (production config, SQLite in a fresh instance folder)"
mkdir "$work/elsewhere" "$work/instance"
cd "$work/elsewhere"
unset PYTHONPATH DATABASE_URL BKA_CHECKLIST_DIR TEST_DATABASE_URL
export BKA_CONFIG=production BKA_INSTANCE_PATH="$work/instance"
SECRET_KEY=$("$work/venv/bin/python" -c 'import secrets; print(secrets.token_hex(32))')
export SECRET_KEY
bka=$work/venv/bin/bka
"$work/venv/bin/python" - "$work/venv" <<'EOF'
import sys
from pathlib import Path

import bka
from bka.domain.checklists import DEFAULT_DIR, PACKAGED_DIR

venv = Path(sys.argv[1]).resolve()
assert Path(bka.__file__).resolve().is_relative_to(venv), f"bka imported from {bka.__file__}"
assert DEFAULT_DIR == PACKAGED_DIR and PACKAGED_DIR.is_relative_to(venv), DEFAULT_DIR
print(f"bka is imported from {Path(bka.__file__).parent}, checklists from {DEFAULT_DIR}")
EOF
"$bka" db upgrade 2>&1 | tail -n 1
step "bka checklists validate"
"$bka" checklists validate
step "bka demo (a demonstration installation: bka demo refuses the production configuration)"
BKA_CONFIG=development "$bka" demo | sed -n 1p
step "bka report"
"$bka" report 1 --lang sv --output report-sv.pdf
"$bka" report 1 --kind child-summary --lang en --output summary-en.pdf
for pdf in report-sv.pdf summary-en.pdf; do
  size=$(wc -c <"$pdf")
  if [ "$(head -c 5 "$pdf")" != "%PDF-" ] || [ "$size" -lt 10000 ]; then
    echo "$pdf is not a PDF report ($size bytes)" >&2
    exit 1
  fi
done
step "bka backup, then bka restore into a fresh instance folder (docs/backup.md)"
"$bka" backup --output "$work/backup.tar.gz"
"$bka" restore --check "$work/backup.tar.gz"
mkdir "$work/restored"
BKA_INSTANCE_PATH="$work/restored" "$bka" restore "$work/backup.tar.gz" | sed -n 1p
BKA_INSTANCE_PATH="$work/restored" "$bka" audit verify
step "the login page"
# The compiled catalog is found and used: the login page in Swedish.
"$work/venv/bin/python" - <<'EOF'
from bka import create_app

client = create_app().test_client()
page = client.get("/login", base_url="https://localhost", headers={"Accept-Language": "sv"})
text = page.get_data(as_text=True)
assert page.status_code == 200, page.status_code
assert 'lang="sv"' in text and "Logga in" in text, text[:2000]
print("the login page is served in Swedish")
EOF
echo "ok: the installed wheel runs from $work/elsewhere (${SECONDS}s)"
