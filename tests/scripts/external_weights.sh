#!/usr/bin/env bash
# External weights end to end: a small model compiled by tcc-compile once embedded and once
# with --external-weights-above=0 (every constant in m.weights beside the .so); tcc-run gives
# identical outputs for both (also --bench), and a missing, truncated, corrupt or foreign
# weights file is one line "FILE: error: ..." and exit 1. The generated header names the
# file. Also a C program linked with the .so (named entry) finds the file beside it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${TCC_BIN:-$root/build/bin}
command -v cc > /dev/null || { echo "external_weights: skipped (no cc)"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
model() { # W0: first weight value
	cat <<M
<ir_version: 8, opset_import: ["" : 17]>
net (float[1,1,4,4] x) => (float[1,2] y) <
  float[2,1,3,3] w = {$1, 0, -1, 2, 0, -2, 1, 0, -1, 0.5, 0.5, 0.5, 0, 0, 0, -0.5, -0.5, -0.5},
  float[2] b = {0.5, -0.25},
  int64[2] s = {1, 8},
  float[8,2] m = {1, 0, 0, 1, 1, 1, -1, 0, 0, -1, 0.5, 0.5, 2, 0, 0, 2}
> {
  c = Conv <kernel_shape = [3, 3]> (x, w, b)
  r = Relu (c)
  f = Reshape (r, s)
  y = MatMul (f, m)
}
M
}
model 1 > "$tmp/net.onnxtxt"
model 3 > "$tmp/other.onnxtxt"
mkdir -p "$tmp/emb" "$tmp/ext" "$tmp/oth"

nfail=0
fail() { echo "FAIL: $*"; nfail=$((nfail + 1)); }
# expect_error PATTERN CMD...: exit 1 and exactly one line on stderr, "FILE: error: ...".
expect_error() {
	local pat=$1 rc=0
	shift
	"$@" > /dev/null 2> "$tmp/err" || rc=$?
	[ "$rc" -eq 1 ] || fail "$* -> exit $rc, expected 1"
	[ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "$* -> not one line on stderr: $(cat "$tmp/err")"
	grep -Eq -- "^[^ ]+: error: .*$pat" "$tmp/err" || fail "$* -> '$(cat "$tmp/err")' !~ '$pat'"
}

"$bin/tcc-compile" "$tmp/net.onnxtxt" -o "$tmp/emb/net.so"
"$bin/tcc-compile" "$tmp/net.onnxtxt" -o "$tmp/ext/net.so" --external-weights-above=0
"$bin/tcc-compile" "$tmp/other.onnxtxt" -o "$tmp/oth/net.so" --external-weights-above=0
[ ! -e "$tmp/emb/net.weights" ] || fail "embedded build wrote a weights file"
[ -f "$tmp/ext/net.weights" ] || fail "no weights file written"
grep -q '#define NET_WEIGHTS_FILE "net.weights"' "$tmp/ext/net.h" || fail "header: no NET_WEIGHTS_FILE"
grep -q 'NET_WEIGHTS' "$tmp/emb/net.h" && fail "embedded header names a weights file"
[ "$(head -c 8 "$tmp/ext/net.weights")" = "TCCWGT1" ] || fail "weights magic"

for k in emb ext; do
	mkdir -p "$tmp/out_$k"
	"$bin/tcc-run" "$tmp/$k/net.so" --dummy-inputs --output-dir "$tmp/out_$k" > /dev/null
	"$bin/tcc-run" "$tmp/$k/net.so" --dummy-inputs --bench 3 > "$tmp/bench_$k" ||
		fail "--bench 3 ($k)"
done
cmp -s "$tmp/out_emb/output_0.pb" "$tmp/out_ext/output_0.pb" || fail "outputs differ"

# The named entry from a C program linked with the .so: the weights are found beside it.
cat > "$tmp/main.c" <<'C'
#include <stdio.h>
int main(void)
{
	float x[1][1][4][4], y[1][2];
	for (int i = 0; i < 16; i++)
		x[0][0][i / 4][i % 4] = (float)i / 16;
	int st = net_run(x, y);
	printf("%d %g %g\n", st, y[0][0], y[0][1]);
	return st != 0;
}
C
cc -std=c11 -include "$tmp/ext/net.h" "$tmp/main.c" "$tmp/ext/net.so" -Wl,-rpath,"$tmp/ext" \
	-o "$tmp/main_ext"
cc -std=c11 -include "$tmp/emb/net.h" "$tmp/main.c" "$tmp/emb/net.so" -Wl,-rpath,"$tmp/emb" \
	-o "$tmp/main_emb"
[ "$("$tmp/main_ext")" = "$("$tmp/main_emb")" ] || fail "named entry: outputs differ"

# Broken weights files: one line, exit 1; the API's status is checked by check_compile.
w=$tmp/ext/net.weights
cp "$w" "$tmp/good.weights"
mv "$w" "$tmp/moved.weights"
expect_error "cannot open weights file '.*net.weights': No such file" \
	"$bin/tcc-run" "$tmp/ext/net.so" --dummy-inputs
st=0; "$tmp/main_ext" > /dev/null 2>&1 || st=$?
[ "$st" -eq 1 ] || fail "named entry without weights: exit $st"
head -c 100 "$tmp/good.weights" > "$w"
expect_error "has 100 bytes, the model expects [0-9]+ \(truncated" \
	"$bin/tcc-run" "$tmp/ext/net.so" --dummy-inputs
cp "$tmp/good.weights" "$w"
printf '\x7f' | dd of="$w" bs=1 seek=70 conv=notrunc status=none
expect_error "is corrupt \(checksum" "$bin/tcc-run" "$tmp/ext/net.so" --dummy-inputs
printf 'X' | dd of="$w" bs=1 seek=0 conv=notrunc status=none
expect_error "not a tcc weights file" "$bin/tcc-run" "$tmp/ext/net.so" --bench 3 --dummy-inputs
cp "$tmp/oth/net.weights" "$w"
expect_error "belongs to another model" "$bin/tcc-run" "$tmp/ext/net.so" --dummy-inputs
cp "$tmp/good.weights" "$w"
"$bin/tcc-run" "$tmp/ext/net.so" --dummy-inputs > /dev/null || fail "restored weights"

# Command line.
expect_error "needs a size in bytes" "$bin/tcc-compile" "$tmp/net.onnxtxt" -o "$tmp/x.so" \
	--external-weights-above=lots
"$bin/tcc-compile" "$tmp/net.onnxtxt" -o "$tmp/k.so" --external-weights-above=1k -v > "$tmp/v"
grep -q "all embedded" "$tmp/v" || fail "1k: $(cat "$tmp/v")"
"$bin/tcc-compile" "$tmp/net.onnxtxt" -o "$tmp/z.so" --external-weights-above=64 -v > "$tmp/v"
grep -q "weights: 1 external (72 of [0-9]* constant bytes), file of 192 bytes" "$tmp/v" || fail "64: $(cat "$tmp/v")"

[ "$nfail" -eq 0 ] && echo "external_weights: ok"
[ "$nfail" -eq 0 ]
