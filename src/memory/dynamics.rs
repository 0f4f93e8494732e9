//! Zero-temperature dynamics `x ← sign(J x)` of a network with couplings `J`,
//! eqs. (M13)–(M15) of `theory/memory.md`.
//!
//! States are ±1 vectors stored as the columns of an N×B `f64` matrix, so
//! that B relaxations run together: a synchronous step of all active states
//! is one matrix–matrix product (GEMM through `numerics::gemm`), and
//! asynchronous relaxations run in parallel over states with rayon. Both are
//! deterministic given the seed (the asynchronous update order of column `b`
//! is drawn from its own ChaCha stream [`rng::ASYNC`]` + b`, independent of
//! thread scheduling).
//!
//! Ties: a spin changes only when its field has the opposite sign beyond the
//! floating-point rounding bound `τ_i = 2 N ε_mach Σ_j |J_ij|` of eq. (M13);
//! a field inside `[−τ_i, τ_i]` counts as zero and leaves the spin unchanged.
//! This makes exact ties of integer-valued rules (Hebb with even P, …)
//! independent of summation order.

use crate::error::{ensure, Error, Result};
use crate::learning::couplings::row_abs_sums;
use crate::memory::couplings::check_couplings;
use crate::memory::guarded_fields::GuardedFields;
use crate::numerics::gemm::gemm;
use crate::numerics::rng;
use nalgebra::DMatrix;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Update schedule of the zero-temperature dynamics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Schedule {
    /// All spins at once, `x(t+1) = sign(J x(t))`, eq. (M14) (the paper's).
    #[default]
    Synchronous,
    /// Random-sequential: sweeps over a fresh random permutation of the
    /// spins, each updated with the current fields, eq. (M15).
    Asynchronous,
}

impl std::str::FromStr for Schedule {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "sync" | "synchronous" => Ok(Self::Synchronous),
            "async" | "asynchronous" => Ok(Self::Asynchronous),
            _ => Err(Error::InvalidInput(format!(
                "unknown dynamics '{s}' (expected sync or async)"
            ))),
        }
    }
}

/// Options of a relaxation.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct DynamicsOptions {
    /// Synchronous or asynchronous updates.
    pub schedule: Schedule,
    /// Step cap: synchronous steps, or asynchronous sweeps of N updates.
    pub max_steps: usize,
    /// Seed of the asynchronous update orders (unused when synchronous).
    pub seed: u64,
}

impl Default for DynamicsOptions {
    fn default() -> Self {
        Self {
            schedule: Schedule::Synchronous,
            max_steps: 1000,
            seed: 1,
        }
    }
}

/// Outcome of [`Network::relax`].
#[derive(Clone, Debug)]
pub struct Relaxation {
    /// Final states (N×B), fixed points where `converged` holds.
    pub states: DMatrix<f64>,
    /// Steps (synchronous) or sweeps (asynchronous) that changed the state.
    pub steps: Vec<usize>,
    /// Whether each state reached a fixed point before the step cap
    /// (otherwise it is on a cycle or still moving).
    pub converged: Vec<bool>,
    /// Whether each state was stopped early on a detected 2-cycle
    /// (synchronous dynamics only; such a state is not converged).
    pub cycled: Vec<bool>,
}

/// Tie tolerances `τ_i = 2 N ε_mach Σ_j |J_ij|` of eq. (M13): a bound on the
/// rounding error of a computed field `Σ_j J_ij x_j` (plus as many
/// incremental updates) in double precision.
pub(crate) fn tie_tolerances(j: &DMatrix<f64>) -> Vec<f64> {
    let f = 2.0 * j.nrows() as f64 * f64::EPSILON;
    let mut t = row_abs_sums(j);
    t.iter_mut().for_each(|v| *v *= f);
    t
}

/// The spin that `x` takes under field `h` with tie band `tau`, eq. (M13).
#[inline]
fn update(x: f64, h: f64, tau: f64) -> f64 {
    if h > tau {
        1.0
    } else if h < -tau {
        -1.0
    } else {
        x
    }
}

/// A network ready for zero-temperature dynamics: couplings, tie bands and
/// the guarded single-precision fields of eq. (M32).
#[derive(Clone, Debug)]
pub struct Network {
    j: DMatrix<f64>,
    tau: Vec<f64>,
    guarded: Option<GuardedFields>,
}

impl Network {
    /// Wraps couplings `J` (square, finite, zero diagonal). Synchronous
    /// steps compute the fields in f32 where eq. (M32) proves every update
    /// equal to the f64 one, so the results are those of f64 throughout.
    pub fn new(j: DMatrix<f64>) -> Result<Self> {
        check_couplings(&j)?;
        let tau = tie_tolerances(&j);
        let guarded = GuardedFields::new(&j, &tau);
        Ok(Self { j, tau, guarded })
    }

