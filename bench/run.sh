#!/usr/bin/env bash
# tcc against its peers: GEMMs against OpenBLAS, ResNet-50's conv layers, whole models
# (ResNet-50, MobileNetV2, a BERT-like encoder) and memory-bound kernels (Add+Relu, Softmax,
# LayerNorm, GELU; also as a fraction of STREAM triad's bandwidth, bench/triad.c) against ONNX
# Runtime (CPU). Prints one Markdown table and writes it, with the machine and the date, to
# docs/performance.md (full run) or bench/.work/performance-quick.md (BENCH_QUICK=1).
#
#   bench/run.sh                   everything (about 15-25 min on 2 cores with today's tcc)
#   BENCH_QUICK=1 bench/run.sh     GEMM 256 and 1024, the whole models and the memory-bound
#                                  kernels, few iterations
#
# Environment:
#   BENCH_QUICK=1        the quick subset (few iterations, shorter budget)
#   BENCH_ITERS=N        most timed runs per measurement (default 30; quick 5)
#   BENCH_BUDGET=S       about S seconds of timed runs per measurement (default 5; quick 3)
#   BENCH_THREADS="1 2"  thread counts (default "1 2")
#   BENCH_TIMEOUT=S      limit per compile and per tcc-run/peer call (default 900)
#   BENCH_RTOL=X         tcc's outputs must be within X * max|ORT's| of ORT's (default 1e-3)
#   BENCH_FILTER=RE      only rows whose id matches the grep -E pattern RE (the triad row runs
#                        with any memory-bound row mb_*, or when RE matches "triad")
#   BENCH_TRIAD_MIB=M    MiB per array of STREAM triad (default 64: 3 x 64 MiB, far past L2)
#   BENCH_DOC=FILE       where to write the report (default above)
#   BENCH_SKIP_SETUP=1   do not run scripts/setup.sh (tcc already built)
#   TCC_BIN=DIR          the tcc tools (default build/bin)
#
# What it installs when missing (apt, root or sudo): libopenblas-dev python3-torch
# python3-torchvision python3-onnx (and npm); onnxruntime-node from npm into bench/.peers/.
# Models are generated from fixed seeds into bench/.work/models/ (nothing is downloaded but
# the packages). See bench/README.md and docs/performance.md.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bench=bench
work=$bench/.work
models=$work/models
peers=$bench/.peers
mkdir -p "$work" "$models"
log=$work/run.log
: >"$log"

say() { echo "bench: $*" >&2; }
die() {
	say "$*"
	[ -s "$log" ] && { echo "---- last lines of $log ----" >&2; tail -n 30 "$log" >&2; }
	exit 1
}

quick=${BENCH_QUICK:-0}
[ "$quick" = 1 ] || quick=0
if [ $quick = 1 ]; then
	iters=${BENCH_ITERS:-5}
	budget=${BENCH_BUDGET:-3}
	doc=${BENCH_DOC:-$work/performance-quick.md}
else
	iters=${BENCH_ITERS:-30}
	budget=${BENCH_BUDGET:-5}
	doc=${BENCH_DOC:-docs/performance.md}
fi
threads_list=${BENCH_THREADS:-1 2}
limit=${BENCH_TIMEOUT:-900}
rtol=${BENCH_RTOL:-1e-3}
filter=${BENCH_FILTER:-}
tccbin=${TCC_BIN:-build/bin}
export PYTHONDONTWRITEBYTECODE=1
py=/usr/bin/python3 # Debian's torch lives there (python3 may be a pyenv shim)

# ---------------------------------------------------------------- setup
if [ "${BENCH_SKIP_SETUP:-0}" != 1 ]; then
	bash scripts/setup.sh || die "scripts/setup.sh failed"
fi
[ -x "$tccbin/tcc-compile" ] && [ -x "$tccbin/tcc-run" ] || die "no $tccbin/tcc-compile or tcc-run"

