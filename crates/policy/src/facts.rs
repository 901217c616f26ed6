//! A patient's facts: each a value with the date it was recorded and where it came from
//! (its provenance). Facts files are JSON or TOML (docs/facts.md); both are parsed from
//! text handed in by the caller.

use std::fmt;

use jiff::civil::Date;

use crate::catalogue::{self, CATALOGUE, FactDef, FactId, FactKind};
use crate::error::Error;

/// A fact's value, typed by its catalogue entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FactValue {
    /// Yes or no (also clinician attestations).
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A decimal number.
    Number(f64),
    /// A calendar date.
    Date(Date),
    /// One of the fact's codes, spelt as in the catalogue.
    Choice(&'static str),
}

impl FactValue {
    /// The value as a number, for comparisons (integers and decimals only).
    pub fn as_number(self) -> Option<f64> {
        match self {
            FactValue::Int(n) => Some(n as f64),
            FactValue::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The value with its unit, as a clinician would write it: `72 mmol/mol`, `yes`.
    pub fn display(self, def: &FactDef) -> String {
        let unit = match def.kind {
            FactKind::Int { unit, .. } | FactKind::Number { unit, .. } => unit,
            _ => "",
        };
        let text = self.to_string();
        if unit.is_empty() {
            text
        } else if unit == "%" {
            format!("{text}%")
        } else {
            format!("{text} {unit}")
        }
    }
}

impl fmt::Display for FactValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactValue::Bool(true) => f.write_str("yes"),
            FactValue::Bool(false) => f.write_str("no"),
            FactValue::Int(n) => write!(f, "{n}"),
            FactValue::Number(n) => f.write_str(&number(*n)),
            FactValue::Date(d) => write!(f, "{d}"),
            FactValue::Choice(c) => f.write_str(c),
        }
    }
}

/// `69`, `8.5`, `0.25`: no trailing zeros.
pub(crate) fn number(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// One recorded fact.
#[derive(Debug, Clone, PartialEq)]
pub struct FactRecord {
    /// The value.
    pub value: FactValue,
    /// When it was recorded, measured or attested.
    pub date: Date,
    /// Where it came from ("lab", "meter download", "Dr Patel, attested").
    pub provenance: String,
}

/// A fact as seen on an evaluation date: the latest record on or before it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observed<'f> {
    /// The fact.
    pub fact: FactId,
    /// The value.
    pub value: FactValue,
    /// When it was recorded.
    pub date: Date,
    /// Where it came from.
    pub provenance: &'f str,
}

/// All the facts known about one patient, possibly several records per fact.
///
/// Held sorted by fact (records of one fact in the order added), with the fact ids in a
/// separate small vector: finding a fact reads one or two cache lines, which is what
/// evaluating many patients is bound by.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Sorted; `facts[i]` is the fact of `records[i]`.
    facts: Vec<FactId>,
    records: Vec<FactRecord>,
}

const DERIVED_AGE: &str = "from date of birth";

impl Facts {
    /// No facts.
    pub fn new() -> Facts {
        Facts::default()
    }

    /// Adds a record. Several records of one fact may be held; evaluation uses the latest
    /// dated on or before the evaluation date (the last added among equal dates).
    pub fn add(&mut self, fact: FactId, record: FactRecord) {
        let at = self.facts.partition_point(|f| *f <= fact);
        self.facts.insert(at, fact);
        self.records.insert(at, record);
    }

    /// The records of one fact, in the order added.
    pub fn records(&self, fact: FactId) -> &[FactRecord] {
        let start = self.facts.partition_point(|f| *f < fact);
        let end = start
            + self.facts[start..]
                .iter()
                .take_while(|f| **f == fact)
                .count();
        &self.records[start..end]
    }

    /// Every record, by fact.
    pub fn iter(&self) -> impl Iterator<Item = (FactId, &FactRecord)> {
        self.facts.iter().copied().zip(&self.records)
    }

