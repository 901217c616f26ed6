//! Glucose concentrations with their unit in the type. mg/dL is canonical.

use std::fmt;

/// mg/dL per mmol/L for glucose (molar mass 180.16 g/mol), the factor the project uses
/// everywhere (../shared/design.md §4 invariants).
pub const MG_DL_PER_MMOL_L: f64 = 18.0182;

/// Highest concentration any supported sensor or meter reports, with a wide margin;
/// anything above is a corrupt value, not a reading.
const MAX_PLAUSIBLE_MG_DL: f64 = 2000.0;

/// Why a number is not a glucose concentration.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UnitError {
    /// NaN or infinite.
    #[error("glucose value is not a finite number")]
    NotFinite,
    /// Zero, negative or implausibly large.
    #[error("glucose value {value} {unit} is outside 0–{max} mg/dL")]
    OutOfRange {
        /// The value as given.
        value: f64,
        /// The unit it was given in.
        unit: &'static str,
        /// The upper bound in mg/dL.
        max: f64,
    },
}

/// A glucose concentration in mg/dL: positive, finite, plausible.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct GlucoseMgDl(f64);

impl GlucoseMgDl {
    /// Checks that `value` is a plausible concentration in mg/dL.
    pub fn new(value: f64) -> Result<Self, UnitError> {
        check(value, value, "mg/dL").map(Self)
    }

    /// Converts a concentration in mmol/L (×18.0182).
    pub fn from_mmol_l(value: f64) -> Result<Self, UnitError> {
        check(value * MG_DL_PER_MMOL_L, value, "mmol/L").map(Self)
    }

    /// The value in mg/dL.
    pub fn get(self) -> f64 {
        self.0
    }

    /// The same concentration in mmol/L.
    pub fn to_mmol_l(self) -> GlucoseMmolL {
        GlucoseMmolL(self.0 / MG_DL_PER_MMOL_L)
    }
}

impl fmt::Display for GlucoseMgDl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.0} mg/dL", self.0)
    }
}

/// A glucose concentration in mmol/L, for display to UK clinicians.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct GlucoseMmolL(f64);

impl GlucoseMmolL {
    /// Checks that `value` is a plausible concentration in mmol/L.
    pub fn new(value: f64) -> Result<Self, UnitError> {
        check(value * MG_DL_PER_MMOL_L, value, "mmol/L").map(|_| Self(value))
    }

    /// The value in mmol/L.
    pub fn get(self) -> f64 {
        self.0
    }

    /// The same concentration in mg/dL.
    pub fn to_mg_dl(self) -> GlucoseMgDl {
        GlucoseMgDl(self.0 * MG_DL_PER_MMOL_L)
    }
}

impl fmt::Display for GlucoseMmolL {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1} mmol/L", self.0)
    }
}

fn check(mg_dl: f64, given: f64, unit: &'static str) -> Result<f64, UnitError> {
    if !mg_dl.is_finite() {
        return Err(UnitError::NotFinite);
    }
    if mg_dl <= 0.0 || mg_dl > MAX_PLAUSIBLE_MG_DL {
        return Err(UnitError::OutOfRange {
            value: given,
            unit,
            max: MAX_PLAUSIBLE_MG_DL,
        });
    }
    Ok(mg_dl)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn mmol_to_mg_dl_uses_18_0182() {
        let g = GlucoseMgDl::from_mmol_l(2.2).unwrap();
        assert!((g.get() - 39.64004).abs() < 1e-9);
        assert!((GlucoseMgDl::new(180.0).unwrap().to_mmol_l().get() - 9.98990).abs() < 1e-5);
    }

    #[test]
    fn rejects_non_finite_zero_negative_and_huge() {
        assert_eq!(GlucoseMgDl::new(f64::NAN), Err(UnitError::NotFinite));
        assert!(GlucoseMgDl::new(0.0).is_err());
        assert!(GlucoseMgDl::new(-5.0).is_err());
        assert!(GlucoseMgDl::new(2000.5).is_err());
        assert!(GlucoseMmolL::new(150.0).is_err());
    }

    proptest! {
        #[test]
        fn round_trip_through_mmol(v in 1.0f64..1999.0) {
            let g = GlucoseMgDl::new(v).unwrap();
            prop_assert!((g.to_mmol_l().to_mg_dl().get() - v).abs() < 1e-9);
        }
    }
}
