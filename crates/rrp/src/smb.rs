//! The `\PIPE\winreg` named pipe over SMB2/3, with the `smb2` crate.
//!
//! `smb2` is asynchronous; the `Registry` trait is not, and it is called from threads that may
//! already be inside a Tokio runtime (the daemon's blocking pool). So each pipe owns one
//! worker thread running a current-thread runtime, and calls reach it over a channel: the
//! caller's thread only blocks on a reply, never enters a runtime. The SMB session signs
//! every message (SMB 2.x/3.x signing, as the server requires). The `smb2` crate does not
//! offer SMB3 encryption in its NEGOTIATE, so a server that *requires* it refuses the session
//! (mapped to `ERROR_ACCESS_DENIED` naming that cause, in [`open_error`]); confidentiality of
//! the registry traffic comes from DCE/RPC packet privacy above this layer (`docs/rrp.md`).

use std::sync::mpsc;
use std::time::Duration;

use mprconfig_core::{Error, Result, WinError};
use smb2::client::connection::Connection;
use smb2::msg::close::CloseRequest;
use smb2::msg::create::{
    CreateDisposition, CreateRequest, CreateResponse, ImpersonationLevel, ShareAccess,
};
use smb2::msg::ioctl::{FSCTL_PIPE_TRANSCEIVE, IoctlRequest, IoctlResponse, SMB2_0_IOCTL_IS_FSCTL};
use smb2::msg::read::{ReadRequest, ReadResponse, SMB2_CHANNEL_NONE};
use smb2::msg::write::WriteRequest;
use smb2::pack::{ReadCursor, Unpack};
use smb2::types::flags::FileAccessMask;
use smb2::types::status::NtStatus;
use smb2::types::{Command, FileId, OplockLevel, TreeId};
use smb2::{ClientConfig, SmbClient, Tree};

use crate::dcerpc::Pipe;

/// Largest pipe read or transceive output asked for (one credit's worth).
const IO_SIZE: u32 = 65536;

/// Where and as whom to open the pipe.
#[derive(Clone)]
pub(crate) struct SmbTarget {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) user: String,
    pub(crate) domain: String,
    pub(crate) password: String,
    pub(crate) connect_timeout: Duration,
    pub(crate) call_timeout: Duration,
}

impl SmbTarget {
    fn addr(&self) -> String {
        if self.host.contains(':') && !self.host.starts_with('[') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    fn describe(&self) -> String {
        if self.domain.is_empty() {
            format!("{}@{}", self.user, self.addr())
        } else {
            format!("{};{}@{}", self.domain, self.user, self.addr())
        }
    }
}

/// Maps an error while opening the pipe (DNS, TCP, negotiate, session, tree, create), as
/// registry-layout §5.1 says: unreachable 53, bad credentials 1326, no rights 5.
fn open_error(target: &SmbTarget, stage: &str, e: &smb2::Error) -> Error {
    use smb2::ErrorKind as K;
    let who = target.describe();
    let status = e.status();
    let (code, hint) = match (e.kind(), status) {
        (_, Some(s)) if is_logon_failure(s) => (WinError::ERROR_LOGON_FAILURE, ""),
        (K::GuestSessionRefused, _) | (K::AuthRequired, _) => (WinError::ERROR_LOGON_FAILURE, ""),
        (_, Some(NtStatus::ACCESS_DENIED)) => (
            WinError::ERROR_ACCESS_DENIED,
            if stage == "SMB session setup" || stage == "tree connect" {
                " (a server that requires SMB3 encryption refuses this way every client that does not \
                 offer it, and the smb2 crate does not: allow unencrypted SMB on the server; the \
                 registry traffic is sealed by DCE/RPC packet privacy either way, see docs/rrp.md)"
            } else {
                ""
            },
        ),
        (_, Some(NtStatus::OBJECT_NAME_NOT_FOUND)) => (
            WinError::ERROR_BAD_NETPATH,
            " (no \\PIPE\\winreg: the Remote Registry service is not running)",
        ),
        (_, Some(NtStatus::BAD_NETWORK_NAME)) => (WinError::ERROR_BAD_NETPATH, ""),
        (K::AccessDenied, _) => (WinError::ERROR_ACCESS_DENIED, ""),
        (K::ConnectionLost | K::TimedOut | K::Io, _) => (WinError::ERROR_BAD_NETPATH, ""),
        _ => (WinError::ERROR_BAD_NETPATH, ""),
    };
    Error::new(code, format!("{stage} to {who} failed: {e}{hint}"))
}

fn is_logon_failure(s: NtStatus) -> bool {
    [
        NtStatus::LOGON_FAILURE,
        NtStatus::ACCOUNT_RESTRICTION,
        NtStatus::PASSWORD_EXPIRED,
        NtStatus::ACCOUNT_DISABLED,
        NtStatus::ACCOUNT_EXPIRED,
        NtStatus::PASSWORD_MUST_CHANGE,
        NtStatus::ACCOUNT_LOCKED_OUT,
    ]
    .contains(&s)
}

/// Maps an error on an open pipe: the server or the link is gone (1722), or the server
/// refused the operation.
fn io_error(what: &str, e: &smb2::Error) -> Error {
    use smb2::ErrorKind as K;
    match (e.kind(), e.status()) {
        (_, Some(s)) if s.is_error() && !matches!(e.kind(), K::ConnectionLost) => Error::new(
            WinError::RPC_S_SERVER_UNAVAILABLE,
            format!("the winreg pipe failed during {what}: {e}"),
        ),
        _ => Error::new(
            WinError::RPC_S_SERVER_UNAVAILABLE,
            format!("the connection to the server was lost during {what}: {e}"),
        ),
    }
}

fn status_error(what: &str, command: Command, status: NtStatus) -> smb2::Error {
    let _ = what;
    smb2::Error::Protocol { status, command }
}

enum Cmd {
    Transceive(Vec<u8>),
    Write(Vec<u8>),
    Read,
}

type Reply = Result<Vec<u8>>;

/// The open pipe: a handle on the worker thread that owns the SMB connection.
pub(crate) struct SmbPipe {
    to_worker: Option<mpsc::Sender<(Cmd, mpsc::SyncSender<Reply>)>>,
    worker: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for SmbPipe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmbPipe").finish_non_exhaustive()
    }
}