    /// The fact as known on `on`: the latest record dated on or before it. Records dated
    /// after `on` are ignored, so re-running an evaluation for a past date gives the
    /// result that was given then. `age_years` is worked out from `date_of_birth` when
    /// that is known, else the latest recorded age is used.
    pub fn current(&self, fact: FactId, on: Date) -> Option<Observed<'_>> {
        // Age is exact from the date of birth on any date; a recorded age is only right on
        // the day it was recorded, so it is the fallback.
        if fact == catalogue::AGE_YEARS
            && let Some(birth) = self.current(catalogue::DATE_OF_BIRTH, on)
            && let FactValue::Date(born) = birth.value
            && let Some(age) = age_on(born, on)
        {
            return Some(Observed {
                fact,
                value: FactValue::Int(age),
                date: on,
                provenance: DERIVED_AGE,
            });
        }
        let mut best: Option<&FactRecord> = None;
        for record in self.records(fact) {
            if record.date <= on && best.is_none_or(|b| record.date >= b.date) {
                best = Some(record);
            }
        }
        best.map(|record| Observed {
            fact,
            value: record.value,
            date: record.date,
            provenance: &record.provenance,
        })
    }

    /// Parses a facts file (docs/facts.md). `name` is used in error messages; JSON when
    /// it ends in `.json`, otherwise TOML.
    pub fn parse(name: &str, text: &str) -> Result<Facts, Error> {
        let value = if name.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(text).map_err(|error| Error::Facts {
                file: name.to_owned(),
                reason: error.to_string(),
            })?
        } else {
            let table: toml::Table = toml::from_str(text).map_err(|error| Error::Facts {
                file: name.to_owned(),
                reason: crate::policy::toml_reason(text, &error),
            })?;
            toml_to_json(toml::Value::Table(table))
        };
        Facts::from_value(name, &value)
    }

    fn from_value(name: &str, value: &serde_json::Value) -> Result<Facts, Error> {
        let err = |reason: String| Error::Facts {
            file: name.to_owned(),
            reason,
        };
        let object = value
            .as_object()
            .ok_or_else(|| err("expected a table with a `facts` list".into()))?;
        for key in object.keys() {
            if key != "facts" && key != "patient" && key != "comment" {
                return Err(err(format!(
                    "unknown key `{key}` (expected `facts`, `patient` or `comment`)"
                )));
            }
        }
        let list = object
            .get("facts")
            .and_then(serde_json::Value::as_array)
            .ok_or_else(|| err("expected a `facts` list".into()))?;
        let mut facts = Facts::new();
        for (index, entry) in list.iter().enumerate() {
            let (id, record) = parse_entry(entry, None).map_err(|reason| {
                let fact = entry
                    .get("fact")
                    .and_then(serde_json::Value::as_str)
                    .map(|f| format!(" ({f})"))
                    .unwrap_or_default();
                err(format!("fact {}{fact}: {reason}", index + 1))
            })?;
            facts.add(id, record);
        }
        Ok(facts)
    }
}

