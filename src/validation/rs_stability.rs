//! Claim `rs_stability`: the (α, λ) phase diagram of the fixed-norm
//! pseudo-likelihood perceptron. Below α = 2 replica symmetry is stable at
//! every λ; above α = 2 the spherical multiplier x·γ changes sign on a line
//! λ_0(α) (the problem stops being convex) and the replicon reaches 1 on a
//! line λ_AT(α) > λ_0(α), beyond which the RS solution is not exact.
//! Simulations at α = 3 in the three regions, against RS at the load
//! P/(N − 1) the rows of a network see: where the problem is convex the
//! measured training error ε and loss agree with it (V5); everywhere the
//! trained networks cannot do better than the RS ground-state loss, a lower
//! bound (theory/validation.md (V8)); where RS is stable but the problem is
//! not convex, a random start reaches the loss of the Hebb start (V11)
//! and ε and the loss are recorded against RS; where RS is unstable the
//! residual the training reached is recorded too.

use std::path::Path;

use serde::Serialize;

use nalgebra::DMatrix;

use super::stabilities_fixed_norm::{
    simulate, simulate_reached, SizeStats, Training, SEED, TRAIN_TOL,
};
use super::{Results, Size};
use crate::data::patterns::{PatternKind, Patterns};
use crate::figures::report::{num, save_figure, Check, Stopwatch};
use crate::figures::{palette, Dash, Figure, LegendAt, Panel, Series};
use crate::learning::{train_fixed_norm_from, Coupling, FixedNormConfig, Problem};
use crate::numerics::rng;
use crate::replica::saddle_point::{solve_pl, Solution};
use crate::{Error, Result};

/// Load at which the simulations cross the replicon line.
pub const SIM_ALPHA: f64 = 3.0;

/// The load P/(N − 1) that each row of a network of N neurons at α =
/// [`SIM_ALPHA`] sees: a perceptron with the N − 1 inputs ξ_{\i} (the
/// diagonal is zero) and P = round(αN) patterns. The theory of that
/// perceptron is the RS saddle point at this load; at α = 3 it exceeds α by
/// 3/(N − 1), which moves the RS loss at λ = 8 by +1.0% at N = 200 and +2.0%
/// at N = 100.
pub fn row_load(n: usize) -> Result<f64> {
    let p = crate::data::patterns::num_patterns(n, SIM_ALPHA)?;
    Ok(p as f64 / (n - 1) as f64)
}

/// λ where the replicon reaches 1 at load α (bisection in ln λ on
/// [0.1, 10⁴]); None if RS stays stable on the whole range.
pub fn replicon_line(alpha: f64) -> Result<Option<f64>> {
    crossing(alpha, "replicon ≥ 1", |s| s.replicon - 1.0)
}

/// λ_0(α), where the spherical multiplier x·γ changes sign at load α
/// (bisection in ln λ on [0.1, 10⁴]): the spherical problem is convex
/// (`multiplier_x` ≥ 0) below it and not above it; None if it stays convex on
/// the whole range.
pub fn multiplier_line(alpha: f64) -> Result<Option<f64>> {
    crossing(alpha, "multiplier_x < 0", |s| -s.multiplier_x)
}

