//! Validation binary for the claim `generalization_proteins` (see `plam::validation::generalization_proteins`).
mod common;

fn main() -> std::process::ExitCode {
    common::binary_main("generalization_proteins")
}
