//! Validation binary for the claim `stabilities_fixed_norm`.
fn main() -> std::process::ExitCode {
    plam::validation::binary_main("stabilities_fixed_norm")
}
