#!/usr/bin/env bash
# Text round trips over the shared ONNX models: for every model M
#   text(M) == text(text(M))            (the printer's output parses back and prints the same)
#   text(onnx(M)) == text(M)            (exporting to ONNX and importing again changes nothing)
# Needs TCC_BIN (with tcc-opt) and TCC_SHARED; skips (77) without $TCC_SHARED/onnx-tests.
# Prints each failure with its step and first error line, then a summary.
set -u
shared=${TCC_SHARED:-$(dirname "$0")/../../../shared}
bin=${TCC_BIN:-$(dirname "$0")/../../build/bin}
opt=$bin/tcc-opt
jobs=${TCC_JOBS:-2}

[ -d "$shared/onnx-tests" ] || { echo "roundtrip_shared: no $shared/onnx-tests, skipping"; exit 77; }
[ -x "$opt" ] || { echo "roundtrip_shared: no $opt" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One model: prints "FAIL <step> <model>: <reason>" or nothing.
check_one() {
	m=$1
	d=$(mktemp -d "$tmp/m.XXXXXX")
	fail() { echo "FAIL $1 $m: $(head -c 300 "$2" | head -n 1)"; rm -rf "$d"; exit 0; }
	"$opt" "$m" --emit=text >"$d/a.txt" 2>"$d/err" || fail import "$d/err"
	"$opt" "$d/a.txt" --emit=text >"$d/b.txt" 2>"$d/err" || fail reparse "$d/err"
	cmp -s "$d/a.txt" "$d/b.txt" || {
		diff "$d/a.txt" "$d/b.txt" | sed -n 2p | cut -c1-200 >"$d/err"
		fail text-differs "$d/err"
	}
	"$opt" "$m" --emit=onnx -o "$d/x.onnx" 2>"$d/err" || fail export "$d/err"
	"$opt" "$d/x.onnx" --emit=text >"$d/c.txt" 2>"$d/err" || fail reimport "$d/err"
	cmp -s "$d/a.txt" "$d/c.txt" || {
		diff "$d/a.txt" "$d/c.txt" | sed -n 2p | cut -c1-200 >"$d/err"
		fail onnx-differs "$d/err"
	}
	rm -rf "$d"
}
export -f check_one
export opt tmp

list=$tmp/models
{
	ls "$shared"/onnx-tests/*/*/model.onnx 2>/dev/null
	ls "$shared"/models/light/*.onnx 2>/dev/null
} >"$list"
total=$(wc -l <"$list")

tr '\n' '\0' <"$list" |
	xargs -0 -n 64 -P "$jobs" bash -c 'for m; do (check_one "$m"); done' _ >"$tmp/fails"
nfail=$(wc -l <"$tmp/fails")
sort "$tmp/fails"
echo "roundtrip_shared: $((total - nfail))/$total models round-trip, $nfail failures"
for step in import reparse text-differs export reimport onnx-differs; do
	n=$(grep -c "^FAIL $step " "$tmp/fails")
	[ "$n" -gt 0 ] && echo "  $step: $n"
done
[ "$nfail" -eq 0 ]
