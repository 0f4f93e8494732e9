//! Reading a finished claim back for `plam reproduce --resume`: a claim
//! whose figure (`NAME.svg`, `NAME.png`) and data (`NAME.json`) are in the
//! output directory, written by this crate version at the requested size,
//! need not run again; its checks and verdicts come from `NAME.json`.
//! `NAME.json` is written by the claim before [`super::run_claim`] times it;
//! [`record_runtime`] then writes the claim's total runtime into the checks
//! and verdicts the claim did not time, so that they read back as reported.

use std::path::Path;

use serde::Deserialize;

use super::{Claim, Results, Size};
use crate::figures::report::Check;
use crate::figures::verdict::Verdict;
use crate::Result;

/// The part of `NAME.json` that a resumed claim needs.
#[derive(Deserialize)]
struct Written {
    crate_version: String,
    metadata: Metadata,
    checks: Vec<Check>,
    #[serde(default)]
    verdicts: Vec<Verdict>,
}

/// Every claim records its size in its metadata.
#[derive(Deserialize)]
struct Metadata {
    size: Size,
}

/// The checks and verdicts of `claim` from an earlier run at `size` into
/// `out`, labelled as [`super::run_claim`] labels them; `None` when a file
/// is missing, unreadable, from another crate version or size, or holds no
/// checks (then the claim must run).
pub fn read_back(claim: &Claim, size: Size, out: &Path) -> Option<Results> {
    let name = claim.name;
    if !["svg", "png"]
        .iter()
        .all(|ext| out.join(format!("{name}.{ext}")).is_file())
    {
        return None;
    }
    let text = std::fs::read_to_string(out.join(format!("{name}.json"))).ok()?;
    let written: Written = serde_json::from_str(&text).ok()?;
    if written.crate_version != env!("CARGO_PKG_VERSION")
        || written.metadata.size != size
        || written.checks.is_empty()
    {
        return None;
    }
    let mut results = Results {
        checks: written.checks,
        verdicts: written.verdicts,
    };
    for c in &mut results.checks {
        c.claim = name.to_string();
    }
    for v in &mut results.verdicts {
        v.claim = name.to_string();
    }
    Some(results)
}

/// Writes `total` seconds into the runtime of every check and verdict of
/// `out/NAME.json` whose runtime is 0 (the claim did not time it), as
/// [`super::run_claim`] labels them, and into the file's `runtime`. Keys keep their order (serde_json's
/// `preserve_order`) and numbers their exact values (`float_roundtrip`), so
/// only those runtimes change. Nothing to do when the claim wrote no file.
pub fn record_runtime(name: &str, out: &Path, total: f64) -> Result<()> {
    let path = out.join(format!("{name}.json"));
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(());
    };
    let mut file: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| crate::Error::Other(format!("reading {}: {e}", path.display())))?;
    for key in ["checks", "verdicts"] {
        let Some(rows) = file.get_mut(key).and_then(|v| v.as_array_mut()) else {
            continue;
        };
        for row in rows {
            if row.get("runtime").and_then(|r| r.as_f64()) == Some(0.0) {
                row["runtime"] = serde_json::json!(total);
            }
        }
    }
    file["runtime"] = serde_json::json!(total);
    crate::data::output::write_json(&path, &file)
}

/// The claim's total runtime in seconds as [`record_runtime`] wrote it into
/// `out/NAME.json`; `None` when the file or the field is missing.
pub fn recorded_runtime(name: &str, out: &Path) -> Option<f64> {
    let text = std::fs::read_to_string(out.join(format!("{name}.json"))).ok()?;
    let file: serde_json::Value = serde_json::from_str(&text).ok()?;
    file.get("runtime")?.as_f64()
}
