//! The constraint set of fixed-norm training (theory/training.md, eqs.
//! (T6)–(T8)): the product of spheres |J_i| = λ (asymmetric networks,
//! perceptrons) or the sphere ‖J‖_F = λ√N among symmetric zero-diagonal
//! matrices (symmetric networks), with the Frobenius metric.

use crate::learning::couplings::{axpy, row_norms, symmetrize_sum};
use crate::learning::problem::{Coupling, Problem};
use nalgebra::DMatrix;

/// The sphere (or product of spheres) on which fixed-norm training moves.
pub(crate) struct Sphere {
    coupling: Coupling,
    radius: f64,
}

impl Sphere {
    /// The constraint set of norm λ for the problem's coupling structure: radius λ
    /// per row, or λ√N for the whole symmetric matrix.
    pub(crate) fn new(problem: &Problem, lambda: f64) -> Self {
        let n = problem.n() as f64;
        let coupling = problem.coupling();
        Self {
            coupling,
            radius: if coupling == Coupling::Symmetric {
                lambda * n.sqrt()
            } else {
                lambda
            },
        }
    }

    /// Tangent-space projection at x (eq. (T7)): rows for the product of spheres,
    /// the whole matrix for the symmetric sphere.
    pub(crate) fn project(&self, x: &DMatrix<f64>, v: &mut DMatrix<f64>) {
        match self.coupling {
            Coupling::Symmetric => {
                let c = x.dot(v) / x.norm_squared();
                axpy(v, -c, x);
            }
            _ => {
                let r = x.nrows();
                let mut dots = vec![0.0; r];
                let mut sq = vec![0.0; r];
                for (xc, vc) in x.column_iter().zip(v.column_iter()) {
                    for i in 0..r {
                        dots[i] += xc[i] * vc[i];
                        sq[i] += xc[i] * xc[i];
                    }
                }
                let c: Vec<f64> = dots.iter().zip(&sq).map(|(d, s)| d / s).collect();
                for (xc, mut vc) in x.column_iter().zip(v.column_iter_mut()) {
                    for i in 0..r {
                        vc[i] -= c[i] * xc[i];
                    }
                }
            }
        }
    }

    /// Retraction by renormalisation (eq. (T8)).
    pub(crate) fn retract(&self, x: &mut DMatrix<f64>) {
        match self.coupling {
            Coupling::Symmetric => {
                let s = self.radius / x.norm();
                *x *= s;
            }
            _ => {
                let norms = row_norms(x);
                for mut col in x.column_iter_mut() {
                    for (v, nrm) in col.iter_mut().zip(&norms) {
                        *v *= self.radius / nrm;
                    }
                }
            }
        }
    }

    /// Euclidean gradient in J-space (symmetric: the projection (G + Gᵀ)/2 onto
    /// symmetric matrices, eq. (T6)).
    pub(crate) fn euclidean(&self, g: &mut DMatrix<f64>) {
        if self.coupling == Coupling::Symmetric {
            symmetrize_sum(g);
            *g *= 0.5;
        }
    }
}
