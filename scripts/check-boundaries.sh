#!/usr/bin/env bash
# Module boundaries the include paths cannot see (the compiler enforces the
# rest: cmake/ImagebankTargets.cmake):
#  - a quoted include in src/<module>/ that climbs out of its module with
#    "../" (quoted includes resolve next to the including file first);
#  - a test, benchmark or binding that names src/ in an include.
# Prints each offence as file:line and exits 1 if there is any.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
bad=0

module_of() {  # src/adapters/fs/x.cpp -> src/adapters/fs; src/image/jpeg/x -> src/image
  local rel=${1#src/}
  case $rel in
    adapters/*) echo "src/$(cut -d/ -f1-2 <<<"$rel")" ;;
    *) echo "src/${rel%%/*}" ;;
  esac
}

while IFS=: read -r file line text; do
  target=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]+)".*/\1/' <<<"$text")
  resolved=$(realpath -m --relative-to="$repo" "$(dirname "$file")/$target")
  module=$(module_of "$file")
  if [[ $resolved != "$module"/* ]]; then
    echo "$file:$line: includes $target ($resolved), outside its module $module"
    bad=1
  fi
done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"\.\./' src \
           --include='*.cpp' --include='*.hpp' --include='*.h' || true)

while IFS= read -r hit; do
  echo "$hit: reaches into src/ by path (use public headers, test support, or the module's own private root)"
  bad=1
done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*src/' \
           tests benchmarks bindings examples 2>/dev/null \
           --include='*.cpp' --include='*.hpp' --include='*.h' | cut -d: -f1-2 || true)

if [[ $bad -ne 0 ]]; then
  echo "check-boundaries: module boundaries crossed (see above)" >&2
  exit 1
fi
echo "check-boundaries: ok"