packages=(libopenblas-dev python3-torch python3-torchvision python3-onnx)
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
	[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)" = "ii " ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null || die "missing packages (${missing[*]}), not root, no sudo"
		sudo=(sudo -n)
	fi
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -qq >>"$log" 2>&1 || die "apt-get update failed"
	"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1 ||
		die "apt-get install ${missing[*]} failed"
fi
ort_module=$root/$peers/node_modules/onnxruntime-node
if [ ! -f "$ort_module/package.json" ]; then
	say "installing onnxruntime-node into $peers/ (npm)"
	mkdir -p "$peers"
	(cd "$peers" && [ -f package.json ] || echo '{"private": true}' >package.json)
	(cd "$peers" && npm install --ignore-scripts --no-audit --no-fund onnxruntime-node) >>"$log" 2>&1 ||
		die "npm install onnxruntime-node failed"
fi
export ORT_NODE_MODULE=$ort_module
ort_version=$(node -p "require('$ort_module/package.json').version" 2>/dev/null || echo '?')

cc -O2 -std=c11 -o "$work/gemm_openblas" "$bench/gemm_openblas.c" -lopenblas >>"$log" 2>&1 ||
	die "building gemm_openblas failed"
rm -f "$work/triad"
cc -O3 -march=native -std=c11 -fopenmp -o "$work/triad" "$bench/triad.c" >>"$log" 2>&1 ||
	say "WARNING: building bench/triad.c failed (see $log): memory-bound rows without % of triad"
triad_mib=${BENCH_TRIAD_MIB:-64}
openblas_version=$(dpkg-query -W -f='${Version}' libopenblas0-pthread 2>/dev/null ||
	dpkg-query -W -f='${Version}' libopenblas0 2>/dev/null)
openblas_version=${openblas_version%%+*}

# OpenBLAS runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (set, they slow it 2x on the
# development machines). If its own detection then falls back to a generic core on a CPU it does
# not know (0.3.21 calls some new Xeons "Prescott": SSE3 kernels, 5x slower), name the core
# matching the CPU's vector ISA instead, and say so in the report.
blas_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
blas_core=$("${blas_env[@]}" OPENBLAS_VERBOSE=2 "$work/gemm_openblas" 16 16 16 1 1 0 2>&1 |
	sed -n 's/^Core: //p' | head -n 1)
blas_note="OpenBLAS $openblas_version, core $blas_core (detected)"
case "$blas_core" in
Prescott | Core2 | Penryn | Dunnington | Nehalem | Katmai | Coppermine | Northwood | Banias | Atom | "")
	flags=$(grep -m1 '^flags' /proc/cpuinfo)
	forced=
	if [[ $flags == *avx512f* && $flags == *avx512bw* && $flags == *avx512vl* ]]; then
		forced=SkylakeX
	elif [[ $flags == *avx2* && $flags == *fma* ]]; then
		forced=Haswell
	fi
	if [ -n "$forced" ]; then
		blas_env=(env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=$forced)
		blas_note="OpenBLAS $openblas_version, OPENBLAS_CORETYPE=$forced (its detection gave '${blas_core:-nothing}' on this CPU)"
	fi
	;;
esac
say "$blas_note; ONNX Runtime $ort_version (onnxruntime-node)"

# ---------------------------------------------------------------- models
gens=(gemm cnn bert membound)
[ $quick = 1 ] || gens+=(convs)
for g in "${gens[@]}"; do
	say "generating models: $bench/models/$g.py"
	"$py" "$bench/models/$g.py" "$models" >>"$log" 2>&1 || say "WARNING: $bench/models/$g.py failed (see $log)"
done

