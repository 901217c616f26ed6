//! The one place that reads the wall clock. Everything else takes time as a parameter
//! (clippy.toml bans the clock-reading methods elsewhere).

/// The current instant.
#[allow(clippy::disallowed_methods)]
pub fn now() -> jiff::Timestamp {
    jiff::Timestamp::now()
}

/// Today's date in the given zone: the default evaluation date of `diapath policy check`
/// and the demo's "now".
#[allow(clippy::disallowed_methods)]
pub fn today(zone: &jiff::tz::TimeZone) -> jiff::civil::Date {
    jiff::Timestamp::now().to_zoned(zone.clone()).date()
}
