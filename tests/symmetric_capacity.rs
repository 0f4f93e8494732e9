//! The second-cumulant replica theory of symmetric couplings
//! (theory/symmetric.md, eqs. (S10)–(S17)) against independent evaluations:
//! direct minimisation with G by quadrature, the q → 1 limit of the finite-q
//! saddle point, the limits, Gardner's bound, and the pseudo-inverse bound it
//! violates for κ > 0.2143 (theory/symmetric.md §5).

mod common;

use common::{assert_refused, run_plam};
use plam::numerics::{integration::integrate, normal};
use plam::replica::{capacity, row_symmetry, symmetric_capacity as sym};

/// G(u) = ∫_{−∞}^{u} Dt (u − t)² by quadrature on [u − 40, u] (the tail
/// beyond 40σ is below 1e-300), to 1e-13 relative.
fn g_quadrature(u: f64) -> f64 {
    integrate(
        |t| [(u - t) * (u - t) * normal::pdf(t)],
        &[u.min(0.0) - 40.0, u - 5.0, u],
        1e-13,
        400,
    )
    .unwrap()
    .value[0]
}

/// Golden-section minimum of f on [a, b] to an interval of 1e-9.
fn golden_min(f: impl Fn(f64) -> f64, mut a: f64, mut b: f64) -> (f64, f64) {
    let r = (5f64.sqrt() - 1.0) / 2.0;
    let (mut c, mut d) = (b - r * (b - a), a + r * (b - a));
    while b - a > 1e-9 {
        if f(c) < f(d) {
            b = d;
        } else {
            a = c;
        }
        c = b - r * (b - a);
        d = a + r * (b - a);
    }
    let x = 0.5 * (a + b);
    (x, f(x))
}

#[test]
fn capacity_integral_is_the_minimum_over_the_collective_shift() {
    for &k in &[0.0, 0.3, 1.0, 3.0] {
        let (s, m) = golden_min(|s| g_quadrature(k - s) + s * s, 0.0, k + 1.0);
        let closed = sym::capacity_integral(k).unwrap();
        // Value: quadrature noise 1e-13 relative, and the golden-section
        // interval 1e-9 costs M″δs²/2 ≤ 2·1e-18 (M″ = 2 + 2Φ ≤ 4): 1e-12.
        assert!(
            ((m - closed) / closed).abs() < 1e-12,
            "κ = {k}: {m} vs {closed}"
        );
        // Location: a value noise of ε = 1e-13·M moves the minimum of a
        // parabola of curvature M″ ≥ 2 by ≤ √(2ε/M″) ≈ 3e-7·√M.
        let sc = sym::collective_shift(k).unwrap();
        assert!(
            (s - sc).abs() < 1e-6 * closed.sqrt(),
            "κ = {k}: {s} vs {sc}"
        );
    }
}

/// ∫Dt A(u(t))^p with u = (κ − s − √q t)/√(1 − q) and A(u) = φ(u)/H(u)
/// (the inverse Mills ratio at −u), eqs. (S10)–(S11), with breakpoints on
/// the boundary layer of width √((1 − q)/q) around t₀ = (κ − s)/√q.
fn layer_integral(kappa: f64, s: f64, q: f64, p: i32) -> f64 {
    let e = 1.0 - q;
    let d = (e / q).sqrt();
    let t0 = (kappa - s) / q.sqrt();
    let pts = [
        (t0 - 12.0).min(-12.0),
        t0 - 30.0 * d,
        t0 - 5.0 * d,
        t0,
        t0 + 5.0 * d,
        t0 + 40.0 * d,
    ];
    integrate(
        |t| {
            let u = (kappa - s - q.sqrt() * t) / e.sqrt();
            [normal::pdf(t) * normal::mills_ratio(-u).powi(p)]
        },
        &pts,
        1e-12,
        2000,
    )
    .unwrap()
    .value[0]
}

/// The load α(q) of eq. (S11) at which solutions of margin κ overlap by q,
/// with s from eq. (S10) by bisection (its residual increases in s).
fn alpha_at_overlap(kappa: f64, q: f64) -> f64 {
    let e: f64 = 1.0 - q;
    let (mut lo, mut hi) = (0.0, kappa + 1.0);
    for _ in 0..60 {
        let m = 0.5 * (lo + hi);
        if m - e.sqrt() * layer_integral(kappa, m, q, 1) < 0.0 {
            lo = m;
        } else {
            hi = m;
        }
    }
    let s = 0.5 * (lo + hi);
    q / (2.0 * (e * layer_integral(kappa, s, q, 2) + s * s))
}

