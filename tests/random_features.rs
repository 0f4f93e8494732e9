//! Random-features data (src/data/random_features.rs) and the Hebbian
//! random-features replica theory (src/replica/random_features.rs).

use plam::data::random_features::{support_overlap, Coefficients, RandomFeatures, Split};

/// Mean of c_k ξ_i f_i^k over every site i and example μ for one feature k per
/// example (the first of its support), with the number of terms averaged.
fn mean_support_overlap(rf: &RandomFeatures, p: usize, coef: Coefficients) -> (f64, usize) {
    let ex = rf.examples(p, coef, Split::Train).unwrap();
    let (n, mut sum, mut count) = (rf.n(), 0.0, 0);
    for mu in 0..p {
        let c = ex.coefficients.column(mu);
        let k = (0..rf.d()).find(|&k| c[k] != 0.0).unwrap();
        for i in 0..n {
            sum += c[k] * ex.patterns.xi[(i, mu)] * rf.features[(i, k)];
            count += 1;
        }
    }
    (sum / count as f64, count)
}

#[test]
fn support_overlap_matches_the_binomial_law() {
    // Each term y = c_k ξ_i f_i^k is ±1 with mean E = support_overlap(terms), eq. (RF2),
    // and the terms are uncorrelated (given the features, c_k f^k and the other terms
    // are i.i.d. uniform signs whatever f is, so E[y | f] = E for every site and example);
    // the mean of `count` terms has standard deviation ≤ 1/√count, and 5 of those
    // (a false failure once in 1.7 million runs) is the tolerance.
    let rf = RandomFeatures::generate(400, 0.05, 11).unwrap(); // D = 20: ties occur
    let rf_odd = RandomFeatures::generate(420, 0.05, 12).unwrap(); // D = 21: none
    let rf_wide = RandomFeatures::generate(400, 0.125, 13).unwrap(); // D = 50
    for (rf, coef, terms) in [
        (&rf, Coefficients::Dense, 20),
        (&rf_odd, Coefficients::Dense, 21),
        (&rf_wide, Coefficients::Sparse(4), 4),
        (&rf_wide, Coefficients::Sparse(5), 5),
    ] {
        let (m, count) = mean_support_overlap(rf, 300, coef);
        let exact = support_overlap(terms).unwrap();
        let tol = 5.0 / (count as f64).sqrt();
        assert!(
            (m - exact).abs() < tol,
            "{coef:?}, {terms} terms: {m} vs {exact} ± {tol}"
        );
    }
}

#[test]
fn ties_are_random_signs_from_the_seed() {
    // Two features, dense: the sum c_1 f^1 + c_2 f^2 is zero at each site with
    // probability 1/2, independently, so the N·P = 20000 pairs hold 10000 ± 71
    // ties; 5 standard deviations (354) bound the count. Within ties the sign is
    // ±1 with probability 1/2: the mean of ~10^4 tie values has standard
    // deviation 0.01 and 0.05 is 5 of them.
    let rf = RandomFeatures::generate(200, 0.01, 5).unwrap();
    assert_eq!(rf.d(), 2);
    let ex = rf.examples(100, Coefficients::Dense, Split::Train).unwrap();
    assert!(
        (ex.ties as f64 - 10_000.0).abs() < 354.0,
        "{} ties",
        ex.ties
    );
    let mut tie_sum = 0.0;
    for mu in 0..100 {
        let c = ex.coefficients.column(mu);
        for i in 0..200 {
            let s = c[0] * rf.features[(i, 0)] + c[1] * rf.features[(i, 1)];
            let x = ex.patterns.xi[(i, mu)];
            assert!(x == 1.0 || x == -1.0);
            if s == 0.0 {
                tie_sum += x;
            } else {
                assert_eq!(x, s.signum());
            }
        }
    }
    assert!(
        (tie_sum / ex.ties as f64).abs() < 0.05,
        "tie mean {}",
        tie_sum / ex.ties as f64
    );
    let again = rf.examples(100, Coefficients::Dense, Split::Train).unwrap();
    assert_eq!(again.patterns.xi, ex.patterns.xi);
    let other = RandomFeatures::generate(200, 0.01, 6).unwrap();
    let other = other
        .examples(100, Coefficients::Dense, Split::Train)
        .unwrap();
    assert_ne!(other.patterns.xi, ex.patterns.xi);
}

