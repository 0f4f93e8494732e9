//! Work units: the expensive independent pieces of a claim, computed in one
//! run (the default), split across machines (`plam reproduce --shard K/N`),
//! or read back from the shards' files and assembled (`plam reproduce
//! --merge DIR…`) into the figure, data, checks and verdicts an unsharded run
//! writes.
//!
//! A claim computes its pieces with [`Work::map`] (or [`Work::map_until`])
//! over a *sweep*, a named list of items. Unit i, its global index, is the
//! position of an item in the sequence of all items of all the claim's
//! sweeps, in the order the claim calls them; so the items of every sweep
//! must be known before any result is, and every shard enumerates the same
//! units. A sweep that depends on earlier results does so through a stopping
//! rule on its results in order ([`Work::map_until`]): an unsharded run and a
//! merge apply it, a shard cannot (it does not see the other shards'
//! results) and computes every candidate.
//!
//! - **Whole** (default): every unit is computed, as many at a time as
//!   rayon has threads, the results kept in order; nothing is written by
//!   this layer.
//! - **Shard K/N**: only the units with i mod N = K − 1 are computed (the
//!   shards are disjoint, cover every unit, and do not depend on timing);
//!   each is written to `DIR/NAME.units/SWEEP-i.json` ([`files`]); every map
//!   returns `None`, the claim stops before assembling, and
//!   [`Work::finish`] writes the shard's manifest.
//! - **Merge**: every unit is read back from the shards' files (JSON, whose
//!   f64 values round-trip exactly with serde_json's `float_roundtrip`), and
//!   the claim assembles exactly as in a whole run.

pub mod files;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{Results, Size};
use crate::figures::report::Stopwatch;
use crate::{Error, Result};
use files::{Manifest, Sweep, Unit};

/// Shard K of N (1 ≤ K ≤ N), written `K/N` on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// K, from 1.
    pub index: usize,
    /// N, the number of shards.
    pub count: usize,
}

impl Shard {
    /// Whether unit `i` belongs to this shard: i mod N = K − 1.
    pub fn owns(&self, unit: usize) -> bool {
        unit % self.count == self.index - 1
    }
}

