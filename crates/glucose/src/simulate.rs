//! Virtual patients: synthetic CGM traces for the demo, examples and tests.
//!
//! Not a physiological model (no insulin kinetics); a descriptive one that reproduces
//! the features a CGM report must handle: meals at realistic times with varying size,
//! a dawn rise, day-to-day drift, hypoglycaemia episodes at a chosen rate, sensor
//! noise, sensor-change warm-up gaps, wear gaps, and readings clamped at the sensor's
//! limits (kept as censored values). Everything is driven by a seeded generator, so the
//! same profile and seed give the same trace on every machine.
//!
//! No real patient's data is used or reproduced.

use std::io::{self, Write};

use jiff::{SignedDuration, Timestamp, tz::TimeZone};

use crate::reading::{Censoring, Reading};
use crate::units::{GlucoseMgDl, MG_DL_PER_MMOL_L};

/// The shape of a virtual patient's glucose.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Short name, e.g. `well-controlled`.
    pub name: &'static str,
    /// Target mean glucose, mg/dL.
    pub mean_mg_dl: f64,
    /// Typical peak rise after a main meal, mg/dL.
    pub meal_rise_mg_dl: f64,
    /// Dawn-phenomenon rise around 06:00, mg/dL.
    pub dawn_rise_mg_dl: f64,
    /// Standard deviation of the slow day-to-day drift, mg/dL.
    pub daily_drift_mg_dl: f64,
    /// Standard deviation of short-term sensor and physiological noise, mg/dL.
    pub noise_mg_dl: f64,
    /// Hypoglycaemia episodes per week.
    pub hypos_per_week: f64,
    /// Share of the time the sensor is worn and reading, %.
    pub wear_percent: f64,
}

impl Profile {
    /// Near the consensus goals: TIR about 75 %, few lows.
    pub fn well_controlled() -> Self {
        Self {
            name: "well-controlled",
            mean_mg_dl: 140.0,
            meal_rise_mg_dl: 60.0,
            dawn_rise_mg_dl: 15.0,
            daily_drift_mg_dl: 12.0,
            noise_mg_dl: 12.0,
            hypos_per_week: 1.0,
            wear_percent: 95.0,
        }
    }

    /// Above target on average with moderate variability.
    pub fn suboptimal() -> Self {
        Self {
            name: "suboptimal",
            mean_mg_dl: 175.0,
            meal_rise_mg_dl: 85.0,
            dawn_rise_mg_dl: 25.0,
            daily_drift_mg_dl: 20.0,
            noise_mg_dl: 15.0,
            hypos_per_week: 2.0,
            wear_percent: 90.0,
        }
    }

    /// Frequent and prolonged lows, as in impaired awareness of hypoglycaemia.
    pub fn frequent_hypos() -> Self {
        Self {
            name: "frequent-hypos",
            mean_mg_dl: 125.0,
            meal_rise_mg_dl: 70.0,
            dawn_rise_mg_dl: 10.0,
            daily_drift_mg_dl: 18.0,
            noise_mg_dl: 14.0,
            hypos_per_week: 9.0,
            wear_percent: 92.0,
        }
    }

    /// High and variable, HbA1c-equivalent well above 58 mmol/mol.
    pub fn poorly_controlled() -> Self {
        Self {
            name: "poorly-controlled",
            mean_mg_dl: 215.0,
            meal_rise_mg_dl: 110.0,
            dawn_rise_mg_dl: 35.0,
            daily_drift_mg_dl: 30.0,
            noise_mg_dl: 18.0,
            hypos_per_week: 1.5,
            wear_percent: 85.0,
        }
    }

    /// Reasonable glucose but the sensor is worn only about half the time.
    pub fn low_wear() -> Self {
        Self {
            name: "low-wear",
            wear_percent: 50.0,
            ..Self::suboptimal()
        }
    }

    /// Every named profile.
    pub fn all() -> Vec<Profile> {
        vec![
            Self::well_controlled(),
            Self::suboptimal(),
            Self::frequent_hypos(),
            Self::poorly_controlled(),
            Self::low_wear(),
        ]
    }

    /// The profile called `name`, if any.
    pub fn named(name: &str) -> Option<Profile> {
        Self::all().into_iter().find(|p| p.name == name)
    }
}

/// The sensor being simulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sensor {
    /// FreeStyle Libre 2/3 historic data: every 15 minutes, 14-day sensors, clamped to
    /// 40–500 mg/dL (2.2–27.8 mmol/L).
    Libre,
    /// Dexcom G6/G7: every 5 minutes, 10-day sensors, clamped to 40–400 mg/dL.
    Dexcom,
}

