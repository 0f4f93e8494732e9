//! Validation binary for the claim `basins_load` (see `plam::validation::basins_load`).
mod common;

fn main() -> std::process::ExitCode {
    common::binary_main("basins_load")
}
