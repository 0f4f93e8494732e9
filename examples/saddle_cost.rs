//! A small driver of the replica saddle-point solver for instruction counts
//! (`valgrind --tool=callgrind`, robust to a loaded machine; `cargo bench
//! --bench saddle_point` stays the speed of record).
//!
//!     cargo run --release --example saddle_cost -- point ALPHA LAMBDA REPS
//!     cargo run --release --example saddle_cost -- grid N cold|rows
//!
//! `point` solves one (α, λ) REPS times (subtract REPS = 0 for the start-up
//! cost); `grid` solves the benchmark's N × N grid α ∈ [0.1, 5] × λ ∈ [0.1,
//! 10] on one thread, each point cold (`cold`) or as continuation along its
//! α-row (`rows`), and prints the sum of the means and the iterations.

use plam::replica::loss::{Loss, PseudoLikelihood};
use plam::replica::saddle_point::{solve_path, solve_pl, Options};
use std::sync::Arc;

fn arg(args: &[String], i: usize) -> &str {
    args.get(i).map(String::as_str).unwrap_or_else(|| {
        eprintln!("usage: saddle_cost point ALPHA LAMBDA REPS | grid N cold|rows");
        std::process::exit(2)
    })
}

fn num<T: std::str::FromStr>(s: &str) -> T {
    s.parse().unwrap_or_else(|_| {
        eprintln!("not a number: {s}");
        std::process::exit(2)
    })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match arg(&args, 1) {
        "point" => {
            let (a, l): (f64, f64) = (num(arg(&args, 2)), num(arg(&args, 3)));
            let reps: usize = num(arg(&args, 4));
            let mut sum = 0.0;
            for _ in 0..reps {
                sum += solve_pl(std::hint::black_box(a), std::hint::black_box(l))
                    .unwrap()
                    .mean;
            }
            println!("{sum}");
        }
        "grid" => {
            let n: usize = num(arg(&args, 2));
            let axis = |i: usize, lo: f64, hi: f64| lo + (hi - lo) * i as f64 / (n - 1) as f64;
            let rows = arg(&args, 3) == "rows";
            let (mut sum, mut iterations) = (0.0, 0);
            for i in 0..n {
                let alpha = axis(i, 0.1, 5.0);
                let row: Vec<(Arc<dyn Loss>, f64)> = (0..n)
                    .map(|j| {
                        let loss: Arc<dyn Loss> =
                            Arc::new(PseudoLikelihood::new(axis(j, 0.1, 10.0)).unwrap());
                        (loss, alpha)
                    })
                    .collect();
                let solutions: Vec<_> = if rows {
                    solve_path(&row, &Options::default())
                } else {
                    row.iter().map(|(l, a)| solve_pl(*a, l.lambda())).collect()
                };
                for s in solutions {
                    let s = s.unwrap();
                    sum += s.mean;
                    iterations += s.iterations;
                }
            }
            println!("{sum} {iterations}");
        }
        other => {
            eprintln!("unknown mode {other}");
            std::process::exit(2)
        }
    }
}
