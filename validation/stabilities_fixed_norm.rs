//! Validation binary for the claim `stabilities_fixed_norm` (see `plam::validation::stabilities_fixed_norm`).
mod common;

fn main() -> std::process::ExitCode {
    common::binary_main("stabilities_fixed_norm")
}
