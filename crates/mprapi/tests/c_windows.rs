//! The "written for Windows" C programs of `tests/c_windows/`: sources in the style of the SDK
//! samples (`#include <Windows.h>`, `<Mprapi.h>`, `<RoutProt.h>`, `<IPRtrMib.h>`,
//! `<FltDefs.h>` in Windows spellings, `TCHAR`/`_T()`, `_tmain`/`wmain`, SAL annotations,
//! `HRESULT` checks) built against the library *installed* by `install.sh` (headers found
//! through `pkg-config mprapi` and their case variants) with `-Wall -Wextra -Werror` by gcc
//! as C, by g++ as C++, and by clang/clang++ when installed, each with AddressSanitizer +
//! UndefinedBehaviorSanitizer, with and without `-fshort-wchar` where the source allows both.
//! Every build runs on its own store (`MPRCONFIG_STORE`) and must exit 0 with "N passed,
//! 0 failed" and no sanitizer report. For the programs that write info blocks from the header
//! structures, the stored blob is then decoded by the Rust codec and compared field by field,
//! an independent check of the C layouts.
//!
//! Also here: the installed header tree (the case variants, the `include/mprapi` directory)
//! and the build recipe of the README: a program linked with `-L <cargo output dir> -lmprapi`
//! starts with that directory on its library path (the `libmprapi.so.0` SONAME link).

mod common;

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{lib_dir, pkg_config, prefix, run, run_env};
use mprconfig_core::blocks::{self, Filter, RouteArm, RouteItem};
use mprconfig_core::info::InfoHeader;

/// One way of compiling a program: the compiler and its language/wide-character flags.
struct Build {
    compiler: &'static str,
    flags: &'static [&'static str],
}

const C: &[&str] = &["-std=gnu11"];
const C_SHORT_WCHAR: &[&str] = &["-std=gnu11", "-fshort-wchar"];
const CXX: &[&str] = &["-x", "c++", "-std=c++17"];
const CXX_SHORT_WCHAR: &[&str] = &["-x", "c++", "-std=c++17", "-fshort-wchar"];

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The builds of a program: every compiler present, C and C++; `-fshort-wchar` always when the
/// source writes `L"..."`, else both with and without it.
fn builds(needs_short_wchar: bool) -> Vec<Build> {
    let (c, cxx): (&[&[&str]], &[&[&str]]) = if needs_short_wchar {
        (&[C_SHORT_WCHAR], &[CXX_SHORT_WCHAR])
    } else {
        (&[C, C_SHORT_WCHAR], &[CXX, CXX_SHORT_WCHAR])
    };
    let mut out = Vec::new();
    for (cc, cxxc) in [("gcc", "g++"), ("clang", "clang++")] {
        if !have(cc) {
            eprintln!("SKIPPED: {cc}/{cxxc} builds: {cc} is not installed");
            continue;
        }
        out.extend(c.iter().map(|f| Build {
            compiler: cc,
            flags: f,
        }));
        out.extend(cxx.iter().map(|f| Build {
            compiler: cxxc,
            flags: f,
        }));
    }
    out
}

