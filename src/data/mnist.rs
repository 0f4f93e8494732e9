//! Binarized MNIST 14×14 (theory/mnist.md, eqs. (D1)–(D5)): the raw IDX
//! files, the preprocessing of the paper (deskew by second moments,
//! centre crop, threshold) and the packed file shipped with the crate in
//! `data/mnist/mnist14.bin` (see `data/mnist/README.md` for its provenance).
//!
//! Packed file, little-endian: the magic `PLAMMN14`, u32 side (14), u32
//! number of training images, u32 number of test images, one label byte per
//! image (training images first), then each image in 25 bytes: pixel
//! k = 14·row + col at bit 7 − k mod 8 of byte ⌊k/8⌋, a set bit meaning +1
//! (ink) and a clear bit −1.

use crate::error::{ensure, Error, Result};
use crate::numerics::gemm::gemm;
use crate::numerics::rng;
use nalgebra::DMatrix;
use rand::seq::SliceRandom;
use std::path::Path;

/// Side of the binarized images.
pub const SIDE: usize = 14;
/// Number of neurons N = 14² = 196.
pub const N: usize = SIDE * SIDE;
/// Side of the raw MNIST images.
pub const RAW_SIDE: usize = 28;
/// Pixels cropped off each border of the deskewed 28×28 image, eq. (D4).
const CROP: usize = (RAW_SIDE - SIDE) / 2;
/// Grey level (0–255) above which a deskewed pixel is ink, eq. (D5).
pub const THRESHOLD: f64 = 86.0;
/// The packed file's magic bytes.
const MAGIC: &[u8; 8] = b"PLAMMN14";
/// Bytes before the labels: magic, side, two counts.
const HEADER: usize = 20;
/// Bytes of one packed image (196 bits rounded up).
const IMAGE_BYTES: usize = N.div_ceil(8);
/// The preprocessed set shipped with the crate (60 000 training and 10 000
/// test images).
static SHIPPED: &[u8] = include_bytes!("../../data/mnist/mnist14.bin");

/// The training or the test images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MnistSplit {
    /// The 60 000 training images of MNIST.
    Train,
    /// The 10 000 test images of MNIST.
    Test,
}

/// The images of an IDX image file, each `RAW_SIDE`² grey levels, row-major.
pub fn parse_idx_images(bytes: &[u8], name: &str) -> Result<Vec<Vec<u8>>> {
    let (count, body) = idx_header(bytes, name, 0x0803, 16)?;
    let dims = (be_u32(&bytes[8..12]), be_u32(&bytes[12..16]));
    ensure(dims == (RAW_SIDE, RAW_SIDE), || {
        format!(
            "{name}: images are {}x{}, expected {RAW_SIDE}x{RAW_SIDE}",
            dims.0, dims.1
        )
    })?;
    let size = RAW_SIDE * RAW_SIDE;
    ensure(body.len() == count * size, || {
        format!(
            "{name}: the header announces {count} images ({} bytes) but {} bytes follow it",
            count * size,
            body.len()
        )
    })?;
    Ok(body.chunks(size).map(<[u8]>::to_vec).collect())
}

/// The labels (digits 0–9) of an IDX label file.
pub fn parse_idx_labels(bytes: &[u8], name: &str) -> Result<Vec<u8>> {
    let (count, body) = idx_header(bytes, name, 0x0801, 8)?;
    ensure(body.len() == count, || {
        format!(
            "{name}: the header announces {count} labels but {} bytes follow it",
            body.len()
        )
    })?;
    ensure(body.iter().all(|&l| l <= 9), || {
        format!("{name}: a label is not a digit 0-9")
    })?;
    Ok(body.to_vec())
}

/// Checks an IDX header (magic number, length) and returns the announced
/// count and the bytes after the header.
fn idx_header<'a>(
    bytes: &'a [u8],
    name: &str,
    magic: usize,
    len: usize,
) -> Result<(usize, &'a [u8])> {
    ensure(bytes.len() >= len, || {
        format!(
            "{name}: {} bytes is too short for an IDX header",
            bytes.len()
        )
    })?;
    let got = be_u32(&bytes[0..4]);
    ensure(got == magic, || {
        format!("{name}: IDX magic number {got:#06x}, expected {magic:#06x}")
    })?;
    Ok((be_u32(&bytes[4..8]), &bytes[len..]))
}

/// A big-endian u32 of 4 bytes.
fn be_u32(b: &[u8]) -> usize {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize
}

