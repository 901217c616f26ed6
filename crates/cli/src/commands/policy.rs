//! `diapath policy`: list, show, check, test and lint eligibility policies. Reads the
//! policy library and facts files from disk and hands their text to diapath-policy.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use diapath_policy::{Facts, Policy, Stage, TestSuite, evaluate, explain};
use jiff::civil::Date;

/// Arguments of `diapath policy`.
#[derive(Debug, clap::Args)]
pub struct PolicyArgs {
    /// The policy library folder. Default: the nearest `policies` folder in the current
    /// directory or one of its parents, else the one shipped with the source.
    #[arg(long, value_name = "DIR", global = true, env = "DIAPATH_POLICIES")]
    pub policies: Option<PathBuf>,

    #[command(subcommand)]
    pub command: PolicyCommand,
}

/// The `diapath policy` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum PolicyCommand {
    /// List the policies in the library: id, technology, scope, version and title.
    List,
    /// Show one policy in plain English: criteria with their sources, tiers,
    /// continuation, approval route, and what the sources leave unconfirmed.
    Show {
        /// Policy id (see `diapath policy list`) or the path of a policy file.
        id: String,
    },
    /// Check a patient's facts against a policy: the outcome with reasons, the evidence
    /// to collect, and what would change a "not eligible".
    Check(CheckArgs),
    /// Run the test cases of every policy in the library (policies/tests/<id>.toml), or
    /// of the policies named.
    Test {
        /// Policy ids; all when none are given.
        ids: Vec<String>,
    },
    /// Check a policy file as its author: it must load (errors give the line), should
    /// cite a section for every criterion, and its test cases, if found, must pass.
    Lint {
        /// The policy file.
        file: PathBuf,
        /// Its test-case file. Default: tests/<file name> beside the policy.
        #[arg(long, value_name = "FILE")]
        tests: Option<PathBuf>,
    },
}

/// Arguments of `diapath policy check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Policy id (see `diapath policy list`) or the path of a policy file.
    pub id: String,

    /// The patient's facts: JSON (`.json`) or TOML, as described in docs/facts.md.
    #[arg(long, value_name = "FILE")]
    pub facts: PathBuf,

    /// Evaluation date (YYYY-MM-DD). Facts recorded after it are ignored. Default: today
    /// in the `--tz` zone.
    #[arg(long, value_name = "DATE")]
    pub on: Option<Date>,

    /// Evaluate the continuation (review) criteria instead of the initial ones.
    #[arg(long)]
    pub review: bool,

    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,

    /// Time zone that decides today's date when `--on` is not given.
    #[arg(
        long,
        value_name = "ZONE",
        default_value = "Europe/London",
        env = "DIAPATH_TZ"
    )]
    pub tz: String,
}

/// Runs the command. Returns `false` when `test` or `lint` found failures.
pub fn run(args: PolicyArgs) -> anyhow::Result<bool> {
    let dir = library_dir(args.policies)?;
    match args.command {
        PolicyCommand::List => list(&dir),
        PolicyCommand::Show { id } => {
            let (policy, _) = load(&dir, &id)?;
            print!("{}", explain::show(&policy));
            Ok(true)
        }
        PolicyCommand::Check(check_args) => check(&dir, check_args),
        PolicyCommand::Test { ids } => test(&dir, &ids),
        PolicyCommand::Lint { file, tests } => lint(&file, tests.as_deref()),
    }
}

