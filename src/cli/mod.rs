//! Helpers shared by the `plam` subcommands: parameter grids and output.

pub mod basins;
pub mod data;
pub mod ea;
pub mod generalize;
pub mod potts;
pub mod reproduce;
pub mod shards;
pub mod simulate;
pub mod storable;
pub mod theory;
pub mod theory_rf;
pub mod values;

use anyhow::{bail, Context};

/// A list of parameter values given on the command line as a single number,
/// a linear grid `start:stop:count`, or a log grid `log:start:stop:count`.
pub fn parse_grid(name: &str, s: &str) -> anyhow::Result<Vec<f64>> {
    let (log, body) = match s.strip_prefix("log:") {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let parts: Vec<&str> = body.split(':').collect();
    let num = |p: &str| -> anyhow::Result<f64> {
        let v: f64 = p
            .trim()
            .parse()
            .with_context(|| format!("--{name}: '{p}' is not a number"))?;
        if !v.is_finite() {
            bail!("--{name}: '{p}' is not a finite number");
        }
        Ok(v)
    };
    match parts.as_slice() {
        [v] if !log => Ok(vec![num(v)?]),
        [a, b, n] => {
            let (a, b) = (num(a)?, num(b)?);
            let n: usize = n
                .trim()
                .parse()
                .with_context(|| format!("--{name}: count '{n}' is not a positive integer"))?;
            if n == 0 || n > 10_000_000 {
                bail!("--{name}: count must be between 1 and 10^7, got {n}");
            }
            if log && (a <= 0.0 || b <= 0.0) {
                bail!("--{name}: a log grid needs positive end points, got {a} and {b}");
            }
            let at = |k: usize| -> f64 {
                if n == 1 {
                    return a;
                }
                let f = k as f64 / (n - 1) as f64;
                if log {
                    (a.ln() + f * (b.ln() - a.ln())).exp()
                } else {
                    a + f * (b - a)
                }
            };
            // Pin the end points exactly (no rounding drift in the last value).
            Ok((0..n)
                .map(|k| if k + 1 == n && n > 1 { b } else { at(k) })
                .collect())
        }
        _ => bail!(
            "--{name}: expected a number, start:stop:count or log:start:stop:count, got '{s}'"
        ),
    }
}

/// Prints a serialisable value as one line of JSON on standard output.
pub fn print_json<T: serde::Serialize>(v: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string(v)?);
    Ok(())
}

/// Writes serialisable rows as CSV (with a header) on standard output.
pub fn print_csv<T: serde::Serialize>(rows: &[T]) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(std::io::stdout().lock());
    for r in rows {
        w.serialize(r)?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_grid;

    #[test]
    fn grids() {
        assert_eq!(parse_grid("a", "2").unwrap(), vec![2.0]);
        assert_eq!(parse_grid("a", "0:1:3").unwrap(), vec![0.0, 0.5, 1.0]);
        let g = parse_grid("a", "log:1:100:3").unwrap();
        assert!((g[1] - 10.0).abs() < 1e-12 && g[2] == 100.0);
        for bad in ["x", "1:2", "1:2:0", "log:0:1:3", "log:1", "nan", "1:inf:3"] {
            assert!(parse_grid("a", bad).is_err(), "{bad}");
        }
    }
}
