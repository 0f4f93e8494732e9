//! The two retrieval protocols, eqs. (M33)–(M34) of `theory/memory.md`: the
//! suite's converged protocol (relax to a fixed point, a 2-cycle or the step
//! cap) and the paper's (a fixed budget of synchronous steps, the overlap
//! measured after exactly that many).

use crate::error::{ensure, Result};
use crate::memory::dynamics::{DynamicsOptions, Network, Relaxation, Schedule};
use crate::memory::retrieval::flips_for;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

/// Synchronous steps of the paper's protocol, eq. (M34).
pub const PAPER_STEPS: usize = 10;

/// How a retrieval measurement perturbs and relaxes a pattern.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// Eq. (M33): `round(N(1 − m_IN)/2)` flipped spins, relaxation until a
    /// fixed point, a 2-cycle or the step cap of the [`DynamicsOptions`];
    /// retrieved means ended at a fixed point equal to the pattern.
    #[default]
    Converged,
    /// Eq. (M34), the authors' code: `⌊N(1 − m_IN)/2⌋` flipped spins and
    /// exactly `steps` synchronous steps; `m_F` is the overlap after them and
    /// retrieved means `m_F = 1` then.
    Paper {
        /// The step budget (the paper's is [`PAPER_STEPS`]).
        steps: usize,
    },
}

impl Protocol {
    /// The paper's protocol with its budget of [`PAPER_STEPS`] steps.
    pub fn paper() -> Self {
        Self::Paper { steps: PAPER_STEPS }
    }

    /// Flipped spins for the initial overlap `m_in ∈ [−1, 1]`: rounded
    /// (converged, eq. (M17)) or truncated as the authors' `int(·)` (paper,
    /// eq. (M34)). The realised overlap is `1 − 2k/N` either way.
    pub fn flips(&self, n: usize, m_in: f64) -> Result<usize> {
        let k = flips_for(n, m_in)?;
        Ok(match self {
            Self::Converged => k,
            Self::Paper { .. } => ((n as f64) * (1.0 - m_in) / 2.0).floor() as usize,
        })
    }

    /// Checks that the protocol can run with the dynamics `dynamics`: the
    /// paper's is synchronous with a budget of at least one step.
    pub fn check(&self, dynamics: &DynamicsOptions) -> Result<()> {
        match self {
            Self::Converged => Ok(()),
            Self::Paper { steps } => {
                ensure(*steps >= 1, || {
                    "the paper's protocol needs a budget of at least one step".into()
                })?;
                ensure(dynamics.schedule == Schedule::Synchronous, || {
                    "the paper's protocol uses synchronous dynamics (eq. (M34))".into()
                })
            }
        }
    }

    /// Relaxes the columns of `states` under the protocol. Converged: as
    /// [`Network::relax`] with `dynamics`. Paper: the state after exactly
    /// `steps` synchronous steps, eq. (M34).
    pub fn relax(
        &self,
        net: &Network,
        states: DMatrix<f64>,
        dynamics: &DynamicsOptions,
    ) -> Result<Relaxation> {
        self.check(dynamics)?;
        match *self {
            Self::Converged => net.relax(states, dynamics),
            Self::Paper { steps } => relax_exactly(net, states, steps),
        }
    }

    /// Whether a relaxation that ended equal to the pattern counts as
    /// retrieved: always for the paper (m_F = 1 after the budget), only at a
    /// fixed point when converged (eq. (M19)).
    pub fn retrieved(&self, equal: bool, converged: bool) -> bool {
        match self {
            Self::Converged => equal && converged,
            Self::Paper { .. } => equal,
        }
    }
}

