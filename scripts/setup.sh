#!/usr/bin/env bash
# Make a fresh Debian 12 machine ready and build tcc (Release) into build/, tools in build/bin/.
#
#   scripts/setup.sh            installs what is missing (apt), configures, builds
#
# Quiet: the details go to build/setup.log; on failure the log's tail is printed.
# Idempotent and fast when everything is already there (dpkg-query first, apt only if needed).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

packages=(
	build-essential cmake ninja-build pkg-config
	llvm-19-dev llvm-19-tools clang-19 libclang-rt-19-dev
	libisl-dev check libgraphviz-dev graphviz
	libprotobuf-c-dev protobuf-c-compiler libonnx-dev
)

mkdir -p build
log=build/setup.log
: > "$log"

fail() {
	echo "setup: $*" >&2
	if [ -s "$log" ]; then
		echo "---- last lines of $log ----" >&2
		tail -n 40 "$log" >&2
	fi
	exit 1
}

missing_packages() {
	local p
	for p in "${packages[@]}"; do
		if [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)" != "ii " ]; then
			echo "$p"
		fi
	done
}

install_packages() {
	local missing sudo=()
	mapfile -t missing < <(missing_packages)
	[ ${#missing[@]} -eq 0 ] && return 0

	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null ||
			fail "missing packages (${missing[*]}) and not root, no sudo"
		sudo=(sudo -n)
	fi
	echo "setup: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -qq >>"$log" 2>&1 || fail "apt-get update failed"
	"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1 ||
		fail "apt-get install failed"
}

build() {
	local start=$SECONDS
	# Configure once; later runs only rebuild (CMake re-runs itself when CMakeLists change).
	if [ ! -f build/build.ninja ]; then
		# A cache from another generator would make cmake refuse: start that one afresh.
		rm -rf build/CMakeCache.txt build/CMakeFiles
		cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >>"$log" 2>&1 ||
			fail "cmake configure failed"
	fi
	cmake --build build -j "$(nproc)" >>"$log" 2>&1 || fail "build failed"
	echo "setup: build/ is up to date ($((SECONDS - start)) s; tools in build/bin/, log in $log)"
}

install_packages
build
