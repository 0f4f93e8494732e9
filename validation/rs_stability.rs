//! Validation binary for the claim `rs_stability` (see `plam::validation::rs_stability`).
mod common;

fn main() -> std::process::ExitCode {
    common::binary_main("rs_stability")
}
