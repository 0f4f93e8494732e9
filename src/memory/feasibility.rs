//! Exact decision of whether a set of patterns can be stored: a maximal-margin
//! quadratic program solved by the interior-point solver `clarabel`, whose
//! answer is either a separating coupling vector (checked here constraint by
//! constraint) or a Farkas certificate of infeasibility (also checked here).
//! Unlike a fixed number of training epochs, this cannot confuse "slow" with
//! "impossible".
//!
//! The problem for one row of couplings is: given constraint vectors a_μ
//! (a_μ = ξ_i^μ ξ_{\i}^μ for row i), is there w with a_μ·w > 0 for all μ?
//! Equivalently (by scaling) a_μ·w ≥ 1. We solve
//!
//!   min ½|w|²  subject to  a_μ·w ≥ 1,
//!
//! whose optimum w* gives the maximal margin κ = min_μ a_μ·w*/|w*| = 1/|w*|
//! (stabilities Δ = a·w/|w| with |a_j| = 1, as in the theory). When it is
//! infeasible, the solver returns z ≥ 0 with Σ_μ z_μ a_μ = 0 and Σ z_μ > 0:
//! a nonnegative combination of the constraint vectors vanishes, which by
//! Gordan's theorem excludes any w with all a_μ·w > 0.

use clarabel::algebra::CscMatrix;
use clarabel::solver::{
    DefaultSettings, DefaultSettingsBuilder, DefaultSolution, DefaultSolver, IPSolver,
    NonnegativeConeT, SolverStatus,
};

use crate::{Error, Result};

/// A sparse constraint vector: (variable index, coefficient) pairs.
pub(crate) type SparseRow = Vec<(usize, f64)>;

/// The decision for one set of constraints.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// A solution exists; `margin` = min_μ a_μ·w/|w| at the maximal-margin w.
    Feasible {
        /// Maximal margin κ (in units of the constraint coefficients).
        margin: f64,
        /// The maximal-margin coupling vector, scaled so min_μ a_μ·w = 1.
        weights: Vec<f64>,
    },
    /// No solution: a checked Farkas certificate exists.
    Infeasible {
        /// Upper bound |Σ z_μ a_μ|₂ / Σ z_μ on the margin of any solution,
        /// proved by the certificate (≈ 0).
        residual: f64,
    },
}

impl Verdict {
    /// Whether every constraint can be satisfied.
    pub fn is_feasible(&self) -> bool {
        matches!(self, Verdict::Feasible { .. })
    }
}

/// Largest margin an accepted infeasibility certificate may leave open.
/// A numerical certificate z ≥ 0 has a small residual r = Σ z_μ a_μ ≠ 0;
/// for any w with a_μ·w ≥ 1 ∀μ, Σ z_μ ≤ Σ z_μ a_μ·w = r·w ≤ |r|₂|w|₂, so
/// every solution has margin 1/|w| ≤ |r|₂/Σ z_μ. The certificate is accepted
/// when this bound is below 1e-4: then no coupling vector stabilises all
/// patterns by more than 10⁻⁴ (stabilities are O(1)), which is "cannot be
/// stored" for any training rule; the chance that a feasible random instance
/// has its maximal margin in (0, 10⁻⁴) is ~10⁻⁴ times the O(1–10) density of
/// κ near 0 at the transition, far below the sampling errors of the claims.
/// Clarabel's own criterion (1e-8 relative on its equilibrated problem)
/// gives bounds of ~1e-6 here.
pub(crate) const CERTIFICATE_TOL: f64 = 1e-4;

/// Clarabel's linear solver for the exact programs (the maximal-margin QP
/// and the symmetric cone program): its own sparse LDL, named rather than
/// left to "auto", so the answers do not depend on which solvers a build of
/// Clarabel enables.
pub(crate) const LINEAR_SOLVER: &str = "qdldl";

/// Clarabel's settings for the exact programs: silent, 400 interior-point
/// iterations, [`LINEAR_SOLVER`] on one thread.
pub(crate) fn solver_settings() -> Result<DefaultSettings<f64>> {
    DefaultSettingsBuilder::default()
        .verbose(false)
        .max_iter(400)
        .max_threads(1)
        .direct_solve_method(LINEAR_SOLVER.to_string())
        .build()
        .map_err(|e| Error::Other(format!("clarabel settings: {e:?}")))
}

