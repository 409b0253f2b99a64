//! People's names as they stand in text: capitalised Latin words
//! ("Megan Bowen", "Jean-Luc O'Brien") and Japanese names in kanji and
//! katakana ("山田 太郎", "メーガン・ボウエン"), read forwards (after a label
//! or a greeting) or backwards (before `<address>` or an honorific).

pub(super) fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '々' | '〆')
}

pub(super) fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー' | '・' | '\u{31F0}'..='\u{31FF}' | '\u{FF66}'..='\u{FF9F}')
}

pub(super) fn is_hiragana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309F}')
}

/// Japanese script, in which words are not separated by spaces.
pub(super) fn is_cjk(c: char) -> bool {
    is_han(c)
        || is_katakana(c)
        || is_hiragana(c)
        || matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}')
}

fn is_name_cjk(c: char) -> bool {
    is_han(c) || is_katakana(c)
}

/// Capitalised words that begin no one's name in a log: products, log
/// words, pronouns.
const NOT_NAMES: &[&str] = &[
    "A",
    "About",
    "Access",
    "Account",
    "Admin",
    "Administrator",
    "Again",
    "All",
    "An",
    "And",
    "App",
    "Application",
    "Are",
    "As",
    "At",
    "Authenticator",
    "Azure",
    "Back",
    "Browser",
    "But",
    "Chrome",
    "Code",
    "Colleague",
    "Colleagues",
    "Company",
    "Could",
    "Customer",
    "Customers",
    "Device",
    "Do",
    "Edge",
    "Entra",
    "Error",
    "Everyone",
    "Excel",
    "Exchange",
    "Failed",
    "Failure",
    "For",
    "Friend",
    "Friends",
    "From",
    "Guest",
    "Hello",
    "Hi",
    "I",
    "Id",
    "ID",
    "In",
    "Info",
    "Information",
    "Intune",
    "Is",
    "It",
    "Microsoft",
    "My",
    "No",
    "Not",
    "Office",
    "OneDrive",
    "OneNote",
    "Or",
    "Our",
    "Outlook",
    "Please",
    "Portal",
    "Madam",
    "PowerPoint",
    "Sign",
    "Signed",
    "Sir",
    "SharePoint",
    "Status",
    "Support",
    "Team",
    "Teams",
    "Tenant",
    "Thank",
    "Thanks",
    "That",
    "The",
    "There",
    "This",
    "To",
    "Unknown",
    "User",
    "Users",
    "Visio",
    "Warning",
    "We",
    "Welcome",
    "Windows",
    "With",
    "Word",
    "World",
    "You",
    "Your",
];

/// Lowercase words that may stand inside a name (`Ludwig van Beethoven`).
const PARTICLES: &[&str] = &[
    "van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "del", "dos", "bin", "al",
];

/// The end of a Latin word of a name starting at `at`: a capital, then
/// letters, apostrophes, hyphens and dots, with a lowercase letter (or an
/// initial, `J.`).
fn latin_word(text: &str, at: usize) -> Option<usize> {
    let mut chars = text[at..].char_indices();
    let (_, first) = chars.next()?;
    if !first.is_uppercase() || is_cjk(first) {
        return None;
    }
    let mut end = at + first.len_utf8();
    let mut lower = false;
    for (i, c) in chars {
        if c.is_alphabetic() && !is_cjk(c) {
            lower |= c.is_lowercase();
        } else if !matches!(c, '\'' | '’' | '-' | '.') {
            break;
        }
        end = at + i + c.len_utf8();
    }
    let word = text[at..end].trim_end_matches(['.', '\'', '’', '-']);
    let initial = word.chars().count() == 1 && text[at..].chars().nth(1) == Some('.');
    if word.chars().count() > 24 || !(lower || initial) || NOT_NAMES.contains(&word) {
        return None;
    }
    Some(if initial {
        at + word.len() + 1
    } else {
        at + word.len()
    })
}

