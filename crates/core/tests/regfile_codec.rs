//! The `.reg` codec: regedit's exact output (value forms, escapes, line wrapping), reading
//! UTF-16LE and UTF-8, rejecting every malformed form with `ERROR_INVALID_DATA` and the line
//! number, and round trips over random keys.

use mprconfig_core::WinError;
use mprconfig_core::regfile::{RegKey, decode, encode};
use mprconfig_core::registry::{
    REG_BINARY, REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ, REG_SZ, RegValue,
};
use proptest::prelude::*;

const HEADER: &str = "Windows Registry Editor Version 5.00";

fn utf16_file(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

fn text_of(bytes: &[u8]) -> String {
    assert_eq!(
        &bytes[..2],
        &[0xFF, 0xFE],
        "regedit files start with a UTF-16LE byte-order mark"
    );
    let units: Vec<u16> = bytes[2..]
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16(&units).unwrap()
}

fn key(path: &str, values: Vec<(&str, RegValue)>) -> RegKey {
    RegKey {
        path: path.into(),
        values: values
            .into_iter()
            .map(|(n, v)| (n.to_string(), v))
            .collect(),
    }
}

/// `RouterManagers\Ip\GlobalInfo` of a real Windows 7 export, the install default (not
/// MS-RRASM §4.11.1's dump as registry-layout §3.6 A claims: the metrics are ordered differently).
fn global_info_ip() -> Vec<u8> {
    mprconfig_core::layout::DEFAULT_IP_GLOBAL_INFO.to_vec()
}

/// registry-layout §3.6 C: the default 104-byte InterfaceInfo of every Windows 7 interface.
fn default_interface_info() -> Vec<u8> {
    mprconfig_core::layout::DEFAULT_INTERFACE_INFO.to_vec()
}

const RM: &str = r"SYSTEM\CurrentControlSet\Services\RemoteAccess\RouterManagers\Ip";

#[test]
fn router_manager_key_is_written_exactly_as_regedit_writes_it() {
    let k = key(
        RM,
        vec![
            ("ProtocolId", RegValue::dword(0x21)),
            ("GlobalInfo", RegValue::binary(global_info_ip())),
            (
                "DLLPath",
                RegValue::expand_sz(r"%SystemRoot%\System32\iprtrmgr.dll"),
            ),
        ],
    );
    let expected = [
        HEADER,
        "",
        r"[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\RemoteAccess\RouterManagers\Ip]",
        "\"ProtocolId\"=dword:00000021",
        "\"GlobalInfo\"=hex:01,00,00,00,78,00,00,00,02,00,00,00,03,00,ff,ff,08,00,00,00,\\",
        "  01,00,00,00,30,00,00,00,06,00,ff,ff,34,00,00,00,01,00,00,00,38,00,00,00,00,\\",
        "  00,00,00,00,00,00,00,01,00,00,00,06,00,00,00,02,00,00,00,01,00,00,00,03,00,\\",
        "  00,00,0a,00,00,00,16,27,00,00,03,00,00,00,17,27,00,00,05,00,00,00,12,27,00,\\",
        "  00,07,00,00,00,08,00,00,00,78,00,00,00,00,00,00,00,00,00,00,00,00,00,00,00",
        "\"DLLPath\"=hex(2):25,00,53,00,79,00,73,00,74,00,65,00,6d,00,52,00,6f,00,6f,00,\\",
        "  74,00,25,00,5c,00,53,00,79,00,73,00,74,00,65,00,6d,00,33,00,32,00,5c,00,69,\\",
        "  00,70,00,72,00,74,00,72,00,6d,00,67,00,72,00,2e,00,64,00,6c,00,6c,00,00,00",
        "",
        "",
    ]
    .join("\r\n");
    let bytes = encode(std::slice::from_ref(&k));
    assert_eq!(text_of(&bytes), expected);
    assert_eq!(bytes, utf16_file(&expected));
    assert_eq!(decode(&bytes).unwrap(), vec![k]);
}

#[test]
fn a_twenty_character_prefix_leaves_nineteen_bytes_on_the_first_line() {
    let k = key(
        r"X\0\Ip",
        vec![("InterfaceInfo", RegValue::binary(default_interface_info()))],
    );
    let text = text_of(&encode(&[k]));
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines[3],
        "\"InterfaceInfo\"=hex:01,00,00,00,68,00,00,00,03,00,00,00,05,00,ff,ff,48,00,00,\\"
    );
    assert_eq!(
        lines[4],
        "  00,00,00,00,00,40,00,00,00,04,00,ff,ff,04,00,00,00,01,00,00,00,40,00,00,00,\\"
    );
    assert_eq!(lines[7], "  00,00,00,00,00,00,00,00,00,00");
}

