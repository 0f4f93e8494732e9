//! Bad input on the command line: refused at once, with the domain or the
//! reason in the message, never a clap "unexpected argument" for a negative
//! number and never a panic.

mod common;

use common::{assert_refused as refused, run_plam};

#[test]
fn unreachable_margins_are_refused_before_training() {
    // κ*(0.4) = 1.2423 (Gardner, eq. (C3)): κ = 5 is out of reach.
    refused(
        &[
            "basins",
            "--rule",
            "perceptron",
            "--kappa",
            "5",
            "--n",
            "100",
            "--alpha",
            "0.4",
        ],
        "κ*(α = 0.4) = 1.2423",
    );
    refused(
        &[
            "retrieval",
            "--rule",
            "perceptron",
            "--kappa",
            "0.5",
            "--n",
            "50",
            "--alpha",
            "2.5",
            "--m-in",
            "0.5",
        ],
        "α_c(0) = 2",
    );
}

#[test]
fn negative_numbers_reach_the_domain_checks() {
    refused(
        &[
            "basins",
            "--rule",
            "perceptron",
            "--kappa",
            "-1",
            "--n",
            "50",
            "--alpha",
            "0.4",
        ],
        ">= 0",
    );
    refused(
        &["theory", "--alpha", "-1", "--lambda", "2"],
        "α must be positive",
    );
    refused(&["capacity", "--kappa", "-1"], "κ must be ≥ 0");
    refused(
        &[
            "storable",
            "--coupling",
            "symmetric",
            "--n",
            "10",
            "--alpha",
            "-0.5",
        ],
        "must be positive",
    );
    // Where a negative value is in the domain, it is accepted.
    let out = run_plam(
        1,
        &[
            "density", "--alpha", "0.4", "--lambda", "1.6", "--from", "-1", "--to", "1",
            "--points", "3", "--csv",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
