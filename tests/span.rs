//! Gradient descent in the span of the patterns (theory/training.md, eqs.
//! (T16)–(T18)) against the direct form: the same iterates up to rounding,
//! for asymmetric and symmetric networks and a perceptron, from a Hebb and a
//! random start, in f64 and f32; and the automatic choice of the form.

use nalgebra::DMatrix;
use plam::data::patterns::{perceptron_labels, PatternKind, Patterns};
use plam::learning::span::flops_per_epoch;
use plam::learning::{Coupling, Form, GradientDescent, Problem, Real};

/// Frobenius norm in f64.
fn norm<T: Real>(m: &DMatrix<T>) -> f64 {
    m.iter().map(|v| v.into_f64().powi(2)).sum::<f64>().sqrt()
}

/// Runs `epochs` epochs in both forms from `j0`, evaluating the loss (the
/// path that stores the residual) every 7th epoch and fusing the others;
/// returns the largest ‖J_span − J_direct‖ / (t (K + 1) u max‖J‖) over the
/// checkpoints (eq. (T18)'s bound is 1) and the largest relative difference
/// of the losses.
fn compare<T: Real>(
    pr: &Problem,
    j0: &DMatrix<f64>,
    epochs: usize,
    unit_roundoff: f64,
) -> (f64, f64) {
    let start = j0.map(T::of_f64);
    let mut d =
        GradientDescent::<T>::with_form(pr, start.clone(), 0.1, 10.0, Form::Direct).unwrap();
    let mut s = GradientDescent::<T>::with_form(pr, start, 0.1, 10.0, Form::Span).unwrap();
    assert_eq!((d.form(), s.form()), (Form::Direct, Form::Span));
    let k = pr.n().max(pr.p()) as f64;
    let (mut worst, mut loss_worst, mut max_norm) = (0.0f64, 0.0f64, norm(j0));
    for t in 1..=epochs {
        if t % 7 == 0 {
            let (ld, ls) = (d.loss(), s.loss());
            loss_worst = loss_worst.max((ld - ls).abs() / ld);
        }
        d.step().unwrap();
        s.step().unwrap();
        if t % 50 == 0 || t == epochs {
            let (jd, js) = (d.couplings().into_owned(), s.couplings().into_owned());
            pr.check_couplings(&js).unwrap();
            max_norm = max_norm.max(norm(&jd));
            let bound = t as f64 * (k + 1.0) * unit_roundoff * max_norm;
            worst = worst.max(norm(&(jd - js)) / bound);
        }
    }
    (worst, loss_worst)
}

fn network(n: usize, alpha: f64, coupling: Coupling, seed: u64) -> Problem {
    let p = Patterns::generate(n, alpha, PatternKind::Binary, seed).unwrap();
    Problem::network(&p, coupling).unwrap()
}

/// Small random zero-diagonal couplings (symmetric for symmetric problems),
/// outside the span of the patterns: J₀ carries them exactly.
fn random_start(pr: &Problem, seed: u64) -> DMatrix<f64> {
    let mut state = seed;
    let mut j = DMatrix::from_fn(pr.rows(), pr.n(), |_, _| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 0.1
    });
    if pr.coupling() != Coupling::Perceptron {
        for i in 0..pr.n() {
            j[(i, i)] = 0.0;
        }
    }
    if pr.coupling() == Coupling::Symmetric {
        j = &j + j.transpose();
    }
    j
}

#[test]
fn span_form_follows_the_direct_iterates_in_f64() {
    // 2000 epochs of the paper's rates: λ grows from Hebb's ~0.06 to ~0.5,
    // through the regime where the residuals change most.
    let u = f64::EPSILON / 2.0;
    let pats = Patterns::generate(80, 0.5, PatternKind::Binary, 9).unwrap();
    let labels = perceptron_labels(40, 4).unwrap();
    let cases = [
        network(90, 0.4, Coupling::Asymmetric, 1),
        network(60, 0.5, Coupling::Symmetric, 2),
        Problem::perceptron(&pats, &labels).unwrap(),
    ];
    for pr in &cases {
        for j0 in [pr.hebb(), random_start(pr, 5)] {
            let (ratio, loss) = compare::<f64>(pr, &j0, 2000, u);
            // The bound of eq. (T18) is ≤ 1; the loss is a mean of terms
            // each within a few roundings of the fields' relative error,
            // itself below the bound's t(K+1)u ≈ 2000·91·1.1e-16 = 2e-11.
            assert!(ratio <= 1.0, "{:?}: {ratio}", pr.coupling());
            assert!(loss <= 2e-11, "{:?}: loss {loss}", pr.coupling());
            eprintln!(
                "{:?} f64: distance/bound {ratio:.2e}, loss {loss:.2e}",
                pr.coupling()
            );
        }
    }
}

#[test]
fn span_form_follows_the_direct_iterates_in_f32() {
    let u = f64::from(f32::EPSILON) / 2.0;
    for (pr, epochs) in [
        (network(90, 0.4, Coupling::Asymmetric, 3), 500),
        (network(60, 0.5, Coupling::Symmetric, 4), 500),
    ] {
        let (ratio, loss) = compare::<f32>(&pr, &pr.hebb(), epochs, u);
        // Same bound with the f32 unit roundoff; the loss within
        // t(K+1)u = 500·91·6e-8 = 2.7e-3.
        assert!(ratio <= 1.0, "{:?}: {ratio}", pr.coupling());
        assert!(loss <= 2.7e-3, "{:?}: loss {loss}", pr.coupling());
        eprintln!(
            "{:?} f32: distance/bound {ratio:.2e}, loss {loss:.2e}",
            pr.coupling()
        );
    }
}

#[test]
fn auto_picks_the_form_with_fewer_flops() {
    // Asymmetric: span below α = 2 (2NP² < 4N²P); symmetric below α = 2/3
    // (6NP² < 4N²P).
    for (coupling, alpha, want) in [
        (Coupling::Asymmetric, 1.5, Form::Span),
        (Coupling::Asymmetric, 2.5, Form::Direct),
        (Coupling::Symmetric, 0.6, Form::Span),
        (Coupling::Symmetric, 0.7, Form::Direct),
    ] {
        let pr = network(100, alpha, coupling, 1);
        assert_eq!(Form::Auto.resolve(&pr), want, "{coupling:?} α = {alpha}");
        let gd = GradientDescent::<f64>::new(&pr, pr.hebb(), 0.1, 10.0).unwrap();
        assert_eq!(gd.form(), want);
        let (n, p) = (100.0, (alpha * 100.0f64).round());
        let direct = 4.0 * n * n * p;
        assert_eq!(flops_per_epoch(&pr, Form::Direct), direct);
        assert_eq!(gd.flops_per_step(), flops_per_epoch(&pr, want));
        assert!(gd.flops_per_step() <= direct);
    }
}