/// Parses one `{fact, value, date, provenance}` entry. `default_date` fills a missing
/// date (test cases only).
pub(crate) fn parse_entry(
    entry: &serde_json::Value,
    default_date: Option<Date>,
) -> Result<(FactId, FactRecord), String> {
    let object = entry
        .as_object()
        .ok_or("expected a table with fact, value, date and provenance")?;
    for key in object.keys() {
        if !matches!(
            key.as_str(),
            "fact" | "value" | "date" | "provenance" | "note"
        ) {
            return Err(format!(
                "unknown key `{key}` (expected fact, value, date, provenance, note)"
            ));
        }
    }
    let name = object
        .get("fact")
        .and_then(serde_json::Value::as_str)
        .ok_or("missing `fact` (the fact's name)")?;
    let id = catalogue::lookup(name).ok_or_else(|| unknown_fact(name))?;
    let value = object.get("value").ok_or("missing `value`")?;
    let value = parse_value(id.def(), value)?;
    let date = match object.get("date") {
        Some(serde_json::Value::String(text)) => parse_date(text)?,
        Some(_) => return Err("`date` must be a date, YYYY-MM-DD".into()),
        None => default_date.ok_or("missing `date` (when the fact was recorded, YYYY-MM-DD)")?,
    };
    let provenance = match object.get("provenance") {
        Some(serde_json::Value::String(text)) if !text.trim().is_empty() => text.clone(),
        Some(_) => return Err("`provenance` must be non-empty text".into()),
        None if default_date.is_some() => "test case".to_owned(),
        None => return Err("missing `provenance` (where the fact came from)".into()),
    };
    Ok((
        id,
        FactRecord {
            value,
            date,
            provenance,
        },
    ))
}

/// The message for a fact name outside the catalogue, with the nearest names.
pub(crate) fn unknown_fact(name: &str) -> String {
    let mut near: Vec<&str> = CATALOGUE
        .iter()
        .map(|def| def.name)
        .filter(|candidate| {
            let stem = name.split('_').next().unwrap_or(name);
            candidate.contains(stem) || name.contains(candidate)
        })
        .take(5)
        .collect();
    near.sort_unstable();
    if near.is_empty() {
        format!("unknown fact `{name}` (see docs/facts.md for the catalogue)")
    } else {
        format!(
            "unknown fact `{name}` (did you mean {}? see docs/facts.md)",
            near.join(", ")
        )
    }
}

/// Checks a JSON value against the fact's type.
pub(crate) fn parse_value(def: &FactDef, value: &serde_json::Value) -> Result<FactValue, String> {
    use serde_json::Value as J;
    match (def.kind, value) {
        (FactKind::Bool | FactKind::Attestation, J::Bool(b)) => Ok(FactValue::Bool(*b)),
        (FactKind::Int { unit, min, max }, J::Number(n)) => {
            let n = n
                .as_i64()
                .ok_or_else(|| format!("{} must be a whole number", def.name))?;
            if (min..=max).contains(&n) {
                Ok(FactValue::Int(n))
            } else {
                Err(format!(
                    "{n} {unit} is outside {min}–{max} for {}",
                    def.name
                ))
            }
        }
        (FactKind::Number { unit, min, max }, J::Number(n)) => {
            let n = n.as_f64().unwrap_or(f64::NAN);
            if n >= min && n <= max {
                Ok(FactValue::Number(n))
            } else {
                Err(format!(
                    "{} {unit} is outside {}–{} for {}",
                    number(n),
                    number(min),
                    number(max),
                    def.name
                ))
            }
        }
        (FactKind::Date, J::String(text)) => parse_date(text).map(FactValue::Date),
        (FactKind::Choice(codes), J::String(text)) => codes
            .iter()
            .find(|code| code.eq_ignore_ascii_case(text))
            .map(|code| FactValue::Choice(code))
            .ok_or_else(|| format!("{text:?} is not one of {}", codes.join(", "))),
        (kind, other) => Err(format!(
            "{} must be {}, not {other}",
            def.name,
            kind_name(kind)
        )),
    }
}

/// "true or false", "a whole number", ...
pub(crate) fn kind_name(kind: FactKind) -> &'static str {
    match kind {
        FactKind::Bool | FactKind::Attestation => "true or false",
        FactKind::Int { .. } => "a whole number",
        FactKind::Number { .. } => "a number",
        FactKind::Date => "a date (YYYY-MM-DD)",
        FactKind::Choice(_) => "one of its codes",
    }
}

pub(crate) fn parse_date(text: &str) -> Result<Date, String> {
    text.parse::<Date>()
        .map_err(|_| format!("{text:?} is not a date (YYYY-MM-DD)"))
}

