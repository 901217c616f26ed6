//! Nightscout entries JSON: an array of entry documents (or API v3's `{result: […]}`);
//! `type` `sgv` entries are CGM readings in mg/dL at absolute instants (reference §3).

use std::io::Read;

use jiff::Timestamp;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::import::outcome::Collector;
use crate::import::stamp::shorten;
use crate::import::{DEFAULT_SUBJECT, Format, Import, ImportError, ImportOptions, SkipReason};
use crate::reading::{Censoring, Reading};
use crate::units::GlucoseMgDl;

/// Nightscout treats `sgv` below 39 as a device error code, 39 as `LOW` and above 400 as
/// `HIGH` (`lib/sandbox.js`, `lib/plugins/errorcodes.js`; PROVENANCE §8). Censored
/// readings store the Dexcom limits, 40 and 400 mg/dL, like Clarity's `Low`/`High`.
const ERROR_CODE_BELOW: f64 = 39.0;
const LOW_CODE: f64 = 39.0;
const HIGH_ABOVE: f64 = 400.0;
const LOW_LIMIT_MG_DL: f64 = 40.0;
const HIGH_LIMIT_MG_DL: f64 = 400.0;

pub(crate) fn read(
    input: impl Read,
    source: &str,
    options: &ImportOptions,
) -> Result<Import, ImportError> {
    let subject = options.subject.as_deref().unwrap_or(DEFAULT_SUBJECT);
    let mut out = Collector::new(source);
    let mut index = 0u64;
    let mut failure = None;
    // Entries are handled one at a time as the parser reaches them, so a large API dump
    // is never held as one JSON tree.
    let mut handle = |entry: Value| -> Result<(), ImportError> {
        index += 1;
        entry_to_reading(&entry, index, source, options, subject, &mut out)
    };
    let mut json = serde_json::Deserializer::from_reader(input);
    let parsed = Document {
        handle: &mut handle,
        failure: &mut failure,
    }
    .deserialize(&mut json)
    .and_then(|()| json.end());
    if let Some(error) = failure {
        return Err(error);
    }
    parsed.map_err(|e| match e.classify() {
        serde_json::error::Category::Io => ImportError::Io {
            input: source.to_owned(),
            error: e.into(),
        },
        _ => ImportError::Row {
            input: source.to_owned(),
            line: u64::try_from(e.line()).unwrap_or(0),
            problem: format!("invalid JSON: {e}"),
        },
    })?;
    Ok(out.finish(Format::Nightscout))
}

/// The top level: an array of entries, one entry, or API v3's `{status, result: […]}`
/// (reference §3), each entry passed to `handle` as soon as it is parsed.
struct Document<'a> {
    handle: &'a mut dyn FnMut(Value) -> Result<(), ImportError>,
    failure: &'a mut Option<ImportError>,
}

impl Document<'_> {
    fn give<E: serde::de::Error>(&mut self, entry: Value) -> Result<(), E> {
        (self.handle)(entry).map_err(|error| {
            *self.failure = Some(error);
            E::custom("import stopped")
        })
    }
}

impl<'de> DeserializeSeed<'de> for Document<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Document<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of Nightscout entries or one entry")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        while let Some(entry) = seq.next_element::<Value>()? {
            self.give(entry)?;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let mut fields = serde_json::Map::new();
        let mut wrapped = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "result" {
                wrapped = true;
                map.next_value_seed(Document {
                    handle: &mut *self.handle,
                    failure: &mut *self.failure,
                })?;
            } else {
                let value = map.next_value::<Value>()?;
                if !wrapped {
                    fields.insert(key, value);
                }
            }
        }
        if wrapped {
            Ok(())
        } else {
            self.give(Value::Object(fields))
        }
    }
}

/// Handles entry number `index`.
fn entry_to_reading(
    entry: &Value,
    index: u64,
    source: &str,
    options: &ImportOptions,
    subject: &str,
    out: &mut Collector,
) -> Result<(), ImportError> {
    let bad = |problem: String| ImportError::Entry {
        input: source.to_owned(),
        index,
        problem,
    };
    out.report.rows += 1;
    let Value::Object(entry) = entry else {
        return Err(bad("entry is not a JSON object".to_owned()));
    };
    // Only `sgv` entries are CGM; an entry with `sgv` but no `type` is taken as one.
    match entry.get("type") {
        Some(Value::String(kind)) if kind == "sgv" => {}
        None if entry.contains_key("sgv") => {}
        _ => {
            out.report.skip(SkipReason::NotCgm);
            return Ok(());
        }
    }
    let sgv = match entry.get("sgv") {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => crate::import::number::parse_decimal(s),
        Some(Value::Null) | None => {
            out.report.skip(SkipReason::NoValue);
            return Ok(());
        }
        Some(_) => None,
    };
    let sgv = sgv.ok_or_else(|| {
        bad(format!(
            "sgv {} is not a number",
            shorten(&entry.get("sgv").map(Value::to_string).unwrap_or_default())
        ))
    })?;
    let utc = instant(entry).map_err(bad)?;
    if sgv < ERROR_CODE_BELOW {
        out.report.skip(SkipReason::ErrorCode);
        return Ok(());
    }
    let (value, censoring) = if sgv <= LOW_CODE {
        (LOW_LIMIT_MG_DL, Censoring::BelowLimit)
    } else if sgv > HIGH_ABOVE {
        (HIGH_LIMIT_MG_DL, Censoring::AboveLimit)
    } else {
        (sgv, Censoring::Exact)
    };
    let glucose = GlucoseMgDl::new(value).map_err(|e| bad(format!("glucose value: {e}")))?;
    let local = utc.to_zoned(options.zone.clone()).datetime();
    out.reading(subject, Reading::new(utc, local, glucose, censoring));
    Ok(())
}

/// The entry's instant: `date` in epoch milliseconds, else `dateString` (ISO 8601 with
/// an offset).
fn instant(entry: &serde_json::Map<String, Value>) -> Result<Timestamp, String> {
    match entry.get("date") {
        Some(Value::Number(n)) => {
            let ms = n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.abs() < 1e17).map(|f| f as i64))
                .ok_or_else(|| format!("date {n} is not epoch milliseconds"))?;
            Timestamp::from_millisecond(ms).map_err(|_| format!("date {ms} is out of range"))
        }
        _ => match entry.get("dateString") {
            Some(Value::String(s)) => s
                .parse::<Timestamp>()
                .map_err(|_| format!("dateString '{}' is not an ISO 8601 instant", shorten(s))),
            _ => Err("entry has neither date nor dateString".to_owned()),
        },
    }
}
