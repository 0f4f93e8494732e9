//! Elementary operations on coupling matrices shared by training and the
//! learning rules.

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

/// Sets the diagonal of a square coupling matrix to zero (no self-coupling).
pub fn zero_diagonal(j: &mut DMatrix<f64>) {
    for i in 0..j.nrows().min(j.ncols()) {
        j[(i, i)] = 0.0;
    }
}