/// Decides feasibility of {w ∈ R^n : a_μ·w ≥ 1 ∀μ} for sparse rows a_μ by
/// the maximal-margin QP, verifying the solver's answer either way.
///
/// Fails with [`Error::InvalidInput`] for an empty problem or an entry out of
/// range, and with [`Error::NoConvergence`] when the solver stops without an
/// answer or its answer fails verification.
pub(crate) fn max_margin_sparse(n: usize, rows: &[SparseRow]) -> Result<Verdict> {
    if check_constraints(n, rows)? == 0.0 {
        // Every a_μ = 0: a_μ·w ≥ 1 is impossible; z = e_1 is a certificate.
        return Ok(Verdict::Infeasible { residual: 0.0 });
    }
    let m = rows.len();
    let a = constraint_matrix(n, rows);
    let p = CscMatrix::<f64>::identity(n);
    let q = vec![0.0; n];
    let b = vec![-1.0; m];
    let cones = [NonnegativeConeT(m)];
    let settings = solver_settings()?;
    let mut solver = DefaultSolver::new(&p, &q, &a, &b, &cones, settings)
        .map_err(|e| Error::Other(format!("clarabel setup: {e}")))?;
    solver.solve();
    let sol = &solver.solution;
    match sol.status {
        SolverStatus::Solved | SolverStatus::AlmostSolved => verify_solution(rows, sol),
        SolverStatus::PrimalInfeasible | SolverStatus::AlmostPrimalInfeasible => {
            verify_certificate(n, rows, sol)
        }
        other => Err(Error::NoConvergence {
            what: format!("maximal-margin QP (clarabel status {other:?})"),
            iterations: sol.iterations as usize,
            residual: sol.r_prim.max(sol.r_dual),
            tolerance: 1e-8,
        }),
    }
}

/// Checks that the problem is non-empty and every entry is a finite
/// coefficient of one of the `n` variables; returns the largest |a_μj|.
fn check_constraints(n: usize, rows: &[SparseRow]) -> Result<f64> {
    if n == 0 || rows.is_empty() {
        return Err(Error::InvalidInput(format!(
            "max_margin needs at least one variable and one constraint (got n = {n}, {} constraints)",
            rows.len()
        )));
    }
    let mut amax: f64 = 0.0;
    for (mu, r) in rows.iter().enumerate() {
        for &(j, v) in r {
            if j >= n || !v.is_finite() {
                return Err(Error::InvalidInput(format!(
                    "constraint {mu}: entry ({j}, {v}) is out of range or not finite (n = {n})"
                )));
            }
            amax = amax.max(v.abs());
        }
    }
    Ok(amax)
}

/// Clarabel's constraint matrix A = −[a_μ] (rows μ, columns the variables) of
/// the form A x + s = b, s ≥ 0, b = −1, with the duplicate entries of a
/// constraint merged.
fn constraint_matrix(n: usize, rows: &[SparseRow]) -> CscMatrix<f64> {
    let mut cols: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for (mu, r) in rows.iter().enumerate() {
        for &(j, v) in r {
            if v != 0.0 {
                cols[j].push((mu, -v));
            }
        }
    }
    let mut colptr = Vec::with_capacity(n + 1);
    let mut rowval = Vec::new();
    let mut nzval = Vec::new();
    colptr.push(0);
    for c in &mut cols {
        c.sort_by_key(|&(i, _)| i);
        let mut last: Option<usize> = None;
        for &(i, v) in c.iter() {
            if last == Some(i) {
                *nzval.last_mut().expect("an entry was pushed") += v;
            } else {
                rowval.push(i);
                nzval.push(v);
                last = Some(i);
            }
        }
        colptr.push(rowval.len());
    }
    CscMatrix::new(rows.len(), n, colptr, rowval, nzval)
}

/// Verifies the solver's maximal-margin w constraint by constraint and
/// returns it rescaled so that min_μ a_μ·w = 1.
fn verify_solution(rows: &[SparseRow], sol: &DefaultSolution<f64>) -> Result<Verdict> {
    let w = sol.x.clone();
    let norm = w.iter().map(|v| v * v).sum::<f64>().sqrt();
    let min_field = rows
        .iter()
        .map(|r| r.iter().map(|&(j, v)| v * w[j]).sum::<f64>())
        .fold(f64::INFINITY, f64::min);
    // The solver's constraints hold to ~1e-8; accept a_μ·w ≥ 1/2
    // as the verified strict separation a_μ·w > 0 it certifies.
    if !(min_field > 0.5 && norm.is_finite() && norm > 0.0) {
        return Err(Error::NoConvergence {
            what: "maximal-margin QP (solution fails verification)".into(),
            iterations: sol.iterations as usize,
            residual: 1.0 - min_field,
            tolerance: 0.5,
        });
    }
    let weights: Vec<f64> = w.iter().map(|v| v / min_field).collect();
    Ok(Verdict::Feasible {
        margin: min_field / norm,
        weights,
    })
}

