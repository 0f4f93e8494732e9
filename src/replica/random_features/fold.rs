//! The lines as folds of the reduced saddle-point equations
//! (theory/random_features.md §5, method F). At given loads the equations
//! reduce to one residual R(u) of the signal-to-noise ratio u (eqs. (RF17),
//! (RF18)); a retrieval state is a root of R, and the line is the load where
//! the largest value of R over u touches zero (R = 0 and ∂R/∂u = 0, the
//! saddle-node where the retrieval state and its unstable partner merge).

use super::equations::{learning_site, storage_site, Loads};
use super::spectrum::KAPPA1_SQ;
use crate::error::{ensure, Result};
use crate::numerics::roots::increasing_root;
use crate::Error;

/// The signal-to-noise ratios searched for the largest residual. Below 0.5 the
/// overlap of a feature state is under 0.38: no longer retrieval. The folds
/// lie at u ≈ 1.6–2.2 (2.14 for AGS), well inside; far from a line R may be
/// positive up to the upper end, which still means a retrieval root beyond it
/// since R → −∞ as u → ∞.
const U_RANGE: (f64, f64) = (0.5, 12.0);
/// Grid points of the first scan of R(u) over [`U_RANGE`].
const U_GRID: usize = 47;
/// Golden-section refinement of the maximum to this width in u; R is
/// quadratic near its maximum, so its value is then exact to ~R''·1e-18.
const U_TOL: f64 = 1e-9;
/// Relative width of the final bracket on the load.
const LOAD_RTOL: f64 = 1e-11;

/// A line point: the critical load and the state at the fold.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Line {
    /// The critical value: α_c for the storage line, α_D^c for the learning line.
    pub critical: f64,
    /// The signal-to-noise ratio u at the fold.
    pub u: f64,
    /// The overlap with the retrieved example (storage) or feature (learning) at the fold.
    pub overlap: f64,
    /// The reaction x = β(1 − q) at the fold.
    pub x: f64,
    /// |max_u R| at the returned load: the residual of the fold condition.
    pub residual: f64,
}

/// The reduced learning residual R(u) = 1 − ρ/ρ_req (RF17) with the state
/// (t, x); −∞ when no reaction below the spectral edge gives signal u.
pub fn learning_residual(loads: &Loads, u: f64) -> Result<(f64, f64, f64)> {
    let [t, s] = learning_site(u);
    let kg = KAPPA1_SQ * loads.spectrum.gamma;
    let edge = loads.spectrum.x_max();
    let target = u * s / t;
    let psi = |x: f64| -> Result<(f64, f64)> {
        let a = loads.spectrum.averages(x)?;
        Ok((kg * x * a.g1 - target, kg * (a.g1 + x * a.k1)))
    };
    if psi(edge)?.0 <= 0.0 {
        return Ok((f64::NEG_INFINITY, t, edge));
    }
    let x = increasing_root("learning reaction x", psi, (0.0, edge), 0.5 * edge)?;
    let (_, rho) = loads.gain_noise(x, t)?;
    let rho_req = (s / x).powi(2);
    Ok((1.0 - rho / rho_req, t, x))
}

