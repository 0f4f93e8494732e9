//! The `plam` command line.
#[allow(dead_code)]
mod cli;
fn main() {
    println!("plam {}", env!("CARGO_PKG_VERSION"));
}
