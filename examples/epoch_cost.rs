//! CPU seconds per gradient-descent epoch at N = 1000 (paper protocol: Hebb
//! start, β = 0.1, η = 10), from the process CPU time in /proc/self/stat
//! (Linux, 10 ms ticks), which a loaded machine inflates far less than wall
//! time; run it with `RAYON_NUM_THREADS=1 MATMUL_NUM_THREADS=1` for the cost of
//! one core. The speed of record stays `cargo bench --bench training`.
//!
//! Usage: `cargo run --release --example epoch_cost -- ALPHA asym|sym f64|f32 FORM EPOCHS`
//! with FORM one of direct, span, auto, or span+loss (the span form with the
//! loss evaluated before every step: fields and residual stored, then A updated
//! in a second pass, instead of the single fused pass); prints
//! `ALPHA COUPLING PRECISION FORM SECONDS_PER_EPOCH`.

use plam::data::patterns::{PatternKind, Patterns};
use plam::learning::{Coupling, Form, GradientDescent, Problem, Real};

/// CPU seconds (user + system) of this process so far.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("Linux /proc");
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .expect("stat line")
        .split_whitespace()
        .collect();
    let ticks = |k: usize| fields[k].parse::<f64>().expect("tick count");
    (ticks(11) + ticks(12)) / 100.0
}

/// Runs one warm-up epoch and then `epochs` timed ones (each after a loss
/// evaluation if `with_loss`: the unfused path of a recorded epoch); the form
/// used and the CPU seconds per epoch.
fn run<T: Real>(pr: &Problem, form: Form, epochs: usize, with_loss: bool) -> (Form, f64) {
    let j0 = pr.hebb().map(T::of_f64);
    let mut gd = GradientDescent::<T>::with_form(pr, j0, 0.1, 10.0, form).expect("valid");
    gd.step().expect("stable step");
    let start = cpu_seconds();
    for _ in 0..epochs {
        if with_loss {
            std::hint::black_box(gd.loss());
        }
        gd.step().expect("stable step");
    }
    (gd.form(), (cpu_seconds() - start) / epochs as f64)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    assert!(
        args.len() == 6,
        "usage: epoch_cost ALPHA asym|sym f64|f32 direct|span|auto EPOCHS"
    );
    let alpha: f64 = args[1].parse().expect("ALPHA");
    let coupling = match args[2].as_str() {
        "sym" => Coupling::Symmetric,
        _ => Coupling::Asymmetric,
    };
    let form = match args[4].as_str() {
        "direct" => Form::Direct,
        "span" | "span+loss" => Form::Span,
        _ => Form::Auto,
    };
    let epochs: usize = args[5].parse().expect("EPOCHS");
    let with_loss = args[4].ends_with("+loss");
    let p = Patterns::generate(1000, alpha, PatternKind::Binary, 1).expect("valid load");
    let pr = Problem::network(&p, coupling).expect("network");
    let (used, t) = match args[3].as_str() {
        "f32" => run::<f32>(&pr, form, epochs.max(1), with_loss),
        _ => run::<f64>(&pr, form, epochs.max(1), with_loss),
    };
    println!("{alpha} {} {} {used:?} {t:.6}", args[2], args[3]);
}
