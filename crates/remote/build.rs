//! Compiles `proto/mprconfig.proto` and `proto/admin.proto` (inside this crate, so the packaged
//! crate builds on its own) in pure Rust (protox), so no system `protoc` is needed. The gRPC client stub is generated
//! only with the `client` feature and the server stub only with `server`; the messages always.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let proto_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("proto");
    let files = [
        proto_dir.join("mprconfig.proto"),
        proto_dir.join("admin.proto"),
    ];
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    let fds = protox::compile(&files, [&proto_dir])?;
    tonic_prost_build::configure()
        .build_client(std::env::var_os("CARGO_FEATURE_CLIENT").is_some())
        .build_server(std::env::var_os("CARGO_FEATURE_SERVER").is_some())
        .build_transport(false)
        .compile_fds(fds)?;
    Ok(())
}