/// The bytes on each line of one encoded hex value, and the lines themselves.
fn hex_lines(name: &str, ty: u32, len: usize) -> Vec<String> {
    let data: Vec<u8> = (0..len).map(|i| i as u8).collect();
    let text = text_of(&encode(&[key("K", vec![(name, RegValue { ty, data })])]));
    let body = text.split("\r\n").skip(3).take_while(|l| !l.is_empty());
    body.map(str::to_string).collect()
}

/// How many bytes each line of an encoded hex value holds.
fn bytes_per_line(lines: &[String]) -> Vec<usize> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let list = if i == 0 {
                l.split_once('=').unwrap().1.split_once(':').unwrap().1
            } else {
                l.as_str()
            };
            list.trim_end_matches('\\')
                .split(',')
                .filter(|b| !b.trim().is_empty())
                .count()
        })
        .collect()
}

#[test]
fn wrapping_rule_holds_for_every_prefix_length() {
    for name_len in 0..=90usize {
        let name = "n".repeat(name_len);
        for (ty, tag) in [
            (REG_BINARY, "hex:"),
            (REG_EXPAND_SZ, "hex(2):"),
            (0x1234_5678, "hex(12345678):"),
        ] {
            let prefix = if name_len == 0 { 2 } else { name_len + 3 } + tag.len();
            let first_capacity = 77usize.saturating_sub(prefix).div_ceil(3).max(1);
            for len in [
                1usize,
                2,
                first_capacity,
                first_capacity + 1,
                first_capacity + 25,
                first_capacity + 26,
                200,
            ] {
                let lines = hex_lines(&name, ty, len);
                let mut expected = vec![len.min(first_capacity)];
                let mut left = len - expected[0];
                while left > 0 {
                    expected.push(left.min(25));
                    left -= left.min(25);
                }
                assert_eq!(
                    bytes_per_line(&lines),
                    expected,
                    "name {name_len}, tag {tag}, {len} bytes: {lines:#?}"
                );
                for (i, l) in lines.iter().enumerate() {
                    let last = i + 1 == lines.len();
                    assert_eq!(
                        l.ends_with(",\\"),
                        !last,
                        "continuation mark on line {i}: {l}"
                    );
                    if i > 0 {
                        assert!(
                            l.starts_with("  ") && !l.starts_with("   "),
                            "indent of {l}"
                        );
                    }
                    if prefix < 77 {
                        assert!(l.encode_utf16().count() <= 80, "line longer than 80: {l}");
                    }
                }
            }
        }
    }
}

#[test]
fn a_name_longer_than_the_line_still_gets_one_byte_before_the_break() {
    let name = "v".repeat(100);
    let lines = hex_lines(&name, REG_BINARY, 3);
    assert_eq!(
        lines,
        vec![format!("\"{name}\"=hex:00,\\"), "  01,02".to_string()]
    );
}

#[test]
fn line_length_counts_escapes_and_utf16_units() {
    // `"a\"b"=hex:` is 11 characters: ceil((77 - 11) / 3) = 22 bytes on the first line.
    let lines = hex_lines("a\"b", REG_BINARY, 30);
    assert_eq!(lines[0].matches(',').count(), 22);
    // U+1F600 is two UTF-16 units: `"😀"=hex:` is 9 units, 23 bytes on the first line.
    let lines = hex_lines("😀", REG_BINARY, 30);
    assert_eq!(lines[0].matches(',').count(), 23);
}

