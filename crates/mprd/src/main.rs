//! `mprd`: the router configuration server. Everything lives in the `mprd` library; this is
//! only the process entry point.

fn main() -> std::process::ExitCode {
    mprd::main_with_args(std::env::args_os())
}
