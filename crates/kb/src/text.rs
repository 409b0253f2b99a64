//! Matching dialog texts in what people paste. Pasted Japanese varies in
//! ways that do not change its meaning: full-width or half-width letters and
//! katakana, spaces around ASCII words (or none), a line break where the
//! dialog wrapped, 、 or ，. [`normalize_for_match`] removes those
//! differences, so the same function applied to a knowledge-base message and
//! to a pasted text makes a plain substring test work.
//!
//! Unconfirmed messages (`messages.unconfirmed`) are not searched as whole
//! strings: [`loosely_contains`] looks for their key phrases, in order and
//! close together.

use crate::model::Entry;

/// Half-width katakana (U+FF61–U+FF9F) as full-width, in code-point order.
const HALF_KANA: &str = "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン゛゜";

fn widen_kana(c: char) -> Option<char> {
    let n = c as u32;
    if (0xFF61..=0xFF9F).contains(&n) {
        HALF_KANA.chars().nth((n - 0xFF61) as usize)
    } else {
        None
    }
}

/// Adds a (han)dakuten to the kana before it: カ + ゛ → ガ, は + ゜ → ぱ
/// (half-width katakana and decomposed text write them apart).
pub fn combine(base: char, mark: char) -> Option<char> {
    const VOICEABLE: &str =
        "かきくけこさしすせそたちつてとはひふへほカキクケコサシスセソタチツテトハヒフヘホ";
    const SEMI: &str = "はひふへほハヒフヘホ";
    let n = base as u32;
    match mark {
        '゛' | '\u{3099}' if base == 'う' => Some('ゔ'),
        '゛' | '\u{3099}' if base == 'ウ' => Some('ヴ'),
        '゛' | '\u{3099}' if VOICEABLE.contains(base) => char::from_u32(n + 1),
        '゜' | '\u{309A}' if SEMI.contains(base) => char::from_u32(n + 2),
        _ => None,
    }
}

/// One character in its matching form, or `None` when it is dropped.
pub fn fold(c: char) -> Option<char> {
    let n = c as u32;
    // Full-width ASCII (！ to ～) and half-width katakana first, then the
    // punctuation they may have become.
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(n - 0xFEE0).unwrap_or(c),
        _ => widen_kana(c).unwrap_or(c),
    };
    let c = match c {
        '\u{3000}' => ' ',
        '、' | '，' => ',',
        '。' | '．' => '.',
        '「' | '」' | '『' | '』' | '“' | '”' | '„' | '«' | '»' => '"',
        '‘' | '’' | '‚' => '\'',
        '‐' | '‑' | '‒' | '–' | '—' | '−' => '-',
        '〜' => '~',
        '\u{200B}' | '\u{FEFF}' | '\u{00AD}' => return None,
        _ => c,
    };
    Some(c)
}

/// A character after which (or before which) a space carries no meaning:
/// anything but ASCII letters and digits.
fn joins_without_space(c: char) -> bool {
    !c.is_ascii_alphanumeric()
}

/// The matching form of `text`: full-width ASCII and half-width katakana
/// folded, Japanese and ASCII punctuation unified, lower case, and white
/// space (line breaks included) kept only as one space between two ASCII
/// words. Apply it to both sides of a comparison.
pub fn normalize_for_match(text: &str) -> String {
    normalize_with_offsets(text).0
}

/// [`normalize_for_match`] plus, for each character of the result, the byte
/// offset in `text` it comes from (to find the line of a match).
pub fn normalize_with_offsets(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut offsets = Vec::with_capacity(text.len());
    let mut pending_space: Option<usize> = None;
    let mut last: Option<char> = None;
    for (at, raw) in text.char_indices() {
        // Most of a log is ASCII letters and digits, which fold to
        // themselves: straight to their lower case (this loop runs over
        // every byte of every input).
        if raw.is_ascii_alphanumeric() {
            if let (Some(space_at), Some(prev)) = (pending_space.take(), last) {
                if !joins_without_space(prev) {
                    out.push(' ');
                    offsets.push(space_at);
                }
            }
            out.push(raw.to_ascii_lowercase());
            offsets.push(at);
            last = Some(raw);
            continue;
        }
        let Some(c) = fold(raw) else { continue };
        if c.is_whitespace() {
            if last.is_some() && pending_space.is_none() {
                pending_space = Some(at);
            }
            continue;
        }
        if matches!(c, '゛' | '゜' | '\u{3099}' | '\u{309A}') {
            if let Some(prev) = last.and_then(|p| combine(p, c)) {
                out.pop();
                out.push(prev);
                last = Some(prev);
                continue;
            }
        }
        if let (Some(space_at), Some(prev)) = (pending_space.take(), last) {
            if !joins_without_space(prev) && !joins_without_space(c) {
                out.push(' ');
                offsets.push(space_at);
            }
        }
        for lower in c.to_lowercase() {
            out.push(lower);
            offsets.push(at);
        }
        last = Some(c);
    }
    (out, offsets)
}