#[test]
fn sparse_examples_depend_only_on_their_support() {
    let rf = RandomFeatures::generate(100, 0.3, 9).unwrap();
    let coef = Coefficients::Sparse(3);
    let ex = rf.examples(20, coef, Split::Train).unwrap();
    for mu in 0..20 {
        let c = ex.coefficients.column(mu);
        assert_eq!(c.iter().filter(|&&v| v != 0.0).count(), 3);
        assert!(c.iter().all(|&v| v == 0.0 || v == 1.0 || v == -1.0));
    }
    // Redraw every feature outside example 0's support: example 0 is unchanged
    // (same coefficients, same tie-breaks), the others generally are not.
    let mut changed = rf.clone();
    let other = RandomFeatures::generate(100, 0.3, 10).unwrap();
    let c0 = ex.coefficients.column(0);
    for k in (0..rf.d()).filter(|&k| c0[k] == 0.0) {
        changed.features.set_column(k, &other.features.column(k));
    }
    let ex2 = changed.examples(20, coef, Split::Train).unwrap();
    assert_eq!(ex2.coefficients, ex.coefficients);
    assert_eq!(ex2.patterns.xi.column(0), ex.patterns.xi.column(0));
    assert_ne!(ex2.patterns.xi, ex.patterns.xi);
}

#[test]
fn train_and_test_are_distinct_and_thread_independent() {
    let rf = RandomFeatures::generate(60, 0.5, 2).unwrap();
    let train = rf.examples(30, Coefficients::Dense, Split::Train).unwrap();
    let test = rf.examples(30, Coefficients::Dense, Split::Test).unwrap();
    assert_ne!(train.coefficients, test.coefficients);
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let single = one.install(|| {
        let rf1 = RandomFeatures::generate(60, 0.5, 2).unwrap();
        (
            rf1.features.clone(),
            rf1.examples(30, Coefficients::Dense, Split::Test).unwrap(),
        )
    });
    assert_eq!(single.0, rf.features);
    assert_eq!(single.1.patterns.xi, test.patterns.xi);
}

mod theory {
    use plam::numerics::{integration, normal};
    use plam::replica::random_features::spectrum::{KAPPA1_SQ, KAPPA_STAR_SQ};
    use plam::replica::random_features::{fold, iteration, spectrum::Spectrum};

    /// The classical zero-temperature AGS capacity, written independently of the
    /// library: with y = m/√(2αr), m = erf(y), C = 2y e^{−y²}/(√π m) and
    /// r = 1/(1 − C)², the load is α(y) = m²(1 − C)²/(2y²); α_c is its maximum
    /// (golden section on y ∈ [1, 2.5], to 1e-12 in y, so to ~1e-24 in α).
    fn ags_capacity() -> f64 {
        let alpha = |y: f64| {
            let m = libm::erf(y);
            let c = 2.0 * y * (-y * y).exp() / (std::f64::consts::PI.sqrt() * m);
            m * m * (1.0 - c).powi(2) / (2.0 * y * y)
        };
        let (mut lo, mut hi) = (1.0, 2.5);
        let g = 0.5 * (5f64.sqrt() - 1.0);
        while hi - lo > 1e-12 {
            let (c, d) = (hi - g * (hi - lo), lo + g * (hi - lo));
            if alpha(c) > alpha(d) {
                hi = d;
            } else {
                lo = c;
            }
        }
        alpha(0.5 * (lo + hi))
    }

    #[test]
    fn ags_capacity_is_the_classical_value() {
        // Amit, Gutfreund, Sompolinsky (1987): α_c = 0.138 at zero temperature.
        let a = ags_capacity();
        assert!((a - 0.1379).abs() < 1e-4, "{a}");
    }

