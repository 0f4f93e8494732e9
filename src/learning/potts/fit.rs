//! Fitting a Potts model by penalised pseudo-likelihood: asymmetric couplings
//! site by site in parallel (eq. (Q6)), symmetric couplings jointly (eq. (Q7)),
//! each by L-BFGS (eq. (Q9)) from the independent-site fields and zero couplings.

use super::data::PottsData;
use super::lbfgs::{minimize, LbfgsOptions};
use super::model::PottsModel;
use super::objective::{objective_into, site_objective, Penalty};
use crate::error::{Error, Result};
use crate::learning::problem::Coupling;
use rayon::prelude::*;
use serde::Serialize;

/// What to fit and how far.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PottsConfig {
    /// Asymmetric (per-site regressions) or symmetric (joint) couplings.
    pub coupling: Coupling,
    /// The L2 penalties.
    pub penalty: Penalty,
    /// Stopping rule: |∇F| ≤ `gradient_tolerance` for the whole objective (each
    /// of the L asymmetric regressions stops at `gradient_tolerance`/√L).
    pub lbfgs: LbfgsOptions,
}

/// A fitted model and how the optimisation ended.
#[derive(Debug, Clone)]
pub struct PottsFit {
    /// The parameters.
    pub model: PottsModel,
    /// Report of the optimisation.
    pub report: FitReport,
}

/// The optimisation's end: objective, gradient norm at the returned point,
/// iterations (the largest over the sites for asymmetric fits), evaluations.
#[derive(Debug, Clone, Serialize)]
pub struct FitReport {
    /// The objective F at the returned point (eq. (Q6) summed, or (Q7)).
    pub objective: f64,
    /// |∇F| at the returned point.
    pub gradient_norm: f64,
    /// L-BFGS iterations (the maximum over sites for asymmetric couplings).
    pub iterations: u64,
    /// Objective evaluations (summed over sites for asymmetric couplings).
    pub evaluations: u64,
    /// Whether |∇F| reached the tolerance.
    pub converged: bool,
}

/// Fits a Potts model to `data` (see the module documentation).
pub fn fit_potts(data: &PottsData, cfg: &PottsConfig) -> Result<PottsFit> {
    cfg.penalty.check()?;
    match cfg.coupling {
        Coupling::Asymmetric => fit_asymmetric(data, cfg),
        Coupling::Symmetric => fit_symmetric(data, cfg),
        Coupling::Perceptron => Err(Error::InvalidInput(
            "a Potts model has asymmetric or symmetric couplings".into(),
        )),
    }
}

/// L independent regressions (eq. (Q6)), in parallel over sites.
fn fit_asymmetric(data: &PottsData, cfg: &PottsConfig) -> Result<PottsFit> {
    let (l, q) = (data.l(), data.q());
    let n = l * q * q;
    let h0 = data.independent_fields();
    let mut opts = cfg.lbfgs;
    opts.gradient_tolerance /= (l as f64).sqrt();
    let sites: Vec<_> = (0..l)
        .into_par_iter()
        .map(|i| {
            let mut x0 = vec![0.0; q + n];
            x0[..q].copy_from_slice(&h0[i * q..][..q]);
            let f = |x: &[f64], g: &mut [f64]| site_objective(data, i, cfg.penalty, x, g);
            minimize(f, x0, opts)
        })
        .collect::<Result<_>>()?;
    let mut model = PottsModel::zeros(l, q);
    let mut report = FitReport {
        objective: 0.0,
        gradient_norm: 0.0,
        iterations: 0,
        evaluations: 0,
        converged: false,
    };
    for (i, m) in sites.iter().enumerate() {
        model.h[i * q..][..q].copy_from_slice(&m.x[..q]);
        model.w[i * n..][..n].copy_from_slice(&m.x[q..]);
        report.objective += m.value;
        report.gradient_norm += m.gradient_norm * m.gradient_norm;
        report.iterations = report.iterations.max(m.iterations);
        report.evaluations += m.evaluations;
    }
    report.gradient_norm = report.gradient_norm.sqrt();
    report.converged = report.gradient_norm <= cfg.lbfgs.gradient_tolerance;
    Ok(PottsFit { model, report })
}

/// One joint L-BFGS over the fields and the couplings of the pairs i < j
/// (eq. (Q7)).
fn fit_symmetric(data: &PottsData, cfg: &PottsConfig) -> Result<PottsFit> {
    let (l, q) = (data.l(), data.q());
    let mut x0 = vec![0.0; l * q + l * (l - 1) / 2 * q * q];
    x0[..l * q].copy_from_slice(&data.independent_fields());
    let mut full = PottsModel::zeros(l, q);
    let mut grad = PottsModel::zeros(l, q);
    let scratch = std::sync::Mutex::new((&mut full, &mut grad));
    let f = |x: &[f64], g: &mut [f64]| {
        let mut s = scratch.lock().unwrap();
        let (m, gm) = &mut *s;
        unpack_symmetric(x, m);
        let v = objective_into(data, m, gm, cfg.penalty, true);
        pack_symmetric(gm, g);
        v
    };
    let min = minimize(f, x0, cfg.lbfgs)?;
    let mut model = PottsModel::zeros(l, q);
    unpack_symmetric(&min.x, &mut model);
    let report = FitReport {
        objective: min.value,
        gradient_norm: min.gradient_norm,
        iterations: min.iterations,
        evaluations: min.evaluations,
        converged: min.gradient_norm <= cfg.lbfgs.gradient_tolerance,
    };
    Ok(PottsFit { model, report })
}

/// The free parameters of symmetric couplings, (h, then block (i, j) for i < j
/// in site layout), written into a full symmetric model.
pub(crate) fn unpack_symmetric(x: &[f64], m: &mut PottsModel) {
    let (l, q) = (m.l(), m.q());
    m.h.copy_from_slice(&x[..l * q]);
    let mut k = l * q;
    for i in 0..l {
        for j in i + 1..l {
            for b in 0..q {
                for a in 0..q {
                    let v = x[k];
                    k += 1;
                    m.w[((i * l + j) * q + b) * q + a] = v;
                    m.w[((j * l + i) * q + a) * q + b] = v;
                }
            }
        }
    }
}

/// The inverse of [`unpack_symmetric`]: blocks (i, j), i < j, of a full model.
pub(crate) fn pack_symmetric(m: &PottsModel, x: &mut [f64]) {
    let (l, q) = (m.l(), m.q());
    x[..l * q].copy_from_slice(&m.h);
    let mut k = l * q;
    for i in 0..l {
        for j in i + 1..l {
            let blk = &m.w[(i * l + j) * q * q..][..q * q];
            x[k..k + q * q].copy_from_slice(blk);
            k += q * q;
        }
    }
}
