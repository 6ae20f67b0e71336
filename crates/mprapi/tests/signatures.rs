//! The C headers and the library agree on every function, by name and by signature.
//!
//! Three lists are compared, all produced from the sources, so a new export (the `MprAdmin*`
//! functions, say) is covered without touching this file:
//!
//! - the functions `libmprapi.so` exports (`nm -D --defined-only`, text symbols);
//! - the prototypes `include/*.h` declare, as gcc itself reads them (`-aux-info`, which lists
//!   every declaration with the file it came from; definitions such as `static inline` helpers
//!   are not exports and are left out);
//! - the Rust exports' signatures, as cbindgen renders them in C (functions only; the types
//!   keep their Rust-side names, which `include/` defines as the Windows typedefs).
//!
//! The signatures are checked by the C compiler: one translation unit includes every header and
//! then the cbindgen prototypes, and C requires all declarations of one function to have
//! compatible types (C11 6.7p4), so any difference in a parameter's or the result's type, in
//! the number of parameters or in pointer levels is a hard "conflicting types" error.
//! `-Wstrict-prototypes -Werror` closes the one loophole (an unprototyped `f()` is compatible
//! with anything). The unit is compiled twice, with `WCHAR` as `uint16_t` and as `wchar_t`
//! (`-fshort-wchar`). The only normalisation is that cbindgen's `const` is dropped: Windows'
//! prototypes have none (`LPBYTE`, `LPWSTR`), and on the Rust side it is only the promise not
//! to write through the pointer, with the same ABI. A header that declares a `const` the Rust
//! export does not have still conflicts.
//!
//! The check is itself checked: every header prototype is mutated three ways (an extra
//! parameter, another result type, another first-parameter type) and gcc must reject each
//! mutant of each function.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A function declaration as gcc's `-aux-info` reports it.
#[derive(Clone, Debug)]
struct Decl {
    /// The file that declares it (as gcc names it).
    file: String,
    /// `file:line`, for messages.
    at: String,
    /// The function's name.
    name: String,
    /// The declaration, e.g. `extern DWORD MprConfigServerRefresh (HANDLE);`.
    text: String,
}

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// True when `tool --version` runs; otherwise prints why the test is skipped.
fn have(tool: &str) -> bool {
    let ok = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIPPED: `{tool}` is not installed (needed to check the C headers)");
    }
    ok
}

/// Drops the `const` keyword (whole identifiers only) from C text.
fn strip_const(c: &str) -> String {
    let mut out = String::with_capacity(c.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String, next: Option<char>| {
        if word == "const" {
            // Also drop the space after it, so `const T *p` becomes `T *p`.
            word.clear();
            return next == Some(' ');
        }
        out.push_str(word);
        word.clear();
        false
    };
    let mut skip_space = false;
    for ch in c.chars() {
        if ch.is_ascii_alphanumeric() || ch == '_' {
            word.push(ch);
            continue;
        }
        if !word.is_empty() {
            skip_space = flush(&mut word, &mut out, Some(ch));
        }
        if skip_space && ch == ' ' {
            skip_space = false;
            continue;
        }
        skip_space = false;
        out.push(ch);
    }
    flush(&mut word, &mut out, None);
    out
}

/// The Rust exports as C prototypes (cbindgen over `src/lib.rs` and its modules), written to
/// `dir/rust_exports.h`.
fn rust_prototypes(dir: &Path) -> PathBuf {
    let mut config = cbindgen::Config {
        language: cbindgen::Language::C,
        no_includes: true,
        documentation: false,
        // Structures by their typedef name (`MPR_SERVER_EX1 *`), as include/ defines them.
        style: cbindgen::Style::Type,
        ..cbindgen::Config::default()
    };
    config.export.item_types = vec![cbindgen::ItemType::Functions];
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir().join("src/lib.rs"))
        .generate()
        .expect("cbindgen parses the crate");
    let mut text = Vec::new();
    bindings.write(&mut text);
    let path = dir.join("rust_exports.h");
    std::fs::write(&path, strip_const(&String::from_utf8(text).expect("UTF-8"))).expect("write");
    path
}

/// Every header of `include/`, `windows.h` first (as Windows sources include it).
fn headers() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(crate_dir().join("include"))
        .expect("include/")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".h"))
        .collect();
    names.sort_by_key(|n| (!n.eq_ignore_ascii_case("windows.h"), n.clone()));
    names
}

