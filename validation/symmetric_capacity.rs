//! Validation binary for the claim `symmetric_capacity` (see
//! `plam::validation::symmetric_capacity`).
mod common;

fn main() -> std::process::ExitCode {
    common::binary_main("symmetric_capacity")
}
