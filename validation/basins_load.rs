//! Validation binary for the claim `basins_load` (see `plam::validation::basins_load`).
fn main() -> std::process::ExitCode {
    plam::validation::binary_main("basins_load")
}