/// A C file including every header, then `extra` (a file name) if given.
fn program(dir: &Path, name: &str, extra: Option<&Path>) -> PathBuf {
    let mut c: String = headers()
        .iter()
        .map(|h| format!("#include <{h}>\n"))
        .collect();
    if let Some(extra) = extra {
        c += &format!("#include \"{}\"\n", extra.display());
    }
    let path = dir.join(name);
    std::fs::write(&path, c).expect("write");
    path
}

/// Compiles `src` (syntax only) against `include/`; returns gcc's `-aux-info` on success, its
/// diagnostics on failure.
fn compile(src: &Path, flags: &[&str]) -> Result<String, String> {
    let aux = src.with_extension("aux");
    let out = Command::new("gcc")
        .args(["-std=gnu11", "-fsyntax-only", "-Wall", "-Wextra", "-Werror"])
        .args(["-Wstrict-prototypes", "-fmax-errors=0"])
        .args(flags)
        .arg("-I")
        .arg(crate_dir().join("include"))
        .arg("-aux-info")
        .arg(&aux)
        .arg(src)
        // Plain ASCII quotes in diagnostics, whatever the caller's locale.
        .env("LC_ALL", "C")
        .output()
        .expect("run gcc");
    if out.status.success() {
        Ok(std::fs::read_to_string(&aux).expect("read -aux-info output"))
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// The function declarations (not definitions) of an `-aux-info` listing.
fn declarations(aux: &str) -> Vec<Decl> {
    aux.lines()
        .filter_map(|line| {
            // `/* FILE:LINE:NC */ extern DWORD Name (HANDLE);` — N/O: prototype or old style,
            // C/F: declared or defined.
            let rest = line.strip_prefix("/* ")?;
            let (tag, text) = rest.split_once(" */ ")?;
            let mut parts = tag.rsplitn(3, ':');
            let kind = parts.next()?;
            let line_no = parts.next()?;
            let file = parts.next()?;
            if !kind.ends_with('C') {
                return None;
            }
            let name = text.split_once(" (")?.0.rsplit([' ', '*']).next()?;
            Some(Decl {
                file: file.to_string(),
                at: format!("{file}:{line_no}"),
                name: name.to_string(),
                text: text.to_string(),
            })
        })
        .collect()
}

/// The functions `libmprapi.so` exports.
fn exports() -> BTreeSet<String> {
    let so = common::lib_dir().join("libmprapi.so");
    let out = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(&so)
        .output()
        .expect("run nm");
    assert!(out.status.success(), "nm -D {}", so.display());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (_addr, kind, name) = (f.next()?, f.next()?, f.next()?);
            (kind == "T").then(|| name.to_string())
        })
        .collect()
}

/// Header and Rust declarations, split by where they come from.
struct Sides {
    header: BTreeMap<String, Decl>,
    rust: BTreeMap<String, Decl>,
}

fn sides(aux: &str, generated: &Path) -> Sides {
    let include = crate_dir().join("include");
    let include = include.to_string_lossy();
    let generated = generated.to_string_lossy();
    let mut s = Sides {
        header: BTreeMap::new(),
        rust: BTreeMap::new(),
    };
    for d in declarations(aux) {
        if d.file == generated {
            s.rust.insert(d.name.clone(), d);
        } else if d.file.starts_with(&*include) {
            s.header.insert(d.name.clone(), d);
        }
    }
    s
}

