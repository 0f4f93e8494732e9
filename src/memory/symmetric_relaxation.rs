//! Upper bounds on the maximal stability κ*_sym of symmetric couplings from
//! the rows' own maximal-stability solutions, theory/symmetric.md §9,
//! eqs. (S23)–(S26).
//!
//! Row i alone has the maximal-stability unit vector W_i and margin κ*_i.
//! Every unit vector with margin κ on row i's constraints has overlap at
//! least κ/κ*_i with W_i (S23). A symmetric J that stores at margin κ
//! therefore satisfies the N aggregated constraints J_i·W_i ≥ (κ/κ*_i)|J_i|;
//! the largest κ for which a symmetric J satisfies them, κ_agg, bounds κ*_sym
//! from above (S25), and so does the closed form max_i κ*_i |S_i| with
//! S = (W + Wᵀ)/2 (S24). Both keep the asymmetry of W, which the row bound
//! min_i κ*_i (S18) ignores.

use clarabel::algebra::CscMatrix;
use clarabel::solver::SolverStatus;
use nalgebra::DMatrix;

use crate::memory::feasibility::{pair_index, row_verdict, Verdict};
use crate::memory::symmetric_margin::{cone_position, coupling_matrix, solve_row_norm_program};
use crate::{Error, Result};

/// The rows' own maximal-stability solutions of one pattern set.
#[derive(Debug, Clone)]
pub struct RowOptima {
    /// κ*_i, each row's maximal margin (all > 0).
    pub margins: Vec<f64>,
    /// W: row i is row i's optimal coupling vector, unit norm, W_ii = 0.
    pub rows: DMatrix<f64>,
}

impl RowOptima {
    /// Solves every row by the maximal-margin QP of `feasibility.rs`.
    /// `Ok(None)` when some row is not separable (then κ*_sym ≤ 0 too).
    pub fn of(patterns: &[Vec<f64>]) -> Result<Option<Self>> {
        let n = crate::memory::feasibility::check_patterns(patterns)?;
        let mut margins = Vec::with_capacity(n);
        let mut rows = DMatrix::zeros(n, n);
        for i in 0..n {
            match row_verdict(patterns, i)? {
                Verdict::Feasible { margin, weights } => {
                    let norm = weights.iter().map(|v| v * v).sum::<f64>().sqrt();
                    for (k, j) in (0..n).filter(|&j| j != i).enumerate() {
                        rows[(i, j)] = weights[k] / norm;
                    }
                    margins.push(margin);
                }
                Verdict::Infeasible { .. } => return Ok(None),
            }
        }
        Ok(Some(RowOptima { margins, rows }))
    }

    /// min_i κ*_i, the row bound (S18).
    pub fn row_bound(&self) -> f64 {
        self.margins.iter().copied().fold(f64::INFINITY, f64::min)
    }

    /// a² = ‖(W − Wᵀ)/2‖²_F / ‖W‖²_F, the asymmetry of the rows' optima (S26).
    pub fn asymmetry(&self) -> f64 {
        let w = &self.rows;
        let a = (w - w.transpose()) * 0.5;
        a.norm_squared() / w.norm_squared()
    }

    /// |S_i| for every row, S = (W + Wᵀ)/2; their squares average 1 − a².
    pub fn symmetric_row_norms(&self) -> Vec<f64> {
        let s = (&self.rows + self.rows.transpose()) * 0.5;
        s.row_iter().map(|r| r.norm()).collect()
    }

