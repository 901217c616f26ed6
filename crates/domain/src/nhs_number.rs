//! The NHS number: ten digits whose last is a modulus-11 check digit.
//!
//! Algorithm from the NHS Data Dictionary "NHS NUMBER" as summarised in
//! ../shared/reference/nhs-and-rust-ecosystem.md §A1: weights 10..2 on digits 1–9,
//! check = 11 − (sum mod 11), 11 → 0, 10 → no valid number has that stem.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// A checked NHS number. Parsing strips spaces and hyphens; display is `999 000 0018`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NhsNumber([u8; 10]);

impl NhsNumber {
    /// Parses and checks a number written with or without spaces or hyphens.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let mut digits = [0u8; 10];
        let mut count = 0;
        for c in text.chars().filter(|c| !matches!(c, ' ' | '-')) {
            let digit = c
                .to_digit(10)
                .ok_or(DomainError::NhsNumber("only digits, spaces and hyphens"))?;
            if count == 10 {
                return Err(DomainError::NhsNumber("more than 10 digits"));
            }
            digits[count] = digit as u8;
            count += 1;
        }
        if count != 10 {
            return Err(DomainError::NhsNumber("fewer than 10 digits"));
        }
        let stem: [u8; 9] = [
            digits[0], digits[1], digits[2], digits[3], digits[4], digits[5], digits[6], digits[7],
            digits[8],
        ];
        match check_digit(&stem) {
            None => Err(DomainError::NhsNumber(
                "no valid NHS number has this stem (check value 10)",
            )),
            Some(check) if check != digits[9] => {
                Err(DomainError::NhsNumber("check digit does not match"))
            }
            Some(_) => Ok(Self(digits)),
        }
    }

    /// The valid number with this nine-digit stem, if the stem has one (about 1 in 11
    /// stems has none). Used to make test numbers.
    pub fn from_stem(stem: [u8; 9]) -> Option<Self> {
        if stem.iter().any(|&d| d > 9) {
            return None;
        }
        let check = check_digit(&stem)?;
        let mut digits = [0u8; 10];
        digits[..9].copy_from_slice(&stem);
        digits[9] = check;
        Some(Self(digits))
    }

    /// Whether the number lies in 999 000 0000–999 999 9999, the range reserved for test
    /// data and never issued. Fixtures and the demo must use only these.
    pub fn is_test_range(&self) -> bool {
        self.0[..3] == [9, 9, 9]
    }

    /// The ten digits without spaces, as FHIR `identifier.value` wants it.
    pub fn digits(&self) -> String {
        self.0.iter().map(|d| char::from(b'0' + d)).collect()
    }
}

/// Weights 10, 9, …, 2 on the stem; `None` when the check value is 10.
fn check_digit(stem: &[u8; 9]) -> Option<u8> {
    let sum: u32 = stem
        .iter()
        .zip((2..=10u32).rev())
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        check => Some(check as u8),
    }
}

impl fmt::Display for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.digits();
        write!(f, "{} {} {}", &d[..3], &d[3..6], &d[6..])
    }
}

impl FromStr for NhsNumber {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for NhsNumber {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<NhsNumber> for String {
    fn from(n: NhsNumber) -> Self {
        n.digits()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expect: Result<&str, &str>) {
        let got = NhsNumber::parse(input).map(|n| n.to_string());
        match (got, expect) {
            (Ok(n), Ok(e)) => assert_eq!(n, e, "{input}"),
            (Err(DomainError::NhsNumber(why)), Err(e)) => assert_eq!(why, e, "{input}"),
            (got, expect) => panic!("{input}: got {got:?}, expected {expect:?}"),
        }
    }

    #[test]
    fn valid_numbers() {
        // Only numbers from the range reserved for tests (999 000 0000–999 999 9999).
        check("9990000018", Ok("999 000 0018"));
        check("999 000 0018", Ok("999 000 0018"));
        check("999-000-0018", Ok("999 000 0018"));
        check("9990000026", Ok("999 000 0026"));
        check("9990000107", Ok("999 000 0107"));
        // Check value 11 becomes 0.
        check("9990000050", Ok("999 000 0050"));
    }

    #[test]
    fn invalid_numbers() {
        check("9990000019", Err("check digit does not match"));
        check("9990000027", Err("check digit does not match"));
        check("999000001", Err("fewer than 10 digits"));
        check("", Err("fewer than 10 digits"));
        check("99900000180", Err("more than 10 digits"));
        check("999000001X", Err("only digits, spaces and hyphens"));
        check("999/000/0018", Err("only digits, spaces and hyphens"));
        check("９９９0000018", Err("only digits, spaces and hyphens"));
        // 999 000 014 and 999 123 456 have check value 10: no valid number.
        check(
            "9990000140",
            Err("no valid NHS number has this stem (check value 10)"),
        );
        check(
            "9991234560",
            Err("no valid NHS number has this stem (check value 10)"),
        );
    }

    #[test]
    fn test_range() {
        assert!(NhsNumber::parse("999 000 0018").unwrap().is_test_range());
        // A number outside the range, made from a stem only to exercise the check.
        let outside = NhsNumber::from_stem([9, 9, 8, 0, 0, 0, 0, 0, 1]).unwrap();
        assert!(!outside.is_test_range());
        assert_eq!(
            NhsNumber::from_stem([9, 9, 9, 0, 0, 0, 0, 0, 1])
                .unwrap()
                .digits(),
            "9990000018"
        );
        assert_eq!(NhsNumber::from_stem([9, 9, 9, 0, 0, 0, 0, 1, 4]), None);
    }

    #[test]
    fn serde_round_trip_checks_on_the_way_in() {
        let n = NhsNumber::parse("9990000018").unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, "\"9990000018\"");
        assert_eq!(serde_json::from_str::<NhsNumber>(&json).unwrap(), n);
        assert!(serde_json::from_str::<NhsNumber>("\"9990000019\"").is_err());
    }

    proptest::proptest! {
        /// Every stem yields exactly one valid number, or none when its check value is 10.
        #[test]
        fn every_stem_has_one_valid_number_or_none(stem in proptest::array::uniform9(0u8..10)) {
            let text: String = stem.iter().map(|d| char::from(b'0' + d)).collect();
            let valid: Vec<u8> = (0..10u8)
                .filter(|c| NhsNumber::parse(&format!("{text}{c}")).is_ok())
                .collect();
            match NhsNumber::from_stem(stem) {
                Some(n) => {
                    proptest::prop_assert_eq!(valid, vec![n.0[9]]);
                }
                None => proptest::prop_assert!(valid.is_empty()),
            }
        }
    }
}
