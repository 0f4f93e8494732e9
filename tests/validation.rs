//! CI regression: every validation claim at `Size::Quick` (small N, few
//! seeds), asserted exactly like `plam reproduce`: every check must PASS and
//! the figure (SVG, PNG) and its data (JSON) must be written. The tolerances
//! live with the checks in `src/validation/` and are justified in
//! theory/validation.md; nothing is loosened here.

use std::path::PathBuf;

use plam::validation::{self, Size, REGISTRY};

fn out_dir(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("plam-validation-{}-{name}", std::process::id()))
}

fn quick(name: &str) {
    let claim = validation::find(name).unwrap_or_else(|| panic!("claim {name} is not registered"));
    let out = out_dir(name);
    let checks = validation::run_claim(claim, Size::Quick, &out);
    let table = plam::figures::report::table(&checks);
    println!("{table}");
    assert!(!checks.is_empty());
    assert!(checks.iter().all(|c| c.passed), "{name} failed:\n{table}");
    for ext in ["svg", "png", "json"] {
        let f = out.join(format!("{name}.{ext}"));
        let len = std::fs::metadata(&f)
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()))
            .len();
        assert!(len > 0, "{} is empty", f.display());
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join(format!("{name}.json"))).unwrap())
            .unwrap();
    assert!(
        json["metadata"]["seed"].is_u64(),
        "{name}.json must record its seed"
    );
    std::fs::remove_dir_all(&out).ok();
}

/// The claims tested below; a registered claim missing here fails the suite.
const TESTED: &[&str] = &[
    "stabilities_fixed_norm",
    "stabilities_gradient_descent",
    "capacity",
    "rs_stability",
    "basins_retrieval",
    "basins_load",
];

#[test]
fn every_registered_claim_has_a_quick_test() {
    for c in REGISTRY {
        assert!(
            TESTED.contains(&c.name),
            "add a quick test for claim '{}'",
            c.name
        );
    }
}

#[test]
fn capacity_quick() {
    quick("capacity");
}

#[test]
fn stabilities_fixed_norm_quick() {
    quick("stabilities_fixed_norm");
}

#[test]
fn stabilities_gradient_descent_quick() {
    quick("stabilities_gradient_descent");
}

#[test]
fn rs_stability_quick() {
    quick("rs_stability");
}

#[test]
fn basins_retrieval_quick() {
    quick("basins_retrieval");
}

#[test]
fn basins_load_quick() {
    quick("basins_load");
}
