//! One module per `diapath` subcommand.

pub mod convert;
pub mod input;
pub mod policy;
