//! Validation binary for the claim `spin_glass_sampler` (see `plam::validation::spin_glass_sampler`).
mod common;

fn main() -> std::process::ExitCode {
    common::binary_main("spin_glass_sampler")
}
