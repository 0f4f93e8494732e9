//! Claim `rs_stability`: the (α, λ) phase diagram of the fixed-norm
//! pseudo-likelihood perceptron. Below α = 2 replica symmetry is stable at
//! every λ; above α = 2 the replicon reaches 1 on a line λ_AT(α) (large λ),
//! beyond which the RS solution is not exact. Simulations on both sides:
//! where RS is stable the measured training error ε and loss agree with it;
//! where it is unstable the trained networks cannot do better than the RS
//! ground-state loss (RS underestimates the ground state when replica
//! symmetry is broken, as Guerra's bound implies), and the figure shows how
//! far they are from it.

use std::path::Path;

use serde::Serialize;

use super::stabilities_fixed_norm::{simulate, SizeStats};
use super::{Results, Size};
use crate::figures::report::{save_figure, Check, Stopwatch};
use crate::figures::{palette, Dash, Figure, LegendAt, Panel, Series};
use crate::replica::saddle_point::solve_pl;
use crate::{Error, Result};

/// Load at which the simulations cross the replicon line.
pub const SIM_ALPHA: f64 = 3.0;

/// λ where the replicon reaches 1 at load α (bisection in ln λ on
/// [0.1, 10⁴]); None if RS stays stable on the whole range.
pub fn replicon_line(alpha: f64) -> Result<Option<f64>> {
    let rep = |l: f64| -> Result<f64> { Ok(solve_pl(alpha, l)?.replicon - 1.0) };
    let (mut lo, mut hi) = (0.1f64, 1e4f64);
    if rep(hi)? < 0.0 {
        return Ok(None);
    }
    if rep(lo)? >= 0.0 {
        return Err(Error::NoSolution(format!(
            "replicon ≥ 1 already at λ = {lo} for α = {alpha}"
        )));
    }
    // 60 halvings of ln(10⁵) ≈ 11.5 reach ~1e-17 relative: machine precision.
    for _ in 0..60 {
        let mid = (lo * hi).sqrt();
        if rep(mid)? < 0.0 {
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
    theory_eps: f64,
    theory_loss: f64,
    small: SizeStats,
    large: SizeStats,
    loss_small: (f64, f64),
    loss_large: (f64, f64),
    /// (V5) tolerance of ε at N_L.
    eps_tolerance: f64,
    /// (V5) tolerance of the loss at N_L.
    loss_tolerance: f64,
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

/// Simulates α = 3 at norm λ at both sizes and compares with the RS theory:
/// ε and the loss where RS is stable (V5), the loss bounded below by the RS
/// loss where it is not (V8). A training failure is a FAIL row (and `None`),
/// not the end of the claim.
fn simulate_point(plan: &Plan, lambda: f64, checks: &mut Vec<Check>) -> Result<Option<SimPoint>> {
    let (n_small, n_large, seeds) = (plan.n_small, plan.n_large, plan.seeds);
    let t = Stopwatch::start();
    let sol = solve_pl(SIM_ALPHA, lambda)?;
    let (small, xs, large, xl) = match simulate(n_small, SIM_ALPHA, lambda, seeds)
        .and_then(|(s, xs)| Ok((s, xs, simulate(n_large, SIM_ALPHA, lambda, seeds)?)))
    {
        Ok((s, xs, (l, xl))) => (s, xs, l, xl),
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
    // (V5): at N_L, 4σ plus the measured change from N_S.
    let eps_tol =
        super::stats::finite_size_tolerance(small.moments.eps, large.moments.eps, large.eps_se);
    let loss_tol = super::stats::finite_size_tolerance(ls.0, ll.0, ll.1);
    let secs = t.seconds();
    let tag = format!("α = {SIM_ALPHA}, λ = {lambda}, N = {n_large}");
    if sol.rs_stable() {
        checks.push(
            Check::within(
                format!("ε, RS stable, {tag}"),
                large.moments.eps,
                sol.eps,
                eps_tol,
            )
            .note("(V5) 4σ + |ε(N_S) − ε(N_L)|")
            .runtime(secs),
        );
        checks.push(
            Check::within(
                format!("loss, RS stable, {tag}"),
                ll.0,
                sol.loss_mean,
                loss_tol,
            )
            .note("(V5) 4σ + |ℓ(N_S) − ℓ(N_L)|")
            .runtime(secs),
        );
    } else {
        checks.push(
            Check::at_least(
                format!("loss − RS loss, RS unstable, {tag}"),
                ll.0 - sol.loss_mean,
                -loss_tol,
            )
            .note("(V8) RS underestimates the ground state where it is unstable; (V5) tolerance")
            .runtime(secs),
        );
    }
    Ok(Some(SimPoint {
        alpha: SIM_ALPHA,
        lambda,
        rs_stable: sol.rs_stable(),
        replicon: sol.replicon,
        theory_eps: sol.eps,
        theory_loss: sol.loss_mean,
        small,
        large,
        loss_small: ls,
        loss_large: ll,
        eps_tolerance: eps_tol,
        loss_tolerance: loss_tol,
    }))
}

/// Runs the claim at `size`, writing `rs_stability.{svg,png,json}`: the
/// theory's replicon line (V7), then simulations at α = 3 on both sides of
/// λ_AT (V5), (V8).
pub fn run(size: Size, out: &Path) -> Result<Results> {
    let clock = Stopwatch::start();
    let mut checks = vec![stable_below_2_check(&clock)?];
    let (line, line_checks) = replicon_line_checks(&clock)?;
    checks.extend(line_checks);
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
            tolerance: super::stabilities_fixed_norm::TRAIN_TOL,
        });
    }
    let figure = build_figure(&line, lambda_at, &sims)?;
    #[derive(Serialize)]
    struct Meta<'a> {
        size: Size,
        seed: u64,
        n_small: usize,
        n_large: usize,
        networks_per_size: usize,
        replicon_line: &'a [(f64, f64)],
        lambda_at_sim_alpha: f64,
        simulations: &'a [SimPoint],
    }
    save_figure(
        out,
        "rs_stability",
        &figure,
        &Meta {
            size,
            seed: super::stabilities_fixed_norm::SEED,
            n_small: plan.n_small,
            n_large: plan.n_large,
            networks_per_size: plan.seeds,
            replicon_line: &line,
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
fn build_figure(line: &[(f64, f64)], lambda_at: f64, sims: &[SimPoint]) -> Result<Figure> {
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
            phase_panel(line, sims),
            eps_alpha_panel()?,
            eps_lambda_panel(&eps_pts, lambda_at, sims),
            loss_panel(&loss_pts, sims),
        ],
    ))
}

