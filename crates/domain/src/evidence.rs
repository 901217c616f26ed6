//! The completeness check: is the evidence a policy needs in the record?
//!
//! The policy crate decides *which* evidence a policy needs; this check only looks for
//! it, so the list of requirements is a parameter and this crate does not depend on the
//! policy crate.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::facts::{EvidenceKind, Fact};

/// One piece of evidence a policy needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EvidenceRequirement {
    /// The kind of fact.
    pub kind: EvidenceKind,
    /// How recent it must be: observed within this many days before the check date.
    /// `None`: any date.
    pub within_days: Option<u32>,
}

impl EvidenceRequirement {
    /// A requirement for any fact of `kind`, however old.
    pub fn any(kind: EvidenceKind) -> Self {
        Self {
            kind,
            within_days: None,
        }
    }

    /// A requirement for a fact of `kind` observed within `days` days before the check.
    pub fn within(kind: EvidenceKind, days: u32) -> Self {
        Self {
            kind,
            within_days: Some(days),
        }
    }

    fn met_by(&self, fact: &Fact, on: Date) -> bool {
        if fact.value.evidence_kind() != self.kind || fact.observed_on > on {
            return false;
        }
        match self.within_days {
            None => true,
            Some(days) => on
                .checked_sub(i64::from(days).days())
                .map_or(true, |earliest| fact.observed_on >= earliest),
        }
    }
}

/// The result of the completeness check.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Completeness {
    /// Requirements with no matching current fact, in the order given.
    pub missing: Vec<EvidenceRequirement>,
}

impl Completeness {
    /// Whether every requirement is met.
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }
}

/// Checks `required` against `facts` (normally `FactLog::current_as_of(on)`) on `on`.
pub fn check_completeness<'a>(
    facts: impl IntoIterator<Item = &'a Fact> + Clone,
    required: &[EvidenceRequirement],
    on: Date,
) -> Completeness {
    let missing = required
        .iter()
        .filter(|req| !facts.clone().into_iter().any(|f| req.met_by(f, on)))
        .copied()
        .collect();
    Completeness { missing }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{
        Attestation, FactLog, FactValue, Hba1cMmolPerMol, NewFact, Provenance, Source,
    };
    use crate::{PatientId, UserId};
    use jiff::civil::date;

    fn fact(on: Date, value: FactValue) -> NewFact {
        NewFact {
            observed_on: on,
            value,
            provenance: Provenance {
                recorded_by: UserId::new(1),
                recorded_at: jiff::Timestamp::UNIX_EPOCH,
                source: Source::SpecialistRecord,
            },
        }
    }

    #[test]
    fn completeness() {
        let mut log = FactLog::new(PatientId::new(1));
        let hba1c = |v| FactValue::Hba1c {
            value: Hba1cMmolPerMol::new(v).unwrap(),
        };
        log.record(fact(date(2026, 1, 1), hba1c(70))).unwrap();
        log.record(fact(
            date(2026, 1, 1),
            FactValue::Attestation {
                attestation: Attestation::AbleToUseDevice,
                holds: true,
            },
        ))
        .unwrap();
        let fresh_hba1c = EvidenceRequirement::within(EvidenceKind::Hba1c, 90);
        let able =
            EvidenceRequirement::any(EvidenceKind::Attestation(Attestation::AbleToUseDevice));
        let education = EvidenceRequirement::any(EvidenceKind::StructuredEducation);
        let check = |on: Date, required: &[EvidenceRequirement]| {
            check_completeness(log.current_as_of(on), required, on).missing
        };
        assert_eq!(check(date(2026, 3, 1), &[fresh_hba1c, able]), vec![]);
        // 91 days later the HbA1c is too old.
        assert_eq!(
            check(date(2026, 4, 2), &[fresh_hba1c, able]),
            vec![fresh_hba1c]
        );
        // Before it was taken it does not count.
        assert_eq!(check(date(2025, 12, 31), &[able]), vec![able]);
        assert_eq!(check(date(2026, 3, 1), &[education, able]), vec![education]);
        assert!(
            check_completeness(log.current_as_of(date(2026, 3, 1)), &[], date(2026, 3, 1))
                .is_complete()
        );
    }
}