# ---------------------------------------------------------------- helpers
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
field() { sed -n "s/^$1: *//p" "$2" | head -n 1; }
cell() { printf '%s' "$*" | tr '|\n' '/ ' | cut -c1-140; }
# The one-line diagnostic of a failed tool, its FILE[:LINE:COL] prefix dropped.
diag() {
	local line
	line=$(grep -v '^\s*$' "$1" | grep -m1 -iE 'error|unsupported' || tail -n 1 "$1")
	line=$(printf '%s' "$line" | sed -E 's#^[^ :]*\.(onnxtxt|onnx|so|pb)(:[0-9]+:[0-9]+)?: ##')
	cell "$line"
}
fmt_ms() { awk -v x="$1" 'BEGIN { if (x >= 100) printf "%.0f", x; else if (x >= 10) printf "%.1f", x; else if (x >= 1) printf "%.2f", x; else printf "%.3f", x }'; }
gflops() { awk -v f="$1" -v ms="$2" 'BEGIN { v = f / (ms * 1e6); if (v >= 100) printf "%.0f", v; else if (v >= 10) printf "%.1f", v; else printf "%.2f", v }'; }
gbs() { awk -v b="$1" -v ms="$2" 'BEGIN { v = b / (ms * 1e6); if (v >= 100) printf "%.0f", v; else if (v >= 10) printf "%.1f", v; else printf "%.2f", v }'; }
pct() { awk -v x="$1" -v y="$2" 'BEGIN { printf "%.0f%%", 100 * x / y }'; }
ratio() { awk -v t="$1" -v p="$2" 'BEGIN { r = p / t; if (r >= 10) printf "%.1f×", r; else if (r >= 0.1) printf "%.2f×", r; else printf "%.3f×", r }'; }
mib() { awk -v b="$1" 'BEGIN { if (b < 1048576) printf "%.0f KiB", b / 1024; else printf "%.1f MiB", b / 1048576 }'; }

results=$work/results.tsv
: >"$results"
rows=()

