#!/usr/bin/env bash
# ONNX conformance: every ONNX backend test folder of ../shared/onnx-tests/{node,simple,
# pytorch-operator} through `tcc-run --check DIR`, in parallel, then docs/conformance.md.
#
# Each folder gets one result: PASS, FAIL (a wrong value, an error, a crash, or more than
# CONFORMANCE_TIMEOUT seconds) or UNSUPPORTED (tcc-run exit 2: an op or feature tcc does not
# compile yet; counted as "skipped"). The last line printed is
#
#     N passed, N failed, N skipped
#
# Environment:
#   TCC_SHARED           the shared folder (default: the project's ../shared)
#   TCC_BIN              folder of tcc-run and tcc-opt (default: build/bin)
#   CONFORMANCE_JOBS     parallel tests (default: nproc)
#   CONFORMANCE_TIMEOUT  seconds per test (default 60)
#   CONFORMANCE_DOC      the report to write (default docs/conformance.md)
#   CONFORMANCE_FILTER   only folders whose suite/name matches this grep -E pattern
#   CONFORMANCE_RESULTS  also keep the raw results (tab-separated) in this file
#
# The op of a test (the rows of the report's table) is found from the model, read with
# `tcc-opt DIR/model.onnx --emit=text`, taking the ONNX-domain nodes of the main graph:
#   1. the distinct op types, Constant left out (unless it is the only one); one: that op;
#   2. several: the one whose name, lower-cased without '_', starts the folder name (without
#      "test_" / "test_operator_" and '_'), the longest such; the test of an op that needs
#      helper nodes (Cast, Reshape...) is counted under that op;
#   3. a folder "X_expanded[_verN]" (a function op expanded into primitives) counts under
#      "OP (expanded)", OP being the op of its sibling folder X;
#   4. otherwise "(several ops)"; a model tcc-opt cannot read: "(unreadable)".
# A model with nodes of other domains only counts under its op with the domain
# ("ai.onnx.preview.training.Adam").
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
shared=${TCC_SHARED:-$root/../shared}
export TCC_BIN=${TCC_BIN:-$root/build/bin}
jobs=${CONFORMANCE_JOBS:-$(nproc)}
export CONFORMANCE_TIMEOUT=${CONFORMANCE_TIMEOUT:-60}
doc=${CONFORMANCE_DOC:-$root/docs/conformance.md}

for tool in tcc-run tcc-opt; do
	if [ ! -x "$TCC_BIN/$tool" ]; then
		echo "conformance: error: $TCC_BIN/$tool not found (set TCC_BIN)" >&2
		exit 1
	fi
done
if [ ! -d "$shared/onnx-tests" ]; then
	echo "conformance: error: $shared/onnx-tests not found (set TCC_SHARED)" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# one_test DIR: prints "STATUS<tab>suite/name<tab>op<tab>seconds<tab>reason" in one write.
one_test() {
	local dir=$1 name suite line rc start end ops reason status
	name=$(basename "$dir")
	suite=$(basename "$(dirname "$dir")")
	start=$(date +%s.%N)
	line=$(timeout -k 5 "$CONFORMANCE_TIMEOUT" "$TCC_BIN/tcc-run" --check "$dir" 2>&1 \
		&& echo "rc=0" || echo "rc=$?")
	rc=${line##*rc=}
	line=$(head -n 1 <<< "$line")
	end=$(date +%s.%N)
	case $rc in
	0) status=PASS ;;
	2) status=UNSUPPORTED ;;
	124 | 137) status=FAIL line="timeout after ${CONFORMANCE_TIMEOUT} s" ;;
	1) status=FAIL ;;
	*) status=FAIL line="crashed (exit status $rc): $line" ;;
	esac
	reason=${line#"$status $dir: "}
	reason=${reason#"$status $dir"}
	reason=${reason//"$dir/"/}
	ops=$("$TCC_BIN/tcc-opt" "$dir/model.onnx" --emit=text 2>/dev/null | awk -v name="$name" '
		/^}/ { exit }
		/^  [^ ]/ && match($0, /= [A-Za-z_][A-Za-z0-9_.]*( <| \(|$)/) {
			op = substr($0, RSTART + 2, RLENGTH - 2)
			sub(/ .*/, "", op)
			if (op ~ /\./) { if (!(op in seen)) { seen[op] = 1; other[m++] = op } }
			else if (!(op in seen)) { seen[op] = 1; ops[n++] = op }
		}
		END {
			if (n == 0 && m == 0) { print "(unreadable)"; exit }
			if (n == 0) { print m == 1 ? other[0] : "(several ops)"; exit }
			k = 0
			for (i = 0; i < n; i++) if (ops[i] != "Constant") keep[k++] = ops[i]
			if (k == 0) keep[k++] = "Constant"
			if (k == 1) { print keep[0]; exit }
			f = tolower(name); sub(/^test_operator_/, "", f); sub(/^test_/, "", f)
			gsub(/_/, "", f)
			best = ""
			for (i = 0; i < k; i++) {
				o = tolower(keep[i])
				if (index(f, o) == 1 && length(o) > length(best)) { best = o; bo = keep[i] }
			}
			print best != "" ? bo : "(several ops)"
		}')
	[ -n "$ops" ] || ops="(unreadable)"
	printf '%s\t%s/%s\t%s\t%.2f\t%s\n' "$status" "$suite" "$name" "$ops" \
		"$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "${reason//$'\t'/ }"
}
export -f one_test

find "$shared/onnx-tests/node" "$shared/onnx-tests/simple" \
	"$shared/onnx-tests/pytorch-operator" -mindepth 1 -maxdepth 1 -type d | sort |
	{ if [ -n "${CONFORMANCE_FILTER:-}" ]; then grep -E "$CONFORMANCE_FILTER" || true; else cat; fi; } \
	> "$tmp/dirs"
total=$(wc -l < "$tmp/dirs")
t0=$(date +%s)
tr '\n' '\0' < "$tmp/dirs" | xargs -0 -P "$jobs" -n 1 bash -c 'one_test "$1"' _ > "$tmp/results"
t1=$(date +%s)
[ -z "${CONFORMANCE_RESULTS:-}" ] || cp "$tmp/results" "$CONFORMANCE_RESULTS"

bash "$here/report.sh" "$tmp/results" "$total" "$((t1 - t0))" "$jobs" > "$tmp/doc"
mkdir -p "$(dirname "$doc")"
cp "$tmp/doc" "$doc"
awk -F '\t' '{ n[$1]++ } END { printf "%d passed, %d failed, %d skipped\n",
	n["PASS"], n["FAIL"], n["UNSUPPORTED"] }' "$tmp/results"
