//! Validation binary for the claim `generalization_random_features` (see `plam::validation::generalization_random_features`).
mod common;

fn main() -> std::process::ExitCode {
    common::binary_main("generalization_random_features")
}
