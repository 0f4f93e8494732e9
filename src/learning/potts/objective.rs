//! The weighted, penalised negative pseudo-log-likelihood of a Potts model and
//! its gradient, asymmetric (eq. (Q6)) and symmetric (eq. (Q7)), from the site
//! terms of eqs. (Q3)–(Q5) (theory/potts.md §2).

use super::data::{PottsData, MISSING};
use super::model::PottsModel;
use crate::error::{ensure, Result};
use crate::learning::problem::Coupling;
use rayon::prelude::*;

/// The L2 penalties: λ_h on the fields and λ_J on the couplings, applied as plmc
/// applies `-lh` and `-le` (no rescaling; eqs. (Q6), (Q7)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Penalty {
    /// λ_h, the fields' penalty.
    pub lambda_h: f64,
    /// λ_J, the couplings' penalty.
    pub lambda_j: f64,
}

impl Penalty {
    /// Checks that both penalties are finite and non-negative.
    pub fn check(&self) -> Result<()> {
        for (name, v) in [("lambda-h", self.lambda_h), ("lambda-j", self.lambda_j)] {
            ensure(v.is_finite() && v >= 0.0, || {
                format!("{name} must be a finite non-negative number, got {v}")
            })?;
        }
        Ok(())
    }
}

/// Site i's unpenalised term f_i of eq. (Q5) at fields `h` (q) and couplings
/// `w` (site layout, L·q·q); adds ∂f_i/∂h_i to `gh` and ∂f_i/∂J_ij to `gw`.
pub(crate) fn site_term(
    data: &PottsData,
    i: usize,
    h: &[f64],
    w: &[f64],
    gh: &mut [f64],
    gw: &mut [f64],
) -> f64 {
    let q = data.q();
    let mut pot = vec![0.0; q];
    let mut f = 0.0;
    for (s, &weight) in data.weights().iter().enumerate() {
        let seq = data.sequence(s);
        let si = seq[i];
        if si == MISSING || weight == 0.0 {
            continue;
        }
        pot.copy_from_slice(h);
        for (j, &b) in seq.iter().enumerate() {
            if j != i && b != MISSING {
                let blk = &w[(j * q + b as usize) * q..][..q];
                pot.iter_mut().zip(blk).for_each(|(p, v)| *p += v);
            }
        }
        let m = pot.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
        let own = pot[si as usize] - m;
        let mut z = 0.0;
        for p in pot.iter_mut() {
            *p = (*p - m).exp();
            z += *p;
        }
        // −ln P(σ_i) = ln z − (H(σ_i) − m), finite however small P(σ_i) is.
        f += weight * (z.ln() - own);
        let scale = weight / z;
        pot.iter_mut().for_each(|p| *p *= scale);
        pot[si as usize] -= weight;
        gh.iter_mut().zip(&pot).for_each(|(g, r)| *g += r);
        for (j, &b) in seq.iter().enumerate() {
            if j != i && b != MISSING {
                let blk = &mut gw[(j * q + b as usize) * q..][..q];
                blk.iter_mut().zip(&pot).for_each(|(g, r)| *g += r);
            }
        }
    }
    f
}

/// Site i's asymmetric objective F_i = f_i + λ_h|h_i|² + (λ_J/2) Σ_j |J_ij|²,
/// eq. (Q6), at x = (h_i, site-layout couplings of i); its gradient in `g`.
pub(crate) fn site_objective(
    data: &PottsData,
    i: usize,
    pen: Penalty,
    x: &[f64],
    g: &mut [f64],
) -> f64 {
    let q = data.q();
    g.iter_mut().for_each(|v| *v = 0.0);
    let (h, w) = x.split_at(q);
    let (gh, gw) = g.split_at_mut(q);
    let mut f = site_term(data, i, h, w, gh, gw);
    f += penalise(h, gh, pen.lambda_h) + penalise(w, gw, 0.5 * pen.lambda_j);
    f
}

/// The penalty λ|x|², returned, and its gradient 2λx, added to `g`.
fn penalise(x: &[f64], g: &mut [f64], lambda: f64) -> f64 {
    g.iter_mut()
        .zip(x)
        .for_each(|(g, x)| *g += 2.0 * lambda * x);
    lambda * x.iter().map(|v| v * v).sum::<f64>()
}

/// The objective of `model` on `data` and its gradient with respect to every
/// stored parameter: eq. (Q6) summed over sites (asymmetric), or eq. (Q7)
/// (symmetric: `model` must be symmetric, and the gradient with respect to the
/// shared J_ij(a, b) = J_ji(b, a) is stored at both places, as eq. (T5) does for
/// the binary network). The two agree on symmetric couplings.
pub fn objective(
    data: &PottsData,
    model: &PottsModel,
    pen: Penalty,
    coupling: Coupling,
) -> Result<(f64, PottsModel)> {
    pen.check()?;
    model.check(data.l(), data.q())?;
    ensure(coupling != Coupling::Perceptron, || {
        "a Potts model has asymmetric or symmetric couplings".into()
    })?;
    if coupling == Coupling::Symmetric {
        ensure(model.is_symmetric(), || {
            "symmetric objective at couplings that are not symmetric".into()
        })?;
    }
    let mut grad = PottsModel::zeros(data.l(), data.q());
    let f = objective_into(data, model, &mut grad, pen, coupling == Coupling::Symmetric);
    Ok((f, grad))
}

/// The objective of eq. (Q6) summed over sites, or of eq. (Q7) if `symmetric`
/// (the gradient then folded onto both halves), with its gradient written into
/// `grad`; no checks (see [`objective`]).
pub(crate) fn objective_into(
    data: &PottsData,
    model: &PottsModel,
    grad: &mut PottsModel,
    pen: Penalty,
    symmetric: bool,
) -> f64 {
    let mut f = site_terms(data, &model.h, &model.w, &mut grad.h, &mut grad.w);
    f += penalise(&model.h, &mut grad.h, pen.lambda_h);
    f += penalise(&model.w, &mut grad.w, 0.5 * pen.lambda_j);
    if symmetric {
        fold_transposes(&mut grad.w, data.l(), data.q());
    }
    f
}

/// Σ_i f_i over all sites in parallel (eq. (Q5)); gradients into `gh`, `gw`
/// (site layout). The sum is taken in site order, whatever the thread count.
fn site_terms(data: &PottsData, h: &[f64], w: &[f64], gh: &mut [f64], gw: &mut [f64]) -> f64 {
    let (l, q) = (data.l(), data.q());
    let n = l * q * q;
    let fs: Vec<f64> = gh
        .par_chunks_mut(q)
        .zip(gw.par_chunks_mut(n))
        .enumerate()
        .map(|(i, (ghi, gwi))| {
            ghi.iter_mut().for_each(|v| *v = 0.0);
            gwi.iter_mut().for_each(|v| *v = 0.0);
            site_term(data, i, &h[i * q..][..q], &w[i * n..][..n], ghi, gwi)
        })
        .collect();
    fs.iter().sum()
}

/// Replaces every block pair by g_ij(a, b) + g_ji(b, a) at both places: the
/// gradient with respect to the shared symmetric coupling (eq. (Q7)).
fn fold_transposes(gw: &mut [f64], l: usize, q: usize) {
    for i in 0..l {
        for j in i + 1..l {
            for a in 0..q {
                for b in 0..q {
                    let u = ((i * l + j) * q + b) * q + a;
                    let v = ((j * l + i) * q + a) * q + b;
                    let s = gw[u] + gw[v];
                    gw[u] = s;
                    gw[v] = s;
                }
            }
        }
    }
}