impl FromStr for Shard {
    type Err = Error;
    /// Parses `K/N` with 1 ≤ K ≤ N.
    fn from_str(s: &str) -> Result<Self> {
        let bad = || {
            Error::InvalidInput(format!(
                "--shard must be K/N with whole numbers 1 ≤ K ≤ N (e.g. 2/8), got '{s}'"
            ))
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k: usize = k.trim().parse().map_err(|_| bad())?;
        let n: usize = n.trim().parse().map_err(|_| bad())?;
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { index: k, count: n })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// How a run treats the units.
#[derive(Debug)]
enum Mode {
    /// Compute every unit.
    Whole,
    /// Compute and write this shard's units into the directory.
    Shard {
        shard: Shard,
        dir: PathBuf,
        written: Vec<usize>,
    },
    /// Read every unit back: stored text by global index, the shards' sweeps.
    Merge {
        units: BTreeMap<usize, (PathBuf, String)>,
        sweeps: Vec<Sweep>,
    },
}

/// A claim's work: its size and how its units are computed, written or read
/// back. See the module documentation.
#[derive(Debug)]
pub struct Work {
    claim: &'static str,
    size: Size,
    mode: Mode,
    sweeps: Vec<Sweep>,
    replayed_seconds: f64,
    refusal: Option<String>,
}

impl Work {
    fn new(claim: &'static str, size: Size, mode: Mode) -> Self {
        Work {
            claim,
            size,
            mode,
            sweeps: Vec::new(),
            replayed_seconds: 0.0,
            refusal: None,
        }
    }

    /// Every unit of `claim` computed in this run.
    pub fn whole(claim: &'static str, size: Size) -> Self {
        Work::new(claim, size, Mode::Whole)
    }

    /// Shard `shard` of `claim`, writing its units under `dir`; an earlier
    /// manifest there is removed first, so only a finished shard has one.
    pub fn shard(claim: &'static str, size: Size, shard: Shard, dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(files::units_dir(dir, claim))?;
        let manifest = files::manifest_path(dir, claim);
        if manifest.exists() {
            std::fs::remove_file(&manifest)?;
        }
        let mode = Mode::Shard {
            shard,
            dir: dir.to_path_buf(),
            written: Vec::new(),
        };
        Ok(Work::new(claim, size, mode))
    }

    /// Every unit of `claim` read back from the shards in `dirs`, after
    /// checking that they are the N shards of one run ([`files`]).
    pub fn merge(claim: &'static str, dirs: &[PathBuf]) -> Result<Self> {
        let shards = files::read_manifests(claim, dirs)?;
        let units = files::read_units(claim, &shards)?;
        let (_, first) = &shards[0];
        let mode = Mode::Merge {
            units,
            sweeps: first.sweeps.clone(),
        };
        Ok(Work::new(claim, first.size, mode))
    }

    /// The size the claim runs at.
    pub fn size(&self) -> Size {
        self.size
    }

    /// Whether this run computes only a shard (the claim then returns no
    /// results).
    pub fn is_shard(&self) -> bool {
        matches!(self.mode, Mode::Shard { .. })
    }

    /// Seconds the units read back from shards took when computed (0 unless
    /// merging): the claim's runtime is the merge's time plus these.
    pub fn replayed_seconds(&self) -> f64 {
        self.replayed_seconds
    }

    /// Why a merge could not supply its units, if it could not (an error
    /// distinct from the claim's own: the merge refuses rather than reporting
    /// a failed check).
    pub fn refusal(&self) -> Result<()> {
        match &self.refusal {
            Some(msg) => Err(Error::InvalidInput(msg.clone())),
            None => Ok(()),
        }
    }

    /// `f` applied to every item of the sweep `name`, in order: the results
    /// (whole run, merge) or `None` (a shard, which computes and writes only
    /// its own units).
    pub fn map<I, T, F>(&mut self, name: &str, items: &[I], f: F) -> Result<Option<Vec<T>>>
    where
        I: Sync,
        T: Serialize + DeserializeOwned + Send,
        F: Fn(&I) -> Result<T> + Sync,
    {
        self.map_until(name, items, f, |_| false)
    }

    /// [`Work::map`] that stops after the first result for which `stop`
    /// holds (that result included). A shard computes all its units of the
    /// sweep, since it cannot see the results before its own; the merge
    /// applies the rule to the results read back, as a whole run does.
    pub fn map_until<I, T, F, S>(
        &mut self,
        name: &str,
        items: &[I],
        f: F,
        stop: S,
    ) -> Result<Option<Vec<T>>>
    where
        I: Sync,
        T: Serialize + DeserializeOwned + Send,
        F: Fn(&I) -> Result<T> + Sync,
        S: Fn(&T) -> bool,
    {
        let first = self.declare(name, items.len())?;
        let claim = self.claim;
        match &mut self.mode {
            Mode::Whole => whole_sweep(items, f, stop).map(Some),
            Mode::Shard {
                shard,
                dir,
                written,
            } => {
                for (k, item) in items.iter().enumerate() {
                    let index = first + k;
                    if !shard.owns(index) {
                        continue;
                    }
                    let clock = Stopwatch::start();
                    let value = f(item)?;
                    let unit = Unit {
                        claim: claim.to_string(),
                        sweep: name.to_string(),
                        index,
                        seconds: clock.seconds(),
                        value: &value,
                    };
                    files::write_unit(dir, &unit)?;
                    written.push(index);
                }
                Ok(None)
            }
            Mode::Merge { .. } => self.read_sweep(first, items.len(), stop).map(Some),
        }
    }

    /// Records a sweep of `count` units and returns the global index of its
    /// first unit. A merge checks it against the shards' sweeps.
    fn declare(&mut self, name: &str, count: usize) -> Result<usize> {
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid || self.sweeps.iter().any(|s| s.name == name) {
            return Err(Error::InvalidInput(format!(
                "{}: sweep name '{name}' must be new in the claim and made of ASCII letters, \
                 digits, '_' and '-'",
                self.claim
            )));
        }
        let first = self.sweeps.iter().map(|s| s.units).sum();
        let sweep = Sweep {
            name: name.to_string(),
            units: count,
        };
        if let Mode::Merge { sweeps, .. } = &self.mode {
            if sweeps.get(self.sweeps.len()) != Some(&sweep) {
                let msg = format!(
                    "merging {}: the claim's sweep {} is '{name}' with {count} units, the \
                     shards wrote {:?}",
                    self.claim,
                    self.sweeps.len() + 1,
                    sweeps.get(self.sweeps.len())
                );
                self.refusal = Some(msg.clone());
                return Err(Error::InvalidInput(msg));
            }
        }
        self.sweeps.push(sweep);
        Ok(first)
    }

    /// The results of units `first…first + count` read back in order, up to
    /// the first for which `stop` holds.
    fn read_sweep<T, S>(&mut self, first: usize, count: usize, stop: S) -> Result<Vec<T>>
    where
        T: DeserializeOwned,
        S: Fn(&T) -> bool,
    {
        let Mode::Merge { units, .. } = &self.mode else {
            return Err(Error::Other("read_sweep outside a merge".into()));
        };
        let mut out = Vec::new();
        let mut seconds = 0.0;
        let mut failure = None;
        for index in first..first + count {
            let parsed = match units.get(&index) {
                Some((path, text)) => files::parse_unit::<T>(path, text),
                None => Err(Error::InvalidInput(format!("unit {index} was not read"))),
            };
            match parsed {
                Ok(unit) => {
                    seconds += unit.seconds;
                    let done = stop(&unit.value);
                    out.push(unit.value);
                    if done {
                        break;
                    }
                }
                Err(e) => {
                    failure = Some(format!("merging {}: {e}", self.claim));
                    break;
                }
            }
        }
        self.replayed_seconds += seconds;
        if let Some(msg) = failure {
            self.refusal = Some(msg.clone());
            return Err(Error::InvalidInput(msg));
        }
        Ok(out)
    }

    /// Ends the run. A shard writes its manifest (last, marking it finished)
    /// and returns what it wrote; a merge checks that the claim enumerated
    /// every sweep the shards did.
    pub fn finish(self, dir: &Path) -> Result<Option<ShardSummary>> {
        match self.mode {
            Mode::Whole => Ok(None),
            Mode::Merge { sweeps, .. } => {
                if sweeps != self.sweeps {
                    return Err(Error::InvalidInput(format!(
                        "merging {}: the shards wrote the sweeps {sweeps:?}, the claim ran \
                         {:?}",
                        self.claim, self.sweeps
                    )));
                }
                Ok(None)
            }
            Mode::Shard { shard, written, .. } => {
                let total = self.sweeps.iter().map(|s| s.units).sum();
                let manifest = Manifest {
                    claim: self.claim.to_string(),
                    size: self.size,
                    crate_version: files::VERSION.to_string(),
                    shard,
                    sweeps: self.sweeps,
                    units: written,
                    whole: false,
                };
                let path = files::write_manifest(dir, &manifest)?;
                Ok(Some(ShardSummary {
                    manifest: path,
                    written: manifest.units.len(),
                    total,
                }))
            }
        }
    }
}

/// What a shard of one claim wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ShardSummary {
    /// Its manifest.
    pub manifest: PathBuf,
    /// Units written by this shard.
    pub written: usize,
    /// Units of the claim over all shards.
    pub total: usize,
}

/// Runs a claim's unit function unsharded (every unit computed in order):
/// the `run` of a claim that has work units.
pub fn whole<F>(claim: &'static str, size: Size, out: &Path, units: F) -> Result<Results>
where
    F: FnOnce(&mut Work, &Path) -> Result<Option<Results>>,
{
    let mut work = Work::whole(claim, size);
    units(&mut work, out)?.ok_or_else(|| {
        Error::Other(format!(
            "{claim}: a whole run returned no results (its unit function must assemble \
             whenever every map returned results)"
        ))
    })
}

/// Writes the manifest of a claim without work units: shard 1 runs it whole
/// (its figure and NAME.json are in `dir`), the other shards only record
/// that they left it to shard 1.
pub fn write_whole_manifest(
    claim: &'static str,
    size: Size,
    shard: Shard,
    dir: &Path,
) -> Result<PathBuf> {
    std::fs::create_dir_all(files::units_dir(dir, claim))?;
    files::write_manifest(
        dir,
        &Manifest {
            claim: claim.to_string(),
            size,
            crate_version: files::VERSION.to_string(),
            shard,
            sweeps: Vec::new(),
            units: Vec::new(),
            whole: shard.index == 1,
        },
    )
}

/// For a claim without work units, the shard directory that ran it whole,
/// after checking that `dirs` are the N shards of one run; with its size.
pub fn whole_claim_dir(claim: &'static str, dirs: &[PathBuf]) -> Result<(PathBuf, Size)> {
    let shards = files::read_manifests(claim, dirs)?;
    let (dir, m) = &shards[0];
    if !m.whole || !m.sweeps.is_empty() {
        return Err(Error::InvalidInput(format!(
            "merging {claim}: shard 1 in {} did not run the claim whole",
            dir.display()
        )));
    }
    Ok((dir.clone(), m.size))
}

/// A whole run's sweep: the units computed as many at a time as rayon has
/// threads (small units leave cores idle on their own), results in item
/// order, stopping after the first result for which `stop` holds. A unit's
/// result does not depend on what runs beside it, so this equals the
/// sequential sweep; units computed beside the stopping one are discarded.
fn whole_sweep<I, T, F, S>(items: &[I], f: F, stop: S) -> Result<Vec<T>>
where
    I: Sync,
    T: Send,
    F: Fn(&I) -> Result<T> + Sync,
    S: Fn(&T) -> bool,
{
    let width = rayon::current_num_threads().max(1);
    let mut out = Vec::new();
    for batch in items.chunks(width) {
        let values: Vec<Result<T>> = batch.par_iter().map(&f).collect();
        for v in values {
            let v = v?;
            let done = stop(&v);
            out.push(v);
            if done {
                return Ok(out);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn shard_parses_k_of_n_and_refuses_the_rest() {
        assert_eq!(
            "2/3".parse::<Shard>().unwrap(),
            Shard { index: 2, count: 3 }
        );
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", "", "-1/2", "1/2/3"] {
            let e = bad.parse::<Shard>().unwrap_err().to_string();
            assert!(e.contains("--shard must be K/N"), "{bad}: {e}");
        }
    }

    #[test]
    fn shards_are_disjoint_and_cover_every_unit() {
        for count in 1..6 {
            for unit in 0..40 {
                let owners = (1..=count)
                    .filter(|&index| Shard { index, count }.owns(unit))
                    .count();
                assert_eq!(owners, 1, "unit {unit} of {count} shards");
            }
        }
    }

    #[test]
    fn f64_round_trips_exactly_through_json() {
        // Random bit patterns cover every exponent, subnormals included; the
        // edge values are the extremes of the format.
        let mut rng = crate::numerics::rng::stream(7, 0);
        let mut values: Vec<f64> = (0..200_000)
            .map(|_| f64::from_bits(rng.random::<u64>()))
            .filter(|v| v.is_finite())
            .collect();
        values.extend([
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            5e-324,
            -0.0,
            0.1 + 0.2,
            2.225_073_858_507_201e-308,
        ]);
        let text = serde_json::to_string(&values).unwrap();
        let back: Vec<f64> = serde_json::from_str(&text).unwrap();
        let wrong = values
            .iter()
            .zip(&back)
            .filter(|(a, b)| a.to_bits() != b.to_bits())
            .count();
        assert_eq!(wrong, 0, "{wrong} of {} values changed", values.len());
    }

    /// A claim with two sweeps, the second stopped at the first result
    /// above 0.25; `calls` counts the items computed.
    fn toy(work: &mut Work, calls: &mut usize) -> Result<Option<Vec<f64>>> {
        let count = AtomicUsize::new(0);
        let a = work.map("roots", &[2.0, 3.0, 5.0], |x: &f64| {
            count.fetch_add(1, Ordering::Relaxed);
            Ok(x.sqrt())
        })?;
        let b = work.map_until(
            "steps",
            &[1, 2, 3, 4, 5],
            |&k: &i32| {
                count.fetch_add(1, Ordering::Relaxed);
                Ok(f64::from(k) / 10.0 + 1e-17)
            },
            |v| *v > 0.25,
        )?;
        *calls += count.into_inner();
        Ok(a.zip(b).map(|(a, b)| [a, b].concat()))
    }

    fn temp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("plam-shard-{}-{name}", std::process::id()));
        std::fs::remove_dir_all(&d).ok();
        d
    }

    /// Runs shards 1…`count` of the toy into `base/K`; the directories and
    /// the number of items computed over all shards.
    fn run_shards(base: &Path, count: usize) -> (Vec<PathBuf>, usize) {
        let mut calls = 0;
        let dirs: Vec<PathBuf> = (1..=count)
            .map(|index| {
                let dir = base.join(index.to_string());
                let shard = Shard { index, count };
                let mut work = Work::shard("toy", Size::Quick, shard, &dir).unwrap();
                assert!(toy(&mut work, &mut calls).unwrap().is_none());
                work.finish(&dir).unwrap();
                dir
            })
            .collect();
        (dirs, calls)
    }

    #[test]
    fn merged_shards_equal_the_whole_run_bit_for_bit() {
        let mut calls = 0;
        let whole = toy(&mut Work::whole("toy", Size::Quick), &mut calls)
            .unwrap()
            .unwrap();
        // Three roots and the steps up to 0.3, the first above 0.25. A whole
        // run computes its units as many at a time as rayon has threads, so
        // the steps computed beside 0.3 (at most threads − 1) are discarded.
        assert_eq!(whole.len(), 6);
        let spare = rayon::current_num_threads() - 1;
        assert!((6..=6 + spare).contains(&calls), "{calls} computed");
        let base = temp("toy");
        for count in [1, 2, 3, 8] {
            let (dirs, computed) = run_shards(&base.join(count.to_string()), count);
            // Shards cannot apply the stop: they compute every candidate.
            assert_eq!(computed, 8);
            let mut work = Work::merge("toy", &dirs).unwrap();
            let merged = toy(&mut work, &mut calls).unwrap().unwrap();
            work.finish(&base).unwrap();
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&merged), bits(&whole), "{count} shards");
        }
        std::fs::remove_dir_all(&base).ok();
    }

