//! Organisations and their ODS-style codes.
//!
//! Organisation Data Service codes are short upper-case alphanumerics: trusts `RVV`,
//! trust sites `RVV01`, ICBs `QKS`, sub-ICB locations `09D`, GP practices a letter then
//! five digits (`G82001`). We check the shape, not that the code is issued: the ODS
//! register is reference data the store loads, not something a pure crate can know.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// A checked ODS-style code: 3–10 ASCII letters and digits with at least one letter,
/// stored upper-case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OdsCode(String);

impl OdsCode {
    /// Parses a code, trimming surrounding spaces and upper-casing it.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let code = text.trim().to_ascii_uppercase();
        if !(3..=10).contains(&code.len()) {
            return Err(DomainError::OdsCode("3 to 10 characters"));
        }
        if !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(DomainError::OdsCode("letters and digits only"));
        }
        if !code.chars().any(|c| c.is_ascii_alphabetic()) {
            return Err(DomainError::OdsCode("at least one letter"));
        }
        Ok(Self(code))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the code has the GP practice shape: a letter then five digits.
    pub fn is_gp_practice_shape(&self) -> bool {
        let b = self.0.as_bytes();
        b.len() == 6 && b[0].is_ascii_alphabetic() && b[1..].iter().all(u8::is_ascii_digit)
    }
}

impl fmt::Display for OdsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for OdsCode {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<OdsCode> for String {
    fn from(c: OdsCode) -> Self {
        c.0
    }
}

/// What an organisation is, which decides what its staff may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    /// An acute trust's diabetes specialist team: assesses, requests, runs trials.
    SpecialistTeam,
    /// A GP practice: primary care for its registered patients.
    GpPractice,
    /// An integrated care board: the commissioner that funds and decides.
    Icb,
    /// A provider of structured education courses (DAFNE, DESMOND, X-PERT…).
    EducationProvider,
}

impl OrganisationKind {
    /// Every kind, for tables and tests.
    pub const ALL: [Self; 4] = [
        Self::SpecialistTeam,
        Self::GpPractice,
        Self::Icb,
        Self::EducationProvider,
    ];
}

/// An organisation taking part in the pathway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    code: OdsCode,
    kind: OrganisationKind,
    name: String,
    icb: OdsCode,
}

impl Organisation {
    /// An organisation in the commissioning area of `icb` (an ICB is in its own area).
    /// GP practice codes must have the practice shape.
    pub fn new(
        code: OdsCode,
        kind: OrganisationKind,
        name: impl Into<String>,
        icb: OdsCode,
    ) -> Result<Self, DomainError> {
        let name = name.into();
        if name.trim().is_empty() {
            return Err(DomainError::Empty("organisation name"));
        }
        if kind == OrganisationKind::GpPractice && !code.is_gp_practice_shape() {
            return Err(DomainError::GpPracticeCode);
        }
        let icb = if kind == OrganisationKind::Icb {
            code.clone()
        } else {
            icb
        };
        Ok(Self {
            code,
            kind,
            name,
            icb,
        })
    }

    /// The ODS code.
    pub fn code(&self) -> &OdsCode {
        &self.code
    }

    /// What kind of organisation this is.
    pub fn kind(&self) -> OrganisationKind {
        self.kind
    }

    /// The display name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The ICB whose area the organisation is in.
    pub fn icb(&self) -> &OdsCode {
        &self.icb
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ods_codes() {
        for ok in ["RVV", "rvv01", " QKS ", "09D", "G82001"] {
            assert!(OdsCode::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["RV", "12345", "RVV-01", "ABCDEFGHIJK", ""] {
            assert!(OdsCode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(OdsCode::parse("rvv01").unwrap().as_str(), "RVV01");
    }

    #[test]
    fn gp_practice_codes_have_their_shape() {
        let icb = OdsCode::parse("QKS").unwrap();
        let gp = |c: &str| {
            Organisation::new(
                OdsCode::parse(c).unwrap(),
                OrganisationKind::GpPractice,
                "Surgery",
                icb.clone(),
            )
        };
        assert!(gp("G82001").is_ok());
        assert_eq!(gp("RVV").unwrap_err(), DomainError::GpPracticeCode);
        let board = Organisation::new(icb.clone(), OrganisationKind::Icb, "Kent", icb.clone());
        assert_eq!(board.unwrap().icb(), &icb);
    }
}
