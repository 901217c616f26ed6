//! Clinical facts with provenance, kept in an append-only log.
//!
//! A fact is never edited or deleted: a correction is a new fact that supersedes the old
//! one with a reason, so a decision made on the old value can still be explained.

use std::fmt;

use diapath_glucose::metrics::Metrics;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::{DomainError, PatientId, UserId};

/// A fact's position in its patient's log, assigned in order from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FactId(u32);

impl FactId {
    /// Wraps a stored id.
    pub const fn new(id: u32) -> Self {
        Self(id)
    }

    /// The id.
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for FactId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// HbA1c in whole mmol/mol (IFCC), as UK laboratories report it (NICE NG28 1.5.2).
/// Rules compare against the mmol/mol figure printed in their source, never a % value
/// (eligibility-criteria §9: 69 mmol/mol is 8.46 %, not 8.5 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct Hba1cMmolPerMol(u16);

impl Hba1cMmolPerMol {
    /// Checks the plausible range 20–200 mmol/mol.
    pub fn new(value: u16) -> Result<Self, DomainError> {
        if (20..=200).contains(&value) {
            Ok(Self(value))
        } else {
            Err(DomainError::Hba1c(value))
        }
    }

    /// The value in mmol/mol.
    pub fn get(self) -> u16 {
        self.0
    }
}

impl TryFrom<u16> for Hba1cMmolPerMol {
    type Error = DomainError;
    fn try_from(v: u16) -> Result<Self, Self::Error> {
        Self::new(v)
    }
}

impl From<Hba1cMmolPerMol> for u16 {
    fn from(v: Hba1cMmolPerMol) -> Self {
        v.0
    }
}

/// Type of diabetes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiabetesType {
    /// Type 1 (SNOMED CT 46635009).
    Type1,
    /// Type 2 (SNOMED CT 44054006).
    Type2,
    /// Cystic-fibrosis-related diabetes.
    CysticFibrosisRelated,
    /// Gestational diabetes.
    Gestational,
    /// Another type (MODY, pancreatic…).
    Other,
}

/// A hypoglycaemia awareness questionnaire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwarenessScale {
    /// Gold score: one question, 1 (always aware) to 7 (never aware).
    Gold,
    /// Clarke score: count of "reduced" answers, 0–8.
    Clarke,
}

impl AwarenessScale {
    /// Lowest and highest score on the scale.
    pub fn bounds(self) -> (u8, u8) {
        match self {
            Self::Gold => (1, 7),
            Self::Clarke => (0, 8),
        }
    }

    /// The scale's name.
    pub fn text(self) -> &'static str {
        match self {
            Self::Gold => "Gold",
            Self::Clarke => "Clarke",
        }
    }
}

/// A score on an awareness scale; ≥4 means impaired awareness on both
/// (eligibility-criteria §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "AwarenessScoreRaw", into = "AwarenessScoreRaw")]
pub struct AwarenessScore {
    scale: AwarenessScale,
    score: u8,
}

/// The wire shape of [`AwarenessScore`], checked on the way in.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct AwarenessScoreRaw {
    /// The scale.
    pub scale: AwarenessScale,
    /// The score.
    pub score: u8,
}

impl AwarenessScore {
    /// Checks the score against the scale's bounds.
    pub fn new(scale: AwarenessScale, score: u8) -> Result<Self, DomainError> {
        let (min, max) = scale.bounds();
        if (min..=max).contains(&score) {
            Ok(Self { scale, score })
        } else {
            Err(DomainError::AwarenessScore {
                scale: scale.text(),
                score,
                min,
                max,
            })
        }
    }

    /// The scale.
    pub fn scale(self) -> AwarenessScale {
        self.scale
    }

    /// The score.
    pub fn score(self) -> u8 {
        self.score
    }

    /// Whether the score shows impaired awareness (≥4 on Gold or Clarke).
    pub fn impaired(self) -> bool {
        self.score >= 4
    }
}

