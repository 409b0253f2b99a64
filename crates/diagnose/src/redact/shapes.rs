//! Identifiers known by their shape alone: IPv4 and IPv6 addresses, MAC
//! addresses and phone numbers. One walk over the words of a line; a word
//! is looked at only where it starts. Shapes that ordinary log text also
//! has (times `09:12:33`, dates `2026-11-20`, versions `16.0.17928.20156`,
//! codes `0x8004011d`, `std::string`) are not any of these.

use super::find::Hit;

const IP: &str = "ip";
const MAC: &str = "mac";
const PHONE: &str = super::find::PHONE;

pub(super) fn find(text: &str, hits: &mut Vec<Hit>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let starts = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        if starts {
            let found = if c == b'+' || c == b'(' {
                phone(b, i).map(|e| (e, PHONE))
            } else if c.is_ascii_hexdigit() || (c == b':' && b.get(i + 1) == Some(&b':')) {
                mac(b, i)
                    .map(|e| (e, MAC))
                    .or_else(|| ipv6(b, i).map(|e| (e, IP)))
                    .or_else(|| {
                        c.is_ascii_digit()
                            .then(|| {
                                ipv4(b, i)
                                    .map(|e| (e, IP))
                                    .or_else(|| phone(b, i).map(|e| (e, PHONE)))
                            })
                            .flatten()
                    })
            } else {
                None
            };
            if let Some((end, kind)) = found {
                let key = match kind {
                    PHONE => text[i..end]
                        .bytes()
                        .filter(u8::is_ascii_digit)
                        .map(char::from)
                        .collect(),
                    MAC => text[i..end]
                        .bytes()
                        .filter(u8::is_ascii_hexdigit)
                        .map(|c| c.to_ascii_lowercase() as char)
                        .collect(),
                    _ => text[i..end].to_ascii_lowercase(),
                };
                hits.push(Hit::new(i, end, super::find::With::Placeholder(kind, key)));
                i = end;
                continue;
            }
        }
        // To the next word.
        i += 1;
        if c.is_ascii_alphanumeric() {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
        }
    }
}

