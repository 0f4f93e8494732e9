//! The validation framework: claims of the replica theory checked against
//! finite-N simulations, each producing figures, data, asserted checks of
//! the suite's own numerics and verdicts on claims of the paper or the
//! literature.
//!
//! A claim is one file in this directory exposing
//! `pub fn run(size: Size, out: &Path) -> Result<Results>`, plus one line
//! in [`REGISTRY`]. A claim whose expensive pieces are independent also
//! exposes them as work units (`pub fn units`, [`shard`]), so that
//! `plam reproduce --shard K/N` splits it across machines and `--merge`
//! assembles it. The same registry drives the thin binaries in
//! `validation/` (`cargo run --release --bin NAME -- [--quick] [--out DIR]`,
//! their command line in `validation/common.rs`),
//! `plam reproduce [--quick]` and the CI regression test
//! `tests/validation.rs` (which runs every claim at [`Size::Quick`]).
//!
//! Tolerances are derived in `theory/validation.md` and cited as (V1), (V2)…

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::figures::report::{Check, Stopwatch};
use crate::figures::verdict::Verdict;
use crate::Result;

pub mod basins_load;
pub mod basins_retrieval;
pub mod capacity;
pub mod generalization_mnist;
pub mod generalization_proteins;
pub mod generalization_random_features;
pub mod generalization_spin_glass;
pub mod resume;
pub mod rs_stability;
pub mod shard;
pub mod spin_glass_sampler;
pub mod stabilities_fixed_norm;
pub mod stabilities_gradient_descent;
pub mod symmetric_capacity;

/// How big a validation run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Size {
    /// CI size: small N, few seeds; every claim in seconds.
    Quick,
    /// Publication size: the figures of the report.
    Full,
}

impl Size {
    /// Picks the quick or the full value of a parameter.
    pub fn pick<T>(self, quick: T, full: T) -> T {
        match self {
            Size::Quick => quick,
            Size::Full => full,
        }
    }
}

/// A claim written over work units: computes (or reads back) its units
/// through the [`shard::Work`] and, when it has them all, assembles its
/// figure into the directory and returns its results.
pub type UnitsFn = fn(&mut shard::Work, &Path) -> Result<Option<Results>>;

/// A claim: a name (also the figure's file stem and the binary's name), a
/// one-line summary, and the function that checks it.
#[derive(Debug, Clone, Copy)]
pub struct Claim {
    /// Name of the claim, its binary and its figure files.
    pub name: &'static str,
    /// What the claim asserts.
    pub summary: &'static str,
    /// Runs the claim at a size, writing figures into a directory.
    pub run: fn(Size, &Path) -> Result<Results>,
    /// The claim written over work units ([`shard`]), so that
    /// `plam reproduce --shard K/N` splits it across machines and `--merge`
    /// assembles it; `None` for a claim that shard 1 runs whole. It returns
    /// `None` when the work gave it only a shard of its units.
    pub units: Option<UnitsFn>,
    /// Measured wall-clock seconds at (quick, full) size, see
    /// [`Claim::expected_seconds`].
    pub seconds: (f64, f64),
}

impl Claim {
    /// Expected wall-clock seconds of a run at `size` on the reference
    /// 2-core machine (shared with other work). Sources: quick, one
    /// `nice plam reproduce --quick` on 2026-11-30 (103 s in all, machine shared); full, the sums of the distinct
    /// check runtimes of the committed publication-size `figures/NAME.json`
    /// (2026-11-23; their sum 522 s matches REPORT.md's total 524.2 s), except
    /// `capacity` and `rs_stability` (their publication-size runs of
    /// 2026-11-30, 524 s and 420 s on the machine shared with other jobs),
    /// `basins_retrieval` (25 min at N = 1000, README),
    /// `stabilities_gradient_descent` (25 min at N = 1000: 10⁴ epochs at
    /// α = 0.4 and 1.5 from the per-epoch costs of README's performance table,
    /// plus the fixed-norm optima at four snapshots) and `basins_load` (1.2 h:
    /// 10⁴ f32 epochs at each of 15 asymmetric and up to 12 symmetric loads,
    /// from the same table). Not scaled to the machine at hand: the runs are
    /// too few to calibrate.
    pub fn expected_seconds(&self, size: Size) -> f64 {
        size.pick(self.seconds.0, self.seconds.1)
    }
}