/// Splits a parameter list (without its parentheses) at its top-level commas.
fn params(list: &str) -> Vec<String> {
    let (mut depth, mut cur, mut out) = (0, String::new(), Vec::new());
    for ch in list.chars() {
        match ch {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                out.push(cur.trim().to_string());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// Re-declares `d` with its parameter list changed by `f` (None: this mutant does not apply).
fn mutate_params(d: &Decl, f: impl Fn(Vec<String>) -> Option<Vec<String>>) -> Option<String> {
    let open = d.text.find(&format!("{} (", d.name))? + d.name.len() + 2;
    let close = d.text.rfind(')')?;
    let mut list = params(&d.text[open..close]);
    if list == ["void"] {
        list.clear();
    }
    let list = f(list)?;
    let list = if list.is_empty() {
        "void".to_string()
    } else {
        list.join(", ")
    };
    Some(format!("{}{list}{}", &d.text[..open], &d.text[close..]))
}

#[test]
fn every_header_prototype_has_the_signature_of_its_rust_export() {
    if !have("gcc") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let generated = rust_prototypes(dir.path());
    let src = program(dir.path(), "check.c", Some(&generated));
    for flags in [&[][..], &["-fshort-wchar"][..]] {
        if let Err(diagnostics) = compile(&src, flags) {
            panic!(
                "include/*.h and the Rust exports disagree (gcc {flags:?}):\n{diagnostics}\n\
                 cbindgen's view of the exports:\n{}",
                std::fs::read_to_string(&generated).unwrap_or_default()
            );
        }
    }
}

#[test]
fn header_prototypes_rust_exports_and_library_symbols_are_the_same_functions() {
    if !have("gcc") || !have("nm") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let generated = rust_prototypes(dir.path());
    let src = program(dir.path(), "check.c", Some(&generated));
    let aux = compile(&src, &[]).unwrap_or_else(|e| panic!("gcc:\n{e}"));
    let s = sides(&aux, &generated);
    let exported = exports();
    let header: BTreeSet<String> = s.header.keys().cloned().collect();
    let rust: BTreeSet<String> = s.rust.keys().cloned().collect();
    assert!(
        !exported.is_empty(),
        "nm found no exported functions in libmprapi.so"
    );

    let undeclared: Vec<_> = exported.difference(&header).collect();
    assert!(
        undeclared.is_empty(),
        "exported by libmprapi.so but declared in no include/*.h: {undeclared:?}"
    );
    let missing: Vec<_> = s
        .header
        .values()
        .filter(|d| !exported.contains(&d.name))
        .map(|d| format!("{} ({})", d.name, d.at))
        .collect();
    assert!(
        missing.is_empty(),
        "declared in include/ but not exported by libmprapi.so (a caller would fail to link): \
         {missing:?}"
    );
    let unseen: Vec<_> = exported.difference(&rust).collect();
    assert!(
        unseen.is_empty(),
        "exported, but cbindgen found no `#[unsafe(no_mangle)] pub unsafe extern \"C\" fn` for \
         them in src/ (a macro-generated export cannot be checked; write it out): {unseen:?}"
    );
    let extra: Vec<_> = rust.difference(&exported).collect();
    assert!(
        extra.is_empty(),
        "cbindgen sees exports the library does not have: {extra:?}"
    );
}

#[test]
fn the_check_rejects_a_changed_prototype_of_every_function() {
    if !have("gcc") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let src = program(dir.path(), "plain.c", None);
    let aux = compile(&src, &[]).unwrap_or_else(|e| panic!("gcc:\n{e}"));
    let decls: Vec<Decl> = sides(&aux, Path::new("")).header.into_values().collect();
    assert!(!decls.is_empty(), "no prototypes found in include/*.h");

    type Mutant = fn(&Decl) -> Option<String>;
    let mutants: [(&str, Mutant); 3] = [
        ("an extra parameter", |d| {
            mutate_params(d, |mut p| {
                p.push("int".into());
                Some(p)
            })
        }),
        ("another result type", |d| {
            let at = d.text.find(&format!("{} (", d.name))?;
            let prefix = if d.text.starts_with("extern ") {
                "extern "
            } else {
                ""
            };
            Some(format!("{prefix}struct sigcheck_other *{}", &d.text[at..]))
        }),
        ("another first-parameter type", |d| {
            mutate_params(d, |mut p| {
                *p.first_mut()? = "struct sigcheck_other *".into();
                Some(p)
            })
        }),
    ];
    for (what, mutant) in mutants {
        let mut c = String::from("struct sigcheck_other;\n");
        let mut expected = BTreeSet::new();
        for d in &decls {
            if let Some(m) = mutant(d) {
                c += &m;
                c += "\n";
                expected.insert(d.name.clone());
            }
        }
        // Only a function without parameters has no first parameter to change.
        let exempt = |d: &Decl| what.contains("first") && d.text.contains(" (void)");
        let skipped: Vec<_> = decls
            .iter()
            .filter(|d| !expected.contains(&d.name) && !exempt(d))
            .map(|d| &d.text)
            .collect();
        assert!(skipped.is_empty(), "{what}: could not mutate {skipped:?}");
        let body = dir.path().join("mutants.h");
        std::fs::write(&body, c).expect("write");
        let src = program(dir.path(), "mutant.c", Some(&body));
        let diagnostics = compile(&src, &[]).expect_err("gcc accepted every mutant");
        let rejected: BTreeSet<String> = expected
            .iter()
            .filter(|n| diagnostics.contains(&format!("conflicting types for '{n}'")))
            .cloned()
            .collect();
        assert_eq!(
            rejected, expected,
            "{what}: gcc must reject the changed prototype of every function\n{diagnostics}"
        );
    }
}
