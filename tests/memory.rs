//! Tests of the associative-memory layer: learning rules (`plam::memory::rules`),
//! zero-temperature dynamics (`plam::memory::dynamics`) and retrieval/basin
//! measurements (`plam::memory::retrieval`), including the sharp checks against the
//! literature listed in `theory/memory.md` (eqs. (M21)–(M24)).
//!
//! Sizes are small (N ≤ 1000, mostly a few hundred) so that the whole file
//! runs in seconds in release mode; every tolerance is justified next to it.

mod common;
use common::run_plam;

use nalgebra::DMatrix;
use plam::error::Error;
use plam::memory::couplings::{asymmetry, asymmetry_measures, stabilities};
use plam::memory::dynamics::{DynamicsOptions, Network, Schedule};
use plam::memory::protocol::Protocol;
use plam::memory::retrieval::{
    basin_sizes, basin_sizes_with, curve_basin, flips_for, retrieval_curve, retrieval_curve_with,
    storage, CurveCriterion, RetrievalOptions,
};
use plam::memory::rules::{
    hebb, max_margin, perceptron, pseudo_inverse, symmetric_perceptron, unlearning,
    UnlearningOptions,
};
use plam::numerics::statistics::mean_var;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// N×P matrix of i.i.d. uniform ±1 patterns (columns).
fn patterns(n: usize, p: usize, seed: u64) -> DMatrix<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    DMatrix::from_fn(n, p, |_, _| if rng.random::<bool>() { 1.0 } else { -1.0 })
}

fn sync(max_steps: usize) -> DynamicsOptions {
    DynamicsOptions {
        schedule: Schedule::Synchronous,
        max_steps,
        seed: 7,
    }
}

/// Amit–Gutfreund–Sompolinsky T = 0 retrieval overlap m(α), eq. (M23):
/// m = erf(m/√(2αr)), r = 1/(1 − C)², C = √(2/(παr)) exp(−m²/(2αr)), by
/// damped fixed-point iteration from m = 1 (the retrieval branch). Returns
/// None when the branch has collapsed (m → 0).
fn ags_overlap(alpha: f64) -> Option<f64> {
    let erf = |x: f64| 2.0 * plam::numerics::normal::cdf(x * std::f64::consts::SQRT_2) - 1.0;
    let (mut m, mut r) = (1.0_f64, 1.0_f64);
    for _ in 0..100_000 {
        let q = (2.0 * alpha * r).sqrt();
        let c = (2.0 / (std::f64::consts::PI * alpha * r)).sqrt() * (-m * m / (q * q)).exp();
        if c >= 1.0 {
            return None;
        }
        let m_new = erf(m / q);
        let r_new = 1.0 / ((1.0 - c) * (1.0 - c));
        let done = (m_new - m).abs() < 1e-14 && (r_new - r).abs() < 1e-12 * r;
        m = 0.5 * m + 0.5 * m_new;
        r = 0.5 * r + 0.5 * r_new;
        if done {
            return (m > 0.5).then_some(m);
        }
    }
    None
}

// ---------------------------------------------------------------- rules ----

#[test]
fn hebb_stabilities_follow_the_gaussian_law() {
    // Eq. (M21): for Hebb's rule Δ ~ N(1/√α, 1) as N → ∞. At finite N the
    // exact leading moments are mean √((N−1)/P) and variance 1 − 1/(2P)
    // (signal/noise of the cross-talk plus the row-norm fluctuation), both
    // within 1/(2√(NP)) and 1/(2P) of the law, i.e. below 0.01 here.
    let (n, p) = (400, 80);
    let alpha = p as f64 / n as f64;
    let xi = patterns(n, p, 11);
    let d = stabilities(&hebb(&xi).unwrap(), &xi).unwrap();
    let v: Vec<f64> = d.iter().copied().collect();
    let (m, var) = mean_var(&v);
    println!(
        "Hebb: mean {m:.4} (law {:.4}), var {var:.4}",
        1.0 / alpha.sqrt()
    );
    // Sampling error of the mean of NP = 32000 near-independent values is
    // 1/√(NP) = 0.0056; 0.03 allows > 5σ plus the 0.01 finite-N bias above.
    assert!((m - 1.0 / alpha.sqrt()).abs() < 0.03, "mean {m}");
    // Sampling error of the variance is √(2/(NP)) = 0.008; 0.04 is 5σ.
    assert!((var - 1.0).abs() < 0.04, "var {var}");
    // Kolmogorov distance to N(1/√α, 1): the 99.9% critical value for 32000
    // independent samples is 1.95/√(NP) = 0.011; the values of one pattern
    // share its cross-talk weakly, so allow about twice that.
    let mut s = v.clone();
    s.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let mu0 = 1.0 / alpha.sqrt();
    let ks = s
        .iter()
        .enumerate()
        .map(|(k, &x)| {
            let f = plam::numerics::normal::cdf(x - mu0);
            let (lo, hi) = (k as f64 / s.len() as f64, (k + 1) as f64 / s.len() as f64);
            (f - lo).abs().max((hi - f).abs())
        })
        .fold(0.0, f64::max);
    println!("Hebb: KS distance {ks:.4}");
    assert!(ks < 0.025, "KS distance {ks}");
}