impl Sensor {
    fn interval_minutes(self) -> i64 {
        match self {
            Sensor::Libre => 15,
            Sensor::Dexcom => 5,
        }
    }

    fn sensor_days(self) -> i64 {
        match self {
            Sensor::Libre => 14,
            Sensor::Dexcom => 10,
        }
    }

    fn limits(self) -> (f64, f64) {
        match self {
            Sensor::Libre => (40.0, 500.0),
            Sensor::Dexcom => (40.0, 400.0),
        }
    }
}

/// What to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    /// The first reading's instant.
    pub start: Timestamp,
    /// Number of days.
    pub days: u32,
    /// The device clock's zone (meals follow local time).
    pub zone: TimeZone,
    /// The sensor.
    pub sensor: Sensor,
    /// Seed of the random generator.
    pub seed: u64,
}

/// Runs the simulation: the readings in time order.
pub fn simulate(profile: &Profile, sim: &Simulation) -> Vec<Reading> {
    let mut rng = Rng::new(sim.seed ^ hash_name(profile.name));
    let step = sim.sensor.interval_minutes();
    let total_minutes = i64::from(sim.days) * 1440;
    let excursions = plan_excursions(profile, sim, &mut rng, total_minutes);
    let day_offsets: Vec<f64> = (0..=sim.days)
        .map(|_| rng.normal() * profile.daily_drift_mg_dl)
        .collect();
    // Baseline so that the average including meals and dawn comes out near the mean:
    // a meal of rise A adds A·τ·e/1440 per day on average (τ = 60 min), dawn adds
    // D·1.5·√(2π)/24 (a Gaussian bump of σ = 1.5 h).
    let meal_mean =
        3.0 * profile.meal_rise_mg_dl * MEAL_PEAK_MINUTES * std::f64::consts::E / 1440.0;
    let dawn_mean = profile.dawn_rise_mg_dl * 1.5 * (2.0 * std::f64::consts::PI).sqrt() / 24.0;
    let baseline = profile.mean_mg_dl - meal_mean - dawn_mean;

    let wear = (profile.wear_percent / 100.0).clamp(0.05, 1.0);
    let mean_gap_samples = (6.0 * 60.0 / step as f64).max(1.0);
    let gap_start_probability = (1.0 - wear) / (wear * mean_gap_samples);
    let warmup_samples = 60 / step;
    let sensor_samples = sim.sensor.sensor_days() * 1440 / step;
    let (low, high) = sim.sensor.limits();

    let mut readings = Vec::with_capacity((total_minutes / step) as usize);
    let mut noise = 0.0;
    let mut gap_left = 0i64;
    for i in 0..total_minutes / step {
        let minute = i * step;
        let utc = sim.start + SignedDuration::from_mins(minute);
        let local = utc.to_zoned(sim.zone.clone()).datetime();
        let hour = f64::from(local.hour()) + f64::from(local.minute()) / 60.0;
        noise = 0.85 * noise + rng.normal() * profile.noise_mg_dl * (1.0 - 0.85f64.powi(2)).sqrt();
        let day = usize::try_from(minute / 1440).unwrap_or(0);
        let mut g = baseline
            + day_offsets.get(day).copied().unwrap_or(0.0)
            + profile.dawn_rise_mg_dl * (-(hour - 6.0).powi(2) / (2.0 * 1.5f64.powi(2))).exp()
            + noise;
        for e in excursions.iter().filter(|e| e.covers(minute)) {
            g = e.apply(g, minute);
        }

        if gap_left > 0 {
            gap_left -= 1;
            continue;
        }
        if i % sensor_samples < warmup_samples {
            continue; // new sensor warming up
        }
        if rng.uniform() < gap_start_probability {
            gap_left = (rng.exponential() * mean_gap_samples).round() as i64;
            continue;
        }
        let (value, censoring) = if g <= low {
            (low, Censoring::BelowLimit)
        } else if g >= high {
            (high, Censoring::AboveLimit)
        } else {
            (g.round(), Censoring::Exact)
        };
        if let Ok(glucose) = GlucoseMgDl::new(value) {
            readings.push(Reading::new(utc, local, glucose, censoring));
        }
    }
    readings
}

const MEAL_PEAK_MINUTES: f64 = 60.0;

#[derive(Debug, Clone, Copy)]
enum Excursion {
    /// A meal rise `rise·(t/τ)·e^(1−t/τ)` from `at`.
    Meal { at: i64, rise: f64 },
    /// A pull towards `nadir` over `minutes`, deepest in the middle.
    Hypo { at: i64, minutes: i64, nadir: f64 },
}

