//! Cost of the retrieval experiments at N = 1000, α = 0.4 (the paper's
//! retrieval figure): batched zero-temperature relaxations, one full basin
//! measurement (bisection over all patterns), and the classical rules that
//! produce the couplings.
//!
//! Run with `cargo bench --bench retrieval`. Thread counts follow
//! `MATMUL_NUM_THREADS` (matrix products) and `RAYON_NUM_THREADS`.
//! The `items/s` column of the relaxations counts relaxed states.

use divan::counter::ItemsCount;
use divan::Bencher;
use nalgebra::DMatrix;
use plam::data::patterns::{PatternKind, Patterns};
use plam::memory::dynamics::{DynamicsOptions, Network, Schedule};
use plam::memory::retrieval::{basin_sizes, retrieval_curve, RetrievalOptions};
use plam::memory::rules;
use std::sync::OnceLock;

const N: usize = 1000;
const ALPHA: f64 = 0.4;

fn main() {
    divan::main();
}

fn patterns() -> &'static DMatrix<f64> {
    static P: OnceLock<DMatrix<f64>> = OnceLock::new();
    P.get_or_init(|| {
        Patterns::generate(N, ALPHA, PatternKind::Binary, 1)
            .expect("valid sizes")
            .xi
    })
}

/// Max-margin couplings (the slowest-decaying classical rule; trained once).
fn network() -> &'static Network {
    static NET: OnceLock<Network> = OnceLock::new();
    NET.get_or_init(|| {
        let mm = rules::max_margin(patterns(), 1e-3, 100_000).expect("separable");
        Network::new(mm.couplings).expect("valid couplings")
    })
}

fn opts(schedule: Schedule) -> RetrievalOptions {
    RetrievalOptions {
        dynamics: DynamicsOptions {
            schedule,
            max_steps: 1000,
            seed: 1,
        },
        trials: 1,
        seed: 1,
    }
}

/// One point of the retrieval curve: all P = 400 patterns relaxed from
/// m_IN = 0.6 (near the basin boundary, where relaxations are longest).
#[divan::bench(args = [Schedule::Synchronous, Schedule::Asynchronous], sample_count = 5)]
fn retrieval_point(bencher: Bencher, schedule: Schedule) {
    let (net, xi) = (network(), patterns());
    bencher
        .counter(ItemsCount::new(xi.ncols()))
        .bench(|| retrieval_curve(net, xi, &[0.6], &opts(schedule)).expect("valid"));
}

/// A full basin measurement: bisection of every pattern's basin in
/// lock-step (≈ 10 rounds, each one batched relaxation of all unresolved
/// patterns), synchronous dynamics with the guarded f32 fields.
#[divan::bench(sample_count = 3)]
fn basin_sizes_sync(bencher: Bencher) {
    let (net, xi) = (network(), patterns());
    bencher.bench(|| basin_sizes(net, xi, &opts(Schedule::Synchronous)).expect("valid"));
}

/// The same basin measurement with every field in f64 (the reference that
/// the guarded f32 fields of eq. (M32) reproduce bit for bit).
#[divan::bench(sample_count = 3)]
fn basin_sizes_sync_f64(bencher: Bencher) {
    let xi = patterns();
    let net = network().clone().without_single_precision();
    bencher.bench(|| basin_sizes(&net, xi, &opts(Schedule::Synchronous)).expect("valid"));
}

/// Hebb's rule (one GEMM, N²P multiply-adds).
#[divan::bench(sample_count = 10)]
fn rule_hebb(bencher: Bencher) {
    let xi = patterns();
    bencher.bench(|| rules::hebb(xi).expect("valid"));
}

/// Pseudo-inverse rule (Cholesky of the P×P correlation matrix and two GEMMs).
#[divan::bench(sample_count = 10)]
fn rule_pseudo_inverse(bencher: Bencher) {
    let xi = patterns();
    bencher.bench(|| rules::pseudo_inverse(xi).expect("valid"));
}

/// Perceptron with κ = 0.7, all N rows (dual form, O(P) per update).
#[divan::bench(sample_count = 3)]
fn rule_perceptron_kappa_0_7(bencher: Bencher) {
    let xi = patterns();
    bencher.bench(|| rules::perceptron(xi, 0.7, 100_000).expect("converges"));
}

/// Maximal margin by AdaTron to a certified relative gap of 1e-3.
#[divan::bench(sample_count = 3)]
fn rule_max_margin(bencher: Bencher) {
    let xi = patterns();
    bencher.bench(|| rules::max_margin(xi, 1e-3, 100_000).expect("separable"));
}