#[test]
fn pseudo_inverse_stabilities_are_all_equal() {
    // Eq. (M22): the diagonal-free projector gives Δ_i^μ = √((1−P_ii)/P_ii)
    // for every μ, and P_ii = α + O(√(2α(1−α)/N)).
    let (n, p) = (300, 150);
    let alpha = p as f64 / n as f64;
    let xi = patterns(n, p, 12);
    let j = pseudo_inverse(&xi).unwrap();
    let d = stabilities(&j, &xi).unwrap();
    let law = ((1.0 - alpha) / alpha).sqrt();
    // Within a row all P stabilities are equal up to rounding: the projector
    // is formed by a Cholesky solve with condition number of C = ΞᵀΞ/N below
    // (1+√α)²/(1−√α)² ≈ 34 (Marchenko–Pastur), so 1e-9 is a wide margin.
    for i in 0..n {
        let row = d.row(i);
        let spread = row.max() - row.min();
        assert!(spread < 1e-9, "row {i} spread {spread}");
    }
    // Across rows Δ_i fluctuates through P_ii. Leave-one-out: P_ii = q/(1+q)
    // with q = ξ_iᵀ C₋ᵢ⁻¹ ξ_i / N, whose variance for ±1 entries (the
    // diagonal of C₋ᵢ⁻¹ drops out) is 2α²/(N(1−α)³) by Marchenko–Pastur
    // traces; hence sd(P_ii) = α√(2(1−α)/N) and, with |dΔ/dP_ii| = 1/(2α²Δ),
    // sd(Δ_i) ≈ 0.058 here (√α times the Gaussian-pattern value).
    let sd = alpha * (2.0 * (1.0 - alpha) / n as f64).sqrt() / (2.0 * alpha * alpha * law);
    let col: Vec<f64> = d.column(0).iter().copied().collect();
    let (m, var) = mean_var(&col);
    println!(
        "pinv: mean {m:.4} law {law:.4}, sd {:.4} predicted {sd:.4}",
        var.sqrt()
    );
    // The mean over N rows has standard error sd/√N = 0.0033 plus an O(sd²)
    // curvature bias of the square root (≈ 0.005); 0.02 covers both.
    assert!((m - law).abs() < 0.02, "mean {m} vs {law}");
    // The measured spread agrees with the predicted one within the sampling
    // error of a standard deviation from N = 300 rows (1/√(2N) = 4%, so 12%
    // at 3σ) plus O(1/√N) ≈ 6% corrections to the trace estimates: 20%.
    assert!(
        (var.sqrt() / sd - 1.0).abs() < 0.2,
        "sd {} vs {sd}",
        var.sqrt()
    );
    // Every pattern is a fixed point below capacity α = 1.
    let net = Network::new(j).unwrap();
    assert_eq!(storage(&net, &xi).unwrap().fixed_points, 1.0);
    // Capacity α = 1: more patterns than neurons cannot be projected.
    let too_many = patterns(20, 21, 13);
    assert!(matches!(
        pseudo_inverse(&too_many),
        Err(Error::NoSolution(_))
    ));
    // Linearly dependent patterns are refused too.
    let mut dep = patterns(20, 5, 14);
    let c0 = dep.column(0).clone_owned();
    dep.column_mut(1).copy_from(&c0);
    assert!(matches!(pseudo_inverse(&dep), Err(Error::NoSolution(_))));
}

#[test]
fn perceptron_reaches_its_margin() {
    let (n, p) = (200, 100);
    let xi = patterns(n, p, 21);
    for kappa in [0.0, 0.1, 0.7] {
        let t = perceptron(&xi, kappa, 10_000).unwrap();
        println!(
            "perceptron kappa {kappa}: epochs {}, min stability {:.4}",
            t.epochs, t.min_stability
        );
        // The stopping rule requires Δ > κ exactly in integer arithmetic;
        // recomputing Δ in floating point from J = x ξξᵀ/N loses at most a
        // few ulps of O(1) numbers, hence the 1e-12 slack.
        assert!(t.min_stability > kappa - 1e-12, "{}", t.min_stability);
        let s = storage(&Network::new(t.couplings.clone()).unwrap(), &xi).unwrap();
        assert_eq!(s.fixed_points, 1.0);
        assert_eq!(s.unstable_spins, 0.0);
        assert!(asymmetry(&t.couplings).unwrap() > 0.1);
    }
    // Far above the maximal margin (κ*(0.5) ≈ 1.03; finite-N rows scatter
    // by ≈ 0.05 around it) no row can converge.
    let e = perceptron(&xi, 2.0, 50).unwrap_err();
    assert!(matches!(e, Error::NoConvergence { .. }), "{e}");
    assert!(perceptron(&xi, -0.1, 10).is_err());
    assert!(perceptron(&xi, f64::NAN, 10).is_err());
}

#[test]
fn adatron_certifies_the_maximal_margin() {
    let (n, p) = (200, 100);
    let alpha = p as f64 / n as f64;
    let xi = patterns(n, p, 31);
    let mm = max_margin(&xi, 1e-3, 100_000).unwrap();
    let kappa_star = plam::replica::capacity::max_margin(alpha).unwrap();
    println!(
        "AdaTron: sweeps {}, mean kappa {:.4} (replica {kappa_star:.4}), gap {:.2e}",
        mm.sweeps,
        mm.kappa_mean(),
        mm.relative_gap()
    );
    // The certificate: every row's margin is bracketed within 1e-3.
    assert!(mm.relative_gap() <= 1e-3);
    // The measured margins are those of J (recomputed from the couplings).
    let d = stabilities(&mm.couplings, &xi).unwrap();
    for i in 0..n {
        // J is assembled from the dual variables with one GEMM; the margin
        // min_μ Δ_i^μ agrees with the solver's to rounding (1e-9 relative).
        let m = d.row(i).min();
        assert!((m / mm.kappa_lower[i] - 1.0).abs() < 1e-9, "row {i}");
    }
    // Gardner's κ*(α), eq. (M24). The N = 200 rows are independent problems
    // (each sees the same patterns through a different ξ_i, so nearly
    // independent); the mean margin has sampling error sd/√N with the row sd
    // printed below (≈ 0.07, so 0.005), and finite-size corrections to the
    // typical maximal margin are O(1/N) ≈ 0.005 (the free energy of the
    // version space has 1/N corrections). 0.03 is 5σ of their sum.
    let (_, vk) = mean_var(&mm.kappa_lower);
    println!("AdaTron: row sd {:.4}", vk.sqrt());
    assert!((mm.kappa_mean() - kappa_star).abs() < 0.03);
    // No perceptron beats the certified upper bound: a margin 5% above a row's
    // κ_upper is unreachable (the perceptron fails on that row), while 0.9 of
    // the smallest row margin is reachable.
    let kmin = mm.kappa_lower.iter().copied().fold(f64::INFINITY, f64::min);
    let t = perceptron(&xi, 0.9 * kmin, 100_000).unwrap();
    assert!(t.min_stability > 0.9 * kmin - 1e-12);
    let kmax = mm.kappa_upper.iter().copied().fold(0.0, f64::max);
    assert!(perceptron(&xi, 1.05 * kmax, 200).is_err());
}

