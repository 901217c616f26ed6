//! `diapath convert`: CGM exports in, one normalised CSV out
//! (`id,time,gl,utc,censored`, glucose in mg/dL).

use std::io::Write;
use std::path::{Path, PathBuf};

use diapath_glucose::Trace;

use crate::commands::input::InputArgs;
use crate::commands::write_atomically_with;

/// Arguments of `diapath convert`.
#[derive(Debug, clap::Args)]
pub struct ConvertArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Output CSV file, or `-` for standard output. Written only when every input imports
    /// cleanly (through a temporary file in the same folder, then renamed).
    #[arg(short, long, value_name = "OUT.csv")]
    pub output: PathBuf,
}

/// Runs the command.
pub fn run(args: ConvertArgs) -> anyhow::Result<()> {
    let loaded = args.input.load()?;
    eprint!("{}", loaded.summary());
    if args.output.as_os_str() == "-" {
        let stdout = std::io::stdout();
        write_csv(&loaded.merged.traces, stdout.lock())?;
        return Ok(());
    }
    write_atomically_with(&args.output, |out| write_csv(&loaded.merged.traces, out))?;
    let readings: usize = loaded.merged.traces.iter().map(Trace::len).sum();
    eprintln!("wrote {readings} readings to {}", display(&args.output));
    Ok(())
}

/// Writes the header and one row per reading, subjects in order, oldest first.
///
/// `time` is the device's wall clock, `utc` the instant (RFC 3339), `gl` mg/dL rounded to
/// 0.01 (finer than any sensor; mmol/L values survive the round trip to 0.001).
pub fn write_csv(traces: &[Trace], out: impl Write) -> anyhow::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(["id", "time", "gl", "utc", "censored"])?;
    for trace in traces {
        for reading in trace.readings() {
            let time = reading.local().strftime("%Y-%m-%d %H:%M:%S").to_string();
            let gl = mg_dl(reading.glucose().get());
            let utc = reading.utc().to_string();
            csv.write_record([
                trace.subject(),
                time.as_str(),
                gl.as_str(),
                utc.as_str(),
                reading.censoring().as_code(),
            ])?;
        }
    }
    csv.flush()?;
    Ok(())
}

/// `100`, `39.64`, `73.9`: two decimals at most, no trailing zeros.
fn mg_dl(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mg_dl_formatting() {
        assert_eq!(mg_dl(100.0), "100");
        assert_eq!(mg_dl(39.64004), "39.64");
        assert_eq!(mg_dl(73.9), "73.9");
        assert_eq!(mg_dl(120.004), "120");
    }
}
