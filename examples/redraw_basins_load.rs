//! Redraws the `basins_load` figure from the data of an earlier run, after a
//! change of the figure's layout: `cargo run --release --example
//! redraw_basins_load -- DIR` rewrites DIR/basins_load.{svg,png} and the
//! figure recorded in DIR/basins_load.json (data, checks and verdicts stay).

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "figures".into());
    if let Err(e) = plam::validation::basins_load::redraw(std::path::Path::new(&dir)) {
        eprintln!("redraw_basins_load: {e}");
        std::process::exit(1);
    }
}
