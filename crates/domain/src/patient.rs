//! Registered patients: identity, demographics for equity reporting, and who cares for them.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::{DomainError, NhsNumber, OdsCode, PatientId};

/// Sex as recorded (NHS Data Dictionary "PERSON STATED GENDER CODE" values 1, 2, 9, X).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Code 1.
    Male,
    /// Code 2.
    Female,
    /// Code 9: indeterminate (unable to be classified as either).
    Indeterminate,
    /// Code X: not known.
    NotKnown,
}

/// Ethnic category (NHS Data Dictionary "ETHNIC CATEGORY", 2001 census groups), used only
/// for equity reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EthnicCategory {
    /// A: White – British.
    WhiteBritish,
    /// B: White – Irish.
    WhiteIrish,
    /// C: any other White background.
    WhiteOther,
    /// D: Mixed – White and Black Caribbean.
    MixedWhiteBlackCaribbean,
    /// E: Mixed – White and Black African.
    MixedWhiteBlackAfrican,
    /// F: Mixed – White and Asian.
    MixedWhiteAsian,
    /// G: any other mixed background.
    MixedOther,
    /// H: Asian or Asian British – Indian.
    AsianIndian,
    /// J: Asian or Asian British – Pakistani.
    AsianPakistani,
    /// K: Asian or Asian British – Bangladeshi.
    AsianBangladeshi,
    /// L: any other Asian background.
    AsianOther,
    /// M: Black or Black British – Caribbean.
    BlackCaribbean,
    /// N: Black or Black British – African.
    BlackAfrican,
    /// P: any other Black background.
    BlackOther,
    /// R: Chinese.
    Chinese,
    /// S: any other ethnic group.
    Other,
    /// Z: not stated (the person declined).
    NotStated,
    /// 99: not known.
    NotKnown,
}

impl EthnicCategory {
    /// The NHS Data Dictionary code letter (`99` for not known).
    pub fn code(self) -> &'static str {
        match self {
            Self::WhiteBritish => "A",
            Self::WhiteIrish => "B",
            Self::WhiteOther => "C",
            Self::MixedWhiteBlackCaribbean => "D",
            Self::MixedWhiteBlackAfrican => "E",
            Self::MixedWhiteAsian => "F",
            Self::MixedOther => "G",
            Self::AsianIndian => "H",
            Self::AsianPakistani => "J",
            Self::AsianBangladeshi => "K",
            Self::AsianOther => "L",
            Self::BlackCaribbean => "M",
            Self::BlackAfrican => "N",
            Self::BlackOther => "P",
            Self::Chinese => "R",
            Self::Other => "S",
            Self::NotStated => "Z",
            Self::NotKnown => "99",
        }
    }
}

/// Index of Multiple Deprivation decile: 1 = most deprived 10 % of areas, 10 = least.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct ImdDecile(u8);

impl ImdDecile {
    /// Checks 1–10.
    pub fn new(decile: u8) -> Result<Self, DomainError> {
        if (1..=10).contains(&decile) {
            Ok(Self(decile))
        } else {
            Err(DomainError::ImdDecile(decile))
        }
    }

    /// The decile.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for ImdDecile {
    type Error = DomainError;
    fn try_from(d: u8) -> Result<Self, Self::Error> {
        Self::new(d)
    }
}

impl From<ImdDecile> for u8 {
    fn from(d: ImdDecile) -> Self {
        d.0
    }
}

/// Where the patient lives, as precisely as the deployment records it. Equity reports
/// need only the IMD decile; a postcode lets the store derive one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Locality {
    /// A UK postcode as recorded (the store maps it to an IMD decile).
    Postcode(String),
    /// The IMD decile only, when the postcode is not kept.
    ImdDecile(ImdDecile),
}

/// A registered patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patient {
    /// The store's key.
    pub id: PatientId,
    /// The NHS number.
    pub nhs_number: NhsNumber,
    /// Name as the patient gives it.
    pub name: String,
    /// Date of birth.
    pub date_of_birth: Date,
    /// Sex as recorded.
    pub sex: Sex,
    /// Postcode or IMD decile.
    pub locality: Locality,
    /// Ethnic category.
    pub ethnicity: EthnicCategory,
    /// The GP practice the patient is registered with.
    pub gp_practice: OdsCode,
    /// The specialist team responsible for the patient's diabetes technology.
    pub specialist_team: OdsCode,
}

impl Patient {
    /// Age in whole years on `on` (`None` before the date of birth).
    pub fn age_on(&self, on: Date) -> Option<u32> {
        if on < self.date_of_birth {
            return None;
        }
        let dob = self.date_of_birth;
        let mut years = i32::from(on.year()) - i32::from(dob.year());
        if (on.month(), on.day()) < (dob.month(), dob.day()) {
            years -= 1;
        }
        u32::try_from(years).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn age_counts_whole_years() {
        let p = Patient {
            id: PatientId::new(1),
            nhs_number: NhsNumber::parse("9990000018").unwrap(),
            name: "Test Patient".into(),
            date_of_birth: date(2010, 3, 15),
            sex: Sex::NotKnown,
            locality: Locality::ImdDecile(ImdDecile::new(3).unwrap()),
            ethnicity: EthnicCategory::NotStated,
            gp_practice: OdsCode::parse("G82001").unwrap(),
            specialist_team: OdsCode::parse("RVV").unwrap(),
        };
        assert_eq!(p.age_on(date(2028, 3, 14)), Some(17));
        assert_eq!(p.age_on(date(2028, 3, 15)), Some(18));
        assert_eq!(p.age_on(date(2009, 1, 1)), None);
        assert!(ImdDecile::new(0).is_err() && ImdDecile::new(11).is_err());
    }
}
