//! Helpers shared by the integration tests.

/// Runs the `plam` binary with the given matrix-product and rayon thread counts.
pub fn run_plam(threads: usize, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_plam"))
        .args(args)
        .env("MATMUL_NUM_THREADS", threads.to_string())
        .env("RAYON_NUM_THREADS", threads.to_string())
        .output()
        .expect("the plam binary runs")
}
