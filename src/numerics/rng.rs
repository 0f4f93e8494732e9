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
/// Random-features data: feature k uses stream `RF_FEATURES + k`.
pub const RF_FEATURES: u64 = 1 << 54;
/// Random-features data: training example μ uses stream `RF_TRAIN + μ`.
pub const RF_TRAIN: u64 = 1 << 55;
/// Random-features data: test example μ uses stream `RF_TEST + μ`.
pub const RF_TEST: u64 = 1 << 56;
/// Hebbian unlearning: the random starting states of its dreams.
pub const UNLEARNING: u64 = 1 << 57;
/// Asynchronous dynamics: state `c` updates in the order drawn from stream
/// `ASYNC + c` of the dynamics seed.
pub const ASYNC: u64 = 1 << 58;
/// Retrieval starts: state `c` has its spins flipped from stream `FLIPS + c`.
pub const FLIPS: u64 = 1 << 59;
/// Random ±1 start configurations: configuration `c` uses stream
/// `RANDOM_STARTS + c`.
pub const RANDOM_STARTS: u64 = 1 << 60;
/// Gaussian random initial couplings of gradient descent.
pub const INIT_COUPLINGS: u64 = 1 << 61;
/// The ±1 labels of a single perceptron.
pub const LABELS: u64 = 1 << 62;
/// Edwards–Anderson instances: the bonds of an instance.
pub const EA_BONDS: u64 = 1 << 63;
/// Parallel tempering: chain `c` draws its start and moves from stream
/// `EA_CHAINS + c`.
pub const EA_CHAINS: u64 = (1 << 63) + (1 << 32);

/// Mini-batch gradient descent: the order of the patterns in epoch `e`
/// uses stream `MINIBATCH + e`.
pub const MINIBATCH: u64 = (1 << 63) + (1 << 61);
/// Binarized MNIST: the shuffle that picks the training images.
pub const MNIST_SHUFFLE: u64 = (1 << 63) + (1 << 62);
/// Potts Gibbs sampler: chain `c` draws its start and its updates from stream
/// `POTTS_CHAINS + c`.
pub const POTTS_CHAINS: u64 = (1 << 63) + (1 << 59);
/// Protein alignments: the shuffle that splits the sequences into training and
/// test sets.
pub const MSA_SHUFFLE: u64 = (1 << 63) + (1 << 60);

/// The ChaCha8 generator keyed by `seed` on stream `stream`.
pub fn stream(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// A seed derived from `base` and the indices `parts` by SplitMix64 mixing,
/// one round per part (the first round mixes `base + parts[0]`, so lead with
/// a fixed tag, e.g. `derive(base, &[0, s])`, when `base` and the index vary
/// together). Distinct index lists give unrelated seeds, so sample s of a run
/// can own the whole stream registry under its derived seed.
pub fn derive(base: u64, parts: &[u64]) -> u64 {
    let mut z = base;
    for &p in parts {
        z = z.wrapping_add(p.wrapping_add(0x9E37_79B9_7F4A_7C15));
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
    }
    z
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    /// SplitMix64's published first output for state 0 (Vigna's reference
    /// implementation: seed 0 gives 0xE220A8397B1DCDAF).
    #[test]
    fn derive_is_splitmix64() {
        assert_eq!(derive(0, &[0]), 0xE220_A839_7B1D_CDAF);
        assert_ne!(derive(1, &[0, 2]), derive(2, &[0, 1]));
        assert_ne!(derive(1, &[0, 2]), derive(1, &[0, 3]));
    }

    /// Every named offset with the 2³² streams above it (patterns, chains,
    /// epochs, starts are indexed from it), none inside another's range.
    const NAMED: [u64; 16] = [
        PATTERNS,
        RF_FEATURES,
        RF_TRAIN,
        RF_TEST,
        UNLEARNING,
        ASYNC,
        FLIPS,
        RANDOM_STARTS,
        INIT_COUPLINGS,
        LABELS,
        EA_BONDS,
        EA_CHAINS,
        MINIBATCH,
        MNIST_SHUFFLE,
        POTTS_CHAINS,
        MSA_SHUFFLE,
    ];

    #[test]
    fn named_ranges_are_disjoint() {
        const WIDTH: u64 = 1 << 32;
        for (i, &a) in NAMED.iter().enumerate() {
            for &b in &NAMED[i + 1..] {
                assert!(a.abs_diff(b) >= WIDTH, "streams {a} and {b} overlap");
            }
        }
    }

    #[test]
    fn streams_are_disjoint_and_reproducible() {
        let draw = |s| -> Vec<u64> {
            let mut r = stream(5, s);
            (0..4).map(|_| r.random()).collect()
        };
        for (i, &a) in NAMED.iter().enumerate() {
            assert_eq!(draw(a), draw(a));
            for &b in &NAMED[i + 1..] {
                assert_ne!(draw(a), draw(b), "streams {a} and {b} coincide");
            }
        }
    }
}
