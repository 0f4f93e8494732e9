//! What the examples share: the command line `SEED SETS N ALPHA [N ALPHA]...`.

/// A seed, the pattern sets per point and the (N, α) points.
pub struct PointArgs {
    pub seed: u64,
    pub sets: usize,
    pub points: Vec<(usize, f64)>,
}

/// Parses `SEED SETS N ALPHA [N ALPHA]...`; None unless SETS ≥ 1, at least
/// one point is given and every point satisfies `valid(N, α)`.
pub fn parse_points(args: &[String], valid: impl Fn(usize, f64) -> bool) -> Option<PointArgs> {
    let seed = args.first()?.parse().ok()?;
    let sets: usize = args.get(1)?.parse().ok()?;
    let rest = &args[2..];
    if sets == 0 || rest.is_empty() || !rest.len().is_multiple_of(2) {
        return None;
    }
    let points = rest
        .chunks(2)
        .map(|c| Some((c[0].parse().ok()?, c[1].parse().ok()?)))
        .collect::<Option<Vec<(usize, f64)>>>()?;
    points
        .iter()
        .all(|&(n, a)| valid(n, a))
        .then_some(PointArgs { seed, sets, points })
}
