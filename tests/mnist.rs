//! Binarized MNIST (theory/mnist.md): the preprocessing against an
//! independent implementation (data/mnist/reference.py, numpy + scipy) on a
//! raw IDX fixture, the deskew against exact synthetic cases, the shipped
//! file against the fixture, the overlap statistics against brute force,
//! bad input refused; and mini-batch gradient descent (eq. (T19)).

use plam::data::mnist::{deskew, overlap_stats, Mnist14, MnistSplit, N, RAW_SIDE};
use plam::data::patterns::{PatternKind, Patterns};
use plam::learning::{train_gd, train_minibatch, Coupling, GdConfig, Init, Problem};
use std::path::Path;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mnist-idx");

fn fixture() -> Mnist14 {
    Mnist14::from_idx_dir(Path::new(FIXTURE)).unwrap()
}

/// The regeneration path reproduces, bit for bit, the packed file that the
/// independent numpy/scipy implementation wrote for the fixture's 8 training
/// and 4 test images.
#[test]
fn preprocessing_matches_the_independent_reference() {
    let expected = std::fs::read(Path::new(FIXTURE).join("expected.bin")).unwrap();
    assert_eq!(fixture().to_bytes(), expected);
    assert_eq!(Mnist14::parse(&expected).unwrap(), fixture());
}

/// A diagonal stroke through (14, 14) has skew exactly 1 and centre (14, 14):
/// every sample of the shear falls on a pixel, and the stroke becomes the
/// vertical line of column 14, exactly; an off-centre vertical stroke
/// (skew 0) is only moved to column 14.
#[test]
fn deskew_straightens_and_centres_exact_strokes() {
    let side = RAW_SIDE;
    for (col_of_row, name) in [
        (&(|r: usize| r) as &dyn Fn(usize) -> usize, "diagonal"),
        (&|_| 5, "vertical"),
    ] {
        let mut img = vec![0u8; side * side];
        for r in 10..=18 {
            img[r * side + col_of_row(r)] = 200;
        }
        let out = deskew(&img);
        for r in 0..side {
            for c in 0..side {
                let want = if c == 14 && (10..=18).contains(&r) {
                    200.0
                } else {
                    0.0
                };
                assert_eq!(out[r * side + c], want, "{name} stroke, pixel ({r}, {c})");
            }
        }
    }
    assert!(deskew(&vec![0u8; side * side]).iter().all(|&v| v == 0.0));
}

/// The shipped set has every MNIST image, and its first training and test
/// images are the fixture's (so the shipped file is what the regeneration
/// command writes, on these images).
#[test]
fn shipped_set_agrees_with_the_fixture() {
    let set = Mnist14::shipped().unwrap();
    assert_eq!(
        (set.len(MnistSplit::Train), set.len(MnistSplit::Test)),
        (60_000, 10_000)
    );
    let fx = fixture();
    for (split, k) in [(MnistSplit::Train, 8), (MnistSplit::Test, 4)] {
        for i in 0..k {
            assert_eq!(set.image(split, i).unwrap(), fx.image(split, i).unwrap());
            assert_eq!(set.label(split, i).unwrap(), fx.label(split, i).unwrap());
        }
    }
    assert_eq!(
        &set.render(MnistSplit::Train, 0).unwrap()[..15],
        "###########...\n"
    );
    assert!(set.image(MnistSplit::Test, 10_000).is_err());
}

/// The exact overlap statistics, eq. (D6), equal the brute-force means over
/// pairs; the sums are of integers (±1 products) over 8 images, exact in f64,
/// so only the final division rounds: 1e-12 is far above that rounding.
#[test]
fn overlap_statistics_match_brute_force() {
    let fx = fixture();
    let p = fx.len(MnistSplit::Train);
    let (x, labels) = fx
        .patterns(MnistSplit::Train, &(0..p).collect::<Vec<_>>())
        .unwrap();
    let pair_mean = |keep: &dyn Fn(usize) -> bool| {
        let (mut s, mut m) = (0.0, 0.0);
        for a in (0..p).filter(|&a| keep(a)) {
            for b in (0..p).filter(|&b| b != a && keep(b)) {
                s += x.column(a).dot(&x.column(b)) / N as f64;
                m += 1.0;
            }
        }
        (m > 0.0).then(|| s / m)
    };
    let st = overlap_stats(&fx).unwrap();
    assert!((st.mean_overlap - pair_mean(&|_| true).unwrap()).abs() < 1e-12);
    for d in 0..10u8 {
        let want = pair_mean(&|a| labels[a] == d);
        match (st.within_class_overlap[d as usize], want) {
            (Some(g), Some(w)) => assert!((g - w).abs() < 1e-12, "digit {d}"),
            (g, w) => assert_eq!(g.is_some(), w.is_some(), "digit {d}"),
        }
    }
}

