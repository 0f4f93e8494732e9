//! The moments of one solver pass: the saddle-point function S and its
//! derivative (theory/replica.md eqs. (R4), (R7)) together with the moments
//! behind the reported quantities (eqs. (R8)–(R12)), gathered in one
//! quadrature so that the accepted iterate needs no extra integration.

use super::law::Law;
use crate::Result;

/// Expectations over the law at one x, each a plain E_t[·] over |t| ≤ 9.
#[derive(Debug, Clone, Copy)]
pub(super) struct Moments {
    /// E[(Δ* − t)²].
    pub resid2: f64,
    /// E[2(Δ* − t)²·∂Δ*/∂t].
    pub resid2_slope: f64,
    /// E[1], the Gaussian mass kept by the truncation.
    pub mass: f64,
    /// E[Δ* − c] about the centre c.
    pub shift: f64,
    /// E[(Δ* − c)²].
    pub shift2: f64,
    /// E[1 − ∂Δ*/∂t].
    pub stiffness: f64,
    /// E[(1 − ∂Δ*/∂t)²].
    pub stiffness2: f64,
    /// E[ℓ(Δ*)].
    pub loss: f64,
}

impl Moments {
    /// S = αE[(Δ*−t)²] (eq. (R4)) and dS/du = 2αE[(Δ*−t)²·∂Δ*/∂t] (eq. (R7)),
    /// u = ln x.
    pub fn saddle(&self, alpha: f64) -> (f64, f64) {
        (alpha * self.resid2, alpha * self.resid2_slope)
    }
}

impl Law {
    /// S and dS/du at the current x by the rough rule ([`Law::expect_rough`])
    /// on the panels between `bp`.
    pub(super) fn rough_saddle(&self, alpha: f64, bp: &[f64]) -> (f64, f64) {
        let [r2, r2_slope] = self.expect_rough(
            |p| {
                let r2 = p.resid * p.resid;
                [r2, 2.0 * r2 * p.slope]
            },
            bp,
        );
        (alpha * r2, alpha * r2_slope)
    }

    /// S and dS/du at the current x by the full adaptive rule on the panels
    /// between `bp`, without the other moments: the same integrand components
    /// as the first two of [`Law::moments`], so the same S and dS/du unless
    /// that pass refines a panel for one of its other moments.
    pub(super) fn saddle(&self, alpha: f64, bp: &[f64]) -> Result<(f64, f64)> {
        let r = self.expect_with(
            |p| {
                let r2 = p.resid * p.resid;
                [r2, 2.0 * r2 * p.slope]
            },
            false,
            bp,
        )?;
        let [r2, r2_slope] = r.value;
        Ok((alpha * r2, alpha * r2_slope))
    }

    /// The moments at the current x, about the centre `c`, on the panels
    /// between `bp`.
    pub(super) fn moments(&self, c: f64, bp: &[f64]) -> Result<Moments> {
        let r = self.expect_with(
            |p| {
                let r2 = p.resid * p.resid;
                let d = p.delta - c;
                [
                    r2,
                    2.0 * r2 * p.slope,
                    1.0,
                    d,
                    d * d,
                    p.value,
                    p.stiffness,
                    p.stiffness * p.stiffness,
                ]
            },
            true,
            bp,
        )?;
        let [resid2, resid2_slope, mass, shift, shift2, loss, stiffness, stiffness2] = r.value;
        Ok(Moments {
            resid2,
            resid2_slope,
            mass,
            shift,
            shift2,
            stiffness,
            stiffness2,
            loss,
        })
    }
}
