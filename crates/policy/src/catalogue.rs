//! The fact catalogue: every patient fact a policy may test, with its type, unit and plain
//! English name. Policies naming a fact outside this list are rejected when loaded.
//!
//! Names and types follow ../shared/reference/eligibility-criteria.md ("Encodable rules").
//! HbA1c is whole mmol/mol (NICE NG28 1.5.2); percentages are 0–100.

/// What kind of value a fact holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FactKind {
    /// Yes or no.
    Bool,
    /// A clinician's yes-or-no judgement that the guidance leaves to them (for example
    /// TA151's "disabling hypoglycaemia", which has no numeric threshold).
    Attestation,
    /// A whole number within `min..=max`, in `unit`.
    Int {
        /// Unit shown after values ("mmol/mol", "years", "" for counts).
        unit: &'static str,
        /// Smallest valid value.
        min: i64,
        /// Largest valid value.
        max: i64,
    },
    /// A decimal number within `min..=max`, in `unit`.
    Number {
        /// Unit shown after values ("%", "a day").
        unit: &'static str,
        /// Smallest valid value.
        min: f64,
        /// Largest valid value.
        max: f64,
    },
    /// A calendar date (`YYYY-MM-DD`).
    Date,
    /// One of a fixed list of codes.
    Choice(&'static [&'static str]),
}

/// Whether a fact can change, which decides how "what would change it" words a gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutability {
    /// Can change with treatment, evidence or a clinician's judgement.
    Changeable,
    /// Only increases with time (age).
    GrowsWithTime,
    /// Does not change (diabetes type, date of birth).
    Fixed,
    /// Can change, but not something care aims to change (pregnancy, haemodialysis,
    /// membership of a commissioned cohort): never offered as a way to become eligible.
    Circumstance,
}

/// One entry of the catalogue.
#[derive(Debug)]
pub struct FactDef {
    /// The name used in policy and facts files (`hba1c_mmol_mol`).
    pub name: &'static str,
    /// Plain English name, lower case (`HbA1c`).
    pub label: &'static str,
    /// The value's type.
    pub kind: FactKind,
    /// Whether the value can change.
    pub mutability: Mutability,
}

/// The index of a fact in [`CATALOGUE`]: facts are looked up by number while evaluating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FactId(pub(crate) u16);

impl FactId {
    /// The catalogue entry.
    pub fn def(self) -> &'static FactDef {
        &CATALOGUE[usize::from(self.0)]
    }

    /// The fact's name.
    pub fn name(self) -> &'static str {
        self.def().name
    }

    /// Position in the catalogue.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// `date_of_birth`, first in the catalogue.
pub const DATE_OF_BIRTH: FactId = FactId(0);
/// `age_years`, derived from `date_of_birth` when not recorded.
pub const AGE_YEARS: FactId = FactId(1);

/// Finds a fact by name.
pub fn lookup(name: &str) -> Option<FactId> {
    CATALOGUE
        .iter()
        .position(|def| def.name == name)
        .and_then(|index| u16::try_from(index).ok())
        .map(FactId)
}

/// Diabetes types, as coded in facts files.
pub const DIABETES_TYPES: &[&str] = &["T1", "T2", "CFRD", "other"];
/// Structured education programmes (eligibility-criteria §8).
pub const EDUCATION_PROGRAMMES: &[&str] = &["DAFNE", "BERTIE", "DESMOND", "XPERT", "other"];

const fn b(name: &'static str, label: &'static str) -> FactDef {
    FactDef {
        name,
        label,
        kind: FactKind::Bool,
        mutability: Mutability::Changeable,
    }
}

const fn a(name: &'static str, label: &'static str) -> FactDef {
    FactDef {
        name,
        label,
        kind: FactKind::Attestation,
        mutability: Mutability::Changeable,
    }
}

const fn int(
    name: &'static str,
    label: &'static str,
    unit: &'static str,
    min: i64,
    max: i64,
) -> FactDef {
    FactDef {
        name,
        label,
        kind: FactKind::Int { unit, min, max },
        mutability: Mutability::Changeable,
    }
}

