//! Writing simulation results so that Python and Julia users can load them:
//! matrices as `.npy` (NumPy's format, `numpy.load`; `NPZ.jl`/`NPYArrays` in
//! Julia), tables as CSV with a header, parameters as a JSON manifest.

use crate::error::{Error, Result};
use nalgebra::DMatrix;
use npyz::WriterBuilder;
use serde::Serialize;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Creates a directory (and its parents) if it does not exist.
pub fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| {
        Error::Io(std::io::Error::new(
            e.kind(),
            format!("cannot create directory {}: {e}", dir.display()),
        ))
    })
}

fn create(path: &Path) -> Result<BufWriter<File>> {
    let f = File::create(path).map_err(|e| {
        Error::Io(std::io::Error::new(
            e.kind(),
            format!("cannot create {}: {e}", path.display()),
        ))
    })?;
    Ok(BufWriter::new(f))
}

/// Writes a matrix as a 2-D float64 `.npy` array of shape (rows, cols)
/// (stored in Fortran order, which NumPy reads transparently).
pub fn write_npy_matrix(path: &Path, m: &DMatrix<f64>) -> Result<()> {
    let mut w = create(path)?;
    {
        let mut npy = npyz::WriteOptions::new()
            .default_dtype()
            .shape(&[m.nrows() as u64, m.ncols() as u64])
            .order(npyz::Order::Fortran)
            .writer(&mut w)
            .begin_nd()?;
        npy.extend(m.as_slice().iter().copied())?;
        npy.finish()?;
    }
    w.flush()?;
    Ok(())
}

/// Writes a slice as a 1-D float64 `.npy` array.
pub fn write_npy_vec(path: &Path, v: &[f64]) -> Result<()> {
    write_npy_array(path, &[v.len() as u64], v)
}

/// Writes `data` as an f64 `.npy` array of the given shape in C order (the last
/// index fastest); the shape's product must equal the data's length.
pub fn write_npy_array(path: &Path, shape: &[u64], data: &[f64]) -> Result<()> {
    crate::error::ensure(shape.iter().product::<u64>() == data.len() as u64, || {
        format!("shape {shape:?} does not hold {} values", data.len())
    })?;
    let mut w = create(path)?;
    {
        let mut npy = npyz::WriteOptions::new()
            .default_dtype()
            .shape(shape)
            .writer(&mut w)
            .begin_nd()?;
        npy.extend(data.iter().copied())?;
        npy.finish()?;
    }
    w.flush()?;
    Ok(())
}

/// Writes equal-length rows of ±1 spins as a 2-D int8 `.npy` array of
/// shape (rows, len) in C order (row r = configuration r).
pub fn write_npy_spins(path: &Path, rows: &[Vec<i8>]) -> Result<()> {
    let len = rows.first().map_or(0, Vec::len);
    if rows.iter().any(|r| r.len() != len) {
        return Err(Error::InvalidInput(
            "spin configurations of different lengths".into(),
        ));
    }
    let mut w = create(path)?;
    {
        let mut npy = npyz::WriteOptions::new()
            .default_dtype()
            .shape(&[rows.len() as u64, len as u64])
            .writer(&mut w)
            .begin_nd()?;
        npy.extend(rows.iter().flatten().copied())?;
        npy.finish()?;
    }
    w.flush()?;
    Ok(())
}

/// Writes serialisable rows as CSV with a header line.
pub fn write_csv<T: Serialize>(path: &Path, rows: &[T]) -> Result<()> {
    let mut w = csv::Writer::from_writer(create(path)?);
    for r in rows {
        w.serialize(r)
            .map_err(|e| Error::Other(format!("writing {}: {e}", path.display())))?;
    }
    w.flush()?;
    Ok(())
}

/// Writes a value as pretty-printed JSON.
pub fn write_json<T: Serialize + ?Sized>(path: &Path, v: &T) -> Result<()> {
    let mut w = create(path)?;
    serde_json::to_writer_pretty(&mut w, v)
        .map_err(|e| Error::Other(format!("writing {}: {e}", path.display())))?;
    writeln!(w)?;
    w.flush()?;
    Ok(())
}

/// Reads back a 2-D float64 `.npy` array written by [`write_npy_matrix`].
pub fn read_npy_matrix(path: &Path) -> Result<DMatrix<f64>> {
    let bytes = std::fs::read(path)?;
    let npy = npyz::NpyFile::new(&bytes[..])?;
    let shape = npy.shape().to_vec();
    let order = npy.order();
    if shape.len() != 2 {
        return Err(Error::InvalidInput(format!(
            "{} holds a {}-D array, expected 2-D",
            path.display(),
            shape.len()
        )));
    }
    let (r, c) = (shape[0] as usize, shape[1] as usize);
    let data: Vec<f64> = npy.into_vec()?;
    Ok(match order {
        npyz::Order::Fortran => DMatrix::from_vec(r, c, data),
        npyz::Order::C => DMatrix::from_row_slice(r, c, &data),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npy_round_trip() {
        let dir = std::env::temp_dir().join(format!("plam-output-{}", std::process::id()));
        create_dir(&dir).unwrap();
        let m = DMatrix::from_fn(3, 5, |i, j| i as f64 * 10.0 + j as f64 + 0.25);
        let p = dir.join("m.npy");
        write_npy_matrix(&p, &m).unwrap();
        assert_eq!(read_npy_matrix(&p).unwrap(), m);
        write_npy_vec(&dir.join("v.npy"), &[1.0, 2.0]).unwrap();
        write_csv(&dir.join("t.csv"), &[(1, 2.5)]).unwrap();
        write_json(&dir.join("j.json"), &serde_json::json!({"a": 1})).unwrap();
        assert!(write_json(&dir.join("missing/j.json"), &1).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
