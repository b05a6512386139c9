#!/usr/bin/env bash
# Makes sure the system packages the build needs are present: HiGHS (the MIP solver behind the
# scheduler) is compiled from source and needs cmake, a C++ compiler and libclang (for bindgen);
# diesel's PostgreSQL backend links libpq. Installs what is missing with apt-get when run as root,
# otherwise prints the exact command and stops.
set -euo pipefail

missing=()
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v c++ >/dev/null 2>&1 || missing+=(g++)
# bindgen loads libclang itself (libclang.so / libclang-NN.so); libclang-cpp, which a fresh machine
# may already have, is a different library and does not count.
if ! compgen -G "/usr/lib/llvm-*/lib/libclang.so*" >/dev/null \
    && ! compgen -G "/usr/lib/*/libclang-[0-9]*.so*" >/dev/null; then
    missing+=(libclang-dev)
fi
if ! ls /usr/include/postgresql/libpq-fe.h >/dev/null 2>&1 && ! ls /usr/include/libpq-fe.h >/dev/null 2>&1; then
    missing+=(libpq-dev)
fi

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing build dependencies: ${missing[*]}" >&2
    bash -c "$cmd" >&2
else
    echo "missing build dependencies: ${missing[*]}" >&2
    echo "install them with:  sudo sh -c '$cmd'" >&2
    exit 1
fi
