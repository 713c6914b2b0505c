#!/usr/bin/env bash
# Bad inputs: tcc-opt must reject each one cleanly, never crash or hang.
#
# A rejected input must give exit status exactly 1 and exactly one line on stderr:
#
#     FILE[:LINE[:COL]]: [node NAME: ]error: MESSAGE
#
# A crash (status >= 128), a sanitizer report, or more than 10 s (a hang) fails the case.
# The cases:
#   - tests/data/bad/*.onnxtxt, hand-written; a file may say
#       # ARGS: <extra tcc-opt arguments>       (default: none)
#       # EXPECT-NODE: <name>                   (the message must say "node <name>:")
#   - binary ModelProtos built here byte by byte (negative and huge dims, missing external
#     data, bad attribute kinds, cycles, undefined inputs, ...), with a valid control;
#   - a valid model truncated at many offsets (binary and text): must be rejected;
#   - a valid model with bits flipped / garbage inserted: may be accepted (exit 0) or
#     rejected (as above), but must not crash.
# Nothing binary is committed: every binary case is generated into a temporary folder.
#
# Environment: TCC_BIN (folder of tcc-opt; default build/bin), TCC_TEST_DATA (tests/data),
# TCC_BUILD (the input of each failed case is kept in $TCC_BUILD/bad-inputs-failures/),
# BAD_INPUTS_KEEP=1 keeps all the generated cases (the folder is printed).
# Prints each failure and a summary; exits 0 when every case passes.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${TCC_BIN:-$root/build/bin}
data=${TCC_TEST_DATA:-$root/tests/data}
opt=$bin/tcc-opt
saved=${TCC_BUILD:-$root/build}/bad-inputs-failures
pipeline=--passes=shape-infer,fold-constants,simplify,cse,dce

tmp=$(mktemp -d)
if [ -n "${BAD_INPUTS_KEEP:-}" ]; then
	echo "bad_inputs: cases kept in $tmp"
else
	trap 'rm -rf "$tmp"' EXIT
fi

ncases=0
nfailed=0
naccepted=0
diag_re='^[^:]+(:[0-9]+(:[0-9]+)?)?: (node [^:]+: )?error: .+'

# fail NAME WHY: reports a failed case and keeps its input in $saved for a rerun.
fail() {
	nfailed=$((nfailed + 1))
	echo "FAIL $1: $2"
	if [ -s "$tmp/err" ]; then
		head -n 5 "$tmp/err" | sed 's/^/    | /'
	fi
	if [ -f "${last_input:-}" ] && mkdir -p "$saved" 2>/dev/null; then
		cp "$last_input" "$saved/$1"
		echo "    input kept as $saved/$1"
	fi
}

# run_tool IN ARGS...: runs tcc-opt under a 10 s limit; sets $status, stderr in $tmp/err.
run_tool() {
	status=0
	last_input=$1
	timeout 10 "$opt" "$@" >/dev/null 2>"$tmp/err" </dev/null || status=$?
}

# crashed NAME: true (and reports) when the last run crashed, hung or tripped a sanitizer.
crashed() {
	if [ "$status" -eq 124 ]; then
		fail "$1" "hang (no answer in 10 s)"
	elif [ "$status" -ge 128 ]; then
		fail "$1" "crash (status $status)"
	elif grep -qE 'Sanitizer|runtime error:|AddressSanitizer|LeakSanitizer' "$tmp/err"; then
		fail "$1" "sanitizer report"
	else
		return 1
	fi
	return 0
}

# check_rejected NAME [NODE]: the last run must have failed with one well-formed diagnostic.
check_rejected() {
	local name=$1 node=${2:-} lines
	crashed "$name" && return
	lines=$(wc -l <"$tmp/err")
	if [ "$status" -ne 1 ]; then
		fail "$name" "exit status $status, expected 1"
	elif [ "$lines" -ne 1 ]; then
		fail "$name" "$lines lines on stderr, expected exactly 1"
	elif ! grep -qE "$diag_re" "$tmp/err"; then
		fail "$name" "diagnostic not in the form FILE[:LINE:COL]: [node NAME: ]error: MESSAGE"
	elif [ -n "$node" ] && ! grep -qF "node $node:" "$tmp/err"; then
		fail "$name" "diagnostic does not name node $node"
	fi
}

