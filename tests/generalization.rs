//! The generalization measurement (theory/memory.md (M38)–(M40)) on hand-built
//! couplings, its nearest-reference overlaps against a brute-force
//! computation, and the combination over seeds.

use nalgebra::DMatrix;
use plam::data::patterns::random_configurations;
use plam::memory::dynamics::{overlap, DynamicsOptions, Network};
use plam::memory::generalization::{combine_seeds, measure, nearest_overlaps, StartSet};
use plam::memory::protocol::Protocol;
use plam::memory::rules::hebb;
use rand::RngExt;

fn converge() -> (Protocol, DynamicsOptions) {
    (Protocol::Converged, DynamicsOptions::default())
}

#[test]
fn a_stored_pattern_and_its_reverse_keep_overlap_one() {
    // Hebb of one pattern: h_i = ξ_i (ξ·x)/N − x_i/N. At x = ±ξ every field
    // is ±(1 − 1/N)ξ_i, so ±ξ are fixed points and m_F = 1 from both.
    let xi = random_configurations(50, 1, 3).unwrap();
    let net = Network::new(hebb(&xi).unwrap()).unwrap();
    let starts = [
        StartSet::new("pattern", xi.clone()).unwrap(),
        StartSet::new("reverse", -xi.clone()).unwrap(),
    ];
    let refs = [StartSet::new("patterns", xi.clone()).unwrap()];
    for protocol in [Protocol::paper(), Protocol::Converged] {
        let r = measure(&net, &starts, &refs, &protocol, &DynamicsOptions::default()).unwrap();
        for s in &r {
            assert_eq!((s.overlap, s.overlap_err, s.fixed_points), (1.0, 0.0, 1.0));
            assert_eq!(s.nearest[0].start, 1.0);
            assert_eq!(s.nearest[0].final_state, 1.0);
        }
    }
}

#[test]
fn random_starts_of_a_two_pattern_hebb_net_fall_on_a_pattern() {
    // Hebb of ξ¹, ξ² with zero diagonal: h_i = ξ¹_i m₁ + ξ²_i m₂ − 2x_i/N.
    // Where ξ¹_i = ±ξ²_i the field is ξ¹_i(m₁ ± m₂) − 2x_i/N, so when
    // |m₁| − |m₂| ≥ 4/N every spin takes sign(m₁)ξ¹_i in one step (and
    // symmetrically for |m₂| > |m₁|); ±ξ^μ is then fixed as long as
    // |ξ¹·ξ²|/N < 1 − 4/N. Starts closer to a tie are left out.
    let n = 101;
    let xi = random_configurations(n, 2, 11).unwrap();
    let m12 = overlap(xi.column(0).as_slice(), xi.column(1).as_slice());
    assert!(m12.abs() < 1.0 - 4.0 / n as f64, "{m12}");
    let x = random_configurations(n, 400, 12).unwrap();
    let kept: Vec<usize> = (0..x.ncols())
        .filter(|&c| {
            let m = |mu: usize| overlap(xi.column(mu).as_slice(), x.column(c).as_slice());
            (m(0).abs() - m(1).abs()).abs() >= 4.0 / n as f64
        })
        .collect();
    // |m₁| − |m₂| moves in steps of 2/N, so the cut keeps about 60% of the
    // starts (252 of 400 here); half is enough for the test to mean something.
    assert!(kept.len() >= 200, "{}", kept.len());
    let starts = DMatrix::from_fn(n, kept.len(), |i, k| x[(i, kept[k])]);
    let net = Network::new(hebb(&xi).unwrap()).unwrap();
    let set = [StartSet::new("random", starts.clone()).unwrap()];
    let refs = [StartSet::new("patterns", xi).unwrap()];
    let (protocol, dynamics) = converge();
    let r = measure(&net, &set, &refs, &protocol, &dynamics).unwrap();
    assert_eq!(r[0].fixed_points, 1.0);
    assert_eq!(r[0].nearest[0].final_state, 1.0);
    assert_eq!(r[0].nearest[0].final_state_err, 0.0);
    // The starts are random: their nearest pattern is at overlap O(1/√N).
    assert!(r[0].nearest[0].start < 0.2, "{}", r[0].nearest[0].start);
    // m_F is then the start's overlap with the pattern it fell on.
    let m_start = nearest_overlaps(&starts, &refs[0].configs);
    let mean = m_start.iter().sum::<f64>() / m_start.len() as f64;
    // The mean of the same K values summed in another order: within a few
    // roundings of a sum of K terms of size ≤ 1.
    let tol = 4.0 * f64::EPSILON * kept.len() as f64;
    assert!(
        (r[0].overlap - mean).abs() <= tol,
        "{} {mean}",
        r[0].overlap
    );
}

