//! Study of the excess of the fixed-norm loss over the RS theory at α = 3 in
//! the RS-stable, non-convex region λ_0(3) ≈ 1.1 < λ < λ_AT(3) ≈ 17
//! (theory/validation.md, "α = 3 beyond λ_0").
//!
//! Every row of an asymmetric network is a perceptron on its own, so the
//! study trains independent perceptrons (N inputs, P = 3N random ±1
//! patterns, random ±1 labels) and averages over them. For each perceptron
//! it prints one CSV line per (protocol, λ, start):
//!
//! - `cold`: Riemannian L-BFGS from the Hebb rule at λ (the claim's protocol);
//! - `continuation`: from the Hebb rule at λ = 0.5 (convex), then every norm of
//!   a geometric path (factor √2) warm-started from the previous minimum;
//! - `random`: from `starts` independent Gaussian couplings at λ.
//!
//! Columns: n, row, lambda, protocol, start, loss, eps, residual, iterations,
//! converged, rs_loss, rs_eps.
//!
//!     cargo run --release --example alpha3_excess -- N ROWS STARTS CONTINUATION [λ…]
//!
//! (CONTINUATION 0 or 1; defaults λ = 2 4 8). Seeds: perceptron r at size N uses
//! `rng::derive(SEED, &[0, N, r])`, random start s the INIT_COUPLINGS stream of
//! `rng::derive(SEED, &[1, N, r, s])`.

use nalgebra::DMatrix;
use plam::data::patterns::{perceptron_labels, PatternKind, Patterns};
use plam::learning::{
    train_fixed_norm_from, train_fixed_norm_reached, FixedNormConfig, FixedNormReached, Problem,
    Stabilities,
};
use plam::numerics::rng;
use plam::replica::saddle_point::solve_pl;
use rand_distr::{Distribution, StandardNormal};

const SEED: u64 = 0xA1FA_0003;
const ALPHA: f64 = 3.0;
/// The claim's tolerance on the relative Riemannian gradient (eq. (T9)).
const TOL: f64 = 1e-10;
const MAX_ITER: usize = 20_000;

fn config(lambda: f64) -> FixedNormConfig {
    FixedNormConfig {
        tol: TOL,
        max_iter: MAX_ITER,
        ..FixedNormConfig::new(lambda)
    }
}

fn report(
    problem: &Problem,
    head: (usize, usize, f64, &str, usize),
    r: &FixedNormReached,
) -> plam::Result<()> {
    let (n, row, lambda, protocol, start) = head;
    let st = Stabilities::new(problem, &r.result.j)?.summary()?;
    let rs = solve_pl(ALPHA, lambda)?;
    println!(
        "{n},{row},{lambda},{protocol},{start},{:.10e},{:.8},{:.3e},{},{},{:.10e},{:.8}",
        r.result.loss,
        st.eps,
        r.result.residual,
        r.result.iterations,
        r.converged(),
        rs.loss_mean,
        rs.eps
    );
    Ok(())
}

fn main() -> plam::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |k: usize, d: usize| args.get(k).map_or(d, |s| s.parse().unwrap());
    let (n, rows, starts, continuation) = (arg(0, 100), arg(1, 4), arg(2, 0), arg(3, 1) != 0);
    let lambdas: Vec<f64> = if args.len() > 4 {
        args[4..].iter().map(|s| s.parse().unwrap()).collect()
    } else {
        vec![2.0, 4.0, 8.0]
    };
    let top = lambdas.iter().cloned().fold(0.0, f64::max);
    println!("n,row,lambda,protocol,start,loss,eps,residual,iterations,converged,rs_loss,rs_eps");
    for row in 0..rows {
        let seed = rng::derive(SEED, &[0, n as u64, row as u64]);
        let pats = Patterns::generate(n, ALPHA, PatternKind::Binary, seed)?;
        let labels = perceptron_labels(pats.p(), seed)?;
        let problem = Problem::perceptron(&pats, &labels)?;
        for &l in &lambdas {
            let r = train_fixed_norm_reached(&problem, &config(l), &mut |_, _| {})?;
            report(&problem, (n, row, l, "cold", 0), &r)?;
        }
        // Continuation: λ = 0.5·√2^k up to the largest λ, reporting the listed ones.
        let mut j = problem.hebb();
        let path = (0..)
            .map(|k| 0.5 * 2f64.powf(0.5 * k as f64))
            .take_while(|&l| l <= top * (1.0 + 1e-9));
        for l in path.filter(|_| continuation) {
            let r = train_fixed_norm_from(&problem, &config(l), &j, &mut |_, _| {})?;
            if lambdas.iter().any(|&x| (x - l).abs() < 1e-9 * x) {
                report(&problem, (n, row, l, "continuation", 0), &r)?;
            }
            j = r.result.j;
        }
        for s in 0..starts {
            let mut g = rng::stream(
                rng::derive(SEED, &[1, n as u64, row as u64, s as u64]),
                rng::INIT_COUPLINGS,
            );
            let j0 = DMatrix::from_fn(1, n, |_, _| StandardNormal.sample(&mut g));
            for &l in &lambdas {
                let r = train_fixed_norm_from(&problem, &config(l), &j0, &mut |_, _| {})?;
                report(&problem, (n, row, l, "random", s + 1), &r)?;
            }
        }
    }
    Ok(())
}