# expect_error NAME [NODE] -- ARGS...: tcc-opt ARGS must reject the input.
expect_error() {
	local name=$1 node=
	shift
	if [ "$1" != -- ]; then
		node=$1
		shift
	fi
	shift
	ncases=$((ncases + 1))
	run_tool "$@"
	check_rejected "$name" "$node"
}

# expect_ok NAME ARGS...: a control case, tcc-opt ARGS must succeed.
expect_ok() {
	local name=$1
	shift
	ncases=$((ncases + 1))
	run_tool "$@"
	crashed "$name" && return
	[ "$status" -eq 0 ] || fail "$name" "valid input rejected (status $status)"
}

# expect_no_crash NAME ARGS...: accepted or cleanly rejected.
expect_no_crash() {
	local name=$1
	shift
	ncases=$((ncases + 1))
	run_tool "$@"
	if [ "$status" -eq 0 ]; then
		crashed "$name" || naccepted=$((naccepted + 1))
		return
	fi
	check_rejected "$name"
}

# ---- protobuf by hand: every function prints hex ----
# vhex N: the varint encoding of N (two's complement for negatives) in $REPLY, no subshell.
vhex() {
	local n=$1 b
	REPLY=
	while :; do
		b=$((n & 0x7f))
		n=$(((n >> 7) & ((1 << 57) - 1)))
		if [ "$n" -eq 0 ]; then
			printf -v b '%02x' "$b"
			REPLY+=$b
			return
		fi
		printf -v b '%02x' $((b | 0x80))
		REPLY+=$b
	done
}
varint() { vhex "$1"; printf '%s' "$REPLY"; }
hexstr() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n'; }
f_int() { varint $(($1 << 3)); varint "$2"; }                  # field $1 = varint $2
f_bytes() { varint $(($1 << 3 | 2)); varint $((${#2} / 2)); printf '%s' "$2"; }  # hex payload
f_str() { f_bytes "$1" "$(hexstr "$2")"; }
# shellcheck disable=SC2001 # sed is much faster than ${//} on long strings
hex_out() { printf '%b' "$(sed 's/../\\x&/g' <<<"$1")"; }
write_hex() { hex_out "$1" >"$2"; }

# TypeProto for a float tensor of the given dims.
pb_float_type() {
	local shape='' d
	for d in "$@"; do
		shape+=$(f_bytes 1 "$(f_int 1 "$d")")
	done
	f_bytes 1 "$(f_int 1 1)$(f_bytes 2 "$shape")"
}
# NodeProto: pb_node NAME OP "in1 in2" "out1" [ATTR-HEX] [DOMAIN]
pb_node() {
	local body i
	body=
	for i in $3; do body+=$(f_str 1 "$i"); done
	for i in $4; do body+=$(f_str 2 "$i"); done
	body+=$(f_str 3 "$1")$(f_str 4 "$2")${5:-}
	[ -n "${6:-}" ] && body+=$(f_str 7 "$6")
	f_bytes 1 "$body"
}
# ModelProto around a GraphProto body; opset 17.
pb_model() {
	f_int 1 8
	f_bytes 7 "$(f_str 2 g)$1"
	f_bytes 8 "$(f_str 1 '')$(f_int 2 17)"
}
# ValueInfoProto as graph field $1 (11 input, 12 output, 13 value_info): vi FIELD NAME DIMS...
vi() { f_bytes "$1" "$(f_str 1 "$2")$(f_bytes 2 "$(pb_float_type "${@:3}")")"; }

gen_binary_cases() {
	local x y w relu
	x=$(vi 11 x 2)
	y=$(vi 12 y 2)
	relu=$(pb_node relu0 Relu x y)

	write_hex "$(pb_model "$relu$x$y")" "$tmp/bin_valid.onnx"
	# An initializer w: TensorProto dims=$1 (several: "a b"), float, raw_data $2 (hex).
	init() {
		local t='' d
		for d in $1; do t+=$(f_int 1 "$d"); done
		t+=$(f_int 2 1)$(f_str 8 w)${3:-}
		[ -n "$2" ] && t+=$(f_bytes 9 "$2")
		f_bytes 5 "$t"
	}
	w=$(vi 12 w 2)
	write_hex "$(pb_model "$(init 2 0000803f00000040)$w")" "$tmp/bin_valid_init.onnx"
	write_hex "$(pb_model "$(init -1 0000803f)$w")" "$tmp/bin_negative_dim.onnx"
	write_hex "$(pb_model "$(init 4611686018427387904 0000803f)$w")" "$tmp/bin_huge_dim.onnx"
	write_hex "$(pb_model "$(init '4294967296 4294967296 4' 0000803f)$w")" \
		"$tmp/bin_overflow_dims.onnx"
	write_hex "$(pb_model "$(init 4 0000803f0000)$w")" "$tmp/bin_raw_size_mismatch.onnx"
	# data_location = EXTERNAL, location = a file that does not exist / an absolute path.
	local ext
	ext=$(f_bytes 13 "$(f_str 1 location)$(f_str 2 missing_weights.bin)")$(f_int 14 1)
	write_hex "$(pb_model "$(init 2 '' "$ext")$w")" "$tmp/bin_external_missing.onnx"
	ext=$(f_bytes 13 "$(f_str 1 location)$(f_str 2 /etc/hostname)")$(f_int 14 1)
	write_hex "$(pb_model "$(init 2 '' "$ext")$w")" "$tmp/bin_external_absolute.onnx"
	ext=$(f_bytes 13 "$(f_str 1 location)$(f_str 2 ../../../../../../etc/hostname)")$(f_int 14 1)
	write_hex "$(pb_model "$(init 2 '' "$ext")$w")" "$tmp/bin_external_escape.onnx"
	# data_type 999.
	write_hex "$(pb_model "$(f_bytes 5 "$(f_int 1 1)$(f_int 2 999)$(f_str 8 w)")$w")" \
		"$tmp/bin_bad_dtype.onnx"

	# Conv with kernel_shape given as a string (AttributeProto type 3 = STRING).
	local attr
	attr=$(f_bytes 5 "$(f_str 1 kernel_shape)$(f_str 4 3x3)$(f_int 20 3)")
	write_hex "$(pb_model "$(pb_node conv0 Conv 'x cw' y "$attr")$(vi 11 x 1 1 4 4)$(vi 11 cw 1 1 3 3)$(vi 12 y 1 1 2 2)")" \
		"$tmp/bin_bad_attr_type.onnx"
	# The same attribute twice.
	attr=$(f_bytes 5 "$(f_str 1 perm)$(f_int 20 7)")$(f_bytes 5 "$(f_str 1 perm)$(f_int 20 7)")
	write_hex "$(pb_model "$(pb_node tr0 Transpose x y "$attr")$x$y")" "$tmp/bin_dup_attr.onnx"
	# A cycle: a = Relu(b), b = Relu(a).
	write_hex "$(pb_model "$(pb_node n_a Relu b a)$(pb_node n_b Relu a b)$x$(vi 12 b 2)")" \
		"$tmp/bin_cycle.onnx"
	# An input nobody defines.
	write_hex "$(pb_model "$(pb_node relu0 Relu nowhere y)$x$y")" "$tmp/bin_undefined_input.onnx"
	# Two producers of y.
	write_hex "$(pb_model "$relu$(pb_node relu1 Relu x y)$x$y")" "$tmp/bin_two_producers.onnx"
	# A graph output that nothing produces.
	write_hex "$(pb_model "$relu$x$y$(vi 12 z 2)")" "$tmp/bin_undefined_output.onnx"
	# No graph at all; and an empty file.
	write_hex "$(f_int 1 8)" "$tmp/bin_no_graph.onnx"
	: >"$tmp/bin_empty.onnx"
	# A length prefix that runs past the end; a varint that never ends.
	write_hex "0804$(varint 58)ff0a" "$tmp/bin_length_past_end.onnx"
	write_hex "08ffffffffffffffffffffff" "$tmp/bin_endless_varint.onnx"
	deep_nesting "$tmp/bin_deep_nesting.onnx" 2000
}

# deep_nesting FILE DEPTH: an If whose then_branch holds an If ... DEPTH levels down. The
# headers are all in front (the innermost graph is empty), so lengths are computed inside
# out and the file is written outer to inner, without one subshell per level.
deep_nesting() {
	local depth=$2 i inner=0 len hdr n all
	local -a hdrs=()
	for ((i = 0; i < depth; i++)); do
		# GraphProto { node { op_type "If", attribute { name "then_branch", g <inner> } } }
		vhex "$inner"
		len=$((1 + ${#REPLY} / 2 + inner))
		hdr="32$REPLY"
		n=$((13 + len)) # name field: 0a 0b "then_branch"
		vhex "$n"
		hdr="2a${REPLY}0a0b7468656e5f6272616e6368$hdr"
		n=$((4 + 1 + ${#REPLY} / 2 + n)) # op_type field: 22 02 "If"
		vhex "$n"
		hdr="0a${REPLY}22024966$hdr"
		inner=$((1 + ${#REPLY} / 2 + n))
		hdrs[i]=$hdr
	done
	{
		printf '\x08\x08'
		vhex "$inner"
		hex_out "3a$REPLY"
		all=
		for ((i = depth - 1; i >= 0; i--)); do
			all+=${hdrs[i]}
		done
		hex_out "$all"
		printf '\x42\x02\x10\x11'
	} >"$1"
}

binary_cases() {
	gen_binary_cases
	expect_ok bin_valid "$tmp/bin_valid.onnx" "$pipeline"
	expect_ok bin_valid_init "$tmp/bin_valid_init.onnx" "$pipeline"
	local c
	for c in negative_dim huge_dim overflow_dims raw_size_mismatch external_missing \
		external_absolute external_escape bad_dtype cycle undefined_input two_producers \
		undefined_output no_graph empty length_past_end endless_varint deep_nesting dup_attr; do
		expect_error "bin_$c" -- "$tmp/bin_$c.onnx" "$pipeline"
	done
	expect_error bin_bad_attr_type conv0 -- "$tmp/bin_bad_attr_type.onnx" "$pipeline"
	expect_error bin_undefined_input_names_node relu0 -- "$tmp/bin_undefined_input.onnx"
}

# ---- hand-written text cases ----
text_cases() {
	local f name args node
	for f in "$data"/bad/*.onnxtxt; do
		[ -e "$f" ] || continue
		name=text_$(basename "$f" .onnxtxt)
		args=$(sed -n 's/^# ARGS: *//p' "$f" | head -n 1)
		node=$(sed -n 's/^# EXPECT-NODE: *//p' "$f" | head -n 1)
		# shellcheck disable=SC2086 # ARGS is a word list on purpose
		expect_error "$name" "${node:---}" ${node:+--} "$f" $args
	done

	# Deep nesting in text must not exhaust the parser's stack.
	{
		echo '<ir_version: 8, opset_import: ["" : 17]>'
		echo 'deep (float[2] x) => (float[2] y) {'
		printf '  y = Relu <a = '
		head -c 100000 /dev/zero | tr '\0' '['
		echo '> (x)'
		echo '}'
	} >"$tmp/deep_brackets.onnxtxt"
	expect_error text_deep_brackets -- "$tmp/deep_brackets.onnxtxt"
}

# ---- mutations of valid models ----
# truncations SRC N PREFIX: SRC cut at N offsets spread over [0, end), where end is the
# last offset at which a cut still loses part of the model.
truncations() {
	local src=$1 n=$2 prefix=$3 end=$4 i off
	for ((i = 0; i < n; i++)); do
		off=$((i * end / n))
		head -c "$off" "$src" >"$tmp/cut"
		expect_error "$prefix@$off" -- "$tmp/cut" "$pipeline"
	done
}

# bitflips SRC N PREFIX: N deterministic single-bit flips.
bitflips() {
	local src=$1 n=$2 prefix=$3 size i pos bit byte
	size=$(stat -c %s "$src")
	for ((i = 1; i <= n; i++)); do
		pos=$(((i * 7919 + i * i * 31) % size))
		bit=$((i % 8))
		cp "$src" "$tmp/flip"
		byte=$(od -An -tu1 -j "$pos" -N1 "$src" | tr -d ' ')
		hex_out "$(printf %02x $((byte ^ (1 << bit))))" |
			dd of="$tmp/flip" bs=1 seek="$pos" conv=notrunc status=none
		expect_no_crash "$prefix@$pos.$bit" "$tmp/flip" "$pipeline"
	done
}

# garbage SRC STEP PREFIX: insert odd bytes every STEP bytes (one insertion per case).
garbage() {
	local src=$1 step=$2 prefix=$3 size pos k=0
	local -a junk=(40 7b 7d 22 3c 5d 2c 00 ff c3 23 3d 28 3939393939393939393939 2d 2e 5c)
	size=$(stat -c %s "$src")
	for ((pos = 0; pos < size; pos += step)); do
		{
			head -c "$pos" "$src"
			hex_out "${junk[k % ${#junk[@]}]}"
			tail -c +"$((pos + 1))" "$src"
		} >"$tmp/junk"
		expect_no_crash "$prefix@$pos" "$tmp/junk" "$pipeline"
		k=$((k + 1))
	done
}

# A small, structure-dense valid model in text form.
write_small() {
	cat >"$tmp/small.onnxtxt" <<'EOF'
<ir_version: 8, opset_import: ["" : 17], producer_name: "bad_inputs">
small (float[N,4] x, float[4] bias) => (float[N,4] y, float[] total)
  <float[4] w = {1.0, -2.5, 3e-3, 0.0}, int64[2] newshape = {-1, 4}>
{
  # a comment
  a = Mul (x, w)
  b = Add (a, bias)
  c = Relu (b)
  d = Transpose <perm = [1, 0]> (c)
  e = Transpose <perm = [1, 0]> (d)
  f = LeakyRelu <alpha = 0.1> (e)
  g = Reshape (f, newshape)
  total = ReduceSum <keepdims = 0> (g)
  h = Cast <to = 1> (g)
  y = Identity (h)
}
EOF
}

mutation_cases() {
	local size end
	write_small
	expect_ok small_text_valid "$tmp/small.onnxtxt" "$pipeline"
	size=$(stat -c %s "$tmp/small.onnxtxt")
	# Cuts before the closing brace lose part of the graph.
	end=$(grep -bo '}' "$tmp/small.onnxtxt" | tail -n 1 | cut -d: -f1)
	truncations "$tmp/small.onnxtxt" $(((end + 6) / 7)) text_cut "$end"
	garbage "$tmp/small.onnxtxt" 11 text_junk

	if run_tool "$tmp/small.onnxtxt" --emit=onnx -o "$tmp/small.onnx" && [ "$status" -eq 0 ]; then
		expect_ok small_binary_valid "$tmp/small.onnx" "$pipeline"
		size=$(stat -c %s "$tmp/small.onnx")
		# protobuf-c writes the graph (field 7) before opset_import (field 8): a cut in the
		# last bytes may leave a model without opsets, which is not a truncation case.
		truncations "$tmp/small.onnx" 20 bin_cut $((size - 8))
		bitflips "$tmp/small.onnx" 60 bin_flip
	else
		ncases=$((ncases + 1))
		last_input=
		fail small_to_onnx "tcc-opt could not write the small model as ONNX"
	fi

	local tiny=$root/examples/tinynet.onnx
	if [ -f "$tiny" ]; then
		expect_ok tinynet_valid "$tiny" "$pipeline"
		size=$(stat -c %s "$tiny")
		truncations "$tiny" 20 tinynet_cut $((size - 8))
		bitflips "$tiny" 20 tinynet_flip
	fi
	tiny=$root/examples/tinynet.onnxtxt
	if [ -f "$tiny" ]; then
		end=$(grep -bo '}' "$tiny" | tail -n 1 | cut -d: -f1)
		truncations "$tiny" 20 tinynet_text_cut "$end"
	fi
}

if [ ! -x "$opt" ]; then
	echo "bad_inputs: $opt not found (set TCC_BIN)"
	exit 1
fi
rm -rf "$saved"
binary_cases
text_cases
mutation_cases
echo "bad_inputs: $ncases cases, $((ncases - nfailed)) passed, $nfailed failed" \
	"($naccepted mutated inputs were accepted as valid)"
[ "$nfailed" -eq 0 ]