/// (a) phase diagram in (α, λ).
fn phase_panel(line: &[(f64, f64)], sims: &[SimPoint]) -> Panel {
    let stable: Vec<(f64, f64)> = sims
        .iter()
        .filter(|s| s.rs_stable)
        .map(|s| (s.alpha, s.lambda))
        .collect();
    let unstable: Vec<(f64, f64)> = sims
        .iter()
        .filter(|s| !s.rs_stable)
        .map(|s| (s.alpha, s.lambda))
        .collect();
    Panel::new("load α", "norm λ")
        .title("(a) phase diagram")
        .y_log()
        .x_range(0.0, 6.3)
        .y_range(0.1, 1000.0)
        .legend(LegendAt::UpperRight)
        .with(Series::line(
            "replicon line λ_AT(α): RS unstable above",
            line.to_vec(),
            Dash::Solid,
            palette::BLACK,
        ))
        .with(Series::line(
            "α = 2 (ε = 0 for λ → ∞ below)",
            vec![(2.0, 0.1), (2.0, 1000.0)],
            Dash::Dotted,
            palette::GREY,
        ))
        .with(Series::points(
            "simulated, RS stable",
            stable,
            vec![],
            palette::BLUE,
        ))
        .with(Series::points(
            "simulated, RS unstable",
            unstable,
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
