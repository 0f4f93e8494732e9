//! The crate's random streams, in one registry.
//!
//! Every random quantity is drawn from a ChaCha8 generator keyed by the run's
//! seed on a stream of its own, so that reusing one seed for patterns, labels,
//! initial couplings, flips and update orders never correlates them, and a
//! result does not depend on the number of threads (each parallel unit owns
//! its stream). Streams `0..P` are the patterns (one per pattern); the named
//! offsets below sit far above any P and below each other's ranges.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Pattern μ uses stream `PATTERNS + μ`.
pub const PATTERNS: u64 = 0;
/// Hebbian unlearning: the random starting states of its dreams.
pub const UNLEARNING: u64 = 1 << 57;
/// Asynchronous dynamics: state `c` updates in the order drawn from stream
/// `ASYNC + c` of the dynamics seed.
pub const ASYNC: u64 = 1 << 58;
/// Retrieval starts: state `c` has its spins flipped from stream `FLIPS + c`.
pub const FLIPS: u64 = 1 << 59;
/// Gaussian random initial couplings of gradient descent.
pub const INIT_COUPLINGS: u64 = 1 << 61;
/// The ±1 labels of a single perceptron.
pub const LABELS: u64 = 1 << 62;

/// The ChaCha8 generator keyed by `seed` on stream `stream`.
pub fn stream(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn streams_are_disjoint_and_reproducible() {
        let draw = |s| -> Vec<u64> {
            let mut r = stream(5, s);
            (0..4).map(|_| r.random()).collect()
        };
        let named = [PATTERNS, UNLEARNING, ASYNC, FLIPS, INIT_COUPLINGS, LABELS];
        for (i, &a) in named.iter().enumerate() {
            assert_eq!(draw(a), draw(a));
            for &b in &named[i + 1..] {
                assert_ne!(draw(a), draw(b), "streams {a} and {b} coincide");
            }
        }
    }
}