#[test]
fn capacity_is_the_q_to_one_limit_of_the_finite_q_saddle_point() {
    for &k in &[0.0, 1.0] {
        let ac = sym::alpha_c(k).unwrap();
        let a5 = alpha_at_overlap(k, 1.0 - 1e-5);
        let a6 = alpha_at_overlap(k, 1.0 - 1e-6);
        // α(q) rises to α_c linearly in 1 − q: the gaps shrink tenfold
        // per decade (a ratio in [8, 12] allows the next order, ~√(1 − q)
        // relative, and the 1e-12 quadrature error against gaps ≥ 5e-7).
        let ratio = (ac - a5) / (ac - a6);
        assert!(a5 < a6 && a6 < ac, "κ = {k}: {a5}, {a6}, {ac}");
        assert!((8.0..12.0).contains(&ratio), "κ = {k}: ratio {ratio}");
        // Richardson on the linear term leaves O((1 − q)^{3/2}) ≈ 3e-8·α
        // at 1 − q = 1e-5 (measured 1.4e-8 relative at κ = 0): 2e-7.
        let extrapolated = (10.0 * a6 - a5) / 9.0;
        assert!(
            ((extrapolated - ac) / ac).abs() < 2e-7,
            "κ = {k}: {extrapolated} vs {ac}"
        );
    }
}

#[test]
fn known_values_and_limits() {
    // κ = 0: s solves s = φ(s) − sΦ(−s); α_c = 1/(2(G(−s) + s²)).
    let s0 = sym::collective_shift(0.0).unwrap();
    assert!((s0 - (normal::pdf(s0) - s0 * normal::cdf(-s0))).abs() < 1e-15);
    assert!((sym::alpha_c(0.0).unwrap() - 1.2779141590349).abs() < 1e-12);
    // κ → ∞: s = κ/2 and M = 1 + κ²/2 up to Φ(−κ/2) terms, ~1e-23 at κ = 20.
    let s = sym::collective_shift(20.0).unwrap();
    assert!((s - 10.0).abs() < 1e-14 * 10.0, "{s}");
    let m = sym::capacity_integral(20.0).unwrap();
    assert!((m - 201.0).abs() < 1e-14 * 201.0, "{m}");
    // Round trip κ → α_c^sym(κ) → κ*_sym: α carries ~1e-15 relative error,
    // amplified in κ by |d ln κ/d ln α| = 1/(4α_c s κ) (α_c′ = −4α_c²s by
    // (S13)–(S14)), 700 at κ = 10⁻³: 1e-14 times max(1, amplification).
    for &k in &[1e-3, 0.1, 0.5, 1.0, 2.5, 10.0] {
        let a = sym::alpha_c(k).unwrap();
        let amp = 1.0 / (4.0 * a * sym::collective_shift(k).unwrap() * k);
        let back = sym::max_margin(a).unwrap();
        assert!(
            ((back - k) / k).abs() < 1e-14 * amp.max(1.0),
            "κ = {k}: {back}"
        );
    }
    assert_eq!(sym::max_margin(sym::alpha_c(0.0).unwrap()).unwrap(), 0.0);
}

#[test]
fn inside_gardners_bound_and_above_the_naive_count() {
    // Symmetry is a constraint: α_c^sym(κ) ≤ α_c(κ), κ*_sym ≤ κ*; the
    // collective mode only helps: α_c^sym(κ) ≥ α_c(κ)/2 (eq. (S7)).
    for i in 0..=40 {
        let k = 0.25 * i as f64;
        let (a, g) = (sym::alpha_c(k).unwrap(), capacity::alpha_c(k).unwrap());
        assert!(a < g && a > 0.5 * g, "κ = {k}: {a} vs Gardner {g}");
    }
    for &a in &[0.01, 0.1, 0.5, 1.0, 1.25] {
        let (k, kg) = (
            sym::max_margin(a).unwrap(),
            capacity::max_margin(a).unwrap(),
        );
        assert!(k < kg, "α = {a}: {k} vs Gardner {kg}");
    }
}

#[test]
fn second_cumulant_theory_violates_the_pseudo_inverse_bound() {
    // theory/symmetric.md §5: the projector rule gives κ = √((1 − α)/α), so
    // a theory of ±1 patterns must have α_c^sym(κ) ≥ 1/(1 + κ²). The
    // second-cumulant theory meets it for κ < κ_× = 0.21434 and violates it
    // beyond (asymptotically 1/(2 + κ²)): the documented failure.
    let excess = |k: f64| sym::alpha_c(k).unwrap() * (1.0 + k * k) - 1.0;
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..60 {
        let m = 0.5 * (lo + hi);
        if excess(m) > 0.0 {
            lo = m;
        } else {
            hi = m;
        }
    }
    assert!((lo - 0.2143439).abs() < 1e-6, "crossing at κ = {lo}");
    for i in 0..=400 {
        let k = 0.05 * i as f64;
        assert_eq!(excess(k) < 0.0, k > lo, "κ = {k}: excess {}", excess(k));
    }
    for &a in &[0.1, 0.5, 0.9] {
        assert!(
            sym::max_margin(a).unwrap() < ((1.0 - a) / a).sqrt(),
            "α = {a}"
        );
    }
    assert!(sym::max_margin(1.0).unwrap() > 0.0);
}