/// The λ ∈ [0.1, 10⁴] where `f` of the saddle point at (α, λ) goes from
/// negative to non-negative, by bisection in ln λ; None if `f` < 0 on the
/// whole range, an error if `f` ≥ 0 already at λ = 0.1 (`what` names it).
fn crossing(alpha: f64, what: &str, f: impl Fn(&Solution) -> f64) -> Result<Option<f64>> {
    let g = |l: f64| -> Result<f64> { Ok(f(&solve_pl(alpha, l)?)) };
    let (mut lo, mut hi) = (0.1f64, 1e4f64);
    if g(hi)? < 0.0 {
        return Ok(None);
    }
    if g(lo)? >= 0.0 {
        return Err(Error::NoSolution(format!(
            "{what} already at λ = {lo} for α = {alpha}"
        )));
    }
    // 60 halvings of ln(10⁵) ≈ 11.5 reach ~1e-17 relative: machine precision.
    for _ in 0..60 {
        let mid = (lo * hi).sqrt();
        if g(mid)? < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(Some((lo * hi).sqrt()))
}

#[derive(Debug, Clone, Serialize)]
struct SimPoint {
    alpha: f64,
    lambda: f64,
    rs_stable: bool,
    replicon: f64,
    /// x·γ of the RS saddle point; the spherical problem is convex where ≥ 0.
    multiplier_x: f64,
    /// The load [`row_load`] of the rows at N_L, where `theory_eps` and
    /// `theory_loss` are evaluated.
    theory_alpha: f64,
    theory_eps: f64,
    theory_loss: f64,
    /// ε and the loss of the RS theory at the row load of N_S.
    theory_small: (f64, f64),
    small: SizeStats,
    large: SizeStats,
    loss_small: (f64, f64),
    loss_large: (f64, f64),
    /// (V5) tolerance of ε at N_L.
    eps_tolerance: f64,
    /// (V5) tolerance of the loss at N_L.
    loss_tolerance: f64,
    /// How far each network's training got, N_S then N_L (empty where the
    /// problem is convex: there every network converged or the point is a
    /// FAIL row).
    trainings: Vec<Training>,
    /// Where RS is stable but the problem is not convex: the first network
    /// at N_L trained again from random couplings.
    restart: Option<Restart>,
}

/// The first network at N_L trained from random couplings on the sphere
/// (the INIT_COUPLINGS stream of its pattern seed) instead of the Hebb rule.
#[derive(Debug, Clone, Serialize)]
struct Restart {
    /// Its training from the random start.
    training: Training,
    /// The loss the Hebb start reached on the same patterns.
    hebb_loss: f64,
}

/// Trains network `seed` at size `n` (the patterns of
/// `stabilities_fixed_norm::simulate`) from Gaussian couplings drawn from the
/// seed's INIT_COUPLINGS stream, with the claim's tolerance.
fn restart(n: usize, lambda: f64, seed: u64, hebb_loss: f64) -> Result<Restart> {
    use rand_distr::{Distribution, StandardNormal};
    let pats = Patterns::generate(n, SIM_ALPHA, PatternKind::Binary, seed)?;
    let problem = Problem::network(&pats, Coupling::Asymmetric)?;
    let mut g = rng::stream(seed, rng::INIT_COUPLINGS);
    let start = DMatrix::from_fn(n, n, |_, _| StandardNormal.sample(&mut g));
    let cfg = FixedNormConfig {
        tol: TRAIN_TOL,
        max_iter: 200_000,
        ..FixedNormConfig::new(lambda)
    };
    let r = train_fixed_norm_from(&problem, &cfg, &start, &mut |_, _| {})?;
    Ok(Restart {
        training: Training {
            seed,
            loss: r.result.loss,
            residual: r.result.residual,
            iterations: r.result.iterations,
            converged: r.converged(),
        },
        hebb_loss,
    })
}

/// Mean of ℓ_λ(Δ) = log(1 + e^{−2λΔ}) over the stabilities, with its naive
/// standard error inflated by the same between-network factor as the mean
/// stability.
fn loss_stats(x: &[f64], lambda: f64, inflate: f64) -> (f64, f64) {
    let l: Vec<f64> = x
        .iter()
        .map(|&d| crate::numerics::special::softplus(-2.0 * lambda * d))
        .collect();
    let (m, v) = super::stats::mean_var(&l);
    (m, (v / l.len() as f64).sqrt() * inflate)
}

/// (V7) RS is stable for every λ below α = 2 (grid up to λ = 10³).
fn stable_below_2_check(clock: &Stopwatch) -> Result<Check> {
    let lambdas_grid: Vec<f64> = (0..=50)
        .map(|k| 10f64.powf(-1.0 + 4.0 * k as f64 / 50.0))
        .collect();
    let mut max_rep_below_2 = 0.0f64;
    for &a in &[0.25, 0.5, 1.0, 1.5, 1.9] {
        for &l in &lambdas_grid {
            max_rep_below_2 = max_rep_below_2.max(solve_pl(a, l)?.replicon);
        }
    }
    Ok(Check::at_most(
        "max replicon for α < 2, λ ≤ 10³ (theory)",
        max_rep_below_2,
        1.0,
    )
    .note("(V7) RS stability is the strict inequality replicon < 1")
    .runtime(clock.seconds()))
}

/// (V7) The replicon line λ_AT(α) above α = 2: finite at every α of the
/// grid and decreasing. Returns the line and its two checks.
fn replicon_line_checks(clock: &Stopwatch) -> Result<(Curve, [Check; 2])> {
    let line_alphas: Vec<f64> = (0..=32).map(|k| 2.1 + 0.125 * k as f64).collect();
    let mut line = Vec::new();
    for &a in &line_alphas {
        if let Some(l) = replicon_line(a)? {
            line.push((a, l));
        }
    }
    let finite = Check::at_least(
        "fraction of α ∈ [2.1, 6.1] with a finite replicon line λ_AT(α)",
        line.len() as f64 / line_alphas.len() as f64,
        1.0,
    )
    .note("(V7) the paper's claim: RS breaks at large λ for every α > 2")
    .runtime(clock.seconds());
    let monotone = line.windows(2).all(|w| w[1].1 < w[0].1);
    let decreasing = Check::at_least(
        "λ_AT(α) decreasing in α (1 = yes)",
        if monotone { 1.0 } else { 0.0 },
        1.0,
    )
    .note("(V7) a larger load destabilises RS at a smaller norm")
    .runtime(clock.seconds());
    Ok((line, [finite, decreasing]))
}

/// (V7) The multiplier line λ_0(α) on the grid of the replicon line: finite
/// at every α and below λ_AT(α) (the spherical problem stops being convex
/// before RS breaks). Returns the line and its check.
fn multiplier_line_check(clock: &Stopwatch, replicon: &[(f64, f64)]) -> Result<(Curve, Check)> {
    let mut line = Vec::new();
    let mut below = 0usize;
    for &(a, l_at) in replicon {
        if let Some(l0) = multiplier_line(a)? {
            line.push((a, l0));
            if l0 < l_at {
                below += 1;
            }
        }
    }
    let check = Check::at_least(
        "fraction of α ∈ [2.1, 6.1] with a finite λ_0(α) < λ_AT(α)",
        below as f64 / replicon.len() as f64,
        1.0,
    )
    .note("(V7) x·γ changes sign at λ_0, before the replicon reaches 1")
    .runtime(clock.seconds());
    Ok((line, check))
}

/// Network sizes, networks per size and norms of the simulations at α = 3.
#[derive(Debug, Clone)]
struct Plan {
    n_small: usize,
    n_large: usize,
    seeds: usize,
    lambdas: Vec<f64>,
}

impl Plan {
    /// Publication grid: both sides of λ_AT(3) ≈ 17, none within 30% of it
    /// (at λ = 16 the replicon is ≈ 0.99, the landscape is marginally flat
    /// and L-BFGS stalls at a relative gradient ~3e-3: critical slowing
    /// down).
    fn of(size: Size) -> Self {
        let n_large = size.pick(100, 200);
        Plan {
            n_small: n_large / 2,
            n_large,
            seeds: size.pick(2, 4),
            lambdas: size.pick(
                vec![1.0, 4.0, 40.0],
                vec![0.5, 1.0, 2.0, 4.0, 8.0, 32.0, 64.0],
            ),
        }
    }
}

/// The simulations at one λ: pooled statistics and stabilities at N_S and
/// N_L, and how far each training got.
type Trained = (SizeStats, Vec<f64>, SizeStats, Vec<f64>, Vec<Training>);

/// Trains the networks of one point at both sizes: every training must
/// converge where RS is stable (where the problem is convex only that is
/// kept; where it is not, how far each got is recorded); where RS is
/// unstable, the last iterate of a training that stalls is kept and its
/// residual recorded.
fn train_point(plan: &Plan, lambda: f64, sol: &Solution) -> Result<Trained> {
    let (n_small, n_large, seeds) = (plan.n_small, plan.n_large, plan.seeds);
    if sol.convex() {
        let (s, xs) = simulate(n_small, SIM_ALPHA, lambda, seeds)?;
        let (l, xl) = simulate(n_large, SIM_ALPHA, lambda, seeds)?;
        return Ok((s, xs, l, xl, Vec::new()));
    }
    let strict = sol.rs_stable();
    let (s, xs, ts) = simulate_reached(n_small, SIM_ALPHA, lambda, seeds, strict)?;
    let (l, xl, tl) = simulate_reached(n_large, SIM_ALPHA, lambda, seeds, strict)?;
    Ok((s, xs, l, xl, [ts, tl].concat()))
}

/// Simulates α = 3 at norm λ at both sizes and compares with the RS theory:
/// ε and the loss where RS is stable (V5), the loss bounded below by the RS
/// loss where it is not (V8), with what the simulation measured there. A
/// training failure is a FAIL row (and `None`), not the end of the claim.
fn simulate_point(plan: &Plan, lambda: f64, checks: &mut Vec<Check>) -> Result<Option<SimPoint>> {
    let t = Stopwatch::start();
    // The region (RS stable or not) is that of the design load α = 3; the
    // values compared are those of the load the rows of each size see.
    let sol = solve_pl(SIM_ALPHA, lambda)?;
    let alpha_large = row_load(plan.n_large)?;
    let th_l = solve_pl(alpha_large, lambda)?;
    let th_s = solve_pl(row_load(plan.n_small)?, lambda)?;
    let trained = train_point(plan, lambda, &sol).and_then(|t| {
        // RS stable, not convex: the first network at N_L again from random
        // couplings (its Hebb training is the first of the N_L ones).
        let restart = if sol.rs_stable() && !sol.convex() {
            let first = &t.4[t.4.len() - plan.seeds];
            Some(restart(plan.n_large, lambda, first.seed, first.loss)?)
        } else {
            None
        };
        Ok((t, restart))
    });
    let ((small, xs, large, xl, trainings), restart) = match trained {
        Ok(v) => v,
        Err(e) => {
            checks.push(
                Check::at_least(
                    format!("training converged, α = {SIM_ALPHA}, λ = {lambda}"),
                    0.0,
                    1.0,
                )
                .note(format!("error: {e}"))
                .runtime(t.seconds()),
            );
            return Ok(None);
        }
    };
    let infl_s = small.mean_se / small.moments.mean_se;
    let infl_l = large.mean_se / large.moments.mean_se;
    let ls = loss_stats(&xs, lambda, infl_s);
    let ll = loss_stats(&xl, lambda, infl_l);
    // (V5): at N_L, 4σ plus the measured change from N_S of the deviation
    // from the theory at each size's row load.
    let eps_tol = super::stats::finite_size_tolerance(
        small.moments.eps - th_s.eps,
        large.moments.eps - th_l.eps,
        large.eps_se,
    );
    let loss_tol =
        super::stats::finite_size_tolerance(ls.0 - th_s.loss_mean, ll.0 - th_l.loss_mean, ll.1);
    let point = SimPoint {
        alpha: SIM_ALPHA,
        lambda,
        rs_stable: sol.rs_stable(),
        replicon: sol.replicon,
        multiplier_x: sol.multiplier_x,
        theory_alpha: alpha_large,
        theory_eps: th_l.eps,
        theory_loss: th_l.loss_mean,
        theory_small: (th_s.eps, th_s.loss_mean),
        small,
        large,
        loss_small: ls,
        loss_large: ll,
        eps_tolerance: eps_tol,
        loss_tolerance: loss_tol,
        trainings,
        restart,
    };
    let secs = t.seconds();
    if !point.rs_stable {
        unstable_checks(&point, secs, checks);
    } else if point.multiplier_x >= 0.0 {
        stable_checks(&point, secs, checks);
    } else {
        non_convex_checks(&point, secs, checks);
    }
    Ok(Some(point))
}

/// "α = 3, λ = …, N = …" of a point's rows.
fn tag(p: &SimPoint) -> String {
    format!("α = {}, λ = {}, N = {}", p.alpha, p.lambda, p.large.n)
}

/// (V5) ε and the loss at N_L against the RS theory where RS is stable.
fn stable_checks(p: &SimPoint, secs: f64, checks: &mut Vec<Check>) {
    let tag = tag(p);
    checks.push(
        Check::within(
            format!("ε, RS stable, {tag}"),
            p.large.moments.eps,
            p.theory_eps,
            p.eps_tolerance,
        )
        .note(format!(
            "(V5) RS at the row load P/(N − 1) = {:.4}; 4σ + the N_S → N_L change of ε − ε_RS",
            p.theory_alpha
        ))
        .runtime(secs),
    );
    checks.push(
        Check::within(
            format!("loss, RS stable, {tag}"),
            p.loss_large.0,
            p.theory_loss,
            p.loss_tolerance,
        )
        .note(format!(
            "(V5) RS at the row load P/(N − 1) = {:.4}; 4σ + the N_S → N_L change of ℓ − ℓ_RS",
            p.theory_alpha
        ))
        .runtime(secs),
    );
}

/// Where RS is unstable: (V8) the loss at N_L is not below the RS loss by
/// more than the (V5) tolerance, and (V10) the loss the training reported is
/// the loss of the stabilities it left, to rounding; the note of the latter
/// states what was measured against RS and how far the trainings got.
fn unstable_checks(p: &SimPoint, secs: f64, checks: &mut Vec<Check>) {
    let tag = tag(p);
    checks.push(lower_bound_check(p, "RS unstable", secs));
    // The trainings at N_L are the last ones.
    let large = &p.trainings[p.trainings.len() - p.large.seeds.len()..];
    let reported = large.iter().map(|t| t.loss).sum::<f64>() / large.len() as f64;
    // Both are means of the same ℓ_λ(Δ) over the same count terms: one Δ
    // differs by at most ~N·ε_mach·|Δ| ≤ 4N·ε_mach (|Δ| < 4), ℓ' ≤ 2λ, and
    // summation in another order adds ≤ count·ε_mach relative.
    let count = p.large.count as f64;
    let tol = (2.0 * p.lambda * 4.0 * p.large.n as f64 + count) * f64::EPSILON;
    let worst = |f: fn(&Training) -> f64| large.iter().map(f).fold(0.0, f64::max);
    let converged = large.iter().filter(|t| t.converged).count();
    checks.push(
        Check::at_most(
            format!("|reported − recomputed loss| / loss, RS unstable, {tag}"),
            (reported - p.loss_large.0).abs() / p.loss_large.0,
            tol,
        )
        .note(format!(
            "(V10) rounding. {}; relative gradient ≤ {:.1e} after ≤ {} iterations, \
             {converged}/{} networks reached {:.0e}",
            measured(p),
            worst(|t| t.residual),
            worst(|t| t.iterations as f64),
            large.len(),
            TRAIN_TOL,
        ))
        .runtime(secs),
    );
}

/// (V8) The loss at N_L is not below the RS loss at the row load by more
/// than the (V5) tolerance (`region` names where the point lies).
fn lower_bound_check(p: &SimPoint, region: &str, secs: f64) -> Check {
    Check::at_least(
        format!("loss − RS loss, {region}, {}", tag(p)),
        p.loss_large.0 - p.theory_loss,
        -p.loss_tolerance,
    )
    .note("(V8) the RS loss bounds the ground state from below; (V5) tolerance")
    .runtime(secs)
}

/// What the simulation at N_L measured against RS, for the notes of the
/// points whose ε and loss are recorded, not checked.
fn measured(p: &SimPoint) -> String {
    format!(
        "Measured, not checked: loss {} ± {} (RS {} at the row load {:.4}), ε {} ± {} (RS {})",
        num(p.loss_large.0),
        num(p.loss_large.1),
        num(p.theory_loss),
        p.theory_alpha,
        num(p.large.moments.eps),
        num(p.large.eps_se),
        num(p.theory_eps),
    )
}

/// Where RS is stable but the problem is not convex: (V8) the lower bound,
/// and (V11) the first network at N_L reaches from random couplings the loss
/// of its Hebb start within the loss's standard error (the choice of minimum
/// does not matter); ε and the loss against RS are recorded in the note.
fn non_convex_checks(p: &SimPoint, secs: f64, checks: &mut Vec<Check>) {
    checks.push(lower_bound_check(p, "not convex", secs));
    let Some(r) = &p.restart else { return };
    // (V11) The minimum the training picks must not move the loss by more
    // than the statistical error it is measured with: the relative standard
    // error of the loss at N_L. Distinct minima are found (at N = 200, λ = 8
    // the random start ends 1.3e-5 relative from the Hebb one, both at
    // relative gradient 1e-10), so "the same minimum" is not asserted.
    let tol = p.loss_large.1 / p.loss_large.0;
    let gap = (r.training.loss - r.hebb_loss).abs() / r.hebb_loss;
    let tr = &r.training;
    if !tr.converged {
        checks.push(
            Check::at_least(
                format!("random-start training converged, not convex, {}", tag(p)),
                0.0,
                1.0,
            )
            .note(format!(
                "(V11) relative gradient {:.1e} after {} iterations. {}",
                tr.residual,
                tr.iterations,
                measured(p)
            ))
            .runtime(secs),
        );
        return;
    }
    checks.push(
        Check::at_most(
            format!(
                "|loss(random start) − loss(Hebb start)| / loss, not convex, {}",
                tag(p)
            ),
            gap,
            tol,
        )
        .note(format!(
            "(V11) within the loss's relative s.e. (random start: relative gradient {:.1e} \
             after {} iterations). {}",
            tr.residual,
            tr.iterations,
            measured(p)
        ))
        .runtime(secs),
    );
}

/// Runs the claim at `size`, writing `rs_stability.{svg,png,json}`: the
/// theory's replicon line (V7), then simulations at α = 3 on both sides of
/// λ_AT (V5), (V8).
pub fn run(size: Size, out: &Path) -> Result<Results> {
    let clock = Stopwatch::start();
    let mut checks = vec![stable_below_2_check(&clock)?];
    let (line, line_checks) = replicon_line_checks(&clock)?;
    checks.extend(line_checks);
    let (multiplier, multiplier_check) = multiplier_line_check(&clock, &line)?;
    checks.push(multiplier_check);
    let lambda_at = replicon_line(SIM_ALPHA)?
        .ok_or_else(|| Error::NoSolution(format!("no replicon line at α = {SIM_ALPHA}")))?;

    let plan = Plan::of(size);
    let mut sims = Vec::new();
    for &lambda in &plan.lambdas {
        if let Some(sim) = simulate_point(&plan, lambda, &mut checks)? {
            sims.push(sim);
        }
    }
    if sims.is_empty() {
        return Err(Error::NoConvergence {
            what: "every fixed-norm simulation of rs_stability".into(),
            iterations: 0,
            residual: f64::NAN,
            tolerance: TRAIN_TOL,
        });
    }
    let figure = build_figure([&line, &multiplier], lambda_at, &sims)?;
    #[derive(Serialize)]
    struct Meta<'a> {
        size: Size,
        seed: u64,
        n_small: usize,
        n_large: usize,
        networks_per_size: usize,
        replicon_line: &'a [(f64, f64)],
        multiplier_line: &'a [(f64, f64)],
        lambda_at_sim_alpha: f64,
        simulations: &'a [SimPoint],
    }
    save_figure(
        out,
        "rs_stability",
        &figure,
        &Meta {
            size,
            seed: SEED,
            n_small: plan.n_small,
            n_large: plan.n_large,
            networks_per_size: plan.seeds,
            replicon_line: &line,
            multiplier_line: &multiplier,
            lambda_at_sim_alpha: lambda_at,
            simulations: &sims,
        },
        &checks,
        &[],
    )?;
    Ok(Results {
        checks,
        verdicts: Vec::new(),
    })
}