/// Verifies the solver's Farkas certificate z ≥ 0: the margin bound
/// |Σ z_μ a_μ|₂ / Σ z_μ must be at most [`CERTIFICATE_TOL`].
fn verify_certificate(n: usize, rows: &[SparseRow], sol: &DefaultSolution<f64>) -> Result<Verdict> {
    let z = &sol.z;
    let zsum: f64 = z.iter().map(|v| v.max(0.0)).sum();
    let mut comb = vec![0.0; n];
    for (mu, r) in rows.iter().enumerate() {
        let zm = z[mu].max(0.0);
        for &(j, v) in r {
            comb[j] += zm * v;
        }
    }
    let residual = comb.iter().map(|v| v * v).sum::<f64>().sqrt() / zsum;
    if !(zsum > 0.0 && residual <= CERTIFICATE_TOL) {
        return Err(Error::NoConvergence {
            what: "maximal-margin QP (infeasibility certificate fails verification)".into(),
            iterations: sol.iterations as usize,
            residual,
            tolerance: CERTIFICATE_TOL,
        });
    }
    Ok(Verdict::Infeasible { residual })
}

/// Decides feasibility of {w : a_μ·w ≥ 1 ∀μ} for dense constraint vectors
/// a_μ (all of one length n) by the maximal-margin QP, verifying the solver's
/// answer either way.
///
/// Fails with [`Error::InvalidInput`] for an empty problem or vectors of
/// different lengths, and with [`Error::NoConvergence`] when the solver stops
/// without an answer or its answer fails verification.
pub fn max_margin_dense(rows: &[Vec<f64>]) -> Result<Verdict> {
    let n = rows.first().map_or(0, |r| r.len());
    if rows.iter().any(|r| r.len() != n) {
        return Err(Error::InvalidInput(
            "constraint vectors of different lengths".into(),
        ));
    }
    let sparse: Vec<SparseRow> = rows
        .iter()
        .map(|r| r.iter().copied().enumerate().collect())
        .collect();
    max_margin_sparse(n, &sparse)
}

/// Checks the shape and entries of a pattern matrix (P patterns of N ±1).
pub(crate) fn check_patterns(patterns: &[Vec<f64>]) -> Result<usize> {
    let n = patterns.first().map_or(0, |p| p.len());
    if patterns.is_empty() || n < 2 {
        return Err(Error::InvalidInput(format!(
            "need at least one pattern of at least 2 neurons (got {} patterns of {n})",
            patterns.len()
        )));
    }
    for (mu, p) in patterns.iter().enumerate() {
        if p.len() != n || p.iter().any(|&s| s != 1.0 && s != -1.0) {
            return Err(Error::InvalidInput(format!(
                "pattern {mu} must have {n} entries, all ±1"
            )));
        }
    }
    Ok(n)
}

/// The constraints of row i of an asymmetric network: a_μ = ξ_i^μ ξ_{\i}^μ.
pub(crate) fn row_constraints(patterns: &[Vec<f64>], i: usize) -> Result<Vec<Vec<f64>>> {
    let n = check_patterns(patterns)?;
    if i >= n {
        return Err(Error::InvalidInput(format!(
            "row {i} out of range (N = {n})"
        )));
    }
    Ok(patterns
        .iter()
        .map(|p| (0..n).filter(|&j| j != i).map(|j| p[i] * p[j]).collect())
        .collect())
}

/// Decides row i of an asymmetric network (rows are independent problems);
/// the weights of a feasible verdict are J_ij for j ≠ i in increasing j.
pub fn row_verdict(patterns: &[Vec<f64>], i: usize) -> Result<Verdict> {
    max_margin_dense(&row_constraints(patterns, i)?)
}

/// Index of the coupling J_ij = J_ji (i ≠ j) among the N(N−1)/2 symmetric
/// couplings.
pub fn pair_index(n: usize, i: usize, j: usize) -> usize {
    let (a, b) = if i < j { (i, j) } else { (j, i) };
    // Pairs (a, b) with a < b, row by row: row a starts after
    // Σ_{r<a} (n − 1 − r) = a(2n − a − 1)/2 pairs.
    a * (2 * n - a - 1) / 2 + (b - a - 1)
}