/// Bad files are refused with messages naming the problem.
#[test]
fn bad_input_is_refused() {
    let err = |r: plam::Result<Mnist14>| r.unwrap_err().to_string();
    let good = fixture().to_bytes();
    assert!(err(Mnist14::parse(b"PLAMMN")).contains("magic"));
    assert!(err(Mnist14::parse(&good[..good.len() - 1])).contains("bytes"));
    let mut bad_label = good.clone();
    bad_label[20] = 10;
    assert!(err(Mnist14::parse(&bad_label)).contains("digit"));
    assert!(err(Mnist14::from_idx_dir(Path::new("/nonexistent"))).contains("cannot read"));
    let images = std::fs::read(Path::new(FIXTURE).join("train-images.idx3-ubyte")).unwrap();
    let e = plam::data::mnist::parse_idx_images(&images[..1000], "x")
        .unwrap_err()
        .to_string();
    assert!(e.contains("announces"), "{e}");
    assert!(plam::data::mnist::parse_idx_labels(&images, "x").is_err());
    let set = Mnist14::shipped().unwrap();
    assert!(set.shuffled_train(60_001, 1).is_err());
    let a = set.shuffled_train(500, 3).unwrap();
    assert_eq!(a, set.shuffled_train(500, 3).unwrap());
    assert_ne!(a, set.shuffled_train(500, 4).unwrap());
}

fn random_problem(n: usize, alpha: f64) -> Problem {
    let pats = Patterns::generate(n, alpha, PatternKind::Binary, 5).unwrap();
    Problem::network(&pats, Coupling::Asymmetric).unwrap()
}

fn random_start(epochs: usize) -> GdConfig {
    GdConfig {
        beta: 0.1,
        init: Init::Random,
        init_scale: 1.0,
        seed: 2,
        snapshots: vec![],
        ..GdConfig::new(10.0, epochs)
    }
}

/// With one batch holding every pattern, mini-batch descent is full-batch
/// descent (only the order of the patterns inside each sum differs). Each
/// epoch's sums of P = 60 terms round at ~P·2^-53 ≈ 7e-15 relative; stable
/// descent on the convex loss does not amplify it, so 20 epochs stay within
/// ~1.4e-13 of each other; 1e-9 (absolute, on couplings of order 1/√N)
/// leaves a wide margin while any wrong step would differ at order η·∇L.
#[test]
fn one_batch_is_full_batch_descent() {
    let problem = random_problem(40, 1.5);
    let cfg = random_start(20);
    let full = train_gd(&problem, &cfg, &mut |_| {}).unwrap().j;
    let mini = train_minibatch(&problem, &cfg, 1000, &mut |_| {}).unwrap();
    let diff = (&full - &mini).abs().max();
    assert!(diff < 1e-9, "max |J_full - J_mini| = {diff:e}");
}

/// Small batches descend the full loss from the random start, give a
/// different path from full-batch descent, and are reproducible.
#[test]
fn small_batches_descend_and_are_reproducible() {
    let problem = random_problem(40, 1.5);
    let cfg = random_start(20);
    let mut epochs = 0;
    let j = train_minibatch(&problem, &cfg, 7, &mut |e| epochs = e).unwrap();
    assert_eq!(epochs, 20);
    let j0 = train_minibatch(
        &problem,
        &GdConfig {
            epochs: 1,
            lr: 1e-12,
            ..cfg.clone()
        },
        7,
        &mut |_| {},
    )
    .unwrap();
    // A step against the gradient (a sign error) would raise the loss.
    assert!(problem.loss(&j, 0.1) < problem.loss(&j0, 0.1));
    assert_eq!(j, train_minibatch(&problem, &cfg, 7, &mut |_| {}).unwrap());
    let full = train_gd(&problem, &cfg, &mut |_| {}).unwrap().j;
    assert!((&full - &j).abs().max() > 1e-6);
    assert!(j.diagonal().iter().all(|&v| v == 0.0));
    assert!(train_minibatch(&problem, &cfg, 0, &mut |_| {}).is_err());
}

/// The nearest training digit of (D7) is the brute-force argmax of |overlap|,
/// blind to the global sign.
#[test]
fn nearest_indices_match_brute_force() {
    let fx = fixture();
    let (refs, _) = fx
        .patterns(MnistSplit::Train, &(0..8).collect::<Vec<_>>())
        .unwrap();
    let (tests, _) = fx
        .patterns(MnistSplit::Test, &(0..4).collect::<Vec<_>>())
        .unwrap();
    let states = nalgebra::DMatrix::from_fn(N, 8, |i, c| {
        if c < 4 {
            tests[(i, c)]
        } else {
            -refs[(i, c - 4)]
        }
    });
    let got = plam::data::mnist::nearest_indices(&states, &refs);
    for (c, &k) in got.iter().enumerate() {
        let ov = |r: usize| states.column(c).dot(&refs.column(r)).abs();
        let best = (0..8).fold(0, |b, r| if ov(r) > ov(b) { r } else { b });
        assert_eq!(k, best, "state {c}");
    }
    assert_eq!(&got[4..], &[0, 1, 2, 3]);
}
