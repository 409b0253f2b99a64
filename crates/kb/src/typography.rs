//! Japanese typography and wording checks for the knowledge base's prose
//! (not for dialog texts, which are quoted as Windows and Office show them).
//! Each rule is narrow on purpose: it flags a pattern that is wrong wherever
//! it appears in this base's style, so the linter does not drown in false
//! alarms. The glossary comes from the Japanese review of 2026-12.

/// One fault, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub en: String,
    pub ja: String,
}

fn finding(en: impl Into<String>, ja: impl Into<String>) -> Finding {
    Finding {
        en: en.into(),
        ja: ja.into(),
    }
}

/// A word the base does not use in Japanese prose, and what it uses instead.
pub struct Term {
    pub forbidden: &'static str,
    pub preferred: &'static str,
    pub why: &'static str,
}

/// Preferred and forbidden terms (Microsoft Japan's usage, and one spelling
/// where the base had two).
pub static GLOSSARY: &[Term] = &[
    Term {
        forbidden: "横取り",
        preferred: "傍受、インターセプト、または「通信に割り込んで検査」",
        why: "colloquial for intercept",
    },
    Term {
        forbidden: "落ち着いて",
        preferred: "慎重に",
        why: "colloquial for carefully",
    },
    Term {
        forbidden: "ログイン ページ未承認",
        preferred: "キャプティブ ポータル (公衆 Wi-Fi などのログイン画面) で未認証",
        why: "captive portal",
    },
    Term {
        forbidden: "わかり",
        preferred: "分かり",
        why: "one spelling: 分かる",
    },
    Term {
        forbidden: "わかる",
        preferred: "分かる",
        why: "one spelling: 分かる",
    },
    Term {
        forbidden: "わから",
        preferred: "分から",
        why: "one spelling: 分かる",
    },
    Term {
        forbidden: "わかっ",
        preferred: "分かっ",
        why: "one spelling: 分かる",
    },
    Term {
        forbidden: "デバイスベース",
        preferred: "デバイス ベース",
        why: "one spelling",
    },
    Term {
        forbidden: "セキュリティ ソフト",
        preferred: "セキュリティ製品",
        why: "one term",
    },
    Term {
        forbidden: "ライセンス認証状態",
        preferred: "ライセンス認証の状態",
        why: "Microsoft's article title",
    },
    Term {
        forbidden: "「Office のライセンス認証のリセット」",
        preferred: "[Office のライセンス認証をリセット]",
        why: "the Get Help troubleshooter's name",
    },
    Term {
        forbidden: "Users may join devices",
        preferred: "[ユーザーはデバイスを Microsoft Entra に参加させることができます]",
        why: "the Japanese portal label",
    },
    Term {
        forbidden: "Users may register their devices",
        preferred: "[ユーザーはデバイスを Microsoft Entra に登録できます]",
        why: "the Japanese portal label",
    },
    Term {
        forbidden: "[デバイス設定]",
        preferred: "[デバイスの設定]",
        why: "the Japanese portal blade",
    },
    Term {
        forbidden: "Show Progress",
        preferred: "[進捗状況の表示]",
        why: "the Japanese Outlook button",
    },
    Term {
        forbidden: "送受信の進捗状況",
        preferred: "[進捗状況の表示]",
        why: "the Japanese Outlook button",
    },
    Term {
        forbidden: "価値がある",
        preferred: "〜で十分なため / 〜してから行います",
        why: "a literal rendering of 'worth checking'",
    },
    Term {
        forbidden: "意味があるのは",
        preferred: "〜で十分なため / 〜してから行います",
        why: "a literal rendering of English reasoning",
    },
    Term {
        forbidden: "誰も待たずに",
        preferred: "管理者の対応を待たずに",
        why: "a literal rendering of 'without waiting for anyone'",
    },
];

/// Terms an English text implies in its Japanese twin: when `en` contains
/// the first, `ja` must contain the second. A term in lower case matches any
/// case; one with capitals (a permission's name) only as written.
pub static REQUIRED_TRANSLATIONS: &[(&str, &str, &str)] = &[
    (
        "provision",
        "プロビジョニング",
        "provisioning is プロビジョニング, not 準備",
    ),
    (
        "Send As",
        "送信者として送信",
        "Send As is [送信者として送信]; 代理人として送信 is Send on behalf",
    ),
    (
        "captive portal",
        "キャプティブ ポータル",
        "captive portal is キャプティブ ポータル",
    ),
];

/// Forms that make a Japanese sentence a prohibition.
const PROHIBITIONS: &[&str] = &[
    "ないでください",
    "しないこと",
    "禁止",
    "避けてください",
    "控えてください",
    "ないようにしてください",
    "てはいけません",
];

fn is_kana_or_kanji(c: char) -> bool {
    matches!(c,
        '\u{3041}'..='\u{309F}' // hiragana
        | '\u{30A1}'..='\u{30FA}' | 'ー' // katakana
        | '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '々')
}

fn is_hiragana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309F}')
}

