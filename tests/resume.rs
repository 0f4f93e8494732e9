//! `plam reproduce --resume`: a claim finished in the output directory at
//! the same size is read back, not rerun, and gives the same checks and
//! verdicts; one from another size, or with a file missing, is not resumable.

mod common;

use std::path::Path;
use std::time::SystemTime;

use plam::validation::{self, resume, Size};

/// The quickest claim (about a second at quick size in a release build).
const NAME: &str = "stabilities_gradient_descent";

fn reproduce(out: &Path, resume: bool) -> serde_json::Value {
    let out_text = out.to_str().unwrap();
    let mut args = vec![
        "reproduce",
        "--quick",
        "--only",
        NAME,
        "--out",
        out_text,
        "--json",
    ];
    if resume {
        args.push("--resume");
    }
    let run = common::run_plam(1, &args);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{args:?}: {err}");
    serde_json::from_slice(&run.stdout).expect("--json prints one JSON object")
}

/// What the checks table shows of each check and each verdict, runtimes aside.
fn table(report: &serde_json::Value) -> Vec<String> {
    let rows = |key: &str, fields: &[&str]| -> Vec<String> {
        report[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                fields
                    .iter()
                    .map(|f| row[*f].to_string())
                    .collect::<Vec<_>>()
                    .join(" | ")
            })
            .collect()
    };
    let mut all = rows(
        "checks",
        &[
            "claim",
            "name",
            "measured",
            "expected",
            "tolerance",
            "passed",
        ],
    );
    all.extend(rows(
        "verdicts",
        &["claim", "statement", "measured", "outcome"],
    ));
    all
}

fn modified(path: &Path) -> SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
fn resume_reads_a_finished_claim_back_instead_of_rerunning_it() {
    let out = std::env::temp_dir().join(format!("plam-resume-{}", std::process::id()));
    std::fs::remove_dir_all(&out).ok();
    let first = reproduce(&out, false);
    assert_eq!(first["resumed"], serde_json::json!([]));
    let json = out.join(format!("{NAME}.json"));
    let written = modified(&json);

    let second = reproduce(&out, true);
    assert_eq!(second["resumed"], serde_json::json!([NAME]));
    // A rerun would have rewritten the figure's data.
    assert_eq!(modified(&json), written, "{NAME}.json was rewritten");
    let (a, b) = (table(&first), table(&second));
    assert!(!a.is_empty());
    assert_eq!(a, b);
    let report = std::fs::read_to_string(out.join("REPORT.md")).unwrap();
    assert!(report.contains("Resumed with --resume") && report.contains(NAME));
    // The resumed claim's runtime, as its first run recorded it, is named.
    let recorded = resume::recorded_runtime(NAME, &out).expect("runtime recorded");
    assert!(recorded > 0.0);
    assert!(
        report.contains(&format!("{NAME} ({recorded:.0} s)")),
        "the report names the recorded runtime"
    );

    let claim = validation::find(NAME).unwrap();
    assert!(resume::read_back(claim, Size::Quick, &out).is_some());
    assert!(
        resume::read_back(claim, Size::Full, &out).is_none(),
        "a quick run must not stand in for a full one"
    );
    std::fs::remove_file(out.join(format!("{NAME}.png"))).unwrap();
    assert!(
        resume::read_back(claim, Size::Quick, &out).is_none(),
        "a claim with a missing figure must run again"
    );
    std::fs::remove_dir_all(&out).ok();
}
