//! `plam reproduce --shard K/N` and `--merge`: a claim sharded across runs
//! and merged gives the same data, checks and verdicts as one unsharded run
//! (wall-clock fields aside), and the merge refuses shards that would not.

mod common;

use std::path::{Path, PathBuf};

/// The quickest claim with work units (two loads; about a second at quick
/// size in a release build).
const NAME: &str = "stabilities_gradient_descent";

/// Keys holding wall-clock time, the only fields allowed to differ, and the
/// report's path (the output directories differ).
const WALL_CLOCK: [&str; 3] = ["seconds", "runtime", "report"];

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("plam-shard-{}-{name}", std::process::id()));
    std::fs::remove_dir_all(&d).ok();
    d
}

/// Runs `plam reproduce ARGS --json` and returns its JSON output (empty for a
/// shard without --json output).
fn reproduce(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["reproduce", "--json"];
    all.extend_from_slice(args);
    let run = common::run_plam(1, &all);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{all:?}: {err}");
    serde_json::from_slice(&run.stdout).expect("--json prints one JSON object")
}

fn shard(k: usize, n: usize, out: &Path) -> serde_json::Value {
    let spec = format!("{k}/{n}");
    let out = out.to_str().unwrap();
    reproduce(&["--quick", "--only", NAME, "--shard", &spec, "--out", out])
}

/// `v` without its wall-clock fields.
fn strip(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => m
            .iter()
            .filter(|(k, _)| !WALL_CLOCK.contains(&k.as_str()))
            .map(|(k, x)| (k.clone(), strip(x)))
            .collect(),
        serde_json::Value::Array(a) => a.iter().map(strip).collect(),
        other => other.clone(),
    }
}

fn figure_json(out: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join(format!("{NAME}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn paths(dirs: &[&Path]) -> Vec<String> {
    dirs.iter()
        .map(|d| d.to_str().unwrap().to_string())
        .collect()
}

/// `plam reproduce --merge DIRS --out OUT` refused with exit code 1 and a
/// message containing `must_contain`.
fn assert_merge_refused(dirs: &[&Path], out: &Path, must_contain: &str) {
    let mut args = vec!["reproduce".to_string(), "--merge".to_string()];
    args.extend(paths(dirs));
    args.extend(["--out".to_string(), out.to_str().unwrap().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    common::assert_refused(&args, must_contain);
}

#[test]
fn sharded_and_merged_equals_unsharded() {
    let base = dir("identity");
    let whole_out = base.join("whole");
    let whole = reproduce(&[
        "--quick",
        "--only",
        NAME,
        "--out",
        whole_out.to_str().unwrap(),
    ]);
    for n in [2, 3] {
        let shards: Vec<PathBuf> = (1..=n).map(|k| base.join(format!("{n}-{k}"))).collect();
        for (k, s) in shards.iter().enumerate() {
            let written = shard(k + 1, n, s);
            assert_eq!(
                written["shard"],
                serde_json::json!({"index": k + 1, "count": n})
            );
        }
        let merged_out = base.join(format!("merged-{n}"));
        let mut args = vec!["--merge".to_string()];
        args.extend(paths(
            &shards.iter().map(PathBuf::as_path).collect::<Vec<_>>(),
        ));
        args.extend([
            "--out".to_string(),
            merged_out.to_str().unwrap().to_string(),
        ]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let merged = reproduce(&args);
        assert_eq!(
            strip(&merged),
            strip(&whole),
            "{n} shards: checks and verdicts"
        );
        assert!(!whole["checks"].as_array().unwrap().is_empty());
        assert_eq!(
            strip(&figure_json(&merged_out)),
            strip(&figure_json(&whole_out)),
            "{n} shards: {NAME}.json"
        );
        let report = std::fs::read_to_string(merged_out.join("REPORT.md")).unwrap();
        assert!(report.contains("Assembled with --merge"));
    }
    std::fs::remove_dir_all(&base).ok();
}

#[test]
fn merge_refuses_missing_duplicate_and_mismatched_shards() {
    let base = dir("refusals");
    let (a1, a2, b2) = (base.join("a1"), base.join("a2"), base.join("b2"));
    shard(1, 2, &a1);
    shard(2, 2, &a2);
    shard(2, 3, &b2);
    let out = base.join("merged");
    assert_merge_refused(&[&a1], &out, "shard(s) 2/2 missing");
    assert_merge_refused(&[&a1, &a1], &out, "shard 1/2 twice");
    assert_merge_refused(&[&a1, &b2], &out, "different runs");
    assert_merge_refused(&[&base.join("nowhere")], &out, "holds no finished shard");

    let manifest = a2.join(format!("{NAME}.units/manifest.json"));
    let text = std::fs::read_to_string(&manifest).unwrap();
    let version = format!("\"crate_version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(text.contains(&version));
    std::fs::write(
        &manifest,
        text.replace(&version, "\"crate_version\": \"0.0.0\""),
    )
    .unwrap();
    assert_merge_refused(&[&a1, &a2], &out, "written by plam 0.0.0");
    std::fs::write(&manifest, &text).unwrap();

    std::fs::remove_file(a2.join(format!("{NAME}.units/loads-1.json"))).unwrap();
    assert_merge_refused(&[&a1, &a2], &out, "loads-1.json");
    assert!(
        !out.join("REPORT.md").exists(),
        "a refused merge wrote a report"
    );
    std::fs::remove_dir_all(&base).ok();
}

#[test]
fn bad_shard_specifications_are_refused_before_any_work() {
    let out = dir("bad");
    for bad in ["0/2", "3/2", "2", "x/y", "1/0"] {
        common::assert_refused(
            &[
                "reproduce",
                "--quick",
                "--only",
                NAME,
                "--shard",
                bad,
                "--out",
                out.to_str().unwrap(),
            ],
            "--shard must be K/N",
        );
    }
    common::assert_refused(
        &["reproduce", "--merge", "a", "--quick"],
        "--merge cannot be combined",
    );
    assert!(!out.exists(), "a refused shard wrote {}", out.display());
}