/// The reduced storage residual R(u) = 1 − ρ/ρ_req (RF18) with the state
/// (m, x): w solves a_req(w) = a(x(w)), then ρ_req = (m/u)².
pub fn storage_residual(loads: &Loads, u: f64) -> Result<(f64, f64, f64)> {
    let edge = loads.spectrum.x_max();
    // F1(w) = w m/(u t) − a(s u/m), increasing in w; −∞ beyond the edge.
    let f1 = |w: f64| -> Result<(f64, [f64; 3])> {
        let v = storage_site(u, w)?;
        let [m, t, s] = v;
        let x = s * u / m;
        if x >= edge {
            return Ok((f64::NEG_INFINITY, v));
        }
        Ok((w * m / (u * t) - loads.gain(x)?, v))
    };
    let (mut lo, mut hi) = (0.0, 1.0);
    while f1(hi)?.0 <= 0.0 {
        lo = hi;
        hi *= 2.0;
        ensure(hi < 1e12, || format!("storage gain at u = {u}: no bracket"))?;
    }
    while hi - lo > 1e-14 * hi {
        let mid = 0.5 * (lo + hi);
        if f1(mid)?.0 <= 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let [m, t, s] = f1(0.5 * (lo + hi))?.1;
    let x = s * u / m;
    if x >= edge {
        return Ok((f64::NEG_INFINITY, m, x));
    }
    let (_, rho) = loads.gain_noise(x, t)?;
    Ok((1.0 - rho * (u / m).powi(2), m, x))
}

/// The largest residual over u: a grid scan then golden section around the
/// best grid point. Returns (R_max, u, overlap, x).
pub fn max_residual(
    mut r: impl FnMut(f64) -> Result<(f64, f64, f64)>,
) -> Result<(f64, f64, f64, f64)> {
    let (a, b) = U_RANGE;
    let h = (b - a) / (U_GRID - 1) as f64;
    let mut best = (f64::NEG_INFINITY, a);
    for i in 0..U_GRID {
        let u = a + h * i as f64;
        let v = r(u)?.0;
        if v > best.0 {
            best = (v, u);
        }
    }
    let (mut lo, mut hi) = ((best.1 - h).max(a), (best.1 + h).min(b));
    let g = 0.5 * (5f64.sqrt() - 1.0);
    let (mut c, mut d) = (hi - g * (hi - lo), lo + g * (hi - lo));
    let (mut fc, mut fd) = (r(c)?.0, r(d)?.0);
    while hi - lo > U_TOL {
        if fc >= fd {
            hi = d;
            (d, fd) = (c, fc);
            c = hi - g * (hi - lo);
            fc = r(c)?.0;
        } else {
            lo = c;
            (c, fc) = (d, fd);
            d = lo + g * (hi - lo);
            fd = r(d)?.0;
        }
    }
    let u = 0.5 * (lo + hi);
    let (v, overlap, x) = r(u)?;
    Ok((v, u, overlap, x))
}

/// The root in p of M(p) = max_u R(u; p), decreasing in p: bracketed by
/// halving and doubling from `start`, then bisected.
fn fold_root(
    what: &str,
    mut m: impl FnMut(f64) -> Result<(f64, f64, f64, f64)>,
    start: f64,
) -> Result<Line> {
    let (mut lo, mut hi) = (start, start);
    while m(lo)?.0 < 0.0 {
        lo *= 0.5;
        if lo < 1e-12 {
            return Err(Error::NoSolution(format!(
                "{what}: no retrieval state down to 1e-12"
            )));
        }
    }
    while m(hi)?.0 >= 0.0 {
        hi *= 2.0;
        if hi > 1e6 {
            return Err(Error::NoSolution(format!("{what}: retrieval up to 1e6")));
        }
    }
    while hi - lo > LOAD_RTOL * hi {
        let mid = 0.5 * (lo + hi);
        if m(mid)?.0 >= 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let (v, u, overlap, x) = m(lo)?;
    Ok(Line {
        critical: lo,
        u,
        overlap,
        x,
        residual: v.abs(),
    })
}

/// The storage line α_c(α_D) (RF19): the largest load at which a state
/// correlated with one training example is a fixed point of the Hebbian
/// couplings, for 0 < α_D ≤ 10^8.
pub fn storage_line(alpha_d: f64) -> Result<Line> {
    ensure(
        alpha_d.is_finite() && alpha_d > 0.0 && alpha_d <= 1e8,
        || format!("α_D must be positive and at most 1e8, got {alpha_d}"),
    )?;
    fold_root(
        &format!("storage line at α_D = {alpha_d}"),
        |alpha| {
            let loads = Loads::new(alpha, alpha_d)?;
            max_residual(|u| storage_residual(&loads, u))
        },
        0.1,
    )
}

/// The learning line α_D^c(α) (RF20): the largest feature density at which a
/// state correlated with one feature is a fixed point of the Hebbian
/// couplings built from P = αN examples, for 0 < α ≤ 10^6.
pub fn learning_line(alpha: f64) -> Result<Line> {
    ensure(alpha.is_finite() && alpha > 0.0 && alpha <= 1e6, || {
        format!("α must be positive and at most 1e6, got {alpha}")
    })?;
    fold_root(
        &format!("learning line at α = {alpha}"),
        |alpha_d| {
            let loads = Loads::new(alpha, alpha_d)?;
            max_residual(|u| learning_residual(&loads, u))
        },
        0.05,
    )
}
