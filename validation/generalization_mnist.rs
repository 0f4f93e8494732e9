//! Validation binary for the claim `generalization_mnist` (see `plam::validation::generalization_mnist`).
mod common;

fn main() -> std::process::ExitCode {
    common::binary_main("generalization_mnist")
}
