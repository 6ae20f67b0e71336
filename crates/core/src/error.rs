//! Win32 error codes and the one error type of the project.
//!
//! Every failure anywhere in mprconfig ends as an [`Error`]: a [`WinError`] code, which is what
//! the C ABI returns and what travels over the wire unchanged, plus a human-readable detail that
//! Rust callers and the CLI show.

use std::fmt;

/// A Win32 / RAS / router error code (`DWORD`), as returned by the `MprConfig*` functions.
///
/// Unknown values are kept as they are: a code received from a peer always round-trips.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WinError(pub u32);

macro_rules! win_errors {
    ($( $(#[$doc:meta])* $name:ident = $value:expr, $msg:expr; )*) => {
        impl WinError {
            $( $(#[$doc])* #[doc = concat!("`", stringify!($name), "` (", stringify!($value), "): ", $msg)]
               pub const $name: WinError = WinError($value); )*

            /// The symbolic name of a known code (`"ERROR_INVALID_PARAMETER"`), `None` otherwise.
            pub fn name(self) -> Option<&'static str> {
                match self.0 { $( $value => Some(stringify!($name)), )* _ => None }
            }

            /// The standard English message of a known code, `None` otherwise.
            pub fn message(self) -> Option<&'static str> {
                match self.0 { $( $value => Some($msg), )* _ => None }
            }

            /// Every code this table knows.
            pub const ALL: &'static [WinError] = &[ $( WinError($value), )* ];
        }
    };
}

// Values are exact (winerror.h, mprerror.h). Messages: the Windows 10/11 system message table
// for Win32 codes (the "memory resources" wording for 8 and 14, see spec Q26) and the RAS
// message module text for router codes (900-957).
win_errors! {
    NO_ERROR = 0, "The operation completed successfully.";
    ERROR_INVALID_FUNCTION = 1, "Incorrect function.";
    ERROR_FILE_NOT_FOUND = 2, "The system cannot find the file specified.";
    ERROR_PATH_NOT_FOUND = 3, "The system cannot find the path specified.";
    ERROR_ACCESS_DENIED = 5, "Access is denied.";
    ERROR_INVALID_HANDLE = 6, "The handle is invalid.";
    ERROR_NOT_ENOUGH_MEMORY = 8, "Not enough memory resources are available to process this command.";
    ERROR_INVALID_DATA = 13, "The data is invalid.";
    ERROR_OUTOFMEMORY = 14, "Not enough memory resources are available to complete this operation.";
    ERROR_WRITE_PROTECT = 19, "The media is write protected.";
    ERROR_LOCK_VIOLATION = 33, "The process cannot access the file because another process has locked a portion of the file.";
    ERROR_HANDLE_EOF = 38, "Reached the end of the file.";
    ERROR_NOT_SUPPORTED = 50, "The request is not supported.";
    ERROR_BAD_NETPATH = 53, "The network path was not found.";
    ERROR_BAD_NET_NAME = 67, "The network name cannot be found.";
    ERROR_FILE_EXISTS = 80, "The file exists.";
    ERROR_INVALID_PARAMETER = 87, "The parameter is incorrect.";
    ERROR_BUFFER_OVERFLOW = 111, "The file name is too long.";
    ERROR_DISK_FULL = 112, "There is not enough space on the disk.";
    ERROR_CALL_NOT_IMPLEMENTED = 120, "This function is not supported on this system.";
    ERROR_INSUFFICIENT_BUFFER = 122, "The data area passed to a system call is too small.";
    ERROR_INVALID_NAME = 123, "The filename, directory name, or volume label syntax is incorrect.";
    ERROR_INVALID_LEVEL = 124, "The system call level is not correct.";
    ERROR_PROC_NOT_FOUND = 127, "The specified procedure could not be found.";
    ERROR_BAD_PATHNAME = 161, "The specified path is invalid.";
    ERROR_BUSY = 170, "The requested resource is in use.";
    ERROR_ALREADY_EXISTS = 183, "Cannot create a file when that file already exists.";
    ERROR_MORE_DATA = 234, "More data is available.";
    ERROR_NO_MORE_ITEMS = 259, "No more data is available.";
    ERROR_BADDB = 1009, "The configuration registry database is corrupt.";
    ERROR_BADKEY = 1010, "The configuration registry key is invalid.";
    ERROR_CANTOPEN = 1011, "The configuration registry key could not be opened.";
    ERROR_CANTREAD = 1012, "The configuration registry key could not be read.";
    ERROR_CANTWRITE = 1013, "The configuration registry key could not be written.";
    ERROR_REGISTRY_CORRUPT = 1015, "The registry is corrupted. The structure of one of the files containing registry data is corrupted, or the system's memory image of the file is corrupted, or the file could not be recovered because the alternate copy or log was absent or corrupted.";
    ERROR_SERVICE_DOES_NOT_EXIST = 1060, "The specified service does not exist as an installed service.";
    ERROR_NOT_FOUND = 1168, "Element not found.";
    ERROR_JOURNAL_NOT_ACTIVE = 1179, "The volume change journal is not active.";
    ERROR_JOURNAL_ENTRY_DELETED = 1181, "The journal entry has been deleted from the journal.";
    ERROR_CONNECTION_REFUSED = 1225, "The remote computer refused the network connection.";
    ERROR_LOGON_FAILURE = 1326, "The user name or password is incorrect.";
    ERROR_INTERNAL_ERROR = 1359, "An internal error occurred.";
    ERROR_TIMEOUT = 1460, "This operation returned because the timeout period expired.";
    /// What `MprAdminServerConnect` returns when no router manager runs (its RPC interface is
    /// not registered).
    RPC_S_UNKNOWN_IF = 1717, "The interface is unknown.";
    RPC_S_SERVER_UNAVAILABLE = 1722, "The RPC server is unavailable.";
    RPC_S_CALL_FAILED = 1726, "The remote procedure call failed.";
    ERROR_SUCCESS_REBOOT_REQUIRED = 3010, "The requested operation is successful. Changes will not be effective until the system is rebooted.";
    ERROR_INVALID_STATE = 5023, "The group or resource is not in the correct state to perform the requested operation.";
    ERROR_ROUTER_STOPPED = 900, "The router is not running.";
    ERROR_ALREADY_CONNECTED = 901, "The interface is already connected.";
    ERROR_UNKNOWN_PROTOCOL_ID = 902, "The specified protocol identifier is not known to the router.";
    ERROR_DDM_NOT_RUNNING = 903, "The Demand-dial Interface Manager is not running.";
    ERROR_INTERFACE_ALREADY_EXISTS = 904, "An interface with this name is already registered with the router.";
    ERROR_NO_SUCH_INTERFACE = 905, "An interface with this name is not registered with the router.";
    ERROR_INTERFACE_NOT_CONNECTED = 906, "The interface is not connected.";
    ERROR_PROTOCOL_STOP_PENDING = 907, "The specified protocol is stopping.";
    ERROR_INTERFACE_CONNECTED = 908, "The interface is connected and hence cannot be deleted.";
    ERROR_NO_INTERFACE_CREDENTIALS_SET = 909, "The interface credentials have not been set.";
    ERROR_ALREADY_CONNECTING = 910, "This interface is already in the process of connecting.";
    ERROR_UPDATE_IN_PROGRESS = 911, "An update of routing information on this interface is already in progress.";
    ERROR_INTERFACE_CONFIGURATION = 912, "The interface configuration is invalid. There is already another interface that is connected to the same interface on the remote router.";
    ERROR_NOT_CLIENT_PORT = 913, "A Remote Access Client attempted to connect over a port that was reserved for Routers only.";
    ERROR_NOT_ROUTER_PORT = 914, "A Demand Dial Router attempted to connect over a port that was reserved for Remote Access Clients only.";
    ERROR_CLIENT_INTERFACE_ALREADY_EXISTS = 915, "The client interface with this name already exists and is currently in use.";
    ERROR_INTERFACE_DISABLED = 916, "The interface is in a disabled state.";
    ERROR_AUTH_PROTOCOL_REJECTED = 917, "The authentication protocol was rejected by the remote peer.";
    ERROR_NO_AUTH_PROTOCOL_AVAILABLE = 918, "There are no authentication protocols available for use.";
    ERROR_PEER_REFUSED_AUTH = 919, "The remote computer refused to be authenticated using the configured authentication protocol. The line has been disconnected.";
    ERROR_REMOTE_NO_DIALIN_PERMISSION = 920, "The remote account does not have Remote Access permission.";
    ERROR_REMOTE_PASSWD_EXPIRED = 921, "The remote account has expired.";
    ERROR_REMOTE_ACCT_DISABLED = 922, "The remote account is disabled.";
    ERROR_REMOTE_RESTRICTED_LOGON_HOURS = 923, "The remote account is not permitted to logon at this time of day.";
    ERROR_REMOTE_AUTHENTICATION_FAILURE = 924, "Access was denied to the remote peer because username and/or password is invalid on the domain.";
    ERROR_INTERFACE_HAS_NO_DEVICES = 925, "There are no routing enabled ports available for use by this demand dial interface.";
    ERROR_IDLE_DISCONNECTED = 926, "The port has been disconnected due to inactivity.";
    ERROR_INTERFACE_UNREACHABLE = 927, "The interface is not reachable at this time.";
    ERROR_SERVICE_IS_PAUSED = 928, "The Demand Dial service is in a paused state.";
    ERROR_INTERFACE_DISCONNECTED = 929, "The interface has been disconnected by the administrator.";
    ERROR_AUTH_SERVER_TIMEOUT = 930, "The authentication server did not respond to authentication requests in a timely fashion.";
    ERROR_PORT_LIMIT_REACHED = 931, "The maximum number of ports allowed for use in the multilinked connection has been reached.";
    ERROR_PPP_SESSION_TIMEOUT = 932, "The connection time limit for the user has been reached.";
    ERROR_MAX_LAN_INTERFACE_LIMIT = 933, "The maximum limit on the number of LAN interfaces supported has been reached.";
    ERROR_MAX_WAN_INTERFACE_LIMIT = 934, "The maximum limit on the number of Demand Dial interfaces supported has been reached.";
    ERROR_MAX_CLIENT_INTERFACE_LIMIT = 935, "The maximum limit on the number of Remote Access clients supported has been reached.";
    ERROR_BAP_DISCONNECTED = 936, "The port has been disconnected due to the BAP policy.";
    ERROR_USER_LIMIT = 937, "Because another connection of your type is in use, the incoming connection cannot be accepted.";
    ERROR_NO_RADIUS_SERVERS = 938, "No RADIUS servers were located on the network.";
    ERROR_INVALID_RADIUS_RESPONSE = 939, "An invalid response was received from the RADIUS authentication server.";
    ERROR_DIALIN_HOURS_RESTRICTION = 940, "You do not have permission to connect at this time.";
    ERROR_ALLOWED_PORT_TYPE_RESTRICTION = 941, "You do not have permission to connect using the current device type.";
    ERROR_AUTH_PROTOCOL_RESTRICTION = 942, "You do not have permission to connect using the selected authentication protocol.";
    ERROR_BAP_REQUIRED = 943, "BAP is required for this user.";
    ERROR_DIALOUT_HOURS_RESTRICTION = 944, "The interface is not allowed to connect at this time.";
    ERROR_ROUTER_CONFIG_INCOMPATIBLE = 945, "The saved router configuration is incompatible with the current router.";
    WARNING_NO_MD5_MIGRATION = 946, "RemoteAccess has detected older format user accounts that will not be automatically migrated.";
    ERROR_PROTOCOL_ALREADY_INSTALLED = 948, "The transport is already installed with the router.";
    ERROR_INVALID_SIGNATURE_LENGTH = 949, "Invalid length of the Message-Authenticator attribute in the RADIUS packet.";
    ERROR_INVALID_SIGNATURE = 950, "Invalid Message-Authenticator attribute in the RADIUS packet.";
    ERROR_NO_SIGNATURE = 951, "No Message-Authenticator attribute was found in the RADIUS packet.";
    ERROR_INVALID_PACKET_LENGTH_OR_ID = 952, "Invalid packet length or identifier in the RADIUS packet.";
    ERROR_INVALID_ATTRIBUTE_LENGTH = 953, "Invalid attribute length in the RADIUS packet.";
    ERROR_INVALID_PACKET = 954, "Invalid packet received.";
    ERROR_AUTHENTICATOR_MISMATCH = 955, "The authenticator does not match.";
    ERROR_REMOTEACCESS_NOT_CONFIGURED = 956, "Routing and Remote access server is either not configured or not running.";
}

impl WinError {
    /// The code as a `DWORD`.
    pub const fn code(self) -> u32 {
        self.0
    }

    /// True for `NO_ERROR` and the success variant `ERROR_SUCCESS_REBOOT_REQUIRED`.
    pub const fn is_success(self) -> bool {
        self.0 == 0 || self.0 == 3010
    }
}

impl fmt::Debug for WinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n}({})", self.0),
            None => write!(f, "WinError({})", self.0),
        }
    }
}

