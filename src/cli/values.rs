//! Command-line values of the library's enums: each converts (`From`) into
//! the enum the library takes, so the library carries no clap derive. Variant
//! names and help texts are those of the library enums.

use clap::ValueEnum;
use plam::data::patterns::PatternKind;
use plam::learning::{Coupling, Init, Precision};
use plam::memory::protocol::{Protocol, PAPER_STEPS};
use plam::memory::retrieval::CurveCriterion;

/// The distribution of the pattern components ([`PatternKind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PatternKindArg {
    /// Independent uniform ±1 components (the paper's setting).
    Binary,
    /// Independent standard Gaussian components; a neuron's label is the sign of
    /// its component, so the input/label statistics of each row match the ±1 case
    /// (random labels independent of unit-variance inputs).
    Gaussian,
}

impl From<PatternKindArg> for PatternKind {
    fn from(a: PatternKindArg) -> Self {
        match a {
            PatternKindArg::Binary => PatternKind::Binary,
            PatternKindArg::Gaussian => PatternKind::Gaussian,
        }
    }
}

/// The coupling structure being trained ([`Coupling`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CouplingArg {
    /// N×N couplings, zero diagonal; row i is an independent perceptron with input
    /// ξ_{\i} and label ξ_i.
    Asymmetric,
    /// N×N couplings with J_ij = J_ji exactly and zero diagonal.
    Symmetric,
    /// A single perceptron: one row of N weights, inputs ξ^μ, random labels y^μ.
    Perceptron,
}

impl From<CouplingArg> for Coupling {
    fn from(a: CouplingArg) -> Self {
        match a {
            CouplingArg::Asymmetric => Coupling::Asymmetric,
            CouplingArg::Symmetric => Coupling::Symmetric,
            CouplingArg::Perceptron => Coupling::Perceptron,
        }
    }
}

/// Initial couplings of gradient descent ([`Init`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InitArg {
    /// J = 0.
    Zero,
    /// The Hebb rule, eq. (T11) (the paper's protocol).
    Hebb,
    /// Independent Gaussian entries of standard deviation `init_scale/√N`
    /// (symmetrised for symmetric couplings), zero diagonal.
    Random,
}

impl From<InitArg> for Init {
    fn from(a: InitArg) -> Self {
        match a {
            InitArg::Zero => Init::Zero,
            InitArg::Hebb => Init::Hebb,
            InitArg::Random => Init::Random,
        }
    }
}

/// Precision of gradient-descent training ([`Precision`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PrecisionArg {
    /// Single precision: couplings, fields and residuals in f32 (statistics in f64).
    F32,
    /// Double precision.
    F64,
}

impl From<PrecisionArg> for Precision {
    fn from(a: PrecisionArg) -> Self {
        match a {
            PrecisionArg::F32 => Precision::F32,
            PrecisionArg::F64 => Precision::F64,
        }
    }
}

/// The retrieval protocol ([`Protocol`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProtocolArg {
    /// round(N(1 − m_IN)/2) flips, relaxation to a fixed point, a 2-cycle or
    /// --max-steps (default 1000), eq. (M33).
    Converged,
    /// The paper's: int(N(1 − m_IN)/2) flips and exactly --max-steps
    /// synchronous steps (default 10), m_F after them, eq. (M34).
    Paper,
}

impl ProtocolArg {
    /// The library's protocol with the step budget `max_steps` (paper), or
    /// [`PAPER_STEPS`] when none is given.
    pub fn protocol(self, max_steps: Option<usize>) -> Protocol {
        match self {
            Self::Converged => Protocol::Converged,
            Self::Paper => Protocol::Paper {
                steps: max_steps.unwrap_or(PAPER_STEPS),
            },
        }
    }
}

/// When the mean retrieval curve counts as having reached 1 ([`CurveCriterion`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CurveCriterionArg {
    /// Every relaxation retrieved (mean m_F exactly 1).
    Exact,
    /// Mean m_F ≥ 1 − 1/N.
    OneOverN,
}

impl From<CurveCriterionArg> for CurveCriterion {
    fn from(a: CurveCriterionArg) -> Self {
        match a {
            CurveCriterionArg::Exact => CurveCriterion::Exact,
            CurveCriterionArg::OneOverN => CurveCriterion::WithinOneOverN,
        }
    }
}
