//! How domain values read on a page: request states as tags, policy outcomes, NHS
//! numbers in 3-3-4, dates, facts in words, and the policy engine's report as an
//! eligibility panel.

use diapath_domain::facts::{Fact, FactValue, Source};
use diapath_domain::{NhsNumber, Patient, RequestState};
use diapath_policy::Report;
use jiff::civil::Date;

use crate::views::content::{Colour, CriterionLine, EligibilityPanel, Tag};

/// `999 000 0018`.
pub fn nhs_number(n: &NhsNumber) -> String {
    let d = n.digits();
    if d.len() == 10 {
        format!("{} {} {}", &d[..3], &d[3..6], &d[6..])
    } else {
        d
    }
}

/// "Test Patient, NHS number 999 000 0018".
pub fn patient_caption(p: &Patient) -> String {
    format!("{}, NHS number {}", p.name, nhs_number(&p.nhs_number))
}

/// `3 May 2026`.
pub fn date(d: Date) -> String {
    d.strftime("%-d %b %Y").to_string()
}

/// A requested technology in words.
pub fn technology(t: diapath_domain::request::Technology) -> &'static str {
    use diapath_domain::request::Technology::*;
    match t {
        IsCgm => "Flash glucose monitoring (isCGM)",
        RtCgm => "Real-time CGM",
        InsulinPump => "Insulin pump",
        HybridClosedLoop => "Hybrid closed loop",
    }
}

/// A decision's outcome in words.
pub fn decision_words(o: diapath_domain::request::DecisionOutcome) -> &'static str {
    use diapath_domain::request::DecisionOutcome::*;
    match o {
        AutoApproved => "approved automatically",
        Approved => "approved",
        Refused => "refused",
        ReferredToCommissioner => "referred to the commissioner",
        ExceptionalCase => "sent as an exceptional case",
        Continued => "continued after review",
        Discontinued => "discontinued after review",
    }
}

/// A request state as a tag.
pub fn state_tag(s: RequestState) -> Tag {
    use RequestState::*;
    let (text, colour) = match s {
        Draft => ("Draft", Colour::Grey),
        Submitted => ("Submitted", Colour::Blue),
        AutoApproved => ("Approved (automatic)", Colour::Green),
        Approved => ("Approved", Colour::Green),
        Refused => ("Refused", Colour::Red),
        ReferredToCommissioner => ("With commissioner", Colour::Purple),
        ExceptionalCase => ("Exceptional case", Colour::Purple),
        TrialActive => ("Trial active", Colour::Blue),
        ReviewDue => ("Review due", Colour::Orange),
        Continued => ("Continued", Colour::Green),
        Discontinued => ("Discontinued", Colour::Grey),
        Withdrawn => ("Withdrawn", Colour::Grey),
        ReconsiderationRequested => ("Reconsideration requested", Colour::Yellow),
        Appealed => ("Appealed", Colour::Yellow),
    };
    Tag::new(text, colour)
}

/// A policy outcome code (`eligible`, `not-eligible`, `needs-evidence`) as a tag.
pub fn outcome_tag(code: &str) -> Tag {
    match code {
        "eligible" => Tag::new("Eligible", Colour::Green),
        "not-eligible" => Tag::new("Not eligible", Colour::Red),
        _ => Tag::new("Needs evidence", Colour::Yellow),
    }
}

/// The policy engine's report as a panel.
pub fn eligibility_panel(r: &Report) -> EligibilityPanel {
    EligibilityPanel {
        title: format!("{} (version {})", r.title, r.version),
        outcome: outcome_tag(r.outcome),
        criteria: r
            .criteria
            .iter()
            .map(|c| CriterionLine {
                text: c.text.clone(),
                status: match c.status {
                    "met" => Tag::new("Met", Colour::Green),
                    "not met" => Tag::new("Not met", Colour::Red),
                    _ => Tag::new("Unknown", Colour::Yellow),
                },
                evidence: c.findings.join("; "),
                source: c.source.clone(),
            })
            .collect(),
        gaps: r
            .evidence_to_collect
            .iter()
            .map(|e| e.reason.clone())
            .collect(),
        would_change: r
            .what_would_change_it
            .iter()
            .chain(&r.cannot_change)
            .cloned()
            .collect(),
    }
}