impl Excursion {
    fn covers(&self, minute: i64) -> bool {
        match *self {
            Excursion::Meal { at, .. } => minute >= at && minute < at + 360,
            Excursion::Hypo { at, minutes, .. } => minute >= at && minute < at + minutes,
        }
    }

    fn apply(&self, g: f64, minute: i64) -> f64 {
        match *self {
            Excursion::Meal { at, rise } => {
                let x = (minute - at) as f64 / MEAL_PEAK_MINUTES;
                g + rise * x * (1.0 - x).exp()
            }
            Excursion::Hypo { at, minutes, nadir } => {
                let x = (minute - at) as f64 / minutes as f64;
                // A plateau-shaped weight: quick fall, held, quick recovery.
                let w = (std::f64::consts::PI * x).sin().powf(0.3);
                g.min(g * (1.0 - w) + nadir * w)
            }
        }
    }
}

fn plan_excursions(
    profile: &Profile,
    sim: &Simulation,
    rng: &mut Rng,
    total_minutes: i64,
) -> Vec<Excursion> {
    // Minutes from the start to the first local midnight, so meals follow local time.
    let local_start = sim.start.to_zoned(sim.zone.clone()).datetime();
    let start_minute = i64::from(local_start.hour()) * 60 + i64::from(local_start.minute());
    let mut out = Vec::new();
    for day in 0..=i64::from(sim.days) {
        let midnight = day * 1440 - start_minute;
        for (centre_hour, spread, size) in
            [(7.5, 45.0, 0.8), (12.75, 45.0, 1.0), (18.75, 60.0, 1.2)]
        {
            let at = midnight + (centre_hour * 60.0 + rng.normal() * spread) as i64;
            let rise = profile.meal_rise_mg_dl * size * (0.6 + 0.8 * rng.uniform());
            out.push(Excursion::Meal { at, rise });
        }
        if rng.uniform() < 0.4 {
            let at = midnight + (15.5 * 60.0 + rng.normal() * 60.0) as i64;
            let rise = profile.meal_rise_mg_dl * 0.4 * rng.uniform();
            out.push(Excursion::Meal { at, rise });
        }
    }
    let expected = profile.hypos_per_week * total_minutes as f64 / (7.0 * 1440.0);
    let count = rng.poisson(expected);
    for _ in 0..count {
        let at = (rng.uniform() * total_minutes as f64) as i64;
        let minutes = 25 + (rng.exponential() * 35.0) as i64;
        let nadir = 38.0 + rng.uniform() * 26.0;
        out.push(Excursion::Hypo {
            at,
            minutes: minutes.min(240),
            nadir,
        });
    }
    out.sort_by_key(|e| match *e {
        Excursion::Meal { at, .. } | Excursion::Hypo { at, .. } => at,
    });
    out
}

fn hash_name(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// SplitMix64 (Steele, Lea & Flood, OOPSLA 2014): small, fast, good enough for
/// synthetic data, identical on every platform.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform on [0, 1).
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = 1.0 - self.uniform();
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    /// Exponential with mean 1.
    fn exponential(&mut self) -> f64 {
        -(1.0 - self.uniform()).ln()
    }

    /// Poisson by counting exponential arrivals (fine for small means).
    fn poisson(&mut self, mean: f64) -> u64 {
        let mut count = 0;
        let mut t = self.exponential();
        while t < mean {
            count += 1;
            t += self.exponential();
        }
        count
    }
}

/// Writes readings as a LibreView "Glucose Data" CSV export in mmol/L (the UK layout:
/// title row, English header, `DD-MM-YYYY HH:MM` device timestamps, record type 0), the
/// format clinics receive from patients. Censored readings are written at the clamp
/// (2.2 or 27.8 mmol/L) as LibreView does. `generated` is the title row's timestamp.
pub fn write_libreview_csv<W: Write>(
    out: W,
    patient_label: &str,
    serial: &str,
    generated: Timestamp,
    readings: &[Reading],
) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    let generated = generated
        .to_zoned(TimeZone::UTC)
        .strftime("%d-%m-%Y %H:%M UTC");
    writeln!(
        out,
        "Glucose Data,Generated on,{generated},Generated by,{},,,,,,,,,,,,,,",
        csv_safe(patient_label)
    )?;
    writeln!(
        out,
        "Device,Serial Number,Device Timestamp,Record Type,Historic Glucose mmol/L,\
         Scan Glucose mmol/L,Non-numeric Rapid-Acting Insulin,Rapid-Acting Insulin (units),\
         Non-numeric Food,Carbohydrates (grams),Carbohydrates (servings),\
         Non-numeric Long-Acting Insulin,Long-Acting Insulin Value (units),Notes,\
         Strip Glucose mmol/L,Ketone mmol/L,Meal Insulin (units),Correction Insulin (units),\
         User Change Insulin (units)"
    )?;
    let serial = csv_safe(serial);
    for r in readings {
        let mmol = match r.censoring() {
            Censoring::BelowLimit => 2.2,
            Censoring::AboveLimit => 27.8,
            Censoring::Exact => (r.glucose().get() / MG_DL_PER_MMOL_L).clamp(2.2, 27.8),
        };
        writeln!(
            out,
            "FreeStyle LibreLink,{serial},{},0,{mmol:.1},,,,,,,,,,,,,,",
            r.local().strftime("%d-%m-%Y %H:%M")
        )?;
    }
    out.flush()
}