impl fmt::Display for WinError {
    /// `The parameter is incorrect. (error 87: ERROR_INVALID_PARAMETER)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.message(), self.name()) {
            (Some(m), Some(n)) => write!(f, "{m} (error {}: {n})", self.0),
            _ => write!(f, "error {}", self.0),
        }
    }
}

impl From<u32> for WinError {
    fn from(v: u32) -> Self {
        WinError(v)
    }
}

/// The error of every fallible mprconfig operation: the Win32 code plus what exactly failed.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    /// The code a Windows caller would have received.
    pub code: WinError,
    /// What failed, for people (may be empty).
    pub detail: String,
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with a code and a detail.
    pub fn new(code: WinError, detail: impl Into<String>) -> Self {
        Error {
            code,
            detail: detail.into(),
        }
    }

    /// `ERROR_INVALID_PARAMETER` with a detail.
    pub fn invalid_parameter(detail: impl Into<String>) -> Self {
        Error::new(WinError::ERROR_INVALID_PARAMETER, detail)
    }

    /// The same error with more context in front of the detail (`"context: detail"`).
    pub fn context(mut self, context: impl fmt::Display) -> Self {
        self.detail = if self.detail.is_empty() {
            context.to_string()
        } else {
            format!("{context}: {}", self.detail)
        };
        self
    }
}

