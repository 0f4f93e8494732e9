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
