//! Validation binary for the claim `stabilities_gradient_descent`.
fn main() -> std::process::ExitCode {
    plam::validation::binary_main("stabilities_gradient_descent")
}