/// A curve's points.
type Curve = Vec<(f64, f64)>;

/// Splits a curve into the parts where the flag holds and where it fails;
/// the boundary point is shared so the two parts join, and NaN points
/// break each part across the other's stretches.
fn split(points: &[(f64, f64, bool)]) -> (Curve, Curve) {
    let gap = (f64::NAN, f64::NAN);
    let mut a = Vec::new();
    let mut b = Vec::new();
    for (k, &(x, y, s)) in points.iter().enumerate() {
        let prev = k.checked_sub(1).map(|j| points[j].2);
        if s {
            if prev == Some(false) {
                b.push((x, y));
            }
            a.push((x, y));
            b.push(gap);
        } else {
            if prev == Some(true) {
                b.push((points[k - 1].0, points[k - 1].1));
            }
            b.push((x, y));
            a.push(gap);
        }
    }
    (a, b)
}

/// The four panels: (a) the phase diagram, (b) ε(α), (c) ε(λ) and (d) the
/// loss at α = 3 against the simulations.
fn build_figure(lines: [&[(f64, f64)]; 2], lambda_at: f64, sims: &[SimPoint]) -> Result<Figure> {
    let mut eps_pts = Vec::new();
    let mut loss_pts = Vec::new();
    for k in 0..=160 {
        let l = 10f64.powf(-1.0 + 3.0 * k as f64 / 160.0);
        let s = solve_pl(SIM_ALPHA, l)?;
        eps_pts.push((l, s.eps, s.rs_stable()));
        loss_pts.push((l, s.loss_mean, s.rs_stable()));
    }
    Ok(Figure::new(
        "Replica-symmetry stability of the fixed-norm pseudo-likelihood perceptron",
        2,
        vec![
            phase_panel(lines, sims),
            eps_alpha_panel()?,
            eps_lambda_panel(&eps_pts, lambda_at, sims),
            loss_panel(&loss_pts, sims),
        ],
    ))
}

