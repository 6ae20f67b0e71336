//! The machine's network links, which seed the default tree of a new store.
//!
//! Each link of `/sys/class/net` becomes a [`NetLink`] whose GUID is
//! [`mprconfig_core::layout::link_guid`] of the machine id and the link name, so the same link
//! of the same machine always maps to the same interface name across installs.

use std::fs;
use std::path::Path;

use mprconfig_core::NetLink;
use mprconfig_core::layout::link_guid;

/// `ARPHRD_LOOPBACK` (`/sys/class/net/<link>/type`).
const ARPHRD_LOOPBACK: u32 = 772;
/// `IFF_LOOPBACK` (`/sys/class/net/<link>/flags`).
const IFF_LOOPBACK: u32 = 0x8;

/// The machine id the link GUIDs derive from: `/etc/machine-id`, else
/// `/var/lib/dbus/machine-id`, else the host name, else the fixed string `mprconfig` (a
/// container without any of these still gets stable, if not machine-unique, GUIDs).
///
/// ```
/// let id = mprconfig_store::machine_id();
/// assert!(!id.is_empty());
/// assert_eq!(id, mprconfig_store::machine_id());
/// ```
pub fn machine_id() -> String {
    [
        "/etc/machine-id",
        "/var/lib/dbus/machine-id",
        "/proc/sys/kernel/hostname",
    ]
    .iter()
    .filter_map(|p| fs::read_to_string(p).ok())
    .map(|s| s.trim().to_owned())
    .find(|s| !s.is_empty())
    .unwrap_or_else(|| "mprconfig".to_owned())
}

/// This machine's network links (`/sys/class/net`), ordered by interface index, with stable
/// GUIDs; empty if `/sys` is not mounted.
///
/// ```
/// for link in mprconfig_store::local_links() {
///     assert!(mprconfig_core::layout::is_guid_name(&link.guid));
/// }
/// ```
pub fn local_links() -> Vec<NetLink> {
    links_in(Path::new("/sys/class/net"), &machine_id())
}

fn read_number(p: &Path) -> Option<u32> {
    let s = fs::read_to_string(p).ok()?;
    let s = s.trim();
    match s.strip_prefix("0x") {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

fn links_in(dir: &Path, machine_id: &str) -> Vec<NetLink> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut links: Vec<(u32, NetLink)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let p = e.path();
            let index = read_number(&p.join("ifindex")).unwrap_or(u32::MAX);
            let is_loopback = read_number(&p.join("type")) == Some(ARPHRD_LOOPBACK)
                || read_number(&p.join("flags")).is_some_and(|f| f & IFF_LOOPBACK != 0);
            let guid = link_guid(machine_id, &name);
            Some((
                index,
                NetLink {
                    name,
                    guid,
                    is_loopback,
                },
            ))
        })
        .collect();
    links.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    links.into_iter().map(|(_, l)| l).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_link(dir: &Path, name: &str, index: u32, ty: u32, flags: &str) {
        let d = dir.join(name);
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("ifindex"), format!("{index}\n")).unwrap();
        fs::write(d.join("type"), format!("{ty}\n")).unwrap();
        fs::write(d.join("flags"), format!("{flags}\n")).unwrap();
    }

    #[test]
    fn links_are_ordered_by_index_with_loopback_detected() {
        let dir = tempfile::tempdir().unwrap();
        fake_link(dir.path(), "eth1", 3, 1, "0x1003");
        fake_link(dir.path(), "lo", 1, 772, "0x9");
        fake_link(dir.path(), "eth0", 2, 1, "0x1003");
        let links = links_in(dir.path(), "m1");
        let names: Vec<_> = links.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["lo", "eth0", "eth1"]);
        assert!(links[0].is_loopback && !links[1].is_loopback);
        assert_eq!(links[1].guid, link_guid("m1", "eth0"));
    }

    #[test]
    fn a_missing_sysfs_gives_no_links() {
        assert!(links_in(Path::new("/nonexistent/sys/class/net"), "m").is_empty());
    }
}