#[test]
fn stability_law_moments_by_quadrature() {
    for &a in &[0.2, 0.7, 1.2] {
        let law = sym::StabilityLaw::at_load(a).unwrap();
        let (k, s) = (law.kappa, law.shift);
        let q = integrate(
            |d| {
                let p = law.pdf(d);
                [p, d * p, d * d * p]
            },
            &[k, s.max(k) + 1.0, s.max(k) + 40.0],
            1e-13,
            400,
        )
        .unwrap()
        .value;
        let atom = law.atom();
        // Mass, mean and variance to 1e-12 (quadrature 1e-13 relative).
        assert!((atom + q[0] - 1.0).abs() < 1e-12, "α = {a}");
        let mean = atom * k + q[1];
        assert!((mean - law.mean()).abs() < 1e-12, "α = {a}");
        // Eq. (S17): the mean stability is twice the collective shift.
        assert!((law.mean() - 2.0 * s).abs() < 1e-13 * (1.0 + s), "α = {a}");
        let var = atom * k * k + q[2] - mean * mean;
        assert!((var - law.variance()).abs() < 1e-11, "α = {a}");
        assert_eq!(law.cdf(k - 1e-9), 0.0);
        assert!((law.cdf(k) - atom).abs() < 1e-16);
    }
}

/// The JSON object printed by `plam ARGS --json`.
fn plam_json(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = run_plam(1, &all);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

#[test]
fn command_line_symmetric_forms() {
    // Default: the row bound (S20), i.e. Gardner's values.
    let v = plam_json(&["capacity", "--coupling", "symmetric", "--kappa", "0.5"]);
    assert_eq!(v["coupling"], "symmetric");
    assert_eq!(v["approximation"], "row-bound");
    assert_eq!(v["kappa"], 0.5);
    assert_eq!(
        v["alpha_c"].as_f64().unwrap(),
        capacity::alpha_c(0.5).unwrap()
    );
    let v = plam_json(&["margin", "--coupling", "symmetric", "--alpha", "1.5"]);
    assert_eq!(v["approximation"], "row-bound");
    assert_eq!(
        v["kappa"].as_f64().unwrap(),
        capacity::max_margin(1.5).unwrap()
    );
    let second = ["--approximation", "second-cumulant"];
    let v = plam_json(
        &[
            &["capacity", "--coupling", "symmetric", "--kappa", "0.5"][..],
            &second,
        ]
        .concat(),
    );
    assert_eq!(v["approximation"], "second-cumulant");
    assert_eq!(v["alpha_c"].as_f64().unwrap(), sym::alpha_c(0.5).unwrap());
    let v = plam_json(
        &[
            &["margin", "--coupling", "symmetric", "--alpha", "0.5"][..],
            &second,
        ]
        .concat(),
    );
    assert_eq!(v["coupling"], "symmetric");
    assert_eq!(v["kappa"].as_f64().unwrap(), sym::max_margin(0.5).unwrap());
    // The limit bound (S28), (S28a): below Gardner's values for κ > 0.
    let bound = ["--approximation", "asymmetry-bound"];
    let v = plam_json(
        &[
            &["margin", "--coupling", "symmetric", "--alpha", "1"][..],
            &bound,
        ]
        .concat(),
    );
    assert_eq!(v["approximation"], "asymmetry-bound");
    let k = v["kappa"].as_f64().unwrap();
    assert_eq!(k, row_symmetry::symmetric_margin_bound(1.0).unwrap());
    assert!(k < capacity::max_margin(1.0).unwrap());
    let v = plam_json(
        &[
            &["capacity", "--coupling", "symmetric", "--kappa", "0"][..],
            &bound,
        ]
        .concat(),
    );
    assert_eq!(v["alpha_c"].as_f64().unwrap(), 2.0);
    // The default form keeps its fields: no coupling unless asked for.
    let v = plam_json(&["capacity", "--kappa", "1"]);
    assert!(v.get("coupling").is_none());
    assert_eq!(
        v["alpha_c"].as_f64().unwrap(),
        capacity::alpha_c(1.0).unwrap()
    );
    let v = plam_json(&["margin", "--coupling", "asymmetric", "--alpha", "1"]);
    assert_eq!(v["coupling"], "asymmetric");
    assert_eq!(
        v["kappa"].as_f64().unwrap(),
        capacity::max_margin(1.0).unwrap()
    );
    assert_refused(
        &[
            "margin",
            "--coupling",
            "symmetric",
            "--alpha",
            "1.5",
            "--approximation",
            "second-cumulant",
        ],
        "second-cumulant capacity",
    );
    assert_refused(
        &["margin", "--alpha", "1", "--approximation", "row-bound"],
        "only with --coupling symmetric",
    );
    assert_refused(
        &["capacity", "--coupling", "symmetric", "--kappa", "-1"],
        "κ must be ≥ 0",
    );
}