    /// The closed-form bound (S24): max_i κ*_i |S_i|, S = (W + Wᵀ)/2.
    pub fn symmetric_part_bound(&self) -> f64 {
        self.symmetric_row_norms()
            .iter()
            .zip(&self.margins)
            .map(|(s, k)| k * s)
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// κ_agg of (S25) bracketed to `width` by bisection on the cone program
    /// (S25a). Returns (lower, upper): the lower end is the smallest ratio
    /// κ*_i J_i·W_i/|J_i| of a solution, recomputed from J; the upper end is
    /// the smallest κ the solver reports infeasible (its status, not a checked
    /// certificate), or (S24).
    ///
    /// Fails with [`Error::InvalidInput`] for a width outside (0, 1) and with
    /// [`Error::NoConvergence`] when a solve ends without a decision.
    pub fn aggregated_bound(&self, width: f64) -> Result<(f64, f64)> {
        if !(width > 0.0 && width < 1.0) {
            return Err(Error::InvalidInput(format!(
                "the bracket width must be in (0, 1), got {width}"
            )));
        }
        let (mut lo, mut hi) = (0.0, self.symmetric_part_bound());
        while hi - lo > width {
            let kappa = 0.5 * (lo + hi);
            match self.aggregated_step(kappa)? {
                Some(reached) => lo = reached.max(kappa),
                None => hi = kappa,
            }
        }
        Ok((lo, hi))
    }

    /// One solve of (S25a) at κ: the margin reached by a verified solution,
    /// or `None` when the solver proves infeasibility.
    fn aggregated_step(&self, kappa: f64) -> Result<Option<f64>> {
        let n = self.rows.nrows();
        let d = n * (n - 1) / 2;
        // Columns: the pair couplings, then r_1…r_N. Rows: N linear
        // constraints −W_i·J_i + (κ/κ*_i) r_i ≤ −1, then N cones (r_i, J_i).
        let mut cols: Vec<Vec<(usize, f64)>> = vec![Vec::new(); d + n];
        for a in 0..n {
            for b in (a + 1)..n {
                let k = pair_index(n, a, b);
                cols[k].push((a, -self.rows[(a, b)]));
                cols[k].push((b, -self.rows[(b, a)]));
                cols[k].push((n + a * n + cone_position(a, b), -1.0));
                cols[k].push((n + b * n + cone_position(b, a), -1.0));
            }
        }
        for i in 0..n {
            cols[d + i].push((i, kappa / self.margins[i]));
            cols[d + i].push((n + i * n, -1.0));
        }
        let (mut colptr, mut rowval, mut nzval) = (vec![0], Vec::new(), Vec::new());
        for mut c in cols {
            c.sort_by_key(|e| e.0);
            for (r, v) in c {
                rowval.push(r);
                nzval.push(v);
            }
            colptr.push(rowval.len());
        }
        let a = CscMatrix::new(n + n * n, d + n, colptr, rowval, nzval);
        let solver = solve_row_norm_program(&a, n, n)?;
        let sol = &solver.solution;
        match sol.status {
            SolverStatus::Solved | SolverStatus::AlmostSolved => {
                let j = coupling_matrix(n, &sol.x[..d]);
                let reached = (0..n)
                    .map(|i| self.margins[i] * j.row(i).dot(&self.rows.row(i)) / j.row(i).norm())
                    .fold(f64::INFINITY, f64::min);
                Ok(Some(reached))
            }
            SolverStatus::PrimalInfeasible | SolverStatus::AlmostPrimalInfeasible => Ok(None),
            other => Err(Error::NoConvergence {
                what: format!("aggregated symmetric cone program at κ = {kappa} ({other:?})"),
                iterations: sol.iterations as usize,
                residual: sol.r_prim.max(sol.r_dual),
                tolerance: 1e-8,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::couplings::stabilities;
    use crate::memory::rules::pseudo_inverse;
    use crate::memory::storability::random_patterns;
    use crate::memory::symmetric_margin::{coupling_matrix, symmetric_max_margin};
    use crate::numerics::rng;

    /// Bisection width of κ*_sym and κ_agg: far below the differences the
    /// tests compare, far above the solvers' 10⁻⁸ accuracy.
    const WIDTH: f64 = 1e-3;

    fn set(n: usize, p: usize, s: u64) -> Vec<Vec<f64>> {
        random_patterns(n, p, rng::derive(15, &[n as u64, p as u64, s]))
    }

    /// (S23) on two independent kinds of coupling vectors: the rows of the
    /// symmetric optimum (margin ≥ κ*_sym on every row) and the rows of the
    /// pseudo-inverse (each row at its own smallest stability). Each unit row
    /// with margin κ on row i has overlap ≥ κ/κ*_i with W_i; 10⁻⁶ is the
    /// maximal-margin QP's margin accuracy (feasibility.rs).
    #[test]
    fn a_row_with_margin_kappa_overlaps_the_optimum_by_kappa_over_its_maximum() {
        let mut checked = 0;
        for s in 0..6 {
            let pats = set(10, 6, s);
            let Some(rows) = RowOptima::of(&pats).unwrap() else {
                continue;
            };
            let xi = DMatrix::from_fn(10, 6, |i, mu| pats[mu][i]);
            let pinv = pseudo_inverse(&xi).unwrap();
            let delta = stabilities(&pinv, &xi).unwrap();
            let sym = symmetric_max_margin(&pats, WIDTH).unwrap().unwrap();
            let j = coupling_matrix(10, &sym.best.couplings);
            for i in 0..10 {
                let own = delta.row(i).min();
                let overlap = pinv.row(i).normalize().dot(&rows.rows.row(i));
                assert!(overlap >= own / rows.margins[i] - 1e-6, "pinv row {i}");
                let overlap = j.row(i).normalize().dot(&rows.rows.row(i));
                assert!(overlap >= sym.kappa / rows.margins[i] - 1e-6, "sym row {i}");
                // The bound is not vacuous here: the pseudo-inverse rows sit
                // well inside (0, 1].
                assert!(own / rows.margins[i] > 0.5);
            }
            checked += 1;
        }
        assert!(checked >= 4, "only {checked} sets had separable rows");
    }

    /// κ*_sym ≤ κ_agg ≤ min(κ_row, (S24)) set by set: the proved upper end of
    /// κ*_sym may exceed κ_agg's upper end by at most the two widths, and
    /// κ_agg's verified lower end stays below both closed-form bounds up to
    /// the QP's 10⁻⁶.
    #[test]
    fn the_relaxation_lies_between_the_symmetric_margin_and_the_row_bound() {
        for s in 0..4 {
            let pats = set(12, 12, s);
            let Some(rows) = RowOptima::of(&pats).unwrap() else {
                continue;
            };
            let (lo, hi) = rows.aggregated_bound(WIDTH).unwrap();
            assert!(hi - lo <= WIDTH && lo > 0.0);
            assert!(lo <= rows.row_bound() + 1e-6, "{lo} > {}", rows.row_bound());
            assert!(lo <= rows.symmetric_part_bound() + 1e-6);
            if let Some(sym) = symmetric_max_margin(&pats, WIDTH).unwrap() {
                assert!(sym.kappa <= hi + 1e-6, "κ*_sym {} > κ_agg {hi}", sym.kappa);
            }
        }
    }

    /// a² by an independent double loop, and its two extreme cases.
    #[test]
    fn asymmetry_is_the_antisymmetric_share_of_the_norm() {
        let rows = (0..)
            .find_map(|s| RowOptima::of(&set(9, 5, s)).unwrap())
            .unwrap();
        let (mut a, mut t) = (0.0, 0.0);
        for i in 0..9 {
            for j in 0..9 {
                a += ((rows.rows[(i, j)] - rows.rows[(j, i)]) / 2.0).powi(2);
                t += rows.rows[(i, j)].powi(2);
            }
        }
        assert!((rows.asymmetry() - a / t).abs() < 1e-14);
        assert!((t - 9.0).abs() < 1e-12, "unit rows");
        let m = DMatrix::from_fn(4, 4, |i, j| (j as f64 - i as f64).clamp(-1.0, 1.0));
        let anti = RowOptima {
            margins: vec![1.0; 4],
            rows: m.clone(),
        };
        assert_eq!(anti.asymmetry(), 1.0);
        let sym = RowOptima {
            margins: vec![1.0; 4],
            rows: m.abs(),
        };
        assert_eq!(sym.asymmetry(), 0.0);
        assert!(matches!(
            rows.aggregated_bound(0.0),
            Err(Error::InvalidInput(_))
        ));
    }
}