/// Centre of mass and second moments of a grey-level image, eqs. (D1)–(D2):
/// `(c_r, c_c, μ02, μ11)` with r the row and c the column index, weights the
/// grey levels; `None` for a blank image.
pub fn moments(img: &[f64], side: usize) -> Option<(f64, f64, f64, f64)> {
    let total: f64 = img.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let at = |k: usize| ((k / side) as f64, (k % side) as f64);
    let (mut cr, mut cc) = (0.0, 0.0);
    for (k, &v) in img.iter().enumerate() {
        let (r, c) = at(k);
        cr += r * v;
        cc += c * v;
    }
    let (cr, cc) = (cr / total, cc / total);
    let (mut m02, mut m11) = (0.0, 0.0);
    for (k, &v) in img.iter().enumerate() {
        let (r, c) = at(k);
        m02 += (r - cr) * (r - cr) * v;
        m11 += (r - cr) * (c - cc) * v;
    }
    Some((cr, cc, m02 / total, m11 / total))
}

/// Deskews a 28×28 grey-level image, eq. (D3): the output pixel (r, c) is
/// the input sampled bilinearly (zero outside the image) at row
/// c_r + (r − 14) and column c_c + s·(r − 14) + (c − 14) with skew
/// s = μ11/μ02, a shear that removes the row–column covariance and moves
/// the centre of mass to (14, 14). A blank image stays blank; an image with
/// μ02 = 0 (ink on one row) is only centred.
pub fn deskew(img: &[u8]) -> Vec<f64> {
    let side = RAW_SIDE;
    let f: Vec<f64> = img.iter().map(|&v| f64::from(v)).collect();
    let Some((cr, cc, m02, m11)) = moments(&f, side) else {
        return f;
    };
    let skew = if m02 > 0.0 { m11 / m02 } else { 0.0 };
    let centre = side as f64 / 2.0;
    let (off_r, off_c) = (cr - centre, cc - (skew * centre + centre));
    let pixel = |r: isize, c: isize| -> f64 {
        if r < 0 || c < 0 || r >= side as isize || c >= side as isize {
            0.0
        } else {
            f[r as usize * side + c as usize]
        }
    };
    let mut out = vec![0.0; side * side];
    for r in 0..side {
        for c in 0..side {
            let y = off_r + r as f64;
            let x = off_c + skew * r as f64 + c as f64;
            let (y0, x0) = (y.floor(), x.floor());
            let (ty, tx) = (y - y0, x - x0);
            let (yi, xi) = (y0 as isize, x0 as isize);
            out[r * side + c] = (1.0 - ty) * ((1.0 - tx) * pixel(yi, xi) + tx * pixel(yi, xi + 1))
                + ty * ((1.0 - tx) * pixel(yi + 1, xi) + tx * pixel(yi + 1, xi + 1));
        }
    }
    out
}

/// The binarized 14×14 image of a raw 28×28 one, eqs. (D3)–(D5): deskew,
/// keep rows and columns 7..21, ink (grey level > 86) → true.
pub fn binarize(img: &[u8]) -> Vec<bool> {
    let d = deskew(img);
    (0..N)
        .map(|k| d[(k / SIDE + CROP) * RAW_SIDE + k % SIDE + CROP] > THRESHOLD)
        .collect()
}

/// The binarized MNIST set: labels and bit-packed 14×14 images.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mnist14 {
    n_train: usize,
    n_test: usize,
    labels: Vec<u8>,
    bits: Vec<u8>,
}

impl Mnist14 {
    /// The set shipped with the crate (`data/mnist/mnist14.bin`).
    pub fn shipped() -> Result<Self> {
        Self::parse(SHIPPED)
    }

