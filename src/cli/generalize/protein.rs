//! `plam generalize --data protein`: a Potts model fitted by penalised
//! pseudo-likelihood to P = round(α·L) sequences of an alignment, the
//! zero-temperature dynamics from training, held-out test and random
//! sequences, and the family baseline (theory/potts.md §5); one point is
//! [`plam::compare::generalization_proteins::run_point`], this file parses
//! and prints.

use super::{GenCouplingArg, GeneralizeArgs, StepsArg};
use crate::cli::print_json;
use anyhow::{bail, Context};
use plam::compare::generalization_proteins::{
    max_training, pair_identity, pair_identity_weighted, run_point, ProteinPoint, SetStats,
};
use plam::data::msa::{Alphabet, Msa};
use plam::data::sequence_weights::sequence_weights;
use plam::learning::potts::{FitReport, Penalty};
use plam::learning::Coupling;
use serde::Serialize;

/// The printed JSON object.
#[derive(Serialize)]
struct Out {
    data: &'static str,
    msa: String,
    focus: String,
    /// Sites L (= N of α = P/N) and states q (the gap included).
    n: usize,
    q: usize,
    sequences: usize,
    p: usize,
    alpha: f64,
    seed: u64,
    /// The split's and the random sequences' streams.
    streams: [&'static str; 2],
    held_out: usize,
    random: usize,
    train_starts: usize,
    coupling: &'static str,
    lambda_j: f64,
    lambda_h: f64,
    /// Reweighting θ among the training sequences (null: unit weights).
    theta: Option<f64>,
    neff: f64,
    iterations: u64,
    steps: usize,
    fit: FitReport,
    fit_seconds: f64,
    train_overlap: f64,
    train_overlap_err: f64,
    test_overlap: f64,
    test_overlap_err: f64,
    /// Identity of a random sequence with its start after the dynamics.
    random_overlap: f64,
    random_overlap_err: f64,
    /// Mean identity between pairs of family members (all pairs).
    pair_identity: f64,
    pair_identity_err: f64,
    /// The same with plmc's weights (θ = 0.2) on the whole alignment, eq. (Q17).
    pair_identity_reweighted: f64,
    pair_identity_reweighted_err: f64,
    /// Fraction of training sequences that are fixed points.
    train_fixed: f64,
    /// Test starts: identity with the nearest training sequence, start and final.
    test_start_nearest_train: f64,
    test_final_nearest_train: f64,
    test_final_nearest_train_err: f64,
    /// Fraction of test starts whose final state is closer to the start than
    /// to every training sequence.
    test_closer_to_start: f64,
    /// Random starts: identity of the final state with the nearest training sequence.
    random_final_nearest_train: f64,
    random_final_nearest_train_err: f64,
    sets: Vec<SetStats>,
}

/// Runs `plam generalize --data protein`.
pub fn run(a: &GeneralizeArgs) -> anyhow::Result<()> {
    let Some(path) = &a.msa else {
        bail!("--data protein needs --msa FILE (an A2M or FASTA alignment)");
    };
    let steps = match a
        .steps
        .unwrap_or(StepsArg::Budget(plam::memory::protocol::PAPER_STEPS))
    {
        StepsArg::Budget(s) => s,
        StepsArg::Converge => {
            bail!("--steps converge does not apply to --data protein (give a number of steps)")
        }
    };
    if a.held_out == 0 {
        bail!("--held-out must be at least 1");
    }
    if a.train_starts == 0 {
        bail!("--train-starts must be at least 1");
    }
    if a.iterations == 0 {
        bail!("--iterations must be at least 1");
    }
    if let Some(t) = a.theta {
        if !(0.0..=1.0).contains(&t) {
            bail!("--theta must lie in [0, 1], got {t}");
        }
    }
    let read = |focus: Option<&str>| {
        Msa::read(path, Alphabet::protein(), focus)
            .with_context(|| format!("reading {}", path.display()))
    };
    let focus = match &a.focus {
        Some(f) => f.clone(),
        None => read(None)?.names()[0].clone(),
    };
    let msa = read(Some(&focus))?;
    let (l, n_seq) = (msa.n_sites(), msa.n_sequences());
    let avail = max_training(&msa, a.held_out);
    if avail == 0 {
        bail!(
            "--held-out {} leaves no training sequence of the {n_seq}",
            a.held_out
        );
    }
    let coupling = match a.coupling {
        GenCouplingArg::Asymmetric => Coupling::Asymmetric,
        GenCouplingArg::Symmetric => Coupling::Symmetric,
    };
    let mut point = ProteinPoint::new(a.alpha, coupling);
    point.test = a.held_out;
    point.random = a.random;
    point.max_train_starts = a.train_starts;
    point.penalty = Penalty {
        lambda_h: a.lambda_h,
        lambda_j: a.lambda_j,
    };
    point.lbfgs.max_iterations = a.iterations;
    point.theta = a.theta;
    point.steps = steps;
    let t = std::time::Instant::now();
    let run = run_point(&msa, &point, a.seed)?;
    let fit_seconds = t.elapsed().as_secs_f64();
    let (pair, pair_err) = pair_identity(&msa)?;
    let (pair_w, pair_w_err) = pair_identity_weighted(&msa, &sequence_weights(&msa, 0.2)?)?;
    let (tr, te, ra) = (run.set("train"), run.set("test"), run.set("random"));
    let out = Out {
        data: "protein",
        msa: path.display().to_string(),
        focus,
        n: l,
        q: run.q,
        sequences: n_seq,
        p: run.p,
        alpha: run.p as f64 / l as f64,
        seed: a.seed,
        streams: ["MSA_SHUFFLE", "RANDOM_STARTS + c"],
        held_out: a.held_out,
        random: a.random,
        train_starts: tr.count,
        coupling: match coupling {
            Coupling::Symmetric => "symmetric",
            _ => "asymmetric",
        },
        lambda_j: a.lambda_j,
        lambda_h: a.lambda_h,
        theta: a.theta,
        neff: run.neff,
        iterations: a.iterations,
        steps,
        fit: run.fit.clone(),
        fit_seconds,
        train_overlap: tr.overlap,
        train_overlap_err: tr.overlap_err,
        test_overlap: te.overlap,
        test_overlap_err: te.overlap_err,
        random_overlap: ra.overlap,
        random_overlap_err: ra.overlap_err,
        pair_identity: pair,
        pair_identity_err: pair_err,
        pair_identity_reweighted: pair_w,
        pair_identity_reweighted_err: pair_w_err,
        train_fixed: tr.fixed,
        test_start_nearest_train: te.start_nearest_train,
        test_final_nearest_train: te.final_nearest_train,
        test_final_nearest_train_err: te.final_nearest_train_err,
        test_closer_to_start: te.closer_to_start,
        random_final_nearest_train: ra.final_nearest_train,
        random_final_nearest_train_err: ra.final_nearest_train_err,
        sets: run.sets.clone(),
    };
    if a.json {
        return print_json(&out);
    }
    println!(
        "protein family {}: L = {l}, q = {}, {n_seq} sequences; P = {} (alpha = {:.4}), N_eff = {:.1}, seed {}",
        out.msa, out.q, out.p, out.alpha, out.neff, out.seed
    );
    println!(
        "Potts PL: {} couplings, lambda_J {}, lambda_h {}, {} L-BFGS iterations (gradient norm {:.3e}), {:.1} s; {steps} synchronous steps",
        out.coupling, a.lambda_j, a.lambda_h, out.fit.iterations, out.fit.gradient_norm, fit_seconds
    );
    for (name, s) in [("train", tr), ("test", te), ("random", ra)] {
        println!(
            "{name:<7} ({:>4})  overlap {:.4} ± {:.4}  fixed {:.3}  final→nearest train {:.4}",
            s.count, s.overlap, s.overlap_err, s.fixed, s.final_nearest_train
        );
    }
    println!("pair identity (family baseline) {pair:.4} ± {pair_err:.4}; reweighted (theta 0.2) {pair_w:.4} ± {pair_w_err:.4}");
    Ok(())
}
