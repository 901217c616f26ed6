//! Calendar periods such as "3 months" or "12 months": evidence windows, review intervals
//! and trial lengths. Counted in calendar units from the evaluation date.

use jiff::civil::Date;

/// A calendar period: a whole number of days, weeks, months or years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    amount: i32,
    unit: PeriodUnit,
}

/// The unit of a [`Period`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodUnit {
    /// Calendar days.
    Days,
    /// Weeks of 7 days.
    Weeks,
    /// Calendar months (the day is clamped to the month's end).
    Months,
    /// Calendar years.
    Years,
}

impl Period {
    /// Parses `"3 months"`, `"1 year"`, `"14 days"`, `"2 weeks"`.
    pub fn parse(text: &str) -> Result<Period, String> {
        let mut words = text.split_whitespace();
        let (Some(amount), Some(unit), None) = (words.next(), words.next(), words.next()) else {
            return Err(format!(
                "period {text:?} should read like \"3 months\", \"1 year\", \"2 weeks\" or \"14 days\""
            ));
        };
        let amount: i32 = amount
            .parse()
            .ok()
            .filter(|n| (1..=1200).contains(n))
            .ok_or_else(|| {
                format!("period {text:?}: {amount:?} is not a whole number from 1 to 1200")
            })?;
        let unit = match unit {
            "day" | "days" => PeriodUnit::Days,
            "week" | "weeks" => PeriodUnit::Weeks,
            "month" | "months" => PeriodUnit::Months,
            "year" | "years" => PeriodUnit::Years,
            other => {
                return Err(format!(
                    "period {text:?}: unit {other:?} is not days, weeks, months or years"
                ));
            }
        };
        Ok(Period { amount, unit })
    }

    /// The date this period before `date` (None only at the ends of the calendar). Months
    /// and years count back on the calendar, the day clamped to the month's end
    /// (31 May less 3 months is 28 or 29 February).
    pub fn before(self, date: Date) -> Option<Date> {
        // Months and years are computed directly: this runs for every windowed test of
        // every evaluation, and span arithmetic is several times slower.
        let months = match self.unit {
            PeriodUnit::Months => self.amount,
            PeriodUnit::Years => self.amount.checked_mul(12)?,
            PeriodUnit::Days | PeriodUnit::Weeks => return date.checked_sub(self.span()).ok(),
        };
        let index = i32::from(date.year()) * 12 + i32::from(date.month()) - 1 - months;
        let year = i16::try_from(index.div_euclid(12)).ok()?;
        let month = i8::try_from(index.rem_euclid(12) + 1).ok()?;
        let first = Date::new(year, month, 1).ok()?;
        Date::new(year, month, date.day().min(first.days_in_month())).ok()
    }

    /// The date this period after `date`.
    pub fn after(self, date: Date) -> Option<Date> {
        date.checked_add(self.span()).ok()
    }

    fn span(self) -> jiff::Span {
        let span = jiff::Span::new();
        match self.unit {
            PeriodUnit::Days => span.days(self.amount),
            PeriodUnit::Weeks => span.weeks(self.amount),
            PeriodUnit::Months => span.months(self.amount),
            PeriodUnit::Years => span.years(self.amount),
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match self.unit {
            PeriodUnit::Days => "day",
            PeriodUnit::Weeks => "week",
            PeriodUnit::Months => "month",
            PeriodUnit::Years => "year",
        };
        let plural = if self.amount == 1 { "" } else { "s" };
        write!(f, "{} {unit}{plural}", self.amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn parses_and_counts_calendar_months() {
        let three = Period::parse("3 months").unwrap();
        assert_eq!(three.to_string(), "3 months");
        assert_eq!(three.before(date(2026, 5, 31)), Some(date(2026, 2, 28)));
        assert_eq!(Period::parse("1 year").unwrap().to_string(), "1 year");
        assert_eq!(
            Period::parse("2 weeks").unwrap().before(date(2026, 1, 15)),
            Some(date(2026, 1, 1))
        );
        // Agrees with calendar arithmetic on every day of four years.
        for period in [
            "1 month",
            "3 months",
            "6 months",
            "12 months",
            "1 year",
            "2 years",
        ] {
            let period = Period::parse(period).unwrap();
            let mut day = date(2023, 1, 1);
            while day < date(2027, 1, 1) {
                assert_eq!(
                    period.before(day),
                    day.checked_sub(period.span()).ok(),
                    "{period} before {day}"
                );
                day = day.tomorrow().unwrap();
            }
        }
        assert!(Period::parse("3").is_err());
        assert!(Period::parse("three months").is_err());
        assert!(Period::parse("3 fortnights").is_err());
        assert!(Period::parse("0 days").is_err());
    }
}
