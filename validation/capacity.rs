//! Validation binary for the claim `capacity` (see `plam::validation::capacity`).
mod common;

fn main() -> std::process::ExitCode {
    common::binary_main("capacity")
}
