//! Adaptive Gauss–Kronrod quadrature (10-point Gauss, 21-point Kronrod) of
//! vector-valued integrands on a finite interval split at given breakpoints.
//!
//! The saddle-point solver integrates several moments of the same density in
//! one pass, so the integrand returns `[f64; K]` and every component is held
//! to the relative tolerance separately: panel errors are refined, largest
//! first, until for every component Σ|err_k| ≤ rtol · ∫|f_k|. The
//! `quadrature` crate is used in the tests as an independent rule (it handles
//! scalar integrands only and maps NaN to 0, so it is not used in production).
//!
//! A non-finite integrand value is an error, never silently dropped.

use crate::{Error, Result};

/// Kronrod nodes on [−1, 1] (non-negative half, descending); the Gauss nodes
/// are the odd-indexed ones. Values from QUADPACK's qk21.
const XGK: [f64; 11] = [
    0.995_657_163_025_808_1,
    0.973_906_528_517_171_7,
    0.930_157_491_355_708_2,
    0.865_063_366_688_984_5,
    0.780_817_726_586_416_9,
    0.679_409_568_299_024_4,
    0.562_757_134_668_604_7,
    0.433_395_394_129_247_2,
    0.294_392_862_701_460_2,
    0.148_874_338_981_631_2,
    0.0,
];
/// Kronrod weights matching [`XGK`].
const WGK: [f64; 11] = [
    0.011_694_638_867_371_874,
    0.032_558_162_307_964_73,
    0.054_755_896_574_351_995,
    0.075_039_674_810_919_95,
    0.093_125_454_583_697_6,
    0.109_387_158_802_297_64,
    0.123_491_976_262_065_85,
    0.134_709_217_311_473_33,
    0.142_775_938_577_060_08,
    0.147_739_104_901_338_5,
    0.149_445_554_002_916_9,
];
/// Gauss weights for the nodes XGK[1], XGK[3], …, XGK[9].
const WG: [f64; 5] = [
    0.066_671_344_308_688_14,
    0.149_451_349_150_580_6,
    0.219_086_362_515_982_04,
    0.269_266_719_309_996_35,
    0.295_524_224_714_752_87,
];

/// Result of an adaptive integration.
#[derive(Debug, Clone, Copy)]
pub struct Integral<const K: usize> {
    /// The integrals of each component.
    pub value: [f64; K],
    /// Estimated absolute error of each component.
    pub error: [f64; K],
    /// ∫|f_k|, the scale against which the relative tolerance is applied.
    pub abs: [f64; K],
    /// Number of integrand evaluations.
    pub evaluations: usize,
}

#[derive(Clone, Copy)]
struct Panel<const K: usize> {
    a: f64,
    b: f64,
    value: [f64; K],
    error: [f64; K],
    abs: [f64; K],
}

fn gk21<const K: usize>(f: &mut impl FnMut(f64) -> [f64; K], a: f64, b: f64) -> Result<Panel<K>> {
    let c = 0.5 * (a + b);
    let h = 0.5 * (b - a);
    let mut kron = [0.0; K];
    let mut gauss = [0.0; K];
    let mut abs = [0.0; K];
    let mut add = |x: f64, wk: f64, wg: f64| {
        let v = f(x);
        for k in 0..K {
            kron[k] += wk * v[k];
            gauss[k] += wg * v[k];
            abs[k] += wk * v[k].abs();
        }
    };
    add(c, WGK[10], 0.0);
    for j in 0..10 {
        let wg = if j % 2 == 1 { WG[j / 2] } else { 0.0 };
        let dx = h * XGK[j];
        add(c - dx, WGK[j], wg);
        add(c + dx, WGK[j], wg);
    }
    // NaN and ±∞ propagate into the weighted sum of |f|: one check per panel.
    if let Some(k) = (0..K).find(|&k| !abs[k].is_finite()) {
        return Err(Error::Other(format!(
            "integrand component {k} is not finite on [{a}, {b}]"
        )));
    }
    let mut value = [0.0; K];
    let mut error = [0.0; K];
    for k in 0..K {
        value[k] = h * kron[k];
        abs[k] *= h.abs();
        // The raw |K21 − G10| overestimates the error of the K21 value by
        // orders of magnitude on smooth integrands; QUADPACK's rescaling
        // (200·|K−G|/abs)^1.5 is used, floored at the rounding level.
        let raw = (h * (kron[k] - gauss[k])).abs();
        error[k] = if abs[k] > 0.0 && raw > 0.0 {
            (abs[k] * {
                let r = 200.0 * raw / abs[k];
                r * r.sqrt()
            }
            .min(1.0))
            .max(50.0 * f64::EPSILON * abs[k])
        } else {
            raw
        };
    }
    Ok(Panel {
        a,
        b,
        value,
        error,
        abs,
    })
}

