//! Recording a gradient-descent run (theory/training.md, eq. (T12)): summary
//! points at log-spaced epochs and all stabilities at chosen epochs.

use crate::error::Result;
use crate::learning::problem::Problem;
use crate::learning::stabilities::Stabilities;
use crate::numerics::statistics::mean_std_population;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// One point of the gradient-descent trajectory.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrajectoryPoint {
    /// Epochs completed.
    pub epoch: usize,
    /// Mean over rows of the effective norm λ_i = β|J_i|.
    pub lambda_mean: f64,
    /// Standard deviation over rows of λ_i.
    pub lambda_std: f64,
    /// Mean loss in theory units, β·L = mean of ℓ_{λ_i}(Δ_i^μ) (eq. (T3)).
    pub loss: f64,
    /// Fraction of negative stabilities (training error ε).
    pub eps: f64,
    /// Mean of all stabilities.
    pub mean: f64,
    /// Variance of all stabilities.
    pub var: f64,
}

/// All stabilities at one epoch.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Epochs completed.
    pub epoch: usize,
    /// Effective row norms λ_i = β|J_i|.
    pub lambda: Vec<f64>,
    /// Stabilities Δ_i^μ (R×P).
    pub stabilities: DMatrix<f64>,
}

/// The recording epochs: 0 (if the start is not zero), and round(10^{k/m}) for
/// k = 0, 1, … up to `epochs` (duplicates removed), plus `epochs` itself (eq. (T12)).
pub fn log_epochs(epochs: usize, per_decade: usize, include_zero: bool) -> Vec<usize> {
    let mut v = vec![];
    if include_zero {
        v.push(0);
    }
    let m = per_decade.max(1) as f64;
    let mut k = 0;
    loop {
        let e = 10f64.powf(k as f64 / m).round() as usize;
        if e > epochs {
            break;
        }
        if v.last() != Some(&e) {
            v.push(e);
        }
        k += 1;
    }
    if epochs > 0 && v.last() != Some(&epochs) {
        v.push(epochs);
    }
    v
}

/// Collects the trajectory points and snapshots of one run of `epochs` epochs at
/// inverse temperature `beta`.
pub(crate) struct Recorder<'a> {
    epochs: usize,
    beta: f64,
    points_at: Vec<usize>,
    next_point: usize,
    snapshots_at: &'a [usize],
    trajectory: Vec<TrajectoryPoint>,
    snapshots: Vec<Snapshot>,
}

impl<'a> Recorder<'a> {
    /// Points at [`log_epochs`]`(epochs, per_decade, include_zero)`, snapshots at
    /// the epochs `snapshots_at` (> 0) and at the last epoch.
    pub(crate) fn new(
        epochs: usize,
        per_decade: usize,
        include_zero: bool,
        snapshots_at: &'a [usize],
        beta: f64,
    ) -> Self {
        Self {
            epochs,
            beta,
            points_at: log_epochs(epochs, per_decade, include_zero),
            next_point: 0,
            snapshots_at,
            trajectory: vec![],
            snapshots: vec![],
        }
    }

    /// Whether the state after `epoch` updates is recorded (a point, a snapshot
    /// or both).
    pub(crate) fn wants(&self, epoch: usize) -> bool {
        self.wants_point(epoch) || self.wants_snapshot(epoch)
    }

    fn wants_point(&self, epoch: usize) -> bool {
        self.next_point < self.points_at.len() && self.points_at[self.next_point] == epoch
    }

    fn wants_snapshot(&self, epoch: usize) -> bool {
        epoch == self.epochs || (epoch > 0 && self.snapshots_at.contains(&epoch))
    }

    /// Records the state after `epoch` updates, given its fields H = J X,
    /// couplings J and mean loss L (eq. (T3)), if [`wants`](Self::wants) it.
    pub(crate) fn record(
        &mut self,
        epoch: usize,
        problem: &Problem,
        fields: &DMatrix<f64>,
        j: &DMatrix<f64>,
        loss: f64,
    ) -> Result<()> {
        let (want_point, want_snap) = (self.wants_point(epoch), self.wants_snapshot(epoch));
        if !(want_point || want_snap) {
            return Ok(());
        }
        let st = Stabilities::from_fields(problem, fields, j)?;
        let lam: Vec<f64> = st.row_norms.iter().map(|v| self.beta * v).collect();
        if want_point {
            let (lm, ls) = mean_std_population(&lam);
            let s = st.summary()?;
            self.trajectory.push(TrajectoryPoint {
                epoch,
                lambda_mean: lm,
                lambda_std: ls,
                loss: self.beta * loss,
                eps: s.eps,
                mean: s.mean,
                var: s.var,
            });
            self.next_point += 1;
        }
        if want_snap {
            self.snapshots.push(Snapshot {
                epoch,
                lambda: lam,
                stabilities: st.delta,
            });
        }
        Ok(())
    }

    /// The recorded trajectory and snapshots.
    pub(crate) fn finish(self) -> (Vec<TrajectoryPoint>, Vec<Snapshot>) {
        (self.trajectory, self.snapshots)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_epochs_grid() {
        assert_eq!(log_epochs(10, 2, false), vec![1, 3, 10]);
        assert_eq!(log_epochs(12, 1, true), vec![0, 1, 10, 12]);
        let v = log_epochs(10_000, 10, false);
        assert_eq!(v[0], 1);
        assert_eq!(*v.last().unwrap(), 10_000);
        assert!(v.windows(2).all(|w| w[0] < w[1]));
    }
}
