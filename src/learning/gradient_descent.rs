//! Gradient-descent training with unbounded norm (theory/training.md, eq.
//! (T10)): plain full-batch descent with learning rate η from a zero, Hebbian or
//! small random start; `--init hebb --beta 0.1 --lr 10` is the paper's protocol.

use crate::error::{ensure, finite, Error, Result};
use crate::learning::couplings::symmetrize_sum;
use crate::learning::precision::{Precision, Real};
use crate::learning::problem::{Coupling, Operands, Problem, Workspace};
use crate::learning::span::{flops_per_epoch, Form, SpanState};
use crate::learning::trajectory::{Recorder, Snapshot, TrajectoryPoint};
use crate::numerics::rng;
use nalgebra::DMatrix;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Initial couplings for [`train_gd`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Init {
    /// J = 0.
    Zero,
    /// The Hebb rule, eq. (T11) (the paper's protocol).
    Hebb,
    /// Independent Gaussian entries of standard deviation `init_scale/√N`
    /// (symmetrised for symmetric couplings), zero diagonal.
    Random,
}

/// Settings of [`train_gd`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GdConfig {
    /// Inverse temperature β of the loss, eq. (T3) (the paper uses 0.1).
    pub beta: f64,
    /// Learning rate η on the mean loss L (the paper uses 10).
    pub lr: f64,
    /// Number of full-batch epochs.
    pub epochs: usize,
    /// Initial couplings.
    pub init: Init,
    /// Scale of the random initialisation (ignored otherwise).
    pub init_scale: f64,
    /// Seed of the random initialisation (ignored otherwise).
    pub seed: u64,
    /// Trajectory points per decade of epochs (log-spaced, eq. (T12)).
    pub points_per_decade: usize,
    /// Epochs at which all stabilities are stored (the last epoch always is).
    pub snapshots: Vec<usize>,
    /// Precision of the couplings, fields and residuals (f64 by default;
    /// omitted from serialised output when f64).
    #[serde(default, skip_serializing_if = "Precision::is_f64")]
    pub precision: Precision,
    /// Learning-rate decay γ per epoch, eq. (T20): epoch e (from 0) steps
    /// with η·γ^e (1 = constant rate, the default; omitted from serialised
    /// output when 1).
    #[serde(default = "no_decay", skip_serializing_if = "is_no_decay")]
    pub lr_decay: f64,
}

fn no_decay() -> f64 {
    1.0
}

fn is_no_decay(d: &f64) -> bool {
    *d == 1.0
}

impl GdConfig {
    /// Defaults: zero start, β = 1, 10 points per decade, snapshots at powers of 10.
    pub fn new(lr: f64, epochs: usize) -> Self {
        let mut snapshots = vec![];
        let mut e = 1;
        while e <= epochs {
            snapshots.push(e);
            e *= 10;
        }
        Self {
            beta: 1.0,
            lr,
            epochs,
            init: Init::Zero,
            init_scale: 0.01,
            seed: 0,
            points_per_decade: 10,
            snapshots,
            precision: Precision::F64,
            lr_decay: 1.0,
        }
    }

    /// The learning rate of epoch `e` (counted from 0), η·γ^e, eq. (T20).
    pub fn lr_at(&self, e: usize) -> f64 {
        self.lr * self.lr_decay.powi(e.min(i32::MAX as usize) as i32)
    }

    /// The paper's protocol: Hebb start, β = 0.1, learning rate 10.
    pub fn paper(epochs: usize) -> Self {
        Self {
            beta: 0.1,
            init: Init::Hebb,
            ..Self::new(10.0, epochs)
        }
    }
}

/// The outcome of [`train_gd`].
#[derive(Debug, Clone)]
pub struct GdResult {
    /// Couplings after the last epoch.
    pub j: DMatrix<f64>,
    /// Trajectory at log-spaced epochs.
    pub trajectory: Vec<TrajectoryPoint>,
    /// Stored stabilities.
    pub snapshots: Vec<Snapshot>,
}

/// Full-batch gradient descent on one problem, one epoch at a time, with
/// couplings, fields and residuals in precision `T` (the engine of
/// [`train_gd`], public for benchmarks and custom protocols). It iterates J
/// itself or its coefficients in the span of the patterns (eq. (T16)),
/// whichever is cheaper (eq. (T18)) unless a [`Form`] is given.
pub struct GradientDescent<'a, T: Real = f64> {
    problem: &'a Problem,
    ops: Cow<'a, Operands<T>>,
    state: State<T>,
    beta: f64,
    lr: f64,
    fresh: bool,
}