#[test]
fn symmetric_perceptron_is_symmetric_and_stable() {
    let (n, p) = (150, 45);
    let xi = patterns(n, p, 41);
    for kappa in [0.0, 0.5] {
        let t = symmetric_perceptron(&xi, kappa, 20_000).unwrap();
        println!(
            "symmetric perceptron kappa {kappa}: epochs {}, min stability {:.4}",
            t.epochs, t.min_stability
        );
        // Exactly symmetric: updates are added to J_ij and J_ji together in
        // integer arithmetic (J = K/N with K integer).
        assert_eq!(t.couplings, t.couplings.transpose());
        assert_eq!(asymmetry(&t.couplings).unwrap(), 0.0);
        // Integer fields and norms: Δ > κ holds up to the rounding of the
        // division by N (1e-12 absolute on O(1) numbers).
        assert!(t.min_stability > kappa - 1e-12);
    }
}

#[test]
fn unlearning_stops_when_all_patterns_are_stable() {
    let (n, p) = (100, 20);
    let xi = patterns(n, p, 51);
    let h = hebb(&xi).unwrap();
    let before = storage(&Network::new(h).unwrap(), &xi).unwrap();
    let opts = UnlearningOptions {
        epsilon: 0.01,
        seed: 3,
        ..Default::default()
    };
    let t = unlearning(&xi, &opts).unwrap();
    let after = storage(&Network::new(t.couplings.clone()).unwrap(), &xi).unwrap();
    println!(
        "unlearning: {} dreams; Hebb unstable {:.4} fixed {:.2} -> unstable {:.4} fixed {:.2}, min stability {:.4}",
        t.epochs, before.unstable_spins, before.fixed_points, after.unstable_spins, after.fixed_points, t.min_stability
    );
    // At α = 0.2 Hebb's rule leaves Φ(−1/√α) ≈ 1.3% unstable spins, so
    // dreaming is needed; it stops with all stabilities positive, eq. (M12).
    assert!(before.unstable_spins > 0.0 && t.epochs > 0);
    assert!(t.min_stability > 0.0);
    assert_eq!(after.fixed_points, 1.0);
    // The rule keeps J symmetric up to the rounding of rank-one updates.
    assert!(asymmetry(&t.couplings).unwrap() < 1e-12);
    // Deterministic given the seed.
    let again = unlearning(&xi, &opts).unwrap();
    assert_eq!(again.epochs, t.epochs);
    assert_eq!(again.couplings, t.couplings);
}

#[test]
fn invalid_inputs_are_errors() {
    let mut bad = patterns(10, 3, 1);
    bad[(2, 1)] = 0.5;
    assert!(matches!(hebb(&bad), Err(Error::InvalidInput(_))));
    assert!(hebb(&DMatrix::zeros(1, 3)).is_err());
    let mut j = DMatrix::<f64>::zeros(4, 4);
    j[(1, 1)] = 1.0;
    assert!(Network::new(j).is_err());
    let mut j = DMatrix::<f64>::zeros(4, 4);
    j[(0, 1)] = f64::NAN;
    assert!(Network::new(j).is_err());
    assert!(Network::new(DMatrix::zeros(3, 4)).is_err());
    assert!(flips_for(100, 1.5).is_err());
    assert!(flips_for(100, f64::NAN).is_err());
    // Stabilities of a zero row are undefined.
    let xi = patterns(4, 2, 1);
    assert!(stabilities(&DMatrix::zeros(4, 4), &xi).is_err());
}

// ------------------------------------------------------------- dynamics ----

#[test]
fn synchronous_cycles_are_detected_or_capped_and_async_converges() {
    // J = [[0, −1], [−1, 0]]: from (+,+) the synchronous map flips both spins
    // forever (a 2-cycle, detected after one step), while any sequential
    // update reaches (+,−) or (−,+) after one flip.
    let j = DMatrix::from_row_slice(2, 2, &[0.0, -1.0, -1.0, 0.0]);
    let net = Network::new(j).unwrap();
    let x = DMatrix::from_element(2, 1, 1.0);
    let r = net.relax(x.clone(), &sync(25)).unwrap();
    assert!(!r.converged[0] && r.cycled[0]);
    assert_eq!(r.steps[0], 1);
    let a = DynamicsOptions {
        schedule: Schedule::Asynchronous,
        max_steps: 25,
        seed: 1,
    };
    let r = net.relax(x, &a).unwrap();
    assert!(r.converged[0]);
    assert_eq!(r.steps[0], 1);
    assert_eq!(r.states[(0, 0)] * r.states[(1, 0)], -1.0);
    assert!(net.fixed_points(&r.states).unwrap()[0]);
    // A cyclic shift, J_{i,i−1} = 1, moves (+,−,−) round a 3-cycle: not a
    // 2-cycle, so the synchronous dynamics runs into the step cap.
    let mut j = DMatrix::<f64>::zeros(3, 3);
    for i in 0..3 {
        j[(i, (i + 2) % 3)] = 1.0;
    }
    let net = Network::new(j).unwrap();
    let x = DMatrix::from_column_slice(3, 1, &[1.0, -1.0, -1.0]);
    let r = net.relax(x, &sync(10)).unwrap();
    assert!(!r.converged[0] && !r.cycled[0]);
    assert_eq!(r.steps[0], 10);
}

#[test]
fn batched_relaxation_matches_one_state_at_a_time_and_is_deterministic() {
    let (n, p) = (120, 30);
    let xi = patterns(n, p, 61);
    let net = Network::new(perceptron(&xi, 0.3, 10_000).unwrap().couplings).unwrap();
    let x0 = patterns(n, 16, 62);
    for schedule in [Schedule::Synchronous, Schedule::Asynchronous] {
        let opts = DynamicsOptions {
            schedule,
            max_steps: 200,
            seed: 5,
        };
        let all = net.relax(x0.clone(), &opts).unwrap();
        let again = net.relax(x0.clone(), &opts).unwrap();
        assert_eq!(all.states, again.states);
        assert_eq!(all.steps, again.steps);
        let fp = net.fixed_points(&all.states).unwrap();
        assert_eq!(fp, all.converged);
        for c in 0..x0.ncols() {
            if schedule == Schedule::Synchronous {
                // Synchronous dynamics does not depend on the batch.
                let one = net.relax(x0.columns(c, 1).into_owned(), &opts).unwrap();
                assert_eq!(one.states.column(0), all.states.column(c));
                assert_eq!(one.steps[0], all.steps[c]);
            }
        }
    }
}

