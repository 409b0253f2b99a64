//! Pasting each Japanese dialog text of the knowledge base, as a user would
//! paste it, finds its entry through `text::find_messages`.

use m365doctor_kb::text::{find_messages, normalize_for_match};
use m365doctor_kb::ENTRIES;

fn is_ascii_word(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// The ways a pasted dialog differs from the text as the knowledge base
/// stores it without changing its meaning.
fn variants(message: &str) -> Vec<String> {
    let chars: Vec<char> = message.chars().collect();
    let mut out = vec![message.to_string()];
    // The dialog wrapped: a line break between two Japanese characters near
    // the middle (where a window would wrap it).
    let middle = chars.len() / 2;
    if let Some(at) = (1..chars.len())
        .map(|d| {
            if d % 2 == 0 {
                middle + d / 2
            } else {
                middle.saturating_sub(d / 2 + 1)
            }
        })
        .filter(|&at| at > 0 && at < chars.len())
        .find(|&at| !is_ascii_word(chars[at - 1]) && !is_ascii_word(chars[at]))
    {
        let mut wrapped: String = chars[..at].iter().collect();
        wrapped.push_str("\r\n");
        wrapped.extend(&chars[at..]);
        out.push(wrapped);
    }
    // Full-width letters and digits, full-width punctuation, no spaces
    // around ASCII words, as some IMEs and older dialogs produce.
    let wide: String = chars
        .iter()
        .enumerate()
        .filter(|&(n, c)| {
            // A space between two ASCII words stays: "az login" is not "azlogin".
            *c != ' '
                || (n > 0
                    && chars
                        .get(n + 1)
                        .is_some_and(|&next| is_ascii_word(chars[n - 1]) && is_ascii_word(next)))
        })
        .map(|(_, &c)| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            '、' => '，',
            '。' => '．',
            _ => c,
        })
        .collect();
    out.push(wide);
    out
}

fn paste(dialog: &str) -> String {
    // As forum posts and tickets quote it: an explanation, the dialog, a
    // button row.
    format!("Outlook を起動すると次のメッセージが表示されます。\n\n    {dialog}\n    OK    キャンセル\n\n昨日から発生しています。")
}

#[test]
fn each_japanese_dialog_text_pasted_finds_its_entry() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for entry in ENTRIES {
        let confirmed = entry.messages.ja.iter().map(|m| (m, true));
        let unconfirmed = entry.messages.unconfirmed.ja.iter().map(|m| (m, false));
        for (message, is_confirmed) in confirmed.chain(unconfirmed) {
            for variant in variants(message) {
                checked += 1;
                let found = find_messages(ENTRIES, &paste(&variant));
                let ours = found.iter().find(|m| m.entry == entry.id.as_ref());
                match ours {
                    None => failures.push(format!(
                        "{}: {variant:?} found {:?}",
                        entry.id,
                        found.iter().map(|m| m.entry).collect::<Vec<_>>()
                    )),
                    Some(m) => {
                        assert_eq!(m.confirmed, is_confirmed, "{}: {message}", entry.id);
                        // No other entry wins with a longer confirmed text
                        // unless that text is also in our paste's message.
                        let best = &found[0];
                        if best.entry != entry.id.as_ref() && best.confirmed && is_confirmed {
                            let theirs = normalize_for_match(best.message);
                            assert!(
                                normalize_for_match(message).contains(&theirs)
                                    || theirs.len() <= normalize_for_match(message).len(),
                                "{}: {message} is outranked by {} ({})",
                                entry.id,
                                best.entry,
                                best.message
                            );
                        }
                    }
                }
            }
        }
    }
    println!("{checked} pasted Japanese dialog texts");
    assert!(checked > 50, "only {checked} Japanese dialog texts");
    assert!(
        failures.is_empty(),
        "{} not found:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn an_unrelated_japanese_paste_finds_nothing() {
    let found = find_messages(
        ENTRIES,
        "会議室の予約を変更しました。明日の 10 時からです。資料は共有フォルダーにあります。",
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn the_variants_really_differ_from_the_stored_text() {
    let v = variants("トラステッド プラットフォーム モジュールが誤動作しています");
    assert!(v[1].contains("\r\n"));
    assert!(v.iter().all(|x| normalize_for_match(x)
        == normalize_for_match("トラステッド プラットフォーム モジュールが誤動作しています")));
    let v = variants("PIN を設定できません。");
    assert_eq!(v.last().unwrap(), "ＰＩＮを設定できません．");
}