/// What gradient descent iterates: J and its buffers, or the span state.
enum State<T: Real> {
    Direct { ws: Workspace<T>, j: DMatrix<T> },
    Span(Box<SpanState<T>>),
}

impl<'a, T: Real> GradientDescent<'a, T> {
    /// Starts from couplings `j0` (checked with [`Problem::check_couplings`]),
    /// in the cheaper form for the problem ([`Form::Auto`]).
    pub fn new(problem: &'a Problem, j0: DMatrix<T>, beta: f64, lr: f64) -> Result<Self> {
        Self::with_form(problem, j0, beta, lr, Form::Auto)
    }

    /// Starts from couplings `j0` in the given form.
    pub fn with_form(
        problem: &'a Problem,
        j0: DMatrix<T>,
        beta: f64,
        lr: f64,
        form: Form,
    ) -> Result<Self> {
        check_rates(beta, lr)?;
        problem.check_couplings(&j0)?;
        let ops = problem.operands_in::<T>();
        let state = match form.resolve(problem) {
            Form::Span => State::Span(Box::new(SpanState::new(&ops, j0, problem.coupling()))),
            _ => {
                let mut ws = Workspace::new(&ops);
                if problem.coupling() != Coupling::Symmetric {
                    ws.g = DMatrix::zeros(0, 0);
                }
                State::Direct { ws, j: j0 }
            }
        };
        Ok(Self {
            problem,
            ops,
            state,
            beta,
            lr,
            fresh: false,
        })
    }

    /// Sets the learning rate of the next steps (a decaying schedule,
    /// eq. (T20)); fails unless it is positive and finite.
    pub fn set_lr(&mut self, lr: f64) -> Result<()> {
        check_rates(self.beta, lr)?;
        self.lr = lr;
        Ok(())
    }

    /// The form being iterated ([`Form::Direct`] or [`Form::Span`]).
    pub fn form(&self) -> Form {
        match self.state {
            State::Direct { .. } => Form::Direct,
            State::Span(_) => Form::Span,
        }
    }

    /// Floating-point operations of the matrix products of one epoch, eq. (T18).
    pub fn flops_per_step(&self) -> f64 {
        flops_per_epoch(self.problem, self.form())
    }

    /// The current couplings (formed from the span coefficients if needed).
    pub fn couplings(&self) -> Cow<'_, DMatrix<T>> {
        match &self.state {
            State::Direct { j, .. } => Cow::Borrowed(j),
            State::Span(s) => Cow::Owned(s.couplings(&self.ops)),
        }
    }

    /// The mean loss L (eq. (T3), summed in f64) at the current couplings;
    /// leaves the fields and residual in place so that the next
    /// [`step`](Self::step) reuses them.
    pub fn loss(&mut self) -> f64 {
        let l = match &mut self.state {
            State::Direct { ws, j } => ws.eval(&self.ops, j, self.beta, true),
            State::Span(s) => s.eval(&self.ops, self.beta, true),
        };
        self.fresh = true;
        l
    }

    /// The fields H = J X at the current couplings (after [`loss`](Self::loss)).
    fn fields(&self) -> Cow<'_, DMatrix<T>> {
        match &self.state {
            State::Direct { ws, .. } => Cow::Borrowed(&ws.h),
            State::Span(s) => Cow::Owned(s.fields()),
        }
    }

    /// One epoch J ← J − η ∇L (eq. (T10)): two matrix products (direct), or
    /// A ← A − η R̃ (eq. (T16)). Fails with [`Error::Diverged`] if the
    /// couplings become non-finite.
    pub fn step(&mut self) -> Result<()> {
        let fresh = std::mem::replace(&mut self.fresh, false);
        let finite = match &mut self.state {
            State::Direct { ws, j } => {
                direct_step(self.problem, &self.ops, ws, j, self.beta, self.lr, fresh)
            }
            State::Span(s) if fresh => s.apply_residual(self.lr),
            State::Span(s) => s.step_fused(&self.ops, self.beta, self.lr),
        };
        if !finite {
            return Err(Error::Diverged(format!(
                "gradient descent with learning rate {} produced non-finite couplings; lower --lr",
                self.lr
            )));
        }
        Ok(())
    }
}

