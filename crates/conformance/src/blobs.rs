//! Information-header blobs (`RTR_INFO_BLOCK_HEADER`) used as test data: the published samples
//! of `docs/spec/registry-layout.md` §3.6/§3.7, byte for byte, and malformed variants.

/// Parses a whitespace-separated hex dump (`"01000000 fc000000"`); `..` comments to the end of
/// a line are allowed after `#`.
fn hex(dump: &str) -> Vec<u8> {
    let digits: String = dump
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .flat_map(|l| l.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(digits.len().is_multiple_of(2), "odd hex dump");
    (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).expect("hex digit"))
        .collect()
}

/// Blob A: MS-RRASM §4.11.1's dump (120 bytes, "generous" Size): IP_GLOBAL_INFO +
/// IP_PROT_PRIORITY_INFO with six protocol metrics. registry-layout §3.6 A says Windows 7's
/// `RouterManagers\Ip\GlobalInfo` equals it; a real export does not (see [`global_info_w7_ip`]).
pub fn global_info_a() -> Vec<u8> {
    let mut v = hex("
        01000000 78000000 02000000                 # version 1, size 120, 2 entries
        0300ffff 08000000 01000000 30000000        # IP_GLOBAL_INFO 8 x1 @0x30
        0600ffff 34000000 01000000 38000000        # IP_PROT_PRIORITY_INFO 52 x1 @0x38
        00000000
        00000000 01000000                          # filtering off, logging errors
        06000000
        02000000 01000000  16270000 03000000  17270000 05000000
        12270000 07000000  03000000 0a000000  08000000 78000000
    ");
    v.resize(120, 0); // tail slack of the generous Size
    v
}

/// `RouterManagers\Ip\GlobalInfo` of a real Windows 7 export, the install default: blob A
/// with NETMGMT (3) = 10 listed second instead of fifth.
pub fn global_info_w7_ip() -> Vec<u8> {
    let mut v = hex("
        01000000 78000000 02000000                 # version 1, size 120, 2 entries
        0300ffff 08000000 01000000 30000000        # IP_GLOBAL_INFO 8 x1 @0x30
        0600ffff 34000000 01000000 38000000        # IP_PROT_PRIORITY_INFO 52 x1 @0x38
        00000000
        00000000 01000000                          # filtering off, logging errors
        06000000
        02000000 01000000  03000000 0a000000  16270000 03000000
        17270000 05000000  12270000 07000000  08000000 78000000
    ");
    v.resize(120, 0);
    v
}

/// `RouterManagers\Ipv6\GlobalInfo` of the same export, the install default: blob A's metrics
/// in A's order under IPV6_GLOBAL_INFO (0xFFFF000F).
pub fn global_info_w7_ipv6() -> Vec<u8> {
    let mut v = hex("
        01000000 78000000 02000000                 # version 1, size 120, 2 entries
        0f00ffff 08000000 01000000 30000000        # IPV6_GLOBAL_INFO 8 x1 @0x30
        0600ffff 34000000 01000000 38000000        # IP_PROT_PRIORITY_INFO 52 x1 @0x38
        00000000
        00000000 01000000                          # filtering off, logging errors
        06000000
        02000000 01000000  16270000 03000000  17270000 05000000
        12270000 07000000  03000000 0a000000  08000000 78000000
    ");
    v.resize(120, 0);
    v
}

/// Blob B: MS-RRASM §4.11.2 "RR2" demand-dial `InterfaceInfo` (252 bytes, exact Size).
pub fn interface_info_b() -> Vec<u8> {
    let mut v = hex("
        01000000 fc000000 04000000
        0a00ffff 8c000000 01000000 50000000        # IP_MCAST_HEARTBEAT_INFO 140 x1 @0x50
        0400ffff 04000000 01000000 e0000000        # IP_INTERFACE_STATUS_INFO 4 x1 @0xe0
        0700ffff 10000000 01000000 e8000000        # IP_ROUTER_DISC_INFO 16 x1 @0xe8
        0d00ffff 04000000 01000000 f8000000        # IP_IFFILTER_INFO 4 x1 @0xf8
        00000000
    ");
    v.resize(0xd0, 0); // MCAST_HBEAT_INFO group name: 64 zero WCHARs
    v.extend(hex("00000000 0a000000 00 00 0000")); // bActive 0, dead interval 10, protocol 0, port 0
    v.extend(hex("00000000")); // pad to 0xe0
    v.extend(hex("01000000 00000000")); // admin status UP, pad
    v.extend(hex("5802 a401 0807 0000 00000000 00000000")); // router discovery 600/420/1800
    v.extend(hex("00000000")); // IFFILTER_INFO
    assert_eq!(v.len(), 252);
    v
}

/// Blob C: the Windows 7 default `InterfaceInfo` of every interface (104 bytes, generous Size),
/// with an empty (Count 0) IP_ROUTE_INFO block.
pub fn interface_info_c() -> Vec<u8> {
    let mut v = hex("
        01000000 68000000 03000000
        0500ffff 48000000 00000000 40000000        # IP_ROUTE_INFO 72 x0 @0x40 (empty)
        0400ffff 04000000 01000000 40000000        # IP_INTERFACE_STATUS_INFO 4 x1 @0x40
        0700ffff 10000000 01000000 48000000        # IP_ROUTER_DISC_INFO 16 x1 @0x48
        00000000
        01000000 00000000
        5802 c201 0807 0000 00000000 00000000
    ");
    v.resize(104, 0);
    v
}

/// Blob D: the two-block worked example of registry-layout §3.7 (interface status UP and one
/// input filter), exact Size 96.
pub fn interface_info_d() -> Vec<u8> {
    hex("
        01000000 60000000 02000000 0400ffff
        04000000 01000000 30000000 0100ffff
        28000000 01000000 38000000 00000000
        01000000 00000000 01000000 01000000
        00000000 0a000000 ff000000 00000000
        00000000 06000000 00000000 00000050
    ")
}

fn put_u32(v: &mut [u8], at: usize, x: u32) {
    v[at..at + 4].copy_from_slice(&x.to_le_bytes());
}

/// Malformed information headers, each with what is wrong with it. Every one must be refused
/// with `ERROR_INVALID_PARAMETER` (spec Q19; DESIGN §4.7; reader rules of registry-layout §3.4).
pub fn malformed() -> Vec<(&'static str, Vec<u8>)> {
    let c = interface_info_c();
    let mut out: Vec<(&'static str, Vec<u8>)> = vec![
        ("empty buffer", Vec::new()),
        ("shorter than the 12-byte header", c[..11].to_vec()),
        ("TOC cut off", c[..40].to_vec()),
    ];
    let mut v = c.clone();
    put_u32(&mut v, 0, 2);
    out.push(("version 2", v));
    let mut v = c.clone();
    put_u32(&mut v, 4, 200);
    out.push(("Size larger than the buffer", v));
    let mut v = c.clone();
    put_u32(&mut v, 4, 8);
    out.push(("Size smaller than the header", v));
    let mut v = c.clone();
    put_u32(&mut v, 8, 0x1000_0000);
    out.push(("TocEntriesCount far beyond the buffer", v));
    let mut v = c.clone();
    put_u32(&mut v, 8, 7);
    out.push(("TOC longer than Size", v));
    let mut v = c.clone();
    put_u32(&mut v, 0x2c + 12, 0x60); // IP_ROUTER_DISC_INFO at 0x60: 16 bytes end at 0x70 > Size
    out.push(("block extends past Size", v));
    let mut v = c.clone();
    put_u32(&mut v, 0x1c + 4, 0xFFFF_FFFF); // status block InfoSize
    put_u32(&mut v, 0x1c + 8, 2); // ... times 2 overflows 32 bits
    out.push(("InfoSize x Count overflows", v));
    let mut v = c.clone();
    put_u32(&mut v, 0x1c + 12, 0x10); // non-empty block inside the TOC
    out.push(("block offset inside the TOC", v));
    let mut v = c;
    put_u32(&mut v, 0x2c + 12, 0xFFFF_FFF8); // offset + size overflows 32 bits
    out.push(("block offset overflows", v));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u32_at(v: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(v[at..at + 4].try_into().unwrap())
    }

    #[test]
    fn published_blobs_have_their_declared_sizes() {
        for (blob, size, entries) in [
            (global_info_a(), 120, 2),
            (global_info_w7_ip(), 120, 2),
            (global_info_w7_ipv6(), 120, 2),
            (interface_info_b(), 252, 4),
            (interface_info_c(), 104, 3),
            (interface_info_d(), 96, 2),
        ] {
            assert_eq!(blob.len(), size);
            assert_eq!(u32_at(&blob, 0), 1);
            assert_eq!(u32_at(&blob, 4) as usize, size);
            assert_eq!(u32_at(&blob, 8), entries);
        }
    }

    #[test]
    fn published_blobs_follow_the_alignment_rule() {
        for blob in [
            global_info_a(),
            global_info_w7_ip(),
            global_info_w7_ipv6(),
            interface_info_b(),
            interface_info_c(),
            interface_info_d(),
        ] {
            let n = u32_at(&blob, 8) as usize;
            let mut cursor = (12 + 16 * n + 7) & !7;
            for i in 0..n {
                let e = 12 + 16 * i;
                let (size, count, offset) = (
                    u32_at(&blob, e + 4) as usize,
                    u32_at(&blob, e + 8) as usize,
                    u32_at(&blob, e + 12) as usize,
                );
                assert_eq!(offset, cursor, "entry {i}");
                cursor = (offset + size * count + 7) & !7;
            }
        }
    }

    #[test]
    fn published_blobs_match_the_core_codec_and_defaults() {
        for blob in [
            global_info_a(),
            global_info_w7_ip(),
            global_info_w7_ipv6(),
            interface_info_b(),
            interface_info_c(),
            interface_info_d(),
        ] {
            mprconfig_core::info::validate(&blob).expect("published blob accepted by the codec");
        }
        assert_eq!(
            global_info_w7_ip(),
            mprconfig_core::layout::DEFAULT_IP_GLOBAL_INFO
        );
        assert_eq!(
            global_info_w7_ipv6(),
            mprconfig_core::layout::DEFAULT_IPV6_GLOBAL_INFO
        );
        assert_ne!(
            global_info_a(),
            mprconfig_core::layout::DEFAULT_IP_GLOBAL_INFO
        );
        assert_eq!(
            interface_info_c(),
            mprconfig_core::layout::DEFAULT_INTERFACE_INFO
        );
        for (what, blob) in malformed() {
            let e = mprconfig_core::info::validate(&blob).expect_err(what);
            assert_eq!(
                e.code,
                mprconfig_core::WinError::ERROR_INVALID_PARAMETER,
                "{what}"
            );
        }
    }

    #[test]
    fn malformed_blobs_differ_from_the_valid_one() {
        let c = interface_info_c();
        for (what, blob) in malformed() {
            assert_ne!(blob, c, "{what}");
        }
    }
}