const fn num(
    name: &'static str,
    label: &'static str,
    unit: &'static str,
    min: f64,
    max: f64,
) -> FactDef {
    FactDef {
        name,
        label,
        kind: FactKind::Number { unit, min, max },
        mutability: Mutability::Changeable,
    }
}

const fn circumstance(name: &'static str, label: &'static str) -> FactDef {
    FactDef {
        name,
        label,
        kind: FactKind::Bool,
        mutability: Mutability::Circumstance,
    }
}

const fn date(name: &'static str, label: &'static str) -> FactDef {
    FactDef {
        name,
        label,
        kind: FactKind::Date,
        mutability: Mutability::Changeable,
    }
}

/// Every fact a policy may use. `age_years` may be given directly or derived from
/// `date_of_birth` on the evaluation date.
pub static CATALOGUE: &[FactDef] = &[
    // Demographics and clinical context.
    FactDef {
        name: "date_of_birth",
        label: "date of birth",
        kind: FactKind::Date,
        mutability: Mutability::Fixed,
    },
    FactDef {
        name: "age_years",
        label: "age",
        kind: FactKind::Int {
            unit: "years",
            min: 0,
            max: 130,
        },
        mutability: Mutability::GrowsWithTime,
    },
    FactDef {
        name: "diabetes_type",
        label: "diabetes type",
        kind: FactKind::Choice(DIABETES_TYPES),
        mutability: Mutability::Fixed,
    },
    b("insulin_treated", "treated with insulin"),
    b("on_mdi", "on multiple daily insulin injections (MDI)"),
    int(
        "mdi_injections_per_day",
        "insulin injections",
        "a day",
        0,
        20,
    ),
    circumstance("pregnant", "pregnant"),
    circumstance("planning_pregnancy", "planning pregnancy"),
    date("pregnancy_end_date", "date the pregnancy ended"),
    circumstance("on_haemodialysis", "on haemodialysis"),
    // Glycaemia.
    int("hba1c_mmol_mol", "HbA1c", "mmol/mol", 10, 250),
    int(
        "hba1c_baseline_mmol_mol",
        "baseline HbA1c",
        "mmol/mol",
        10,
        250,
    ),
    num(
        "time_in_range_pct",
        "time in range (3.9–10.0 mmol/L)",
        "%",
        0.0,
        100.0,
    ),
    num(
        "time_in_range_baseline_pct",
        "baseline time in range",
        "%",
        0.0,
        100.0,
    ),
    num(
        "time_below_range_pct",
        "time below range (<3.9 mmol/L)",
        "%",
        0.0,
        100.0,
    ),
    num(
        "time_below_range_baseline_pct",
        "baseline time below range",
        "%",
        0.0,
        100.0,
    ),
    // Hypoglycaemia.
    int(
        "severe_hypos_12m",
        "severe hypoglycaemia episodes (needing another person's help) in the 12 months to the record date",
        "",
        0,
        1000,
    ),
    num(
        "hypo_episodes_per_week",
        "hypoglycaemia episodes",
        "a week",
        0.0,
        100.0,
    ),
    num(
        "hypo_episodes_per_week_baseline",
        "baseline hypoglycaemia episodes",
        "a week",
        0.0,
        100.0,
    ),
    num(
        "asymptomatic_hypos_per_week",
        "asymptomatic hypoglycaemia episodes",
        "a week",
        0.0,
        100.0,
    ),
    a("recurrent_hypoglycaemia", "recurrent hypoglycaemia"),
    int(
        "gold_score",
        "Gold score (hypoglycaemia awareness, 1–7)",
        "",
        1,
        7,
    ),
    int("gold_score_baseline", "baseline Gold score", "", 1, 7),
    int(
        "clarke_score",
        "Clarke score (hypoglycaemia awareness)",
        "",
        0,
        8,
    ),
    a("fear_of_hypos", "extreme fear of hypoglycaemia"),
    int(
        "dka_or_hypo_admissions_12m",
        "admissions for DKA or hypoglycaemia in the 12 months to the record date",
        "",
        0,
        1000,
    ),
    int(
        "dka_or_hypo_admissions_12m_baseline",
        "baseline admissions for DKA or hypoglycaemia in 12 months",
        "",
        0,
        1000,
    ),
    // Clinician attestations.
    a("disabling_hypoglycaemia", "disabling hypoglycaemia"),
    a("mdi_high_level_of_care", "a high level of care on MDI"),
    a(
        "mdi_impractical_or_inappropriate",
        "MDI judged impractical or inappropriate",
    ),
    a("best_possible_management", "best possible management"),
    a(
        "mdt_occupational_or_psychosocial",
        "occupational or psychosocial circumstances justifying a trial",
    ),
    a(
        "cannot_self_monitor_due_to_condition",
        "a condition or disability that prevents finger-prick testing",
    ),
    a(
        "needs_carer_or_hcp_for_monitoring",
        "glucose monitoring would otherwise need a care worker or healthcare professional",
    ),
    a(
        "prior_self_funder_improved",
        "a previous self-funder who met a criterion and whose HbA1c improved",
    ),
    a("competent_insulin_dosing", "competence in insulin dosing"),
    a(
        "able_to_use_device",
        "the person (or their carer) is able to use the device",
    ),
    a(
        "problematic_severe_hypoglycaemia",
        "problematic severe hypoglycaemia",
    ),
    a("unstable_glucose", "unstable blood glucose"),
    a(
        "self_management_improved",
        "clear evidence of improvement in self-management",
    ),
    a(
        "distress_or_qol_improved",
        "lower diabetes distress or better quality of life",
    ),
    // Devices and usage.
    b("uses_csii", "uses an insulin pump (CSII)"),
    b("uses_rtcgm", "uses real-time CGM"),
    b("uses_iscgm", "uses flash (isCGM)"),
    b("uses_hcl", "uses hybrid closed loop"),
    date("device_start_date", "date the device was started"),
    num("sensor_wear_pct", "sensor wear", "%", 0.0, 100.0),
    num("scans_per_day", "sensor scans", "a day", 0.0, 1000.0),
    num(
        "smbg_per_day_observed_3m",
        "finger-prick tests (3-month meter-download average)",
        "a day",
        0.0,
        100.0,
    ),
    int(
        "smbg_per_day_advised",
        "finger-prick tests the person would otherwise be advised to do",
        "a day",
        0,
        100,
    ),
    a("unable_to_use_rtcgm", "unable to use real-time CGM"),
    b("prefers_iscgm", "clearly prefers flash (isCGM)"),
    // Service and education.
    b("under_specialist_team", "under a specialist diabetes team"),
    b(
        "mdt_trained_csii_cgm",
        "care from a trained multidisciplinary team experienced in pumps and CGM",
    ),
    b("education_offered", "offered approved structured education"),
    FactDef {
        name: "education_programme",
        label: "structured education programme",
        kind: FactKind::Choice(EDUCATION_PROGRAMMES),
        mutability: Mutability::Changeable,
    },
    date(
        "education_completed_date",
        "date structured education was completed",
    ),
    b(
        "trained_by_specialist_provider",
        "trained to use the device by a specialist provider",
    ),
    b(
        "carb_counting_competent",
        "competent in carbohydrate counting (DAFNE level or clinician-judged)",
    ),
    circumstance(
        "in_commissioned_cohort",
        "in the commissioner's pre-defined cohort",
    ),
    b("patient_contract_signed", "patient contract signed"),
    b("agreed_goals_set", "individual goals agreed at the start"),
    // Agreed goals (set per patient at the start of a trial).
    int(
        "agreed_hba1c_fall_mmol_mol",
        "agreed HbA1c fall",
        "mmol/mol",
        0,
        100,
    ),
    num(
        "agreed_hypo_rate_fall_per_week",
        "agreed fall in hypoglycaemia episodes",
        "a week",
        0.0,
        100.0,
    ),
    num(
        "agreed_time_in_range_rise_pct",
        "agreed rise in time in range",
        "percentage points",
        0.0,
        100.0,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_found() {
        for (index, def) in CATALOGUE.iter().enumerate() {
            let id = lookup(def.name).unwrap();
            assert_eq!(id.index(), index, "duplicate name {}", def.name);
        }
        assert!(lookup("hba1c").is_none());
        assert_eq!(DATE_OF_BIRTH.name(), "date_of_birth");
        assert_eq!(AGE_YEARS.name(), "age_years");
    }
}