/// The states after exactly `steps` synchronous steps, eq. (M34).
/// [`Network::relax`] with the cap `steps` returns `x(steps)` for a state
/// still moving or at a fixed point, and `x(s)` for a state stopped on a
/// 2-cycle `x(s + 1) = x(s − 1)` after `s` steps; since the cycle repeats,
/// `x(steps)` is `x(s)` when `steps − s` is even and `x(s + 1)` (one more
/// step) when it is odd.
fn relax_exactly(net: &Network, states: DMatrix<f64>, steps: usize) -> Result<Relaxation> {
    let opts = DynamicsOptions {
        schedule: Schedule::Synchronous,
        max_steps: steps,
        seed: 0,
    };
    let mut r = net.relax(states, &opts)?;
    let odd: Vec<usize> = (0..r.states.ncols())
        .filter(|&c| r.cycled[c] && (steps - r.steps[c]) % 2 == 1)
        .collect();
    if odd.is_empty() {
        return Ok(r);
    }
    let one = DynamicsOptions {
        max_steps: 1,
        ..opts
    };
    let x = DMatrix::from_fn(r.states.nrows(), odd.len(), |i, k| r.states[(i, odd[k])]);
    let next = net.relax(x, &one)?;
    for (k, &c) in odd.iter().enumerate() {
        r.states.column_mut(c).copy_from(&next.states.column(k));
        r.steps[c] += 1;
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::dynamics::tie_tolerances;
    use crate::numerics::rng;
    use rand::RngExt;

    /// `steps` synchronous updates of every column, one at a time, with the
    /// tie band of eq. (M13): the definition that eq. (M34) implements.
    fn naive(j: &DMatrix<f64>, mut x: DMatrix<f64>, steps: usize) -> DMatrix<f64> {
        let tau = tie_tolerances(j);
        for _ in 0..steps {
            let h = j * &x;
            x = DMatrix::from_fn(x.nrows(), x.ncols(), |i, c| {
                if h[(i, c)] > tau[i] {
                    1.0
                } else if h[(i, c)] < -tau[i] {
                    -1.0
                } else {
                    x[(i, c)]
                }
            });
        }
        x
    }

    #[test]
    fn paper_steps_equal_the_naive_loop_on_every_parity() {
        // Small asymmetric networks fall on 2-cycles and longer cycles within
        // a few steps, so every budget from 1 to 9 meets cycles stopped at
        // both parities; the states must equal the naive loop exactly.
        let mut g = rng::stream(7, 0);
        let n = 12;
        let mut cycled = 0;
        for _ in 0..20 {
            let mut j = DMatrix::from_fn(n, n, |_, _| g.random::<f64>() * 2.0 - 1.0);
            j.fill_diagonal(0.0);
            let net = Network::new(j.clone()).unwrap();
            let x = DMatrix::from_fn(n, 16, |_, _| if g.random::<bool>() { 1.0 } else { -1.0 });
            for steps in 1..10 {
                let p = Protocol::Paper { steps };
                let r = p
                    .relax(&net, x.clone(), &DynamicsOptions::default())
                    .unwrap();
                cycled += r.cycled.iter().filter(|&&c| c).count();
                assert_eq!(r.states, naive(&j, x.clone(), steps), "budget {steps}");
            }
        }
        assert!(cycled > 0, "no 2-cycle was exercised");
    }

    #[test]
    fn paper_flips_truncate_and_converged_flips_round() {
        // N(1 − m)/2 = 2.5 at N = 10, m = 0.5: int() gives 2, round() 3.
        assert_eq!(Protocol::paper().flips(10, 0.5).unwrap(), 2);
        assert_eq!(Protocol::Converged.flips(10, 0.5).unwrap(), 3);
        assert_eq!(Protocol::paper().flips(1000, 0.0).unwrap(), 500);
        assert!(Protocol::paper().flips(10, 1.5).is_err());
    }

    #[test]
    fn paper_protocol_refuses_asynchronous_dynamics_and_zero_steps() {
        let a = DynamicsOptions {
            schedule: Schedule::Asynchronous,
            ..Default::default()
        };
        assert!(Protocol::paper().check(&a).is_err());
        assert!(Protocol::Paper { steps: 0 }
            .check(&DynamicsOptions::default())
            .is_err());
        assert!(Protocol::Converged.check(&a).is_ok());
    }
}
