//! Validation binary for the claim `stabilities_gradient_descent` (see `plam::validation::stabilities_gradient_descent`).
mod common;

fn main() -> std::process::ExitCode {
    common::binary_main("stabilities_gradient_descent")
}
