//! `plam ea sample`: the interface scripts call (files, shapes, manifest
//! fields) and its refusal of bad input.

mod common;

use common::{assert_refused, run_json};

#[test]
fn sample_writes_couplings_samples_and_manifest() {
    let dir = std::env::temp_dir().join(format!("plam-ea-{}", std::process::id()));
    let out = dir.to_str().unwrap();
    let v = run_json(&[
        "ea",
        "sample",
        "--l",
        "4",
        "--t",
        "1",
        "--samples",
        "500",
        "--seed",
        "1",
        "--out",
        out,
    ]);
    for key in [
        "l",
        "n",
        "t",
        "samples",
        "seed",
        "energy_per_spin",
        "energy_per_spin_err",
        "tau_int",
        "ladder",
        "acceptance",
        "log_binning",
        "exact_energy_per_spin",
    ] {
        assert!(v.get(key).is_some(), "manifest lacks {key}");
    }
    assert_eq!((v["l"].as_u64(), v["n"].as_u64()), (Some(4), Some(16)));
    assert_eq!(v["samples"].as_u64(), Some(500));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest, v);
    // The estimate against exact enumeration: within four of its errors
    // (a standard error of 8 independent chain means, Student's t with 7
    // degrees of freedom: false alarm ~0.5%, and the run is seeded).
    let (e, s, x) = (
        v["energy_per_spin"].as_f64().unwrap(),
        v["energy_per_spin_err"].as_f64().unwrap(),
        v["exact_energy_per_spin"].as_f64().unwrap(),
    );
    assert!((e - x).abs() <= 4.0 * s, "{e} ± {s} vs {x}");
    let bytes = std::fs::read(dir.join("samples.npy")).unwrap();
    let npy = npyz::NpyFile::new(&bytes[..]).unwrap();
    assert_eq!(npy.shape(), &[500, 16]);
    let spins: Vec<i8> = npy.into_vec().unwrap();
    assert!(spins.iter().all(|&x| x == 1 || x == -1));
    let bytes = std::fs::read(dir.join("couplings.npy")).unwrap();
    let npy = npyz::NpyFile::new(&bytes[..]).unwrap();
    assert_eq!(npy.shape(), &[16, 16]);
    let j: Vec<f64> = npy.into_vec().unwrap();
    // Four bonds per site, symmetric: 64 non-zero entries.
    assert_eq!(j.iter().filter(|&&x| x != 0.0).count(), 64);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_input_is_refused() {
    let out = std::env::temp_dir().join("plam-ea-bad");
    let out = out.to_str().unwrap();
    let base = |l: &'static str, t: &'static str| {
        vec![
            "ea",
            "sample",
            "--l",
            l,
            "--t",
            t,
            "--samples",
            "10",
            "--out",
            out,
        ]
    };
    assert_refused(&base("2", "1"), "the side L must be between 3");
    assert_refused(&base("4", "0"), "temperature must be positive");
    assert_refused(&base("4", "-1"), "temperature must be positive");
    let mut few = base("4", "1");
    few.extend(["--chains", "1"]);
    assert_refused(&few, "independent chains");
}