    /// Reads a packed file's bytes, checking the header and the length.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        ensure(bytes.len() >= HEADER && &bytes[..8] == MAGIC, || {
            "not a packed binarized-MNIST file (magic PLAMMN14 missing)".into()
        })?;
        let le =
            |k: usize| u32::from_le_bytes([bytes[k], bytes[k + 1], bytes[k + 2], bytes[k + 3]]);
        let (side, n_train, n_test) = (le(8) as usize, le(12) as usize, le(16) as usize);
        ensure(side == SIDE, || {
            format!("packed images are {side}x{side}, expected {SIDE}x{SIDE}")
        })?;
        let total = n_train + n_test;
        let want = HEADER + total * (1 + IMAGE_BYTES);
        ensure(bytes.len() == want, || {
            format!(
                "a packed file of {total} images has {want} bytes, this one {}",
                bytes.len()
            )
        })?;
        let labels = bytes[HEADER..HEADER + total].to_vec();
        ensure(labels.iter().all(|&l| l <= 9), || {
            "a label is not a digit 0-9".into()
        })?;
        Ok(Self {
            n_train,
            n_test,
            labels,
            bits: bytes[HEADER + total..].to_vec(),
        })
    }

    /// Preprocesses raw training and test images with their labels, eqs. (D3)–(D5).
    pub fn from_raw(
        train: &[Vec<u8>],
        train_labels: &[u8],
        test: &[Vec<u8>],
        test_labels: &[u8],
    ) -> Result<Self> {
        ensure(
            train.len() == train_labels.len() && test.len() == test_labels.len(),
            || {
                format!(
                    "{} training images with {} labels, {} test images with {} labels",
                    train.len(),
                    train_labels.len(),
                    test.len(),
                    test_labels.len()
                )
            },
        )?;
        let mut bits = Vec::with_capacity((train.len() + test.len()) * IMAGE_BYTES);
        for img in train.iter().chain(test) {
            let mut packed = [0u8; IMAGE_BYTES];
            for (k, ink) in binarize(img).into_iter().enumerate() {
                packed[k / 8] |= u8::from(ink) << (7 - k % 8);
            }
            bits.extend_from_slice(&packed);
        }
        Ok(Self {
            n_train: train.len(),
            n_test: test.len(),
            labels: train_labels.iter().chain(test_labels).copied().collect(),
            bits,
        })
    }

    /// Reads the four raw IDX files of `dir` (`train-images.idx3-ubyte`,
    /// `train-labels.idx1-ubyte`, `t10k-images.idx3-ubyte`,
    /// `t10k-labels.idx1-ubyte`) and preprocesses them.
    pub fn from_idx_dir(dir: &Path) -> Result<Self> {
        let read = |name: &str| -> Result<Vec<u8>> {
            let path = dir.join(name);
            std::fs::read(&path)
                .map_err(|e| Error::InvalidInput(format!("cannot read {}: {e}", path.display())))
        };
        let (ti, tl) = ("train-images.idx3-ubyte", "train-labels.idx1-ubyte");
        let (si, sl) = ("t10k-images.idx3-ubyte", "t10k-labels.idx1-ubyte");
        Self::from_raw(
            &parse_idx_images(&read(ti)?, ti)?,
            &parse_idx_labels(&read(tl)?, tl)?,
            &parse_idx_images(&read(si)?, si)?,
            &parse_idx_labels(&read(sl)?, sl)?,
        )
    }

    /// The packed file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER + self.labels.len() + self.bits.len());
        out.extend_from_slice(MAGIC);
        for v in [SIDE, self.n_train, self.n_test] {
            out.extend_from_slice(&(v as u32).to_le_bytes());
        }
        out.extend_from_slice(&self.labels);
        out.extend_from_slice(&self.bits);
        out
    }

    /// Number of images of a split.
    pub fn len(&self, split: MnistSplit) -> usize {
        match split {
            MnistSplit::Train => self.n_train,
            MnistSplit::Test => self.n_test,
        }
    }

    /// Index among all images of image `k` of a split; fails past its end.
    fn index(&self, split: MnistSplit, k: usize) -> Result<usize> {
        let len = self.len(split);
        ensure(k < len, || {
            format!("image {k} does not exist: the {split:?} split has {len} images (0..{len})")
        })?;
        Ok(if split == MnistSplit::Train {
            k
        } else {
            self.n_train + k
        })
    }

    /// The digit of image `k` of a split.
    pub fn label(&self, split: MnistSplit, k: usize) -> Result<u8> {
        Ok(self.labels[self.index(split, k)?])
    }

    /// Image `k` of a split as ±1 values, pixel 14·row + col.
    pub fn image(&self, split: MnistSplit, k: usize) -> Result<Vec<f64>> {
        let b = &self.bits[self.index(split, k)? * IMAGE_BYTES..][..IMAGE_BYTES];
        Ok((0..N)
            .map(|p| {
                if b[p / 8] >> (7 - p % 8) & 1 == 1 {
                    1.0
                } else {
                    -1.0
                }
            })
            .collect())
    }

    /// The images `indices` of a split as the columns of an N×K ±1 matrix,
    /// with their labels.
    pub fn patterns(
        &self,
        split: MnistSplit,
        indices: &[usize],
    ) -> Result<(DMatrix<f64>, Vec<u8>)> {
        let mut m = DMatrix::zeros(N, indices.len());
        let mut labels = Vec::with_capacity(indices.len());
        for (c, &k) in indices.iter().enumerate() {
            m.column_mut(c).copy_from_slice(&self.image(split, k)?);
            labels.push(self.label(split, k)?);
        }
        Ok((m, labels))
    }

    /// The first `p` training images after a shuffle seeded by `seed`
    /// (stream [`rng::MNIST_SHUFFLE`]), as indices into the training split.
    pub fn shuffled_train(&self, p: usize, seed: u64) -> Result<Vec<usize>> {
        ensure(p >= 1 && p <= self.n_train, || {
            format!(
                "P = {p} training images asked for; the set has {}",
                self.n_train
            )
        })?;
        let mut order: Vec<usize> = (0..self.n_train).collect();
        order.shuffle(&mut rng::stream(seed, rng::MNIST_SHUFFLE));
        order.truncate(p);
        Ok(order)
    }

    /// Image `k` of a split as text, one line per row, `#` for +1 and `.` for −1.
    pub fn render(&self, split: MnistSplit, k: usize) -> Result<String> {
        let img = self.image(split, k)?;
        Ok(img
            .chunks(SIDE)
            .map(|row| {
                row.iter()
                    .map(|&v| if v > 0.0 { '#' } else { '.' })
                    .collect::<String>()
                    + "\n"
            })
            .collect())
    }
}