#[test]
fn single_precision_fields_give_the_double_precision_dynamics() {
    // Eq. (M32): the guarded f32 steps reproduce the f64 steps bit for bit.
    // Hebb with an even P has exact ties (fields that are exactly 0, kept
    // by the band of eq. (M13)); the perceptron at κ = 0 has small margins
    // and long, often capped relaxations; Gaussian couplings have no
    // structure at all. Basins and curves must agree exactly.
    let (n, p) = (150, 40);
    let xi = patterns(n, p, 71);
    let mut rng = ChaCha8Rng::seed_from_u64(72);
    let mut gauss = DMatrix::from_fn(n, n, |_, _| rng.random::<f64>() - 0.5);
    gauss.fill_diagonal(0.0);
    let rules = [
        ("hebb", hebb(&xi).unwrap()),
        (
            "perceptron",
            perceptron(&xi, 0.0, 10_000).unwrap().couplings,
        ),
        ("gaussian", gauss),
    ];
    let opts = RetrievalOptions {
        dynamics: sync(300),
        trials: 2,
        seed: 4,
    };
    let m_ins = [1.0, 0.8, 0.5, 0.2];
    for (name, j) in rules {
        let fast = Network::new(j.clone()).unwrap();
        let exact = Network::new(j).unwrap().without_single_precision();
        let x0 = patterns(n, 12, 73);
        let (a, b) = (
            fast.relax(x0.clone(), &opts.dynamics).unwrap(),
            exact.relax(x0, &opts.dynamics).unwrap(),
        );
        assert_eq!(a.states, b.states, "{name}");
        assert_eq!(
            (a.steps, a.converged, a.cycled),
            (b.steps, b.converged, b.cycled),
            "{name}"
        );
        let (ba, bb) = (
            basin_sizes(&fast, &xi, &opts).unwrap(),
            basin_sizes(&exact, &xi, &opts).unwrap(),
        );
        assert_eq!(ba.per_pattern, bb.per_pattern, "{name}");
        assert_eq!(
            (ba.relaxations, ba.cycled, ba.capped),
            (bb.relaxations, bb.cycled, bb.capped),
            "{name}"
        );
        let ca = retrieval_curve(&fast, &xi, &m_ins, &opts).unwrap();
        let cb = retrieval_curve(&exact, &xi, &m_ins, &opts).unwrap();
        for (u, v) in ca.iter().zip(&cb) {
            assert_eq!(
                (u.m_final, u.retrieved, u.converged, u.cycled),
                (v.m_final, v.retrieved, v.converged, v.cycled),
                "{name}"
            );
        }
    }
}

#[test]
fn asynchronous_dynamics_always_converges_on_symmetric_couplings() {
    // A symmetric J with zero diagonal has a Lyapunov function: random-
    // sequential dynamics reaches a fixed point from every state.
    let (n, p) = (200, 60); // α = 0.3 > 0.138: a glassy Hebb network
    let xi = patterns(n, p, 71);
    let net = Network::new(hebb(&xi).unwrap()).unwrap();
    let x0 = patterns(n, 40, 72);
    let opts = DynamicsOptions {
        schedule: Schedule::Asynchronous,
        max_steps: 1000,
        seed: 9,
    };
    let r = net.relax(x0, &opts).unwrap();
    assert!(r.converged.iter().all(|&c| c));
    assert!(net.fixed_points(&r.states).unwrap().iter().all(|&f| f));
}

// ------------------------------------------------------------ retrieval ----

#[test]
fn hebb_retrieval_from_the_pattern_follows_amit_gutfreund_sompolinsky() {
    // Eq. (M23): below α_c ≈ 0.138 the T = 0 retrieval state has overlap
    // m_AGS(α) ≥ 0.967; above it the retrieval branch disappears.
    let n = 1000;
    let opts = RetrievalOptions {
        dynamics: sync(200),
        trials: 1,
        seed: 4,
    };
    for (alpha, seed) in [(0.05, 81), (0.1, 82)] {
        let p = (alpha * n as f64) as usize;
        let xi = patterns(n, p, seed);
        let net = Network::new(hebb(&xi).unwrap()).unwrap();
        let r = &retrieval_curve(&net, &xi, &[1.0], &opts).unwrap()[0];
        let m_ags = ags_overlap(alpha).unwrap();
        println!(
            "Hebb alpha {alpha}: m_F = {:.4} ± {:.4}, AGS {m_ags:.4}",
            r.m_final, r.m_final_err
        );
        // The dynamics from ξ stops at the nearest fixed point, whose overlap
        // equals the AGS value up to O(1/√N) fluctuations of the number of
        // initially unstable spins (≈ 0.01 at N = 1000) — allow 0.015 plus
        // three standard errors.
        assert!((r.m_final - m_ags).abs() < 0.015 + 3.0 * r.m_final_err);
        assert!(r.m_final > 0.96);
    }
    // Above capacity the overlap collapses well below the retrieval value
    // (at N = 1000 the transition is rounded, but at α = 0.2 the dynamics
    // ends in spin-glass states of overlap ≈ 0.3–0.4 with the pattern; 0.6
    // is far from both that and the retrieval value 0.97).
    assert!(ags_overlap(0.2).is_none());
    let xi = patterns(n, 200, 83);
    let net = Network::new(hebb(&xi).unwrap()).unwrap();
    let r = &retrieval_curve(&net, &xi, &[1.0], &opts).unwrap()[0];
    println!(
        "Hebb alpha 0.2: m_F = {:.4} ± {:.4}",
        r.m_final, r.m_final_err
    );
    assert!(r.m_final < 0.6, "{}", r.m_final);
}

