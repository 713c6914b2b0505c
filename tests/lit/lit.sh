#!/usr/bin/env bash
# Runs the RUN: lines of one text test. In a RUN line, %s is the test file, %t a scratch path
# and %S the test's folder. A line ending in '\' continues on the next RUN: line.
# Tools (tcc-opt, FileCheck, not) come from PATH, which the ctest setup points at build/bin.
set -u
file=$1
dir=$(dirname "$file")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v FileCheck >/dev/null || { echo "lit: FileCheck not on PATH" >&2; exit 1; }

cmds=()
cur=""
while IFS= read -r line; do
  case "$line" in
    *RUN:*) ;;
    *) continue ;;
  esac
  part=${line#*RUN:}
  part=${part# }
  if [[ $part == *'\' ]]; then
    cur+="${part%\\} "
    continue
  fi
  cmds+=("$cur$part")
  cur=""
done < "$file"

if [ ${#cmds[@]} -eq 0 ]; then
  echo "lit: $file has no RUN: line" >&2
  exit 1
fi

n=0
for c in "${cmds[@]}"; do
  n=$((n + 1))
  c=${c//%s/$file}
  c=${c//%t/$tmp/t$n}
  c=${c//%S/$dir}
  if ! (cd "$tmp" && bash -o pipefail -c "$c"); then
    echo "lit: FAILED RUN line $n of $file:" >&2
    echo "  $c" >&2
    exit 1
  fi
done
exit 0
