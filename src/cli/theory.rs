//! `plam theory | density | capacity | margin | cover`: the replica engine on
//! the command line.

use super::{parse_grid, print_csv, print_json};
use anyhow::{bail, Context};
use plam::replica::loss::{Hinge, Loss, PseudoLikelihood, Square};
use plam::replica::saddle_point::{solve_arc, solve_grid, Options, Solution};
use plam::replica::{capacity, counting, row_symmetry, symmetric_capacity};
use std::sync::Arc;

/// Which per-pattern loss the fixed-norm perceptron minimises.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum LossKind {
    /// Pseudo-likelihood ℓ = ln(1 + e^{−2λΔ}).
    Pl,
    /// Margin (hinge) loss ℓ = λ·max(0, κ − Δ); exists only above capacity α > α_c(κ).
    Hinge,
    /// Square loss ℓ = (λ/2)(Δ − κ)²; exists for α(1 + κ²) > 1.
    Square,
}

/// Output format shared by the theory subcommands.
#[derive(clap::Args, Debug)]
pub struct Format {
    /// Print one JSON object per line.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print CSV with a header row.
    #[arg(long)]
    csv: bool,
}

#[derive(clap::Args, Debug)]
pub struct LossArgs {
    /// The loss function.
    #[arg(long, value_enum, default_value = "pl")]
    loss: LossKind,
    /// Margin (hinge) or target stability (square); default 0 for hinge, 1 for square.
    #[arg(long, allow_hyphen_values = true)]
    kappa: Option<f64>,
}

impl LossArgs {
    fn build(&self, lambda: f64) -> anyhow::Result<Arc<dyn Loss>> {
        Ok(match self.loss {
            LossKind::Pl => {
                if self.kappa.is_some() {
                    bail!("--kappa does not apply to the pseudo-likelihood loss (use --loss hinge or square)");
                }
                Arc::new(PseudoLikelihood::new(lambda)?)
            }
            LossKind::Hinge => Arc::new(Hinge::new(lambda, self.kappa.unwrap_or(0.0))?),
            LossKind::Square => Arc::new(Square::new(lambda, self.kappa.unwrap_or(1.0))?),
        })
    }
}

#[derive(clap::Args, Debug)]
pub struct TheoryArgs {
    /// Load α = P/N: a number, start:stop:count, or log:start:stop:count.
    #[arg(long, allow_hyphen_values = true)]
    alpha: String,
    /// Loss scale λ (the coupling-row norm): a number or a grid, as --alpha.
    #[arg(long, allow_hyphen_values = true)]
    lambda: String,
    #[command(flatten)]
    loss: LossArgs,
    #[command(flatten)]
    format: Format,
}

fn solve_point(loss: &LossArgs, alpha: f64, lambda: f64) -> anyhow::Result<Solution> {
    let l = loss.build(lambda)?;
    solve_arc(l, alpha).with_context(|| format!("at α = {alpha}, λ = {lambda}"))
}

/// `plam theory`: the saddle point at one (α, λ) or on a grid (rows in α-major
/// order), each α-row solved by continuation in λ, rows in parallel.
pub fn theory(a: TheoryArgs) -> anyhow::Result<()> {
    let alphas = parse_grid("alpha", &a.alpha)?;
    let lambdas = parse_grid("lambda", &a.lambda)?;
    let points: Vec<(f64, f64)> = alphas
        .iter()
        .flat_map(|&al| lambdas.iter().map(move |&l| (al, l)))
        .collect();
    if points.len() > 10_000_000 {
        bail!(
            "the grid has {} points; at most 10^7 are allowed",
            points.len()
        );
    }
    let losses = lambdas
        .iter()
        .map(|&l| a.loss.build(l))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let rows: Vec<_> = solve_grid(&alphas, &losses, &Options::default())
        .into_iter()
        .zip(&points)
        .map(|(s, &(al, l))| {
            s.map(|s| s.summary())
                .with_context(|| format!("at α = {al}, λ = {l}"))
        })
        .collect::<anyhow::Result<_>>()?;
    if a.format.csv {
        print_csv(&rows)
    } else if a.format.json || rows.len() == 1 {
        rows.iter().try_for_each(print_json)
    } else {
        print_csv(&rows)
    }
}

#[derive(clap::Args, Debug)]
pub struct DensityArgs {
    /// Load α = P/N.
    #[arg(long)]
    alpha: f64,
    /// Loss scale λ.
    #[arg(long)]
    lambda: f64,
    /// First Δ of the grid.
    #[arg(long, allow_hyphen_values = true, default_value = "-2")]
    from: f64,
    /// Last Δ of the grid.
    #[arg(long, allow_hyphen_values = true, default_value = "4")]
    to: f64,
    /// Number of grid points.
    #[arg(long, default_value = "121")]
    points: usize,
    #[command(flatten)]
    loss: LossArgs,
    #[command(flatten)]
    format: Format,
}

