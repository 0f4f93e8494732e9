//! `plam generalize --data ea`: P = round(α·L²) equilibrium samples of a
//! seeded 2D Edwards–Anderson instance at temperature T (parallel
//! tempering, theory/spin_glass.md), pseudo-likelihood couplings trained on
//! them with the authors' protocol (eqs. (G15), (T20)) or the suite's
//! full-batch one, the final overlaps (M38) after 100 synchronous steps from
//! train, test and random starts beside the Hebbian couplings, the P = ∞
//! line of the true couplings, the coupling errors (G14) with the mean-field
//! baseline (G16), and the true energies of the states reached against the
//! quench minimum (G18); one point is
//! [`plam::compare::generalization_spin_glass::run_point`], this file
//! parses and prints.

use std::io::IsTerminal;
use std::time::Instant;

use super::mnist::TrainingProtocolArg;
use super::{protocol_steps, GenCouplingArg, GeneralizeArgs};
use crate::cli::print_json;
use anyhow::bail;
use indicatif::{ProgressBar, ProgressStyle};
use plam::compare::generalization_spin_glass::{
    authors_training, run_point, CouplingError, EaData, EaPoint, EaSampling,
};
use plam::data::patterns::num_patterns;
use plam::data::spin_glass::Bonds;
use plam::learning::{Coupling, GdConfig, Init};
use plam::memory::generalization::SetResult;
use plam::memory::protocol::Protocol;
use serde::Serialize;

/// One coupling matrix's overlaps, as printed.
#[derive(Serialize)]
struct EaOverlaps {
    train_overlap: f64,
    train_overlap_err: f64,
    test_overlap: f64,
    test_overlap_err: f64,
    random_overlap: f64,
    random_overlap_err: f64,
    /// True energy per spin of the states reached from the test samples.
    energy_per_spin_reached: f64,
    energy_per_spin_reached_err: f64,
    /// Every set with its fixed-point fraction and nearest-training overlaps.
    sets: Vec<SetResult>,
}

impl EaOverlaps {
    fn new(sets: &[SetResult], energy: (f64, f64)) -> Self {
        let get = |name: &str| sets.iter().find(|s| s.name == name).expect("measured set");
        Self {
            train_overlap: get("train").overlap,
            train_overlap_err: get("train").overlap_err,
            test_overlap: get("test").overlap,
            test_overlap_err: get("test").overlap_err,
            random_overlap: get("random").overlap,
            random_overlap_err: get("random").overlap_err,
            energy_per_spin_reached: energy.0,
            energy_per_spin_reached_err: energy.1,
            sets: sets.to_vec(),
        }
    }
}

