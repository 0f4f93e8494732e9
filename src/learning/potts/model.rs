//! Potts parameters: fields h_i(a) and couplings J_ij(a, b), stored per site as
//! site i's regression sees them (theory/potts.md (Q3)).

use crate::error::{ensure, Result};

/// Fields h (L × q) and couplings J (L × L × q × q, zero blocks on the diagonal).
///
/// The couplings are stored in *site layout*: block (i, j) holds J_ij(a, b) at
/// index b·q + a, so that the q values added to site i's potential by a
/// neighbour j in state b are contiguous. Symmetric couplings satisfy
/// J_ij(a, b) = J_ji(b, a): block (j, i) is the transpose of block (i, j).
#[derive(Debug, Clone, PartialEq)]
pub struct PottsModel {
    l: usize,
    q: usize,
    /// Fields, h_i(a) at i·q + a.
    pub h: Vec<f64>,
    /// Couplings in site layout, J_ij(a, b) at ((i·L + j)·q + b)·q + a.
    pub w: Vec<f64>,
}

impl PottsModel {
    /// All parameters zero.
    pub fn zeros(l: usize, q: usize) -> Self {
        Self {
            l,
            q,
            h: vec![0.0; l * q],
            w: vec![0.0; l * l * q * q],
        }
    }

    /// Number of sites L.
    pub fn l(&self) -> usize {
        self.l
    }

    /// Number of states q.
    pub fn q(&self) -> usize {
        self.q
    }

    /// Site i's couplings (L blocks of q × q, site layout).
    pub fn site(&self, i: usize) -> &[f64] {
        let n = self.l * self.q * self.q;
        &self.w[i * n..(i + 1) * n]
    }

    /// J_ij(a, b).
    pub fn coupling(&self, i: usize, j: usize, a: usize, b: usize) -> f64 {
        self.w[self.index(i, j, a, b)]
    }

    /// Sets J_ij(a, b).
    pub fn set_coupling(&mut self, i: usize, j: usize, a: usize, b: usize, v: f64) {
        let k = self.index(i, j, a, b);
        self.w[k] = v;
    }

    fn index(&self, i: usize, j: usize, a: usize, b: usize) -> usize {
        ((i * self.l + j) * self.q + b) * self.q + a
    }

    /// Whether J_ij(a, b) = J_ji(b, a) exactly for every pair and the diagonal
    /// blocks are zero.
    pub fn is_symmetric(&self) -> bool {
        let (l, q) = (self.l, self.q);
        (0..l).all(|i| {
            (0..l).all(|j| {
                (0..q).all(|a| {
                    (0..q).all(|b| {
                        let v = self.coupling(i, j, a, b);
                        if i == j {
                            v == 0.0
                        } else {
                            v == self.coupling(j, i, b, a)
                        }
                    })
                })
            })
        })
    }

    /// The couplings in the conventional layout J[i][j][a][b] (row-major
    /// L × L × q × q), as written to `couplings.npy`.
    pub fn couplings_conventional(&self) -> Vec<f64> {
        let (l, q) = (self.l, self.q);
        let mut out = vec![0.0; l * l * q * q];
        for i in 0..l {
            for j in 0..l {
                for a in 0..q {
                    for b in 0..q {
                        out[((i * l + j) * q + a) * q + b] = self.coupling(i, j, a, b);
                    }
                }
            }
        }
        out
    }

    /// Checks the shape and that every parameter is finite.
    pub fn check(&self, l: usize, q: usize) -> Result<()> {
        ensure(self.l == l && self.q == q, || {
            format!(
                "the model has L = {}, q = {}, the data L = {l}, q = {q}",
                self.l, self.q
            )
        })?;
        ensure(
            self.h.len() == l * q && self.w.len() == l * l * q * q,
            || "the model's arrays do not match its L and q".into(),
        )?;
        ensure(self.h.iter().chain(&self.w).all(|v| v.is_finite()), || {
            "the model has a non-finite parameter".into()
        })
    }
}