/// The key phrases of a message, in its matching form: runs of kanji,
/// katakana and ASCII words (the content), without the hiragana between
/// them (particles and endings vary between a translation and the real
/// dialog). Phrases of one kana or letter are dropped unless nothing else
/// is left.
pub fn key_phrases(message: &str) -> Vec<String> {
    let normalized = normalize_for_match(message);
    let mut phrases: Vec<String> = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, phrases: &mut Vec<String>| {
        let t = current.trim().to_string();
        if !t.is_empty() {
            phrases.push(t);
        }
        current.clear();
    };
    for c in normalized.chars() {
        let content = is_kanji(c) || is_katakana(c) || c.is_ascii_alphanumeric() || c == ' ';
        let joiner = matches!(c, '-' | '_' | '/' | '\\' | '@');
        if content || (joiner && !current.is_empty()) {
            current.push(c);
        } else {
            flush(&mut current, &mut phrases);
        }
    }
    flush(&mut current, &mut phrases);
    // English: the words themselves are the phrases, small words aside.
    let mut out: Vec<String> = Vec::new();
    for p in phrases {
        if p.is_ascii() {
            out.extend(
                p.split(' ')
                    .filter(|w| w.len() >= 3 && !STOP_WORDS.contains(w))
                    .map(str::to_string),
            );
        } else {
            out.push(p);
        }
    }
    let long: Vec<String> = out
        .iter()
        // A single kanji is a word (見つかりません); a single kana or letter is not.
        .filter(|p| p.chars().count() >= 2 || p.chars().all(is_kanji))
        .cloned()
        .collect();
    if long.is_empty() {
        out
    } else {
        long
    }
}

const STOP_WORDS: &[&str] = &[
    "the", "and", "for", "you", "your", "this", "that", "with", "was", "are", "not", "can", "but",
    "has", "have", "from", "its", "our", "please", "try", "again", "later",
];

fn is_kanji(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '々' | '〆' | 'ヶ')
}

fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー' | '・')
}