/// One direct epoch J ← J − η G (eq. (T10)), evaluating fields and residual
/// first unless `fresh`; whether J stays finite.
fn direct_step<T: Real>(
    problem: &Problem,
    ops: &Operands<T>,
    ws: &mut Workspace<T>,
    j: &mut DMatrix<T>,
    beta: f64,
    lr: f64,
    fresh: bool,
) -> bool {
    if !fresh {
        ws.eval(ops, j, beta, false);
    }
    if problem.coupling() == Coupling::Symmetric {
        // The symmetrised gradient (eq. (T5)) is formed, then subtracted.
        ws.eval_gradient(ops);
        symmetrize_sum(&mut ws.g);
        subtract_scaled(j, T::of_f64(lr), &ws.g)
    } else {
        // −η R Xᵀ is added to J inside the GEMM (no gradient matrix).
        ws.descend_fused(ops, j, lr);
        all_finite(j)
    }
}

/// J ← J − η G and whether J stays finite, fused and in parallel over columns
/// (element-wise: the result does not depend on the threads).
fn subtract_scaled<T: Real>(j: &mut DMatrix<T>, lr: T, g: &DMatrix<T>) -> bool {
    let rows = j.nrows().max(1);
    j.as_mut_slice()
        .par_chunks_mut(rows)
        .zip(g.as_slice().par_chunks(rows))
        .map(|(jc, gc)| {
            let mut ok = true;
            for (a, &b) in jc.iter_mut().zip(gc) {
                *a -= lr * b;
                ok &= a.is_finite();
            }
            ok
        })
        .reduce(|| true, |a, b| a && b)
}

/// Whether every entry of `j` is finite (in parallel over columns).
fn all_finite<T: Real>(j: &DMatrix<T>) -> bool {
    let rows = j.nrows().max(1);
    j.as_slice()
        .par_chunks(rows)
        .all(|c| c.iter().all(|v| v.is_finite()))
}

/// Fails unless β and the learning rate are positive and finite.
fn check_rates(beta: f64, lr: f64) -> Result<()> {
    finite("beta", beta)?;
    ensure(beta > 0.0, || format!("beta must be positive, got {beta}"))?;
    finite("learning rate", lr)?;
    ensure(lr > 0.0, || {
        format!("the learning rate must be positive, got {lr}")
    })
}

/// Fails unless the learning-rate decay γ of eq. (T20) is in (0, 1].
pub(crate) fn check_decay(decay: f64) -> Result<()> {
    finite("learning-rate decay", decay)?;
    ensure(decay > 0.0 && decay <= 1.0, || {
        format!("the learning-rate decay must be in (0, 1], got {decay}")
    })
}

/// Progress report of [`train_gd`]: epochs completed.
pub type GdObserver<'a> = &'a mut dyn FnMut(usize);

/// Full-batch gradient descent J ← J − η ∇L (eq. (T10); symmetric couplings use
/// the gradient of eq. (T5), so J stays exactly symmetric), recording the
/// trajectory at [`log_epochs`](crate::learning::trajectory::log_epochs) and all
/// stabilities at `cfg.snapshots`.
///
/// Fails with [`Error::Diverged`] if the couplings become non-finite or the loss
/// exceeds 100 times its initial value (stable gradient descent on this convex
/// loss never increases it).
///
/// The kernels run in `cfg.precision`; losses, norms and statistics are
/// accumulated in f64 either way, and the result's couplings are in f64.
pub fn train_gd(problem: &Problem, cfg: &GdConfig, observer: GdObserver<'_>) -> Result<GdResult> {
    match cfg.precision {
        Precision::F64 => train_gd_in::<f64>(problem, cfg, observer),
        Precision::F32 => train_gd_in::<f32>(problem, cfg, observer),
    }
}