#[derive(serde::Serialize)]
struct DensityRow {
    delta: f64,
    pdf: f64,
    cdf: f64,
}

/// `plam density`: P(Δ) and F(Δ) on a grid (atoms are listed in JSON mode and
/// reported on standard error in CSV mode).
pub fn density(a: DensityArgs) -> anyhow::Result<()> {
    if !(a.from.is_finite() && a.to.is_finite() && a.from < a.to) {
        bail!(
            "--from and --to must be finite with from < to, got {} and {}",
            a.from,
            a.to
        );
    }
    if !(2..=10_000_000).contains(&a.points) {
        bail!("--points must be between 2 and 10^7, got {}", a.points);
    }
    let s = solve_point(&a.loss, a.alpha, a.lambda)?;
    let rows: Vec<DensityRow> = (0..a.points)
        .map(|k| {
            let d = a.from + (a.to - a.from) * k as f64 / (a.points - 1) as f64;
            DensityRow {
                delta: d,
                pdf: s.pdf(d),
                cdf: s.cdf(d),
            }
        })
        .collect();
    let atoms = s.atoms();
    if a.format.json {
        print_json(&serde_json::json!({
            "alpha": a.alpha, "lambda": a.lambda, "loss_fn": s.loss().name(),
            "atoms": atoms.iter().map(|&(at, mass)| serde_json::json!({"delta": at, "mass": mass})).collect::<Vec<_>>(),
            "delta": rows.iter().map(|r| r.delta).collect::<Vec<_>>(),
            "pdf": rows.iter().map(|r| r.pdf).collect::<Vec<_>>(),
            "cdf": rows.iter().map(|r| r.cdf).collect::<Vec<_>>(),
        }))
    } else {
        for (at, mass) in atoms {
            eprintln!("note: atom of mass {mass} at Δ = {at} (pdf column shows inf there)");
        }
        print_csv(&rows)
    }
}

/// Which couplings `capacity` and `margin` describe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TheoryCoupling {
    /// Independent rows: Gardner's spherical perceptron, eqs. (C2)–(C3).
    Asymmetric,
    /// J_ij = J_ji, in the approximation chosen by `--approximation`.
    Symmetric,
}

/// The theory of symmetric couplings (theory/symmetric.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SymmetricApproximation {
    /// The row bound (eqs. (S18)–(S20)): Gardner's values, an upper bound on
    /// the symmetric capacity, equal to it under conjecture H (attained at
    /// α ≤ 1 in the exact finite-N numerics, not at α ≳ 1.3).
    RowBound,
    /// The second-cumulant replica theory, eqs. (S14)–(S15): exact for
    /// Gaussian pair disorder, refuted for ±1 patterns (its §5).
    SecondCumulant,
    /// The limit bound from the asymmetry of the rows' optima, eqs. (S28),
    /// (S28a): κ*(α)√((1 + η(α))/2) with η of the cavity theory (S27); below
    /// Gardner's values for κ > 0, α_c = 2 at κ = 0.
    AsymmetryBound,
}

impl SymmetricApproximation {
    /// The approximation of `--approximation` for `coupling`: row-bound by
    /// default, an error with any other coupling.
    fn resolve(given: Option<Self>, coupling: Option<TheoryCoupling>) -> anyhow::Result<Self> {
        match (given, coupling) {
            (_, Some(TheoryCoupling::Symmetric)) => Ok(given.unwrap_or(Self::RowBound)),
            (None, _) => Ok(Self::RowBound),
            (Some(_), _) => anyhow::bail!("--approximation applies only with --coupling symmetric"),
        }
    }