fn csv_safe(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ',' | '"' | '\n' | '\r'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{self, Format, ImportOptions};
    use crate::metrics::{MetricOptions, compute};
    use crate::reading::Trace;

    fn sim(days: u32, sensor: Sensor, seed: u64) -> Simulation {
        Simulation {
            start: "2026-01-05T00:00:00Z".parse().unwrap(),
            days,
            zone: jiff::tz::db().get("Europe/London").unwrap(),
            sensor,
            seed,
        }
    }

    fn metrics(p: &Profile, s: &Simulation) -> crate::metrics::Metrics {
        let (trace, _) = Trace::new("v", simulate(p, s));
        compute(&trace, &MetricOptions::default())
    }

    #[test]
    fn same_seed_same_trace_and_another_seed_differs() {
        let s = sim(3, Sensor::Dexcom, 7);
        let a = simulate(&Profile::suboptimal(), &s);
        assert_eq!(a, simulate(&Profile::suboptimal(), &s));
        assert_ne!(
            a,
            simulate(&Profile::suboptimal(), &sim(3, Sensor::Dexcom, 8))
        );
    }

    #[test]
    fn profiles_land_where_their_names_say() {
        let s = sim(28, Sensor::Dexcom, 1);
        let good = metrics(&Profile::well_controlled(), &s);
        let poor = metrics(&Profile::poorly_controlled(), &s);
        let hypo = metrics(&Profile::frequent_hypos(), &s);
        let tir = |m: &crate::metrics::Metrics| m.ranges.unwrap().from_70_to_180;
        let tbr = |m: &crate::metrics::Metrics| {
            let r = m.ranges.unwrap();
            r.below_54 + r.from_54_to_69
        };
        assert!(tir(&good) > 65.0, "TIR {}", tir(&good));
        assert!(tir(&poor) < 50.0, "TIR {}", tir(&poor));
        assert!(tbr(&hypo) > 4.0, "TBR {}", tbr(&hypo));
        assert!((good.mean.unwrap() - 140.0).abs() < 20.0, "{:?}", good.mean);
        assert!((poor.mean.unwrap() - 215.0).abs() < 30.0, "{:?}", poor.mean);
    }

    #[test]
    fn wear_controls_completeness() {
        let s = sim(28, Sensor::Libre, 3);
        let full = simulate(&Profile::well_controlled(), &s).len() as f64;
        let low = simulate(&Profile::low_wear(), &s).len() as f64;
        let expected = 28.0 * 96.0;
        assert!(full / expected > 0.85, "{}", full / expected);
        assert!(
            low / expected < 0.7 && low / expected > 0.3,
            "{}",
            low / expected
        );
    }

    #[test]
    fn libreview_writer_round_trips_through_the_importer() {
        let s = sim(5, Sensor::Libre, 11);
        let readings = simulate(&Profile::frequent_hypos(), &s);
        let mut csv = Vec::new();
        let generated = "2026-01-10T12:00:00Z".parse().unwrap();
        write_libreview_csv(
            &mut csv,
            "Virtual Patient",
            "sim-0001",
            generated,
            &readings,
        )
        .unwrap();
        let imported = import::read(csv.as_slice(), "sim.csv", &ImportOptions::default()).unwrap();
        assert_eq!(imported.format, Format::LibreView);
        let merged = import::merge(vec![imported]);
        let back = merged.traces[0].readings();
        assert_eq!(back.len(), readings.len());
        for (a, b) in readings.iter().zip(back) {
            assert_eq!(a.utc(), b.utc());
            assert_eq!(a.censoring(), b.censoring());
            // One decimal of mmol/L is within 0.9 mg/dL.
            assert!((a.glucose().get() - b.glucose().get()).abs() <= 0.91);
        }
    }
}
