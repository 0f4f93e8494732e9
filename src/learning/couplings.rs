//! Elementary operations on coupling matrices shared by training and the
//! learning rules.

use crate::learning::precision::Real;
use nalgebra::DMatrix;

/// Euclidean norms of the rows of `j`, `|J_i|`, summed in a fixed order
/// (column by column, so the result does not depend on threads).
pub fn row_norms(j: &DMatrix<f64>) -> Vec<f64> {
    let mut s = vec![0.0; j.nrows()];
    for col in j.column_iter() {
        for (si, v) in s.iter_mut().zip(col.iter()) {
            *si += v * v;
        }
    }
    s.into_iter().map(f64::sqrt).collect()
}

/// Absolute row sums `Σ_j |J_ij|` of `j` (the ℓ¹ norms of its rows), summed
/// in a fixed order (column by column, so the result does not depend on
/// threads).
pub fn row_abs_sums(j: &DMatrix<f64>) -> Vec<f64> {
    let mut s = vec![0.0; j.nrows()];
    for col in j.column_iter() {
        for (si, v) in s.iter_mut().zip(col.iter()) {
            *si += v.abs();
        }
    }
    s
}

/// Sets the diagonal of a square coupling matrix to zero (no self-coupling).
pub fn zero_diagonal<T: Real>(j: &mut DMatrix<T>) {
    for i in 0..j.nrows().min(j.ncols()) {
        j[(i, i)] = T::zero();
    }
}

/// Replaces G by G + Gᵀ (exactly symmetric: both entries are the same sum).
/// Works on 64×64 tiles so that the transposed accesses stay in cache.
pub(crate) fn symmetrize_sum<T: Real>(g: &mut DMatrix<T>) {
    const B: usize = 64;
    let n = g.nrows();
    debug_assert_eq!(n, g.ncols());
    for cb in (0..n).step_by(B) {
        for rb in (0..=cb).step_by(B) {
            for c in cb..(cb + B).min(n) {
                for r in rb..(rb + B).min(c) {
                    let s = g[(r, c)] + g[(c, r)];
                    g[(r, c)] = s;
                    g[(c, r)] = s;
                }
            }
        }
    }
}

/// y ← y + a·x (element-wise, same shapes).
pub(crate) fn axpy(y: &mut DMatrix<f64>, a: f64, x: &DMatrix<f64>) {
    debug_assert_eq!(y.shape(), x.shape());
    for (yi, xi) in y.as_mut_slice().iter_mut().zip(x.as_slice()) {
        *yi += a * xi;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetrize_matches_definition() {
        for n in [1, 5, 64, 65, 150] {
            let g = DMatrix::from_fn(n, n, |i, j| {
                ((i * 31 + j * 17) % 23) as f64 - 11.5 + 0.1 * i as f64
            });
            let mut s = g.clone();
            symmetrize_sum(&mut s);
            for i in 0..n {
                for j in 0..n {
                    let want = if i == j {
                        g[(i, i)]
                    } else {
                        g[(i, j)] + g[(j, i)]
                    };
                    assert_eq!(s[(i, j)], want, "n {n} ({i},{j})");
                }
            }
        }
    }
}
