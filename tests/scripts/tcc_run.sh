#!/usr/bin/env bash
# tcc-run's contract on hand-written models: small .so files built here with cc against
# runtime/tcc_rt.h (y = OP(x) over a float tensor), so it needs neither the compiler nor the
# shared test data. Checks --check (PASS / FAIL / bad folders), --input / --dummy-inputs /
# --output-dir / --compare, --bench, and that every error is one line "FILE: error: ..." with
# exit status 1. Skipped (77) without cc.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
run=${TCC_BIN:-$root/build/bin}/tcc-run
command -v cc > /dev/null || { echo "tcc_run: skipped (no cc)"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/m.c" <<'C'
#include <math.h>
#include "tcc_rt.h"
static const int64_t shape[] = { SHAPE };
#define N (sizeof(shape) / sizeof(*shape))
static const struct tcc_rt_tensor_desc io[] = {
	{ "x", TCC_RT_DTYPE_FLOAT, N, shape }, { "y", TCC_RT_DTYPE_FLOAT, N, shape } };
static int run(struct tcc_rt_exec *ex, void *const *in, void *const *out)
{
	const float *x = in[0];
	float *y = out[0];
	int64_t n = 1;
	for (unsigned i = 0; i < N; i++)
		n *= shape[i];
	for (int64_t i = 0; i < n; i++)
		y[i] = OP(x[i]);
	return 0;
}
const struct tcc_rt_model_desc tcc_model_desc = {
	TCC_RT_ABI_MAGIC, TCC_RT_ABI_VERSION, "m", 1, 1, &io[0], &io[1], 4096, 64, 1, run };
C
build() { # NAME OP SHAPE
	cc -shared -fPIC -std=c11 -I"$root/runtime" "-DOP(v)=$2" "-DSHAPE=$3" \
		-o "$tmp/$1.so" "$tmp/m.c" -lm
}
build id '(v)' '3, 4, 5'
build abs 'fabsf(v)' '3, 4, 5'
build neg '(-(v))' '3, 4, 5'
build small '(v)' '2'

nfail=0
fail() { echo "FAIL: $*"; nfail=$((nfail + 1)); }
# expect RC PATTERN CMD...: exit status RC and output (stdout+stderr) matching PATTERN.
expect() {
	local want=$1 pat=$2 rc=0
	shift 2
	"$@" > "$tmp/out" 2>&1 || rc=$?
	[ "$rc" -eq "$want" ] || fail "$* -> exit $rc, expected $want: $(head -n 3 "$tmp/out")"
	[ -z "$pat" ] || grep -Eq -- "$pat" "$tmp/out" || fail "$* -> output does not match '$pat': $(head -n 3 "$tmp/out")"
}
# expect_error PATTERN CMD...: exit 1 and exactly one line on stderr, "FILE: error: ...".
expect_error() {
	local pat=$1 rc=0
	shift
	"$@" > /dev/null 2> "$tmp/err" || rc=$?
	[ "$rc" -eq 1 ] || fail "$* -> exit $rc, expected 1"
	[ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "$* -> not one line on stderr: $(cat "$tmp/err")"
	grep -Eq -- "^[^ ]+: error: .*$pat" "$tmp/err" || fail "$* -> '$(cat "$tmp/err")' !~ '$pat'"
}

# A backend-test folder made with tcc-run itself: input = output of id on dummy inputs.
t=$tmp/test_abs_like
mkdir -p "$t/test_data_set_0"
expect 0 '' "$run" "$tmp/id.so" --dummy-inputs --output-dir "$t/test_data_set_0"
cp "$t/test_data_set_0/output_0.pb" "$t/test_data_set_0/input_0.pb"

expect 0 "^PASS $t\$" "$run" "$tmp/abs.so" --check "$t"
expect 0 "^PASS $t\$" "$run" "$tmp/id.so" --check "$t"
expect 1 "^FAIL $t: test_data_set_0: output 0 'y' \[0,0,1\]: got -0.016666" \
	"$run" "$tmp/neg.so" --check "$t"
expect 1 "^FAIL /nonexistent/dir: /nonexistent/dir: error: cannot open" \
	"$run" "$tmp/abs.so" --check /nonexistent/dir
expect 1 "^FAIL $tmp: $tmp: error: no test_data_set_N folder" "$run" "$tmp/abs.so" --check "$tmp"
cp -r "$t" "$tmp/extra"
cp "$t/test_data_set_0/output_0.pb" "$tmp/extra/test_data_set_0/output_1.pb"
expect 1 "output_1.pb: error: the model exports only 1 outputs" \
	"$run" "$tmp/abs.so" --check "$tmp/extra"
cp "$t/test_data_set_0/output_0.pb" "$tmp/extra/test_data_set_0/input_1.pb"
expect 1 "2 input files, but the model takes 1 inputs" "$run" "$tmp/abs.so" --check "$tmp/extra"
libm=$(ls /lib/x86_64-linux-gnu/libm.so.6 /usr/lib/x86_64-linux-gnu/libm.so.6 /lib64/libm.so.6 \
	2> /dev/null | head -n 1 || true)
if [ -n "$libm" ]; then
	expect 1 "^FAIL $t: $libm: error: .*is not a tcc model" "$run" "$libm" --check "$t"
	expect_error "is not a tcc model" "$run" "$libm" --dummy-inputs
fi

# One run: inputs, outputs, comparisons.
in0=$t/test_data_set_0/input_0.pb
expect 0 "^output 0 'y': matches" "$run" "$tmp/abs.so" --input "$in0" --compare "$in0"
expect 0 "^output 0 'y' float\[3,4,5\]: min 0 max 0.98333" "$run" "$tmp/abs.so" --dummy-inputs
expect_error "output 0 'y' \[0,0,1\]: got -0.01666" \
	"$run" "$tmp/neg.so" --dummy-inputs --compare "$in0"
expect 0 "matches" "$run" "$tmp/neg.so" --dummy-inputs --compare "$in0" --rtol 3 --atol 0
head -c 40 "$in0" > "$tmp/trunc.pb"
expect_error "not a valid TensorProto" "$run" "$tmp/abs.so" --input "$tmp/trunc.pb"
expect_error "cannot open" "$run" "$tmp/abs.so" --input "$tmp/missing.pb"
mkdir "$tmp/small_out"
expect 0 '' "$run" "$tmp/small.so" --dummy-inputs --output-dir "$tmp/small_out"
expect_error "input 0 'x': expected rank 3, got 1" \
	"$run" "$tmp/abs.so" --input "$tmp/small_out/output_0.pb"
expect_error "the model takes 1 inputs, got 0" "$run" "$tmp/abs.so"
expect_error "the model takes 1 inputs, got 2" "$run" "$tmp/abs.so" --input "$in0" "$in0"
expect_error "got float\[2\], expected float\[3,4,5\]|expected .*\[3,4,5\]" \
	"$run" "$tmp/small.so" --dummy-inputs --compare "$in0"

# --bench: three lines, peak_bytes is the descriptor's arena size.
expect 0 "^median_ms: [0-9.]+" "$run" "$tmp/abs.so" --bench 5 --threads 2
grep -q "^min_ms: [0-9.]" "$tmp/out" || fail "--bench: no min_ms"
grep -q "^peak_bytes: 4096$" "$tmp/out" || fail "--bench: no peak_bytes: 4096"

# Usage errors.
expect 1 "no model given" "$run"
expect 1 "unknown option" "$run" "$tmp/abs.so" --frobnicate
expect 1 "bad value for --bench" "$run" "$tmp/abs.so" --bench 0
expect 1 "exclude each other" "$run" "$tmp/abs.so" --dummy-inputs --input "$in0"
expect 0 "^usage: tcc-run" "$run" --help

if [ "$nfail" -ne 0 ]; then
	echo "tcc_run: $nfail checks failed"
	exit 1
fi
echo "tcc_run: all checks passed"