fn is_katakana_or_kanji(c: char) -> bool {
    is_kana_or_kanji(c) && !is_hiragana(c)
}

fn excerpt(chars: &[char], at: usize) -> String {
    let from = at.saturating_sub(8);
    let to = (at + 9).min(chars.len());
    chars[from..to].iter().collect()
}

/// Whether the ASCII double quote at `at` belongs to a code literal such as
/// `forceAuthn="true"`: its pair encloses ASCII without spaces.
fn code_literal_quote(chars: &[char], at: usize) -> bool {
    let count_before = chars[..at].iter().filter(|c| **c == '"').count();
    let (from, to) = if count_before % 2 == 0 {
        let Some(end) = chars[at + 1..].iter().position(|c| *c == '"') else {
            return false;
        };
        (at + 1, at + 1 + end)
    } else {
        let Some(start) = chars[..at].iter().rposition(|c| *c == '"') else {
            return false;
        };
        (start + 1, at)
    };
    chars[from..to].iter().all(|c| c.is_ascii_graphic())
}

/// Typography of one Japanese prose text.
pub fn check_japanese(text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    // Inside [UI labels] and 「quotes」 text is as Windows shows it.
    let mut quoted = vec![false; chars.len()];
    let mut depth = 0usize;
    for (n, c) in chars.iter().enumerate() {
        match c {
            '[' | '「' => depth += 1,
            ']' | '」' => depth = depth.saturating_sub(1),
            _ => {}
        }
        quoted[n] = depth > 0;
    }
    let mut push = |rule: &str, ja_rule: &str, at: usize| {
        let around = excerpt(&chars, at);
        if !out.iter().any(|f: &Finding| f.en.starts_with(rule)) {
            out.push(finding(
                format!("{rule} (…{around}…)"),
                format!("{ja_rule} (…{around}…)"),
            ));
        }
    };
    for n in 0..chars.len() {
        let c = chars[n];
        let next = chars.get(n + 1).copied();
        if let Some(d) = next {
            let pair_mixes = (is_kana_or_kanji(c) && d.is_ascii_alphanumeric())
                || (c.is_ascii_alphanumeric() && is_kana_or_kanji(d));
            if pair_mixes {
                push(
                    "Japanese: put a half-width space between Japanese and ASCII words",
                    "日本語: 日本語と英数字の間には半角スペースを入れてください",
                    n,
                );
            }
        }
        if matches!(c, '。' | '、') && next == Some(' ') && n + 2 < chars.len() {
            push(
                "Japanese: no space after 。 or 、",
                "日本語: 。や、の後にスペースを入れないでください",
                n,
            );
        }
        if c == ' ' && matches!(next, Some('。' | '、')) {
            push(
                "Japanese: no space before 。 or 、",
                "日本語: 。や、の前にスペースを入れないでください",
                n,
            );
        }
        if c == ',' {
            let before = chars[..n].iter().rev().find(|c| **c != ' ').copied();
            let after = chars[n + 1..].iter().find(|c| **c != ' ').copied();
            if before.is_some_and(is_kana_or_kanji) || after.is_some_and(is_kana_or_kanji) {
                push(
                    "Japanese: use 、 instead of an ASCII comma in a Japanese sentence",
                    "日本語: 日本語の文中では半角カンマではなく、を使ってください",
                    n,
                );
            }
        }
        if c == '・' && !quoted[n] {
            push(
                "Japanese: list items are separated with 、 (or や / または), not 中黒",
                "日本語: 列挙には中黒 (・) ではなく、(または「や」「または」) を使ってください",
                n,
            );
        }
        if matches!(c, '“' | '”' | '‘' | '’') || (c == '"' && !code_literal_quote(&chars, n))
        {
            push(
                "Japanese: quote with 「」, not with ASCII or curly quotes",
                "日本語: 引用には半角や curly の引用符ではなく「」を使ってください",
                n,
            );
        }
        if matches!(c, 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '０'..='９' | '（' | '）' | '：' | '\u{3000}')
        {
            push(
                "Japanese: letters, digits, brackets, colons and spaces are half-width",
                "日本語: 英数字、括弧、コロン、スペースは半角にしてください",
                n,
            );
        }
        if c == ' ' && n > 0 && is_katakana_or_kanji(chars[n - 1]) && next.is_some_and(is_hiragana)
        {
            push(
                "Japanese: no space between a Japanese word and its particle",
                "日本語: 日本語の単語と助詞の間にスペースを入れないでください",
                n,
            );
        }
    }
    for term in GLOSSARY {
        if text.contains(term.forbidden) {
            out.push(finding(
                format!(
                    "Japanese glossary: write {} instead of {} ({})",
                    term.preferred, term.forbidden, term.why
                ),
                format!(
                    "用語集: 「{}」ではなく「{}」と書いてください",
                    term.forbidden, term.preferred
                ),
            ));
        }
    }
    out
}

