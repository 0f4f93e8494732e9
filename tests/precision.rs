//! f32 training against f64: the paper's protocol on the same patterns gives
//! the same reported statistics (λ(t), ε, the stabilities' mean and
//! variance) to well within their sampling error.

use plam::data::patterns::{PatternKind, Patterns};
use plam::learning::stabilities::Stabilities;
use plam::learning::{train_gd, Coupling, GdConfig, Precision, Problem};

/// Sampling error of the mean and of the variance of `n` stabilities with
/// variance `var` (independent-sample formulas; the variance's for a
/// Gaussian, E(Δ−m)⁴ = 3var², which the trained laws do not exceed by more
/// than a factor of a few, covered by the factor 10 below).
fn standard_errors(var: f64, n: f64) -> (f64, f64) {
    ((var / n).sqrt(), var * (2.0 / n).sqrt())
}

#[test]
fn f32_paper_protocol_matches_f64_within_sampling_error() {
    let (n, alpha, epochs) = (200, 0.4, 2000);
    let p = Patterns::generate(n, alpha, PatternKind::Binary, 11).unwrap();
    let pr = Problem::network(&p, Coupling::Asymmetric).unwrap();
    let run = |precision| {
        let cfg = GdConfig {
            precision,
            ..GdConfig::paper(epochs)
        };
        train_gd(&pr, &cfg, &mut |_| {}).unwrap()
    };
    let (a, b) = (run(Precision::F64), run(Precision::F32));
    assert_eq!(a.trajectory.len(), b.trajectory.len());
    let count = (pr.rows() * pr.p()) as f64;
    // "Changes nothing that is reported": every difference below a tenth of
    // the statistic's sampling error at this size. f32 perturbs J by ~1e-6
    // relative, many orders below that, so only a broken kernel fails this.
    for (x, y) in a.trajectory.iter().zip(&b.trajectory) {
        assert_eq!(x.epoch, y.epoch);
        let se_lambda = x.lambda_std / (pr.rows() as f64).sqrt();
        let (se_mean, se_var) = standard_errors(x.var, count);
        let e = x.epoch;
        assert!(
            (x.lambda_mean - y.lambda_mean).abs() <= 0.1 * se_lambda,
            "λ at {e}"
        );
        assert!((x.mean - y.mean).abs() <= 0.1 * se_mean, "mean at {e}");
        assert!((x.var - y.var).abs() <= 0.1 * se_var, "var at {e}");
        assert!((x.loss - y.loss).abs() <= 1e-4 * x.loss, "loss at {e}");
        // A stability changes sign only within the f32 perturbation (~1e-5)
        // of zero: density ≲ 0.5 there, so ≲ 0.2 expected flips among 16 000
        // stabilities; two allowed.
        assert!(((x.eps - y.eps) * count).abs() <= 2.0 + 1e-9, "ε at {e}");
    }
    // The final couplings, and the moments of all their stabilities.
    let (sa, sb) = (
        Stabilities::new(&pr, &a.j).unwrap(),
        Stabilities::new(&pr, &b.j).unwrap(),
    );
    let (ma, mb) = (sa.summary().unwrap(), sb.summary().unwrap());
    assert!((ma.mean - mb.mean).abs() <= 0.1 * ma.mean_se);
    assert!((ma.var - mb.var).abs() <= 0.1 * ma.var_se);
    // The f32 kernels ran: the couplings are f32 values, not the f64 ones.
    assert!(b.j.iter().all(|&v| v == (v as f32) as f64));
    assert!(a.j != b.j);
}

#[test]
fn f32_symmetric_couplings_stay_symmetric() {
    let p = Patterns::generate(60, 0.5, PatternKind::Binary, 3).unwrap();
    let pr = Problem::network(&p, Coupling::Symmetric).unwrap();
    let cfg = GdConfig {
        precision: Precision::F32,
        ..GdConfig::paper(50)
    };
    let res = train_gd(&pr, &cfg, &mut |_| {}).unwrap();
    pr.check_couplings(&res.j).unwrap();
}