struct Open {
    client: SmbClient,
    tree: Tree,
    file: FileId,
}

impl Open {
    fn conn(&mut self) -> &mut Connection {
        self.client.connection_mut()
    }

    fn tree_id(&self) -> TreeId {
        self.tree.tree_id
    }

    async fn transceive(&mut self, input: Vec<u8>) -> std::result::Result<Vec<u8>, smb2::Error> {
        let req = IoctlRequest {
            ctl_code: FSCTL_PIPE_TRANSCEIVE,
            file_id: self.file,
            max_input_response: 0,
            max_output_response: IO_SIZE,
            flags: SMB2_0_IOCTL_IS_FSCTL,
            input_data: input,
        };
        let tree = self.tree_id();
        let frame = self
            .conn()
            .execute(Command::Ioctl, &req, Some(tree))
            .await?;
        let status = frame.header.status;
        // BUFFER_OVERFLOW: the reply message is longer than the output; the rest is read.
        if !status.is_success_or_partial() {
            return Err(status_error("transceive", Command::Ioctl, status));
        }
        let mut cursor = ReadCursor::new(&frame.body);
        Ok(IoctlResponse::unpack(&mut cursor)?.output_data)
    }

    async fn write(&mut self, data: Vec<u8>) -> std::result::Result<(), smb2::Error> {
        let req = WriteRequest {
            data_offset: 0x70,
            offset: 0,
            file_id: self.file,
            channel: 0,
            remaining_bytes: 0,
            write_channel_info_offset: 0,
            write_channel_info_length: 0,
            flags: 0,
            data,
        };
        let tree = self.tree_id();
        let frame = self
            .conn()
            .execute(Command::Write, &req, Some(tree))
            .await?;
        if frame.header.status != NtStatus::SUCCESS {
            return Err(status_error("write", Command::Write, frame.header.status));
        }
        Ok(())
    }

    async fn read(&mut self) -> std::result::Result<Vec<u8>, smb2::Error> {
        let req = ReadRequest {
            padding: 0x50,
            flags: 0,
            length: IO_SIZE,
            offset: 0,
            file_id: self.file,
            minimum_count: 0,
            channel: SMB2_CHANNEL_NONE,
            remaining_bytes: 0,
            read_channel_info: vec![],
        };
        let tree = self.tree_id();
        let frame = self.conn().execute(Command::Read, &req, Some(tree)).await?;
        if !frame.header.status.is_success_or_partial() {
            return Err(status_error("read", Command::Read, frame.header.status));
        }
        let mut cursor = ReadCursor::new(&frame.body);
        Ok(ReadResponse::unpack(&mut cursor)?.data)
    }

    async fn close(&mut self) {
        let tree = self.tree_id();
        let req = CloseRequest {
            flags: 0,
            file_id: self.file,
        };
        let _ = self.conn().execute(Command::Close, &req, Some(tree)).await;
        let _ = self.tree.disconnect(self.client.connection_mut()).await;
    }
}

