//! Validation binary for the claim `generalization_spin_glass` (see `plam::validation::generalization_spin_glass`).
mod common;

fn main() -> std::process::ExitCode {
    common::binary_main("generalization_spin_glass")
}