#[test]
fn retrieval_curve_realises_the_initial_overlap() {
    let (n, p) = (200, 40);
    let xi = patterns(n, p, 91);
    let net = Network::new(perceptron(&xi, 0.7, 10_000).unwrap().couplings).unwrap();
    let opts = RetrievalOptions {
        dynamics: sync(100),
        trials: 3,
        seed: 2,
    };
    let curve = retrieval_curve(&net, &xi, &[1.0, 0.9, 0.5, 0.0], &opts).unwrap();
    for pt in &curve {
        println!("{pt:?}");
        assert_eq!(pt.flips, flips_for(n, pt.m_in_target).unwrap());
        assert_eq!(pt.samples, p * 3);
        // The realised overlap is 1 − 2k/N, within 1/N of the request.
        assert!((pt.m_in - pt.m_in_target).abs() <= 1.0 / n as f64);
        // m_F and its error bar, eq. (M18), recomputed from one relaxation
        // per (pattern, trial) with the same flips: the per-pattern means
        // over trials, their mean, and their standard error over the P
        // patterns. The final overlaps are multiples of 2/N, so only the
        // order of the sums differs: 1e-12 is ~10⁴ roundings of the O(1)
        // means, far below any error in the aggregation (≥ 2/(N·P·trials)
        // = 8e-5 for a miscounted relaxation).
        let means: Vec<f64> = (0..p)
            .map(|mu| {
                (0..3)
                    .map(|t| retrieval_curve_pattern(&net, &xi, pt.m_in_target, &opts, mu, t))
                    .sum::<f64>()
                    / 3.0
            })
            .collect();
        let mean = means.iter().sum::<f64>() / p as f64;
        let var = means.iter().map(|m| (m - mean) * (m - mean)).sum::<f64>() / (p - 1) as f64;
        let sem = (var / p as f64).sqrt();
        assert!(
            (pt.m_final - mean).abs() < 1e-12,
            "{} vs {mean}",
            pt.m_final
        );
        assert!(
            (pt.m_final_err - sem).abs() < 1e-12,
            "{} vs {sem}",
            pt.m_final_err
        );
    }
    // Stored patterns are recalled exactly from themselves.
    assert_eq!(curve[0].retrieved, 1.0);
    assert_eq!(curve[0].m_final, 1.0);
    // At α = 0.2 with κ = 0.7 the basin is large: 10% noise is corrected.
    assert_eq!(curve[1].retrieved, 1.0);
}

#[test]
fn bisection_finds_the_recall_threshold() {
    let (n, p) = (100, 30);
    let xi = patterns(n, p, 101);
    let net = Network::new(perceptron(&xi, 0.5, 10_000).unwrap().couplings).unwrap();
    let opts = RetrievalOptions {
        dynamics: sync(100),
        trials: 1,
        seed: 6,
    };
    let b = basin_sizes(&net, &xi, &opts).unwrap();
    println!("basin {:.4} ± {:.4}", b.basin_size, b.basin_size_err);
    assert_eq!(b.fixed_points, 1.0);
    // Check the threshold of each pattern against direct runs with the same
    // nested flips: recalled at k_c, not at k_c + 1 (the bisection bracket).
    for (mu, &size) in b.per_pattern.iter().enumerate() {
        let k = (size * n as f64 / 2.0).round() as usize;
        let m_at = |k: usize| -> f64 {
            let m = 1.0 - 2.0 * k as f64 / n as f64;
            retrieval_curve_pattern(&net, &xi, m, &opts, mu, 0)
        };
        assert_eq!(m_at(k), 1.0, "pattern {mu} not recalled at k_c = {k}");
        if k < n / 2 {
            assert!(
                m_at(k + 1) < 1.0,
                "pattern {mu} recalled at k_c + 1 = {}",
                k + 1
            );
        }
    }
}

/// Final overlap of pattern `mu` alone from initial overlap `m` in trial `t`,
/// using the same flip stream as the batched measurement, eq. (M17).
fn retrieval_curve_pattern(
    net: &Network,
    xi: &DMatrix<f64>,
    m: f64,
    opts: &RetrievalOptions,
    mu: usize,
    t: usize,
) -> f64 {
    let k = flips_for(xi.nrows(), m).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    rng.set_stream(plam::numerics::rng::FLIPS + (mu * opts.trials + t) as u64);
    let mut order: Vec<usize> = (0..xi.nrows()).collect();
    rand::seq::SliceRandom::shuffle(order.as_mut_slice(), &mut rng);
    let mut x = xi.columns(mu, 1).into_owned();
    for &i in &order[..k] {
        x[(i, 0)] = -x[(i, 0)];
    }
    let r = net.relax(x, &opts.dynamics).unwrap();
    let col = r.states.column(0);
    col.dot(&xi.column(mu)) / xi.nrows() as f64
}

#[test]
fn larger_margins_give_larger_basins() {
    // The paper's ordering (perceptron κ = 0 < κ = 0.7 < κ_max, fig. basins)
    // at small N: the differences at α = 0.3 are several standard errors.
    let (n, p) = (200, 60);
    let xi = patterns(n, p, 111);
    let opts = RetrievalOptions {
        dynamics: sync(200),
        trials: 2,
        seed: 8,
    };
    let b0 = basin_sizes(
        &Network::new(perceptron(&xi, 0.0, 10_000).unwrap().couplings).unwrap(),
        &xi,
        &opts,
    )
    .unwrap();
    let b7 = basin_sizes(
        &Network::new(perceptron(&xi, 0.7, 10_000).unwrap().couplings).unwrap(),
        &xi,
        &opts,
    )
    .unwrap();
    let bm = basin_sizes(
        &Network::new(max_margin(&xi, 1e-3, 100_000).unwrap().couplings).unwrap(),
        &xi,
        &opts,
    )
    .unwrap();
    println!(
        "basins alpha 0.3 N 200: kappa 0 {:.4}±{:.4}, kappa 0.7 {:.4}±{:.4}, max {:.4}±{:.4}",
        b0.basin_size,
        b0.basin_size_err,
        b7.basin_size,
        b7.basin_size_err,
        bm.basin_size,
        bm.basin_size_err
    );
    // Require each step of the ordering to exceed three combined standard
    // errors (a one-sided 0.1% false-alarm level for Gaussian estimates).
    let sep = |a: &plam::memory::retrieval::Basins, b: &plam::memory::retrieval::Basins| {
        (b.basin_size - a.basin_size) / (a.basin_size_err.hypot(b.basin_size_err))
    };
    assert!(sep(&b0, &b7) > 3.0);
    assert!(sep(&b7, &bm) > 3.0);
}

