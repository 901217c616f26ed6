//! `diapath metrics`: the full metric set per subject, for research files (`id,time,gl`
//! with many subjects) or any export. CSV table by default, JSON with `--json`.

use std::io::Write;

use diapath_glucose::metrics::{self, MetricOptions};

use crate::commands::input::InputArgs;

/// Arguments of `diapath metrics`.
#[derive(Debug, clap::Args)]
pub struct MetricsArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Print JSON (one object per subject) instead of a CSV table.
    #[arg(long)]
    pub json: bool,

    /// CONGA lag, hours.
    #[arg(long, value_name = "HOURS", default_value_t = 1.0)]
    pub conga_hours: f64,

    /// Longest gap interpolated on the iglu grid, minutes.
    #[arg(long, value_name = "MINUTES", default_value_t = 45.0)]
    pub inter_gap: f64,
}

/// Runs the command.
pub fn run(args: MetricsArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.conga_hours > 0.0 && args.inter_gap > 0.0,
        "--conga-hours and --inter-gap must be positive"
    );
    let options = MetricOptions {
        conga_hours: args.conga_hours,
        inter_gap_minutes: args.inter_gap,
        ..MetricOptions::default()
    };
    let loaded = args.input.load()?;
    eprint!("{}", loaded.summary());
    let rows: Vec<serde_json::Value> = loaded
        .merged
        .traces
        .iter()
        .filter(|t| !t.is_empty())
        .map(|t| {
            let mut value = serde_json::to_value(metrics::compute(t, &options))?;
            if let serde_json::Value::Object(map) = &mut value {
                map.insert("id".to_owned(), t.subject().into());
            }
            Ok(value)
        })
        .collect::<anyhow::Result<_>>()?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &rows)?;
        writeln!(out)?;
    } else {
        write_table(&rows, &mut out)?;
    }
    Ok(())
}

/// One CSV row per subject; nested values (ranges, quantiles) become columns of their
/// own (`ranges.below_54`, `quantiles.2`), undefined values empty.
fn write_table(rows: &[serde_json::Value], out: &mut dyn Write) -> anyhow::Result<()> {
    let flat: Vec<Vec<(String, String)>> = rows.iter().map(|r| flatten("", r)).collect();
    let mut header: Vec<String> = vec!["id".to_owned()];
    for row in &flat {
        for (key, _) in row {
            if !header.contains(key) {
                header.push(key.clone());
            }
        }
    }
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(&header)?;
    for row in &flat {
        let record: Vec<&str> = header
            .iter()
            .map(|h| {
                row.iter()
                    .find(|(k, _)| k == h)
                    .map_or("", |(_, v)| v.as_str())
            })
            .collect();
        csv.write_record(record)?;
    }
    csv.flush()?;
    Ok(())
}

fn flatten(prefix: &str, value: &serde_json::Value) -> Vec<(String, String)> {
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_owned()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match value {
        serde_json::Value::Object(map) => {
            map.iter().flat_map(|(k, v)| flatten(&key(k), v)).collect()
        }
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .flat_map(|(i, v)| flatten(&key(&i.to_string()), v))
            .collect(),
        serde_json::Value::Null => vec![(prefix.to_owned(), String::new())],
        serde_json::Value::String(s) => vec![(prefix.to_owned(), s.clone())],
        other => vec![(prefix.to_owned(), other.to_string())],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_values_become_dotted_columns() {
        let rows = vec![
            serde_json::json!({"id": "a", "mean": 120.5, "quantiles": [1, 2], "ranges": {"below_54": 0.5}, "cv": null}),
            serde_json::json!({"id": "b", "mean": 99, "quantiles": [3, 4], "ranges": {"below_54": 0}, "cv": 30}),
        ];
        let mut out = Vec::new();
        write_table(&rows, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next().unwrap(),
            "id,cv,mean,quantiles.0,quantiles.1,ranges.below_54"
        );
        assert_eq!(lines.next().unwrap(), "a,,120.5,1,2,0.5");
        assert_eq!(lines.next().unwrap(), "b,30,99,3,4,0");
    }
}
