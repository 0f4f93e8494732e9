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

/// Runs `plam ARGS` on one thread, asserts success and parses its standard
/// output as one JSON object.
#[allow(dead_code)] // not every test binary that includes this module uses it
pub fn run_json(args: &[&str]) -> serde_json::Value {
    let out = run_plam(1, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

/// Asserts that `plam ARGS` is refused with exit code 1 and a message on
/// standard error that contains `must_contain`: no panic, and no clap
/// "unexpected argument" for a negative number.
#[allow(dead_code)] // not every test binary that includes this module uses it
pub fn assert_refused(args: &[&str], must_contain: &str) {
    let out = run_plam(1, args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
    assert!(err.contains(must_contain), "{args:?}: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("unexpected argument"),
        "{args:?}: {err}"
    );
}