#[test]
fn asynchronous_basins_on_symmetric_couplings_never_hit_the_cap() {
    // Symmetric couplings + random-sequential updates: every relaxation of the
    // bisection ends at a fixed point (Lyapunov function), so none is capped;
    // the basins are positive because every pattern is a fixed point.
    let (n, p) = (120, 24);
    let xi = patterns(n, p, 121);
    let t = symmetric_perceptron(&xi, 0.3, 20_000).unwrap();
    let net = Network::new(t.couplings).unwrap();
    let opts = RetrievalOptions {
        dynamics: DynamicsOptions {
            schedule: Schedule::Asynchronous,
            max_steps: 1000,
            seed: 3,
        },
        trials: 2,
        seed: 4,
    };
    let b = basin_sizes(&net, &xi, &opts).unwrap();
    println!(
        "async symmetric perceptron basin {:.4} ± {:.4}, {} relaxations",
        b.basin_size, b.basin_size_err, b.relaxations
    );
    assert_eq!(b.capped, 0);
    assert_eq!(b.fixed_points, 1.0);
    assert!(b.per_pattern.iter().all(|&s| s > 0.0));
    // Reproducible given both seeds.
    let again = basin_sizes(&net, &xi, &opts).unwrap();
    assert_eq!(again.per_pattern, b.per_pattern);
}

#[test]
fn adatron_agrees_with_the_interior_point_max_margin() {
    // Cross-check of eq. (M9) against an independent solver: the verified
    // maximal-margin QP of plam::memory::feasibility (Clarabel interior point).
    let (n, p) = (60, 30);
    let xi = patterns(n, p, 131);
    let mm = max_margin(&xi, 1e-4, 100_000).unwrap();
    let rows: Vec<Vec<f64>> = (0..p)
        .map(|mu| xi.column(mu).iter().copied().collect())
        .collect();
    for i in [0, 17, 59] {
        let v = plam::memory::feasibility::row_verdict(&rows, i).unwrap();
        let plam::memory::feasibility::Verdict::Feasible { margin, .. } = v else {
            panic!("row {i} should be separable at α = 0.5");
        };
        println!(
            "row {i}: QP {margin:.6}, AdaTron [{:.6}, {:.6}]",
            mm.kappa_lower[i], mm.kappa_upper[i]
        );
        // The QP margin lies in the certified bracket, up to the interior-
        // point solver's own relative accuracy (its default tolerances are
        // ~1e-8; 1e-6 relative leaves a wide margin).
        assert!(margin >= mm.kappa_lower[i] * (1.0 - 1e-6));
        assert!(margin <= mm.kappa_upper[i] * (1.0 + 1e-6));
    }
}

#[test]
fn pseudo_likelihood_adapter_returns_valid_couplings() {
    use plam::learning::{Coupling, GdConfig};
    use plam::memory::rules::{pseudo_likelihood, PlTraining};
    let (n, p) = (60, 24);
    let xi = patterns(n, p, 141);
    let gd = PlTraining::GradientDescent(GdConfig::paper(2000));
    let a = pseudo_likelihood(&xi, Coupling::Asymmetric, &gd).unwrap();
    let s = pseudo_likelihood(&xi, Coupling::Symmetric, &gd).unwrap();
    assert!((0..n).all(|i| a[(i, i)] == 0.0 && s[(i, i)] == 0.0));
    assert_eq!(s, s.transpose());
    // Trained from the symmetric Hebb start, the asymmetric couplings move
    // away from symmetry but stay close to it at α = 0.4. There is no theory
    // value: the paper's inset reads ≈ 0.1–0.2 at α = 0.4 (N ≈ 1000, 10⁴
    // epochs) and the basins_load claim measures 0.10 at N = 100; the bound
    // (0.02, 0.4) is a regression guard a factor ≈ 4 wide on either side.
    let asym = asymmetry(&a).unwrap();
    println!("PL asymmetry at α = 0.4, N = {n}: {asym:.4}");
    assert!(asym > 0.02 && asym < 0.4);
    // At α = 0.4 (far below capacity) the PL network stores every pattern.
    for j in [a, s] {
        assert_eq!(
            storage(&Network::new(j).unwrap(), &xi)
                .unwrap()
                .fixed_points,
            1.0
        );
    }
    assert!(pseudo_likelihood(&xi, Coupling::Perceptron, &gd).is_err());
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let (n, p) = (120, 36);
    let xi = patterns(n, p, 151);
    let j = perceptron(&xi, 0.5, 10_000).unwrap().couplings;
    let net = Network::new(j.clone()).unwrap();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let opts = RetrievalOptions {
                dynamics: DynamicsOptions {
                    schedule: Schedule::Asynchronous,
                    max_steps: 500,
                    seed: 2,
                },
                trials: 2,
                seed: 3,
            };
            let b = basin_sizes(&net, &xi, &opts).unwrap();
            let t = perceptron(&xi, 0.5, 10_000).unwrap();
            (b.per_pattern, t.couplings)
        })
    };
    let (b1, j1) = run(1);
    let (b2, j2) = run(2);
    assert_eq!(b1, b2);
    assert_eq!(j1, j2);
    assert_eq!(j1, j);
}