    /// The same network with every field computed in f64 (the reference
    /// that the guarded f32 steps of eq. (M32) reproduce bit for bit).
    pub fn without_single_precision(mut self) -> Self {
        self.guarded = None;
        self
    }

    /// Number of neurons N.
    pub fn n(&self) -> usize {
        self.j.nrows()
    }

    /// The couplings.
    pub fn couplings(&self) -> &DMatrix<f64> {
        &self.j
    }

    fn check_states(&self, states: &DMatrix<f64>) -> Result<()> {
        ensure(states.nrows() == self.n(), || {
            format!(
                "states have {} rows but the network has N = {}",
                states.nrows(),
                self.n()
            )
        })?;
        ensure(states.iter().all(|&v| v == 1.0 || v == -1.0), || {
            "state entries must be +1 or -1".into()
        })
    }

    /// Whether each column of `states` is a fixed point of `x ← sign(J x)`,
    /// eq. (M13): no spin has a field of opposite sign beyond its tie band.
    pub fn fixed_points(&self, states: &DMatrix<f64>) -> Result<Vec<bool>> {
        self.check_states(states)?;
        let h = &self.j * states;
        Ok(h.column_iter()
            .zip(states.column_iter())
            .map(|(hc, xc)| {
                hc.iter()
                    .zip(xc.iter())
                    .zip(&self.tau)
                    .all(|((&h, &x), &t)| update(x, h, t) == x)
            })
            .collect())
    }

    /// Relaxes every column of `states` with the zero-temperature dynamics
    /// until it is a fixed point or `max_steps` steps have been made.
    pub fn relax(&self, states: DMatrix<f64>, opts: &DynamicsOptions) -> Result<Relaxation> {
        self.check_states(&states)?;
        ensure(opts.max_steps >= 1, || "max_steps must be >= 1".into())?;
        Ok(match opts.schedule {
            Schedule::Synchronous => self.relax_sync(states, opts.max_steps),
            Schedule::Asynchronous => self.relax_async(states, opts.max_steps, opts.seed),
        })
    }

    /// Synchronous relaxation, eq. (M14): each step moves all the states
    /// that are still active at once, and a state leaves the batch at a fixed
    /// point, on a 2-cycle or at the step cap.
    fn relax_sync(&self, mut states: DMatrix<f64>, max_steps: usize) -> Relaxation {
        let b = states.ncols();
        let mut steps = vec![0usize; b];
        let mut converged = vec![false; b];
        let mut cycled = vec![false; b];
        // The state one step back, to detect 2-cycles (the only cycles of
        // symmetric couplings, and common in asymmetric ones).
        let mut prev: Vec<Option<Vec<f64>>> = vec![None; b];
        let mut active: Vec<usize> = (0..b).collect();
        let mut t = 0;
        while !active.is_empty() {
            let new = self.sync_step(&states, &active);
            let mut still = Vec::with_capacity(active.len());
            for (k, (col, changed)) in new.into_iter().enumerate() {
                let c = active[k];
                if !changed {
                    converged[c] = true;
                    continue;
                }
                if prev[c].as_deref() == Some(col.as_slice()) {
                    // x(t+1) = x(t−1): a 2-cycle, which never reaches a
                    // fixed point; stop here (eq. (M14)).
                    cycled[c] = true;
                    continue;
                }
                if t == max_steps {
                    // The cap is reached and the state still moves.
                    continue;
                }
                let x = states.column(c);
                match &mut prev[c] {
                    Some(p) => p.copy_from_slice(x.as_slice()),
                    None => prev[c] = Some(x.as_slice().to_vec()),
                }
                states.column_mut(c).copy_from_slice(&col);
                steps[c] += 1;
                still.push(c);
            }
            active = still;
            t += 1;
        }
        Relaxation {
            states,
            steps,
            converged,
            cycled,
        }
    }

    /// One synchronous step `x ← sign(J x)` of the columns `active` of
    /// `states`: the new columns, each with whether it changed. The guarded
    /// f32 step of eq. (M32) when it decides every spin, else [`Self::exact_step`].
    fn sync_step(&self, states: &DMatrix<f64>, active: &[usize]) -> Vec<(Vec<f64>, bool)> {
        self.guarded
            .as_ref()
            .and_then(|g| g.step(&self.tau, states, active))
            .unwrap_or_else(|| self.exact_step(states, active))
    }

    /// One synchronous step of the columns `active` of `states` as one f64
    /// GEMM, eq. (M14).
    fn exact_step(&self, states: &DMatrix<f64>, active: &[usize]) -> Vec<(Vec<f64>, bool)> {
        let n = states.nrows();
        let xa = DMatrix::from_fn(n, active.len(), |i, k| states[(i, active[k])]);
        let mut h = DMatrix::zeros(n, active.len());
        gemm(&mut h, 1.0, &self.j, &xa, 0.0);
        (0..active.len())
            .into_par_iter()
            .map(|k| {
                let mut changed = false;
                let col: Vec<f64> = (0..n)
                    .map(|i| {
                        let x = xa[(i, k)];
                        let y = update(x, h[(i, k)], self.tau[i]);
                        changed |= y != x;
                        y
                    })
                    .collect();
                (col, changed)
            })
            .collect()
    }

