//! The maximal row-normalised stability κ*_sym of symmetric couplings at
//! finite N, as an exact convex program with verified bounds.
//!
//! For patterns ξ^μ (μ = 1…P) of N sites, symmetric J (J_ij = J_ji, J_ii = 0)
//! has stabilities Δ_i^μ = ξ_i^μ Σ_j J_ij ξ_j^μ / |J_i|, each row normalised
//! as in the theory, and κ*_sym = max_J min_{i,μ} Δ_i^μ. The ratio makes
//! this non-convex, but for a FIXED κ ≥ 0 the question "is κ < κ*_sym?" is
//! the second-order-cone program of theory/memory.md (E1)
//!
//!   min Σ_i r_i  s.t.  a_{iμ}·J − κ r_i ≥ 1,  |J_i| ≤ r_i,
//!
//! with a_{iμ}·J = ξ_i^μ Σ_j J_ij ξ_j^μ (the variables are the N(N−1)/2
//! couplings and the N row bounds r_i). It is feasible iff κ < κ*_sym (E2).
//! Each answer is verified here: a solution J by recomputing every Δ_i^μ
//! from the coupling matrix (its minimum is a proved lower bound on
//! κ*_sym), an infeasibility certificate by the bound (E3) it proves on
//! κ*_sym. Bisection on κ between those bounds gives κ*_sym to a requested
//! width, both ends proved.

use clarabel::algebra::CscMatrix;
use clarabel::solver::{
    DefaultSolution, DefaultSolver, IPSolver, NonnegativeConeT, SecondOrderConeT, SolverStatus,
    SupportedConeT,
};

use nalgebra::DMatrix;

use crate::learning::couplings::row_norms;
use crate::memory::couplings::stabilities;
use crate::memory::feasibility::{check_patterns, pair_index, CERTIFICATE_TOL};
use crate::{Error, Result};

/// Whether a margin κ can be exceeded by symmetric couplings, proved either way.
#[derive(Debug, Clone, PartialEq)]
pub enum MarginDecision {
    /// A symmetric J with every Δ_i^μ ≥ `margin` > κ (recomputed from J).
    Above(SymmetricCouplings),
    /// No symmetric J has all Δ_i^μ above `bound` (a checked certificate,
    /// `bound` − κ ≤ 10⁻⁴).
    Below {
        /// The proved upper bound on κ*_sym, eq. (E3).
        bound: f64,
    },
}

/// A symmetric coupling matrix with its recomputed stabilities.
#[derive(Debug, Clone, PartialEq)]
pub struct SymmetricCouplings {
    /// min_{i,μ} Δ_i^μ, recomputed from `couplings`.
    pub margin: f64,
    /// J_ij = J_ji at [`pair_index`]`(N, i, j)`, scaled so max_i |J_i| = 1.
    pub couplings: Vec<f64>,
    /// Δ_i^μ at index μ·N + i (the column-major N × P matrix).
    pub stabilities: Vec<f64>,
}

/// κ*_sym of one pattern set, bracketed by proved bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct SymmetricMargin {
    /// Proved lower bound: the smallest stability of `best` (the value reported).
    pub kappa: f64,
    /// Proved upper bound on κ*_sym (certificate (E3) or the bound (E4)).
    pub upper: f64,
    /// The couplings achieving `kappa`, with every stability.
    pub best: SymmetricCouplings,
    /// Cone programs solved.
    pub solves: usize,
}

/// Number of the symmetric couplings of N sites.
fn pairs(n: usize) -> usize {
    n * (n - 1) / 2
}

/// Position of J_ij in the second-order cone of row i: 0 is r_i, then the
/// couplings j ≠ i in increasing j.
pub(crate) fn cone_position(i: usize, j: usize) -> usize {
    1 + if j < i { j } else { j - 1 }
}