#[test]
fn hebb_exact_fixed_points_need_small_loads() {
    // Eq. (M23)/(M21): a spin is unstable with probability Φ(−√((N−1)/P))
    // (the Gaussian law), so a pattern is an exact fixed point with
    // probability ≈ exp(−N Φ(−√((N−1)/P))), which is O(1) only for
    // α ≲ 1/(2 ln N). N = 500: at α = 0.02 (below 1/(2 ln N) = 0.08) all
    // patterns are fixed points; at α = 0.1 the expected number of unstable
    // spins is N·P·Φ(−3.16) ≈ 20.
    let n = 500;
    let xi = patterns(n, 10, 161);
    let s = storage(&Network::new(hebb(&xi).unwrap()).unwrap(), &xi).unwrap();
    // N·P·Φ(−√(499/10)) = 5000 · 6e-13: no unstable spin is expected.
    assert_eq!(s.fixed_points, 1.0);
    let p = 50;
    let xi = patterns(n, p, 162);
    let s = storage(&Network::new(hebb(&xi).unwrap()).unwrap(), &xi).unwrap();
    let q = plam::numerics::normal::cdf(-(((n - 1) as f64) / p as f64).sqrt());
    let expected = (n * p) as f64 * q;
    let count = s.unstable_spins * (n * p) as f64;
    let fixed_expected = (-(n as f64) * q).exp();
    println!(
        "Hebb α = 0.1, N = {n}: {count} unstable spins (expected {expected:.1}), fixed points {:.3} (expected {fixed_expected:.3})",
        s.fixed_points
    );
    // Unstable spins are nearly independent rare events: Poisson count with
    // sd √20 ≈ 4.5; 4σ ≈ 18, plus a 20% allowance for the O(1/√P) error of
    // the Gaussian tail at 3.2σ (the cross-talk is a sum of P − 1 = 49 terms).
    assert!((count - expected).abs() < 4.0 * expected.sqrt() + 0.2 * expected);
    // Fixed-point fraction: binomial over P = 50 patterns, sd ≈ 0.067; 4σ.
    let sd = (fixed_expected * (1.0 - fixed_expected) / p as f64).sqrt();
    assert!((s.fixed_points - fixed_expected).abs() < 4.0 * sd);
}

#[test]
fn cli_basins_and_retrieval_print_the_interface_fields() {
    // N = 200 so that matrixmultiply really splits the products over two
    // threads; the JSON must be bit-identical across thread counts.
    let basins = [
        "basins",
        "--rule",
        "perceptron",
        "--kappa",
        "0.5",
        "--n",
        "200",
        "--alpha",
        "0.3",
        "--seed",
        "5",
        "--json",
    ];
    let one = run_plam(1, &basins);
    let two = run_plam(2, &basins);
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    assert_eq!(one.stdout, two.stdout);
    let v: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    for key in [
        "rule",
        "alpha",
        "n",
        "storage",
        "basin_size",
        "basin_size_err",
        "seed",
    ] {
        assert!(!v[key].is_null(), "basins JSON lacks {key}");
    }
    assert_eq!(v["storage"], 1.0);
    let retrieval = [
        "retrieval",
        "--rule",
        "hebb",
        "--n",
        "200",
        "--alpha",
        "0.05",
        "--m-in",
        "0.5",
        "--json",
    ];
    let out = run_plam(2, &retrieval);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in ["m_in", "m_final", "m_final_err", "retrieved", "seed"] {
        assert!(!v[key].is_null(), "retrieval JSON lacks {key}");
    }
    // α = 0.05 is deep in Hebb's retrieval phase: half the spins right is
    // enough to recall almost every pattern.
    assert!(v["m_final"].as_f64().unwrap() > 0.9);
    // Bad input: a one-line error and a non-zero exit, no panic.
    let bad = run_plam(
        1,
        &["basins", "--rule", "pinv", "--n", "50", "--alpha", "1.5"],
    );
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("P <= N") && !err.contains("panicked"), "{err}");
}

#[test]
fn exact_ties_leave_the_spin_unchanged() {
    // Eq. (M13): h_0 = 0.1 + 0.2 − 0.3 is exactly zero, but evaluates to
    // ±5.6e-17 (or 0) in double precision depending on the summation order;
    // the tie band (2Nε‖J_0‖₁ ≈ 1.1e-15) makes it a tie, so x_0 = −1 stays
    // and the state is a fixed point for both schedules.
    let mut j = DMatrix::<f64>::zeros(4, 4);
    j[(0, 1)] = 0.1;
    j[(0, 2)] = 0.2;
    j[(0, 3)] = 0.3;
    let net = Network::new(j).unwrap();
    let x = DMatrix::from_column_slice(4, 1, &[-1.0, 1.0, 1.0, -1.0]);
    assert!(net.fixed_points(&x).unwrap()[0]);
    for schedule in [Schedule::Synchronous, Schedule::Asynchronous] {
        let opts = DynamicsOptions {
            schedule,
            max_steps: 10,
            seed: 1,
        };
        let r = net.relax(x.clone(), &opts).unwrap();
        assert!(r.converged[0] && r.steps[0] == 0);
        assert_eq!(r.states, x);
    }
    // A field clearly beyond the band does flip the spin.
    let y = DMatrix::from_column_slice(4, 1, &[-1.0, 1.0, 1.0, 1.0]);
    assert!(!net.fixed_points(&y).unwrap()[0]);
}

/// (M16a)–(M16c): each asymmetry measure computed from its definition agrees with
/// its closed form in r = (M16) on a random matrix with unequal row norms, and the
/// row-normalised measure equals (M16) when every row has the same norm. The
/// closed forms are exact identities, so the only error is the rounding of sums
/// of N² = 1600 terms of order 1: 1e-12 relative is ~10³ ulps of headroom.
#[test]
fn asymmetry_measures_match_their_closed_forms() {
    let n = 40;
    let mut rng = ChaCha8Rng::seed_from_u64(16);
    let mut j = DMatrix::from_fn(n, n, |a, b| {
        if a == b {
            0.0
        } else {
            rng.random::<f64>() - 0.3 + 0.02 * (a + b) as f64
        }
    });
    for a in 0..n {
        let scale = 1.0 + a as f64 / 10.0;
        j.row_mut(a).scale_mut(scale);
    }
    let m = asymmetry_measures(&j).unwrap();
    let r = asymmetry(&j).unwrap();
    let rel = |x: f64, y: f64| ((x - y) / y).abs();
    assert_eq!(m.ratio, r);
    assert!(rel(m.relative, 2.0 * r / (1.0 + r * r).sqrt()) < 1e-12);
    assert!(rel(m.one_minus_eta, 2.0 * r * r / (1.0 + r * r)) < 1e-12);
    assert!(
        rel(m.row_normalised, r) > 1e-3,
        "unequal rows must change it"
    );

    let norms = plam::learning::couplings::row_norms(&j);
    let equal = DMatrix::from_fn(n, n, |a, b| j[(a, b)] / norms[a] * 3.0);
    let e = asymmetry_measures(&equal).unwrap();
    assert!(rel(e.row_normalised, e.ratio) < 1e-12);

    let sym = &j + j.transpose();
    let s = asymmetry_measures(&sym).unwrap();
    assert_eq!((s.ratio, s.relative), (0.0, 0.0));
    assert!(s.one_minus_eta.abs() < 1e-15);
    let mut zero_row = j.clone();
    zero_row.row_mut(3).fill(0.0);
    assert!(asymmetry_measures(&zero_row).is_err());
}