    /// The name printed in the output.
    fn name(self) -> &'static str {
        match self {
            Self::RowBound => "row-bound",
            Self::SecondCumulant => "second-cumulant",
            Self::AsymmetryBound => "asymmetry-bound",
        }
    }

    /// α_c^sym(κ) in this approximation.
    fn alpha_c(self, kappa: f64) -> plam::Result<f64> {
        match self {
            Self::RowBound => capacity::alpha_c(kappa),
            Self::SecondCumulant => symmetric_capacity::alpha_c(kappa),
            Self::AsymmetryBound => row_symmetry::symmetric_capacity_bound(kappa),
        }
    }

    /// κ*_sym(α) in this approximation.
    fn max_margin(self, alpha: f64) -> plam::Result<f64> {
        match self {
            Self::RowBound => capacity::max_margin(alpha),
            Self::SecondCumulant => symmetric_capacity::max_margin(alpha),
            Self::AsymmetryBound => row_symmetry::symmetric_margin_bound(alpha),
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct CapacityArgs {
    /// Margin κ ≥ 0.
    #[arg(long, allow_hyphen_values = true)]
    kappa: f64,
    /// Coupling structure (default asymmetric; the output then has no
    /// `coupling` field unless the flag is given).
    #[arg(long, value_enum)]
    coupling: Option<TheoryCoupling>,
    /// The theory of symmetric couplings (only with `--coupling symmetric`;
    /// default row-bound).
    #[arg(long, value_enum)]
    approximation: Option<SymmetricApproximation>,
    #[command(flatten)]
    format: Format,
}

/// `plam capacity`: Gardner's α_c(κ), or α_c^sym(κ) with `--coupling symmetric`.
pub fn capacity(a: CapacityArgs) -> anyhow::Result<()> {
    let approximation = SymmetricApproximation::resolve(a.approximation, a.coupling)?;
    let v = match a.coupling {
        None => serde_json::json!({"kappa": a.kappa, "alpha_c": capacity::alpha_c(a.kappa)?}),
        Some(TheoryCoupling::Asymmetric) => serde_json::json!({
            "coupling": "asymmetric", "kappa": a.kappa, "alpha_c": capacity::alpha_c(a.kappa)?}),
        Some(TheoryCoupling::Symmetric) => serde_json::json!({
            "coupling": "symmetric", "kappa": a.kappa,
            "alpha_c": approximation.alpha_c(a.kappa)?, "approximation": approximation.name()}),
    };
    emit(&a.format, &v)
}

#[derive(clap::Args, Debug)]
pub struct MarginArgs {
    /// Load 0 < α ≤ 2 (asymmetric and row bound) or ≤ α_c^sym(0) = 1.2779
    /// (second cumulant).
    #[arg(long, allow_hyphen_values = true)]
    alpha: f64,
    /// Coupling structure (default asymmetric; the output then has no
    /// `coupling` field unless the flag is given).
    #[arg(long, value_enum)]
    coupling: Option<TheoryCoupling>,
    /// The theory of symmetric couplings (only with `--coupling symmetric`;
    /// default row-bound).
    #[arg(long, value_enum)]
    approximation: Option<SymmetricApproximation>,
    #[command(flatten)]
    format: Format,
}

/// `plam margin`: Gardner's maximal margin κ*(α), or κ*_sym(α) with
/// `--coupling symmetric`.
pub fn margin(a: MarginArgs) -> anyhow::Result<()> {
    let approximation = SymmetricApproximation::resolve(a.approximation, a.coupling)?;
    let v = match a.coupling {
        None => serde_json::json!({"alpha": a.alpha, "kappa": capacity::max_margin(a.alpha)?}),
        Some(TheoryCoupling::Asymmetric) => serde_json::json!({
            "coupling": "asymmetric", "alpha": a.alpha, "kappa": capacity::max_margin(a.alpha)?}),
        Some(TheoryCoupling::Symmetric) => serde_json::json!({
            "coupling": "symmetric", "alpha": a.alpha,
            "kappa": approximation.max_margin(a.alpha)?, "approximation": approximation.name()}),
    };
    emit(&a.format, &v)
}

#[derive(clap::Args, Debug)]
pub struct CoverArgs {
    /// Dimension D (number of free parameters), ≥ 1.
    #[arg(long)]
    dim: u64,
    /// Number of points P, ≥ 1.
    #[arg(long)]
    points: u64,
    #[command(flatten)]
    format: Format,
}

/// `plam cover`: Cover's probability of linear separability.
pub fn cover(a: CoverArgs) -> anyhow::Result<()> {
    let c = counting::cover_probability(a.dim, a.points)?;
    emit(
        &a.format,
        &serde_json::json!({"dim": c.dim, "points": c.points, "probability": c.probability,
                            "log10_probability": c.log10_probability}),
    )
}

/// Prints a flat JSON object as JSON (default) or as a one-row CSV.
fn emit(format: &Format, v: &serde_json::Value) -> anyhow::Result<()> {
    if format.csv {
        let obj = v.as_object().context("internal: expected a JSON object")?;
        let mut w = csv::Writer::from_writer(std::io::stdout().lock());
        w.write_record(obj.keys())?;
        // Strings unquoted (the CSV writer quotes where needed), numbers as JSON.
        w.write_record(
            obj.values()
                .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned)),
        )?;
        w.flush()?;
        Ok(())
    } else {
        print_json(v)
    }
}