/// Clarabel's constraint matrix of (E1) at margin κ: rows i·P + μ carry
/// −a_{iμ}·J + κ r_i (nonnegative cone, right side −1), then N second-order
/// cones of dimension N carrying (r_i, J_i) with a minus sign (right side
/// 0). Columns: the couplings in [`pair_index`] order, then r_1…r_N.
fn cone_matrix(patterns: &[Vec<f64>], kappa: f64) -> CscMatrix<f64> {
    let (n, p) = (patterns[0].len(), patterns.len());
    let lin = n * p;
    let mut colptr = vec![0];
    let mut rowval = Vec::new();
    let mut nzval = Vec::new();
    for a in 0..n {
        for b in (a + 1)..n {
            // Column of J_ab: rows (a, μ) and (b, μ) share the coefficient
            // −ξ_a^μ ξ_b^μ; then its places in the cones of rows a and b.
            for i in [a, b] {
                for (mu, x) in patterns.iter().enumerate() {
                    rowval.push(i * p + mu);
                    nzval.push(-x[a] * x[b]);
                }
            }
            rowval.push(lin + a * n + cone_position(a, b));
            nzval.push(-1.0);
            rowval.push(lin + b * n + cone_position(b, a));
            nzval.push(-1.0);
            colptr.push(rowval.len());
        }
    }
    for i in 0..n {
        if kappa != 0.0 {
            for mu in 0..p {
                rowval.push(i * p + mu);
                nzval.push(kappa);
            }
        }
        rowval.push(lin + i * n);
        nzval.push(-1.0);
        colptr.push(rowval.len());
    }
    CscMatrix::new(lin + n * n, pairs(n) + n, colptr, rowval, nzval)
}

/// The N × N coupling matrix from the pair couplings.
pub fn coupling_matrix(n: usize, couplings: &[f64]) -> DMatrix<f64> {
    let mut j = DMatrix::zeros(n, n);
    for a in 0..n {
        for b in (a + 1)..n {
            let w = couplings[pair_index(n, a, b)];
            j[(a, b)] = w;
            j[(b, a)] = w;
        }
    }
    j
}

/// Recomputes every stability Δ_i^μ = ξ_i^μ (Jξ^μ)_i / |J_i|, eq. (M2), from
/// the coupling matrix with [`stabilities`], independently of the cone
/// program's variables, and rescales J so max_i |J_i| = 1.
///
/// Fails with [`Error::InvalidInput`] for bad patterns, a wrong number of
/// couplings, a non-finite one, or a zero row (whose Δ is undefined).
pub fn symmetric_stabilities(
    patterns: &[Vec<f64>],
    couplings: &[f64],
) -> Result<SymmetricCouplings> {
    let n = check_patterns(patterns)?;
    if couplings.len() != pairs(n) {
        return Err(Error::InvalidInput(format!(
            "need {} symmetric couplings for N = {n}, got {}",
            pairs(n),
            couplings.len()
        )));
    }
    let j = coupling_matrix(n, couplings);
    let xi = DMatrix::from_fn(n, patterns.len(), |i, mu| patterns[mu][i]);
    let delta = stabilities(&j, &xi)?;
    let scale = row_norms(&j).iter().copied().fold(0.0, f64::max);
    Ok(SymmetricCouplings {
        margin: delta.iter().copied().fold(f64::INFINITY, f64::min),
        couplings: couplings.iter().map(|v| v / scale).collect(),
        stabilities: delta.as_slice().to_vec(),
    })
}

/// Decides whether symmetric couplings exceed the margin κ ≥ 0 on every
/// site of every pattern, by the cone program (E1), verified either way.
///
/// Fails with [`Error::InvalidInput`] for bad patterns or κ (negative or not
/// finite: below 0 the problem is not convex), and with
/// [`Error::NoConvergence`] when the solver gives no answer that verifies.
pub fn symmetric_margin_decision(patterns: &[Vec<f64>], kappa: f64) -> Result<MarginDecision> {
    match cone_step(patterns, kappa)? {
        MarginDecision::Below { bound } if bound - kappa > CERTIFICATE_TOL => {
            Err(Error::NoConvergence {
                what: format!(
                    "symmetric margin cone program at κ = {kappa} (infeasibility certificate fails verification)"
                ),
                iterations: 1,
                residual: bound - kappa,
                tolerance: CERTIFICATE_TOL,
            })
        }
        d => Ok(d),
    }
}