/// What a claim returns: checks of the suite's own numerics (a FAIL means
/// something broke) and verdicts on claims of the paper or the literature
/// (a contradiction is a finding).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Results {
    /// Asserted comparisons within derived tolerances.
    pub checks: Vec<Check>,
    /// Decisions on published claims.
    pub verdicts: Vec<Verdict>,
}

/// Every claim of the suite, in report order. Adding a claim: one file in
/// `src/validation/` and one line here (plus a `[[bin]]` entry for its
/// thin binary).
pub const REGISTRY: &[Claim] = &[
    Claim {
        name: "stabilities_fixed_norm",
        summary: "P(Δ) of fixed-norm pseudo-likelihood training matches the replica theory",
        units: Some(stabilities_fixed_norm::units),
        run: stabilities_fixed_norm::run,
        seconds: (34.7, 311.0),
    },
    Claim {
        name: "stabilities_gradient_descent",
        summary: "unbounded-norm gradient descent follows the fixed-norm theory at λ = λ(t)",
        units: Some(stabilities_gradient_descent::units),
        run: stabilities_gradient_descent::run,
        // Full size: measured 2026-11-30 at N = 1000 (745 s).
        seconds: (1.3, 745.0),
    },
    Claim {
        name: "capacity",
        summary: "storage capacity: α_c = 2 with asymmetric couplings; symmetric couplings against the parameter count α_c = 1 and the row bound",
        units: None,
        run: capacity::run,
        // Full size: measured 2026-11-30, 324 s quiet, 397 s with helpers beside it.
        seconds: (6.9, 400.0),
    },
    Claim {
        name: "rs_stability",
        summary: "(α, λ) phase diagram: training error and the replicon line",
        units: None,
        run: rs_stability::run,
        seconds: (8.5, 183.0),
    },
    Claim {
        name: "basins_retrieval",
        summary: "at α = 0.4 pseudo-likelihood retrieves from farther than every classical rule",
        units: None,
        run: basins_retrieval::run,
        // Full size: measured 2026-11-30 with the paper's protocol (707 s).
        seconds: (9.9, 707.0),
    },
    Claim {
        name: "basins_load",
        summary: "PL basins against α: where the symmetric basin vanishes; the asymmetry against α",
        units: Some(basins_load::units),
        run: basins_load::run,
        // Full size: 6556 s wall (80 CPU-min) measured on the shared machine
        // (load 6–9); 3300 s is the quiet machine's cost from the benchmark's
        // per-epoch times (2950 s of training) plus the basins.
        seconds: (41.9, 3300.0),
    },
    Claim {
        name: "symmetric_capacity",
        summary: "symmetric couplings: exact κ*_sym(α) at α = 0.5, 1 against α_c = 1, the second-cumulant theory and the row bound; α_c^sym(0) from the storability given separable rows",
        units: None,
        run: symmetric_capacity::run,
        // Full size: measured 2026-12-01, 2034 s with a 2-thread example
        // beside it on the 2 cores (the storability given separable rows
        // 1340 s of it, N = 60 1176 s); 923 s before that part was added.
        seconds: (10.0, 1700.0),
    },
    Claim {
        name: "spin_glass_sampler",
        summary: "the 2D Edwards–Anderson sampler (parallel tempering) agrees with exact enumeration and shows equilibrium at L = 32",
        units: None,
        run: spin_glass_sampler::run,
        // Full size: measured 2026-12-01, 88 s wall on the shared machine
        // (57 s of it the L = 32 run: 37 000 sweeps per chain, 8 chains).
        seconds: (3.0, 90.0),
    },
    Claim {
        name: "generalization_random_features",
        summary: "random features: PL stores examples beyond the Hebbian storage line, features become attractors, test examples fall into correlated attractors",
        units: None,
        run: generalization_random_features::run,
        // Full size: measured 2026-12-01, 1450 s wall (23.6 CPU-min: 1316 s
        // the 2 × 187 grid points at N = 500, lr 10 and lr 1000, the rest the
        // storage-line solves, ≈ 1–2 s each) on the shared machine. Quick: 25
        // CPU seconds (47 s wall on the shared machine), mostly the
        // storage-line solves.
        seconds: (30.0, 1450.0),
    },
    Claim {
        name: "generalization_mnist",
        summary: "binarized MNIST: PL stores its training digits at small load; as α grows test digits fall into attractors closer to them than to any training digit; PL beats Hebb",
        units: None,
        run: generalization_mnist::run,
        // Measured 2026-12-01 on the shared machine: full 156 s and 179 s wall
        // (two runs; 10 loads with 10 000 test digits and the six variant
        // points), quick 1.2–2.3 s.
        seconds: (2.3, 180.0),
    },
    Claim {
        name: "generalization_proteins",
        summary: "protein family (DHFR): Potts PL keeps its training sequences up to α of a few; test sequences fall into attractors sharing a growing fraction of residues with them; asymmetric and symmetric couplings",
        units: None,
        run: generalization_proteins::run,
        // Measured 2026-12-01 on the 2-core machine with one other job beside
        // it: full 723 s wall (7.4 CPU-min user, 4.4 sys: the seven DHFR loads
        // α = 0.1 … 20 with both couplings 526 s, plmc's 100-iteration DHFR
        // run 193 s), quick 4.2 s wall.
        seconds: (4.2, 723.0),
    },
    Claim {
        name: "generalization_spin_glass",
        summary: "2D Edwards–Anderson spin glass: PL stores its samples up to α ≈ 1, dips, and its attractors approach the true model's; as an inference tool its error falls with P, measured against exact ML at L = 4",
        units: None,
        run: generalization_spin_glass::run,
        // Measured 2026-12-01 on the 2-core machine with other work beside
        // it: full 2212 s wall (sampling 309 s, the 13 asymmetric L = 32
        // loads 1398 s, the 3 symmetric ones 336 s, the L = 4 inference
        // 169 s; reruns read the L = 32 loads from OUT/.cache and take the
        // inference's 3 min).
        seconds: (45.0, 2212.0),
    },
];

