//! CI regression: every validation claim at `Size::Quick` (small N, few
//! seeds), asserted exactly like `plam reproduce`: every check must PASS and
//! the figure (SVG, PNG) and its data (JSON) must be written. The tolerances
//! live with the checks in `src/validation/` and are justified in
//! theory/validation.md; nothing is loosened here.
//!
//! Verdicts on published claims never fail a run, but they must not flip:
//! each quick verdict is compared with the verdict on the same statement in
//! the committed full run (`figures/NAME.json`, when that file is a full run
//! and records verdicts). Equal outcomes pass; a quick INCONCLUSIVE where the
//! full run decided passes (the quick size cannot resolve what the full one
//! does) and is printed; any other difference fails.

use std::path::{Path, PathBuf};

use plam::figures::verdict::{Outcome, Verdict};
use plam::validation::{self, Size, REGISTRY};

fn out_dir(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("plam-validation-{}-{name}", std::process::id()))
}

fn quick(name: &str) {
    let claim = validation::find(name).unwrap_or_else(|| panic!("claim {name} is not registered"));
    let out = out_dir(name);
    let results = validation::run_claim(claim, Size::Quick, &out);
    let checks = &results.checks;
    let table = plam::figures::report::table(checks);
    println!("{table}");
    println!(
        "{}",
        plam::figures::verdict::verdict_table(&results.verdicts)
    );
    assert!(!checks.is_empty());
    assert!(checks.iter().all(|c| c.passed), "{name} failed:\n{table}");
    compare_with_full_run(name, &results.verdicts);
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

/// The verdicts recorded by the committed full run of `name`, or why there
/// are none.
fn full_run_verdicts(name: &str) -> Result<Vec<(String, Outcome)>, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("figures")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    if json["metadata"]["size"] != "Full" {
        return Err(format!("{} is not a full run", path.display()));
    }
    match json.get("verdicts") {
        Some(v) => v
            .as_array()
            .ok_or("verdicts is not a list")?
            .iter()
            .map(|v| {
                let statement = v["statement"].as_str().ok_or("no statement")?.to_string();
                let outcome = serde_json::from_value(v["outcome"].clone())
                    .map_err(|e| format!("outcome of '{statement}': {e}"))?;
                Ok((statement, outcome))
            })
            .collect(),
        None => Err(format!("{} predates verdicts", path.display())),
    }
}

/// Asserts that no quick verdict contradicts the full run's (module docs).
fn compare_with_full_run(name: &str, quick: &[Verdict]) {
    let full = match full_run_verdicts(name) {
        Ok(f) if !f.is_empty() => f,
        Ok(_) => {
            println!("no full-run verdicts recorded for {name} (the full run has none)");
            return;
        }
        Err(why) => {
            println!("no full-run verdicts recorded for {name} ({why}): nothing to compare");
            return;
        }
    };
    let mut flips = Vec::new();
    for q in quick {
        match full.iter().find(|f| f.0 == q.statement) {
            None => println!("{name}: '{}' has no full-run verdict", q.statement),
            Some(f) if f.1 == q.outcome => {
                println!("{name}: '{}' {} in both runs", q.statement, q.status())
            }
            Some(f) if q.outcome == Outcome::Inconclusive => println!(
                "{name}: '{}' INCONCLUSIVE at quick size, {} in the full run",
                q.statement,
                f.1.label()
            ),
            Some(f) => flips.push(format!(
                "'{}': quick {} vs full {}",
                q.statement,
                q.status(),
                f.1.label()
            )),
        }
    }
    for f in full
        .iter()
        .filter(|f| quick.iter().all(|q| q.statement != f.0))
    {
        println!("{name}: '{}' has a full-run verdict but no quick one", f.0);
    }
    assert!(flips.is_empty(), "{name}: verdicts flipped: {flips:?}");
}

/// The claims tested below; a registered claim missing here fails the suite.
const TESTED: &[&str] = &[
    "stabilities_fixed_norm",
    "stabilities_gradient_descent",
    "capacity",
    "rs_stability",
    "basins_retrieval",
    "basins_load",
    "symmetric_capacity",
    "spin_glass_sampler",
    "generalization_random_features",
    "generalization_mnist",
    "generalization_proteins",
    "generalization_spin_glass",
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

#[test]
fn symmetric_capacity_quick() {
    quick("symmetric_capacity");
}

#[test]
fn spin_glass_sampler_quick() {
    quick("spin_glass_sampler");
}

#[test]
fn generalization_random_features_quick() {
    quick("generalization_random_features");
}

#[test]
fn generalization_mnist_quick() {
    quick("generalization_mnist");
}

#[test]
fn generalization_proteins_quick() {
    quick("generalization_proteins");
}

#[test]
fn generalization_spin_glass_quick() {
    quick("generalization_spin_glass");
}
