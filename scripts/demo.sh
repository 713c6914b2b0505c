#!/usr/bin/env bash
# The main job on the bundled example: build tcc (scripts/setup.sh), then run tcc-opt's graph
# pipeline on examples/tinynet.onnx, print the optimized model and draw it as an SVG.
#
#   scripts/demo.sh [MODEL]        (default examples/tinynet.onnx; .onnx or .onnxtxt)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

model=${1:-examples/tinynet.onnx}
[ -f "$model" ] || model=examples/tinynet.onnxtxt
passes=shape-infer,fold-constants,simplify,cse,dce

bash scripts/setup.sh
name=$(basename "$model")
name=${name%.*}
out=build/demo
mkdir -p "$out"
opt=build/bin/tcc-opt

# Node lines of a printed model: "  out = Op ..." or "  a, b = Op ...".
count_nodes() { grep -cE '^ +[A-Za-z_][A-Za-z0-9_.]*( *, *[A-Za-z_][A-Za-z0-9_.]*)* = [A-Za-z_.]+ *[<(]' "$1" || true; }

"$opt" "$model" --elide-constants=8 >"$out/$name.before.onnxtxt"
"$opt" "$model" --passes="$passes" --emit=text --elide-constants=8 \
	--dot="$out/$name.svg" -o "$out/$name.onnxtxt"

echo
echo "\$ build/bin/tcc-opt $model --passes=$passes --emit=text --elide-constants=8 --dot=$out/$name.svg"
echo
cat "$out/$name.onnxtxt"
echo
echo "demo: $model: $(count_nodes "$out/$name.before.onnxtxt") nodes before, $(count_nodes "$out/$name.onnxtxt") after $passes"
echo "demo: optimized model in $out/$name.onnxtxt, drawing in $out/$name.svg"

# Compile the model to a shared object of generated code (+ its C header), run it on the
# bundled input, and time it.
input=examples/tinynet_input.pb
echo
echo "\$ build/bin/tcc-compile $model -o $out/$name.so -v"
build/bin/tcc-compile "$model" -o "$out/$name.so" -v
echo
echo "\$ grep _run $out/$name.h"
grep "_run(" "$out/$name.h"
if [ -f "$input" ]; then
	echo
	echo "\$ build/bin/tcc-run $out/$name.so --input $input"
	build/bin/tcc-run "$out/$name.so" --input "$input"
	echo
	echo "\$ build/bin/tcc-run $out/$name.so --input $input --bench 50"
	build/bin/tcc-run "$out/$name.so" --input "$input" --bench 50
fi
