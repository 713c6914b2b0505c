#!/usr/bin/env bash
# Run every test tcc has, the way CI does:
#
#   1. scripts/setup.sh (packages + Release build in build/), then ctest in build/;
#   2. an AddressSanitizer + UBSan Debug build in build-asan/, the whole ctest suite again;
#   3. a libFuzzer build in build-fuzz/ (clang-19), each fuzz target run briefly on a seed
#      corpus; each fuzz run counts as one test.
#
# The last line is always `N passed, N failed, N skipped` (both ctest runs and the fuzz runs);
# the exit status is non-zero when anything failed.
#
# Environment: TCC_FUZZ_SECONDS (default 20) per fuzz target; TCC_TEST_QUICK=1 runs step 1
# only; TCC_SHARED (default ../shared) for the fuzz seeds from onnx-tests.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1

jobs=$(nproc 2>/dev/null || echo 2)
fuzz_seconds=${TCC_FUZZ_SECONDS:-20}
shared=${TCC_SHARED:-$root/../shared}
passed=0
failed=0
skipped=0
started=$SECONDS

summary() {
	echo "test.sh: done in $((SECONDS - started)) s"
	echo "$passed passed, $failed failed, $skipped skipped"
	if [ "$failed" -eq 0 ]; then
		exit 0
	fi
	exit 1
}

step() { echo "== $* ($((SECONDS - started)) s)"; }

# junit_attr FILE NAME: an attribute of the <testsuite> element of a ctest JUnit file.
junit_attr() {
	tr '\n\t' '  ' <"$1" | grep -o "<testsuite [^>]*" | grep -o " $2=\"[0-9]*\"" |
		head -n 1 | tr -dc '0-9' || true
}

# run_ctest DIR [CTEST-ARGS...]: a build folder's ctest suite, counted from its JUnit report.
run_ctest() {
	local dir=$1 junit=$1/ctest-junit.xml rc=0 n f s d
	shift
	rm -f "$junit"
	(cd "$dir" && ctest -j "$jobs" --output-on-failure --timeout 900 \
		--output-junit ctest-junit.xml "$@") || rc=$?
	if [ ! -s "$junit" ]; then
		echo "test.sh: ctest in $dir wrote no report (status $rc)"
		failed=$((failed + 1))
		return
	fi
	n=$(junit_attr "$junit" tests)
	f=$(junit_attr "$junit" failures)
	s=$(junit_attr "$junit" skipped)
	d=$(junit_attr "$junit" disabled)
	n=${n:-0} f=${f:-0} s=$((${s:-0} + ${d:-0}))
	# ctest failing without a failed test (a crash of ctest itself) still counts.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		n=$((n + 1))
	fi
	passed=$((passed + n - f - s))
	failed=$((failed + f))
	skipped=$((skipped + s))
	echo "test.sh: $dir: $((n - f - s)) passed, $f failed, $s skipped"
}

# build DIR LOG CMAKE-ARGS...: configure (once) and build; prints the log tail on failure.
build() {
	local dir=$1 log=$2
	shift 2
	mkdir -p "$dir"
	if { [ -f "$dir/build.ninja" ] || cmake -S . -B "$dir" -G Ninja "$@" >"$log" 2>&1; } &&
		cmake --build "$dir" -j "$jobs" >>"$log" 2>&1; then
		return 0
	fi
	echo "test.sh: building $dir failed; last lines of $log:"
	tail -n 30 "$log"
	failed=$((failed + 1))
	return 1
}

# ---- 1. Release ----
step "setup and Release build (build/)"
if ! bash scripts/setup.sh; then
	failed=$((failed + 1))
	summary
fi
step "ctest in build/"
run_ctest build
[ -n "${TCC_TEST_QUICK:-}" ] && summary

# ---- 2. ASan + UBSan ----
step "AddressSanitizer + UBSan build (build-asan/)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
if build build-asan build-asan/build.log -DTCC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug; then
	step "ctest in build-asan/"
	# The sweeps over all of ../shared ran in the Release pass already.
	run_ctest build-asan -LE sweep
fi

# ---- 3. libFuzzer ----
# seed_dir TARGET: a folder of seed inputs for a fuzz target (recreated each run).
seed_dir() {
	local dir=build-fuzz/seeds/$1 f i=0
	rm -rf "$dir"
	mkdir -p "$dir"
	case $1 in
	fuzz_onnx)
		for f in examples/*.onnx; do
			[ -f "$f" ] && cp "$f" "$dir/example_$(basename "$f")"
		done
		# A spread of small node-test models: every 15th of those under 2 KB.
		if [ -d "$shared/onnx-tests" ]; then
			find "$shared/onnx-tests" -name model.onnx -size -2k | LC_ALL=C sort |
				awk 'NR % 15 == 1 && ++k <= 150' >"$dir.list"
			while read -r f; do
				i=$((i + 1))
				cp "$f" "$dir/node_$i.onnx"
			done <"$dir.list"
			rm -f "$dir.list"
		fi
		;;
	fuzz_text | fuzz_passes)
		while IFS= read -r -d '' f; do
			i=$((i + 1))
			cp "$f" "$dir/text_$i.onnxtxt"
		done < <(find tests/lit tests/data/bad examples -name '*.onnxtxt' -size -64k -print0 2>/dev/null)
		;;
	esac
	echo "$dir"
}

# run_fuzz TARGET: one fuzz run; counts as one test.
run_fuzz() {
	local t=$1 seeds corpus=build-fuzz/corpus/$1 log=build-fuzz/$1.log dict=
	seeds=$(seed_dir "$t")
	mkdir -p "$corpus" build-fuzz/artifacts
	[ -f "tests/fuzz/$t.dict" ] && dict=-dict=tests/fuzz/$t.dict
	if "build-fuzz/bin/$t" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$t-" \
		${dict:+"$dict"} "$corpus" "$seeds" >"$log" 2>&1; then
		passed=$((passed + 1))
		echo "test.sh: $t: ok ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" |
			tr -dc '0-9') runs, corpus $(find "$corpus" -type f | wc -l) inputs)"
	else
		failed=$((failed + 1))
		echo "test.sh: $t: FAILED; reproducer in build-fuzz/artifacts/, last lines of $log:"
		grep -v '^#[0-9]' "$log" | tail -n 40
	fi
}

step "libFuzzer build (build-fuzz/)"
mapfile -t fuzzers < <(find tests/fuzz -name 'fuzz_*.c' -printf '%f\n' | sed 's/\.c$//' | LC_ALL=C sort)
if ! command -v clang-19 >/dev/null; then
	echo "test.sh: clang-19 not installed: fuzz targets skipped"
	skipped=$((skipped + ${#fuzzers[@]}))
elif [ ${#fuzzers[@]} -gt 0 ]; then
	mkdir -p build-fuzz
	if { [ -f build-fuzz/build.ninja ] ||
		CC=clang-19 cmake -S . -B build-fuzz -G Ninja -DTCC_FUZZ=ON \
			-DCMAKE_BUILD_TYPE=RelWithDebInfo >build-fuzz/build.log 2>&1; } &&
		cmake --build build-fuzz -j "$jobs" --target "${fuzzers[@]}" >>build-fuzz/build.log 2>&1; then
		for t in "${fuzzers[@]}"; do
			step "fuzzing $t for $fuzz_seconds s"
			run_fuzz "$t"
		done
	else
		echo "test.sh: building build-fuzz/ failed; last lines of build-fuzz/build.log:"
		tail -n 30 build-fuzz/build.log
		failed=$((failed + 1))
	fi
fi

summary