async fn open(target: &SmbTarget) -> Result<Open> {
    let config = ClientConfig {
        addr: target.addr(),
        timeout: target.connect_timeout,
        username: target.user.clone(),
        password: target.password.clone(),
        domain: target.domain.clone(),
        // A silent re-dial would hide a lost server from the transaction layer, which must
        // see it (a commit in flight needs to report exactly what happened).
        auto_reconnect: false,
        compression: false,
        dfs_enabled: false,
        response_timeout: Some(target.call_timeout),
        ..ClientConfig::default()
    };
    let mut client = SmbClient::connect(config)
        .await
        .map_err(|e| open_error(target, "SMB session setup", &e))?;
    let tree = Tree::connect(client.connection_mut(), "IPC$")
        .await
        .map_err(|e| open_error(target, "tree connect", &e))?;
    let req = CreateRequest {
        requested_oplock_level: OplockLevel::None,
        impersonation_level: ImpersonationLevel::Impersonation,
        desired_access: FileAccessMask::new(
            FileAccessMask::FILE_READ_DATA | FileAccessMask::FILE_WRITE_DATA,
        ),
        file_attributes: 0,
        share_access: ShareAccess(ShareAccess::FILE_SHARE_READ | ShareAccess::FILE_SHARE_WRITE),
        create_disposition: CreateDisposition::FileOpen,
        create_options: 0,
        name: "winreg".to_string(),
        create_contexts: vec![],
    };
    let frame = client
        .connection_mut()
        .execute(Command::Create, &req, Some(tree.tree_id))
        .await
        .map_err(|e| open_error(target, "opening \\PIPE\\winreg", &e))?;
    if frame.header.status != NtStatus::SUCCESS {
        let e = smb2::Error::Protocol {
            status: frame.header.status,
            command: Command::Create,
        };
        return Err(open_error(target, "opening \\PIPE\\winreg", &e));
    }
    let mut cursor = ReadCursor::new(&frame.body);
    let resp = CreateResponse::unpack(&mut cursor)
        .map_err(|e| open_error(target, "opening \\PIPE\\winreg", &e))?;
    Ok(Open {
        client,
        tree,
        file: resp.file_id,
    })
}

impl SmbPipe {
    /// Connects, signs in and opens `\PIPE\winreg`.
    pub(crate) fn open(target: &SmbTarget) -> Result<SmbPipe> {
        let (to_worker, from_caller) = mpsc::channel::<(Cmd, mpsc::SyncSender<Reply>)>();
        let (ready_tx, ready_rx) = mpsc::sync_channel::<Result<()>>(1);
        let target = target.clone();
        let worker = std::thread::Builder::new()
            .name("mprconfig-rrp-smb".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(Error::new(
                            WinError::ERROR_NOT_ENOUGH_MEMORY,
                            format!("cannot start the SMB runtime: {e}"),
                        )));
                        return;
                    }
                };
                let mut open = match rt.block_on(open(&target)) {
                    Ok(o) => {
                        let _ = ready_tx.send(Ok(()));
                        o
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                while let Ok((cmd, reply)) = from_caller.recv() {
                    let result = rt.block_on(async {
                        match cmd {
                            Cmd::Transceive(d) => {
                                open.transceive(d).await.map_err(|e| io_error("a call", &e))
                            }
                            Cmd::Write(d) => open
                                .write(d)
                                .await
                                .map(|()| Vec::new())
                                .map_err(|e| io_error("a write", &e)),
                            Cmd::Read => open.read().await.map_err(|e| io_error("a read", &e)),
                        }
                    });
                    let _ = reply.send(result);
                }
                // The caller dropped the pipe: close it politely (best effort, bounded by the
                // call timeout inside smb2).
                rt.block_on(open.close());
            })
            .map_err(|e| {
                Error::new(
                    WinError::ERROR_NOT_ENOUGH_MEMORY,
                    format!("cannot start the SMB thread: {e}"),
                )
            })?;
        let mut pipe = SmbPipe {
            to_worker: Some(to_worker),
            worker: Some(worker),
        };
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(pipe),
            Ok(Err(e)) => {
                pipe.shutdown();
                Err(e)
            }
            Err(_) => {
                pipe.shutdown();
                Err(Error::new(
                    WinError::ERROR_INTERNAL_ERROR,
                    "the SMB thread ended before connecting",
                ))
            }
        }
    }

    fn run(&mut self, cmd: Cmd) -> Reply {
        let gone = || {
            Error::new(
                WinError::RPC_S_SERVER_UNAVAILABLE,
                "the SMB connection is closed",
            )
        };
        let to_worker = self.to_worker.as_ref().ok_or_else(gone)?;
        let (tx, rx) = mpsc::sync_channel(1);
        to_worker.send((cmd, tx)).map_err(|_| gone())?;
        rx.recv().map_err(|_| gone())?
    }

    fn shutdown(&mut self) {
        self.to_worker = None;
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

impl Drop for SmbPipe {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl Pipe for SmbPipe {
    fn transceive(&mut self, message: &[u8]) -> Result<Vec<u8>> {
        self.run(Cmd::Transceive(message.to_vec()))
    }

    fn write(&mut self, data: &[u8]) -> Result<()> {
        self.run(Cmd::Write(data.to_vec())).map(|_| ())
    }

    fn read(&mut self) -> Result<Vec<u8>> {
        self.run(Cmd::Read)
    }
}
