//! A small in-memory [`RegistryTx`] for the `.reg` tests: case-insensitive names, creation
//! order kept, Windows error codes for missing keys. Independent of the crate's own stores so
//! the codec is tested against the trait contract alone.

// Each test binary that includes this module uses only part of it.
#![allow(dead_code)]

use std::collections::HashMap;

use mprconfig_core::registry::{RegValue, RegistryTx, check_path, fold, split_parent};
use mprconfig_core::{Error, Result, WinError};

#[derive(Default)]
struct Node {
    subkeys: Vec<String>,
    values: Vec<(String, RegValue)>,
}

/// Keys by folded full path.
#[derive(Default)]
pub struct TreeTx {
    nodes: HashMap<String, Node>,
    /// Number of `set_value` calls, to check that imports write what they should.
    pub sets: usize,
}

fn not_found(path: &str) -> Error {
    Error::new(WinError::ERROR_FILE_NOT_FOUND, format!("no key {path}"))
}

impl TreeTx {
    fn node(&mut self, path: &str) -> Result<&mut Node> {
        self.nodes
            .get_mut(&fold(path))
            .ok_or_else(|| not_found(path))
    }
}

impl RegistryTx for TreeTx {
    fn key_exists(&mut self, path: &str) -> Result<bool> {
        Ok(self.nodes.contains_key(&fold(path)))
    }

    fn create_key(&mut self, path: &str) -> Result<bool> {
        check_path(path)?;
        if self.nodes.contains_key(&fold(path)) {
            return Ok(false);
        }
        let (parent, name) = split_parent(path);
        if !parent.is_empty() {
            self.create_key(parent)?;
            self.node(parent)?.subkeys.push(name.to_string());
        }
        self.nodes.insert(fold(path), Node::default());
        Ok(true)
    }

    fn delete_key_tree(&mut self, path: &str) -> Result<bool> {
        let f = fold(path);
        if self.nodes.remove(&f).is_none() {
            return Ok(false);
        }
        let prefix = format!("{f}\\");
        self.nodes.retain(|k, _| !k.starts_with(&prefix));
        let (parent, name) = split_parent(path);
        if let Some(p) = self.nodes.get_mut(&fold(parent)) {
            p.subkeys.retain(|s| fold(s) != fold(name));
        }
        Ok(true)
    }

    fn subkeys(&mut self, path: &str) -> Result<Vec<String>> {
        Ok(self.node(path)?.subkeys.clone())
    }

    fn get_value(&mut self, path: &str, name: &str) -> Result<Option<RegValue>> {
        Ok(self
            .node(path)?
            .values
            .iter()
            .find(|(n, _)| fold(n) == fold(name))
            .map(|(_, v)| v.clone()))
    }

    fn set_value(&mut self, path: &str, name: &str, value: &RegValue) -> Result<()> {
        self.sets += 1;
        let node = self.node(path)?;
        match node.values.iter_mut().find(|(n, _)| fold(n) == fold(name)) {
            Some(slot) => slot.1 = value.clone(),
            None => node.values.push((name.to_string(), value.clone())),
        }
        Ok(())
    }

    fn delete_value(&mut self, path: &str, name: &str) -> Result<bool> {
        let node = self.node(path)?;
        let before = node.values.len();
        node.values.retain(|(n, _)| fold(n) != fold(name));
        Ok(node.values.len() != before)
    }

    fn values(&mut self, path: &str) -> Result<Vec<(String, RegValue)>> {
        Ok(self.node(path)?.values.clone())
    }

    fn generation(&mut self) -> Result<u64> {
        Ok(0)
    }
}
