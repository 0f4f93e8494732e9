//! `plam data mnist`: regenerate, summarise or show the binarized MNIST set
//! shipped with the crate (theory/mnist.md, eqs. (D1)–(D6)).

use crate::cli::print_json;
use anyhow::{bail, Context};
use clap::{Subcommand, ValueEnum};
use plam::data::mnist::{overlap_stats, Mnist14, MnistSplit, N};
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `plam data`.
#[derive(clap::Args, Debug)]
pub struct DataArgs {
    #[command(subcommand)]
    set: DataSet,
}

/// The data sets `plam data` knows.
#[derive(Subcommand, Debug)]
enum DataSet {
    /// Binarized MNIST 14×14 (deskewed, centre-cropped, thresholded at 86).
    Mnist(MnistArgs),
}

/// Which split `--show` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum SplitArg {
    /// The 60 000 training images.
    Train,
    /// The 10 000 test images.
    Test,
}

/// Arguments of `plam data mnist`.
#[derive(clap::Args, Debug)]
struct MnistArgs {
    /// Preprocess the four raw IDX files of this directory instead of
    /// reading the shipped set (with --out: write the packed file).
    #[arg(long = "from-idx")]
    from_idx: Option<PathBuf>,
    /// Write the packed set to this file (needs --from-idx).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print overlap statistics of the training images.
    #[arg(long)]
    stats: bool,
    /// Print image K as text (`#` = +1, `.` = -1) with its digit.
    #[arg(long)]
    show: Option<usize>,
    /// The split `--show` reads.
    #[arg(long, value_enum, default_value = "train")]
    split: SplitArg,
    /// Print JSON on stdout.
    #[arg(long)]
    json: bool,
}

/// The `--stats` output.
#[derive(Serialize)]
struct Stats {
    train_images: usize,
    test_images: usize,
    /// Training and test images.
    images: usize,
    n: usize,
    #[serde(flatten)]
    overlaps: plam::data::mnist::OverlapStats,
}

/// The `--show` output with `--json`.
#[derive(Serialize)]
struct Shown {
    split: &'static str,
    index: usize,
    label: u8,
    rows: Vec<String>,
}

/// Runs `plam data`.
pub fn run(a: DataArgs) -> anyhow::Result<()> {
    let DataSet::Mnist(a) = a.set;
    if a.out.is_some() && a.from_idx.is_none() {
        bail!("--out needs --from-idx DIR (the shipped set is already data/mnist/mnist14.bin)");
    }
    if a.out.is_none() && !a.stats && a.show.is_none() {
        bail!("nothing to do: give --from-idx DIR --out FILE, --stats or --show K");
    }
    let set = match &a.from_idx {
        Some(dir) => Mnist14::from_idx_dir(dir)?,
        None => Mnist14::shipped()?,
    };
    if let Some(out) = &a.out {
        std::fs::write(out, set.to_bytes())
            .with_context(|| format!("cannot write {}", out.display()))?;
        eprintln!(
            "wrote {} ({} training and {} test images)",
            out.display(),
            set.len(MnistSplit::Train),
            set.len(MnistSplit::Test)
        );
    }
    if a.stats {
        print_stats(&set, a.json)?;
    }
    if let Some(k) = a.show {
        show(&set, a.split, k, a.json)?;
    }
    Ok(())
}

/// Prints the overlap statistics, eq. (D6).
fn print_stats(set: &Mnist14, json: bool) -> anyhow::Result<()> {
    let (train, test) = (set.len(MnistSplit::Train), set.len(MnistSplit::Test));
    let s = Stats {
        train_images: train,
        test_images: test,
        images: train + test,
        n: N,
        overlaps: overlap_stats(set)?,
    };
    if json {
        return print_json(&s);
    }
    let fmt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.4}"));
    println!("binarized MNIST: {train} training + {test} test images, N = {N}");
    println!(
        "mean overlap of distinct training images: {:.4}",
        s.overlaps.mean_overlap
    );
    for (d, v) in s.overlaps.within_class_overlap.iter().enumerate() {
        println!("  digit {d}: within-class overlap {}", fmt(*v));
    }
    println!(
        "mean within-class overlap: {}",
        fmt(s.overlaps.mean_within_class_overlap)
    );
    Ok(())
}

/// Prints image `k` of a split as text.
fn show(set: &Mnist14, split: SplitArg, k: usize, json: bool) -> anyhow::Result<()> {
    let (sp, name) = match split {
        SplitArg::Train => (MnistSplit::Train, "train"),
        SplitArg::Test => (MnistSplit::Test, "test"),
    };
    let text = set.render(sp, k)?;
    let label = set.label(sp, k)?;
    if json {
        return print_json(&Shown {
            split: name,
            index: k,
            label,
            rows: text.lines().map(str::to_string).collect(),
        });
    }
    println!("{name} image {k}: digit {label}");
    print!("{text}");
    Ok(())
}
