//! A policy as the evaluator sees it: metadata, sources, criteria as [`Condition`]s over
//! catalogue facts, tiers, continuation and usage. Parsing from TOML lives in `parse`.

mod parse;

use jiff::civil::Date;
use serde::Deserialize;

use crate::catalogue::FactId;
use crate::facts::FactValue;
use crate::period::Period;

pub(crate) use parse::{Ctx, line_of, toml_date, toml_reason};

/// One eligibility policy: national guidance or a local commissioning policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Stable identifier, also the file name without `.toml` (`nice-ta151-csii-12-plus`).
    pub id: String,
    /// Human title.
    pub title: String,
    /// The technology the policy gives access to.
    pub technology: Technology,
    /// National, or local to a named area.
    pub scope: Scope,
    /// The policy's own version; recorded in every evaluation.
    pub version: String,
    /// First day the policy applies.
    pub effective_from: Date,
    /// Last day the policy applies, if it has ended.
    pub effective_until: Option<Date>,
    /// A sentence or two on what the policy is for.
    pub summary: String,
    /// Facts the reference marks as unconfirmed, and other caveats a reader must know.
    pub unconfirmed: Vec<String>,
    /// Other notes (what the policy deliberately leaves out, local choices).
    pub notes: Vec<String>,
    /// The documents the criteria come from.
    pub sources: Vec<Source>,
    /// How a request is decided.
    pub approval: Approval,
    /// Where the technology may be prescribed and monitored.
    pub prescribing: Option<Prescribing>,
    /// A pre-defined cohort and its cap on the number of patients.
    pub cohort: Option<Cohort>,
    /// Facts that must be on the request when it is submitted.
    pub required_evidence: Vec<FactId>,
    /// Eligibility criteria; all must be met.
    pub criteria: Vec<Criterion>,
    /// Choices offered once eligible ("isCGM instead of rtCGM if ...").
    pub options: Vec<Criterion>,
    /// Prioritisation tiers, first match wins.
    pub tiers: Vec<Tier>,
    /// Whether to continue at review.
    pub continuation: Option<Continuation>,
    /// Usage conditions (also added to the continuation criteria).
    pub usage: Option<Usage>,
}

/// What is being funded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Technology {
    /// Intermittently scanned CGM (flash).
    #[serde(rename = "isCGM")]
    IsCgm,
    /// Real-time CGM.
    #[serde(rename = "rtCGM")]
    RtCgm,
    /// A choice of isCGM or rtCGM.
    #[serde(rename = "CGM")]
    Cgm,
    /// Insulin pump.
    #[serde(rename = "CSII")]
    Csii,
    /// Hybrid closed loop.
    #[serde(rename = "HCL")]
    Hcl,
}

impl Technology {
    /// Plain English name.
    pub fn label(self) -> &'static str {
        match self {
            Technology::IsCgm => "flash glucose monitoring (isCGM)",
            Technology::RtCgm => "real-time CGM (rtCGM)",
            Technology::Cgm => "CGM (a choice of rtCGM or isCGM)",
            Technology::Csii => "insulin pump (CSII)",
            Technology::Hcl => "hybrid closed loop (HCL)",
        }
    }

    /// The code used in policy files.
    pub fn code(self) -> &'static str {
        match self {
            Technology::IsCgm => "isCGM",
            Technology::RtCgm => "rtCGM",
            Technology::Cgm => "CGM",
            Technology::Csii => "CSII",
            Technology::Hcl => "HCL",
        }
    }
}

/// Where a policy applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// All of England.
    National,
    /// One ICB or area.
    Local(String),
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::National => f.write_str("national"),
            Scope::Local(area) => write!(f, "local: {area}"),
        }
    }
}

/// A cited document.
#[derive(Debug, Clone)]
pub struct Source {
    /// Short key criteria refer to (`ta151`).
    pub id: String,
    /// The document's full name.
    pub document: String,
    /// How citations name it ("NICE TA151"); the full name when absent.
    pub short: Option<String>,
    /// Where to read it.
    pub url: Option<String>,
}

/// How a request is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Approval {
    /// The funding route.
    pub route: Route,
    /// Whether a request meeting every criterion with evidence may be approved without a
    /// commissioner's review.
    pub auto_approve: bool,
}

/// Funding route (eligibility-criteria §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Route {
    /// Criteria checked at the point of care; no application.
    CriteriaBased,
    /// An application with evidence goes to the commissioner first.
    PriorApproval,
}

impl Route {
    /// Plain English.
    pub fn label(self) -> &'static str {
        match self {
            Route::CriteriaBased => "criteria-based access (checked at the point of care)",
            Route::PriorApproval => "prior approval by the commissioner",
        }
    }
}

/// Prescribing-setting restrictions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prescribing {
    /// Where it may be started and supplied.
    pub setting: Setting,
    /// Whether primary care may prescribe.
    pub primary_care_prescribing: bool,
    /// Whether primary care may monitor.
    pub primary_care_monitoring: bool,
}

/// Prescribing setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Setting {
    /// Any setting.
    Any,
    /// A specialist diabetes team.
    Specialist,
    /// A specialist team in an acute trust only.
    SpecialistAcuteOnly,
}

impl Setting {
    /// Plain English.
    pub fn label(self) -> &'static str {
        match self {
            Setting::Any => "any setting",
            Setting::Specialist => "specialist diabetes team",
            Setting::SpecialistAcuteOnly => "specialist team in the acute setting only",
        }
    }
}

/// A pre-defined cohort.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cohort {
    /// Who is in it.
    pub description: String,
    /// The most patients the commissioner funds at once.
    pub cap: Option<u32>,
}

