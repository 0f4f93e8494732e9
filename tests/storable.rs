//! `plam storable`: the interface scripts call, its thread independence and
//! its refusal of bad input.

mod common;

use common::run_plam;

fn storable(threads: usize, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["storable", "--json"];
    all.extend_from_slice(args);
    let out = run_plam(threads, &all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

#[test]
fn prints_the_documented_fields_independently_of_threads() {
    let args = [
        "--coupling",
        "symmetric",
        "--n",
        "10",
        "--alpha",
        "0.9",
        "--samples",
        "8",
        "--seed",
        "4",
    ];
    let one = storable(1, &args);
    let two = storable(2, &args);
    for key in [
        "coupling",
        "n",
        "p",
        "alpha",
        "samples",
        "seed",
        "storable",
        "storable_err",
        "failures",
        "rows_separable",
    ] {
        assert!(!one[key].is_null(), "missing {key}");
        assert_eq!(one[key], two[key], "{key} depends on the thread count");
    }
    assert_eq!(one["p"], 9);
    let f = one["storable"].as_f64().unwrap();
    // The error is the binomial one of 8 decided sets.
    let err = (f * (1.0 - f) / 8.0).sqrt();
    assert!((one["storable_err"].as_f64().unwrap() - err).abs() < 1e-15);
    // Only sets with separable rows can be stored (S18); the conditional
    // fraction is over them.
    let rows = one["rows_separable"].as_u64().unwrap() as f64;
    assert!(rows >= (f * 8.0).round() && rows <= 8.0);
    if rows > 0.0 {
        let given = one["storable_given_rows"].as_f64().unwrap();
        assert!((given * rows - f * 8.0).abs() < 1e-9, "{given} {rows} {f}");
    }
}

#[test]
fn bad_input_is_refused_with_a_message() {
    let base = ["storable", "--coupling", "symmetric"];
    for (extra, message) in [
        (&["--n", "1", "--alpha", "1"][..], "--n must be between 2"),
        (&["--n", "10", "--alpha", "0"][..], "must be positive"),
        (&["--n", "10", "--alpha", "nan"][..], "finite"),
        (
            &["--n", "10", "--alpha", "1", "--samples", "0"][..],
            "--samples must be",
        ),
    ] {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        common::assert_refused(&args, message);
    }
}
