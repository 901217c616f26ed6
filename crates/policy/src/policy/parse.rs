//! The policy file format (docs/policy-format.md): parsing TOML text into a checked
//! [`Policy`]. Every fact a policy names must be in the catalogue and every test must fit
//! the fact's type; otherwise loading fails with the file, the line and the reason.

use std::ops::Range;

use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use super::{
    Approval, ChangeTest, Citation, Cmp, Cohort, Condition, Continuation, Criterion, Direction,
    FactTest, Policy, Prescribing, Route, Scope, Setting, Source, Technology, Test, Threshold,
    Tier, Usage,
};
use crate::catalogue::{self, FactKind};
use crate::error::Error;
use crate::facts::{self, FactValue};
use crate::period::Period;

// The file as written.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    id: Spanned<String>,
    title: String,
    technology: Technology,
    scope: Spanned<String>,
    area: Option<String>,
    version: String,
    effective_from: Spanned<toml::value::Datetime>,
    effective_until: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    unconfirmed: Vec<String>,
    #[serde(default)]
    notes: Vec<String>,
    #[serde(rename = "source", default)]
    sources: Vec<RawSource>,
    approval: Option<RawApproval>,
    prescribing: Option<RawPrescribing>,
    cohort: Option<RawCohort>,
    #[serde(default)]
    required_evidence: Vec<Spanned<String>>,
    #[serde(rename = "criterion", default)]
    criteria: Vec<Spanned<RawCriterion>>,
    #[serde(rename = "option", default)]
    options: Vec<Spanned<RawCriterion>>,
    #[serde(rename = "tier", default)]
    tiers: Vec<Spanned<RawTier>>,
    continuation: Option<Spanned<RawContinuation>>,
    usage: Option<Spanned<RawUsage>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    id: String,
    document: String,
    short: Option<String>,
    url: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApproval {
    route: Route,
    #[serde(default)]
    auto_approve: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrescribing {
    setting: Setting,
    primary_care_prescribing: bool,
    primary_care_monitoring: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCohort {
    description: String,
    cap: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    id: String,
    text: String,
    source: Spanned<String>,
    section: Option<String>,
    when: Spanned<RawCondition>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTier {
    tier: u32,
    name: String,
    source: Spanned<String>,
    section: Option<String>,
    when: Spanned<RawCondition>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContinuation {
    review_interval: Spanned<String>,
    trial: Option<Spanned<String>>,
    #[serde(rename = "criterion", default)]
    criteria: Vec<Spanned<RawCriterion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUsage {
    sensor_wear_pct_at_least: Option<f64>,
    scans_per_day_at_least: Option<f64>,
    source: Spanned<String>,
    section: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCondition {
    all: Option<Vec<Spanned<RawCondition>>>,
    any: Option<Vec<Spanned<RawCondition>>>,
    not: Option<Box<Spanned<RawCondition>>>,
    fact: Option<Spanned<String>>,
    attested: Option<Spanned<String>>,
    is: Option<toml::Value>,
    #[serde(rename = "in")]
    one_of: Option<Vec<toml::Value>>,
    at_least: Option<toml::Value>,
    at_most: Option<toml::Value>,
    more_than: Option<toml::Value>,
    less_than: Option<toml::Value>,
    before: Option<toml::value::Datetime>,
    on_or_after: Option<toml::value::Datetime>,
    at_least_ago: Option<String>,
    recorded: Option<bool>,
    within: Option<Spanned<String>>,
    fall: Option<Vec<Spanned<String>>>,
    rise: Option<Vec<Spanned<String>>>,
    label: Option<String>,
}

/// Parsing context: the file's name and text, for line numbers.
pub(crate) struct Ctx<'t> {
    pub(crate) file: &'t str,
    pub(crate) text: &'t str,
}

impl Ctx<'_> {
    pub(crate) fn error(&self, span: Range<usize>, reason: impl Into<String>) -> Error {
        Error::Policy {
            file: self.file.to_owned(),
            line: line_of(self.text, span.start),
            reason: reason.into(),
        }
    }

    pub(crate) fn toml_error(&self, error: &toml::de::Error) -> Error {
        Error::Policy {
            file: self.file.to_owned(),
            line: error
                .span()
                .map_or(1, |span| line_of(self.text, span.start)),
            reason: error.message().trim().to_owned(),
        }
    }
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// A TOML error as `line N: message`, for facts files.
pub(crate) fn toml_reason(text: &str, error: &toml::de::Error) -> String {
    match error.span() {
        Some(span) => format!(
            "line {}: {}",
            line_of(text, span.start),
            error.message().trim()
        ),
        None => error.message().trim().to_owned(),
    }
}

pub(crate) fn toml_date(date: &toml::value::Datetime) -> Option<Date> {
    match (date.date, date.time, date.offset) {
        (Some(d), None, None) => Date::new(
            i16::try_from(d.year).ok()?,
            i8::try_from(d.month).ok()?,
            i8::try_from(d.day).ok()?,
        )
        .ok(),
        _ => None,
    }
}

impl Policy {
    /// Parses and checks a policy file. `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Policy, Error> {
        let ctx = Ctx { file, text };
        let raw: RawPolicy = toml::from_str(text).map_err(|error| ctx.toml_error(&error))?;
        let id = raw.id.get_ref().clone();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(ctx.error(
                raw.id.span(),
                format!("id {id:?} must be lower-case letters, digits and hyphens"),
            ));
        }
        let scope = match (raw.scope.get_ref().as_str(), raw.area) {
            ("national", None) => Scope::National,
            ("national", Some(_)) => {
                return Err(ctx.error(raw.scope.span(), "a national policy has no `area`"));
            }
            ("local", Some(area)) if !area.trim().is_empty() => Scope::Local(area),
            ("local", _) => {
                return Err(ctx.error(
                    raw.scope.span(),
                    "a local policy needs `area` (the ICB or place it covers)",
                ));
            }
            (other, _) => {
                return Err(ctx.error(
                    raw.scope.span(),
                    format!("scope {other:?} must be \"national\" or \"local\""),
                ));
            }
        };
        let date = |d: &Spanned<toml::value::Datetime>, key: &str| {
            toml_date(d.get_ref()).ok_or_else(|| {
                ctx.error(
                    d.span(),
                    format!("`{key}` must be a date such as 2023-12-19"),
                )
            })
        };
        let effective_from = date(&raw.effective_from, "effective_from")?;
        let effective_until = raw
            .effective_until
            .as_ref()
            .map(|d| date(d, "effective_until"))
            .transpose()?;
        if raw.sources.is_empty() {
            return Err(ctx.error(0..0, "a policy needs at least one [[source]]"));
        }
        let sources: Vec<Source> = raw
            .sources
            .into_iter()
            .map(|s| Source {
                id: s.id,
                document: s.document,
                short: s.short,
                url: s.url,
            })
            .collect();
        let cite = |source: &Spanned<String>, section: Option<String>| {
            sources
                .iter()
                .position(|s| &s.id == source.get_ref())
                .map(|source| Citation { source, section })
                .ok_or_else(|| {
                    let known: Vec<&str> = sources.iter().map(|s| s.id.as_str()).collect();
                    ctx.error(
                        source.span(),
                        format!(
                            "source `{}` is not one of this policy's [[source]] ids ({})",
                            source.get_ref(),
                            known.join(", ")
                        ),
                    )
                })
        };
        let criteria_of = |list: Vec<Spanned<RawCriterion>>| -> Result<Vec<Criterion>, Error> {
            let mut out: Vec<Criterion> = Vec::new();
            for spanned in list {
                let span = spanned.span();
                let raw = spanned.into_inner();
                if out.iter().any(|c| c.id == raw.id) {
                    return Err(ctx.error(span, format!("criterion id `{}` is used twice", raw.id)));
                }
                out.push(Criterion {
                    citation: cite(&raw.source, raw.section)?,
                    condition: condition(&ctx, raw.when)?,
                    id: raw.id,
                    text: raw.text,
                });
            }
            Ok(out)
        };
        let criteria = criteria_of(raw.criteria)?;
        if criteria.is_empty() {
            return Err(ctx.error(0..0, "a policy needs at least one [[criterion]]"));
        }
        let options = criteria_of(raw.options)?;
        let mut tiers = Vec::new();
        for spanned in raw.tiers {
            let raw = spanned.into_inner();
            tiers.push(Tier {
                tier: raw.tier,
                name: raw.name,
                citation: cite(&raw.source, raw.section)?,
                condition: condition(&ctx, raw.when)?,
            });
        }
        let usage = match raw.usage {
            None => None,
            Some(spanned) => {
                let span = spanned.span();
                let raw = spanned.into_inner();
                if raw.sensor_wear_pct_at_least.is_none() && raw.scans_per_day_at_least.is_none() {
                    return Err(ctx.error(
                        span,
                        "[usage] needs sensor_wear_pct_at_least or scans_per_day_at_least",
                    ));
                }
                Some(Usage {
                    sensor_wear_pct_at_least: raw.sensor_wear_pct_at_least,
                    scans_per_day_at_least: raw.scans_per_day_at_least,
                    citation: cite(&raw.source, raw.section)?,
                })
            }
        };
        let continuation = match raw.continuation {
            None => None,
            Some(spanned) => {
                let raw = spanned.into_inner();
                let period = |p: &Spanned<String>| {
                    Period::parse(p.get_ref()).map_err(|reason| ctx.error(p.span(), reason))
                };
                let mut criteria = criteria_of(raw.criteria)?;
                if let Some(usage) = &usage {
                    criteria.extend(usage_criteria(usage));
                }
                Some(Continuation {
                    review_interval: period(&raw.review_interval)?,
                    trial: raw.trial.as_ref().map(period).transpose()?,
                    criteria,
                })
            }
        };
        if usage.is_some() && continuation.is_none() {
            return Err(ctx.error(
                0..0,
                "[usage] conditions are checked at review: add a [continuation] table",
            ));
        }
        let mut required_evidence = Vec::new();
        for name in &raw.required_evidence {
            let id = catalogue::lookup(name.get_ref())
                .ok_or_else(|| ctx.error(name.span(), facts::unknown_fact(name.get_ref())))?;
            required_evidence.push(id);
        }
        Ok(Policy {
            id,
            title: raw.title,
            technology: raw.technology,
            scope,
            version: raw.version,
            effective_from,
            effective_until,
            summary: raw.summary,
            unconfirmed: raw.unconfirmed,
            notes: raw.notes,
            sources,
            approval: raw.approval.map_or(
                Approval {
                    route: Route::CriteriaBased,
                    auto_approve: false,
                },
                |a| Approval {
                    route: a.route,
                    auto_approve: a.auto_approve,
                },
            ),
            prescribing: raw.prescribing.map(|p| Prescribing {
                setting: p.setting,
                primary_care_prescribing: p.primary_care_prescribing,
                primary_care_monitoring: p.primary_care_monitoring,
            }),
            cohort: raw.cohort.map(|c| Cohort {
                description: c.description,
                cap: c.cap,
            }),
            required_evidence,
            criteria,
            options,
            tiers,
            continuation,
            usage,
        })
    }
}

fn usage_criteria(usage: &Usage) -> Vec<Criterion> {
    let mut out = Vec::new();
    let compare = |name: &str, at_least: f64| {
        catalogue::lookup(name).map(|fact| {
            Condition::Fact(FactTest {
                fact,
                test: Test::Compare(Cmp::AtLeast, Threshold::Value(at_least)),
                within: None,
                label: None,
            })
        })
    };
    if let Some(wear) = usage.sensor_wear_pct_at_least
        && let Some(condition) = compare("sensor_wear_pct", wear)
    {
        out.push(Criterion {
            id: "usage-sensor-wear".to_owned(),
            text: format!("Sensor worn at least {}% of the time", facts::number(wear)),
            citation: usage.citation.clone(),
            condition,
        });
    }
    if let Some(scans) = usage.scans_per_day_at_least
        && let Some(condition) = compare("scans_per_day", scans)
    {
        out.push(Criterion {
            id: "usage-scans".to_owned(),
            text: format!(
                "Sensor scanned at least {} times a day",
                facts::number(scans)
            ),
            citation: usage.citation.clone(),
            condition,
        });
    }
    out
}

fn condition(ctx: &Ctx<'_>, spanned: Spanned<RawCondition>) -> Result<Condition, Error> {
    let span = spanned.span();
    let raw = spanned.into_inner();
    let err = |reason: String| ctx.error(span.clone(), reason);
    let shapes = [
        raw.all.is_some(),
        raw.any.is_some(),
        raw.not.is_some(),
        raw.fact.is_some(),
        raw.attested.is_some(),
        raw.fall.is_some(),
        raw.rise.is_some(),
    ]
    .iter()
    .filter(|x| **x)
    .count();
    if shapes != 1 {
        return Err(err(
            "a condition needs exactly one of `fact`, `attested`, `fall`, `rise`, `all`, `any` or `not`"
                .to_owned(),
        ));
    }
    let tests = [
        raw.is.is_some(),
        raw.one_of.is_some(),
        raw.at_least.is_some(),
        raw.at_most.is_some(),
        raw.more_than.is_some(),
        raw.less_than.is_some(),
        raw.before.is_some(),
        raw.on_or_after.is_some(),
        raw.at_least_ago.is_some(),
        raw.recorded.is_some(),
    ]
    .iter()
    .filter(|x| **x)
    .count();
    let within = raw
        .within
        .as_ref()
        .map(|w| Period::parse(w.get_ref()).map_err(|reason| ctx.error(w.span(), reason)))
        .transpose()?;
    let group = |list: Vec<Spanned<RawCondition>>| -> Result<Vec<Condition>, Error> {
        if list.is_empty() {
            return Err(err("`all` and `any` need at least one condition".to_owned()));
        }
        list.into_iter().map(|c| condition(ctx, c)).collect()
    };
    let plain = |name: &str| -> Result<(), Error> {
        if tests != 0 || within.is_some() || raw.label.is_some() {
            Err(err(format!(
                "`{name}` takes no test keys (is, at_least, within, label, ...) beside it"
            )))
        } else {
            Ok(())
        }
    };
    if let Some(list) = raw.all {
        plain("all")?;
        return Ok(Condition::All(group(list)?));
    }
    if let Some(list) = raw.any {
        plain("any")?;
        return Ok(Condition::Any(group(list)?));
    }
    if let Some(inner) = raw.not {
        plain("not")?;
        return Ok(Condition::Not(Box::new(condition(ctx, *inner)?)));
    }
    let fact_id = |name: &Spanned<String>| {
        catalogue::lookup(name.get_ref())
            .ok_or_else(|| ctx.error(name.span(), facts::unknown_fact(name.get_ref())))
    };
    if let Some(name) = raw.attested {
        let fact = fact_id(&name)?;
        if fact.def().kind != FactKind::Attestation {
            return Err(ctx.error(
                name.span(),
                format!(
                    "`{}` is not a clinician attestation; test it with {{ fact = \"{}\", is = true }}",
                    fact.name(),
                    fact.name()
                ),
            ));
        }
        if tests != 0 {
            return Err(err("`attested` takes no other test".to_owned()));
        }
        return Ok(Condition::Fact(FactTest {
            fact,
            test: Test::Is(FactValue::Bool(true)),
            within,
            label: raw.label,
        }));
    }
    if let Some(pair) = raw.fall.or(raw.rise.clone()) {
        let direction = if raw.rise.is_some() {
            Direction::Rise
        } else {
            Direction::Fall
        };
        let [from, to] = pair.as_slice() else {
            return Err(err(
                "`fall`/`rise` takes two facts: [\"baseline fact\", \"current fact\"]".to_owned(),
            ));
        };
        let (from, to) = (fact_id(from)?, fact_id(to)?);
        for fact in [from, to] {
            if !matches!(
                fact.def().kind,
                FactKind::Int { .. } | FactKind::Number { .. }
            ) {
                return Err(err(format!("`{}` is not a number", fact.name())));
            }
        }
        let Some(at_least) = raw.at_least.as_ref() else {
            return Err(err("`fall`/`rise` needs `at_least`".to_owned()));
        };
        if tests != 1 {
            return Err(err(
                "`fall`/`rise` takes only `at_least` and `within`".to_owned()
            ));
        }
        return Ok(Condition::Change(ChangeTest {
            direction,
            from,
            to,
            at_least: threshold(ctx, &span, at_least)?,
            within,
            label: raw.label,
        }));
    }
    let Some(name) = raw.fact else {
        return Err(err("a condition needs `fact`".to_owned()));
    };
    let fact = fact_id(&name)?;
    let def = fact.def();
    if tests != 1 {
        return Err(err(format!(
            "the test of `{}` needs exactly one of is, in, at_least, at_most, more_than, less_than, before, on_or_after, at_least_ago, recorded",
            def.name
        )));
    }
    let numeric = matches!(def.kind, FactKind::Int { .. } | FactKind::Number { .. });
    let value =
        |v: &toml::Value| facts::parse_value(def, &facts::toml_to_json(v.clone())).map_err(&err);
    let test = if let Some(v) = &raw.is {
        Test::Is(value(v)?)
    } else if let Some(list) = &raw.one_of {
        Test::OneOf(list.iter().map(value).collect::<Result<_, _>>()?)
    } else if let Some(d) = raw.before.as_ref().or(raw.on_or_after.as_ref()) {
        if def.kind != FactKind::Date {
            return Err(err(format!(
                "`{}` is not a date; `before`/`on_or_after` test dates",
                def.name
            )));
        }
        let date =
            toml_date(d).ok_or_else(|| err("expected a date such as 2023-12-19".to_owned()))?;
        if raw.before.is_some() {
            Test::Before(date)
        } else {
            Test::OnOrAfter(date)
        }
    } else if let Some(p) = &raw.at_least_ago {
        if def.kind != FactKind::Date {
            return Err(err(format!(
                "`{}` is not a date; `at_least_ago` tests dates",
                def.name
            )));
        }
        Test::AtLeastAgo(Period::parse(p).map_err(&err)?)
    } else if let Some(recorded) = raw.recorded {
        if !recorded {
            return Err(err(
                "`recorded` can only be true; wrap it in `not` for absence".to_owned(),
            ));
        }
        Test::Recorded
    } else {
        let (cmp, v) = [
            (Cmp::AtLeast, &raw.at_least),
            (Cmp::AtMost, &raw.at_most),
            (Cmp::MoreThan, &raw.more_than),
            (Cmp::LessThan, &raw.less_than),
        ]
        .into_iter()
        .find_map(|(cmp, v)| v.as_ref().map(|v| (cmp, v)))
        .ok_or_else(|| err("missing test".to_owned()))?;
        if !numeric {
            return Err(err(format!(
                "`{}` is {}, not a number: use `is` or `in`",
                def.name,
                facts::kind_name(def.kind)
            )));
        }
        Test::Compare(cmp, threshold(ctx, &span, v)?)
    };
    Ok(Condition::Fact(FactTest {
        fact,
        test,
        within,
        label: raw.label,
    }))
}

fn threshold(ctx: &Ctx<'_>, span: &Range<usize>, value: &toml::Value) -> Result<Threshold, Error> {
    match value {
        toml::Value::Integer(n) => Ok(Threshold::Value(*n as f64)),
        toml::Value::Float(f) => Ok(Threshold::Value(*f)),
        toml::Value::Table(table) => {
            let name = table.get("fact").and_then(toml::Value::as_str);
            match (name, table.len()) {
                (Some(name), 1) => {
                    let fact = catalogue::lookup(name)
                        .ok_or_else(|| ctx.error(span.clone(), facts::unknown_fact(name)))?;
                    if !matches!(
                        fact.def().kind,
                        FactKind::Int { .. } | FactKind::Number { .. }
                    ) {
                        return Err(ctx.error(span.clone(), format!("`{name}` is not a number")));
                    }
                    Ok(Threshold::Fact(fact))
                }
                _ => Err(ctx.error(
                    span.clone(),
                    "a threshold is a number or { fact = \"name\" }",
                )),
            }
        }
        _ => Err(ctx.error(
            span.clone(),
            "a threshold is a number or { fact = \"name\" }",
        )),
    }
}