/// The rows an infeasibility certificate of (E1) at κ rests on, eq. (E5):
/// the row weights Y_i = Σ_μ y_{iμ} of the solver's Farkas multipliers,
/// normalised to Σ_i Y_i = 1, together with the bound (E3) that certificate
/// proves. A certificate carried by one row i is that row's own Farkas
/// certificate (the row alone cannot reach κ, so κ ≥ κ*_i ≥ κ*_row, the row
/// bound (S18)); weight spread over many rows is an obstruction that only the
/// symmetry constraint creates.
///
/// Returns `Ok(None)` when (E1) is feasible at κ (κ < κ*_sym). Fails as
/// [`symmetric_margin_decision`] does, and with [`Error::NoConvergence`]
/// when the certificate proves no bound within 10⁻⁴ of κ.
pub fn obstruction_rows(patterns: &[Vec<f64>], kappa: f64) -> Result<Option<(Vec<f64>, f64)>> {
    let solver = solve_cone(patterns, kappa)?;
    let sol = &solver.solution;
    match sol.status {
        SolverStatus::PrimalInfeasible | SolverStatus::AlmostPrimalInfeasible => {
            let bound = certified_bound(patterns, kappa, sol);
            if bound.is_nan() || bound - kappa > CERTIFICATE_TOL {
                return Err(Error::NoConvergence {
                    what: format!("symmetric margin certificate at κ = {kappa}"),
                    iterations: sol.iterations as usize,
                    residual: bound - kappa,
                    tolerance: CERTIFICATE_TOL,
                });
            }
            let (n, p) = (patterns[0].len(), patterns.len());
            let rows: Vec<f64> = (0..n)
                .map(|i| sol.z[i * p..(i + 1) * p].iter().map(|v| v.max(0.0)).sum())
                .collect();
            let total: f64 = rows.iter().sum();
            Ok(Some((rows.iter().map(|y| y / total).collect(), bound)))
        }
        // Any other status is judged as the bisection judges it; only a
        // verified solution reaches this `Ok`.
        _ => decide(patterns, kappa, sol).map(|_| None),
    }
}

/// Clarabel run on (E1) at κ, before any verification.
fn solve_cone(patterns: &[Vec<f64>], kappa: f64) -> Result<DefaultSolver<f64>> {
    let n = check_patterns(patterns)?;
    if !(kappa.is_finite() && kappa >= 0.0) {
        return Err(Error::InvalidInput(format!(
            "the margin κ must be a finite number >= 0 (the cone program is convex only there), got {kappa}"
        )));
    }
    solve_row_norm_program(&cone_matrix(patterns, kappa), n, n * patterns.len())
}

/// Solves min Σ_i r_i over (pair couplings, r_1…r_N) subject to `lin`
/// linear rows ≤ −1 and the N cones |J_i| ≤ r_i, the form shared by (E1) and
/// the aggregated relaxation (S25a) of `symmetric_relaxation`: `a` holds the
/// linear rows first, then the N cones of N rows each.
pub(crate) fn solve_row_norm_program(
    a: &CscMatrix<f64>,
    n: usize,
    lin: usize,
) -> Result<DefaultSolver<f64>> {
    let d = pairs(n);
    let p = CscMatrix::<f64>::zeros((d + n, d + n));
    let mut q = vec![0.0; d + n];
    q[d..].iter_mut().for_each(|v| *v = 1.0);
    let mut b = vec![0.0; lin + n * n];
    b[..lin].iter_mut().for_each(|v| *v = -1.0);
    let mut cones: Vec<SupportedConeT<f64>> = vec![NonnegativeConeT(lin)];
    cones.extend((0..n).map(|_| SecondOrderConeT(n)));
    let settings = crate::memory::feasibility::solver_settings()?;
    let mut solver = DefaultSolver::new(&p, &q, a, &b, &cones, settings)
        .map_err(|e| Error::Other(format!("clarabel setup: {e}")))?;
    solver.solve();
    Ok(solver)
}

