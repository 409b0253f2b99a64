//! Time stamps as sign-in exports write them, to Unix seconds (UTC) and back.
//!
//! Accepted: ISO 8601 with 0–9 fractional digits and `Z`, `±hh:mm` or no
//! zone (`2025-04-11T16:15:30.5431359+00:00`, `2007-01-09T09:41:00`, with a
//! space instead of `T` too), and the US forms diagnostic settings and old
//! portal downloads use (`11/14/2025 1:48:53 AM`, `01/09/2007 09:41:00`,
//! `1/9/2007 10:41:00 AM +01:00`). Times without a zone are UTC, as every
//! sign-in export documents. Nothing here allocates.

/// Seconds since 1970-01-01T00:00:00Z, or `None` when `s` is not a time.
pub fn parse(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
        parse_iso(b)
    } else {
        parse_us(b)
    }
}

fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() || b.len() > 9 {
        return None;
    }
    let mut v = 0i64;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(c - b'0');
    }
    Some(v)
}

fn parse_iso(b: &[u8]) -> Option<i64> {
    let year = digits(&b[0..4])?;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    let mut rest = &b[10..];
    let (mut h, mut m, mut sec) = (0, 0, 0);
    if !rest.is_empty() && (rest[0] == b'T' || rest[0] == b't' || rest[0] == b' ') {
        rest = &rest[1..];
        if rest.len() < 5 || rest[2] != b':' {
            return None;
        }
        h = digits(&rest[0..2])?;
        m = digits(&rest[3..5])?;
        rest = &rest[5..];
        if rest.len() >= 3 && rest[0] == b':' {
            sec = digits(&rest[1..3])?;
            rest = &rest[3..];
        }
        if !rest.is_empty() && (rest[0] == b'.' || rest[0] == b',') {
            let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            rest = &rest[1 + n..];
        }
    }
    let offset = zone(rest)?;
    civil(year, month, day, h, m, sec).map(|t| t - offset)
}

/// `Z`, `+hh:mm`, `-hhmm`, ` +01:00` or nothing, as seconds east of UTC.
fn zone(rest: &[u8]) -> Option<i64> {
    let rest = trim_ascii(rest);
    match rest {
        [] | [b'Z'] | [b'z'] => Some(0),
        [b'U', b'T', b'C'] => Some(0),
        [sign @ (b'+' | b'-'), tail @ ..] => {
            let (hh, mm) = match tail {
                [a, b, b':', c, d] => (digits(&[*a, *b])?, digits(&[*c, *d])?),
                [a, b, c, d] => (digits(&[*a, *b])?, digits(&[*c, *d])?),
                [a, b] => (digits(&[*a, *b])?, 0),
                _ => return None,
            };
            if hh > 14 || mm > 59 {
                return None;
            }
            let secs = hh * 3600 + mm * 60;
            Some(if *sign == b'-' { -secs } else { secs })
        }
        _ => None,
    }
}

