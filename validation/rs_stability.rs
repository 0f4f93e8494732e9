//! Validation binary for the claim `rs_stability`.
fn main() -> std::process::ExitCode {
    plam::validation::binary_main("rs_stability")
}