impl TryFrom<AwarenessScoreRaw> for AwarenessScore {
    type Error = DomainError;
    fn try_from(raw: AwarenessScoreRaw) -> Result<Self, Self::Error> {
        Self::new(raw.scale, raw.score)
    }
}

impl From<AwarenessScore> for AwarenessScoreRaw {
    fn from(s: AwarenessScore) -> Self {
        Self {
            scale: s.scale,
            score: s.score,
        }
    }
}

/// Pregnancy status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PregnancyStatus {
    /// Pregnant now.
    Pregnant,
    /// Planning pregnancy (TA943 §1.3 counts this).
    PlanningPregnancy,
    /// Neither.
    NotPregnant,
}

/// A structured education programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EducationProgramme {
    /// DAFNE (type 1, 5 days).
    Dafne,
    /// BERTIE (type 1).
    Bertie,
    /// DESMOND (type 2, 6 hours).
    Desmond,
    /// X-PERT (type 2, six weekly sessions).
    Xpert,
    /// Another programme the local policy accepts.
    Other,
}

/// A diabetes device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Device {
    /// Intermittently scanned CGM (flash).
    IsCgm,
    /// Real-time CGM.
    RtCgm,
    /// Insulin pump (CSII).
    InsulinPump,
    /// Hybrid closed loop.
    HybridClosedLoop,
    /// Multiple daily injections (recorded so "on MDI" is a fact like the others).
    Mdi,
}

/// A judgement only a clinician can make, recorded as a signed statement. Names follow
/// the fact catalogue in eligibility-criteria "Encodable rules".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attestation {
    /// Disabling hypoglycaemia as TA151 §1.1 defines it.
    DisablingHypoglycaemia,
    /// MDI tried with a high level of care (TA151 §1.1).
    MdiHighLevelOfCare,
    /// MDI impractical or inappropriate (TA151 §1.2).
    MdiImpracticalOrInappropriate,
    /// Best possible management tried (TA943 §1.1).
    BestPossibleManagement,
    /// Occupational or psychosocial circumstances justify a trial (NHS England flash 2019).
    MdtOccupationalOrPsychosocial,
    /// A condition or disability stops the person self-monitoring (NG28).
    CannotSelfMonitorDueToCondition,
    /// A carer or professional would otherwise monitor glucose (NG28, QS209).
    NeedsCarerOrHcpForMonitoring,
    /// A former self-funder whose HbA1c improved (NHS England flash 2019).
    PriorSelfFunderImproved,
    /// Competent in insulin dosing (TA943 §1.5).
    CompetentInsulinDosing,
    /// Able to use the device safely (TA943 §1.5).
    AbleToUseDevice,
    /// Problematic severe hypoglycaemia.
    ProblematicSevereHypoglycaemia,
    /// Unstable glucose.
    UnstableGlucose,
}

/// CGM summary over a window, derived from imported readings with
/// `diapath_glucose::metrics::compute`. Kept as a fact so decisions can cite it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CgmSummary {
    /// First day of the window.
    pub from: Date,
    /// Last day of the window.
    pub to: Date,
    /// Readings used.
    pub readings: usize,
    /// Mean glucose, mg/dL.
    pub mean_mg_dl: Option<f64>,
    /// GMI, %.
    pub gmi_percent: Option<f64>,
    /// Time in range 70–180 mg/dL, %.
    pub time_in_range_percent: Option<f64>,
    /// Time below range <70 mg/dL, %.
    pub time_below_range_percent: Option<f64>,
    /// Sensor wear (% of the window with data).
    pub sensor_wear_percent: Option<f64>,
    /// Scans per day (flash only; from the vendor report, not derivable from readings).
    pub scans_per_day: Option<f64>,
}

