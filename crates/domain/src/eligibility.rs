//! From the record to the policy engine: the patient's current facts, as of a date, in
//! the vocabulary of the policy fact catalogue (docs/facts.md), so any policy can be
//! evaluated against the record. Each policy fact keeps the date of the record fact it
//! came from (recency rules need it) and a provenance line.

use diapath_policy::{FactRecord, FactValue as P, Facts, catalogue};
use jiff::ToSpan;
use jiff::civil::Date;

use crate::facts::{
    Attestation, AwarenessScale, Device, DiabetesType, EducationProgramme, FactLog, FactValue,
    PregnancyStatus, Source,
};
use crate::patient::Patient;

/// The policy facts of `patient` as known on `on` (facts observed later are left out;
/// superseded facts are replaced by their corrections).
pub fn policy_facts(patient: &Patient, log: &FactLog, on: Date) -> Facts {
    let mut facts = Facts::new();
    let mut add = |name: &str, value: P, date: Date, provenance: String| {
        if let Some(id) = catalogue::lookup(name) {
            facts.add(
                id,
                FactRecord {
                    value,
                    date,
                    provenance,
                },
            );
        }
    };
    add(
        "date_of_birth",
        P::Date(patient.date_of_birth),
        patient.date_of_birth,
        "patient record".to_owned(),
    );
    add(
        "under_specialist_team",
        P::Bool(true),
        on,
        format!("registered with {}", patient.specialist_team.as_str()),
    );

    let current = log.current_as_of(on);
    let year_ago = on.checked_sub(12.months()).unwrap_or(on);
    let mut severe_12m = 0i64;
    let mut admissions_12m = 0i64;
    let mut history: Option<(Date, u16)> = None;
    let mut devices: Vec<(Device, Date)> = Vec::new();
    for fact in &current {
        let date = fact.observed_on;
        let from = source_words(&fact.provenance.source);
        match &fact.value {
            FactValue::Diagnosis { diabetes_type } => {
                let code = match diabetes_type {
                    DiabetesType::Type1 => "T1",
                    DiabetesType::Type2 => "T2",
                    DiabetesType::CysticFibrosisRelated => "CFRD",
                    DiabetesType::Gestational | DiabetesType::Other => "other",
                };
                add("diabetes_type", P::Choice(code), date, from);
            }
            FactValue::Hba1c { value } => {
                add("hba1c_mmol_mol", P::Int(i64::from(value.get())), date, from);
            }
            FactValue::SevereHypo { admission } => {
                if date > year_ago {
                    severe_12m += 1;
                    if *admission {
                        admissions_12m += 1;
                    }
                }
            }
            FactValue::SevereHypoHistory { episodes_past_year } => {
                if history.is_none_or(|(d, _)| date >= d) {
                    history = Some((date, *episodes_past_year));
                }
            }
            FactValue::Awareness { score } => {
                let name = match score.scale() {
                    AwarenessScale::Gold => "gold_score",
                    AwarenessScale::Clarke => "clarke_score",
                };
                add(name, P::Int(i64::from(score.score())), date, from);
            }
            FactValue::Pregnancy { status } => {
                add(
                    "pregnant",
                    P::Bool(*status == PregnancyStatus::Pregnant),
                    date,
                    from.clone(),
                );
                add(
                    "planning_pregnancy",
                    P::Bool(*status == PregnancyStatus::PlanningPregnancy),
                    date,
                    from,
                );
            }
            FactValue::StructuredEducation {
                programme,
                completed_on,
                ..
            } => {
                let code = match programme {
                    EducationProgramme::Dafne => "DAFNE",
                    EducationProgramme::Bertie => "BERTIE",
                    EducationProgramme::Desmond => "DESMOND",
                    EducationProgramme::Xpert => "XPERT",
                    EducationProgramme::Other => "other",
                };
                add("education_offered", P::Bool(true), date, from.clone());
                add("education_programme", P::Choice(code), date, from.clone());
                if let Some(done) = completed_on {
                    add("education_completed_date", P::Date(*done), date, from);
                }
            }
            FactValue::DeviceInUse {
                device,
                since,
                until,
            } => {
                if until.is_none_or(|u| u > on) {
                    devices.push((*device, *since));
                }
            }
            FactValue::Attestation { attestation, holds } => {
                add(attestation_fact(*attestation), P::Bool(*holds), date, from);
            }
            FactValue::CgmSummary(s) => {
                let to = s.to;
                if let Some(v) = s.time_in_range_percent {
                    add("time_in_range_pct", P::Number(v), to, from.clone());
                }
                if let Some(v) = s.time_below_range_percent {
                    add("time_below_range_pct", P::Number(v), to, from.clone());
                }
                if let Some(v) = s.sensor_wear_percent {
                    add("sensor_wear_pct", P::Number(v), to, from.clone());
                }
                if let Some(v) = s.scans_per_day {
                    add("scans_per_day", P::Number(v), to, from);
                }
            }
        }
    }
    // Severe hypos in the last 12 months: episodes on record, or the recorded history
    // if it says more (a history taken at clinic counts episodes never recorded singly).
    let history_count = history
        .filter(|(d, _)| *d > year_ago)
        .map_or(0, |(_, n)| i64::from(n));
    add(
        "severe_hypos_12m",
        P::Int(severe_12m.max(history_count)),
        on,
        "counted from the record".to_owned(),
    );
    add(
        "dka_or_hypo_admissions_12m",
        P::Int(admissions_12m),
        on,
        "counted from the record".to_owned(),
    );
    let uses = |d: Device| devices.iter().any(|(x, _)| *x == d);
    for (name, device) in [
        ("uses_csii", Device::InsulinPump),
        ("uses_rtcgm", Device::RtCgm),
        ("uses_iscgm", Device::IsCgm),
        ("uses_hcl", Device::HybridClosedLoop),
        ("on_mdi", Device::Mdi),
    ] {
        add(
            name,
            P::Bool(uses(device)),
            on,
            "devices on record".to_owned(),
        );
    }
    let insulin = uses(Device::Mdi) || uses(Device::InsulinPump) || uses(Device::HybridClosedLoop);
    let type_1 = current.iter().any(|f| {
        matches!(
            f.value,
            FactValue::Diagnosis {
                diabetes_type: DiabetesType::Type1
            }
        )
    });
    add(
        "insulin_treated",
        P::Bool(insulin || type_1),
        on,
        "devices and diagnosis on record".to_owned(),
    );
    facts
}