#[test]
fn default_value_is_written_as_at_sign_and_read_back() {
    let k = key(
        "K",
        vec![
            ("", RegValue::sz("IAS.Realm")),
            ("", RegValue::binary(vec![1; 30])),
        ],
    );
    let text = text_of(&encode(std::slice::from_ref(&k)));
    assert!(text.contains("\r\n@=\"IAS.Realm\"\r\n"));
    // `@=hex:` is 6 characters: 24 bytes on the first line.
    assert!(text.contains(&format!(
        "@=hex:{}\\\r\n  01,01,01,01,01,01\r\n",
        "01,".repeat(24)
    )));
    assert_eq!(decode(&utf16_file(&text)).unwrap(), vec![k]);
}

#[test]
fn escapes_round_trip_in_names_strings_and_key_paths() {
    let k = key(
        r"A\we]ird [key] \x",
        vec![
            (
                "\"quoted\" \\name\\",
                RegValue::sz(r#"C:\path\"with quotes"\"#),
            ),
            ("=;[]@", RegValue::sz("; not a comment")),
        ],
    );
    let text = text_of(&encode(std::slice::from_ref(&k)));
    assert!(text.contains("[HKEY_LOCAL_MACHINE\\A\\we]ird [key] \\x]\r\n"));
    assert!(text.contains(r#""\"quoted\" \\name\\"="C:\\path\\\"with quotes\"\\""#));
    assert_eq!(decode(&utf16_file(&text)).unwrap(), vec![k]);
}

#[test]
fn utf8_input_is_accepted_with_or_without_bom_and_with_lf_or_crlf() {
    let text = format!(
        "{HEADER}\n\n[HKEY_LOCAL_MACHINE\\SYSTEM\\Ünïcode]\n\"Name\"=\"Ethernet – ü\"\n\"Hours\"=hex(7):61,00,00,\\\n  00,00,00\n\"D\"=DWORD:FFFFFFFF\n"
    );
    let expected = vec![key(
        r"SYSTEM\Ünïcode",
        vec![
            ("Name", RegValue::sz("Ethernet – ü")),
            ("Hours", RegValue::multi_sz(&["a"])),
            ("D", RegValue::dword(0xFFFF_FFFF)),
        ],
    )];
    assert_eq!(decode(text.as_bytes()).unwrap(), expected);
    let crlf = text.replace('\n', "\r\n");
    assert_eq!(decode(crlf.as_bytes()).unwrap(), expected);
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(crlf.as_bytes());
    assert_eq!(decode(&bom).unwrap(), expected);
    // UTF-16LE with LF line ends too.
    assert_eq!(decode(&utf16_file(&text)).unwrap(), expected);
}

#[test]
fn reader_tolerates_what_regedit_tolerates() {
    let text = format!(
        "{HEADER}\r\n; a comment\r\n\r\n[hkey_local_machine\\A]  \r\n  \"x\" = \"y\"\r\n\r\n\"after blank\"=hex:1, 2 ,ff\r\n[HKEY_LOCAL_MACHINE\\A]\r\n\"t\"=hex(B):01,\\\r\n\t02\r\n\"e\"=hex:\r\n\"d\"=dword:1\r\n"
    );
    let got = decode(text.as_bytes()).unwrap();
    assert_eq!(
        got,
        vec![
            key(
                "A",
                vec![
                    ("x", RegValue::sz("y")),
                    ("after blank", RegValue::binary(vec![1, 2, 0xff]))
                ]
            ),
            key(
                "A",
                vec![
                    (
                        "t",
                        RegValue {
                            ty: 11,
                            data: vec![1, 2]
                        }
                    ),
                    ("e", RegValue::binary(vec![])),
                    ("d", RegValue::dword(1)),
                ]
            ),
        ]
    );
}

#[test]
fn odd_values_round_trip_byte_for_byte() {
    let k = key(
        "K",
        vec![
            (
                "odd",
                RegValue {
                    ty: REG_SZ,
                    data: vec![0x41],
                },
            ),
            (
                "noterm",
                RegValue {
                    ty: REG_SZ,
                    data: vec![0x41, 0],
                },
            ),
            (
                "nul",
                RegValue {
                    ty: REG_SZ,
                    data: vec![0x41, 0, 0, 0, 0x42, 0, 0, 0],
                },
            ),
            (
                "lone surrogate",
                RegValue {
                    ty: REG_SZ,
                    data: vec![0x00, 0xD8, 0, 0],
                },
            ),
            ("crlf", RegValue::sz("two\r\nlines")),
            (
                "short dword",
                RegValue {
                    ty: REG_DWORD,
                    data: vec![],
                },
            ),
            (
                "long dword",
                RegValue {
                    ty: REG_DWORD,
                    data: vec![1, 2, 3, 4, 5],
                },
            ),
            (
                "multi odd",
                RegValue {
                    ty: REG_MULTI_SZ,
                    data: vec![1, 2, 3],
                },
            ),
        ],
    );
    let bytes = encode(std::slice::from_ref(&k));
    let text = text_of(&bytes);
    assert!(text.contains("\"odd\"=hex(1):41\r\n"));
    assert!(text.contains("\"short dword\"=hex(4):\r\n"));
    assert_eq!(decode(&bytes).unwrap(), vec![k]);
}

/// Decodes a UTF-8 file made of `lines` (joined with CRLF) and returns the error.
fn err_of(lines: &[&str]) -> mprconfig_core::Error {
    let text = lines.join("\r\n");
    let e = decode(text.as_bytes()).expect_err(&format!("accepted {text:?}"));
    assert_eq!(e.code, WinError::ERROR_INVALID_DATA, "{e}");
    // The same file in UTF-16 fails the same way.
    assert_eq!(decode(&utf16_file(&text)).unwrap_err(), e);
    e
}

fn assert_line(e: &mprconfig_core::Error, line: usize, needle: &str) {
    assert!(
        e.detail.starts_with(&format!(".reg line {line}: ")),
        "wrong line in {:?}",
        e.detail
    );
    assert!(
        e.detail.contains(needle),
        "{:?} does not mention {needle:?}",
        e.detail
    );
}

const K: &str = r"[HKEY_LOCAL_MACHINE\A]";

#[test]
fn header_problems_are_reported_on_line_one() {
    assert_line(&err_of(&[""]), 1, "header");
    assert_line(
        &err_of(&["Windows Registry Editor Version 4.00", "", K]),
        1,
        "header",
    );
    assert_line(&err_of(&["REGEDIT4", "", K]), 1, "REGEDIT4");
    assert_line(&err_of(&[K, "\"a\"=\"b\""]), 1, "header");
    let e = decode(&[0xFE, 0xFF, 0, b'W']).unwrap_err();
    assert_eq!(e.code, WinError::ERROR_INVALID_DATA);
    assert_line(&e, 1, "big-endian");
}

#[test]
fn key_line_problems_name_the_line() {
    assert_line(
        &err_of(&[HEADER, "", r"[HKEY_CURRENT_USER\Software]"]),
        3,
        "HKEY_CURRENT_USER",
    );
    assert_line(&err_of(&[HEADER, "", r"[HKLM\SYSTEM]"]), 3, "HKLM");
    assert_line(&err_of(&[HEADER, "", r"[Bogus\SYSTEM]"]), 3, "unknown root");
    assert_line(
        &err_of(&[HEADER, "", r"[-HKEY_LOCAL_MACHINE\SYSTEM]"]),
        3,
        "deletion",
    );
    assert_line(
        &err_of(&[HEADER, "", r"[HKEY_LOCAL_MACHINE\SYSTEM"]),
        3,
        "']'",
    );
    assert_line(
        &err_of(&[HEADER, "", r"[HKEY_LOCAL_MACHINE]"]),
        3,
        "root itself",
    );
    assert_line(
        &err_of(&[HEADER, "", r"[HKEY_LOCAL_MACHINE\]"]),
        3,
        "root itself",
    );
    assert_line(
        &err_of(&[HEADER, "", r"[HKEY_LOCAL_MACHINE\A\\B]"]),
        3,
        "invalid registry key name",
    );
    assert_line(
        &err_of(&[HEADER, "", r"[HKEY_LOCAL_MACHINE\A\]"]),
        3,
        "invalid registry key name",
    );
    let long = format!(r"[HKEY_LOCAL_MACHINE\{}]", "k".repeat(256));
    assert_line(
        &err_of(&[HEADER, "", &long]),
        3,
        "invalid registry key name",
    );
}

#[test]
fn value_line_problems_name_the_line() {
    let cases: &[(&str, &str)] = &[
        ("\"a\"=-", "deletion"),
        ("\"a", "no closing quote"),
        ("\"a\"", "'='"),
        ("\"a\" \"b\"", "'='"),
        ("\"a\\n\"=\"b\"", "unknown escape"),
        ("\"a\"=\"b\\t\"", "unknown escape"),
        ("\"a\"=\"b", "no closing quote"),
        ("\"a\"=\"b\" c", "after the string"),
        ("\"a\"=dword:123456789", "1 to 8 hex digits"),
        ("\"a\"=dword:", "1 to 8 hex digits"),
        ("\"a\"=dword:xyz", "1 to 8 hex digits"),
        ("\"a\"=dword:-1", "1 to 8 hex digits"),
        ("\"a\"=hex:1g", "hex byte"),
        ("\"a\"=hex:100", "hex byte"),
        ("\"a\"=hex:01,,02", "hex byte"),
        ("\"a\"=hex:01,", "hex byte"),
        ("\"a\"=hex:,01", "hex byte"),
        ("\"a\"=hex(zz):00", "type must be"),
        ("\"a\"=hex():00", "type must be"),
        ("\"a\"=hex(123456789):00", "type must be"),
        ("\"a\"=hex(2:00", "closing parenthesis"),
        ("\"a\"=hex(2)00", "':'"),
        ("\"a\"=hexa:00", "hex: or hex(N):"),
        ("\"a\"=", "unrecognised value data"),
        ("\"a\"=foo", "unrecognised value data"),
        ("\"a\"=str:\"x\"", "unrecognised value data"),
        ("@", "'='"),
        ("garbage", "expected a [key]"),
        ("a=b", "expected a [key]"),
    ];
    for (line, needle) in cases {
        let e = err_of(&[HEADER, "", K, "\"ok\"=\"1\"", line, "\"later\"=\"2\""]);
        assert_line(&e, 5, needle);
    }
}

#[test]
fn value_before_any_key_is_rejected() {
    assert_line(
        &err_of(&[HEADER, "", "\"a\"=\"b\"", K]),
        3,
        "before the first [key]",
    );
}

#[test]
fn continuation_problems_are_reported_at_the_value() {
    assert_line(
        &err_of(&[HEADER, "", K, "\"a\"=hex:01,\\"]),
        4,
        "ends inside",
    );
    assert_line(
        &err_of(&[HEADER, "", K, "\"a\"=hex:01,\\", "  02,\\"]),
        4,
        "ends inside",
    );
    assert_line(
        &err_of(&[HEADER, "", K, "\"a\"=hex:01\\", "  02"]),
        4,
        "hex byte",
    );
    assert_line(
        &err_of(&[HEADER, "", K, "\"a\"=hex:01,\\", "", "\"b\"=\"c\""]),
        4,
        "hex byte",
    );
    assert_line(
        &err_of(&[HEADER, "", K, "\"a\"=\"b\"\\", "  02"]),
        4,
        "after the string",
    );
    assert_line(
        &err_of(&[HEADER, "", K, "\"a\"=dword:00000001\\"]),
        4,
        "1 to 8 hex digits",
    );
}

#[test]
fn bad_text_encodings_are_rejected_with_their_line() {
    let mut bytes = format!("{HEADER}\r\n\r\n{K}\r\n\"a\"=\"").into_bytes();
    bytes.extend_from_slice(&[0xC3, 0x28, b'"']);
    let e = decode(&bytes).unwrap_err();
    assert_eq!(e.code, WinError::ERROR_INVALID_DATA);
    assert_line(&e, 4, "UTF-8");

    let mut utf16 = utf16_file(&format!("{HEADER}\r\n{K}\r\n\"a\"=\""));
    utf16.extend_from_slice(&[0x00, 0xDC, b'"', 0]);
    assert_line(&decode(&utf16).unwrap_err(), 3, "surrogate");

    let mut odd = utf16_file(&format!("{HEADER}\r\n{K}\r\n"));
    odd.push(b'x');
    assert_line(&decode(&odd).unwrap_err(), 3, "middle of a character");

    assert_line(
        &err_of(&[HEADER, "", K, "\"a\"=\"x\ry\""]),
        4,
        "carriage return",
    );
    assert_line(&err_of(&[HEADER, "", K, "\"a\"=\"x\0y\""]), 4, "NUL");
    assert_line(
        &err_of(&[HEADER, "", K, "\"a\"=hex:01,\\", "02\0"]),
        5,
        "NUL",
    );
}

#[test]
fn garbage_never_panics() {
    // A few adversarial shapes around multi-byte characters and brackets.
    for text in [
        "[",
        "[]",
        "[\\]",
        "\"",
        "@=",
        "@=\"",
        "\"\\",
        "[é",
        "\"é\"=hex(é):",
        "\"a\"=hex(",
        "\"a\"=dword:é",
    ] {
        let file = format!("{HEADER}\r\n{K}\r\n{text}");
        let e = decode(file.as_bytes()).unwrap_err();
        assert_eq!(e.code, WinError::ERROR_INVALID_DATA, "{text}");
    }
}

fn arb_value() -> impl Strategy<Value = RegValue> {
    prop_oneof![
        "[^\u{0}]{0,24}".prop_map(|s| RegValue::sz(&s)),
        "[^\u{0}]{0,24}".prop_map(|s| RegValue::expand_sz(&s)),
        proptest::collection::vec("[^\u{0}]{1,8}", 0..4).prop_map(|v| RegValue::multi_sz(&v)),
        any::<u32>().prop_map(RegValue::dword),
        any::<u64>().prop_map(RegValue::qword),
        (any::<u32>(), proptest::collection::vec(any::<u8>(), 0..120))
            .prop_map(|(ty, data)| RegValue { ty, data }),
        (0u32..12, proptest::collection::vec(any::<u8>(), 0..40))
            .prop_map(|(ty, data)| RegValue { ty, data }),
    ]
}

fn arb_key() -> impl Strategy<Value = RegKey> {
    (
        proptest::collection::vec("[^\\\\\r\n\u{0}]{1,10}", 1..5),
        proptest::collection::vec(("[^\r\n\u{0}]{0,12}", arb_value()), 0..6),
    )
        .prop_map(|(parts, values)| RegKey {
            path: parts.join("\\"),
            values,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn decode_inverts_encode(keys in proptest::collection::vec(arb_key(), 0..6)) {
        let bytes = encode(&keys);
        prop_assert_eq!(decode(&bytes).unwrap(), keys.clone());
        // And the UTF-8 rendering of the same text reads back identically.
        let text = text_of(&bytes);
        prop_assert_eq!(decode(text.as_bytes()).unwrap(), keys);
    }

    #[test]
    fn encode_inverts_decode_on_encoder_output(keys in proptest::collection::vec(arb_key(), 0..4)) {
        let bytes = encode(&keys);
        prop_assert_eq!(encode(&decode(&bytes).unwrap()), bytes);
    }

    #[test]
    fn decode_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Err(e) = decode(&bytes) {
            prop_assert_eq!(e.code, WinError::ERROR_INVALID_DATA);
        }
    }

    #[test]
    fn mutated_files_fail_with_13_or_round_trip(keys in proptest::collection::vec(arb_key(), 1..3), pos in any::<usize>(), byte in any::<u8>()) {
        let mut bytes = encode(&keys);
        let i = pos % bytes.len();
        bytes[i] = byte;
        match decode(&bytes) {
            Err(e) => prop_assert_eq!(e.code, WinError::ERROR_INVALID_DATA),
            // Whatever a file decodes to, the encoder writes it back exactly.
            Ok(decoded) => {
                let again = encode(&decoded);
                prop_assert_eq!(decode(&again).unwrap(), decoded);
            }
        }
    }
}