    /// Asynchronous relaxation, eq. (M15): the columns in parallel, column
    /// `c` with the update orders of stream `rng::ASYNC + c`.
    fn relax_async(&self, mut states: DMatrix<f64>, max_sweeps: usize, seed: u64) -> Relaxation {
        let (n, b) = states.shape();
        let out: Vec<(usize, bool)> = states
            .as_mut_slice()
            .par_chunks_mut(n)
            .enumerate()
            .map(|(c, x)| {
                let mut rng = rng::stream(seed, rng::ASYNC + c as u64);
                let mut h = vec![0.0; n];
                let mut order: Vec<usize> = (0..n).collect();
                match relax_async_in_place(
                    &self.j, &self.tau, x, &mut h, &mut order, &mut rng, max_sweeps,
                ) {
                    Some(s) => (s, true),
                    None => (max_sweeps, false),
                }
            })
            .collect();
        debug_assert_eq!(out.len(), b);
        Relaxation {
            states,
            steps: out.iter().map(|o| o.0).collect(),
            converged: out.iter().map(|o| o.1).collect(),
            cycled: vec![false; b],
        }
    }
}

/// Random-sequential relaxation of one state `x` in place, eq. (M15).
///
/// Each sweep visits the spins in a fresh random order, flipping `x_i` when
/// `x_i h_i < −τ_i` and updating the fields incrementally,
/// `h += 2 x_i J[:, i]`. The fields are recomputed exactly, `h = J x`, at the
/// start and whenever N flips have accumulated since the last recomputation:
/// each incremental update adds a rounding error of at most
/// `ε_mach Σ_j |J_ij|` to `h_i` (|h_i| never exceeds that sum), so the error
/// stays within the tie band `τ_i` of eq. (M13). A sweep without flips is
/// confirmed on exact fields before the state is declared a fixed point.
/// Returns the number of sweeps that flipped a spin (then `h` holds `J x`),
/// or `None` if `max_sweeps` sweeps all flipped spins.
pub(crate) fn relax_async_in_place(
    j: &DMatrix<f64>,
    tau: &[f64],
    x: &mut [f64],
    h: &mut [f64],
    order: &mut [usize],
    rng: &mut ChaCha8Rng,
    max_sweeps: usize,
) -> Option<usize> {
    let n = x.len();
    exact_fields(j, x, h);
    let mut since = 0usize; // flips since the last exact computation
    for sweep in 0..=max_sweeps {
        if since >= n {
            exact_fields(j, x, h);
            since = 0;
        }
        order.shuffle(rng);
        let flips = sweep_once(j, tau, x, h, order, sweep == max_sweeps)?;
        since += flips;
        if flips == 0 {
            if since == 0 {
                return Some(sweep);
            }
            // Confirm on exact fields; if some spin is unstable after all,
            // carry on from the exact fields.
            exact_fields(j, x, h);
            since = 0;
            if (0..n).all(|i| update(x[i], h[i], tau[i]) == x[i]) {
                return Some(sweep);
            }
        }
    }
    None
}

/// One sweep of eq. (M15) over the spins in `order`, flipping unstable spins
/// and updating the fields incrementally, `h += 2 x_i J[:, i]`. Returns the
/// number of flips, or `None` if a spin must flip while `last` (the sweep cap
/// is reached).
fn sweep_once(
    j: &DMatrix<f64>,
    tau: &[f64],
    x: &mut [f64],
    h: &mut [f64],
    order: &[usize],
    last: bool,
) -> Option<usize> {
    let mut flips = 0usize;
    for &i in order {
        let y = update(x[i], h[i], tau[i]);
        if y != x[i] {
            if last {
                return None;
            }
            x[i] = y;
            flips += 1;
            let col = j.column(i);
            let a = 2.0 * y;
            for (hk, &jki) in h.iter_mut().zip(col.iter()) {
                *hk += a * jki;
            }
        }
    }
    Some(flips)
}

/// Computes the fields `h = J x` exactly, column by column (J is
/// column-major), eq. (M15).
fn exact_fields(j: &DMatrix<f64>, x: &[f64], h: &mut [f64]) {
    h.iter_mut().for_each(|v| *v = 0.0);
    for (k, &xk) in x.iter().enumerate() {
        let col = j.column(k);
        for (hi, &jik) in h.iter_mut().zip(col.iter()) {
            *hi += jik * xk;
        }
    }
}

/// Overlap `m = (1/N) ξ·x`, eq. (M17).
pub fn overlap(xi: &[f64], x: &[f64]) -> f64 {
    xi.iter().zip(x).map(|(a, b)| a * b).sum::<f64>() / xi.len() as f64
}