/// Compiles `tests/c_windows/<name>` with `build` against the installed library.
fn compile(name: &str, build: &Build, out_dir: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/c_windows")
        .join(name);
    let exe = out_dir.join(format!(
        "{}-{}",
        name.trim_end_matches(".c"),
        build.compiler
    ));
    let out = Command::new(build.compiler)
        .args(build.flags)
        .args([
            "-Wall",
            "-Wextra",
            "-Werror",
            "-g",
            "-O1",
            "-fno-omit-frame-pointer",
        ])
        .args(["-fsanitize=address,undefined", "-fno-sanitize-recover=all"])
        .args(pkg_config("--cflags"))
        .arg(&src)
        .args(["-x", "none", "-o"])
        .arg(&exe)
        .args(pkg_config("--libs"))
        .arg(format!("-Wl,-rpath,{}", prefix().join("lib").display()))
        .output()
        .expect("run the compiler");
    assert!(
        out.status.success(),
        "{} {:?} failed for {name}:\n{}{}",
        build.compiler,
        build.flags,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

/// Builds and runs `name` every way; after each run, `check` sees the run's store file.
fn check_program(name: &str, needs_short_wchar: bool, check: impl Fn(&Path)) {
    let builds = builds(needs_short_wchar);
    assert!(!builds.is_empty(), "no C compiler");
    for build in &builds {
        let dir = tempfile::tempdir().expect("tempdir");
        let exe = compile(name, build, dir.path());
        let stdout = run(&exe, dir.path(), &[]);
        let last = stdout.lines().last().unwrap_or("");
        assert!(
            last.ends_with(" passed, 0 failed") && !last.starts_with("0 passed"),
            "{name} ({} {:?}): {stdout}",
            build.compiler,
            build.flags
        );
        check(&dir.path().join("router.db"));
    }
}

/// The `InterfaceInfo` blob of `interface`'s IPv4 transport in the store at `store`.
fn ip_interface_info(store: &Path, interface: &str) -> InfoHeader {
    let conn = mprconfig::connect_store(store).expect("open the program's store");
    let config = conn.config();
    let id = config.interface_get_handle(interface).expect("interface");
    let t = config
        .if_transport_get_handle(&id, 0x21)
        .expect("Ip transport");
    let blob = config
        .if_transport_get_info(&t)
        .expect("get info")
        .expect("a stored blob");
    InfoHeader::parse(&blob).expect("a valid header")
}

#[test]
fn enum_interfaces_tchar_program_builds_everywhere_and_pages_through_interfaces() {
    check_program("enum_interfaces.c", false, |store| {
        // The program deletes what it created: only the default tree is left.
        let conn = mprconfig::connect_store(store).expect("store");
        let names: Vec<String> = conn
            .interfaces()
            .expect("interfaces")
            .into_iter()
            .map(|e| e.info.name)
            .collect();
        assert!(
            !names.iter().any(|n| n.starts_with("Branch office")),
            "{names:?}"
        );
    });
}

#[test]
fn static_routes_written_from_header_structs_decode_as_the_rust_codec_reads_them() {
    check_program("static_routes.c", false, |store| {
        let header = ip_interface_info(store, "Site link");
        let block = |t: u32| {
            header
                .blocks
                .iter()
                .find(|b| b.info_type == t)
                .unwrap_or_else(|| panic!("block {t:#x}"))
        };
        let routes = blocks::decode_routes(block(0xFFFF_0005)).expect("routes");
        assert_eq!(routes.len(), 2);
        for (i, route) in routes.iter().enumerate() {
            let RouteItem::Interface(r) = route else {
                panic!("72-byte INTERFACE_ROUTE_INFO expected: {route:?}")
            };
            let RouteArm::V4 {
                dest,
                mask,
                next_hop,
                metric1,
                metric2,
                ..
            } = r.arm
            else {
                panic!("IPv4 arm expected: {r:?}")
            };
            assert_eq!(dest, Ipv4Addr::new(10, 10 + i as u8, 0, 0));
            assert_eq!(mask, Ipv4Addr::new(255, 255, 0, 0));
            let hop = if i == 0 {
                Ipv4Addr::new(192, 168, 1, 1)
            } else {
                Ipv4Addr::UNSPECIFIED
            };
            assert_eq!(next_hop, hop);
            assert_eq!((metric1, metric2), (7 + i as u32, u32::MAX));
            assert_eq!(r.route_type, if i == 0 { 4 } else { 3 });
            assert_eq!((r.proto, r.preference, r.view_set), (10006, 127, 3));
        }
        // MS_IP_RIP = PROTOCOL_ID(UCAST, MS0, 8): the protocol's bytes, as written.
        assert_eq!(block(8).data, [1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0]);
        assert_eq!(block(0xFFFF_0004).data, [1, 0, 0, 0]);
    });
}

#[test]
fn filter_descriptor_written_from_header_structs_decodes_as_the_rust_codec_reads_it() {
    check_program("filters.c", false, |store| {
        let header = ip_interface_info(store, "Filtered");
        let block = header
            .blocks
            .iter()
            .find(|b| b.info_type == 0xFFFF_0001)
            .expect("IP_IN_FILTER_INFO");
        assert_eq!((block.count, block.item_size), (1, 12 + 2 * 28));
        let d = blocks::FilterDescriptor::decode(&block.data, false).expect("descriptor");
        assert_eq!((d.version, d.default_action), (1, 1));
        let [Filter::V4(icmp), Filter::V4(tcp)] = d.filters.as_slice() else {
            panic!("two IPv4 filters expected: {d:?}")
        };
        assert_eq!(
            (icmp.protocol, icmp.src_port, icmp.dst_port),
            (1, 0xFF, 0xFF)
        );
        assert_eq!((tcp.protocol, tcp.src_port, tcp.dst_port), (6, 0, 80));
        assert_eq!(tcp.dst_addr, Ipv4Addr::new(192, 0, 2, 10));
        assert_eq!(tcp.dst_mask, Ipv4Addr::BROADCAST);
        assert!(header.blocks.iter().any(|b| b.info_type == 0xFFFF_0015));
    });
}

#[test]
fn transports_wmain_program_with_wide_literals_builds_everywhere_and_sets_preferences() {
    check_program("transports.c", true, |store| {
        let conn = mprconfig::connect_store(store).expect("store");
        let config = conn.config();
        let t = config.transport_get_handle(0x57).expect("Ipv6");
        let info = config.transport_get_info(&t).expect("info");
        let global = info.global_info.expect("global info");
        let header = InfoHeader::parse(&global).expect("header");
        let prio = header
            .blocks
            .iter()
            .find(|b| b.info_type == 0xFFFF_0006)
            .expect("IP_PROT_PRIORITY_INFO");
        let words: Vec<u32> = prio
            .data
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
            .collect();
        assert_eq!(words, [3, 10006, 3, 8, 120, 13, 110]);
    });
}

/// `dir/variant` is a header of its own that includes `header` (not a link: see install.sh).
fn assert_forwards(dir: &Path, variant: &str, header: &str) {
    let path = dir.join(variant);
    let meta = std::fs::symlink_metadata(&path).unwrap_or_else(|e| panic!("{variant}: {e}"));
    assert!(meta.is_file(), "{variant} is not a regular file");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(
        text.lines().any(|l| l == format!("#include \"{header}\"")),
        "{variant}: {text}"
    );
}

#[test]
fn installed_headers_live_in_their_own_directory_with_case_variants() {
    let inc = prefix().join("include");
    let own = inc.join("mprapi");
    // Nothing of ours directly in PREFIX/include, where windows.h could shadow other software.
    let top: Vec<_> = std::fs::read_dir(&inc)
        .expect("include")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(top, ["mprapi"], "{top:?}");
    let shipped: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("include"))
            .expect("include/")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".h"))
            .collect();
    assert!(shipped.len() >= 20, "{shipped:?}");
    for h in &shipped {
        assert!(own.join(h).is_file(), "{h} not installed");
        let stem = h.trim_end_matches(".h");
        let capitalized = format!("{}{}.h", stem[..1].to_uppercase(), &stem[1..]);
        for variant in [capitalized, format!("{}.H", stem.to_uppercase())] {
            assert_forwards(&own, &variant, h);
        }
    }
    for spelled in [
        "Windows.h",
        "WinError.h",
        "WinBase.h",
        "MprApi.h",
        "Mprapi.h",
        "MprError.h",
        "RtInfo.h",
        "IPInfoId.h",
        "RoutProt.h",
        "IPRtrMib.h",
        "IpRtrMib.h",
        "IPHlpApi.h",
        "IpHlpApi.h",
        "FltDefs.h",
        "RasError.h",
        "TChar.h",
    ] {
        assert_forwards(&own, spelled, &spelled.to_lowercase());
    }
    assert!(
        pkg_config("--cflags").contains(&format!("-I{}", own.display())),
        "{:?}",
        pkg_config("--cflags")
    );
}