fn ends_clean(b: &[u8], end: usize) -> bool {
    !b.get(end)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// A MAC address: six pairs of hex digits joined by `:` or `-`, or three
/// groups of four joined by `.`.
fn mac(b: &[u8], at: usize) -> Option<usize> {
    if at > 0 && matches!(b[at - 1], b':' | b'-' | b'.') {
        return None;
    }
    let hex = |i: usize| b.get(i).is_some_and(u8::is_ascii_hexdigit);
    let sep = *b.get(at + 2)?;
    if matches!(sep, b':' | b'-') {
        for g in 0..6 {
            let p = at + g * 3;
            if !(hex(p) && hex(p + 1)) || (g < 5 && b.get(p + 2) != Some(&sep)) {
                return None;
            }
        }
        let end = at + 17;
        // A seventh group makes it something else (a hex dump).
        let longer = b.get(end) == Some(&sep) && hex(end + 1);
        return (!longer && ends_clean(b, end)).then_some(end);
    }
    if b.get(at + 4) == Some(&b'.') {
        for g in 0..3 {
            let p = at + g * 5;
            if !(0..4).all(|k| hex(p + k)) || (g < 2 && b.get(p + 4) != Some(&b'.')) {
                return None;
            }
        }
        let end = at + 14;
        return (ends_clean(b, end) && b.get(end) != Some(&b'.')).then_some(end);
    }
    None
}

/// An IPv6 address: hex groups with one `::`, or eight groups; an
/// optional `%zone`, and a dotted IPv4 tail (`::ffff:192.0.2.1`).
fn ipv6(b: &[u8], at: usize) -> Option<usize> {
    let is_part = |c: u8| c.is_ascii_hexdigit() || c == b':';
    let mut end = at;
    while end < b.len() && is_part(b[end]) {
        end += 1;
        // Longer than any address: not one (and not read again from each of its words).
        if end - at > 45 {
            return None;
        }
    }
    // Two colons at least (no time, no `Label:`), before anything is counted.
    if b[at..end].iter().filter(|&&c| c == b':').count() < 2 {
        return None;
    }
    let candidate = std::str::from_utf8(&b[at..end]).ok()?;
    // A dotted IPv4 tail.
    if b.get(end) == Some(&b'.') {
        if let Some(colon) = candidate.rfind(':') {
            if let Some(v4) = ipv4(b, at + colon + 1) {
                if looks_like_ipv6(&format!("{}0:0", &candidate[..=colon])) {
                    return Some(v4);
                }
            }
        }
    }
    if !ends_clean(b, end) || !looks_like_ipv6(candidate) {
        return None;
    }
    if b.get(end) == Some(&b'%') {
        let zone = b[end + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if zone > 0 {
            end += 1 + zone;
        }
    }
    Some(end)
}

fn looks_like_ipv6(s: &str) -> bool {
    let colons = s.matches(':').count();
    let compressed = s.matches("::").count() == 1;
    let groups: Vec<&str> = s.split(':').filter(|g| !g.is_empty()).collect();
    let hex_digits: usize = groups.iter().map(|g| g.len()).sum();
    (compressed || colons == 7)
        && colons <= 7
        && !s.contains(":::")
        && groups.iter().all(|g| g.len() <= 4)
        && groups.len() >= 2
        && hex_digits >= 4
}

/// A dotted quad at `at`, each part 0–255, not part of a longer dotted
/// number (a version).
fn ipv4(b: &[u8], at: usize) -> Option<usize> {
    if at > 0 && b[at - 1] == b'.' {
        return None;
    }
    let mut i = at;
    for part in 0..4 {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 3 {
            i += 1;
        }
        let value = b[start..i]
            .iter()
            .fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
        if i == start || value > 255 {
            return None;
        }
        if part < 3 {
            if b.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
    }
    let longer = b.get(i).is_some_and(u8::is_ascii_digit)
        || (b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit));
    (!longer && ends_clean(b, i)).then_some(i)
}

/// Groups of digits from `at` joined by one of `seps`: the groups' lengths
/// and the end.
fn digit_groups(b: &[u8], at: usize, seps: &[u8]) -> (Vec<usize>, usize) {
    let mut groups = Vec::new();
    let mut i = at;
    // No number has more groups; a longer chain is not read again from each group.
    while groups.len() < 6 {
        let n = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            break;
        }
        groups.push(n);
        i += n;
        match b.get(i) {
            Some(c) if seps.contains(c) && b.get(i + 1).is_some_and(u8::is_ascii_digit) => i += 1,
            _ => break,
        }
    }
    (groups, i)
}

/// A phone number: international (`+1 425 555 0100`, `+81-90-1234-5678`),
/// North American (`(425) 555-0100`, `425-555-0100`) or Japanese
/// (`090-1234-5678`, `03-1234-5678`, `0120-123-456`, `(03) 1234-5678`).
fn phone(b: &[u8], at: usize) -> Option<usize> {
    let total = |g: &[usize]| g.iter().sum::<usize>();
    match b[at] {
        b'+' => {
            let mut i = at + 1;
            let (mut groups, mut end) = digit_groups(b, i, b" -.");
            // `+44 (0)20 7946 0000`, `+1 (425) 555-0100`
            while b.get(end) == Some(&b' ') && b.get(end + 1) == Some(&b'(') {
                let inner = b[end + 2..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                if inner == 0 || b.get(end + 2 + inner) != Some(&b')') {
                    break;
                }
                groups.push(inner);
                i = end + 3 + inner;
                if b.get(i) == Some(&b' ') {
                    i += 1;
                }
                let (more, e) = digit_groups(b, i, b" -.");
                if more.is_empty() {
                    break;
                }
                groups.extend(more);
                end = e;
            }
            ((8..=15).contains(&total(&groups)) && groups[0] <= 4 && ends_clean(b, end))
                .then_some(end)
        }
        b'(' => {
            let inner = b[at + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if !(2..=5).contains(&inner) || b.get(at + 1 + inner) != Some(&b')') {
                return None;
            }
            let mut i = at + 2 + inner;
            if b.get(i) == Some(&b' ') {
                i += 1;
            }
            let (groups, end) = digit_groups(b, i, b"-");
            let digits = inner + total(&groups);
            (groups.len() == 2
                && (10..=11).contains(&digits)
                && ends_clean(b, end)
                && b.get(end) != Some(&b'-'))
            .then_some(end)
        }
        _ => {
            if at > 0 && matches!(b[at - 1], b'-' | b'.' | b'+' | b'/' | b':') {
                return None;
            }
            // A group of digits and then `-` or a space and a digit, or nothing to read.
            let digits = b[at..]
                .iter()
                .take(5)
                .take_while(|c| c.is_ascii_digit())
                .count();
            let sep = b.get(at + digits);
            if !(matches!(sep, Some(b'-' | b' '))
                && b.get(at + digits + 1).is_some_and(u8::is_ascii_digit))
            {
                return None;
            }
            let (groups, end) = digit_groups(b, at, b"-");
            if !ends_clean(b, end) || b.get(end) == Some(&b'-') || b.get(end) == Some(&b'.') {
                return None;
            }
            let japanese = b[at] == b'0'
                && groups.len() == 3
                && (10..=11).contains(&total(&groups))
                && groups[2] >= 3;
            let american = groups == [3, 3, 4] && b[at] != b'0';
            if japanese || american {
                return Some(end);
            }
            // `090 1234 5678`: a Japanese mobile number with spaces.
            let (spaced, end) = digit_groups(b, at, b" ");
            let mobile = spaced == [3, 4, 4]
                && b[at] == b'0'
                && matches!(b[at + 1], b'7' | b'8' | b'9')
                && b[at + 2] == b'0';
            (mobile && ends_clean(b, end)).then_some(end)
        }
    }
}

/// A phone number after a label: digits with spaces, `-`, `.`, `(`, `)`
/// and a leading `+`; at least six digits.
pub(super) fn phone_after_label(b: &[u8], at: usize) -> Option<usize> {
    let mut end = at;
    let mut digits = 0;
    while end < b.len()
        && end - at < 40
        && (b[end].is_ascii_digit() || matches!(b[end], b' ' | b'-' | b'.' | b'(' | b')' | b'+'))
    {
        digits += usize::from(b[end].is_ascii_digit());
        end += 1;
    }
    while end > at && !b[end - 1].is_ascii_digit() && b[end - 1] != b')' {
        end -= 1;
    }
    (digits >= 6 && ends_clean(b, end)).then_some(end)
}