/// A citation: document and section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// Index into [`Policy::sources`].
    pub source: usize,
    /// Section, paragraph or recommendation number.
    pub section: Option<String>,
}

/// One named criterion.
#[derive(Debug, Clone)]
pub struct Criterion {
    /// Short id, unique within the policy.
    pub id: String,
    /// What it requires, as the guidance says it.
    pub text: String,
    /// Where it comes from.
    pub citation: Citation,
    /// The test.
    pub condition: Condition,
}

/// A prioritisation tier.
#[derive(Debug, Clone)]
pub struct Tier {
    /// 1 is first.
    pub tier: u32,
    /// Who is in it.
    pub name: String,
    /// Where it comes from.
    pub citation: Citation,
    /// Who belongs.
    pub condition: Condition,
}

/// Continuation at review.
#[derive(Debug, Clone)]
pub struct Continuation {
    /// How often use is reviewed.
    pub review_interval: Period,
    /// Length of the initial trial, if there is one.
    pub trial: Option<Period>,
    /// All must be met to continue.
    pub criteria: Vec<Criterion>,
}

/// Usage conditions.
#[derive(Debug, Clone, PartialEq)]
pub struct Usage {
    /// Least sensor wear, %.
    pub sensor_wear_pct_at_least: Option<f64>,
    /// Least scans a day.
    pub scans_per_day_at_least: Option<f64>,
    /// Where they come from.
    pub citation: Citation,
}

/// A condition over facts, evaluated in three values: met, not met, unknown.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// Every part met.
    All(Vec<Condition>),
    /// At least one part met.
    Any(Vec<Condition>),
    /// The part not met.
    Not(Box<Condition>),
    /// A test of one fact.
    Fact(FactTest),
    /// A fall or rise between two facts (baseline and now).
    Change(ChangeTest),
}

/// A test of one fact.
#[derive(Debug, Clone, PartialEq)]
pub struct FactTest {
    /// The fact.
    pub fact: FactId,
    /// The test.
    pub test: Test,
    /// The record must be no older than this on the evaluation date; older is unknown.
    pub within: Option<Period>,
    /// Wording to use instead of the generated one.
    pub label: Option<String>,
}

/// What is tested.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// Equal to the value.
    Is(FactValue),
    /// Equal to one of the values.
    OneOf(Vec<FactValue>),
    /// A numeric comparison.
    Compare(Cmp, Threshold),
    /// A date strictly before the given date.
    Before(Date),
    /// A date on or after the given date.
    OnOrAfter(Date),
    /// A date at least this long before the evaluation date.
    AtLeastAgo(Period),
    /// Recorded at all (any value).
    Recorded,
}

/// Numeric comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// ≥
    AtLeast,
    /// ≤
    AtMost,
    /// >
    MoreThan,
    /// <
    LessThan,
}

impl Cmp {
    /// Whether `value` passes against `threshold`.
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Cmp::AtLeast => value >= threshold,
            Cmp::AtMost => value <= threshold,
            Cmp::MoreThan => value > threshold,
            Cmp::LessThan => value < threshold,
        }
    }

    /// "at least", "more than", ...
    pub fn words(self) -> &'static str {
        match self {
            Cmp::AtLeast => "at least",
            Cmp::AtMost => "at most",
            Cmp::MoreThan => "more than",
            Cmp::LessThan => "less than",
        }
    }
}

/// A comparison's other side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Threshold {
    /// A number in the fact's unit.
    Value(f64),
    /// Another fact's value (an agreed goal).
    Fact(FactId),
}

/// A fall or rise from a baseline fact to a current fact.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeTest {
    /// Fall or rise.
    pub direction: Direction,
    /// The baseline.
    pub from: FactId,
    /// The current value.
    pub to: FactId,
    /// The least change that counts.
    pub at_least: Threshold,
    /// The current value must be no older than this.
    pub within: Option<Period>,
    /// Wording to use instead of the generated one.
    pub label: Option<String>,
}

/// Which way a change must go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// baseline − current ≥ threshold.
    Fall,
    /// current − baseline ≥ threshold.
    Rise,
}

impl Policy {
    /// "NICE TA151 §1.1".
    pub fn cite(&self, citation: &Citation) -> String {
        let document = self
            .sources
            .get(citation.source)
            .map_or("(unknown source)", |s| {
                s.short.as_deref().unwrap_or(&s.document)
            });
        match &citation.section {
            Some(section) => format!("{document} §{section}"),
            None => document.to_owned(),
        }
    }

    /// Advice for authors beyond what makes a file invalid: uncited criteria, sources
    /// without a URL, an end date before the start.
    pub fn lint(&self) -> Vec<String> {
        let mut advice = Vec::new();
        let all = self
            .criteria
            .iter()
            .chain(&self.options)
            .chain(self.continuation.iter().flat_map(|c| &c.criteria));
        for criterion in all {
            if criterion.citation.section.is_none() {
                advice.push(format!(
                    "criterion `{}` cites no section of {}",
                    criterion.id,
                    self.cite(&criterion.citation)
                ));
            }
        }
        for source in &self.sources {
            if source.url.is_none() {
                advice.push(format!("source `{}` has no url", source.id));
            }
        }
        if let Some(until) = self.effective_until
            && until < self.effective_from
        {
            advice.push("effective_until is before effective_from".to_owned());
        }
        if self.approval.auto_approve && self.required_evidence.is_empty() {
            advice.push(
                "auto_approve is on but required_evidence is empty: list the evidence a clean request must carry"
                    .to_owned(),
            );
        }
        advice
    }
}
