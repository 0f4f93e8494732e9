//! Dense matrix products C ← α A B + β C through the `gemm` crate, which picks
//! AVX-512, AVX2/FMA or SSE micro-kernels at run time and splits the work over
//! rayon's threads. nalgebra's own products go through `matrixmultiply`, which
//! has no AVX-512 kernels: on this suite's 2-core AVX-512 machine the `gemm`
//! crate is 1.4–1.7 times as fast in f32 (README, Performance).
//!
//! The threads split the output into blocks; each entry's sum over the inner
//! dimension runs in the same order whatever the thread count, so results do
//! not depend on it (tested below).

use nalgebra::{DMatrix, Dyn, Matrix, RawStorage, Scalar};

/// The element types the `gemm` crate multiplies (sealed: f32 and f64).
pub trait GemmScalar: Scalar + Copy + PartialEq + sealed::Sealed {
    /// The additive identity.
    const ZERO: Self;
}

impl GemmScalar for f32 {
    const ZERO: Self = 0.0;
}

impl GemmScalar for f64 {
    const ZERO: Self = 0.0;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// C ← α A B + β C, as nalgebra's `Matrix::gemm` (C is not read when β = 0,
/// so it may hold anything). A and B may be views with any strides, for
/// instance a transpose viewed in place.
///
/// # Panics
/// If the shapes do not conform (a programming error).
pub fn gemm<T, SA, SB>(
    c: &mut DMatrix<T>,
    alpha: T,
    a: &Matrix<T, Dyn, Dyn, SA>,
    b: &Matrix<T, Dyn, Dyn, SB>,
    beta: T,
) where
    T: GemmScalar,
    SA: RawStorage<T, Dyn, Dyn>,
    SB: RawStorage<T, Dyn, Dyn>,
{
    gemm_with(c, alpha, a, b, beta, rayon::current_num_threads())
}

/// [`gemm`] on at most `threads` threads (1: on the calling thread).
fn gemm_with<T, SA, SB>(
    c: &mut DMatrix<T>,
    alpha: T,
    a: &Matrix<T, Dyn, Dyn, SA>,
    b: &Matrix<T, Dyn, Dyn, SB>,
    beta: T,
    threads: usize,
) where
    T: GemmScalar,
    SA: RawStorage<T, Dyn, Dyn>,
    SB: RawStorage<T, Dyn, Dyn>,
{
    let (m, k) = a.shape();
    let n = b.ncols();
    assert_eq!(b.nrows(), k, "gemm: inner dimensions differ");
    assert_eq!(c.shape(), (m, n), "gemm: output shape differs");
    if m == 0 || n == 0 {
        return;
    }
    let (a_rs, a_cs) = a.strides();
    let (b_rs, b_cs) = b.strides();
    let c_cs = m as isize;
    let parallelism = if threads > 1 {
        gemm::Parallelism::Rayon(threads)
    } else {
        gemm::Parallelism::None
    };
    // SAFETY: the pointers address `a`, `b` and `c` with their own strides
    // and the shapes checked above; `c` is borrowed mutably and does not alias
    // `a` or `b` (they are borrowed shared); T is f32 or f64, the types the
    // crate multiplies. With k = 0 the crate scales C by β only.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            c_cs,
            1,
            beta != T::ZERO,
            a.as_ptr(),
            a_cs as isize,
            a_rs as isize,
            b.as_ptr(),
            b_cs as isize,
            b_rs as isize,
            beta,
            alpha,
            false,
            false,
            false,
            parallelism,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrixView;

    fn filled(r: usize, c: usize, s: usize) -> DMatrix<f64> {
        DMatrix::from_fn(r, c, |i, j| {
            (((i * 31 + j * 17 + s) % 23) as f64 - 11.0) / 7.0
        })
    }

    /// Entries are multiples of 1/7 of size ≤ 11/7. Each of the k products
    /// and additions of one entry rounds once in f64, in an order that may
    /// differ between the two libraries, so they differ by at most
    /// 2k·2⁻⁵³·Σ|a||b| ≤ 2·70·1.1e-16·70·(11/7)² = 2.7e-12 (times |α| = 0.5).
    #[test]
    fn agrees_with_nalgebra_for_every_layout() {
        let (m, k, n) = (37, 70, 29);
        let a = filled(m, k, 1);
        let b = filled(k, n, 2);
        let c0 = filled(m, n, 3);
        let mut want = c0.clone();
        want.gemm(-0.5, &a, &b, 2.0);
        let mut got = c0.clone();
        gemm(&mut got, -0.5, &a, &b, 2.0);
        assert!((&got - &want).amax() <= 2.7e-12, "plain");
        // Transposes viewed in place (strides (n, 1) instead of (1, n)).
        let at = a.transpose();
        let bt = b.transpose();
        let av = DMatrixView::from_slice_with_strides(at.as_slice(), m, k, k, 1);
        let bv = DMatrixView::from_slice_with_strides(bt.as_slice(), k, n, n, 1);
        let mut got = c0.clone();
        gemm(&mut got, -0.5, &av, &bv, 2.0);
        assert!((&got - &want).amax() <= 2.7e-12, "transposed views");
        // β = 0 never reads C, even when it holds NaN.
        let mut got = DMatrix::from_element(m, n, f64::NAN);
        gemm(&mut got, 1.0, &a, &b, 0.0);
        let mut want = DMatrix::zeros(m, n);
        want.gemm(1.0, &a, &b, 0.0);
        assert!((&got - &want).amax() <= 2.7e-12, "beta = 0");
    }

    #[test]
    fn results_do_not_depend_on_the_thread_count() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap();
        for &(m, k, n) in &[(300, 200, 150), (64, 1000, 64), (500, 40, 700)] {
            let a = filled(m, k, 4).map(|v| v as f32);
            let b = filled(k, n, 5).map(|v| v as f32);
            let mut one = DMatrix::from_element(m, n, 1.5f32);
            let mut four = one.clone();
            gemm_with(&mut one, 0.3, &a, &b, -1.0, 1);
            pool.install(|| gemm_with(&mut four, 0.3, &a, &b, -1.0, 4));
            assert!(one == four, "{m}×{k}×{n}");
        }
    }

    #[test]
    #[should_panic(expected = "inner dimensions")]
    fn refuses_nonconforming_shapes() {
        let mut c = DMatrix::<f64>::zeros(2, 2);
        gemm(&mut c, 1.0, &filled(2, 3, 0), &filled(2, 2, 0), 0.0);
    }
}
