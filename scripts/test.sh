#!/usr/bin/env bash
# npm test: every test file, one at a time. The admin console's browser tests (test/admin/) need
# Debian's chromium; where it is absent they are left out, said in one line, never "skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x /usr/bin/chromium ]; then
  mapfile -t files < <(find test -name '*.test.ts' | sort)
else
  echo "test/admin/ left out: no browser at /usr/bin/chromium (apt-get install chromium to run the console's browser tests)"
  mapfile -t files < <(find test -path test/admin -prune -o -name '*.test.ts' -print | sort)
fi
exec node --import tsx --test --test-concurrency=1 "${files[@]}"