/// The same from a stored snapshot (JSON of a [`Report`]).
pub fn eligibility_panel_json(v: &serde_json::Value) -> Option<EligibilityPanel> {
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_owned();
    let list = |k: &str| -> Vec<String> {
        v.get(k)
            .and_then(|x| x.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| {
                        x.as_str()
                            .map(str::to_owned)
                            .or_else(|| x.get("reason").and_then(|r| r.as_str()).map(str::to_owned))
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let criteria = v.get("criteria")?.as_array()?;
    Some(EligibilityPanel {
        title: format!("{} (version {})", s("title"), s("version")),
        outcome: outcome_tag(&s("outcome")),
        criteria: criteria
            .iter()
            .map(|c| {
                let status = c.get("status").and_then(|x| x.as_str()).unwrap_or("");
                CriterionLine {
                    text: c
                        .get("text")
                        .and_then(|x| x.as_str())
                        .unwrap_or("")
                        .to_owned(),
                    status: match status {
                        "met" => Tag::new("Met", Colour::Green),
                        "not met" => Tag::new("Not met", Colour::Red),
                        _ => Tag::new("Unknown", Colour::Yellow),
                    },
                    evidence: c
                        .get("findings")
                        .and_then(|x| x.as_array())
                        .map(|f| {
                            f.iter()
                                .filter_map(|x| x.as_str())
                                .collect::<Vec<_>>()
                                .join("; ")
                        })
                        .unwrap_or_default(),
                    source: c
                        .get("source")
                        .and_then(|x| x.as_str())
                        .unwrap_or("")
                        .to_owned(),
                }
            })
            .collect(),
        gaps: list("evidence_to_collect"),
        would_change: [list("what_would_change_it"), list("cannot_change")].concat(),
    })
}

/// A fact in words: (kind, value).
pub fn fact_words(f: &Fact) -> (String, String) {
    match &f.value {
        FactValue::Diagnosis { diabetes_type } => (
            "Diagnosis".into(),
            format!("{diabetes_type:?}").replace("Type", "Type "),
        ),
        FactValue::Hba1c { value } => ("HbA1c".into(), format!("{} mmol/mol", value.get())),
        FactValue::SevereHypo { admission } => (
            "Severe hypoglycaemia".into(),
            if *admission {
                "needing hospital admission".into()
            } else {
                "needing help from another person".into()
            },
        ),
        FactValue::SevereHypoHistory { episodes_past_year } => (
            "Severe hypos, past year".into(),
            episodes_past_year.to_string(),
        ),
        FactValue::Awareness { score } => (
            format!("{} score", score.scale().text()),
            format!(
                "{}{}",
                score.score(),
                if score.impaired() {
                    " (impaired awareness)"
                } else {
                    ""
                }
            ),
        ),
        FactValue::Pregnancy { status } => ("Pregnancy".into(), format!("{status:?}")),
        FactValue::StructuredEducation {
            programme,
            sessions_attended,
            sessions_total,
            completed_on,
        } => (
            "Structured education".into(),
            format!(
                "{programme:?}: {sessions_attended} of {sessions_total} sessions{}",
                completed_on
                    .map(|d| format!(", completed {}", date(d)))
                    .unwrap_or_default()
            ),
        ),
        FactValue::DeviceInUse {
            device,
            since,
            until,
        } => (
            "Device in use".into(),
            format!(
                "{device:?} since {}{}",
                date(*since),
                until
                    .map(|u| format!(" until {}", date(u)))
                    .unwrap_or_default()
            ),
        ),
        FactValue::Attestation { attestation, holds } => (
            "Clinician attestation".into(),
            format!("{attestation:?}: {}", if *holds { "yes" } else { "no" }),
        ),
        FactValue::CgmSummary(s) => (
            "CGM summary".into(),
            format!(
                "{} to {}: time in range {}, below range {}, wear {}",
                date(s.from),
                date(s.to),
                pct(s.time_in_range_percent),
                pct(s.time_below_range_percent),
                pct(s.sensor_wear_percent)
            ),
        ),
    }
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_owned(), |v| format!("{v:.0}%"))
}

/// Where a fact came from, in words.
pub fn source_words(s: &Source) -> String {
    match s {
        Source::Laboratory => "Laboratory".into(),
        Source::SpecialistRecord => "Specialist record".into(),
        Source::GpRecord => "GP record".into(),
        Source::PatientReported => "Patient reported".into(),
        Source::DeviceData { platform } => format!("Device data ({platform})"),
        Source::EducationProvider => "Education provider".into(),
        Source::ClinicianJudgement => "Clinician judgement".into(),
    }
}
