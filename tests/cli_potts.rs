//! `plam potts fit`: the files it writes on plmc's 3-state chain, and bad input
//! refused with a message.

mod common;

use common::{assert_refused as refused, run_plam};
use std::path::PathBuf;

const POTTS3: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/dhfr/potts3.a2m");

fn tmp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("plam-potts-{}-{name}", std::process::id()))
}

/// plmc's README run on potts3 (`-a _*^ -t -1 -le 1.0 -lh 1.0`), symmetric: the
/// manifest, the parameters' shapes, the weights and the 6-column scores whose
/// top L − 1 pairs are the chain's neighbours.
#[test]
fn fit_writes_parameters_scores_weights_and_manifest() {
    let out = tmp("fit");
    let o = run_plam(
        2,
        &[
            "potts",
            "fit",
            "--msa",
            POTTS3,
            "--out",
            out.to_str().unwrap(),
            "--coupling",
            "symmetric",
            "--alphabet",
            "_*^",
            "--no-reweight",
            "--lambda-j",
            "1",
            "--lambda-h",
            "1",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        (m["sites"].as_u64(), m["states"].as_u64()),
        (Some(60), Some(3))
    );
    assert_eq!(
        (m["records"].as_u64(), m["sequences"].as_u64()),
        (Some(500), Some(500))
    );
    assert_eq!(m["n_eff"].as_f64(), Some(500.0));
    assert_eq!(m["parameters"].as_u64(), Some(60 * 3 + 60 * 59 / 2 * 9));
    assert_eq!(m["converged"].as_bool(), Some(true));
    assert!(m["gradient_norm"].as_f64().unwrap() <= m["gradient_tolerance"].as_f64().unwrap());
    for key in [
        "objective",
        "iterations",
        "seconds",
        "lambda_j",
        "lambda_h",
        "coupling",
    ] {
        assert!(!m[key].is_null(), "manifest lacks {key}");
    }
    let h = plam::data::output::read_npy_matrix(&out.join("fields.npy")).unwrap();
    assert_eq!(h.shape(), (60, 3));
    let w = std::fs::read_to_string(out.join("weights.txt")).unwrap();
    assert_eq!(w.lines().count(), 500);
    assert!(w.lines().all(|l| l == "1.0"));
    let text = std::fs::read_to_string(out.join("couplings.txt")).unwrap();
    let mut rows: Vec<(usize, usize, f64)> = text
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            assert_eq!((f.len(), f[1], f[3], f[4]), (6, "-", "-", "0"));
            (
                f[0].parse().unwrap(),
                f[2].parse().unwrap(),
                f[5].parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows.len(), 60 * 59 / 2);
    rows.sort_by(|a, b| b.2.total_cmp(&a.2));
    assert!(
        rows[..59].iter().all(|r| r.1 == r.0 + 1),
        "{:?}",
        &rows[..59]
    );
    let c = std::fs::read(out.join("couplings.npy")).unwrap();
    // 4-D f64 array: 60·60·3·3 values after the header.
    assert!(c.len() > 60 * 60 * 9 * 8 && c.len() < 60 * 60 * 9 * 8 + 256);
    std::fs::remove_dir_all(&out).ok();
}

#[test]
fn bad_input_is_refused() {
    let out = tmp("bad");
    let o = out.to_str().unwrap();
    refused(
        &["potts", "fit", "--msa", "/nonexistent.a2m", "--out", o],
        "cannot read",
    );
    refused(
        &["potts", "fit", "--msa", POTTS3, "--out", o],
        "character '_'",
    );
    let args = |extra: &[&'static str]| -> Vec<&str> {
        let mut v = vec![
            "potts",
            "fit",
            "--msa",
            POTTS3,
            "--out",
            o,
            "--alphabet",
            "_*^",
        ];
        v.extend_from_slice(extra);
        v
    };
    refused(&args(&["--theta", "1.5"]), "theta must lie in [0, 1]");
    refused(&args(&["--lambda-j", "-1"]), "--lambda-j must be");
    refused(&args(&["--lambda-h", "nan"]), "--lambda-h must be");
    refused(&args(&["--focus", "nope"]), "focus 'nope'");
    refused(
        &[
            "potts",
            "fit",
            "--msa",
            POTTS3,
            "--out",
            o,
            "--alphabet",
            "_*_",
        ],
        "repeated",
    );
    refused(&args(&["--max-iterations", "0"]), "--max-iterations");
    let bad = tmp("bad.a2m");
    std::fs::write(&bad, ">a\nACDEF\n>b\nAC#EF\n").unwrap();
    refused(
        &["potts", "fit", "--msa", bad.to_str().unwrap(), "--out", o],
        "line 4, column 3",
    );
    std::fs::remove_file(&bad).ok();
    assert!(
        !out.exists(),
        "a refused run must not create its output directory"
    );
}
