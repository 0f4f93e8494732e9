//! `plam theory-rf`: the random-features lines on the command line, their JSON
//! keys, and bad input refused with exit code 2 (clap's bad-input code).

mod common;

use common::{run_json as json, run_plam};
use plam::replica::random_features::{learning_line, storage_line};

#[test]
fn learning_and_storage_lines_as_json() {
    let v = json(&["theory-rf", "--alpha", "1", "--json"]);
    assert_eq!(v["alpha"], 1.0);
    // The printed value is the library's, bit for bit (f64 round-trips through JSON).
    assert_eq!(
        v["alpha_d_features"].as_f64(),
        Some(learning_line(1.0).unwrap().critical)
    );
    let v = json(&["theory-rf", "--alpha-d", "0.05", "--json"]);
    assert_eq!(v["alpha_d"], 0.05);
    let a = v["alpha_examples"].as_f64().unwrap();
    assert_eq!(a, storage_line(0.05).unwrap().critical);
    // Below the Hopfield capacity: few features correlate the examples.
    assert!(a > 0.0 && a < 0.1379, "{a}");
}

#[test]
fn readable_line_without_json() {
    let out = run_plam(1, &["theory-rf", "--alpha", "5"]);
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.contains("learning line at α = 5") && s.contains("α_D <"),
        "{s}"
    );
}

#[test]
fn bad_input_is_refused_with_code_2() {
    for (args, msg) in [
        (&["theory-rf", "--alpha", "0"][..], "positive"),
        (&["theory-rf", "--alpha", "-1"][..], "positive"),
        (&["theory-rf", "--alpha-d", "0"][..], "positive"),
        (
            &["theory-rf", "--alpha-d", "-0.5", "--json"][..],
            "positive",
        ),
        (&["theory-rf", "--alpha", "nan"][..], "positive"),
        (&["theory-rf", "--alpha", "x"][..], "not a number"),
        (
            &["theory-rf", "--alpha", "1", "--alpha-d", "0.1"][..],
            "cannot be used with",
        ),
        (&["theory-rf", "--json"][..], "--alpha"),
    ] {
        let out = run_plam(1, args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(msg), "{args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("unexpected argument"),
            "{args:?}: {err}"
        );
    }
}
