//! The role of a token, which the server enforces and a client session reports.

use mprconfig_core::{Error, Result};

/// What a token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "server",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "lowercase")
)]
pub enum Role {
    /// Read only: every write gives `ERROR_ACCESS_DENIED`.
    Reader,
    /// Read and write.
    Admin,
}

impl Role {
    /// `"admin"` or `"reader"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Admin => "admin",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = Error;
    fn from_str(s: &str) -> Result<Role> {
        match s.to_ascii_lowercase().as_str() {
            "admin" => Ok(Role::Admin),
            "reader" => Ok(Role::Reader),
            _ => Err(Error::invalid_parameter(format!(
                "role {s:?}: expected admin or reader"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_case_insensitively() {
        assert_eq!("ADMIN".parse::<Role>().unwrap(), Role::Admin);
        assert_eq!("reader".parse::<Role>().unwrap(), Role::Reader);
        assert!("root".parse::<Role>().is_err());
    }
}
