//! The glucose unit a page or report shows. Values are held in mg/dL throughout
//! (ARCHITECTURE.md, "Units"); UK services read mmol/L, so that is the default.

use diapath_glucose::MG_DL_PER_MMOL_L;

/// Display unit for glucose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Units {
    /// mmol/L, one decimal (UK practice).
    #[default]
    MmolL,
    /// mg/dL, whole numbers.
    MgDl,
}

impl Units {
    /// The unit's label.
    pub fn label(self) -> &'static str {
        match self {
            Units::MmolL => "mmol/L",
            Units::MgDl => "mg/dL",
        }
    }

    /// A value given in mg/dL, written in this unit without the label.
    pub fn show(self, mg_dl: f64) -> String {
        match self {
            Units::MmolL => format!("{:.1}", mg_dl / MG_DL_PER_MMOL_L),
            Units::MgDl => format!("{mg_dl:.0}"),
        }
    }

    /// A value given in mg/dL, written with the label.
    pub fn show_with_label(self, mg_dl: f64) -> String {
        format!("{} {}", self.show(mg_dl), self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consensus_thresholds_read_as_clinicians_write_them() {
        assert_eq!(Units::MmolL.show(70.0), "3.9");
        assert_eq!(Units::MmolL.show(180.0), "10.0");
        assert_eq!(Units::MmolL.show(250.0), "13.9");
        assert_eq!(Units::MmolL.show(54.0), "3.0");
        assert_eq!(Units::MgDl.show_with_label(154.0), "154 mg/dL");
    }
}