/// The record evidence a policy's `required_evidence` asks for before submission, as
/// the domain's completeness check counts it. Facts with no record counterpart (e.g.
/// cohort membership, a signed contract) are left to the policy evaluation, which
/// reports them as evidence to collect.
pub fn required_evidence(
    policy: &diapath_policy::Policy,
) -> Vec<crate::evidence::EvidenceRequirement> {
    use crate::evidence::EvidenceRequirement;
    use crate::facts::EvidenceKind as K;
    let mut out: Vec<EvidenceRequirement> = Vec::new();
    for fact in &policy.required_evidence {
        let name = fact.name();
        let kind = match name {
            "diabetes_type" => Some(K::Diagnosis),
            "hba1c_mmol_mol" | "hba1c_baseline_mmol_mol" => Some(K::Hba1c),
            "severe_hypos_12m" | "dka_or_hypo_admissions_12m" => Some(K::SevereHypos),
            "gold_score" | "gold_score_baseline" => Some(K::Awareness(AwarenessScale::Gold)),
            "clarke_score" => Some(K::Awareness(AwarenessScale::Clarke)),
            "pregnant" | "planning_pregnancy" => Some(K::Pregnancy),
            "education_offered" | "education_programme" | "education_completed_date" => {
                Some(K::StructuredEducation)
            }
            "uses_csii" | "uses_rtcgm" | "uses_iscgm" | "uses_hcl" | "on_mdi" => {
                Some(K::DevicesInUse)
            }
            "time_in_range_pct" | "time_below_range_pct" | "sensor_wear_pct" | "scans_per_day" => {
                Some(K::CgmSummary)
            }
            other => ATTESTATIONS
                .iter()
                .find(|a| attestation_fact(**a) == other)
                .map(|a| K::Attestation(*a)),
        };
        if let Some(kind) = kind {
            let requirement = EvidenceRequirement::any(kind);
            if !out.contains(&requirement) {
                out.push(requirement);
            }
        }
    }
    out
}

