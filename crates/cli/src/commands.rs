//! One module per `diapath` subcommand, and what they share.

pub mod convert;
pub mod database;
pub mod input;
pub mod metrics;
pub mod policy;
pub mod report;
pub mod serve;
pub mod simulate;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// Writes a file all at once or not at all: `write` fills a temporary file in the same
/// folder, which then replaces `path`. A failure leaves any existing file untouched.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(&dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    {
        let mut buffered = std::io::BufWriter::new(temp.as_file_mut());
        write(&mut buffered)?;
        buffered.flush()?;
    }
    temp.as_file().sync_all().ok();
    temp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// [`write_atomically_with`] for bytes already in memory.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_atomically_with(path, |out| Ok(out.write_all(bytes)?))
}
