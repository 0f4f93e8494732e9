//! `plam data mnist` and `plam generalize --data mnist`: the regeneration
//! command on the raw fixture, the statistics and the text view, the
//! generalization JSON under both training protocols, bad input refused.

mod common;

use common::{assert_refused as refused, run_json as json, run_plam};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mnist-idx");

#[test]
fn regeneration_command_writes_the_reference_bytes() {
    let out = std::env::temp_dir().join(format!("plam-mnist-{}.bin", std::process::id()));
    let o = run_plam(
        1,
        &[
            "data",
            "mnist",
            "--from-idx",
            FIXTURE,
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let got = std::fs::read(&out).unwrap();
    std::fs::remove_file(&out).ok();
    assert_eq!(
        got,
        std::fs::read(format!("{FIXTURE}/expected.bin")).unwrap()
    );
}

#[test]
fn stats_and_show() {
    let v = json(&["data", "mnist", "--stats", "--json"]);
    assert_eq!(
        (v["images"].as_u64(), v["n"].as_u64()),
        (Some(70_000), Some(196))
    );
    let mean = v["mean_overlap"].as_f64().unwrap();
    let within = v["within_class_overlap"].as_array().unwrap();
    assert_eq!(within.len(), 10);
    // Digits of one class look more alike than digits at large.
    for w in within {
        assert!(w.as_f64().unwrap() > mean, "{w} vs {mean}");
    }
    assert!(v["mean_within_class_overlap"].as_f64().unwrap() > mean);
    let s = json(&["data", "mnist", "--show", "0", "--split", "test", "--json"]);
    assert_eq!(s["label"], 7);
    let rows = s["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 14);
    assert!(rows.iter().all(|r| r.as_str().unwrap().len() == 14));
    let text = run_plam(1, &["data", "mnist", "--show", "1"]);
    assert!(String::from_utf8_lossy(&text.stdout).starts_with("train image 1: digit 0\n"));
}

#[test]
fn data_bad_input_refused() {
    refused(&["data", "mnist"], "nothing to do");
    refused(&["data", "mnist", "--out", "/tmp/x.bin"], "--from-idx");
    refused(&["data", "mnist", "--show", "60000"], "does not exist");
    refused(
        &["data", "mnist", "--from-idx", "/nonexistent", "--stats"],
        "cannot read",
    );
}

const KEYS: [&str; 5] = [
    "train_overlap",
    "test_overlap",
    "random_overlap",
    "test_final_nearest_train",
    "label_agreement",
];

/// Few starts at α = 0.2 (P = 39): seconds. The authors' protocol keeps
/// its 39 training digits (the paper's panel: train overlap 1 at small α),
/// which the Hebbian couplings of the same digits do not.
#[test]
fn generalize_mnist_json() {
    let args = [
        "generalize",
        "--data",
        "mnist",
        "--alpha",
        "0.2",
        "--seed",
        "1",
        "--test",
        "40",
        "--random",
        "10",
        "--json",
    ];
    let v = json(&args);
    assert_eq!(v["data"], "mnist");
    assert_eq!(
        (v["n"].as_u64(), v["p"].as_u64(), v["batch"].as_u64()),
        (Some(196), Some(39), Some(39))
    );
    assert_eq!(
        (
            v["training"].as_str(),
            v["init"].as_str(),
            v["epochs"].as_u64()
        ),
        (Some("authors"), Some("random"), Some(301))
    );
    assert_eq!(v["lr"], 100.0);
    for o in [&v, &v["hebb"]] {
        for k in KEYS {
            for key in [k.to_string(), format!("{k}_err")] {
                let x = o[&key].as_f64().unwrap_or(f64::NAN);
                assert!(
                    x.is_finite() && (0.0..=1.0).contains(&x.abs()),
                    "{key}: {x}"
                );
            }
        }
    }
    // One pixel flipped in one of the 39 digits costs 2/(196·39) ≈ 2.6e-4 of
    // overlap: 0.99 allows ~38 such pixels, while digits that are not stored
    // fall to the Hebbian ~0.4 here.
    let (pl, hebb) = (
        v["train_overlap"].as_f64().unwrap(),
        v["hebb"]["train_overlap"].as_f64().unwrap(),
    );
    assert!(pl > 0.99 && hebb < pl, "PL {pl}, Hebb {hebb}");
    let f = json(&[&args[..], &["--protocol", "full-batch", "--epochs", "20"]].concat());
    assert_eq!(
        (
            f["training"].as_str(),
            f["batch"].as_u64(),
            f["epochs"].as_u64()
        ),
        (Some("full-batch"), None, Some(20))
    );
    // The same digits start both runs.
    assert_eq!(f["test_start_nearest_train"], v["test_start_nearest_train"]);
}

#[test]
fn generalize_mnist_bad_input_refused() {
    refused(
        &["generalize", "--data", "mnist", "--alpha", "400"],
        "60000",
    );
    refused(
        &["generalize", "--data", "mnist", "--test", "10001"],
        "10000",
    );
    refused(&["generalize", "--protocol", "authors"], "--data mnist");
}