#[test]
fn program_linked_against_the_cargo_output_directory_starts() {
    // The README's build without install: -I crates/mprapi/include -L target/<profile>.
    let dir = tempfile::tempdir().expect("tempdir");
    let src = dir.path().join("direct.c");
    std::fs::write(
        &src,
        "#include <windows.h>\n#include <mprapi.h>\n#include <stdio.h>\n\
         int main(void) {\n    HANDLE h = NULL;\n    LPVOID p = NULL;\n\
             DWORD rc = MprConfigServerConnect(NULL, &h);\n\
             if (rc != NO_ERROR) return 2;\n\
             rc = MprInfoCreate(1, &p);\n\
             MprConfigServerDisconnect(h);\n\
             if (rc != NO_ERROR || MprInfoDelete(p) != NO_ERROR) return 3;\n\
             printf(\"started\\n\");\n    return 0;\n}\n",
    )
    .expect("write");
    let exe = dir.path().join("direct");
    let libs = lib_dir();
    let out = Command::new("gcc")
        .args(["-Wall", "-Wextra", "-Werror", "-I"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("include"))
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .arg("-L")
        .arg(libs)
        .arg("-lmprapi")
        .output()
        .expect("gcc");
    assert!(
        out.status.success(),
        "gcc: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // What the program records and what the output directory offers under that name.
    let dynamic = Command::new("readelf")
        .args(["-d"])
        .arg(&exe)
        .output()
        .expect("readelf (binutils)");
    assert!(
        String::from_utf8_lossy(&dynamic.stdout).contains("[libmprapi.so.0]"),
        "NEEDED libmprapi.so.0"
    );
    assert_eq!(
        std::fs::canonicalize(libs.join("libmprapi.so.0")).expect("libmprapi.so.0 link"),
        std::fs::canonicalize(libs.join("libmprapi.so")).expect("libmprapi.so")
    );
    let stdout = run_env(&exe, dir.path(), &[], [("LD_LIBRARY_PATH", libs)]);
    assert_eq!(stdout, "started\n");
}