impl CgmSummary {
    /// Summarises computed metrics for the window `from..=to`. `sensor_wear_percent` and
    /// `scans_per_day` come from the caller when the metrics cannot give them.
    pub fn from_metrics(
        metrics: &Metrics,
        from: Date,
        to: Date,
        sensor_wear_percent: Option<f64>,
        scans_per_day: Option<f64>,
    ) -> Self {
        Self {
            from,
            to,
            readings: metrics.readings,
            mean_mg_dl: metrics.mean,
            gmi_percent: metrics.gmi_percent,
            time_in_range_percent: metrics.ranges.map(|r| r.from_70_to_180),
            time_below_range_percent: metrics.ranges.map(|r| r.below_54 + r.from_54_to_69),
            sensor_wear_percent: metrics.active_percent.or(sensor_wear_percent),
            scans_per_day,
        }
    }
}

/// What a fact says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum FactValue {
    /// A diagnosis of diabetes and its type.
    Diagnosis {
        /// Type of diabetes.
        diabetes_type: DiabetesType,
    },
    /// An HbA1c result; the fact's `observed_on` is the sample date.
    Hba1c {
        /// The result.
        value: Hba1cMmolPerMol,
    },
    /// A severe hypoglycaemia episode (needed another person's help; ADA level 3).
    SevereHypo {
        /// Whether it led to a hospital admission or ambulance call-out.
        admission: bool,
    },
    /// A severe hypoglycaemia history taken at a consultation: how many episodes in the
    /// past 12 months. Records "none" as evidence, which per-episode facts cannot.
    SevereHypoHistory {
        /// Episodes in the 12 months before `observed_on`.
        episodes_past_year: u16,
    },
    /// A hypoglycaemia awareness score.
    Awareness {
        /// The score.
        score: AwarenessScore,
    },
    /// Pregnancy status.
    Pregnancy {
        /// The status.
        status: PregnancyStatus,
    },
    /// Structured education attended.
    StructuredEducation {
        /// The programme.
        programme: EducationProgramme,
        /// Sessions attended.
        sessions_attended: u8,
        /// Sessions in the course.
        sessions_total: u8,
        /// The date the course was completed, if it was.
        completed_on: Option<Date>,
    },
    /// A device in use since a date (and until one, if stopped).
    DeviceInUse {
        /// The device.
        device: Device,
        /// In use since.
        since: Date,
        /// Stopped on.
        until: Option<Date>,
    },
    /// A clinician's attestation, true or false.
    Attestation {
        /// What is attested.
        attestation: Attestation,
        /// Whether it holds.
        holds: bool,
    },
    /// A CGM summary.
    CgmSummary(CgmSummary),
}

impl FactValue {
    /// The kind of evidence this fact is.
    pub fn evidence_kind(&self) -> EvidenceKind {
        match self {
            Self::Diagnosis { .. } => EvidenceKind::Diagnosis,
            Self::Hba1c { .. } => EvidenceKind::Hba1c,
            Self::SevereHypo { .. } | Self::SevereHypoHistory { .. } => EvidenceKind::SevereHypos,
            Self::Awareness { score } => EvidenceKind::Awareness(score.scale()),
            Self::Pregnancy { .. } => EvidenceKind::Pregnancy,
            Self::StructuredEducation { .. } => EvidenceKind::StructuredEducation,
            Self::DeviceInUse { .. } => EvidenceKind::DevicesInUse,
            Self::Attestation { attestation, .. } => EvidenceKind::Attestation(*attestation),
            Self::CgmSummary(_) => EvidenceKind::CgmSummary,
        }
    }

