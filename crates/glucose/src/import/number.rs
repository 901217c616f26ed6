//! Numbers as exports write them: `5.4`, `5,4` (decimal comma), `3` (no decimals), with
//! spaces around.

/// Parses a decimal number written with `.` or `,` as the decimal separator. Returns
/// `None` for anything else, including thousands separators, NaN and infinities.
///
/// Tidepool retries a failed LibreView number with `,` replaced by `.`, and CareLink EU
/// exports write decimal commas everywhere (reference §1 "Units", §2 CareLink).
pub(crate) fn parse_decimal(text: &str) -> Option<f64> {
    let text = text.trim();
    if text.is_empty() || text.len() > 32 {
        return None;
    }
    let bytes = text.as_bytes();
    let mut separators = 0;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'0'..=b'9' => {}
            b'.' | b',' => separators += 1,
            b'-' | b'+' if i == 0 => {}
            _ => return None,
        }
    }
    if separators > 1 {
        return None;
    }
    let value = if text.contains(',') {
        text.replacen(',', ".", 1).parse::<f64>().ok()?
    } else {
        text.parse::<f64>().ok()?
    };
    value.is_finite().then_some(value)
}

/// The glucose unit a column header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    MgDl,
    MmolL,
}

impl Unit {
    /// The unit named in a header such as `Historic Glucose mmol/L` or
    /// `Glucose Value (mg/dL)`: the `mg/dL`/`mmol/L` token is the same in every language
    /// seen (reference §1 "Locale variants").
    pub(crate) fn in_header(name: &str) -> Option<Unit> {
        let lower = name.to_lowercase();
        if lower.contains("mmol/l") {
            Some(Unit::MmolL)
        } else if lower.contains("mg/dl") {
            Some(Unit::MgDl)
        } else {
            None
        }
    }

    /// `value` in this unit, in mg/dL.
    pub(crate) fn to_mg_dl(self, value: f64) -> f64 {
        match self {
            Unit::MgDl => value,
            Unit::MmolL => value * crate::units::MG_DL_PER_MMOL_L,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_point_comma_and_integers() {
        assert_eq!(parse_decimal("5.4"), Some(5.4));
        assert_eq!(parse_decimal(" 5,4 "), Some(5.4));
        assert_eq!(parse_decimal("3"), Some(3.0));
        assert_eq!(parse_decimal("69,00000"), Some(69.0));
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "", "abc", "1.2.3", "1,2.3", "NaN", "inf", "1e5", "5 4", "--1",
        ] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
    }
}