# bench_row KIND ID FILE LABEL FLOPS    (KIND: gemm | conv | model | membound: FLOPS is then
# the bytes an ideal kernel reads and writes, and tcc's cells add GB/s and % of triad)
bench_row() {
	local kind=$1 id=$2 file=$models/$3 label=$4 flops=$5
	local d=$work/run/$id so=$work/run/$id/$id.so
	rm -rf "$d"
	mkdir -p "$d/tcc"
	say "$id: $label"
	local note="" check="" compile_s="" so_size="" peak="" t1="" ok=1

	# ONNX Runtime's outputs on the inputs (written here as input_K.pb) are the reference.
	if ! timeout "$limit" node "$bench/ort_bench.js" run "$file" "$d" >"$d/ort-ref.out" 2>&1; then
		note="ORT: $(diag "$d/ort-ref.out")"
		ok=0
	fi
	local inputs=("$d"/input_*.pb)

	# tcc: compile (timed), run once on the same inputs, compare.
	local t0 rc
	t0=$(now)
	timeout "$limit" "$tccbin/tcc-compile" "$file" -o "$so" >"$d/compile.out" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		[ $rc = 124 ] && note="tcc-compile: timed out after ${limit} s" || note="tcc: $(diag "$d/compile.out")"
		ok=0
	else
		compile_s=$(elapsed "$t0" "$(now)")
		so_size=$(stat -c %s "$so")
	fi
	if [ $ok = 1 ]; then
		t0=$(now)
		timeout "$limit" "$tccbin/tcc-run" "$so" --input "${inputs[@]}" --output-dir "$d/tcc" >"$d/tcc-run.out" 2>&1
		rc=$?
		t1=$(elapsed "$t0" "$(now)")
		if [ $rc -ne 0 ]; then
			[ $rc = 124 ] && note="tcc-run: timed out after ${limit} s" || note="tcc-run: $(diag "$d/tcc-run.out")"
			ok=0
		fi
	fi
	if [ $ok = 1 ]; then
		local ref k worst=""
		check=ok
		for ref in "$d"/ref_*.pb; do
			k=${ref##*/ref_}
			k=${k%.pb}
			if ! node "$bench/ort_bench.js" compare "$ref" "$d/tcc/output_$k.pb" "$rtol" >"$d/compare_$k.out" 2>&1; then
				check=WRONG
				note="WRONG: output $k: $(cell "$(head -n 1 "$d/compare_$k.out" | sed "s/^WRONG //")")"
			fi
			worst=$(sed -n 's/.*max_abs_err=\([^ ]*\) max_abs_ref=\([^ ]*\).*/\1 \2/p' "$d/compare_$k.out")
		done
		[ "$check" = ok ] && [ -n "$worst" ] &&
			check=$(awk -v e="${worst% *}" -v r="${worst#* }" 'BEGIN { printf "ok (%.0e)", (r > 0 ? e / r : e) }')
	fi

	# Timings per thread count: tcc (tcc-run --bench), the peer (OpenBLAS or ORT).
	local row_cells=() T n tms pms
	for T in $threads_list; do
		tms="" pms=""
		if [ $ok = 1 ] || [ "$check" = WRONG ]; then
			# Slow kernels get fewer runs: about BENCH_BUDGET seconds, at least 1.
			n=$(awk -v b="$budget" -v t="$t1" -v i="$iters" 'BEGIN { n = int(b / (t > 0 ? t : 1e-3)); if (n < 1) n = 1; if (n > i) n = i; print n }')
			if timeout "$limit" "$tccbin/tcc-run" "$so" --input "${inputs[@]}" --bench "$n" --threads "$T" >"$d/tcc-bench-$T.out" 2>&1; then
				tms=$(field median_ms "$d/tcc-bench-$T.out")
				peak=$(field peak_bytes "$d/tcc-bench-$T.out")
			else
				note=${note:-"tcc-run --bench: $(diag "$d/tcc-bench-$T.out")"}
			fi
		fi
		if [ "$kind" = gemm ]; then
			local mnk=${id#gemm_}
			IFS=x read -r gm gn gk <<<"$mnk"
			timeout "$limit" "${blas_env[@]}" "$work/gemm_openblas" "$gm" "$gn" "$gk" "$iters" "$T" "$budget" \
				>"$d/peer-$T.out" 2>&1 && pms=$(field median_ms "$d/peer-$T.out")
		else
			timeout "$limit" node "$bench/ort_bench.js" run "$file" "$d" --threads "$T" --iters "$iters" --budget "$budget" \
				>"$d/peer-$T.out" 2>&1 && pms=$(field median_ms "$d/peer-$T.out")
		fi
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$T" "${tms:--}" "${pms:--}" "$check" "$compile_s" "$peak" >>"$results"
		local tc pc rc_
		if [ "$kind" = gemm ]; then
			tc=${tms:+$(gflops "$flops" "$tms")}
			pc=${pms:+$(gflops "$flops" "$pms")}
		elif [ "$kind" = membound ]; then
			tc=${tms:+"$(fmt_ms "$tms") ms, $(gbs "$flops" "$tms") GB/s"}
			[ -n "$tms" ] && [ -n "${triad_gbs[$T]:-}" ] && tc+=" ($(pct "$(gbs "$flops" "$tms")" "${triad_gbs[$T]}") of triad)"
			pc=${pms:+$(fmt_ms "$pms")}
		else
			tc=${tms:+$(fmt_ms "$tms")}
			pc=${pms:+$(fmt_ms "$pms")}
		fi
		if [ "$check" = WRONG ]; then
			rc_=WRONG
		elif [ -n "$tms" ] && [ -n "$pms" ]; then
			rc_=$(ratio "$tms" "$pms")
		else
			rc_=—
		fi
		row_cells+=("${tc:-—}" "${pc:-—}" "$rc_")
		say "  $T thread(s): tcc ${tms:-—} ms, peer ${pms:-—} ms ${note:+($note)}"
	done
	local gf
	gf=$(awk -v f="$flops" 'BEGIN { printf "%.2f", f / 1e9 }')
	[ "$kind" = membound ] && gf=—
	local line="| $label | $gf"
	local c
	for c in "${row_cells[@]}"; do line+=" | $c"; done
	if [ -n "$compile_s" ]; then line+=" | $(printf '%.1f s' "$compile_s")"; else line+=" | —"; fi
	if [ -n "$so_size" ]; then line+=" | $(mib "$so_size")"; else line+=" | —"; fi
	if [ -n "$peak" ]; then line+=" | $(mib "$peak")"; else line+=" | —"; fi
	if [ -n "$note" ]; then line+=" | $note |"; else line+=" | ${check:-—} |"; fi
	rows+=("$line")
}

# manifest NAME KIND: the rows a generator wrote (id, file, label, flop count), filtered.
run_manifest() {
	local tsv=$models/$1.tsv kind=$2 id file label flops
	if [ ! -f "$tsv" ]; then
		rows+=("| **$1: no models (generator failed, see $log)** |")
		return
	fi
	while IFS=$'\t' read -r id file label flops; do
		[ -n "$id" ] || continue
		if [ $quick = 1 ] && [ "$kind" = gemm ] && [[ $id != gemm_256x256x256 && $id != gemm_1024x1024x1024 ]]; then
			continue
		fi
		if [ -n "$filter" ] && ! grep -qE "$filter" <<<"$id"; then continue; fi
		bench_row "$kind" "$id" "$file" "$label" "$flops"
	done <"$tsv"
}

header="| workload | GFLOP"
sep="| --- | ---:"
ncols=2
for T in $threads_list; do
	header+=" | tcc ${T}T | peer ${T}T | tcc/peer ${T}T"
	sep+=" | ---: | ---: | ---:"
	ncols=$((ncols + 3))
done
header+=" | tcc compile | .so size | peak_bytes | check |"
sep+=" | ---: | ---: | ---: | --- |"
group() {
	local line="| **$1** |" i
	for ((i = 1; i < ncols + 4; i++)); do line+=" |"; done
	rows+=("$line")
}

# The STREAM triad row (bench/triad.c, 3 arrays of $triad_mib MiB): median GB/s per thread count
# into triad_gbs[T], the yardstick of the memory-bound rows. Runs when a memory-bound row will
# (or BENCH_FILTER names "triad").
declare -A triad_gbs=()
triad_row() {
	local tsv=$models/membound.tsv want=0 id T g line="| STREAM triad a = b + s·c, 3 × $triad_mib MiB (bench/triad.c, GB/s) | —"
	if [ -z "$filter" ] || grep -qE "$filter" <<<"triad"; then
		want=1
	elif [ -f "$tsv" ]; then
		while IFS=$'\t' read -r id _; do
			[ -n "$id" ] && grep -qE "$filter" <<<"$id" && want=1
		done <"$tsv"
	fi
	[ $want = 1 ] && [ -x "$work/triad" ] || return 0
	say "triad: 3 x $triad_mib MiB"
	for T in $threads_list; do
		g=""
		if timeout "$limit" "$work/triad" "$triad_mib" "$iters" "$T" "$budget" >"$work/triad-$T.out" 2>&1; then
			g=$(field median_gbs "$work/triad-$T.out")
			triad_gbs[$T]=$g
		fi
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' triad "$T" "$(field median_ms "$work/triad-$T.out")" - "${g:+$g GB/s}" - - >>"$results"
		say "  $T thread(s): ${g:-—} GB/s (best $(field best_gbs "$work/triad-$T.out"))"
		line+=" | ${g:+$g GB/s} | — | —"
	done
	rows+=("$line | — | — | — | median of up to $iters runs (best: $(for T in $threads_list; do printf '%s ' "$(field best_gbs "$work/triad-$T.out")"; done | sed 's/ $//; s/ /, /g') GB/s) |")
}

start=$SECONDS
load_start=$(cut -d" " -f1-3 /proc/loadavg)
group "GEMM, GFLOP/s (peer: OpenBLAS cblas_sgemm)"
run_manifest gemm gemm
if [ $quick = 0 ]; then
	group "ResNet-50 conv layers (1 Conv + bias), ms (peer: ONNX Runtime)"
	run_manifest convs conv
fi
group "whole models, ms (peer: ONNX Runtime)"
run_manifest cnn model
run_manifest bert model
group "memory-bound kernels: tcc ms, GB/s = bytes in + out / median, % of triad's GB/s (peer: ONNX Runtime, ms)"
triad_row
run_manifest membound membound
total=$((SECONDS - start))
load_end=$(cut -d" " -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- report
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)
cpu+=" (family $(sed -n 's/^cpu family\s*: //p' /proc/cpuinfo | head -n 1) model $(sed -n 's/^model\s*: //p' /proc/cpuinfo | head -n 1)$(grep -qm1 avx512f /proc/cpuinfo && echo ', AVX-512'))"
ncpu=$(nproc)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
git diff --quiet HEAD -- . ':!bench' ':!docs/performance.md' 2>/dev/null || commit+=" + local changes"
table=$(
	echo "$header"
	echo "$sep"
	printf '%s\n' "${rows[@]}"
)
load="load average (1, 5, 15 min) $load_start at the start, $load_end at the end, on $(nproc) CPUs"
settings="iterations: at most $iters per measurement, about $budget s of timed runs each; threads: $threads_list; check: max|tcc - ORT| <= $rtol * max|ORT|"
[ $quick = 1 ] && settings="BENCH_QUICK=1 subset; $settings"

echo
echo "$table"
echo
echo "Machine: $cpu, $ncpu CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); tcc $commit; $blas_note; ONNX Runtime $ort_version (onnxruntime-node); $settings. Took $((total / 60)) min $((total % 60)) s; $load."

mkdir -p "$(dirname "$doc")"
{
	cat <<EOF
# Performance

tcc's compiled models against their peers on the same machine, in the same run:
GEMMs against OpenBLAS, every distinct conv layer of ResNet-50, whole models and memory-bound
kernels against ONNX Runtime (CPU). Generated by \`bench/run.sh\`; run it again to refresh this
page.

## Results

- **Machine**: $cpu, $ncpu CPUs ($(lscpu | sed -n 's/^Thread(s) per core: *//p') thread per core), $(lscpu | sed -n 's/^L2 cache: *//p') L2, $(lscpu | sed -n 's/^L3 cache: *//p') L3
- **Date**: $(date -u '+%Y-%m-%d %H:%M UTC'), tcc $commit, run took $((total / 60)) min $((total % 60)) s
- **Load**: $load (the machine is shared: other jobs ran during the run)
- **Peers**: $blas_note; ONNX Runtime $ort_version (npm \`onnxruntime-node\`, CPU provider)
- **Settings**: $settings

"tcc/peer" is tcc's speed relative to the peer's (the peer's median time over tcc's, which is
tcc's GFLOP/s over the peer's): above 1× tcc is faster. Times are medians in milliseconds,
GEMM rows are GFLOP/s (2·M·N·K / median time); GFLOP counts a multiply-add as 2 (convs and
linear layers only, for whole models). "peak_bytes" is tcc's planned scratch arena
(\`tcc-run --bench\`'s \`peak_bytes\`: inputs, outputs and weights not included). "check" is
the largest difference between tcc's outputs and ONNX Runtime's on the same inputs, relative
to the largest |ORT output|. Memory-bound rows give tcc's effective bandwidth: the bytes an
ideal kernel moves (each input read once, each output written once) over tcc's median time,
and that as a percentage of STREAM triad's median GB/s (\`bench/triad.c\`, a = b + s·c over
three arrays of $triad_mib MiB, 12 bytes per element, same thread count, same run).

$table

EOF
	cat "$bench/methodology.md"
} >"$doc.tmp" && mv "$doc.tmp" "$doc"
say "report written to $doc (raw numbers in $results, logs in $work/run/)"
