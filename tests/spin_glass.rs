//! The parallel-tempering sampler of the 2D Edwards–Anderson spin glass
//! against exact enumeration (theory/spin_glass.md (G3)–(G10)).

use plam::data::parallel_tempering::{sample, PtOptions};
use plam::data::spin_glass::{exact_thermodynamics, Bonds, EaInstance};

fn options(t: f64, seed: u64) -> PtOptions {
    PtOptions {
        t,
        t_max: 3.0,
        temperatures: 8,
        chains: 16,
        samples: 8000,
        max_sweeps: 1 << 16,
        seed,
    }
}

/// At L = 4 (2¹⁶ states) the sampler's ⟨E⟩/N and C/N agree with exact
/// enumeration within four of their errors (the chains are independent, so
/// (G8)'s error is a standard error from 16 chain means; four of them give a
/// false alarm in ~1e-3 per comparison under Student's t with 15 degrees of
/// freedom, twelve comparisons in all), its samples'
/// mean energy likewise, every exchange pair accepts, and P(q) is
/// symmetric by (G10).
#[test]
fn sampler_agrees_with_exact_enumeration_at_l4() {
    for (bonds, seed) in [(Bonds::Gaussian, 11u64), (Bonds::PlusMinus, 12)] {
        let inst = EaInstance::new(4, bonds, seed).unwrap();
        let temps = [0.7, 1.0, 2.0];
        let exact = exact_thermodynamics(&inst, &temps).unwrap();
        for (p, &t) in exact.iter().zip(&temps) {
            let r = sample(&inst, &options(t, seed + 100), &|_| {}).unwrap();
            let de = (r.energy_per_spin - p.energy_per_spin).abs();
            assert!(
                de <= 4.0 * r.energy_per_spin_err,
                "{bonds:?} T = {t}: e = {} ± {} vs exact {}",
                r.energy_per_spin,
                r.energy_per_spin_err,
                p.energy_per_spin
            );
            let dc = (r.specific_heat - p.specific_heat).abs();
            assert!(
                dc <= 4.0 * r.specific_heat_err,
                "{bonds:?} T = {t}: C/N = {} ± {} vs exact {}",
                r.specific_heat,
                r.specific_heat_err,
                p.specific_heat
            );
            assert_eq!(r.samples.len(), 8000);
            assert!(r.acceptance.iter().all(|&a| a > 0.0), "{:?}", r.acceptance);
            assert!(
                r.q_asymmetry_z.abs() <= 4.0,
                "P(q) asymmetric: {}",
                r.q_asymmetry_z
            );
            println!(
                "{bonds:?} T = {t}: e = {:.5} ± {:.5} (exact {:.5}), C/N = {:.4} ± {:.4} (exact {:.4}), τ = {:.2}, eq {} sweeps",
                r.energy_per_spin, r.energy_per_spin_err, p.energy_per_spin,
                r.specific_heat, r.specific_heat_err, p.specific_heat, r.tau_int, r.equilibration_sweeps
            );
        }
    }
}

/// The samples themselves: their mean energy per spin matches exact
/// enumeration within four standard errors of a mean of nearly independent
/// samples (spaced by 2τ_int, so the error is inflated by at most
/// √(1 + 2e^{−2}/(1 − e^{−2})) ≈ 1.15, allowed for).
#[test]
fn samples_carry_the_equilibrium_energy() {
    let inst = EaInstance::new(4, Bonds::Gaussian, 5).unwrap();
    let exact = exact_thermodynamics(&inst, &[1.0]).unwrap()[0];
    let r = sample(&inst, &options(1.0, 6), &|_| {}).unwrap();
    let e: Vec<f64> = r.samples.iter().map(|s| inst.energy(s) / 16.0).collect();
    let m = e.iter().sum::<f64>() / e.len() as f64;
    let sd = (e.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (e.len() - 1) as f64).sqrt();
    let se = 1.15 * sd / (e.len() as f64).sqrt();
    assert!(
        (m - exact.energy_per_spin).abs() <= 4.0 * se,
        "{m} vs {}",
        exact.energy_per_spin
    );
}

#[test]
fn same_seed_same_samples_and_bad_options_refused() {
    let inst = EaInstance::new(3, Bonds::Gaussian, 1).unwrap();
    let mut o = options(1.0, 2);
    o.samples = 50;
    let a = sample(&inst, &o, &|_| {}).unwrap();
    let b = sample(&inst, &o, &|_| {}).unwrap();
    assert_eq!(a.samples, b.samples);
    assert_eq!(a.energy_per_spin, b.energy_per_spin);
    for bad in [
        PtOptions {
            chains: 1,
            ..o.clone()
        },
        PtOptions {
            t: -1.0,
            ..o.clone()
        },
        PtOptions {
            t_max: 0.5,
            ..o.clone()
        },
        PtOptions {
            samples: 0,
            ..o.clone()
        },
        PtOptions {
            max_sweeps: 20,
            ..o.clone()
        },
    ] {
        assert!(sample(&inst, &bad, &|_| {}).is_err(), "{bad:?}");
    }
}