/// The claim called `name`.
pub fn find(name: &str) -> Option<&'static Claim> {
    REGISTRY.iter().find(|c| c.name == name)
}

/// Runs one claim: every check and verdict is labelled with the claim's
/// name and, when the claim did not time it, with the claim's total
/// runtime. A claim that fails with an error yields one FAIL check carrying
/// the error message, so a crash is reported like any other failure.
pub fn run_claim(claim: &Claim, size: Size, out: &Path) -> Results {
    let clock = Stopwatch::start();
    let results = (claim.run)(size, out);
    let total = clock.seconds();
    recorded(claim, label(claim, results, total), out, total)
}

/// `results` after writing the claim's runtime into its `NAME.json`
/// ([`resume::record_runtime`]); a failure to do so is a FAIL check.
fn recorded(claim: &Claim, mut results: Results, out: &Path, total: f64) -> Results {
    if let Err(e) = resume::record_runtime(claim.name, out, total) {
        let mut c = Check::at_least("runtime recorded in the claim's JSON", 0.0, 1.0)
            .note(format!("error: {e}"));
        c.claim = claim.name.to_string();
        c.runtime = total;
        results.checks.push(c);
    }
    results
}

/// Runs a claim that has work units on `work` ([`shard::Work`]): `None`
/// for a shard (which only writes its units), else the results labelled as
/// [`run_claim`] labels them, the units read back from shards counting with
/// the runtime they took there. Errors are those of a shard (whose claim
/// failed) and a merge's refusals (missing or mismatched units); a claim
/// that fails while assembling a merge yields a FAIL check, as in
/// [`run_claim`].
pub fn run_claim_on(claim: &Claim, work: &mut shard::Work, out: &Path) -> Result<Option<Results>> {
    let Some(units) = claim.units else {
        return Err(crate::Error::InvalidInput(format!(
            "{} has no work units: it runs whole",
            claim.name
        )));
    };
    let clock = Stopwatch::start();
    let outcome = units(work, out);
    work.refusal()?;
    let total = clock.seconds() + work.replayed_seconds();
    match (outcome, work.is_shard()) {
        (Err(e), true) => Err(e),
        (Ok(None), true) => Ok(None),
        (Ok(Some(_)), true) | (Ok(None), false) => Err(crate::Error::Other(format!(
            "{}: a claim must assemble exactly when it has all its units",
            claim.name
        ))),
        (outcome, false) => {
            let results = label(claim, outcome.map(Option::unwrap_or_default), total);
            Ok(Some(recorded(claim, results, out, total)))
        }
    }
}

