//! The files of a shard: one JSON file per work unit,
//! `DIR/NAME.units/SWEEP-i.json`, and the shard's manifest
//! `DIR/NAME.units/manifest.json`, written last, when every unit of the shard
//! is on disk (a shard without a manifest did not finish). Reading them back
//! for a merge refuses, with a message naming the directory, anything that
//! would not give the unsharded result: a missing or duplicate shard, shards
//! of another claim, size, plan version or shard count, a missing unit file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};

use super::Shard;
use crate::data::output;
use crate::validation::Size;
use crate::{Error, Result};

/// The plam version that writes and reads shard files: a merge accepts only
/// shards written by the same version (the units' code must be the same).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// One sweep of a claim: its name and its number of units, in the order the
/// claim runs its sweeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sweep {
    /// Name of the sweep (part of the unit files' names).
    pub name: String,
    /// Number of items in the sweep.
    pub units: usize,
}

/// What a shard of one claim wrote, `DIR/NAME.units/manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// The claim.
    pub claim: String,
    /// The size the claim ran at.
    pub size: Size,
    /// The plam version that wrote the shard.
    pub crate_version: String,
    /// Which shard this is, K/N.
    pub shard: Shard,
    /// The claim's sweeps in order (empty for a claim without work units,
    /// which shard 1 runs whole).
    pub sweeps: Vec<Sweep>,
    /// Global indices of the units this shard wrote.
    pub units: Vec<usize>,
    /// Whether this shard ran the whole claim (shard 1, for a claim without
    /// work units): its figure and NAME.json are in the shard's directory.
    pub whole: bool,
}

/// One computed unit as stored: where it belongs, how long it took, its value.
#[derive(Debug, Serialize, Deserialize)]
pub struct Unit<V> {
    /// The claim.
    pub claim: String,
    /// The sweep the unit belongs to.
    pub sweep: String,
    /// Global index of the unit in the claim.
    pub index: usize,
    /// Wall-clock seconds the unit took.
    pub seconds: f64,
    /// The unit's result.
    pub value: V,
}

/// `DIR/NAME.units`.
pub fn units_dir(dir: &Path, claim: &str) -> PathBuf {
    dir.join(format!("{claim}.units"))
}

/// `DIR/NAME.units/manifest.json`.
pub fn manifest_path(dir: &Path, claim: &str) -> PathBuf {
    units_dir(dir, claim).join("manifest.json")
}

/// `DIR/NAME.units/SWEEP-i.json`.
fn unit_path(dir: &Path, claim: &str, sweep: &str, index: usize) -> PathBuf {
    units_dir(dir, claim).join(format!("{sweep}-{index}.json"))
}

/// Writes one unit. The text is read back before it counts as written, so a
/// value that JSON cannot return exactly (e.g. a NaN, written as null, in a
/// field that does not read null back as NaN) fails in the shard that
/// computed it, not later in the merge.
pub fn write_unit<T: Serialize + DeserializeOwned>(dir: &Path, unit: &Unit<&T>) -> Result<PathBuf> {
    let path = unit_path(dir, &unit.claim, &unit.sweep, unit.index);
    let text = serde_json::to_string(unit).map_err(|e| invalid(&path, e))?;
    let back: Unit<T> = serde_json::from_str(&text).map_err(|e| invalid(&path, e))?;
    let again = serde_json::to_string(&back).map_err(|e| invalid(&path, e))?;
    if again != text {
        return Err(Error::Other(format!(
            "{}: the unit does not survive a JSON round trip",
            path.display()
        )));
    }
    std::fs::write(&path, text + "\n")?;
    Ok(path)
}

/// Reads the value of a unit from its stored text.
pub fn parse_unit<T: DeserializeOwned>(path: &Path, text: &str) -> Result<Unit<T>> {
    serde_json::from_str(text).map_err(|e| invalid(path, e))
}

/// Writes a shard's manifest (last: it marks the shard as finished).
pub fn write_manifest(dir: &Path, m: &Manifest) -> Result<PathBuf> {
    let path = manifest_path(dir, &m.claim);
    output::write_json(&path, m)?;
    Ok(path)
}

/// A JSON error on a shard file.
fn invalid(path: &Path, e: serde_json::Error) -> Error {
    Error::InvalidInput(format!("{}: {e}", path.display()))
}