/// A name starting at `at`: up to four capitalised words (particles
/// between them), or a Japanese name (two runs of kanji or katakana with
/// one space between them at most). Returns its end.
pub(super) fn forward(text: &str, at: usize) -> Option<usize> {
    let first = text[at..].chars().next()?;
    if is_name_cjk(first) {
        return cjk_forward(text, at);
    }
    let mut end = latin_word(text, at)?;
    let mut words = 1;
    while words < 4 {
        let rest = &text[end..];
        let Some(next) = rest.strip_prefix(' ') else {
            break;
        };
        let next_at = end + 1;
        if let Some(e) = latin_word(text, next_at) {
            end = e;
            words += 1;
            continue;
        }
        // A particle counts only with a capitalised word after it.
        let particle = PARTICLES
            .iter()
            .find(|p| next.starts_with(**p) && next[p.len()..].starts_with(' '));
        match particle.and_then(|p| latin_word(text, next_at + p.len() + 1)) {
            Some(e) => {
                end = e;
                words += 1;
            }
            None => break,
        }
    }
    Some(end)
}

fn cjk_forward(text: &str, at: usize) -> Option<usize> {
    let run = |from: usize| {
        text[from..]
            .char_indices()
            .take_while(|&(i, c)| is_name_cjk(c) && i < 30)
            .last()
            .map(|(i, c)| from + i + c.len_utf8())
    };
    let mut end = run(at)?;
    for space in [' ', '\u{3000}'] {
        if let Some(rest) = text[end..].strip_prefix(space) {
            if rest.chars().next().is_some_and(is_name_cjk) {
                if let Some(e) = run(end + space.len_utf8()) {
                    end = e;
                }
            }
            break;
        }
    }
    let name = &text[at..end];
    (!is_not_a_japanese_name(name)).then_some(end)
}

/// A name ending at `end` (exclusive), read backwards: a Japanese name
/// (`山田 太郎` before `さん`) or up to four capitalised words (`Lee Gu`
/// before `<lee.gu@…>`). Returns its start.
pub(super) fn backward(text: &str, end: usize) -> Option<usize> {
    let last = text[..end].chars().next_back()?;
    if is_name_cjk(last) {
        let run = |to: usize| {
            let start = text[..to]
                .char_indices()
                .rev()
                .take_while(|&(i, c)| is_name_cjk(c) && to - i <= 30)
                .last()
                .map(|(i, _)| i)?;
            (start < to).then_some(start)
        };
        let mut start = run(end)?;
        for space in [' ', '\u{3000}'] {
            if let Some(before) = text[..start].strip_suffix(space) {
                if before.chars().next_back().is_some_and(is_name_cjk) {
                    if let Some(s) = run(before.len()) {
                        start = s;
                    }
                }
                break;
            }
        }
        let name = &text[start..end];
        return (!is_not_a_japanese_name(name)).then_some(start);
    }
    // Latin: words backwards, each checked forwards.
    let mut start = None;
    let mut to = end;
    for _ in 0..4 {
        let word_start = text[..to]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| {
                (c.is_alphabetic() && !is_cjk(c)) || matches!(c, '\'' | '’' | '-' | '.')
            })
            .last()
            .map(|(i, _)| i);
        let Some(ws) = word_start else { break };
        if latin_word(text, ws) != Some(to) {
            break;
        }
        start = Some(ws);
        match text[..ws].strip_suffix(' ') {
            Some(before) if !before.is_empty() => to = before.len(),
            _ => break,
        }
    }
    start
}

/// Words before an honorific or after a label that are not names
/// (`お客様`, `皆さん`, `仕様`, `ご担当者様`).
fn is_not_a_japanese_name(name: &str) -> bool {
    const WHOLE: &[&str] = &[
        "子", "父", "母", "兄", "姉", "弟", "妹", "奥", "皆", "客", "王", "神", "殿", "貴", "上",
        "外", "今", "一", "両", "別", "各", "有", "多", "異", "同", "仕", "模", "文", "紋", "図",
        "当", "先",
    ];
    const ENDINGS: &[&str] = &[
        "者",
        "員",
        "社",
        "部",
        "課",
        "局",
        "店",
        "会",
        "校",
        "院",
        "皆",
        "客",
        "仕",
        "同",
        "模",
        "様",
        "方",
        "ユーザー",
        "メンバー",
        "チーム",
        "サポート",
        "ゲスト",
        "カスタマー",
        "各位",
        "御中",
        "エラー",
        "コード",
        "サインイン",
        "アカウント",
        "デバイス",
        "テナント",
    ];
    WHOLE.contains(&name) || ENDINGS.iter().any(|e| name.ends_with(e))
}