#[test]
fn stepwise_paper_protocol_equals_the_direct_one_and_bounds_the_final_overlap() {
    // Small random asymmetric couplings fall on 2-cycles and longer cycles
    // within a few steps, so the budgets 1..9 meet every case of (M34).
    let n = 12;
    let mut g = plam::numerics::rng::stream(9, 0);
    for trial in 0..10 {
        let mut j = DMatrix::from_fn(n, n, |_, _| g.random::<f64>() * 2.0 - 1.0);
        j.fill_diagonal(0.0);
        let net = Network::new(j).unwrap();
        let x = random_configurations(n, 16, trial).unwrap();
        let set = [StartSet::new("random", x.clone()).unwrap()];
        for steps in 1..10 {
            let p = Protocol::Paper { steps };
            let d = DynamicsOptions::default();
            let r = &measure(&net, &set, &[], &p, &d).unwrap()[0];
            let direct = p.relax(&net, x.clone(), &d).unwrap();
            let m: Vec<f64> = (0..x.ncols())
                .map(|c| overlap(x.column(c).as_slice(), direct.states.column(c).as_slice()))
                .collect();
            let mean = m.iter().sum::<f64>() / m.len() as f64;
            assert_eq!(r.overlap, mean, "trial {trial}, {steps} steps");
            let fp = direct.converged.iter().filter(|&&b| b).count() as f64 / 16.0;
            assert_eq!(r.fixed_points, fp, "trial {trial}, {steps} steps");
            let max = r.max_overlap.unwrap();
            assert!(max >= r.overlap && max <= 1.0, "{max} {}", r.overlap);
        }
    }
    // The converged protocol has no maximum along a trajectory.
    let x = random_configurations(n, 4, 1).unwrap();
    let net = Network::new(hebb(&x).unwrap()).unwrap();
    let set = [StartSet::new("x", x).unwrap()];
    let (p, d) = converge();
    assert_eq!(
        measure(&net, &set, &[], &p, &d).unwrap()[0].max_overlap,
        None
    );
}

#[test]
fn nearest_overlaps_equal_brute_force() {
    let states = random_configurations(37, 23, 5).unwrap();
    let reference = random_configurations(37, 9, 6).unwrap();
    let got = nearest_overlaps(&states, &reference);
    for (c, g) in got.iter().enumerate() {
        let want = (0..reference.ncols())
            .map(|nu| overlap(states.column(c).as_slice(), reference.column(nu).as_slice()).abs())
            .fold(0.0_f64, f64::max);
        // Both are the same integer sum (exact) scaled by 1/N: s·(1/N) and
        // s/N differ by at most two roundings of a value ≤ 1.
        assert!((g - want).abs() <= 2.0 * f64::EPSILON, "{c}: {g} {want}");
    }
    // A reference that contains a state (or its reverse) is at overlap 1.
    let with_self = nearest_overlaps(&states.columns(0, 3).into_owned(), &(-&states));
    assert!(with_self.iter().all(|&v| v == 1.0));
}

#[test]
fn seeds_combine_as_mean_of_means_with_their_standard_error() {
    let xi = random_configurations(40, 3, 1).unwrap();
    let net = Network::new(hebb(&xi).unwrap()).unwrap();
    let (protocol, dynamics) = converge();
    let per_seed: Vec<_> = (0..3)
        .map(|s| {
            let set = [StartSet::new("random", random_configurations(40, 20, s).unwrap()).unwrap()];
            let refs = [StartSet::new("patterns", xi.clone()).unwrap()];
            measure(&net, &set, &refs, &protocol, &dynamics).unwrap()
        })
        .collect();
    let c = combine_seeds(&per_seed).unwrap();
    let m: Vec<f64> = per_seed.iter().map(|r| r[0].overlap).collect();
    let mean = m.iter().sum::<f64>() / 3.0;
    let sd = (m.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 2.0).sqrt();
    assert!((c[0].overlap - mean).abs() < 1e-15);
    assert!((c[0].overlap_err - sd / 3f64.sqrt()).abs() < 1e-15);
    assert_eq!(combine_seeds(&per_seed[..1]).unwrap(), per_seed[0]);
    // Seeds that measured different sets are refused.
    let mut other = per_seed.clone();
    other[1][0].name = "test".into();
    assert!(combine_seeds(&other).is_err());
    assert!(combine_seeds(&[]).is_err());
}

#[test]
fn bad_sets_are_refused() {
    let x = DMatrix::from_element(4, 2, 1.0);
    assert!(StartSet::new("zeros", DMatrix::zeros(4, 2)).is_err());
    assert!(StartSet::new("empty", DMatrix::zeros(4, 0)).is_err());
    let net = Network::new(hebb(&x).unwrap()).unwrap();
    let wrong = [StartSet::new("n5", DMatrix::from_element(5, 1, 1.0)).unwrap()];
    let ok = [StartSet::new("ok", x).unwrap()];
    let (p, d) = converge();
    assert!(measure(&net, &wrong, &[], &p, &d).is_err());
    assert!(measure(&net, &ok, &wrong, &p, &d).is_err());
    assert!(measure(&net, &[], &ok, &p, &d).is_err());
    assert!(measure(&net, &ok, &[], &Protocol::Paper { steps: 0 }, &d).is_err());
}
