//! `diapath migrate` and `diapath audit verify`: the database's schema and the integrity
//! of its audit log.

use anyhow::Context;
use diapath_store::{AuditCheck, Store};

/// Where the database is: `--database-url`, or `DIAPATH_DATABASE_URL`.
#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseArgs {
    /// `sqlite://FILE` (embedded; created if missing) or `postgres://USER@HOST/DB`.
    #[arg(
        long,
        value_name = "URL",
        env = "DIAPATH_DATABASE_URL",
        default_value = "sqlite://diapath.db"
    )]
    pub database_url: String,
}

impl DatabaseArgs {
    /// Connects (without migrating).
    pub async fn connect(&self) -> anyhow::Result<Store> {
        Store::connect(&self.database_url)
            .await
            .with_context(|| format!("cannot open the database at {}", redact(&self.database_url)))
    }
}

/// The URL without a password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}@{}", &url[..scheme + 3], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// Arguments of `diapath migrate`.
#[derive(Debug, clap::Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
}

/// Creates or upgrades the schema.
pub fn migrate(args: MigrateArgs) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let store = args.db.connect().await?;
        store.migrate().await?;
        eprintln!(
            "{} schema is up to date at {}",
            store.backend(),
            redact(&args.db.database_url)
        );
        Ok(())
    })
}

/// Arguments of `diapath audit`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
}

/// `diapath audit` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Check the audit log's hash chain; exits non-zero at the first broken record.
    Verify(MigrateArgs),
}

/// Runs `diapath audit …`; `false` when the chain is broken.
pub fn audit(args: AuditArgs) -> anyhow::Result<bool> {
    match args.command {
        AuditCommand::Verify(args) => runtime()?.block_on(async {
            let store = args.db.connect().await?;
            match store.verify_audit().await? {
                AuditCheck::Intact { records } => {
                    println!("audit log intact: {records} records, every hash and link checked");
                    Ok(true)
                }
                AuditCheck::Broken { seq, problem } => {
                    println!("audit log BROKEN at record {seq}: {problem}");
                    Ok(false)
                }
            }
        }),
    }
}

/// A multi-threaded tokio runtime for commands that use the database.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://app:secret@db.example:5432/diapath"),
            "postgres://app@db.example:5432/diapath"
        );
        assert_eq!(redact("sqlite://diapath.db"), "sqlite://diapath.db");
    }
}