fn trim_ascii(mut b: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = b {
        if first.is_ascii_whitespace() {
            b = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = b {
        if last.is_ascii_whitespace() {
            b = rest;
        } else {
            break;
        }
    }
    b
}

/// `M/d/yyyy h:mm[:ss][.fff] [AM|PM] [zone]`: month first, as the US-English
/// formats of diagnostic settings and the classic portal write it.
fn parse_us(b: &[u8]) -> Option<i64> {
    let mut parts = b.splitn(2, |c| *c == b' ');
    // Log Analytics' CSV export writes `4/11/2025, 12:00:00.000 PM`.
    let date = parts.next()?;
    let date = date.strip_suffix(b",").unwrap_or(date);
    let rest = parts.next().unwrap_or(b"");
    let mut d = date.split(|c| *c == b'/');
    let month = digits(d.next()?)?;
    let day = digits(d.next()?)?;
    let year_b = d.next()?;
    if d.next().is_some() || year_b.len() != 4 {
        return None;
    }
    let year = digits(year_b)?;
    let rest = trim_ascii(rest);
    if rest.is_empty() {
        return civil(year, month, day, 0, 0, 0);
    }
    let time_len = rest.iter().take_while(|c| !c.is_ascii_whitespace()).count();
    let (clock, mut tail) = rest.split_at(time_len);
    let mut t = clock.split(|c| *c == b':');
    let mut h = digits(t.next()?)?;
    let m = digits(t.next()?)?;
    let sec = match t.next() {
        Some(s) => {
            let whole = s.split(|c| *c == b'.').next()?;
            digits(whole)?
        }
        None => 0,
    };
    if t.next().is_some() {
        return None;
    }
    tail = trim_ascii(tail);
    if tail.len() >= 2 {
        let ampm = [tail[0].to_ascii_uppercase(), tail[1].to_ascii_uppercase()];
        if ampm == *b"AM" || ampm == *b"PM" {
            if h == 0 || h > 12 {
                return None;
            }
            if ampm == *b"AM" && h == 12 {
                h = 0;
            } else if ampm == *b"PM" && h != 12 {
                h += 12;
            }
            tail = &tail[2..];
        }
    }
    let offset = zone(tail)?;
    civil(year, month, day, h, m, sec).map(|t| t - offset)
}

fn civil(year: i64, month: i64, day: i64, h: i64, m: i64, s: i64) -> Option<i64> {
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    // A leap second (":60") is read as the next second.
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `2025-04-11T16:15:30Z`.
pub fn format(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// The start of the window of `width` seconds that holds `t` (KQL's `bin`).
pub fn bin(t: i64, width: i64) -> i64 {
    t.div_euclid(width) * width
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_forms() {
        let want = parse("2007-01-09T09:41:00Z").unwrap();
        assert_eq!(format(want), "2007-01-09T09:41:00Z");
        for s in [
            "2007-01-09T09:41:00",
            "2007-01-09T09:41:00.12Z",
            "2007-01-09T09:41:00.1234567Z",
            "2007-01-09T09:41:00.123456789+00:00",
            "2007-01-09T11:41:00+02:00",
            "2007-01-09T04:41:00-0500",
            "2007-01-09 09:41:00",
            " 2007-01-09T09:41:00Z ",
        ] {
            assert_eq!(parse(s), Some(want), "{s}");
        }
        assert_eq!(parse("2025-04-11"), parse("2025-04-11T00:00:00Z"));
    }

    #[test]
    fn us_forms() {
        let want = parse("2007-01-09T09:41:00Z").unwrap();
        for s in [
            "01/09/2007 09:41:00",
            "1/9/2007 9:41:00 AM",
            "1/9/2007 10:41:00 AM +01:00",
            "1/9/2007 9:41 am",
        ] {
            assert_eq!(parse(s), Some(want), "{s}");
        }
        assert_eq!(
            parse("11/14/2025 1:48:53 AM"),
            parse("2025-11-14T01:48:53Z")
        );
        assert_eq!(
            parse("11/14/2025 12:05:00 AM"),
            parse("2025-11-14T00:05:00Z")
        );
        assert_eq!(
            parse("11/14/2025 12:05:00 PM"),
            parse("2025-11-14T12:05:00Z")
        );
        assert_eq!(
            parse("11/14/2025 1:05:00 PM"),
            parse("2025-11-14T13:05:00Z")
        );
        assert_eq!(
            parse("4/11/2025, 12:00:00.000 PM"),
            parse("2025-04-11T12:00:00Z")
        );
    }

    #[test]
    fn rejects_what_is_not_a_time() {
        for s in [
            "",
            "yesterday",
            "2025-13-01T00:00:00Z",
            "2025-02-30T00:00:00Z",
            "2025-01-01T25:00:00Z",
            "13/40/2025 1:00:00 AM",
            "1/9/07 9:41:00",
            "2025-01-01T00:00:00+99:00",
            "1/9/2007 13:41:00 PM",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
    }

    #[test]
    fn round_trips_and_bins() {
        for t in [0, 951_782_400, 1_700_000_000, -86_400, 4_102_444_800] {
            assert_eq!(parse(&format(t)), Some(t));
        }
        assert_eq!(parse("2000-02-29T00:00:00Z"), Some(951_782_400));
        assert_eq!(bin(1_000, 600), 600);
        assert_eq!(bin(-1, 600), -600);
    }
}