/// Whole years from `born` to `on`. Someone born on 29 February has their birthday on
/// 1 March in other years (see [`birthday`]).
pub fn age_on(born: Date, on: Date) -> Option<i64> {
    if on < born {
        return None;
    }
    let years = i64::from(on.year()) - i64::from(born.year());
    let before_birthday = (on.month(), on.day()) < (born.month(), born.day());
    Some(years - i64::from(before_birthday))
}

/// The day someone born on `born` turns `age`: the same day and month, or 1 March for a
/// 29 February birthday in a year that has none.
pub fn birthday(born: Date, age: i16) -> Option<Date> {
    let year = born.year().checked_add(age)?;
    Date::new(year, born.month(), born.day())
        .or_else(|_| Date::new(year, 3, 1))
        .ok()
}

/// TOML to JSON, dates becoming `YYYY-MM-DD` strings.
pub(crate) fn toml_to_json(value: toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        toml::Value::String(s) => J::String(s),
        toml::Value::Integer(n) => J::from(n),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(J::Null, J::Number),
        toml::Value::Boolean(b) => J::Bool(b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(list) => J::Array(list.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => J::Object(
            table
                .into_iter()
                .map(|(key, value)| (key, toml_to_json(value)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn id(name: &str) -> FactId {
        catalogue::lookup(name).unwrap()
    }

    #[test]
    fn latest_record_on_or_before_the_date_wins() {
        let facts = Facts::parse(
            "f.json",
            r#"{"facts": [
                {"fact": "hba1c_mmol_mol", "value": 70, "date": "2026-01-01", "provenance": "lab"},
                {"fact": "hba1c_mmol_mol", "value": 64, "date": "2026-06-01", "provenance": "lab"},
                {"fact": "date_of_birth", "value": "2014-06-02", "date": "2014-06-02", "provenance": "PDS"}
            ]}"#,
        )
        .unwrap();
        let hba1c = id("hba1c_mmol_mol");
        assert_eq!(
            facts.current(hba1c, date(2026, 5, 31)).unwrap().value,
            FactValue::Int(70)
        );
        assert_eq!(
            facts.current(hba1c, date(2026, 6, 1)).unwrap().value,
            FactValue::Int(64)
        );
        assert!(facts.current(hba1c, date(2025, 12, 31)).is_none());
        let age = id("age_years");
        assert_eq!(
            facts.current(age, date(2026, 6, 1)).unwrap().value,
            FactValue::Int(11)
        );
        assert_eq!(
            facts.current(age, date(2026, 6, 2)).unwrap().value,
            FactValue::Int(12)
        );
    }

    #[test]
    fn toml_facts_and_errors() {
        let facts = Facts::parse(
            "f.toml",
            "[[facts]]\nfact = \"diabetes_type\"\nvalue = \"t1\"\ndate = 2020-01-01\nprovenance = \"GP record\"\n",
        )
        .unwrap();
        let observed = facts
            .current(id("diabetes_type"), date(2026, 1, 1))
            .unwrap();
        assert_eq!(observed.value, FactValue::Choice("T1"));
        let check = |text: &str, expected: &str| {
            let error = Facts::parse("f.json", text).unwrap_err().to_string();
            assert!(error.contains(expected), "{error}");
        };
        check(
            r#"{"facts": [{"fact": "hba1c", "value": 70, "date": "2026-01-01", "provenance": "lab"}]}"#,
            "f.json: fact 1 (hba1c): unknown fact `hba1c` (did you mean",
        );
        check(
            r#"{"facts": [{"fact": "hba1c_mmol_mol", "value": 7.5, "date": "2026-01-01", "provenance": "lab"}]}"#,
            "must be a whole number",
        );
        check(
            r#"{"facts": [{"fact": "pregnant", "value": true, "date": "2026-01-01"}]}"#,
            "missing `provenance`",
        );
        check(r#"{"fact": []}"#, "unknown key `fact`");
    }
}
