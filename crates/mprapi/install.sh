#!/bin/sh
# Installs libmprapi like `cargo cinstall` does, from a cargo build:
#   cargo build --release -p mprapi && crates/mprapi/install.sh /usr/local
# Files: PREFIX/lib/libmprapi.so.0.1.0 (+ .so.0, .so links), PREFIX/lib/libmprapi.a,
# PREFIX/include/mprapi/*.h with their case variants (Windows.h, MprApi.h, ...), and
# PREFIX/lib/pkgconfig/mprapi.pc (Cflags: -I${includedir}/mprapi).
# The headers go into their own directory because some of them carry Windows names
# (windows.h, tchar.h, sal.h...) that must not shadow other software's in PREFIX/include.
# The built library is taken from MPRAPI_LIB_DIR, else ${CARGO_TARGET_DIR:-target}/release.
#
#   crates/mprapi/install.sh --case-variants DIR   only adds the case variants of the headers
#                                                  already in DIR (after cargo cinstall)
set -eu

here=$(cd "$(dirname "$0")" && pwd)

# Spellings Windows sources use for the headers we ship, beyond the generic ones (Foo.h, FOO.H).
# One "header variant..." group per line.
camel_names() {
    cat <<'EOF'
windows.h
winbase.h WinBase.h
windef.h WinDef.h
winerror.h WinError.h
winnt.h WinNT.h WinNt.h
tchar.h TChar.h
sal.h
mprapi.h MprApi.h MprAPI.h MPRApi.h
mprerror.h MprError.h MPRError.h
rtinfo.h RtInfo.h RTInfo.h
ipinfoid.h IpInfoId.h IPInfoId.h IPInfoID.h
routprot.h RoutProt.h
nldef.h NlDef.h NLDef.h
ifdef.h IfDef.h IFDef.h
ipifcons.h IpIfCons.h IPIfCons.h
ifmib.h IfMib.h IFMib.h IFMIB.h
ipmib.h IpMib.h IPMib.h IPMIB.h
iprtrmib.h IpRtrMib.h IPRtrMib.h IPRTRMIB.h
iphlpapi.h IpHlpApi.h IPHlpApi.h IPHLPAPI.h
fltdefs.h FltDefs.h
ipxrtdef.h IpxRtDef.h IPXRtDef.h
raserror.h RasError.h RASError.h
EOF
}

# Adds, in DIR, the case variants of every (lower-case) header in DIR: Capitalized, UPPER.H,
# UPPER.h and the camel-case spellings above, each a two-line header that includes the real one
# ("windows.h"). Not links: clang resolves a symbolic link, and shares one file entry between
# hard-linked names, and then warns that <Windows.h> or <windows.h> differs in case from the
# name on disk (-Wnonportable-include-path, an error under -Werror). On a case-insensitive file
# system a variant is the header itself and is skipped.
case_variants() {
    dir=$1
    if [ ! -d "$dir" ]; then
        echo "$0: $dir is not a directory" >&2
        exit 1
    fi
    for path in "$dir"/*.h; do
        [ -f "$path" ] && [ ! -L "$path" ] || continue
        h=$(basename "$path")
        case $h in *[A-Z]*) continue ;; esac
        stem=${h%.h}
        first=$(printf '%s' "$stem" | cut -c1 | tr '[:lower:]' '[:upper:]')
        rest=$(printf '%s' "$stem" | cut -c2-)
        upper=$(printf '%s' "$stem" | tr '[:lower:]' '[:upper:]')
        camel=$(camel_names | awk -v h="$h" '$1 == h { for (i = 2; i <= NF; i++) print $i }')
        for v in "$first$rest.h" "$upper.H" "$upper.h" $camel; do
            [ "$v" = "$h" ] && continue
            [ -e "$dir/$v" ] && [ "$dir/$v" -ef "$path" ] && continue
            rm -f "$dir/$v"
            printf '/* %s: the Windows spelling of <%s> (libmprapi); it includes that header. */\n#include "%s"\n' \
                "$v" "$h" "$h" > "$dir/$v"
            chmod 0644 "$dir/$v"
        done
    done
}

if [ $# -eq 2 ] && [ "$1" = "--case-variants" ]; then
    case_variants "$2"
    exit 0
fi
if [ $# -ne 1 ]; then
    echo "usage: $0 PREFIX   (library from MPRAPI_LIB_DIR or \${CARGO_TARGET_DIR:-target}/release)" >&2
    echo "       $0 --case-variants INCLUDEDIR" >&2
    exit 2
fi
prefix=$1
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

incdir=$prefix/include/mprapi
mkdir -p "$prefix/lib/pkgconfig" "$incdir"
install -m 0755 "$libdir_src/libmprapi.so" "$prefix/lib/libmprapi.so.$version"
ln -sf "libmprapi.so.$version" "$prefix/lib/libmprapi.so.$major"
ln -sf "libmprapi.so.$major" "$prefix/lib/libmprapi.so"
install -m 0644 "$libdir_src/libmprapi.a" "$prefix/lib/libmprapi.a"
for h in "$here"/include/*.h; do
    install -m 0644 "$h" "$incdir/"
done
case_variants "$incdir"
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
Cflags: -I\${includedir}/mprapi
PC
echo "installed libmprapi $version into $prefix (headers in $incdir)"