    /// Checks the value's internal consistency.
    fn check(&self) -> Result<(), DomainError> {
        match self {
            Self::StructuredEducation {
                sessions_attended,
                sessions_total,
                ..
            } if sessions_attended > sessions_total => Err(DomainError::EducationSessions {
                attended: *sessions_attended,
                total: *sessions_total,
            }),
            Self::DeviceInUse {
                since,
                until: Some(until),
                ..
            } if until < since => Err(DomainError::DateOrder),
            Self::CgmSummary(s) if s.to < s.from => Err(DomainError::DateOrder),
            Self::CgmSummary(s) => {
                for p in [
                    s.time_in_range_percent,
                    s.time_below_range_percent,
                    s.sensor_wear_percent,
                ]
                .into_iter()
                .flatten()
                {
                    if !(0.0..=100.0).contains(&p) {
                        return Err(DomainError::Percent(p));
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// A kind of evidence a policy can require: the completeness check's vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// A diagnosis.
    Diagnosis,
    /// An HbA1c result.
    Hba1c,
    /// The severe hypo history: a recorded episode or a history taken.
    SevereHypos,
    /// An awareness score on the given scale.
    Awareness(AwarenessScale),
    /// Pregnancy status.
    Pregnancy,
    /// Structured education.
    StructuredEducation,
    /// Devices in use.
    DevicesInUse,
    /// A specific clinician attestation.
    Attestation(Attestation),
    /// A CGM summary.
    CgmSummary,
}

/// Where a fact came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A laboratory result.
    Laboratory,
    /// The specialist team's clinical record.
    SpecialistRecord,
    /// The GP record.
    GpRecord,
    /// The patient or carer said so.
    PatientReported,
    /// A device platform export or upload (LibreView, Clarity, CareLink, Nightscout).
    DeviceData {
        /// The platform.
        platform: String,
    },
    /// A structured education provider's attendance record.
    EducationProvider,
    /// A clinician's own judgement (attestations).
    ClinicianJudgement,
}

/// Who recorded a fact, when, and from where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The user who recorded it.
    pub recorded_by: UserId,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// Where it came from.
    pub source: Source,
}

/// A fact to add to the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewFact {
    /// The date the fact is about (sample date, episode date, score date…).
    pub observed_on: Date,
    /// What it says.
    pub value: FactValue,
    /// Who recorded it, when, from where.
    pub provenance: Provenance,
}

/// Which fact a correction replaces, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supersession {
    /// The fact replaced.
    pub fact: FactId,
    /// Why.
    pub reason: String,
}

/// A recorded fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    /// Position in the log.
    pub id: FactId,
    /// The patient it is about.
    pub patient: PatientId,
    /// The date the fact is about.
    pub observed_on: Date,
    /// What it says.
    pub value: FactValue,
    /// Who recorded it, when, from where.
    pub provenance: Provenance,
    /// The fact this one corrects, if it is a correction.
    pub supersedes: Option<Supersession>,
}

/// One patient's facts, append-only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactLog {
    patient: PatientId,
    facts: Vec<Fact>,
}

impl FactLog {
    /// An empty log for `patient`.
    pub fn new(patient: PatientId) -> Self {
        Self {
            patient,
            facts: Vec::new(),
        }
    }

    /// The patient.
    pub fn patient(&self) -> PatientId {
        self.patient
    }

    /// Every fact ever recorded, superseded ones included, in order.
    pub fn all(&self) -> &[Fact] {
        &self.facts
    }

    /// The fact with `id`.
    pub fn get(&self, id: FactId) -> Option<&Fact> {
        self.facts.iter().find(|f| f.id == id)
    }

    /// The fact that supersedes `id`, if any.
    pub fn superseded_by(&self, id: FactId) -> Option<&Fact> {
        self.facts
            .iter()
            .find(|f| f.supersedes.as_ref().is_some_and(|s| s.fact == id))
    }

    /// Appends a fact and returns its id.
    pub fn record(&mut self, fact: NewFact) -> Result<FactId, DomainError> {
        self.push(fact, None)
    }

