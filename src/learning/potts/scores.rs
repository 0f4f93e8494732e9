//! Contact scores of a Potts model: the Frobenius norm of each coupling block in
//! the zero-sum gauge, with the average-product correction (theory/potts.md
//! (Q10)–(Q12)).

use super::model::PottsModel;

/// The block J_ij in the zero-sum gauge, eq. (Q10): J(a, b) minus its mean over
/// a, minus its mean over b, plus its overall mean (q × q, index a·q + b).
/// Asymmetric couplings are first averaged, (J_ij(a, b) + J_ji(b, a))/2.
pub fn zero_sum_block(m: &PottsModel, i: usize, j: usize) -> Vec<f64> {
    let q = m.q();
    let mut c = vec![0.0; q * q];
    for a in 0..q {
        for b in 0..q {
            c[a * q + b] = 0.5 * (m.coupling(i, j, a, b) + m.coupling(j, i, b, a));
        }
    }
    let qf = q as f64;
    let row: Vec<f64> = (0..q)
        .map(|a| c[a * q..][..q].iter().sum::<f64>() / qf)
        .collect();
    let col: Vec<f64> = (0..q)
        .map(|b| (0..q).map(|a| c[a * q + b]).sum::<f64>() / qf)
        .collect();
    let all = row.iter().sum::<f64>() / qf;
    for a in 0..q {
        for b in 0..q {
            c[a * q + b] += all - row[a] - col[b];
        }
    }
    c
}

/// The Frobenius norms F_ij of the zero-sum blocks, eq. (Q11), for i < j in
/// row-major order (L(L−1)/2 values).
pub fn frobenius(m: &PottsModel) -> Vec<f64> {
    let l = m.l();
    let mut out = Vec::with_capacity(l * (l - 1) / 2);
    for i in 0..l {
        for j in i + 1..l {
            out.push(
                zero_sum_block(m, i, j)
                    .iter()
                    .map(|v| v * v)
                    .sum::<f64>()
                    .sqrt(),
            );
        }
    }
    out
}

/// The average-product correction of pair scores F (i < j, row-major, L sites),
/// eq. (Q12): F_ij − F̄_i F̄_j / F̄ with F̄_i the mean over j ≠ i and F̄ the mean
/// over pairs. An all-zero F is returned unchanged.
pub fn apc(f: &[f64], l: usize) -> Vec<f64> {
    let mut site = vec![0.0; l];
    let mut k = 0;
    for i in 0..l {
        for j in i + 1..l {
            site[i] += f[k];
            site[j] += f[k];
            k += 1;
        }
    }
    site.iter_mut().for_each(|s| *s /= (l - 1) as f64);
    let mean = f.iter().sum::<f64>() / f.len() as f64;
    if mean == 0.0 {
        return f.to_vec();
    }
    let mut out = Vec::with_capacity(f.len());
    let mut k = 0;
    for i in 0..l {
        for j in i + 1..l {
            out.push(f[k] - site[i] * site[j] / mean);
            k += 1;
        }
    }
    out
}

/// APC-corrected Frobenius scores, eqs. (Q10)–(Q12), i < j row-major.
pub fn contact_scores(m: &PottsModel) -> Vec<f64> {
    apc(&frobenius(m), m.l())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauge_and_apc() {
        let mut m = PottsModel::zeros(3, 2);
        // A pure gauge term J_01(a, b) = u(a) + v(b) has zero score.
        for a in 0..2 {
            for b in 0..2 {
                let v = [0.3, -1.0][a] + [2.0, 0.5][b];
                m.set_coupling(0, 1, a, b, v);
                m.set_coupling(1, 0, b, a, v);
            }
        }
        assert!(frobenius(&m)[0] < 1e-15);
        // J_12 = ±1 (Ising-like): zero-sum already, norm 2.
        for a in 0..2 {
            for b in 0..2 {
                let v = if a == b { 1.0 } else { -1.0 };
                m.set_coupling(1, 2, a, b, v);
                m.set_coupling(2, 1, b, a, v);
            }
        }
        let f = frobenius(&m);
        assert!((f[2] - 2.0).abs() < 1e-15 && f[0] < 1e-15 && f[1] == 0.0);
        // F = (0, 0, 2): F̄_0 = 0, F̄_1 = F̄_2 = 1, F̄ = 2/3; APC(1,2) = 2 − 1.5.
        let s = apc(&f, 3);
        assert!((s[2] - 0.5).abs() < 1e-15 && s[0].abs() < 1e-15);
    }
}