/// Overlap statistics of the training images, eq. (D6).
#[derive(Debug, Clone, serde::Serialize)]
pub struct OverlapStats {
    /// Mean over pairs of distinct training images of (1/N) ξ·ξ′.
    pub mean_overlap: f64,
    /// The same over pairs within each digit class 0–9 (null for a class
    /// with fewer than two images).
    pub within_class_overlap: Vec<Option<f64>>,
    /// Mean of the classes' within-class overlaps (classes with at least
    /// two images; null if there is none).
    pub mean_within_class_overlap: Option<f64>,
}

/// The overlap statistics of the training split, eq. (D6), exactly:
/// Σ_{μ≠ν} ξ^μ·ξ^ν = |Σ_μ ξ^μ|² − P·N.
pub fn overlap_stats(set: &Mnist14) -> Result<OverlapStats> {
    let p = set.len(MnistSplit::Train);
    ensure(p >= 2, || {
        format!("overlap statistics need two training images, the set has {p}")
    })?;
    let mut sums = vec![vec![0.0; N]; 11];
    let mut counts = [0usize; 11];
    for k in 0..p {
        let (img, d) = (
            set.image(MnistSplit::Train, k)?,
            set.label(MnistSplit::Train, k)? as usize,
        );
        for class in [d, 10] {
            counts[class] += 1;
            sums[class].iter_mut().zip(&img).for_each(|(s, v)| *s += v);
        }
    }
    let mean = |class: usize| {
        let (s, m) = (&sums[class], counts[class] as f64);
        (m >= 2.0).then(|| {
            (s.iter().map(|v| v * v).sum::<f64>() - m * N as f64) / (N as f64 * m * (m - 1.0))
        })
    };
    let within: Vec<Option<f64>> = (0..10).map(mean).collect();
    let present: Vec<f64> = within.iter().flatten().copied().collect();
    Ok(OverlapStats {
        mean_overlap: mean(10).unwrap_or(f64::NAN),
        mean_within_class_overlap: (!present.is_empty())
            .then(|| present.iter().sum::<f64>() / present.len() as f64),
        within_class_overlap: within,
    })
}

/// For each column of `states` (N×K), the index of the column of
/// `reference` (N×R) with the largest |overlap|, the argmax of eq. (M39)
/// (the first on ties): one product Rᵀ X.
pub fn nearest_indices(states: &DMatrix<f64>, reference: &DMatrix<f64>) -> Vec<usize> {
    let mut c = DMatrix::<f64>::zeros(reference.ncols(), states.ncols());
    gemm(&mut c, 1.0, &reference.transpose(), states, 0.0);
    c.column_iter()
        .map(|col| {
            col.iter()
                .enumerate()
                .fold((0, f64::NEG_INFINITY), |(bi, bv), (i, v)| {
                    if v.abs() > bv {
                        (i, v.abs())
                    } else {
                        (bi, bv)
                    }
                })
                .0
        })
        .collect()
}
