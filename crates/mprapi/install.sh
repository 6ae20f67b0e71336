#!/bin/sh
# Installs libmprapi like `cargo cinstall` does, from a cargo build:
#   cargo build --release -p mprapi && crates/mprapi/install.sh /usr/local
# Files: PREFIX/lib/libmprapi.so.0.1.0 (+ .so.0, .so links), PREFIX/lib/libmprapi.a,
# PREFIX/include/{windows,mprapi,mprerror,rtinfo,ipinfoid}.h, PREFIX/lib/pkgconfig/mprapi.pc.
# The built library is taken from MPRAPI_LIB_DIR, else ${CARGO_TARGET_DIR:-target}/release.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 PREFIX   (library from MPRAPI_LIB_DIR or \${CARGO_TARGET_DIR:-target}/release)" >&2
    exit 2
fi
prefix=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
libdir_src=${MPRAPI_LIB_DIR:-${CARGO_TARGET_DIR:-$root/target}/release}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n 1)
major=${version%%.*}

for f in libmprapi.so libmprapi.a; do
    if [ ! -f "$libdir_src/$f" ]; then
        echo "$0: $libdir_src/$f not found (run cargo build --release -p mprapi first)" >&2
        exit 1
    fi
done

mkdir -p "$prefix/lib/pkgconfig" "$prefix/include"
install -m 0755 "$libdir_src/libmprapi.so" "$prefix/lib/libmprapi.so.$version"
ln -sf "libmprapi.so.$version" "$prefix/lib/libmprapi.so.$major"
ln -sf "libmprapi.so.$major" "$prefix/lib/libmprapi.so"
install -m 0644 "$libdir_src/libmprapi.a" "$prefix/lib/libmprapi.a"
for h in "$here"/include/*.h; do
    install -m 0644 "$h" "$prefix/include/"
done
cat > "$prefix/lib/pkgconfig/mprapi.pc" <<PC
prefix=$prefix
exec_prefix=\${prefix}
libdir=\${exec_prefix}/lib
includedir=\${prefix}/include

Name: mprapi
Description: Windows router configuration API (MprConfig*, MprInfo*) for Linux
Version: $version
Libs: -L\${libdir} -lmprapi
Libs.private: -lpthread -ldl -lm
Cflags: -I\${includedir}
PC
echo "installed libmprapi $version into $prefix"