/// Integrates `f` over the union of the intervals between consecutive
/// `breakpoints` (which must be sorted; empty intervals are skipped), refining
/// until every component meets `rtol` relative to ∫|f_k|, or `max_panels` is
/// reached (then [`Error::NoConvergence`] reports the worst relative error).
pub fn integrate<const K: usize>(
    mut f: impl FnMut(f64) -> [f64; K],
    breakpoints: &[f64],
    rtol: f64,
    max_panels: usize,
) -> Result<Integral<K>> {
    let mut panels: Vec<Panel<K>> = Vec::with_capacity(2 * breakpoints.len() + 8);
    for w in breakpoints.windows(2) {
        if w[1] > w[0] {
            panels.push(gk21(&mut f, w[0], w[1])?);
        }
    }
    loop {
        let mut value = [0.0; K];
        let mut error = [0.0; K];
        let mut abs = [0.0; K];
        for p in &panels {
            for k in 0..K {
                value[k] += p.value[k];
                error[k] += p.error[k];
                abs[k] += p.abs[k];
            }
        }
        // Worst component, relative to its own tolerance.
        let mut worst = 0.0_f64;
        let mut worst_k = 0;
        for k in 0..K {
            let r = error[k] / (rtol * abs[k] + f64::MIN_POSITIVE);
            if r > worst {
                worst = r;
                worst_k = k;
            }
        }
        if worst <= 1.0 {
            return Ok(Integral {
                value,
                error,
                abs,
                evaluations: 21 * panels.len(),
            });
        }
        if panels.len() >= max_panels {
            return Err(Error::NoConvergence {
                what: "adaptive Gauss–Kronrod quadrature".into(),
                iterations: panels.len(),
                residual: error[worst_k] / abs[worst_k].max(f64::MIN_POSITIVE),
                tolerance: rtol,
            });
        }
        // Bisect the panel contributing most to the worst component.
        let (i, _) = panels
            .iter()
            .enumerate()
            .fold((0, -1.0), |(bi, be), (i, p)| {
                if p.error[worst_k] > be {
                    (i, p.error[worst_k])
                } else {
                    (bi, be)
                }
            });
        let p = panels.swap_remove(i);
        let m = 0.5 * (p.a + p.b);
        if !(m > p.a && m < p.b) {
            return Err(Error::NoConvergence {
                what: "adaptive Gauss–Kronrod quadrature (panel at rounding level)".into(),
                iterations: panels.len(),
                residual: error[worst_k] / abs[worst_k].max(f64::MIN_POSITIVE),
                tolerance: rtol,
            });
        }
        panels.push(gk21(&mut f, p.a, m)?);
        panels.push(gk21(&mut f, m, p.b)?);
    }
}

/// ∫_a^b f by the 10-point Gauss rule alone (the Gauss half of [`integrate`]'s
/// Kronrod pair), with no error estimate: a cheap approximation on panels
/// that are already fine enough for the integrand.
pub fn gauss10<const K: usize>(f: &mut impl FnMut(f64) -> [f64; K], a: f64, b: f64) -> [f64; K] {
    let c = 0.5 * (a + b);
    let h = 0.5 * (b - a);
    let mut sum = [0.0; K];
    for (i, w) in WG.iter().enumerate() {
        let dx = h * XGK[2 * i + 1];
        let (lo, hi) = (f(c - dx), f(c + dx));
        for k in 0..K {
            sum[k] += w * (lo[k] + hi[k]);
        }
    }
    sum.map(|v| h * v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kronrod_and_gauss_rules_are_exact_for_polynomials() {
        // K21 integrates degree ≤ 31 exactly and G10 degree ≤ 19: a wrong digit
        // in any node or weight shows up far above the 1e-15 rounding level.
        for deg in 0..=31 {
            let exact = if deg % 2 == 1 {
                0.0
            } else {
                2.0 / (deg as f64 + 1.0)
            };
            let mut kron = WGK[10] * if deg == 0 { 1.0 } else { 0.0 };
            let mut gauss = 0.0;
            for j in 0..10 {
                let v = XGK[j].powi(deg) + (-XGK[j]).powi(deg);
                kron += WGK[j] * v;
                if j % 2 == 1 {
                    gauss += WG[j / 2] * v;
                }
            }
            assert!(
                (kron - exact).abs() < 2e-15,
                "Kronrod degree {deg}: {kron} vs {exact}"
            );
            if deg <= 19 {
                assert!(
                    (gauss - exact).abs() < 2e-15,
                    "Gauss degree {deg}: {gauss} vs {exact}"
                );
            }
        }
    }

    #[test]
    fn adaptive_integrals_with_known_values() {
        // ∫₀^π sin = 2; ∫₋₁⁰ e^{1000x} = (1 − e^{−1000})/1000 (a boundary layer of
        // width 1e-3 the adaptivity must find); ∫₀¹ √x = 2/3 (endpoint
        // singularity in the derivative). Requested 1e-12, checked at 1e-12
        // (the error estimate is conservative, so the result is better).
        let r = integrate(|x| [x.sin(), 1.0], &[0.0, std::f64::consts::PI], 1e-12, 100).unwrap();
        assert!((r.value[0] - 2.0).abs() < 2e-12);
        assert!((r.value[1] - std::f64::consts::PI).abs() < 1e-14);
        let r = integrate(|x| [(1000.0 * x).exp()], &[-1.0, 0.0], 1e-12, 200).unwrap();
        assert!((r.value[0] * 1000.0 - 1.0).abs() < 1e-12);
        let r = integrate(|x| [x.sqrt()], &[0.0, 1.0], 1e-10, 200).unwrap();
        assert!((r.value[0] - 2.0 / 3.0).abs() < 1e-10);
    }

    #[test]
    fn non_finite_integrand_is_an_error_and_budget_is_enforced() {
        assert!(integrate(|x| [1.0 / x], &[-1.0, 1.0], 1e-10, 50).is_err());
        let e =
            integrate(|x| [if x > 0.3 { 1.0 } else { 0.0 }], &[0.0, 1.0], 1e-15, 4).unwrap_err();
        assert!(matches!(e, Error::NoConvergence { .. }), "{e}");
    }
}
