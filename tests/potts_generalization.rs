//! Zero-temperature Potts dynamics against a brute-force loop, recovery of a
//! known Potts model from its Gibbs samples, and one generalization point on
//! plmc's 3-state chain (theory/potts.md §5).

use plam::compare::generalization_proteins::{
    pair_identity, pair_identity_weighted, run_point, ProteinPoint,
};
use plam::data::msa::{Alphabet, Msa};
use plam::data::potts_sampler::{gibbs_samples, PottsParams};
use plam::learning::potts::scores::zero_sum_block;
use plam::learning::potts::{fit_potts, LbfgsOptions, Penalty, PottsConfig, PottsData, PottsModel};
use plam::learning::Coupling;
use plam::memory::potts_dynamics::{relax, relax_all, step};
use std::path::PathBuf;

/// A deterministic pseudo-random number in [−1, 1) from an index.
fn noise(k: usize) -> f64 {
    let mut z = (k as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z >> 11) as f64 / (1u64 << 52) as f64 - 1.0
}

/// Eq. (Q13)–(Q14) written out: H_i(a) from `coupling(i, j, a, b)` one term at
/// a time, the current state kept on a tie, else the first maximum.
fn brute_step(m: &PottsModel, s: &[u8]) -> Vec<u8> {
    let (l, q) = (m.l(), m.q());
    (0..l)
        .map(|i| {
            let h: Vec<f64> = (0..q)
                .map(|a| {
                    let mut v = m.h[i * q + a];
                    for (j, &b) in s.iter().enumerate() {
                        if j != i {
                            v += m.coupling(i, j, a, b as usize);
                        }
                    }
                    v
                })
                .collect();
            let max = h.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            if h[s[i] as usize] == max {
                s[i]
            } else {
                (0..q).find(|&a| h[a] == max).unwrap() as u8
            }
        })
        .collect()
}

/// An asymmetric model with couplings on a few values (−1, 0, 1 times 0.5),
/// so that ties occur and exercise the rule of (Q14).
fn tie_model(l: usize, q: usize) -> PottsModel {
    let mut m = PottsModel::zeros(l, q);
    for (k, v) in m.h.iter_mut().enumerate() {
        *v = 0.5 * (1.5 * noise(k)).round();
    }
    for i in 0..l {
        for j in (0..l).filter(|&j| j != i) {
            for a in 0..q {
                for b in 0..q {
                    let v = 0.5 * (1.5 * noise(7000 + ((i * l + j) * q + a) * q + b)).round();
                    m.set_coupling(i, j, a, b, v);
                }
            }
        }
    }
    m
}

#[test]
fn synchronous_step_equals_the_brute_force_loop() {
    let (l, q) = (7, 4);
    let m = tie_model(l, q);
    let mut starts = Vec::new();
    for c in 0..200 {
        let s: Vec<u8> = (0..l)
            .map(|i| ((noise(90_000 + c * l + i) + 1.0) * 2.0) as u8 % q as u8)
            .collect();
        let mut b = s.clone();
        for _ in 0..10 {
            let next = step(&m, &b);
            assert_eq!(next, brute_step(&m, &b), "start {c}");
            b = next;
        }
        assert_eq!(relax(&m, &s, 10), b, "start {c}");
        starts.extend(s);
    }
    let all = relax_all(&m, &starts, 10).unwrap();
    for (c, s) in starts.chunks(l).enumerate() {
        assert_eq!(&all[c * l..][..l], relax(&m, s, 10).as_slice());
    }
    assert!(relax_all(&m, &[0, 1, 2], 10).is_err());
    assert!(relax_all(&m, &[9; 7], 10).is_err());
}

/// A chain of N = 10 sites with q = 3 states: fields and nearest-neighbour
/// couplings of size ~0.5–1 in the zero-sum gauge, symmetric.
fn chain_model() -> PottsModel {
    let (l, q) = (10, 3);
    let mut m = PottsModel::zeros(l, q);
    for (k, v) in m.h.iter_mut().enumerate() {
        *v = 0.5 * noise(300 + k);
    }
    for i in 0..l - 1 {
        for a in 0..q {
            for b in 0..q {
                let v = noise(500 + (i * q + a) * q + b);
                m.set_coupling(i, i + 1, a, b, v);
                m.set_coupling(i + 1, i, b, a, v);
            }
        }
    }
    // The zero-sum gauge of the true blocks (the fit is compared in it).
    let mut g = PottsModel::zeros(l, q);
    g.h.copy_from_slice(&m.h);
    for i in 0..l - 1 {
        let c = zero_sum_block(&m, i, i + 1);
        for a in 0..q {
            for b in 0..q {
                g.set_coupling(i, i + 1, a, b, c[a * q + b]);
                g.set_coupling(i + 1, i, b, a, c[a * q + b]);
            }
        }
    }
    g
}

