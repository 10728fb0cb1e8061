//! A backup period and time of day as a cron line, exactly.
//!
//! Cron has no "every N days": a period of whole days is a cron line that fires every day (or,
//! for whole weeks, every Thursday) plus a guard in the backup script that goes on only on days
//! whose number since 1970-01-01 (a Thursday) is a multiple of N. So backups are exactly N days
//! apart, whatever the month lengths. Periods of hours dividing 24 and minutes dividing 60 are
//! plain cron lists. Anything else is refused.

const MINUTE_MS: u64 = 60_000;
const HOUR_MS: u64 = 60 * MINUTE_MS;
const DAY_MS: u64 = 24 * HOUR_MS;

/// When a backup runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// Cron minute field.
    pub minute: String,
    /// Cron hour field.
    pub hour: String,
    /// Cron day-of-week field (`*`, or `4` for Thursday).
    pub day_of_week: String,
    /// The script's guard: it backs up only on days whose number since 1970-01-01 is a multiple
    /// of this (1: every time the cron line fires).
    pub period_days: u64,
    /// The period in words (`14 days`, `6 hours`).
    pub period: String,
}

/// `HH:MM` as (hour, minute).
pub fn parse_time(text: &str) -> Option<(u32, u32)> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !(h.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some((h, m))
}

/// `n unit`, with the unit plural when `n` is not 1.
fn count(n: u64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// A cron list of `start`, `start + step`, … below `limit` (`*` when it is every value).
fn list(start: u32, step: u32, limit: u32) -> String {
    if step == 1 {
        return "*".to_string();
    }
    (0..limit / step)
        .map(|k| (start % step + k * step).to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// The schedule of a backup every `every_ms` milliseconds, anchored at `time` (hour, minute);
/// `Err` says why cron cannot express it.
pub fn schedule(every_ms: u64, time: (u32, u32)) -> Result<Schedule, String> {
    let (hour, minute) = time;
    if every_ms > 0 && every_ms.is_multiple_of(DAY_MS) {
        let days = every_ms / DAY_MS;
        return Ok(Schedule {
            minute: minute.to_string(),
            hour: hour.to_string(),
            day_of_week: if days.is_multiple_of(7) { "4" } else { "*" }.to_string(),
            period_days: days,
            period: if days.is_multiple_of(7) && days > 7 {
                format!("{} ({})", count(days, "day"), count(days / 7, "week"))
            } else {
                count(days, "day")
            },
        });
    }
    if every_ms > 0 && every_ms.is_multiple_of(HOUR_MS) {
        let hours = every_ms / HOUR_MS;
        if (24 % hours) == 0 {
            return Ok(Schedule {
                minute: minute.to_string(),
                // `hours` divides 24, so it fits in u32.
                hour: list(hour, hours as u32, 24),
                day_of_week: "*".to_string(),
                period_days: 1,
                period: count(hours, "hour"),
            });
        }
    }
    if every_ms > 0 && every_ms.is_multiple_of(MINUTE_MS) {
        let minutes = every_ms / MINUTE_MS;
        if (60 % minutes) == 0 {
            return Ok(Schedule {
                minute: list(minute, minutes as u32, 60),
                hour: "*".to_string(),
                day_of_week: "*".to_string(),
                period_days: 1,
                period: count(minutes, "minute"),
            });
        }
    }
    Err(format!(
        "a period of {every_ms} ms cannot be scheduled exactly with cron; use whole days, a \
         number of hours that divides 24, or a number of minutes that divides 60"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cron(s: &Schedule) -> String {
        format!(
            "{} {} * * {} /{}",
            s.minute, s.hour, s.day_of_week, s.period_days
        )
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("02:00"), Some((2, 0)));
        assert_eq!(parse_time("23:59"), Some((23, 59)));
        assert_eq!(parse_time("24:00"), None);
        assert_eq!(parse_time("2:00"), None);
        assert_eq!(parse_time("02:60"), None);
        assert_eq!(parse_time("+1:00"), None);
        assert_eq!(parse_time(""), None);
    }

    #[test]
    fn periods() {
        let at = (3, 15);
        let s = |ms| schedule(ms, at).map(|s| cron(&s));
        assert_eq!(s(DAY_MS).unwrap(), "15 3 * * * /1");
        assert_eq!(s(3 * DAY_MS).unwrap(), "15 3 * * * /3");
        assert_eq!(s(7 * DAY_MS).unwrap(), "15 3 * * 4 /7");
        assert_eq!(s(14 * DAY_MS).unwrap(), "15 3 * * 4 /14");
        assert_eq!(s(6 * HOUR_MS).unwrap(), "15 3,9,15,21 * * * /1");
        assert_eq!(s(HOUR_MS).unwrap(), "15 * * * * /1");
        assert_eq!(s(15 * MINUTE_MS).unwrap(), "0,15,30,45 * * * * /1");
        assert_eq!(s(MINUTE_MS).unwrap(), "* * * * * /1");
        assert!(s(36 * HOUR_MS).is_err());
        assert!(s(5 * HOUR_MS).is_err());
        assert!(s(90 * MINUTE_MS).is_err());
        assert!(s(7 * MINUTE_MS).is_err());
        assert!(s(1500).is_err());
        assert!(s(0).is_err());
        assert_eq!(
            schedule(14 * DAY_MS, at).unwrap().period,
            "14 days (2 weeks)"
        );
    }
}