/// `--policies`, else the nearest `policies` folder from the current directory up, else
/// the source tree's.
pub(crate) fn library_dir(given: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(dir) = given {
        if !dir.is_dir() {
            bail!("policy folder {} does not exist", dir.display());
        }
        return Ok(dir);
    }
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    for ancestor in cwd.ancestors() {
        let candidate = ancestor.join("policies");
        if candidate.is_dir() {
            return Ok(candidate);
        }
    }
    let shipped = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../policies"));
    if shipped.is_dir() {
        return Ok(shipped);
    }
    bail!("no policies folder found: give one with --policies DIR")
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn display_name(path: &Path) -> String {
    path.display().to_string()
}

/// Every policy of the library, sorted by file name.
pub(crate) fn load_library(dir: &Path) -> anyhow::Result<Vec<Policy>> {
    policy_files(dir)?
        .iter()
        .map(|path| Ok(Policy::parse(&display_name(path), &read(path)?)?))
        .collect()
}

/// The policy files of the library, sorted by name.
fn policy_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file() && path.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

/// A policy by id from the library, or by path; with the file it came from.
fn load(dir: &Path, id: &str) -> anyhow::Result<(Policy, PathBuf)> {
    let as_path = PathBuf::from(id);
    let path = if id.ends_with(".toml") && as_path.is_file() {
        as_path
    } else {
        let path = dir.join(format!("{id}.toml"));
        if !path.is_file() {
            let known: Vec<String> = policy_files(dir)?
                .iter()
                .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
                .collect();
            bail!(
                "no policy `{id}` in {} (known: {})",
                dir.display(),
                known.join(", ")
            );
        }
        path
    };
    let policy = Policy::parse(&display_name(&path), &read(&path)?)?;
    Ok((policy, path))
}

fn list(dir: &Path) -> anyhow::Result<bool> {
    let mut rows = Vec::new();
    for path in policy_files(dir)? {
        let policy = Policy::parse(&display_name(&path), &read(&path)?)?;
        rows.push([
            policy.id,
            policy.technology.code().to_owned(),
            policy.scope.to_string(),
            policy.version,
            policy.title,
        ]);
    }
    let widths: Vec<usize> = (0..4)
        .map(|column| {
            rows.iter()
                .map(|row| row[column].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in &rows {
        let mut line = String::new();
        for (column, width) in widths.iter().enumerate() {
            line.push_str(&format!("{:<width$}  ", row[column]));
        }
        line.push_str(&row[4]);
        println!("{line}");
    }
    Ok(true)
}

fn check(dir: &Path, args: CheckArgs) -> anyhow::Result<bool> {
    let (policy, _) = load(dir, &args.id)?;
    let facts = Facts::parse(&display_name(&args.facts), &read(&args.facts)?)?;
    let on = match args.on {
        Some(on) => on,
        None => crate::clock::today(&crate::commands::input::zone(&args.tz)?),
    };
    let stage = if args.review {
        if policy.continuation.is_none() {
            bail!("policy `{}` has no continuation criteria", policy.id);
        }
        Stage::Continuation
    } else {
        Stage::Initiation
    };
    let report = evaluate(&policy, &facts, on, stage).report();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.text());
    }
    Ok(true)
}

/// Runs a suite and prints one line per case; returns (passed, failed).
fn run_suite(policy: &Policy, tests_path: &Path) -> anyhow::Result<(usize, usize)> {
    let suite = TestSuite::parse(&display_name(tests_path), &read(tests_path)?)?;
    let (mut passed, mut failed) = (0, 0);
    for result in suite.run(policy) {
        if result.passed() {
            passed += 1;
            println!("ok      {}: {}", policy.id, result.name);
        } else {
            failed += 1;
            println!(
                "FAILED  {}: {} ({} line {}): {}",
                policy.id,
                result.name,
                tests_path.display(),
                result.line,
                result.problems.join("; ")
            );
        }
    }
    Ok((passed, failed))
}

fn test(dir: &Path, ids: &[String]) -> anyhow::Result<bool> {
    let files = if ids.is_empty() {
        policy_files(dir)?
    } else {
        ids.iter()
            .map(|id| dir.join(format!("{id}.toml")))
            .collect()
    };
    let (mut passed, mut failed) = (0, 0);
    for path in files {
        let policy = Policy::parse(&display_name(&path), &read(&path)?)?;
        let tests_path = dir.join("tests").join(format!("{}.toml", policy.id));
        if !tests_path.is_file() {
            failed += 1;
            println!(
                "FAILED  {}: no test cases at {}",
                policy.id,
                tests_path.display()
            );
            continue;
        }
        let (p, f) = run_suite(&policy, &tests_path)?;
        passed += p;
        failed += f;
    }
    println!("\n{passed} passed, {failed} failed");
    Ok(failed == 0)
}

fn lint(file: &Path, tests: Option<&Path>) -> anyhow::Result<bool> {
    let policy = Policy::parse(&display_name(file), &read(file)?)?;
    let mut advice = policy.lint();
    if file
        .file_stem()
        .is_some_and(|stem| stem != policy.id.as_str())
    {
        advice.push(format!(
            "the file name should be {}.toml so `diapath policy check {}` finds it",
            policy.id, policy.id
        ));
    }
    let tests_path = match tests {
        Some(path) => Some(path.to_path_buf()),
        None => file
            .parent()
            .map(|parent| {
                parent
                    .join("tests")
                    .join(file.file_name().unwrap_or_default())
            })
            .filter(|path| path.is_file()),
    };
    let mut ok = true;
    match &tests_path {
        Some(path) => {
            let (passed, failed) = run_suite(&policy, path)?;
            println!("{passed} passed, {failed} failed");
            ok = failed == 0;
        }
        None => advice.push(format!(
            "no test cases found: write tests/{}.toml beside the policy (docs/policy-format.md, \"Test cases\")",
            policy.id
        )),
    }
    for line in &advice {
        println!("warning: {line}");
    }
    let criteria =
        policy.criteria.len() + policy.continuation.as_ref().map_or(0, |c| c.criteria.len());
    let plural = if advice.len() == 1 { "" } else { "s" };
    println!(
        "{}: policy `{}` version {} loads ({} criteria, {} warning{plural})",
        file.display(),
        policy.id,
        policy.version,
        criteria,
        advice.len()
    );
    Ok(ok)
}