/// (a) phase diagram in (α, λ): the replicon line and the multiplier line
/// (`lines`), and the simulations in each of the three regions.
fn phase_panel(lines: [&[(f64, f64)]; 2], sims: &[SimPoint]) -> Panel {
    let at = |keep: &dyn Fn(&SimPoint) -> bool| -> Vec<(f64, f64)> {
        sims.iter()
            .filter(|s| keep(s))
            .map(|s| (s.alpha, s.lambda))
            .collect()
    };
    Panel::new("load α", "norm λ")
        .title("(a) phase diagram")
        .y_log()
        .x_range(0.0, 6.3)
        // Up to 10⁵ so that the legend sits above the simulations at λ ≤ 64.
        .y_range(0.1, 1e5)
        .legend(LegendAt::UpperRight)
        .with(Series::line(
            "replicon line λ_AT(α): RS unstable above",
            lines[0].to_vec(),
            Dash::Solid,
            palette::BLACK,
        ))
        .with(Series::line(
            "multiplier line λ_0(α): x·γ < 0 (not convex) above",
            lines[1].to_vec(),
            Dash::Dashed,
            palette::BLACK,
        ))
        .with(Series::line(
            "α = 2 (ε = 0 for λ → ∞ below)",
            vec![(2.0, 0.1), (2.0, 1e5)],
            Dash::Dotted,
            palette::GREY,
        ))
        .with(Series::points(
            "simulated, convex, RS stable",
            at(&|s| s.rs_stable && s.multiplier_x >= 0.0),
            vec![],
            palette::BLUE,
        ))
        .with(Series::points(
            "simulated, not convex, RS stable",
            at(&|s| s.rs_stable && s.multiplier_x < 0.0),
            vec![],
            palette::ORANGE,
        ))
        .with(Series::points(
            "simulated, RS unstable",
            at(&|s| !s.rs_stable),
            vec![],
            palette::RED,
        ))
}