    /// Appends `correction`, superseding `old` for `reason`. The old fact stays in the log.
    /// The correction must be the same kind of fact; a fact can be superseded once (then
    /// correct the correction).
    pub fn supersede(
        &mut self,
        old: FactId,
        correction: NewFact,
        reason: &str,
    ) -> Result<FactId, DomainError> {
        if reason.trim().is_empty() {
            return Err(DomainError::Empty("reason for the correction"));
        }
        let previous = self.get(old).ok_or(DomainError::FactNotFound(old))?;
        if let Some(by) = self.superseded_by(old) {
            return Err(DomainError::AlreadySuperseded { old, by: by.id });
        }
        if previous.value.evidence_kind() != correction.value.evidence_kind() {
            return Err(DomainError::CorrectionMismatch);
        }
        self.push(
            correction,
            Some(Supersession {
                fact: old,
                reason: reason.trim().to_owned(),
            }),
        )
    }

    fn push(
        &mut self,
        fact: NewFact,
        supersedes: Option<Supersession>,
    ) -> Result<FactId, DomainError> {
        fact.value.check()?;
        let id = FactId(u32::try_from(self.facts.len() + 1).unwrap_or(u32::MAX));
        self.facts.push(Fact {
            id,
            patient: self.patient,
            observed_on: fact.observed_on,
            value: fact.value,
            provenance: fact.provenance,
            supersedes,
        });
        Ok(id)
    }

    /// The current facts as of `on`: observed on or before `on` and not superseded by
    /// any correction. A correction fixes a mistake, so it replaces the old value for
    /// every date, not only after it was made. Decisions keep their own snapshot, so the
    /// facts a past decision used remain available from the decision itself.
    pub fn current_as_of(&self, on: Date) -> Vec<&Fact> {
        self.facts
            .iter()
            .filter(|f| f.observed_on <= on && self.superseded_by(f.id).is_none())
            .collect()
    }

