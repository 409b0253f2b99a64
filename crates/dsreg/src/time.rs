//! Timestamps as dsregcmd prints them (`2019-01-31 09:25:31.000 UTC`) and
//! certificate validity ranges (`[ start -- end ]`). All arithmetic is on
//! the capture's own clock: nothing here reads the machine's time.

use m365doctor_codes::Lang;

/// Seconds since 1970-01-01 00:00:00 UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

pub const MINUTE: i64 = 60;
pub const HOUR: i64 = 3600;
pub const DAY: i64 = 86_400;

/// Days from 1970-01-01 to a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn number(s: &str, min: i64, max: i64) -> Option<i64> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = s.parse().ok()?;
    (min..=max).contains(&n).then_some(n)
}

impl Timestamp {
    /// Parses `YYYY-MM-DD HH:MM:SS[.fff] [UTC]` (also with `/` or `T`).
    pub fn parse(text: &str) -> Option<Timestamp> {
        let t = text.trim();
        let t = t
            .strip_suffix("UTC")
            .or_else(|| t.strip_suffix("utc"))
            .or_else(|| t.strip_suffix('Z'))
            .unwrap_or(t)
            .trim();
        let (date, time) = t.split_once([' ', 'T'])?;
        let mut d = date.split(['-', '/']);
        let y = number(d.next()?, 1601, 9999)?;
        let mo = number(d.next()?, 1, 12)?;
        let day = number(d.next()?, 1, 31)?;
        if d.next().is_some() {
            return None;
        }
        let time = time.trim();
        let time = time.split_once('.').map(|(a, _)| a).unwrap_or(time);
        let mut parts = time.split(':');
        let h = number(parts.next()?, 0, 23)?;
        let mi = number(parts.next()?, 0, 59)?;
        let s = match parts.next() {
            Some(s) => number(s, 0, 60)?,
            None => 0,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(Timestamp(
            days_from_civil(y, mo, day) * DAY + h * HOUR + mi * MINUTE + s,
        ))
    }

    fn parts(self) -> (i64, i64, i64, i64, i64, i64) {
        let days = self.0.div_euclid(DAY);
        let secs = self.0.rem_euclid(DAY);
        let (y, m, d) = civil_from_days(days);
        (y, m, d, secs / HOUR, secs % HOUR / MINUTE, secs % MINUTE)
    }

    /// `2019-01-31T09:25:31Z`.
    pub fn iso(self) -> String {
        let (y, m, d, h, mi, s) = self.parts();
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }

    /// `2019-01-31 09:25:31 UTC`, as dsregcmd prints it.
    pub fn display(self) -> String {
        let (y, m, d, h, mi, s) = self.parts();
        format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02} UTC")
    }
}

/// `[ 2019-01-11 21:02:50.000 UTC -- 2029-01-11 21:32:50.000 UTC ]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    pub not_before: Timestamp,
    pub not_after: Timestamp,
}

impl Validity {
    pub fn parse(text: &str) -> Option<Validity> {
        let inner = text.trim().trim_start_matches('[').trim_end_matches(']');
        let (a, b) = inner.split_once("--")?;
        Some(Validity {
            not_before: Timestamp::parse(a)?,
            not_after: Timestamp::parse(b)?,
        })
    }
}

/// A duration in words: `3 h 12 min`, `5 d 4 h` / `3 時間 12 分`, `5 日 4 時間`.
pub fn span(seconds: i64, lang: Lang) -> String {
    let s = seconds.unsigned_abs() as i64;
    let (d, h, m) = (s / DAY, s % DAY / HOUR, s % HOUR / MINUTE);
    match lang {
        Lang::En => {
            if d > 0 {
                if h > 0 {
                    format!("{d} d {h} h")
                } else {
                    format!("{d} d")
                }
            } else if h > 0 {
                if m > 0 {
                    format!("{h} h {m} min")
                } else {
                    format!("{h} h")
                }
            } else {
                format!("{m} min")
            }
        }
        Lang::Ja => {
            if d > 0 {
                if h > 0 {
                    format!("{d} 日 {h} 時間")
                } else {
                    format!("{d} 日")
                }
            } else if h > 0 {
                if m > 0 {
                    format!("{h} 時間 {m} 分")
                } else {
                    format!("{h} 時間")
                }
            } else {
                format!("{m} 分")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dsregcmd_times() {
        let t = Timestamp::parse("2019-01-31 09:25:31.000 UTC").unwrap();
        assert_eq!(t.iso(), "2019-01-31T09:25:31Z");
        assert_eq!(t.display(), "2019-01-31 09:25:31 UTC");
        assert_eq!(Timestamp::parse("1970-01-01 00:00:00").unwrap().0, 0);
        assert_eq!(
            Timestamp::parse("2000-03-01T00:00:00Z").unwrap().iso(),
            "2000-03-01T00:00:00Z"
        );
        assert!(Timestamp::parse("2019-13-01 00:00:00").is_none());
        assert!(Timestamp::parse("NONE").is_none());
        assert!(Timestamp::parse("").is_none());
        assert!(Timestamp::parse("99999-01-01 00:00").is_none());
    }

    #[test]
    fn parses_validity() {
        let v = Validity::parse("[ 2019-01-11 21:02:50.000 UTC -- 2029-01-11 21:32:50.000 UTC ]")
            .unwrap();
        assert_eq!(v.not_before.iso(), "2019-01-11T21:02:50Z");
        assert_eq!(v.not_after.iso(), "2029-01-11T21:32:50Z");
        assert!(Validity::parse("[ garbage ]").is_none());
    }

    #[test]
    fn spans() {
        assert_eq!(span(3 * HOUR + 12 * MINUTE, Lang::En), "3 h 12 min");
        assert_eq!(span(5 * DAY + 4 * HOUR, Lang::Ja), "5 日 4 時間");
        assert_eq!(span(-90, Lang::En), "1 min");
        assert!(!span(i64::MIN, Lang::En).is_empty());
    }
}