    #[test]
    fn merge_refuses_incomplete_or_mixed_shards() {
        let base = temp("refusals");
        let (dirs, _) = run_shards(&base.join("a"), 3);
        let refused = |dirs: &[PathBuf]| Work::merge("toy", dirs).unwrap_err().to_string();
        assert!(refused(&dirs[..2]).contains("shard(s) 3/3 missing"));
        let twice = [dirs[0].clone(), dirs[1].clone(), dirs[1].clone()];
        assert!(refused(&twice).contains("shard 2/3 twice"));
        let (other, _) = run_shards(&base.join("b"), 2);
        let mixed = [dirs[0].clone(), other[1].clone(), dirs[2].clone()];
        assert!(refused(&mixed).contains("different runs"));
        std::fs::remove_file(dirs[1].join("toy.units/roots-1.json")).unwrap();
        assert!(refused(&dirs).contains("roots-1.json"));
        std::fs::remove_file(dirs[2].join("toy.units/manifest.json")).unwrap();
        assert!(refused(&dirs).contains("holds no finished shard of toy"));
        std::fs::remove_dir_all(&base).ok();
    }

    #[test]
    fn merge_refuses_a_claim_whose_sweeps_differ_from_the_shards() {
        let base = temp("sweeps");
        let (dirs, _) = run_shards(&base, 2);
        let mut work = Work::merge("toy", &dirs).unwrap();
        let e = work
            .map("roots", &[2.0, 3.0], |x: &f64| Ok(x.sqrt()))
            .unwrap_err();
        assert!(e.to_string().contains("the shards wrote"), "{e}");
        assert!(work.refusal().is_err());
        std::fs::remove_dir_all(&base).ok();
    }
}
