#!/usr/bin/env bash
# The light CNN models of ../shared/models/light: each light_X.onnx compiled and run by tcc-run
# on dummy inputs (arange(n)/n), its output compared with light_X_output_0.pb (rtol 1e-3,
# atol 1e-7). Prints one line per model and fails if any fails. Skipped (77) without the
# shared folder. LIGHT_MODELS_TIMEOUT: seconds per model (default 600).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
shared=${TCC_SHARED:-$root/../shared}
bin=${TCC_BIN:-$root/build/bin}
limit=${LIGHT_MODELS_TIMEOUT:-600}
light=$shared/models/light
if [ ! -d "$light" ]; then
	echo "light_models: skipped ($light not found)"
	exit 77
fi

failed=0
n=0
for model in "$light"/light_*.onnx; do
	name=$(basename "$model" .onnx)
	n=$((n + 1))
	start=$(date +%s)
	if out=$(timeout -k 5 "$limit" "$bin/tcc-run" "$model" --dummy-inputs \
		--compare "$light/${name}_output_0.pb" 2>&1); then
		echo "PASS $name ($(($(date +%s) - start)) s)"
	else
		rc=$?
		[ "$rc" -ne 124 ] || out="timeout after $limit s"
		echo "FAIL $name: $(head -n 1 <<< "$out")"
		failed=$((failed + 1))
	fi
done
echo "light_models: $((n - failed)) of $n passed"
[ "$failed" -eq 0 ]