/// The printed JSON object.
#[derive(Serialize)]
struct Out {
    data: &'static str,
    l: usize,
    n: usize,
    t: f64,
    bonds: Bonds,
    p: usize,
    alpha: f64,
    seed: u64,
    /// The streams of the bonds, the chains and the random starts.
    streams: [&'static str; 3],
    test: usize,
    random: usize,
    /// The sampler's ⟨E⟩/N at T, its error and the spacing of the samples in sweeps.
    sample_energy_per_spin: f64,
    sample_energy_per_spin_err: f64,
    sample_spacing: usize,
    /// Lowest zero-T quench energy per spin over the samples, eq. (G18).
    ground_state_estimate: f64,
    coupling: &'static str,
    training: TrainingProtocolArg,
    init: Init,
    epochs: usize,
    lr: f64,
    lr_decay: f64,
    beta: f64,
    precision: &'static str,
    steps: Option<usize>,
    protocol: Protocol,
    lambda_eff: f64,
    /// ‖β·J_PL − J/T‖_F / ‖J/T‖_F, eqs. (G13)–(G14).
    coupling_error: f64,
    coupling_error_bonds: f64,
    coupling_error_off_bonds: f64,
    /// The same for the mean-field estimate (null when C is singular), eq. (G16).
    mean_field_error: Option<CouplingError>,
    /// The P = ∞ line: the true couplings from the test samples.
    true_couplings_overlap: f64,
    true_couplings_overlap_err: f64,
    true_couplings_energy_per_spin: f64,
    true_couplings_energy_per_spin_err: f64,
    #[serde(flatten)]
    pl: EaOverlaps,
    hebb: EaOverlaps,
    seconds: f64,
}

/// The descent of the command line's protocol.
fn training(a: &GeneralizeArgs) -> GdConfig {
    match a.training_protocol.unwrap_or(TrainingProtocolArg::Authors) {
        TrainingProtocolArg::Authors => authors_training(a.side * a.side, a.precision.into()),
        TrainingProtocolArg::FullBatch => GdConfig {
            beta: a.beta,
            lr: a.lr,
            lr_decay: a.lr_decay,
            init: Init::Zero,
            snapshots: vec![],
            precision: a.precision.into(),
            ..GdConfig::new(a.lr, a.epochs)
        },
    }
}

/// A progress bar on a terminal's stderr (none otherwise).
fn bar(len: u64, what: &str) -> Option<ProgressBar> {
    std::io::stderr().is_terminal().then(|| {
        let b = ProgressBar::new(len);
        b.set_style(
            ProgressStyle::with_template(&format!(
                "{what} {{bar:40}} {{pos}}/{{len}} [{{elapsed_precise}} < {{eta_precise}}]"
            ))
            .expect("valid template"),
        );
        b
    })
}

/// Runs `plam generalize --data ea`.
pub fn run(a: &GeneralizeArgs, protocol: Protocol) -> anyhow::Result<()> {
    let clock = Instant::now();
    if a.seeds != 1 {
        bail!("--data ea measures one instance: --seeds must be 1 (run one seed per instance)");
    }
    if !(a.temperature.is_finite() && a.temperature > 0.0) {
        bail!("--t must be a positive temperature, got {}", a.temperature);
    }
    if a.side < 3 {
        bail!("--l must be at least 3 (periodic lattice), got {}", a.side);
    }
    if !(a.lr_decay.is_finite() && a.lr_decay > 0.0 && a.lr_decay <= 1.0) {
        bail!("--lr-decay must be in (0, 1], got {}", a.lr_decay);
    }
    let n = a.side * a.side;
    let p = num_patterns(n, a.alpha)?;
    let sampling = EaSampling {
        bonds: a.bonds.into(),
        ..EaSampling::new(a.side, a.temperature)
    };
    let sampler_bar = bar(1000, "sampling");
    let data = EaData::draw(&sampling, p, a.test, a.seed, &|f| {
        if let Some(b) = &sampler_bar {
            b.set_position((1000.0 * f) as u64);
        }
    })?;
    if let Some(b) = sampler_bar {
        b.finish_and_clear();
    }
    let gd = training(a);
    let point = EaPoint {
        alpha: a.alpha,
        random: a.random,
        coupling: match a.coupling {
            GenCouplingArg::Asymmetric => Coupling::Asymmetric,
            GenCouplingArg::Symmetric => Coupling::Symmetric,
        },
        gd: gd.clone(),
        protocol,
    };
    let train_bar = bar(gd.epochs as u64, "training");
    let run = run_point(&data, &point, a.seed, &mut |e| {
        if let Some(b) = &train_bar {
            b.set_position(e as u64);
        }
    })?;
    if let Some(b) = train_bar {
        b.finish_and_clear();
    }
    let out = Out {
        data: "ea",
        l: a.side,
        n,
        t: a.temperature,
        bonds: sampling.bonds,
        p,
        alpha: p as f64 / n as f64,
        seed: a.seed,
        streams: ["EA_BONDS", "EA_CHAINS + c", "RANDOM_STARTS + c"],
        test: a.test,
        random: a.random,
        sample_energy_per_spin: data.energy_per_spin.0,
        sample_energy_per_spin_err: data.energy_per_spin.1,
        sample_spacing: data.spacing,
        ground_state_estimate: data.ground_state,
        coupling: match a.coupling {
            GenCouplingArg::Asymmetric => "asymmetric",
            GenCouplingArg::Symmetric => "symmetric",
        },
        training: a.training_protocol.unwrap_or(TrainingProtocolArg::Authors),
        init: gd.init,
        epochs: gd.epochs,
        lr: gd.lr,
        lr_decay: gd.lr_decay,
        beta: gd.beta,
        precision: if gd.precision.is_f64() { "f64" } else { "f32" },
        steps: protocol_steps(&protocol),
        protocol,
        lambda_eff: run.lambda_eff,
        coupling_error: run.pl_error.overall,
        coupling_error_bonds: run.pl_error.bonds,
        coupling_error_off_bonds: run.pl_error.off_bonds,
        mean_field_error: run.mf_error,
        true_couplings_overlap: run.true_couplings.overlap,
        true_couplings_overlap_err: run.true_couplings.overlap_err,
        true_couplings_energy_per_spin: run.energy_true.0,
        true_couplings_energy_per_spin_err: run.energy_true.1,
        pl: EaOverlaps::new(&run.pl, run.energy_pl),
        hebb: EaOverlaps::new(&run.hebb, run.energy_hebb),
        seconds: (clock.elapsed().as_secs_f64() * 1e3).round() / 1e3,
    };
    if a.json {
        return print_json(&out);
    }
    print_table(&out);
    Ok(())
}

/// The readable summary: PL, Hebb and the true couplings.
fn print_table(o: &Out) {
    println!(
        "2D EA ({:?} bonds): L = {}, N = {}, T = {}, P = {} (alpha = {:.4}), {} test and {} random starts, seed {}",
        o.bonds, o.l, o.n, o.t, o.p, o.alpha, o.test, o.random, o.seed
    );
    println!(
        "samples: E/N = {:.4} ± {:.4}, spaced {} sweeps; quench minimum E/N = {:.4}",
        o.sample_energy_per_spin,
        o.sample_energy_per_spin_err,
        o.sample_spacing,
        o.ground_state_estimate
    );
    println!(
        "PL: {} couplings, {:?} protocol ({} epochs, lr {}, decay {}, beta {}), {}",
        o.coupling, o.training, o.epochs, o.lr, o.lr_decay, o.beta, o.precision
    );
    println!(
        "coupling error |beta J_PL - J/T| / |J/T| = {:.4} (bonds {:.4}, off bonds {:.4}); mean field {}",
        o.coupling_error,
        o.coupling_error_bonds,
        o.coupling_error_off_bonds,
        o.mean_field_error
            .map_or("undefined (C singular: P <= N or locked spins)".to_string(), |e| format!("{:.4}", e.overall))
    );
    let (p, h) = (&o.pl, &o.hebb);
    super::print_overlap_rows(
        18,
        &[
            (
                "train",
                (p.train_overlap, p.train_overlap_err),
                (h.train_overlap, h.train_overlap_err),
            ),
            (
                "test",
                (p.test_overlap, p.test_overlap_err),
                (h.test_overlap, h.test_overlap_err),
            ),
            (
                "random",
                (p.random_overlap, p.random_overlap_err),
                (h.random_overlap, h.random_overlap_err),
            ),
            (
                "E/N reached (test)",
                (p.energy_per_spin_reached, p.energy_per_spin_reached_err),
                (h.energy_per_spin_reached, h.energy_per_spin_reached_err),
            ),
        ],
    );
    println!(
        "true couplings (P = inf): test overlap {:.4} ± {:.4}, E/N reached {:.4} ± {:.4}",
        o.true_couplings_overlap,
        o.true_couplings_overlap_err,
        o.true_couplings_energy_per_spin,
        o.true_couplings_energy_per_spin_err
    );
}
