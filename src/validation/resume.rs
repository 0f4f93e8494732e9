//! Reading a finished claim back for `plam reproduce --resume`: a claim
//! whose figure (`NAME.svg`, `NAME.png`) and data (`NAME.json`) are in the
//! output directory, written by this crate version at the requested size,
//! need not run again; its checks and verdicts come from `NAME.json`.
//! `NAME.json` is written by the claim before [`super::run_claim`] times it,
//! so a check the claim did not time itself reads back with runtime 0.

use std::path::Path;

use serde::Deserialize;

use super::{Claim, Results, Size};
use crate::figures::report::Check;
use crate::figures::verdict::Verdict;

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