/// Labels a claim's outcome: its name on every check and verdict, `total`
/// seconds where the claim did not time one, an error as one FAIL check,
/// and a FAIL check when the claim returned none.
fn label(claim: &Claim, outcome: Result<Results>, total: f64) -> Results {
    let mut results = match outcome {
        Ok(r) => r,
        Err(e) => Results {
            checks: vec![Check::at_least("ran to completion", 0.0, 1.0).note(format!("error: {e}"))],
            verdicts: Vec::new(),
        },
    };
    if results.checks.is_empty() {
        results.checks.push(
            Check::at_least("produced checks", 0.0, 1.0).note("the claim returned no checks"),
        );
    }
    for c in &mut results.checks {
        c.claim = claim.name.to_string();
        if c.runtime == 0.0 {
            c.runtime = total;
        }
    }
    for v in &mut results.verdicts {
        v.claim = claim.name.to_string();
        if v.runtime == 0.0 {
            v.runtime = total;
        }
    }
    results
}

/// Small statistics shared by the claims.
pub mod stats {
    pub use crate::numerics::statistics::{ks_critical, ks_two_sample, mean_var, wilson};

    /// The standard error of a difference of two independent means, √(a² + b²).
    pub fn se2(a: f64, b: f64) -> f64 {
        a.hypot(b)
    }

    /// Kolmogorov–Smirnov distance sup |F_n − F| between the empirical CDF of
    /// `x` and the CDF `cdf` ([`crate::numerics::statistics::ks_distance`]; NaN for an
    /// empty or non-finite sample, which then fails its check).
    pub fn ks_distance(x: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
        crate::numerics::statistics::ks_distance(x, cdf).unwrap_or(f64::NAN)
    }

    /// Tolerance (V5) for a finite-N moment x measured at N_S = N_L/2 and
    /// N_L, compared with its N → ∞ theory value at N_L: 4 standard errors at
    /// N_L plus the change |x(N_S) − x(N_L)|, which bounds the correction
    /// left at N_L whenever finite-size corrections decay at least as fast as
    /// 1/N (then the remainder beyond N_L is at most the change from N_L/2).
    pub fn finite_size_tolerance(x_small: f64, x_large: f64, se_large: f64) -> f64 {
        4.0 * se_large + (x_small - x_large).abs()
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn ks_of_uniform_grid_is_half_a_step() {
            let x: Vec<f64> = (0..100).map(|k| (k as f64 + 0.5) / 100.0).collect();
            // Midpoints of 100 cells: the empirical CDF is off by exactly 1/200.
            assert!((ks_distance(&x, |v| v.clamp(0.0, 1.0)) - 0.005).abs() < 1e-12);
            assert!(ks_distance(&[f64::NAN], |v| v).is_nan());
        }

        #[test]
        fn two_sample_ks() {
            let a = [0.0, 1.0, 2.0, 3.0];
            assert_eq!(ks_two_sample(&a, &a), 0.0);
            // Shifted by more than the range: the CDFs differ by 1 somewhere.
            assert_eq!(ks_two_sample(&a, &[10.0, 11.0]), 1.0);
            // {0,1,2,3} against {2,3}: at v = 1, F_a = 1/2, F_b = 0.
            assert!((ks_two_sample(&a, &[2.0, 3.0]) - 0.5).abs() < 1e-15);
            assert!(ks_two_sample(&a, &[]).is_nan());
        }
    }
}