/// Reads a shard's manifest of `claim` in `dir`.
fn read_manifest(dir: &Path, claim: &str) -> Result<Manifest> {
    let path = manifest_path(dir, claim);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Error::InvalidInput(format!(
            "{} holds no finished shard of {claim}: cannot read {} ({e}); a shard writes it \
             last, when all its units are written",
            dir.display(),
            path.display()
        ))
    })?;
    let m: Manifest = serde_json::from_str(&text).map_err(|e| invalid(&path, e))?;
    let refuse = |what: String| Err(Error::InvalidInput(format!("{}: {what}", path.display())));
    if m.claim != claim {
        return refuse(format!("a shard of {}, not of {claim}", m.claim));
    }
    if m.crate_version != VERSION {
        return refuse(format!(
            "written by plam {}, this is plam {VERSION}: rerun the shards with one version",
            m.crate_version
        ));
    }
    Ok(m)
}

/// The manifests of `claim` in `dirs`, sorted by shard index, after checking
/// that they are exactly shards 1 … N of one run: same size, shard count and
/// sweeps, each shard once.
pub fn read_manifests(claim: &str, dirs: &[PathBuf]) -> Result<Vec<(PathBuf, Manifest)>> {
    let refuse = |what: String| Err(Error::InvalidInput(format!("merging {claim}: {what}")));
    let Some(first_dir) = dirs.first() else {
        return refuse("no shard directories given".into());
    };
    let first = read_manifest(first_dir, claim)?;
    let mut by_index: BTreeMap<usize, (PathBuf, Manifest)> = BTreeMap::new();
    for dir in dirs {
        let m = read_manifest(dir, claim)?;
        if m.size != first.size || m.shard.count != first.shard.count {
            return refuse(format!(
                "{} is shard {} at size {:?}, {} is shard {} at size {:?}: shards of \
                 different runs",
                first_dir.display(),
                first.shard,
                first.size,
                dir.display(),
                m.shard,
                m.size
            ));
        }
        if m.sweeps != first.sweeps {
            return refuse(format!(
                "{} and {} enumerate different work units",
                first_dir.display(),
                dir.display()
            ));
        }
        if let Some((other, _)) = by_index.get(&m.shard.index) {
            return refuse(format!(
                "shard {} twice: in {} and {}",
                m.shard,
                other.display(),
                dir.display()
            ));
        }
        by_index.insert(m.shard.index, (dir.clone(), m));
    }
    let count = first.shard.count;
    let missing: Vec<String> = (1..=count)
        .filter(|k| !by_index.contains_key(k))
        .map(|k| format!("{k}/{count}"))
        .collect();
    if !missing.is_empty() {
        return refuse(format!(
            "shard(s) {} missing (given {} director{})",
            missing.join(", "),
            dirs.len(),
            if dirs.len() == 1 { "y" } else { "ies" }
        ));
    }
    Ok(by_index.into_values().collect())
}

/// The stored text of every unit of a claim, by global index, from its
/// checked manifests: each unit of every sweep exactly once, each file
/// present and naming its claim, sweep and index.
pub fn read_units(
    claim: &str,
    shards: &[(PathBuf, Manifest)],
) -> Result<BTreeMap<usize, (PathBuf, String)>> {
    let sweeps = shards.first().map_or(&[][..], |(_, m)| &m.sweeps[..]);
    let mut sweep_of = Vec::new();
    for s in sweeps {
        sweep_of.extend(std::iter::repeat_n(s.name.as_str(), s.units));
    }
    let mut units = BTreeMap::new();
    for (dir, m) in shards {
        for &i in &m.units {
            let Some(&sweep) = sweep_of.get(i) else {
                return Err(Error::InvalidInput(format!(
                    "merging {claim}: {} lists unit {i}, beyond the {} units of the claim",
                    manifest_path(dir, claim).display(),
                    sweep_of.len()
                )));
            };
            let path = unit_path(dir, claim, sweep, i);
            let text = std::fs::read_to_string(&path).map_err(|e| {
                Error::InvalidInput(format!("merging {claim}: unit {}: {e}", path.display()))
            })?;
            let head: Unit<IgnoredAny> = parse_unit(&path, &text)?;
            if head.claim != claim || head.sweep != sweep || head.index != i {
                return Err(Error::InvalidInput(format!(
                    "merging {claim}: {} holds unit {} of sweep {} of {}",
                    path.display(),
                    head.index,
                    head.sweep,
                    head.claim
                )));
            }
            if units.insert(i, (path.clone(), text)).is_some() {
                return Err(Error::InvalidInput(format!(
                    "merging {claim}: unit {i} written by two shards ({})",
                    path.display()
                )));
            }
        }
    }
    if let Some(i) = (0..sweep_of.len()).find(|i| !units.contains_key(i)) {
        return Err(Error::InvalidInput(format!(
            "merging {claim}: unit {i} (sweep {}) is in no shard's manifest",
            sweep_of[i]
        )));
    }
    Ok(units)
}
