//! `plam potts fit` and `plam generalize --data protein`: the files the fit
//! writes on plmc's 3-state chain, the shipped alignments read, and bad input
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

const DHFR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/dhfr/DHFR.a2m");

/// `plam generalize --data protein` on DHFR at a tiny load (P = 3, two L-BFGS
/// iterations): the issue's fields, the seed and the settings are printed, and
/// every overlap is an identity in [0, 1].
#[test]
fn generalize_protein_prints_the_issues_fields() {
    let v = common::run_json(&[
        "generalize",
        "--data",
        "protein",
        "--msa",
        DHFR,
        "--alpha",
        "0.02",
        "--seed",
        "1",
        "--iterations",
        "2",
        "--held-out",
        "20",
        "--random",
        "5",
        "--json",
    ]);
    assert_eq!(v["seed"], 1);
    assert_eq!(
        (v["n"].as_u64(), v["p"].as_u64(), v["q"].as_u64()),
        (Some(159), Some(3), Some(21))
    );
    assert_eq!(v["focus"], "DYR_ECOLI/1-159");
    assert_eq!(v["lambda_j"], 16.0);
    for k in [
        "train_overlap",
        "test_overlap",
        "random_overlap",
        "pair_identity",
    ] {
        let x = v[k].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&x), "{k} = {x}");
        assert!(v[format!("{k}_err")].as_f64().unwrap() >= 0.0, "{k}_err");
    }
}

/// The WW domain alignment (data/ww/, with its `#` preamble) through
/// `plam generalize --data protein`: its first record is the focus and keeps
/// all 31 sites, the record with `X` is skipped.
#[test]
fn generalize_protein_reads_the_ww_alignment() {
    let ww = concat!(env!("CARGO_MANIFEST_DIR"), "/data/ww/ww_sequences.fa");
    let v = common::run_json(&[
        "generalize",
        "--data",
        "protein",
        "--msa",
        ww,
        "--alpha",
        "1",
        "--seed",
        "1",
        "--iterations",
        "5",
        "--json",
    ]);
    assert_eq!(v["focus"], "B7G9D5/250-280");
    assert_eq!(
        (
            v["n"].as_u64(),
            v["p"].as_u64(),
            v["q"].as_u64(),
            v["sequences"].as_u64()
        ),
        (Some(31), Some(31), Some(21), Some(4024))
    );
}

#[test]
fn generalize_protein_refuses_bad_input() {
    let g = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut v = vec!["generalize", "--data", "protein", "--msa", DHFR];
        v.extend_from_slice(extra);
        v
    };
    refused(&["generalize", "--data", "protein"], "needs --msa");
    refused(
        &[
            "generalize",
            "--data",
            "protein",
            "--msa",
            "/nonexistent.a2m",
        ],
        "cannot read",
    );
    refused(&g(&["--alpha", "30"]), "exceed the 3416");
    refused(&g(&["--theta", "2"]), "--theta must lie in [0, 1]");
    refused(&g(&["--held-out", "0"]), "--held-out must be at least 1");
    refused(&g(&["--steps", "converge"]), "does not apply");
    refused(&g(&["--lambda-j", "-1"]), "lambda-j must be");
    refused(
        &["generalize", "--msa", DHFR],
        "--msa applies to --data protein only",
    );
}