/// One solve of (E1) at κ: a verified solution, or the bound (E3) its
/// certificate proves, however far above κ (the caller judges it).
fn cone_step(patterns: &[Vec<f64>], kappa: f64) -> Result<MarginDecision> {
    let solver = solve_cone(patterns, kappa)?;
    decide(patterns, kappa, &solver.solution)
}

/// The decision a solver run proves at κ (see [`cone_step`]).
fn decide(patterns: &[Vec<f64>], kappa: f64, sol: &DefaultSolution<f64>) -> Result<MarginDecision> {
    let d = pairs(patterns[0].len());
    let fail = |what: &str, residual: f64, tolerance: f64| Error::NoConvergence {
        what: format!("symmetric margin cone program at κ = {kappa} ({what})"),
        iterations: sol.iterations as usize,
        residual,
        tolerance,
    };
    match sol.status {
        SolverStatus::Solved | SolverStatus::AlmostSolved => {
            // A solution is accepted only when its own recomputed margin
            // exceeds κ: that is the decision's claim.
            match symmetric_stabilities(patterns, &sol.x[..d]) {
                Ok(c) if c.margin > kappa => Ok(MarginDecision::Above(c)),
                Ok(c) => Err(fail("solution fails verification", kappa - c.margin, 0.0)),
                Err(e) => Err(fail(&format!("solution fails verification: {e}"), 1.0, 0.0)),
            }
        }
        SolverStatus::PrimalInfeasible | SolverStatus::AlmostPrimalInfeasible => {
            let bound = certified_bound(patterns, kappa, sol);
            if bound.is_finite() {
                Ok(MarginDecision::Below { bound })
            } else {
                Err(fail(
                    "infeasibility certificate is empty",
                    f64::INFINITY,
                    CERTIFICATE_TOL,
                ))
            }
        }
        other => Err(fail(
            &format!("clarabel status {other:?}"),
            sol.r_prim.max(sol.r_dual),
            1e-8,
        )),
    }
}

/// The upper bound (E3) on κ*_sym proved by the solver's Farkas certificate
/// of (E1) at κ: multipliers y_{iμ} ≥ 0 of the linear constraints and w_i of
/// the cones with |w_i| ≤ κ Y_i (Y_i = Σ_μ y_{iμ}). Negative y are set to 0
/// and w_i is shrunk into its ball, so the bound holds for the certificate as
/// repaired. Rows with small Y_i would make the bound κ + |ρ| / min Y_i
/// useless, so the rows with Y_i below t·max Y are dropped too (with their
/// w_i; any subset of rows is a valid certificate of its own), for every t in
/// 10⁻¹² … 10⁻¹, and the best bound is returned. Infinite when nothing is left.
fn certified_bound(patterns: &[Vec<f64>], kappa: f64, sol: &DefaultSolution<f64>) -> f64 {
    let (n, p) = (patterns[0].len(), patterns.len());
    let lin = n * p;
    let y: Vec<f64> = sol.z[..lin].iter().map(|v| v.max(0.0)).collect();
    let rows: Vec<f64> = (0..n).map(|i| y[i * p..(i + 1) * p].iter().sum()).collect();
    let ymax = rows.iter().copied().fold(0.0, f64::max);
    if !(ymax > 0.0 && ymax.is_finite()) {
        return f64::INFINITY;
    }
    // Row i's contribution to ρ, as (pair index, value) for j ≠ i.
    let contribution = |i: usize| -> Vec<(usize, f64)> {
        let w = &sol.z[lin + i * n + 1..lin + (i + 1) * n];
        let norm = w.iter().map(|v| v * v).sum::<f64>().sqrt();
        let shrink = if norm > kappa * rows[i] {
            kappa * rows[i] / norm
        } else {
            1.0
        };
        (0..n)
            .filter(|&j| j != i)
            .map(|j| {
                // The program's rows carry −a and −E_i, so A^T z = 0 reads
                // ρ = Σ y a + Σ E_iᵀ w_i = 0.
                let a: f64 = (0..p)
                    .map(|mu| y[i * p + mu] * patterns[mu][i] * patterns[mu][j])
                    .sum();
                (pair_index(n, i, j), a + shrink * w[cone_position(i, j) - 1])
            })
            .collect()
    };
    let parts: Vec<Vec<(usize, f64)>> = (0..n).map(contribution).collect();
    (1..=12)
        .map(|e| {
            let t = 10f64.powi(-e);
            let kept: Vec<usize> = (0..n).filter(|&i| rows[i] > t * ymax).collect();
            let mut rho = vec![0.0; pairs(n)];
            for &i in &kept {
                for &(k, v) in &parts[i] {
                    rho[k] += v;
                }
            }
            let ymin = kept.iter().map(|&i| rows[i]).fold(f64::INFINITY, f64::min);
            kappa + rho.iter().map(|v| v * v).sum::<f64>().sqrt() / ymin
        })
        .fold(f64::INFINITY, f64::min)
}