/// Whether a policy keeps its device with specialist teams (no primary-care prescribing
/// or monitoring), which the permission function enforces on the request.
pub fn specialist_only(policy: &diapath_policy::Policy) -> bool {
    policy
        .prescribing
        .as_ref()
        .is_some_and(|p| !p.primary_care_prescribing || !p.primary_care_monitoring)
}

/// The technology a request under `policy` asks for (a policy offering "CGM" asks for
/// real-time CGM; isCGM is the alternative the clinician may choose).
pub fn technology(policy: &diapath_policy::Policy) -> crate::request::Technology {
    use crate::request::Technology as T;
    use diapath_policy::policy::Technology as P;
    match policy.technology {
        P::IsCgm => T::IsCgm,
        P::RtCgm | P::Cgm => T::RtCgm,
        P::Csii => T::InsulinPump,
        P::Hcl => T::HybridClosedLoop,
    }
}

const ATTESTATIONS: [Attestation; 12] = [
    Attestation::DisablingHypoglycaemia,
    Attestation::MdiHighLevelOfCare,
    Attestation::MdiImpracticalOrInappropriate,
    Attestation::BestPossibleManagement,
    Attestation::MdtOccupationalOrPsychosocial,
    Attestation::CannotSelfMonitorDueToCondition,
    Attestation::NeedsCarerOrHcpForMonitoring,
    Attestation::PriorSelfFunderImproved,
    Attestation::CompetentInsulinDosing,
    Attestation::AbleToUseDevice,
    Attestation::ProblematicSevereHypoglycaemia,
    Attestation::UnstableGlucose,
];

fn attestation_fact(a: Attestation) -> &'static str {
    match a {
        Attestation::DisablingHypoglycaemia => "disabling_hypoglycaemia",
        Attestation::MdiHighLevelOfCare => "mdi_high_level_of_care",
        Attestation::MdiImpracticalOrInappropriate => "mdi_impractical_or_inappropriate",
        Attestation::BestPossibleManagement => "best_possible_management",
        Attestation::MdtOccupationalOrPsychosocial => "mdt_occupational_or_psychosocial",
        Attestation::CannotSelfMonitorDueToCondition => "cannot_self_monitor_due_to_condition",
        Attestation::NeedsCarerOrHcpForMonitoring => "needs_carer_or_hcp_for_monitoring",
        Attestation::PriorSelfFunderImproved => "prior_self_funder_improved",
        Attestation::CompetentInsulinDosing => "competent_insulin_dosing",
        Attestation::AbleToUseDevice => "able_to_use_device",
        Attestation::ProblematicSevereHypoglycaemia => "problematic_severe_hypoglycaemia",
        Attestation::UnstableGlucose => "unstable_glucose",
    }
}

fn source_words(source: &Source) -> String {
    match source {
        Source::Laboratory => "laboratory".to_owned(),
        Source::SpecialistRecord => "specialist record".to_owned(),
        Source::GpRecord => "GP record".to_owned(),
        Source::PatientReported => "patient reported".to_owned(),
        Source::DeviceData { platform } => format!("{platform} data"),
        Source::EducationProvider => "education provider".to_owned(),
        Source::ClinicianJudgement => "clinician attestation".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_attestation_names_a_catalogue_fact() {
        for a in ATTESTATIONS {
            assert!(
                catalogue::lookup(attestation_fact(a)).is_some(),
                "{a:?} has no catalogue fact"
            );
        }
        for name in [
            "date_of_birth",
            "under_specialist_team",
            "diabetes_type",
            "hba1c_mmol_mol",
            "gold_score",
            "clarke_score",
            "pregnant",
            "planning_pregnancy",
            "education_offered",
            "education_programme",
            "education_completed_date",
            "time_in_range_pct",
            "time_below_range_pct",
            "sensor_wear_pct",
            "scans_per_day",
            "severe_hypos_12m",
            "dka_or_hypo_admissions_12m",
            "uses_csii",
            "uses_rtcgm",
            "uses_iscgm",
            "uses_hcl",
            "on_mdi",
            "insulin_treated",
        ] {
            assert!(
                catalogue::lookup(name).is_some(),
                "{name} not in the catalogue"
            );
        }
    }
}