/// Decides whether one symmetric coupling matrix (N(N−1)/2 parameters)
/// stabilises every pattern at every site: one QP over all couplings with
/// the N·P constraints ξ_i^μ Σ_{j≠i} J_ij ξ_j^μ ≥ 1. The weights of a
/// feasible verdict are the couplings J_ij = J_ji at [`pair_index`]`(N, i, j)`.
pub fn symmetric_verdict(patterns: &[Vec<f64>]) -> Result<Verdict> {
    let n = check_patterns(patterns)?;
    let mut rows = Vec::with_capacity(n * patterns.len());
    for p in patterns {
        for i in 0..n {
            rows.push(
                (0..n)
                    .filter(|&j| j != i)
                    .map(|j| (pair_index(n, i, j), p[i] * p[j]))
                    .collect(),
            );
        }
    }
    max_margin_sparse(n * (n - 1) / 2, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separable_and_not() {
        // Two constraints w1 ≥ 1, w2 ≥ 1: max margin at w = (1, 1), κ = 1/√2.
        let v = max_margin_dense(&[vec![1.0, 0.0], vec![0.0, 1.0]]).unwrap();
        match v {
            Verdict::Feasible { margin, .. } => {
                // Interior-point accuracy ~1e-8 on a 2-variable QP.
                assert!((margin - 0.5f64.sqrt()).abs() < 1e-6, "{margin}")
            }
            _ => panic!("{v:?}"),
        }
        // a and −a cannot both be positive.
        let v = max_margin_dense(&[vec![1.0, 2.0], vec![-1.0, -2.0]]).unwrap();
        assert!(!v.is_feasible());
        // XOR-like: (1,1), (−1,−1) with labels forcing w·x>0 and w·(−x)>0 in 1-d.
        let v = max_margin_dense(&[vec![1.0], vec![-1.0]]).unwrap();
        assert!(!v.is_feasible());
    }

    #[test]
    fn pair_index_is_a_bijection() {
        let n = 7;
        let mut seen = vec![false; n * (n - 1) / 2];
        for i in 0..n {
            for j in (i + 1)..n {
                let k = pair_index(n, i, j);
                assert_eq!(k, pair_index(n, j, i));
                assert!(!seen[k]);
                seen[k] = true;
            }
        }
        assert!(seen.iter().all(|&s| s));
    }

    #[test]
    fn few_patterns_are_stored_and_bad_input_is_rejected() {
        // Two orthogonal patterns on 4 neurons: Hebb couplings store both, so
        // both decisions must say feasible.
        let pats = vec![vec![1.0, 1.0, 1.0, 1.0], vec![1.0, -1.0, 1.0, -1.0]];
        for i in 0..4 {
            assert!(row_verdict(&pats, i).unwrap().is_feasible());
        }
        assert!(symmetric_verdict(&pats).unwrap().is_feasible());
        // Two patterns differing only at site 0 give row 0 the constraints
        // a and −a: not storable there, and hence not symmetrically either.
        let bad = vec![vec![1.0, 1.0, 1.0], vec![-1.0, 1.0, 1.0]];
        assert!(!row_verdict(&bad, 0).unwrap().is_feasible());
        assert!(row_verdict(&bad, 1).unwrap().is_feasible());
        assert!(!symmetric_verdict(&bad).unwrap().is_feasible());
        assert!(row_verdict(&[vec![1.0, 0.5]], 0).is_err());
        assert!(row_verdict(&pats, 9).is_err());
        assert!(max_margin_dense(&[]).is_err());
    }
}

#[cfg(test)]
mod symmetric_tests {
    use super::*;

    /// Independent check of the symmetric decision: rebuild J as a matrix from
    /// the QP's couplings and recompute every stability ξ_i Σ_j J_ij ξ_j.
    /// Also records the measured fact that symmetric couplings can store more
    /// than N − 1 random patterns (parameter counting is not a bound here).
    #[test]
    fn symmetric_solutions_verify_as_matrices_beyond_p_equal_n() {
        let n = 12;
        let p = 16; // α = 1.33 > 1
        let mut feasible = 0;
        for seed in 0..12u64 {
            let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            let pats: Vec<Vec<f64>> = (0..p)
                .map(|_| {
                    (0..n)
                        .map(|_| {
                            // xorshift64: a self-contained ±1 source for the test.
                            state ^= state << 13;
                            state ^= state >> 7;
                            state ^= state << 17;
                            if state & 1 == 1 {
                                1.0
                            } else {
                                -1.0
                            }
                        })
                        .collect()
                })
                .collect();
            if let Verdict::Feasible { weights, .. } = symmetric_verdict(&pats).unwrap() {
                feasible += 1;
                let mut j = vec![vec![0.0; n]; n];
                for a in 0..n {
                    for b in (a + 1)..n {
                        let w = weights[pair_index(n, a, b)];
                        j[a][b] = w;
                        j[b][a] = w;
                    }
                }
                for x in &pats {
                    for i in 0..n {
                        let h: f64 = (0..n).map(|k| j[i][k] * x[k]).sum();
                        // Scaled so the smallest constraint is 1; 1e-6 covers
                        // the interior-point solver's constraint residual.
                        assert!(
                            x[i] * h > 1.0 - 1e-6,
                            "stability {} at seed {seed}",
                            x[i] * h
                        );
                    }
                }
            }
        }
        assert!(feasible > 0, "no instance at α = 4/3 was storable");
    }
}