/// The a-priori upper bound (E4) on κ*_sym: summing Δ_i^μ over μ,
/// min_μ Δ_i^μ ≤ |Σ_μ ξ_i^μ ξ_{\i}^μ| / P for every row i.
fn mean_field_bound(patterns: &[Vec<f64>]) -> f64 {
    let (n, p) = (patterns[0].len(), patterns.len());
    (0..n)
        .map(|i| {
            let s: f64 = (0..n)
                .filter(|&j| j != i)
                .map(|j| {
                    let c: f64 = patterns.iter().map(|x| x[i] * x[j]).sum();
                    c * c
                })
                .sum();
            s.sqrt() / p as f64
        })
        .fold(f64::INFINITY, f64::min)
}

/// Most cone programs one bisection solves: 40 halvings take an O(1)
/// bracket to 10⁻¹², far below any width asked.
const MAX_SOLVES: usize = 40;

/// κ*_sym of one pattern set to within `width` (both ends proved), by
/// bisection on (E1): a feasible κ raises the lower bound to the verified
/// margin of the solution found (often well above κ), an infeasible one
/// lowers the upper bound to its certified value (E3); a certificate too
/// loose to lower it, or a probe without a verified answer, sends the next
/// probe halfway down to the lower bound.
/// The bracket reached is returned (`upper` − `kappa`), wider than `width`
/// only when [`MAX_SOLVES`] programs did not narrow it enough.
///
/// Returns `Ok(None)` when the set cannot be stored at all (κ*_sym ≤ 0, where
/// the program is not convex and the value is not computed). Fails with
/// [`Error::InvalidInput`] for bad patterns or a width outside (0, 1], and
/// with [`Error::NoConvergence`] when the first program (κ = 0) has no
/// verified answer.
pub fn symmetric_max_margin(patterns: &[Vec<f64>], width: f64) -> Result<Option<SymmetricMargin>> {
    check_patterns(patterns)?;
    if !(width > 0.0 && width <= 1.0) {
        return Err(Error::InvalidInput(format!(
            "the bracket width must be in (0, 1], got {width}"
        )));
    }
    let mut best = match symmetric_margin_decision(patterns, 0.0)? {
        MarginDecision::Above(c) => c,
        MarginDecision::Below { .. } => return Ok(None),
    };
    let mut upper = mean_field_bound(patterns);
    let mut solves = 1;
    // Each step halves the bracket, or cuts it to a certificate's bound
    // (E3). A certificate whose bound does not lower the upper end (its
    // slack is then comparable to the distance from κ to κ*_sym), or a probe
    // the solver leaves unanswered (κ near κ*_sym is the ill-conditioned
    // case), proves nothing: the next probe moves halfway towards the lower
    // end, where a solution raises it or a certificate lowers the upper end.
    let mut step = 0.5;
    while upper - best.margin > width && solves < MAX_SOLVES {
        let kappa = best.margin + step * (upper - best.margin);
        solves += 1;
        match cone_step(patterns, kappa) {
            Ok(MarginDecision::Above(c)) => (best, step) = (c, 0.5),
            Ok(MarginDecision::Below { bound }) if bound < upper => (upper, step) = (bound, 0.5),
            Ok(MarginDecision::Below { .. }) | Err(Error::NoConvergence { .. }) => step *= 0.5,
            Err(e) => return Err(e),
        }
    }
    Ok(Some(SymmetricMargin {
        kappa: best.margin,
        upper: upper.max(best.margin),
        best,
        solves,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::feasibility::{row_verdict, symmetric_verdict, Verdict};
    use crate::memory::rules::pseudo_inverse;
    use crate::memory::storability::random_patterns;
    use crate::numerics::rng;

    /// Bracket width of the tests: far below the O(0.1) differences they
    /// compare, far above the certificates' 10⁻⁴ slack.
    const WIDTH: f64 = 2e-3;

    fn set(n: usize, p: usize, s: u64) -> Vec<Vec<f64>> {
        random_patterns(n, p, rng::derive(11, &[n as u64, p as u64, s]))
    }

    /// The largest row-normalised margin of independent rows on the same set.
    fn asymmetric_margin(pats: &[Vec<f64>]) -> Option<f64> {
        let mut m = f64::INFINITY;
        for i in 0..pats[0].len() {
            match row_verdict(pats, i).unwrap() {
                Verdict::Feasible { margin, .. } => m = m.min(margin),
                Verdict::Infeasible { .. } => return None,
            }
        }
        Some(m)
    }

    /// The bracket is proved at both ends and no wider than asked; the
    /// stabilities returned are those of the couplings returned; symmetry is
    /// a constraint, so κ*_sym ≤ κ*_asym of the same set (up to the QP's 1e-6
    /// margin accuracy); and at κ = 0 the cone program decides storability
    /// exactly as the existing maximal-margin QP does. N = 8, P = 7 is near
    /// the symmetric crossing, so both answers occur.
    #[test]
    fn agrees_with_the_qp_and_stays_below_asymmetric() {
        let (mut stored, mut not) = (0, 0);
        for s in 0..10 {
            let pats = set(8, 7, s);
            let qp = symmetric_verdict(&pats).unwrap().is_feasible();
            let cone = symmetric_margin_decision(&pats, 0.0).unwrap();
            assert_eq!(qp, matches!(cone, MarginDecision::Above(_)), "set {s}");
            match symmetric_max_margin(&pats, WIDTH).unwrap() {
                Some(m) => {
                    stored += 1;
                    assert!(m.kappa > 0.0 && m.upper >= m.kappa && m.upper - m.kappa <= WIDTH);
                    let again = symmetric_stabilities(&pats, &m.best.couplings).unwrap();
                    assert_eq!(again.stabilities.len(), 8 * 7);
                    assert!((again.margin - m.kappa).abs() < 1e-12);
                    let asym =
                        asymmetric_margin(&pats).expect("symmetric storable ⇒ rows separable");
                    assert!(m.kappa <= asym + 1e-6, "κ_sym {} > κ_asym {asym}", m.kappa);
                }
                None => not += 1,
            }
        }
        assert!(stored > 0 && not > 0, "{stored} stored, {not} not");
    }

    /// The pseudo-inverse rule is symmetric, so its smallest stability is a
    /// lower bound on κ*_sym (exact, at any N); at α = 0.25 it is near
    /// √((1−α)/α) = 1.73, and the maximal margin lies above both that rule
    /// and below the asymmetric maximal margin.
    #[test]
    fn pseudo_inverse_is_a_lower_bound() {
        let (n, p) = (16, 4);
        for s in 0..3 {
            let pats = set(n, p, s);
            let xi = DMatrix::from_fn(n, p, |i, mu| pats[mu][i]);
            let j = pseudo_inverse(&xi).unwrap();
            let pinv = stabilities(&j, &xi).unwrap().min();
            let m = symmetric_max_margin(&pats, WIDTH).unwrap().unwrap();
            assert!(m.upper >= pinv - 1e-9, "κ* ≤ {} < pinv {pinv}", m.upper);
            assert!(m.kappa >= pinv - WIDTH, "κ* {} vs pinv {pinv}", m.kappa);
            assert!(m.kappa <= asymmetric_margin(&pats).unwrap() + 1e-6);
        }
    }

    /// κ*_sym is invariant under flipping a pattern, flipping one site in
    /// every pattern (J_kj → −J_kj), and permuting the sites; the bracket
    /// widths allow the values to differ by at most 2·WIDTH.
    #[test]
    fn invariances() {
        // The first storable set of 4 patterns on 10 sites.
        let pats = (0..)
            .map(|s| set(10, 4, s))
            .find(|p| symmetric_verdict(p).unwrap().is_feasible())
            .unwrap();
        let base = symmetric_max_margin(&pats, WIDTH).unwrap().unwrap().kappa;
        let mut flipped = pats.clone();
        flipped[2].iter_mut().for_each(|v| *v = -*v);
        flipped.iter_mut().for_each(|x| x[4] = -x[4]);
        let permuted: Vec<Vec<f64>> = flipped
            .iter()
            .map(|x| (0..10).map(|i| x[(i + 3) % 10]).collect())
            .collect();
        for other in [flipped, permuted] {
            let k = symmetric_max_margin(&other, WIDTH).unwrap().unwrap().kappa;
            assert!((k - base).abs() <= 2.0 * WIDTH, "{k} vs {base}");
        }
    }

    /// The bracket reaches the width asked even where certificates near
    /// κ*_sym are too loose to lower the upper end, or the solver stalls
    /// there: such probes move down towards the lower end instead of ending
    /// the bisection. A bisection that stopped at the first loose certificate
    /// left brackets up to 4e-2 wide at these sizes, for a quarter of the sets
    /// at 5e-3; the certificates' own looseness near κ*_sym (~1e-3) is below
    /// the 5e-3 asked.
    #[test]
    fn brackets_reach_the_width_asked() {
        for (n, p) in [(16, 8), (12, 12), (24, 12)] {
            for s in 0..8 {
                let pats = set(n, p, s);
                if let Some(m) = symmetric_max_margin(&pats, 5e-3).unwrap() {
                    assert!(
                        m.upper - m.kappa <= 5e-3,
                        "N = {n}, P = {p}, set {s}: [{}, {}]",
                        m.kappa,
                        m.upper
                    );
                }
            }
        }
    }

    #[test]
    fn bad_input_is_refused() {
        let pats = set(5, 3, 0);
        assert!(symmetric_margin_decision(&pats, -0.1).is_err());
        assert!(symmetric_margin_decision(&pats, f64::NAN).is_err());
        assert!(symmetric_max_margin(&pats, 0.0).is_err());
        assert!(symmetric_max_margin(&pats, f64::NAN).is_err());
        assert!(symmetric_max_margin(&[vec![1.0, 0.5]], WIDTH).is_err());
        assert!(symmetric_max_margin(&[], WIDTH).is_err());
        assert!(symmetric_stabilities(&pats, &[1.0; 3]).is_err());
        // Above capacity the decision is a certificate, never a margin.
        let full = set(5, 12, 0);
        assert!(symmetric_max_margin(&full, WIDTH).unwrap().is_none());
    }
}