impl From<WinError> for Error {
    fn from(code: WinError) -> Self {
        Error {
            code,
            detail: String::new(),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({:?}, {:?})", self.code, self.detail)
    }
}

impl fmt::Display for Error {
    /// `detail (error N: NAME)`; the standard message stands in for an empty detail.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let detail = if self.detail.is_empty() {
            self.code.message().unwrap_or("unknown error")
        } else {
            self.detail.as_str()
        };
        match self.code.name() {
            Some(n) => write!(f, "{detail} (error {}: {n})", self.code.0),
            None => write!(f, "{detail} (error {})", self.code.0),
        }
    }
}

impl std::error::Error for Error {}

/// `return Err(Error::new(code, format!(...)))` in one line.
#[macro_export]
macro_rules! bail {
    ($code:expr, $($fmt:tt)+) => {
        return Err($crate::Error::new($code, format!($($fmt)+)))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_shows_detail_code_and_name() {
        let e = Error::invalid_parameter("dwLevel must be 0");
        assert_eq!(
            e.to_string(),
            "dwLevel must be 0 (error 87: ERROR_INVALID_PARAMETER)"
        );
    }

    #[test]
    fn empty_detail_falls_back_to_the_standard_message() {
        let e = Error::from(WinError::ERROR_NO_SUCH_INTERFACE);
        assert_eq!(
            e.to_string(),
            "An interface with this name is not registered with the router. (error 905: ERROR_NO_SUCH_INTERFACE)"
        );
    }

    #[test]
    fn unknown_codes_round_trip_and_display() {
        let w = WinError(123456);
        assert_eq!(w.name(), None);
        assert_eq!(Error::new(w, "x").to_string(), "x (error 123456)");
    }

    #[test]
    fn table_is_unique_and_complete_for_the_spec_codes() {
        let unique: std::collections::HashSet<_> = WinError::ALL.iter().collect();
        assert_eq!(unique.len(), WinError::ALL.len());
        for code in [
            0u32, 2, 3, 5, 6, 8, 13, 14, 50, 53, 67, 80, 87, 111, 120, 122, 123, 124, 127, 161,
            183, 234, 259, 1010, 1011, 1012, 1013, 1060, 1168, 1717, 1722, 3010,
        ] {
            assert!(WinError(code).name().is_some(), "missing {code}");
        }
        for code in (900..=956).filter(|c| *c != 947) {
            assert!(
                WinError(code).message().is_some(),
                "missing router code {code}"
            );
        }
    }

    #[test]
    fn context_prefixes_the_detail() {
        let e = Error::invalid_parameter("bad").context("interface \"x\"");
        assert_eq!(e.detail, "interface \"x\": bad");
    }
}