/// Whether the key phrases of `message` occur in `normalized_text` (already
/// passed through [`normalize_for_match`]) in order, within a stretch at
/// most twice the message's length. At least two phrases, or one of six or
/// more characters, are needed: fewer would match too much by chance.
pub fn loosely_contains(normalized_text: &str, message: &str) -> bool {
    let phrases = key_phrases(message);
    let weight: usize = phrases.iter().map(|p| p.chars().count()).sum();
    if phrases.is_empty() || (phrases.len() < 2 && weight < 6) {
        return false;
    }
    let limit = 2 * normalize_for_match(message).len() + 8;
    let first = &phrases[0];
    let mut from = 0;
    while let Some(found) = normalized_text[from..].find(first.as_str()) {
        let start = from + found;
        let mut at = start + first.len();
        let mut all = true;
        for p in &phrases[1..] {
            match normalized_text[at..].find(p.as_str()) {
                Some(n) if at + n + p.len() - start <= limit => at += n + p.len(),
                _ => {
                    all = false;
                    break;
                }
            }
        }
        if all {
            return true;
        }
        from = start + first.chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// How a message of an entry was found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageMatch<'a> {
    pub entry: &'a str,
    pub message: &'a str,
    /// Whether the message is confirmed (matched whole) or unconfirmed
    /// (matched by key phrases).
    pub confirmed: bool,
}

/// Every dialog text of `entries` found in `pasted`: confirmed messages as
/// whole strings in matching form, unconfirmed ones by their key phrases.
/// Longer matches first, so the most specific entry leads.
pub fn find_messages<'a>(
    entries: impl IntoIterator<Item = &'a Entry>,
    pasted: &str,
) -> Vec<MessageMatch<'a>> {
    let text = normalize_for_match(pasted);
    let mut found = Vec::new();
    for e in entries {
        let confirmed = e.messages.en.iter().chain(e.messages.ja.iter());
        for m in confirmed {
            let key = normalize_for_match(m);
            if key.chars().count() >= 4 && text.contains(&key) {
                found.push((
                    key.len(),
                    MessageMatch {
                        entry: &e.id,
                        message: m,
                        confirmed: true,
                    },
                ));
            }
        }
        let unconfirmed = e
            .messages
            .unconfirmed
            .en
            .iter()
            .chain(e.messages.unconfirmed.ja.iter());
        for m in unconfirmed {
            if loosely_contains(&text, m) {
                // A loose match counts for less than an exact one of the same length.
                found.push((
                    normalize_for_match(m).len() / 2,
                    MessageMatch {
                        entry: &e.id,
                        message: m,
                        confirmed: false,
                    },
                ));
            }
        }
    }
    found.sort_by_key(|m| std::cmp::Reverse(m.0));
    found.into_iter().map(|(_, m)| m).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_half_width_forms_meet() {
        assert_eq!(
            normalize_for_match("ＡＡＤＳＴＳ５００１２６"),
            "aadsts500126"
        );
        assert_eq!(
            normalize_for_match("ｻｲﾝｲﾝできません"),
            "サインインできません"
        );
        assert_eq!(normalize_for_match("ﾊﾟｽﾜｰﾄﾞ ｶﾞ"), "パスワードガ");
        assert_eq!(normalize_for_match("エラー　コード"), "エラーコード");
    }

    #[test]
    fn spaces_and_line_breaks_matter_only_between_ascii_words() {
        let dialog = "トラステッド プラットフォーム モジュールが誤動作しています";
        let pasted = "トラステッドプラット\r\nフォーム モジュールが\n誤動作しています。";
        assert!(normalize_for_match(pasted).contains(&normalize_for_match(dialog)));
        assert_eq!(
            normalize_for_match("Microsoft  Entra\nID に登録"),
            normalize_for_match("Microsoft Entra IDに登録")
        );
        // ASCII words stay apart: "sign in" is not "signin".
        assert_eq!(normalize_for_match("Sign\nin"), "sign in");
    }

    #[test]
    fn japanese_and_ascii_punctuation_meet() {
        assert_eq!(
            normalize_for_match("現在接続できません。後で、もう一度"),
            normalize_for_match("現在接続できません. 後で，もう一度")
        );
        assert_eq!(
            normalize_for_match("「詳細情報」"),
            normalize_for_match("“詳細情報”")
        );
    }

    #[test]
    fn offsets_point_into_the_original() {
        let text = "abc\nＸＹ";
        let (n, offsets) = normalize_with_offsets(text);
        assert_eq!(n, "abc xy");
        assert_eq!(offsets.len(), n.chars().count());
        assert_eq!(&text[offsets[4]..offsets[4] + 3], "Ｘ");
    }

    #[test]
    fn key_phrases_keep_the_content_words() {
        assert_eq!(
            key_phrases("サーバーへの接続に失敗しました"),
            vec!["サーバー", "接続", "失敗"]
        );
        assert_eq!(
            key_phrases("サーバーが見つかりませんでした"),
            vec!["サーバー", "見"]
        );
        assert_eq!(
            key_phrases("The connection to the server has failed."),
            vec!["connection", "server", "failed"]
        );
    }

    #[test]
    fn loose_matching_tolerates_particles_but_not_other_words() {
        let message = "サーバーへの接続に失敗しました";
        let text = |s: &str| normalize_for_match(s);
        assert!(loosely_contains(
            &text("エラー: サーバーとの接続に失敗しました。"),
            message
        ));
        assert!(!loosely_contains(
            &text("サーバーに接続できませんでした"),
            message
        ));
        // Far apart on a long page is not the dialog.
        let far = format!("サーバー{}接続{}失敗", "あ".repeat(40), "い".repeat(40));
        assert!(!loosely_contains(&text(&far), message));
        // One short phrase alone is too weak.
        assert!(!loosely_contains(&text("接続"), "接続"));
    }
}