/// Whether `en` tells the reader not to do something: a sentence that
/// starts with "Do not", "Don't" or "Never".
fn is_prohibition(en: &str) -> bool {
    let mut start = true;
    let words: Vec<&str> = en.split(' ').collect();
    for (n, w) in words.iter().enumerate() {
        let w = w.trim_start_matches(['(', '"', '\'']);
        if start
            && (w == "Never"
                || w == "Don't"
                || (w == "Do" && words.get(n + 1).is_some_and(|x| x.starts_with("not"))))
        {
            return true;
        }
        start = w.ends_with(['.', '!', '?', ':', ';']) || w == "—";
    }
    false
}

/// Checks a Japanese text against its English twin: terms the English
/// implies, and prohibitions written as prohibitions (〜しないでください).
pub fn check_pair(en: &str, ja: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let lower = en.to_lowercase();
    for (term, required, why) in REQUIRED_TRANSLATIONS {
        let found = if term.chars().any(char::is_uppercase) {
            en.contains(term)
        } else {
            lower.contains(term)
        };
        if found && !ja.contains(required) {
            out.push(finding(
                format!(
                    "Japanese: the English says '{term}', so the Japanese needs {required} ({why})"
                ),
                format!("日本語: 英語に「{term}」があるため、日本語には「{required}」が必要です"),
            ));
        }
    }
    if is_prohibition(en) && !PROHIBITIONS.iter().any(|p| ja.contains(p)) {
        out.push(finding(
            "Japanese: the English forbids something; write the prohibition as 〜しないでください, not as a statement",
            "日本語: 英語が禁止を述べているため、平叙文ではなく「〜しないでください」の形で書いてください",
        ));
    }
    out
}

/// The first mention of ハイブリッド参加 in an entry (texts in reading
/// order) uses the full name, Microsoft Entra ハイブリッド参加.
pub fn check_first_mentions<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<Finding> {
    for t in texts {
        if let Some(at) = t.find("ハイブリッド参加") {
            if !t[..at].ends_with("Microsoft Entra ") {
                return vec![finding(
                    "Japanese: the first mention of ハイブリッド参加 in an entry is Microsoft Entra ハイブリッド参加",
                    "日本語: エントリで最初に出てくる「ハイブリッド参加」は「Microsoft Entra ハイブリッド参加」と書いてください",
                )];
            }
            return vec![];
        }
    }
    vec![]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> Vec<String> {
        check_japanese(text).into_iter().map(|f| f.en).collect()
    }

    #[test]
    fn the_base_style_passes() {
        for ok in [
            "[設定] > [アカウント] > [職場または学校にアクセスする] で Outlook を再起動します。",
            "0x8004011D (MAPI_E_FAILONEPROVIDER) は、10 分後に解消します。",
            "「サーバーを使用できません。」と表示されます。",
            "[PIN (Windows Hello)] を選択します。",
        ] {
            assert_eq!(rules(ok), Vec::<String>::new(), "{ok}");
        }
    }

    #[test]
    fn each_rule_catches_its_fault() {
        let cases = [
            ("設定でWeb アカウント", "half-width space"),
            ("再登録します。 これは", "no space after"),
            ("3 ファイル, 1.2 MiB", "ASCII comma"),
            ("0x?AA7・0x?AA8", "中黒"),
            ("“問題が発生しました”", "「」"),
            ("ＰＩＮ を設定", "half-width"),
            ("サインイン ログ の表示", "particle"),
            ("通信を横取りしています", "glossary"),
        ];
        for (text, needle) in cases {
            let found = rules(text);
            assert!(
                found.iter().any(|f| f.contains(needle)),
                "{text}: {found:?}"
            );
        }
        // A 中黒 inside a quoted UI label is the label.
        assert!(rules("「プロキシ・サーバー」を開きます。").is_empty());
        // A code literal keeps its quotes; quoted prose does not.
        assert!(rules("SAML 要求に forceAuthn=\"true\" を含めます。").is_empty());
        assert!(!rules("\"Keyset does not exist\" と表示されます。").is_empty());
    }

    #[test]
    fn pairs_need_the_terms_and_prohibitions_of_their_english() {
        assert!(
            !check_pair("During provisioning Windows reads…", "準備中に Windows は…").is_empty()
        );
        assert!(check_pair(
            "During provisioning Windows reads…",
            "プロビジョニング中に Windows は…"
        )
        .is_empty());
        assert!(!check_pair(
            "Note the version. Do not clear the TPM.",
            "TPM のクリアは行いません。"
        )
        .is_empty());
        assert!(check_pair(
            "Note the version. Do not clear the TPM.",
            "TPM のクリアは行わないでください。"
        )
        .is_empty());
        // "does not" describes; it does not forbid.
        assert!(check_pair(
            "If it does not help, restart.",
            "解決しない場合は再起動します。"
        )
        .is_empty());
    }

    #[test]
    fn first_mention_of_hybrid_join_is_full() {
        assert!(!check_first_mentions(["ハイブリッド参加の PC です。"]).is_empty());
        assert!(check_first_mentions([
            "Microsoft Entra ハイブリッド参加の PC",
            "ハイブリッド参加"
        ])
        .is_empty());
        assert!(check_first_mentions(["Entra 参加"]).is_empty());
    }
}
