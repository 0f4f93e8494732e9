//! Validation binary for the claim `basins_retrieval` (see `plam::validation::basins_retrieval`).
mod common;

fn main() -> std::process::ExitCode {
    common::binary_main("basins_retrieval")
}
