//! Validation binary for the claim `basins_retrieval` (see `plam::validation::basins_retrieval`).
fn main() -> std::process::ExitCode {
    plam::validation::binary_main("basins_retrieval")
}