#[test]
fn the_mean_curve_basin_is_the_bisection_bracket_of_the_mean_curve() {
    // Eq. (M35): at k_c flips every relaxation is retrieved (the mean curve
    // is 1), at k_c + 1 some is not; checked with direct curve points, under
    // both protocols (M33)–(M34). The paper's flips truncate, so the m_IN of
    // k flips is 1 − 2k/N exactly (N = 100: no rounding at these values).
    let (n, p) = (100, 30);
    let xi = patterns(n, p, 101);
    let net = Network::new(perceptron(&xi, 0.5, 10_000).unwrap().couplings).unwrap();
    let opts = RetrievalOptions {
        dynamics: sync(100),
        trials: 2,
        seed: 6,
    };
    for protocol in [Protocol::paper(), Protocol::Converged] {
        let b = curve_basin(&net, &xi, &opts, &protocol, CurveCriterion::Exact).unwrap();
        assert!(b.reached && b.flips > 0 && b.flips < n / 2, "{b:?}");
        let m = |k: usize| 1.0 - 2.0 * k as f64 / n as f64;
        let pts = retrieval_curve_with(&net, &xi, &[m(b.flips), m(b.flips + 1)], &opts, &protocol)
            .unwrap();
        assert_eq!(pts[0].flips, b.flips);
        assert_eq!(pts[0].retrieved, 1.0, "{protocol:?}");
        assert_eq!(pts[0].m_final, 1.0);
        assert!(pts[1].retrieved < 1.0, "{protocol:?}");
        // The mean curve reaches 1 only when the worst pattern does: not
        // beyond the per-pattern mean (M20).
        let per = basin_sizes_with(&net, &xi, &opts, &protocol).unwrap();
        assert!(
            b.basin_size <= per.basin_size,
            "{} > {}",
            b.basin_size,
            per.basin_size
        );
        let loose = curve_basin(&net, &xi, &opts, &protocol, CurveCriterion::WithinOneOverN);
        assert!(loose.unwrap().basin_size >= b.basin_size);
    }
}

/// (M16e) The jackknife's leave-one-out asymmetries are the asymmetries of
/// the submatrices without each neuron: the error computed from the
/// explicit submatrices agrees with the one-pass form to the rounding of
/// sums of N² terms (1e-10 relative: ~10⁵ ulps of headroom, as the spread is
/// a difference of nearly equal leave-one-out values).
#[test]
fn asymmetry_jackknife_is_the_leave_one_neuron_out_spread() {
    use plam::memory::couplings::asymmetry_jackknife_error;
    let n = 15;
    let mut rng = ChaCha8Rng::seed_from_u64(17);
    let j = DMatrix::from_fn(n, n, |a, b| {
        if a == b {
            0.0
        } else {
            rng.random::<f64>() - 0.3
        }
    });
    let leave_one_out: Vec<f64> = (0..n)
        .map(|k| {
            let keep: Vec<usize> = (0..n).filter(|&i| i != k).collect();
            let sub = DMatrix::from_fn(n - 1, n - 1, |a, b| j[(keep[a], keep[b])]);
            asymmetry(&sub).unwrap()
        })
        .collect();
    let (mean, _) = mean_var(&leave_one_out);
    let spread: f64 = leave_one_out.iter().map(|a| (a - mean).powi(2)).sum();
    let explicit = (spread * (n - 1) as f64 / n as f64).sqrt();
    let fast = asymmetry_jackknife_error(&j).unwrap();
    assert!(
        ((fast - explicit) / explicit).abs() < 1e-10,
        "{fast} vs {explicit}"
    );
    assert_eq!(asymmetry_measures(&j).unwrap().ratio_err, fast);
    assert!(asymmetry_jackknife_error(&DMatrix::from_element(2, 2, 1.0)).is_err());
}

/// (M16e) The jackknife error of one network is the spread of the asymmetry
/// between networks trained on independent patterns, for the couplings
/// `basins_load` measures (asymmetric PL, the paper's gradient descent, here
/// N = 100 at α = 1.5 beyond where it stores every pattern). The sample
/// standard deviation over S = 24 pattern sets has relative error
/// 1/√(2(S − 1)) = 15%; a ratio of spread to mean jackknife error outside
/// [0.5, 2] is more than 3.3σ (low side) or 6.7σ (high side) from 1 for an
/// unbiased estimate, so the test fails only when the jackknife misjudges
/// the between-network spread by a factor of 2.
#[test]
fn asymmetry_jackknife_error_matches_the_spread_between_networks() {
    use plam::learning::{Coupling, GdConfig};
    use plam::memory::rules::{pseudo_likelihood, PlTraining};
    let (n, p, samples) = (100, 150, 24);
    let gd = PlTraining::GradientDescent(GdConfig::paper(300));
    let (mut ratios, mut errors) = (Vec::new(), Vec::new());
    for seed in 0..samples {
        let xi = patterns(n, p, 900 + seed);
        let j = pseudo_likelihood(&xi, Coupling::Asymmetric, &gd).unwrap();
        let m = asymmetry_measures(&j).unwrap();
        ratios.push(m.ratio);
        errors.push(m.ratio_err);
    }
    let (_, var) = mean_var(&ratios);
    let (mean_err, _) = mean_var(&errors);
    let q = var.sqrt() / mean_err;
    println!(
        "spread {:.3e}, mean jackknife error {mean_err:.3e}, ratio {q:.3}",
        var.sqrt()
    );
    assert!((0.5..=2.0).contains(&q), "spread/jackknife = {q}");
}
