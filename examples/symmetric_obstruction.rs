//! What stops symmetric couplings below the row bound (theory/symmetric.md §9):
//! for each pattern set, the exact κ*_sym (cone program, both ends proved),
//! every row's own maximal margin κ*_i (the dense QP), and the infeasibility
//! certificate of (E1) just above κ*_sym, eq. (E5): how many rows it rests on
//! (participation ratio of the row weights Y_i, and the rows carrying 90 % of
//! them) and how much of it the row of smallest κ*_i carries. Also the
//! asymmetry a² = ‖(W − Wᵀ)/2‖²/‖W‖² of the rows' own optima W (rows of unit
//! norm) and the mean squared distance between the symmetric optimum's rows
//! and those optima, which (S23) bounds below by a².
//!
//!     cargo run --release --example symmetric_obstruction -- SEED SAMPLES N ALPHA [N ALPHA]...
//!
//! One CSV line per pattern set on stdout.

use plam::memory::storability::random_patterns;
use plam::memory::symmetric_margin::{coupling_matrix, obstruction_rows, symmetric_max_margin};
use plam::memory::symmetric_relaxation::RowOptima;
use plam::numerics::rng;
use plam::numerics::statistics::mean_var;
use rayon::prelude::*;

/// Bisection width of κ*_sym; the certificate is taken at its proved upper
/// end plus a tenth of it, inside the gaps this example looks at (≥ 10⁻³ at
/// α ≥ 1.3) and beside them where they are smaller.
const WIDTH: f64 = 5e-4;

fn one(seed: u64, n: usize, p: usize, s: usize) -> plam::Result<String> {
    let pats = random_patterns(n, p, rng::derive(seed, &[n as u64, p as u64, s as u64]));
    let Some(rows) = RowOptima::of(&pats)? else {
        return Ok(format!("{n},{p},{s},rows_inseparable"));
    };
    let kmin = rows.row_bound();
    let imin = rows.margins.iter().position(|&m| m == kmin).unwrap_or(0);
    let kmean = rows.margins.iter().sum::<f64>() / n as f64;
    let ks = rows.symmetric_part_bound();
    let (_, kagg) = rows.aggregated_bound(WIDTH)?;
    let a2 = rows.asymmetry();
    let sd = |v: &[f64]| mean_var(v).1.sqrt();
    let snorm = rows.symmetric_row_norms();
    let spread = format!(
        "{},{},{},{}",
        sd(&rows.margins),
        snorm.iter().sum::<f64>() / n as f64,
        sd(&snorm),
        snorm.iter().copied().fold(0.0, f64::max)
    );
    let head = format!("{n},{p},{s}");
    let tail = format!("{kmin},{kmean},{ks},{kagg},{a2},{spread}");
    if sym_skip() {
        return Ok(format!("{head},rows_only,{tail}"));
    }
    let Some(m) = symmetric_max_margin(&pats, WIDTH)? else {
        return Ok(format!("{head},symmetric_unstorable,{tail}"));
    };
    let j = coupling_matrix(n, &m.best.couplings);
    let mut dist = 0.0;
    for i in 0..n {
        let r = j.row(i).normalize();
        dist += (r - rows.rows.row(i)).norm_squared();
    }
    // The certificate just above the proved upper end; the cone program is
    // ill-conditioned there, so further offsets are tried in turn.
    let mut cert = None;
    for off in [0.1 * WIDTH, WIDTH, 4.0 * WIDTH, 16.0 * WIDTH] {
        if let Ok(Some(c)) = obstruction_rows(&pats, m.upper + off) {
            cert = Some((c, off));
            break;
        }
    }
    let Some(((y, _), off)) = cert else {
        return Ok(format!(
            "{head},no_certificate,{tail},{},{}",
            m.kappa, m.upper
        ));
    };
    let pr = 1.0 / (n as f64 * y.iter().map(|v| v * v).sum::<f64>());
    let mut sorted = y.clone();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let mut acc = 0.0;
    let n90 = sorted
        .iter()
        .take_while(|v| {
            let before = acc;
            acc += *v;
            before < 0.9
        })
        .count();
    Ok(format!(
        "{head},ok,{tail},{},{},{off},{pr},{n90},{},{}",
        m.kappa,
        m.upper,
        y[imin],
        dist / n as f64
    ))
}

/// `SYM=0` in the environment skips the symmetric cone program (large N).
fn sym_skip() -> bool {
    std::env::var("SYM").is_ok_and(|v| v == "0")
}

/// Parses one argument or exits with a usage message (status 2).
fn arg<T: std::str::FromStr>(text: &str, what: &str) -> T {
    text.parse().unwrap_or_else(|_| {
        eprintln!("symmetric_obstruction: {what} must be a number, got '{text}'");
        std::process::exit(2)
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 4 || !args.len().is_multiple_of(2) {
        eprintln!("usage: symmetric_obstruction SEED SAMPLES N ALPHA [N ALPHA]...");
        std::process::exit(2);
    }
    let seed: u64 = arg(&args[0], "SEED");
    let samples: usize = arg(&args[1], "SAMPLES");
    println!(
        "n,p,set,status,kappa_row,kappa_rows_mean,kappa_s,kappa_agg,asymmetry2,kappa_rows_sd,s_norm_mean,s_norm_sd,s_norm_max,kappa_sym_lower,\
         kappa_sym_upper,certificate_offset,participation,rows_90,weight_of_min_row,distance2"
    );
    for pair in args[2..].chunks(2) {
        let n: usize = arg(&pair[0], "N");
        let alpha: f64 = arg(&pair[1], "ALPHA");
        if n < 2 || !(alpha > 0.0 && alpha.is_finite()) {
            eprintln!(
                "symmetric_obstruction: need N >= 2 and a finite ALPHA > 0, got {n}, {alpha}"
            );
            std::process::exit(2);
        }
        let p = (alpha * n as f64).round() as usize;
        let lines: Vec<String> = (0..samples)
            .into_par_iter()
            .map(|s| one(seed, n, p, s).unwrap_or_else(|e| format!("{n},{p},{s},error,{e}")))
            .collect();
        for l in lines {
            println!("{l}");
        }
    }
}
