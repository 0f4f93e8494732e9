//! plam: a theory-and-numerics verification suite for pseudo-likelihood
//! associative memories.
//!
//! The crate is layered; each folder imports only from the ones before it:
//! [`numerics`] → [`replica`] → [`data`] → [`learning`] → [`memory`] →
//! [`compare`] → [`figures`] → [`validation`]. Every formula cites its
//! equation in `theory/`.

#![warn(missing_docs)]

pub mod compare;
pub mod data;
pub mod error;
pub mod figures;
pub mod learning;
pub mod memory;
pub mod numerics;
pub mod replica;
pub mod validation;

pub use error::{Error, Result};