/// (b) ε(α) for several λ, dashed where RS is unstable.
fn eps_alpha_panel() -> Result<Panel> {
    let mut pb = Panel::new("load α", "training error ε")
        .title("(b) fraction of negative stabilities")
        .x_range(0.0, 6.3)
        .legend(LegendAt::LowerRight);
    for (k, &lambda) in [0.2, 0.8, 3.2, 12.8, 51.2].iter().enumerate() {
        let mut pts = Vec::new();
        for j in 1..=120 {
            let a = 0.05 * j as f64;
            let s = solve_pl(a, lambda)?;
            pts.push((a, s.eps, s.rs_stable()));
        }
        let (st, un) = split(&pts);
        let c = palette::seq(k);
        pb.push(Series::line(format!("λ = {lambda}"), st, Dash::Solid, c));
        if un.iter().any(|p| p.0.is_finite()) {
            pb.push(Series::line("", un, Dash::Dashed, c));
        }
    }
    Ok(pb.note("dashed: RS unstable"))
}

/// The simulated points of both sizes: `value` of the small and the large
/// networks at every λ, with its standard error.
fn simulated_series(
    sims: &[SimPoint],
    value: impl Fn(&SimPoint, bool) -> (f64, f64),
) -> [Series; 2] {
    let series = |large: bool, n: usize, color| {
        Series::points(
            format!("simulation, N = {n}"),
            sims.iter().map(|s| (s.lambda, value(s, large).0)).collect(),
            sims.iter().map(|s| value(s, large).1).collect(),
            color,
        )
    };
    [
        series(false, sims[0].small.n, palette::ORANGE),
        series(true, sims[0].large.n, palette::BLACK),
    ]
}

