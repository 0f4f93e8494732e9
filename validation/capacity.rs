//! Validation binary for the claim `capacity` (see `plam::validation::capacity`).
fn main() -> std::process::ExitCode {
    plam::validation::binary_main("capacity")
}