    #[test]
    fn spectral_series_closed_form_and_quadrature_agree() {
        // Three evaluations of the same averages: the series (RF16) and the closed
        // forms (RF15), each exact to ~1e-12 at y = x·K_max = 0.1 where the code
        // switches (series truncated at 1e-28; closed forms lose ≤ 1/(y²·E[K²]/K_max²)
        // ≤ 1e4 of 1e-16 to cancellation at γ ≤ 100), and adaptive quadrature of the
        // Marchenko–Pastur density (RF8) to rtol 1e-12 (s = c − R cos θ removes the
        // square-root edges; γ = 3 adds the atom 1 − 1/γ at s = 0). 1e-9 relative
        // covers all three with a margin of 100.
        for gamma in [0.3, 1.0, 3.0, 100.0] {
            let sp = Spectrum::new(gamma).unwrap();
            for y in [0.02, 0.1, 0.5, 0.9] {
                let x = y / sp.k_max;
                let v = sp.averages(x).unwrap();
                let (ep, em) = ((1.0 + gamma.sqrt()).powi(2), (1.0 - gamma.sqrt()).powi(2));
                let (c, r) = (0.5 * (ep + em), 0.5 * (ep - em));
                let f = |th: f64| {
                    let s = c - r * th.cos();
                    let dens = (r * th.sin()).powi(2) / (2.0 * std::f64::consts::PI * gamma * s);
                    let k = KAPPA_STAR_SQ + KAPPA1_SQ * s;
                    let d = 1.0 - x * k;
                    [dens / d, dens * k / (d * d), dens * k * k / (d * d)]
                };
                let brk: Vec<f64> = (0..=16)
                    .map(|i| std::f64::consts::PI * i as f64 / 16.0)
                    .collect();
                let q = integration::integrate(f, &brk, 1e-12, 20000).unwrap().value;
                let atom = (1.0 - 1.0 / gamma).max(0.0);
                let d0 = 1.0 - x * KAPPA_STAR_SQ;
                let quad = [
                    q[0] + atom / d0,
                    q[1] + atom * KAPPA_STAR_SQ / (d0 * d0),
                    q[2] + atom * KAPPA_STAR_SQ.powi(2) / (d0 * d0),
                ];
                for (got, want) in [v.g1, v.k1, v.k2].iter().zip(quad) {
                    assert!(
                        (got / want - 1.0).abs() < 1e-9,
                        "γ {gamma} y {y}: {got} vs {want}"
                    );
                }
                if y <= 0.1 {
                    let cf = sp.closed_form(x);
                    for (a, b) in [(v.g1, cf.g1), (v.k1, cf.k1), (v.k2, cf.k2)] {
                        assert!((a / b - 1.0).abs() < 1e-9, "γ {gamma} y {y}: {a} vs {b}");
                    }
                }
            }
        }
        // The normal helpers the site averages use: Φ(u) + Φ(−u) = 1.
        assert!((normal::cdf(1.3) + normal::cdf(-1.3) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn storage_line_tends_to_the_hopfield_capacity() {
        // At α_D = 10^8, γ = α/α_D ≈ 1.4e-9 and the spectrum deviates from W = I by
        // O(γ) in every average (Var s = γ), so α_c moves by O(γ) from AGS; the fold
        // is bisected to 1e-11 relative. 1e-8 bounds both with a margin of 5.
        let line = fold::storage_line(1e8).unwrap();
        let ags = ags_capacity();
        assert!(
            (line.critical - ags).abs() < 1e-8,
            "{} vs {ags}",
            line.critical
        );
        assert!(line.residual < 1e-9, "residual {}", line.residual);
        // The retrieval overlap at the AGS fold: m = erf(y*) ≈ 0.967.
        assert!((line.overlap - 0.967).abs() < 1e-3, "{}", line.overlap);
    }

    /// Method I shifts a fold by ≲ (π/cap)² relative towards larger loads
    /// (theory/random_features.md §5), the bisections stop at 1e-8 (method I)
    /// and 1e-11 (method F): 10·(π/cap)² + 1e-8 bounds the difference.
    fn methods_tolerance() -> f64 {
        10.0 * (std::f64::consts::PI / iteration::MAX_ITERATIONS as f64).powi(2) + 1e-8
    }

    #[test]
    fn storage_line_two_ways() {
        let tol = methods_tolerance();
        let mut last = 0.0;
        for alpha_d in [0.1, 2.0] {
            let f = fold::storage_line(alpha_d).unwrap();
            let i = iteration::storage_line(alpha_d, 1e-8).unwrap();
            assert!(
                (i / f.critical - 1.0).abs() < tol,
                "α_D {alpha_d}: {i} vs {}",
                f.critical
            );
            assert!(f.residual < 1e-9, "residual {}", f.residual);
            // Fewer features, more correlated examples, lower capacity.
            assert!(f.critical > last, "not increasing at α_D = {alpha_d}");
            last = f.critical;
        }
    }

    #[test]
    fn learning_line_two_ways_and_limits() {
        let tol = methods_tolerance();
        let mut last = 0.0;
        for alpha in [0.05, 1.0, 30.0] {
            let f = fold::learning_line(alpha).unwrap();
            let i = iteration::learning_line(alpha, 1e-8).unwrap();
            assert!(
                (i / f.critical - 1.0).abs() < tol,
                "α {alpha}: {i} vs {}",
                f.critical
            );
            assert!(f.residual < 1e-9, "residual {}", f.residual);
            assert!(f.critical > last, "not increasing at α = {alpha}");
            last = f.critical;
        }
        // α → ∞: the features form a Hopfield model of load α_D; the corrections
        // are O(1/γ) = O(α_D/α) (the atom of W at zero and the spread of its
        // non-zero eigenvalues around γ), 0.23/α at the measured rate; at
        // α = 10^5 that is 2.3e-6, bounded by 1e-5.
        let far = fold::learning_line(1e5).unwrap().critical;
        assert!((far - ags_capacity()).abs() < 1e-5, "{far}");
        // α → 0 at fixed γ = α/α_D the equations depend on γ alone (ρ → κ1²γt²k1),
        // so α_D^c/α tends to a constant γ_c ≈ 8.77 with an O(α) correction; its
        // slope, ≈ 11 per unit α between α = 1e-2 and 1e-3 (8.879 → 8.782), puts
        // α = 1e-3 and 1e-4 within 1.1e-3 relative of each other; 5e-3 bounds it.
        let r3 = 1e-3 / fold::learning_line(1e-3).unwrap().critical;
        let r4 = 1e-4 / fold::learning_line(1e-4).unwrap().critical;
        assert!((r3 / r4 - 1.0).abs() < 5e-3, "{r3} vs {r4}");
    }
}

mod finite_n {
    use plam::memory::generalization::hebbian_random_features_overlap;
    use plam::replica::random_features::iteration;

    /// Mean |overlap| between each start and its final state (seed 1), see
    /// `hebbian_random_features_overlap`.
    fn final_overlap(n: usize, alpha: f64, alpha_d: f64, features: bool) -> f64 {
        hebbian_random_features_overlap(n, alpha, alpha_d, features, 1).unwrap()
    }

    /// Below each line the RS retrieval state has overlap ≥ 0.947 (its value at
    /// the fold, which it exceeds further below), so the mean final overlap
    /// must be high, > 0.9; above the line no retrieval state exists and the
    /// dynamics ends in states of overlap ~0.3 as in the Hopfield model, so the
    /// mean must be low, < 0.6. At N = 600 the fold is smeared by finite size
    /// (a mean of 0.6–0.7 at 1.6× the storage line α_c(0.1), where only P = 34
    /// examples are stored), so the points sit at 0.45× and 0.7× the line below
    /// and 1.6×, 2.2× (3× for that cut) above. Seed 1; ~1 s in release.
    #[test]
    fn hebbian_simulations_fall_on_the_predicted_sides() {
        let n = 600;
        for alpha in [1.0, 2.0] {
            let line = iteration::learning_line(alpha, 1e-6).unwrap();
            for (f, high) in [(0.45, true), (0.7, true), (1.6, false), (2.2, false)] {
                let m = final_overlap(n, alpha, f * line, true);
                assert!(
                    if high { m > 0.9 } else { m < 0.6 },
                    "features, α {alpha}, α_D {}: {m}",
                    f * line
                );
            }
        }
        for (alpha_d, far) in [(0.1, 3.0), (1.0, 1.6)] {
            let line = iteration::storage_line(alpha_d, 1e-6).unwrap();
            for (f, high) in [(0.45, true), (0.7, true), (2.2, false), (far, false)] {
                let m = final_overlap(n, f * line, alpha_d, false);
                assert!(
                    if high { m > 0.9 } else { m < 0.6 },
                    "examples, α_D {alpha_d}, α {}: {m}",
                    f * line
                );
            }
        }
    }
}