/// (c) ε(λ) at α = 3: theory and simulations on both sides of λ_AT.
fn eps_lambda_panel(eps_pts: &[(f64, f64, bool)], lambda_at: f64, sims: &[SimPoint]) -> Panel {
    let (es, eu) = split(eps_pts);
    let [small, large] = simulated_series(sims, |s, large| {
        let st = if large { &s.large } else { &s.small };
        (st.moments.eps, st.eps_se)
    });
    Panel::new("norm λ", "training error ε")
        .title(format!("(c) α = {SIM_ALPHA}: ε against λ"))
        .x_log()
        .legend(LegendAt::UpperLeft)
        .with(Series::line(
            "RS theory (stable)",
            es,
            Dash::Solid,
            palette::BLUE,
        ))
        .with(Series::line(
            "RS theory (unstable)",
            eu,
            Dash::Dashed,
            palette::BLUE,
        ))
        .with(Series::line(
            format!("λ_AT = {lambda_at:.1}"),
            vec![(lambda_at, 0.2), (lambda_at, 0.3)],
            Dash::Dotted,
            palette::GREY,
        ))
        .with(small)
        .with(large)
}

/// (d) loss per pattern against λ at α = 3.
fn loss_panel(loss_pts: &[(f64, f64, bool)], sims: &[SimPoint]) -> Panel {
    let (ls, lu) = split(loss_pts);
    let [small, large] = simulated_series(
        sims,
        |s, large| {
            if large {
                s.loss_large
            } else {
                s.loss_small
            }
        },
    );
    Panel::new("norm λ", "loss per pattern ⟨ℓ_λ(Δ)⟩")
        .title(format!("(d) α = {SIM_ALPHA}: loss against λ"))
        .x_log()
        .y_log()
        .legend(LegendAt::UpperLeft)
        .with(Series::line(
            "RS theory (stable)",
            ls,
            Dash::Solid,
            palette::BLUE,
        ))
        .with(Series::line(
            "RS theory (unstable)",
            lu,
            Dash::Dashed,
            palette::BLUE,
        ))
        .with(small)
        .with(large)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicon_line_is_where_the_replicon_reaches_one() {
        let l = replicon_line(3.0).unwrap().unwrap();
        let r = solve_pl(3.0, l).unwrap().replicon;
        // The bisection brackets the crossing to ~1e-15 in ln λ; the replicon's
        // slope in ln λ is O(0.1), so 1e-9 leaves room for the saddle point's
        // own ~1e-12 accuracy.
        assert!((r - 1.0).abs() < 1e-9, "replicon {r} at λ_AT = {l}");
        // Below α = 2 replica symmetry never breaks on [0.1, 10⁴].
        assert!(replicon_line(1.5).unwrap().is_none());
    }

    #[test]
    fn multiplier_line_separates_the_signs_of_the_grid() {
        // The signs of x·γ on a λ grid (what `plam theory` prints as
        // `convex`) change exactly at λ_0: positive below, negative above.
        for alpha in [2.5, 3.0, 4.0, 6.0] {
            let l0 = multiplier_line(alpha).unwrap().unwrap();
            for k in 0..=40 {
                let l = 10f64.powf(-1.0 + 4.0 * k as f64 / 40.0);
                let s = solve_pl(alpha, l).unwrap();
                assert_eq!(s.convex(), l < l0, "α = {alpha}, λ = {l}, λ_0 = {l0}");
            }
        }
        // Below α = 2 the problem stays convex on [0.1, 10⁴].
        assert!(multiplier_line(1.5).unwrap().is_none());
    }

    #[test]
    fn multiplier_line_is_a_zero_of_the_multiplier() {
        // A Newton step on x·γ(ln λ) from λ_0, with the slope from a central
        // finite difference (h = 1e-4 in ln λ: truncation ~h² relative,
        // rounding ~1e-12/h = 1e-8), must not move λ_0: the bisection leaves
        // |ln λ − ln λ_0| ~1e-15, and the saddle point's own ~1e-12 accuracy
        // divided by the slope (checked below to exceed 0.05 in size) moves
        // it by ≤ 2e-11; 1e-9 in ln λ covers both.
        let alpha = 3.0;
        let l0 = multiplier_line(alpha).unwrap().unwrap();
        let m = |l: f64| solve_pl(alpha, l).unwrap().multiplier_x;
        let h = 1e-4f64;
        let slope = (m(l0 * h.exp()) - m(l0 * (-h).exp())) / (2.0 * h);
        assert!(
            slope < -0.05,
            "x·γ must decrease through λ_0: slope {slope}"
        );
        let step = m(l0) / slope;
        assert!(
            step.abs() < 1e-9,
            "Newton step {step} in ln λ at λ_0 = {l0}"
        );
        // λ_0 lies below the replicon line.
        assert!(l0 < replicon_line(alpha).unwrap().unwrap());
    }

    #[test]
    fn a_network_row_is_a_perceptron_at_the_row_load() {
        // Row 0 of a network is the perceptron with inputs ξ_{\0} (N − 1
        // components) and labels ξ_0: same fields, and load P/(N − 1).
        let n = 12;
        let pats = Patterns::generate(n, SIM_ALPHA, PatternKind::Binary, 3).unwrap();
        let net = Problem::network(&pats, Coupling::Asymmetric).unwrap();
        let sub = Patterns::from_matrix(pats.xi.clone().remove_row(0)).unwrap();
        let labels: Vec<f64> = pats.xi.row(0).iter().copied().collect();
        let row = Problem::perceptron(&sub, &labels).unwrap();
        assert_eq!(row.p() as f64 / row.n() as f64, row_load(n).unwrap());
        let mut j = DMatrix::from_fn(n, n, |a, b| ((3 * a + 7 * b) % 11) as f64 - 5.0);
        j.fill_diagonal(0.0);
        let w = j.rows(0, 1).into_owned().remove_column(0);
        let (h_net, h_row) = (net.fields(&j), row.fields(&w));
        for mu in 0..row.p() {
            // Sums of 11 integer products: exact in either order.
            assert_eq!(h_net[(0, mu)], h_row[(0, mu)]);
        }
    }

    #[test]
    fn split_shares_the_boundary_point() {
        let pts = [
            (0.0, 0.0, true),
            (1.0, 1.0, true),
            (2.0, 2.0, false),
            (3.0, 3.0, false),
        ];
        let (a, b) = split(&pts);
        let fa: Vec<_> = a.iter().filter(|p| p.0.is_finite()).collect();
        let fb: Vec<_> = b.iter().filter(|p| p.0.is_finite()).collect();
        assert_eq!(fa.len(), 2);
        assert_eq!(fb, vec![&(1.0, 1.0), &(2.0, 2.0), &(3.0, 3.0)]);
    }
}