    /// The latest current HbA1c observed on or before `on`.
    pub fn latest_hba1c(&self, on: Date) -> Option<(Date, Hba1cMmolPerMol)> {
        self.current_as_of(on)
            .into_iter()
            .filter_map(|f| match f.value {
                FactValue::Hba1c { value } => Some((f.observed_on, value)),
                _ => None,
            })
            .max_by_key(|(d, _)| *d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn by() -> Provenance {
        Provenance {
            recorded_by: UserId::new(7),
            recorded_at: Timestamp::from_second(1_800_000_000).unwrap(),
            source: Source::Laboratory,
        }
    }

    fn hba1c(on: Date, v: u16) -> NewFact {
        NewFact {
            observed_on: on,
            value: FactValue::Hba1c {
                value: Hba1cMmolPerMol::new(v).unwrap(),
            },
            provenance: by(),
        }
    }

    #[test]
    fn supersession_keeps_the_old_fact_and_hides_it_from_current() {
        let mut log = FactLog::new(PatientId::new(1));
        let first = log.record(hba1c(date(2026, 1, 10), 75)).unwrap();
        let other = log.record(hba1c(date(2026, 3, 1), 70)).unwrap();
        let fixed = log
            .supersede(
                first,
                hba1c(date(2026, 1, 10), 57),
                "transcribed from wrong patient",
            )
            .unwrap();
        assert_eq!(log.all().len(), 3);
        assert_eq!(log.superseded_by(first).unwrap().id, fixed);
        let current: Vec<FactId> = log
            .current_as_of(date(2026, 6, 1))
            .iter()
            .map(|f| f.id)
            .collect();
        assert_eq!(current, vec![other, fixed]);
        // As of February only the corrected January result counts.
        let feb: Vec<FactId> = log
            .current_as_of(date(2026, 2, 1))
            .iter()
            .map(|f| f.id)
            .collect();
        assert_eq!(feb, vec![fixed]);
        assert_eq!(log.latest_hba1c(date(2026, 2, 1)).unwrap().1.get(), 57);
        assert_eq!(log.latest_hba1c(date(2026, 6, 1)).unwrap().1.get(), 70);
        assert_eq!(log.latest_hba1c(date(2025, 6, 1)), None);
    }

    #[test]
    fn supersession_rules() {
        let mut log = FactLog::new(PatientId::new(1));
        let first = log.record(hba1c(date(2026, 1, 10), 75)).unwrap();
        assert_eq!(
            log.supersede(first, hba1c(date(2026, 1, 10), 74), "  "),
            Err(DomainError::Empty("reason for the correction"))
        );
        assert_eq!(
            log.supersede(FactId::new(9), hba1c(date(2026, 1, 10), 74), "typo"),
            Err(DomainError::FactNotFound(FactId::new(9)))
        );
        let wrong_kind = NewFact {
            observed_on: date(2026, 1, 10),
            value: FactValue::Pregnancy {
                status: PregnancyStatus::Pregnant,
            },
            provenance: by(),
        };
        assert_eq!(
            log.supersede(first, wrong_kind, "typo"),
            Err(DomainError::CorrectionMismatch)
        );
        let second = log
            .supersede(first, hba1c(date(2026, 1, 10), 74), "typo")
            .unwrap();
        assert_eq!(
            log.supersede(first, hba1c(date(2026, 1, 10), 73), "again"),
            Err(DomainError::AlreadySuperseded {
                old: first,
                by: second
            })
        );
        // Correcting the correction is allowed.
        assert!(
            log.supersede(second, hba1c(date(2026, 1, 10), 73), "again")
                .is_ok()
        );
        assert_eq!(log.current_as_of(date(2026, 2, 1)).len(), 1);
    }

    #[test]
    fn cgm_summary_from_metrics() {
        use diapath_glucose::metrics::{MetricOptions, compute};
        use diapath_glucose::{Censoring, GlucoseMgDl, Reading, Trace};
        let readings = [60.0, 100.0, 150.0, 200.0]
            .iter()
            .enumerate()
            .map(|(i, &g)| {
                let t = Timestamp::from_second(300 * i as i64).unwrap();
                let local = t.to_zoned(jiff::tz::TimeZone::UTC).datetime();
                Reading::new(t, local, GlucoseMgDl::new(g).unwrap(), Censoring::Exact)
            })
            .collect();
        let metrics = compute(&Trace::new("p", readings).0, &MetricOptions::default());
        let s = CgmSummary::from_metrics(
            &metrics,
            date(2026, 1, 1),
            date(2026, 1, 14),
            Some(90.0),
            None,
        );
        assert_eq!(s.readings, 4);
        assert_eq!(s.time_in_range_percent, Some(50.0));
        assert_eq!(s.time_below_range_percent, Some(25.0));
        // Four readings 5 minutes apart: the CGM was active all the time; the caller's
        // estimate is only a fallback for when the metrics cannot say.
        assert_eq!(s.sensor_wear_percent, Some(100.0));
        let mut log = FactLog::new(PatientId::new(1));
        let mut bad = s.clone();
        bad.to = date(2025, 1, 1);
        let fact = |s| NewFact {
            observed_on: date(2026, 1, 14),
            value: FactValue::CgmSummary(s),
            provenance: by(),
        };
        assert_eq!(log.record(fact(bad)), Err(DomainError::DateOrder));
        assert!(log.record(fact(s)).is_ok());
    }

    #[test]
    fn values_are_checked() {
        assert!(Hba1cMmolPerMol::new(19).is_err() && Hba1cMmolPerMol::new(201).is_err());
        assert!(AwarenessScore::new(AwarenessScale::Gold, 0).is_err());
        assert!(AwarenessScore::new(AwarenessScale::Clarke, 0).is_ok());
        assert!(
            AwarenessScore::new(AwarenessScale::Gold, 4)
                .unwrap()
                .impaired()
        );
        let mut log = FactLog::new(PatientId::new(1));
        let course = NewFact {
            observed_on: date(2026, 1, 10),
            value: FactValue::StructuredEducation {
                programme: EducationProgramme::Dafne,
                sessions_attended: 6,
                sessions_total: 5,
                completed_on: None,
            },
            provenance: by(),
        };
        assert!(log.record(course).is_err());
        assert!(serde_json::from_str::<AwarenessScore>(r#"{"scale":"gold","score":9}"#).is_err());
    }
}