/// RMS difference of the zero-sum-gauge coupling blocks over all pairs.
fn coupling_error(fit: &PottsModel, truth: &PottsModel) -> f64 {
    let l = truth.l();
    let (mut s, mut n) = (0.0, 0);
    for i in 0..l {
        for j in i + 1..l {
            let (a, b) = (zero_sum_block(fit, i, j), zero_sum_block(truth, i, j));
            s += a
                .iter()
                .zip(&b)
                .map(|(x, y)| (x - y) * (x - y))
                .sum::<f64>();
            n += a.len();
        }
    }
    (s / n as f64).sqrt()
}

/// Recovery: Gibbs samples of the chain (independent chains of 100 sweeps;
/// the chain's correlation length at couplings ≲ 1 is a few sites, so 100
/// sweeps of 10 sites leave no memory of the uniform start) learned back by
/// symmetric PL with a small penalty (λ = 0.01, a bias ~λ/P below 1e-5 at
/// these P). PL is consistent, so the error is statistical, ∝ 1/√P: from
/// P = 500 to 8000 it should fall by √16 = 4. Each error is an RMS over 405
/// block entries, so its own relative scatter is a few per cent; asserting a
/// fall by more than 2 (ratio < 0.5) fails if the error stalls (a bias, a
/// wrong sampler or a wrong gradient) yet leaves room for the fluctuations.
#[test]
fn a_known_potts_chain_is_recovered_better_with_more_samples() {
    let truth = chain_model();
    let params = PottsParams {
        l: truth.l(),
        q: truth.q(),
        h: &truth.h,
        w: &truth.w,
    };
    let cfg = PottsConfig {
        coupling: Coupling::Symmetric,
        penalty: Penalty {
            lambda_h: 0.01,
            lambda_j: 0.01,
        },
        lbfgs: LbfgsOptions {
            gradient_tolerance: 0.0,
            max_iterations: 1000,
            memory: 7,
        },
    };
    let mut errors = Vec::new();
    for p in [500, 8000] {
        let codes = gibbs_samples(params, p, 100, 11).unwrap();
        // |∇F| ≤ 1e-5·P: the objective sums P terms of curvature ~0.1 each, so
        // the parameters sit within ~1e-4 of the optimum, far below the
        // statistical error ≳ 0.01 at P ≤ 8000.
        let cfg = PottsConfig {
            lbfgs: LbfgsOptions {
                gradient_tolerance: 1e-5 * p as f64,
                ..cfg.lbfgs
            },
            ..cfg
        };
        let data = PottsData::new(truth.l(), truth.q(), codes, vec![1.0; p]).unwrap();
        let fit = fit_potts(&data, &cfg).unwrap();
        errors.push(coupling_error(&fit.model, &truth));
    }
    eprintln!("coupling RMS error at P = 500, 8000: {errors:?}");
    assert!(errors[1] < 0.5 * errors[0], "{errors:?}");
}

fn potts3() -> Msa {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/dhfr/potts3.a2m");
    Msa::read(&path, Alphabet::custom("_*^").unwrap(), None).unwrap()
}

/// One point on plmc's 3-state chain (60 sites, 500 sequences): the split
/// holds out the test sequences, the sets come back in order with identities
/// in [0, 1], the run depends only on the seed, and bad points are refused.
#[test]
fn a_generalization_point_on_the_potts3_chain() {
    let msa = potts3();
    let mut pt = ProteinPoint::new(1.0, Coupling::Asymmetric);
    pt.test = 50;
    pt.random = 20;
    pt.penalty = Penalty {
        lambda_h: 0.01,
        lambda_j: 1.0,
    };
    let a = run_point(&msa, &pt, 4).unwrap();
    assert_eq!((a.p, a.l, a.q), (60, 60, 3));
    let names: Vec<&str> = a.sets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["train", "test", "random"]);
    for s in &a.sets {
        assert!((0.0..=1.0).contains(&s.overlap), "{s:?}");
    }
    let b = run_point(&msa, &pt, 4).unwrap();
    assert_eq!(a.sets, b.sets);
    pt.alpha = 8.0;
    let e = run_point(&msa, &pt, 4).unwrap_err().to_string();
    assert!(e.contains("exceed the 450"), "{e}");
    pt.alpha = 1.0;
    pt.test = 0;
    assert!(run_point(&msa, &pt, 4).is_err());
    let (id, err) = pair_identity(&msa).unwrap();
    assert!(id > 0.0 && id < 1.0 && err > 0.0);
    // Unit weights give the unweighted mean.
    let (idw, _) = pair_identity_weighted(&msa, &vec![2.0; msa.n_sequences()]).unwrap();
    assert!((id - idw).abs() < 1e-12);
}