/// [`train_gd`] with the kernels in precision `T`.
fn train_gd_in<T: Real>(
    problem: &Problem,
    cfg: &GdConfig,
    observer: GdObserver<'_>,
) -> Result<GdResult> {
    check_rates(cfg.beta, cfg.lr)?;
    check_decay(cfg.lr_decay)?;
    ensure(cfg.epochs >= 1, || "at least one epoch is needed".into())?;
    let j = T::matrix_of_f64(initial_couplings(problem, cfg)?);
    let mut rec = Recorder::new(
        cfg.epochs,
        cfg.points_per_decade,
        cfg.init != Init::Zero,
        &cfg.snapshots,
        cfg.beta,
    );
    let mut gd = GradientDescent::<T>::new(problem, j, cfg.beta, cfg.lr)?;
    let mut loss0 = None;
    for epoch in 0..=cfg.epochs {
        // State after `epoch` updates.
        if epoch == 0 || rec.wants(epoch) {
            let l = gd.loss();
            let l0 = *loss0.get_or_insert(l);
            if !l.is_finite() || l > 100.0 * l0 {
                return Err(Error::Diverged(format!(
                    "gradient descent with learning rate {} diverged by epoch {epoch} (loss {l:.3e}, initial {l0:.3e}); lower --lr",
                    cfg.lr
                )));
            }
            let (h, j) = (gd.fields(), gd.couplings());
            let (h, j) = (T::matrix_f64(&h), T::matrix_f64(&j));
            rec.record(epoch, problem, &h, &j, l)?;
        }
        if epoch == cfg.epochs {
            break;
        }
        if cfg.lr_decay != 1.0 {
            gd.set_lr(cfg.lr_at(epoch))?;
        }
        gd.step().map_err(|e| match e {
            Error::Diverged(_) => Error::Diverged(format!(
                "gradient descent with learning rate {} diverged at epoch {} (non-finite couplings); lower --lr",
                cfg.lr,
                epoch + 1
            )),
            e => e,
        })?;
        observer(epoch + 1);
    }
    let (trajectory, snapshots) = rec.finish();
    Ok(GdResult {
        j: T::matrix_f64(&gd.couplings()).into_owned(),
        trajectory,
        snapshots,
    })
}

/// The starting couplings of [`train_gd`] for `cfg.init`.
pub(crate) fn initial_couplings(problem: &Problem, cfg: &GdConfig) -> Result<DMatrix<f64>> {
    let (r, n) = (problem.rows(), problem.n());
    Ok(match cfg.init {
        Init::Zero => DMatrix::zeros(r, n),
        Init::Hebb => problem.hebb(),
        Init::Random => {
            finite("init scale", cfg.init_scale)?;
            ensure(cfg.init_scale > 0.0, || {
                format!("the init scale must be positive, got {}", cfg.init_scale)
            })?;
            let mut rng = rng::stream(cfg.seed, rng::INIT_COUPLINGS);
            let sd = cfg.init_scale / (n as f64).sqrt();
            let mut j = DMatrix::from_fn(r, n, |_, _| {
                let z: f64 = StandardNormal.sample(&mut rng);
                sd * z
            });
            problem.constrain(&mut j);
            if problem.coupling() == Coupling::Symmetric {
                symmetrize_sum(&mut j);
                j *= std::f64::consts::FRAC_1_SQRT_2;
            }
            j
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::patterns::Patterns;

    /// Eq. (T20): epoch e steps with η γ^e; γ = 1 is plain (T10) bit for bit,
    /// and a decaying rate changes the result; γ outside (0, 1] is refused.
    #[test]
    fn learning_rate_decay() {
        let cfg = GdConfig {
            lr_decay: 0.999,
            ..GdConfig::new(100.0, 1000)
        };
        assert_eq!(cfg.lr_at(0), 100.0);
        // 0.999^1000 = e^{1000 ln 0.999} = 0.36770…: rounding of powi only.
        assert!((cfg.lr_at(1000) - 36.769_542_477_096_37).abs() < 1e-9);
        let x = nalgebra::DMatrix::from_fn(
            8,
            5,
            |i, j| if (i * 7 + j * 3) % 5 < 2 { 1.0 } else { -1.0 },
        );
        let problem =
            Problem::network(&Patterns::from_matrix(x).unwrap(), Coupling::Asymmetric).unwrap();
        let plain = GdConfig::new(1.0, 20);
        let a = train_gd(&problem, &plain, &mut |_| {}).unwrap().j;
        let one = GdConfig {
            lr_decay: 1.0,
            ..plain.clone()
        };
        assert_eq!(a, train_gd(&problem, &one, &mut |_| {}).unwrap().j);
        let decayed = GdConfig {
            lr_decay: 0.9,
            ..plain.clone()
        };
        assert_ne!(a, train_gd(&problem, &decayed, &mut |_| {}).unwrap().j);
        let bad = GdConfig {
            lr_decay: 1.5,
            ..plain
        };
        assert!(train_gd(&problem, &bad, &mut |_| {}).is_err());
    }
}
