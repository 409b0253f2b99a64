//! Every dialog text of the knowledge base, pasted into `diagnose` the way
//! people paste a dialog, is recognised as a symptom of its entry: the
//! confirmed texts whole (also wrapped over lines, with full-width letters
//! or spaces around ASCII words), the unconfirmed ones by their key phrases.

use m365doctor_diagnose::{diagnose_with, Input, MessageMatcher, Options};
use m365doctor_kb::{Kb, ENTRIES};

/// A pasted form of a Japanese dialog: wrapped after its first third, ASCII
/// letters and digits full-width, and a space where the dialog had none.
fn as_pasted(message: &str) -> String {
    let chars: Vec<char> = message.chars().collect();
    // Wrapped where a dialog wraps: not inside a Latin word ("Driv|e"
    // reads as two words, as it should).
    let mut cut = chars.len() / 3;
    while cut > 0
        && cut < chars.len()
        && chars[cut - 1].is_ascii_alphanumeric()
        && chars[cut].is_ascii_alphanumeric()
    {
        cut += 1;
    }
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if i == cut {
            out.push_str("\r\n");
        }
        match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' => {
                out.push(char::from_u32(*c as u32 + 0xFEE0).unwrap_or(*c))
            }
            ' ' => {}
            _ => out.push(*c),
        }
    }
    out
}

#[test]
fn each_confirmed_japanese_dialog_text_is_a_symptom_of_its_entry() {
    let kb = Kb::bundled();
    let matcher = MessageMatcher::new(&kb);
    let mut checked = 0;
    let mut missing = Vec::new();
    for entry in ENTRIES {
        for message in entry.messages.ja.iter() {
            // The matcher leaves out texts shorter than 8 characters: they
            // would match by chance.
            if message.trim().chars().count() < 8 {
                continue;
            }
            for pasted in [message.to_string(), as_pasted(message)] {
                checked += 1;
                let text = format!("次のエラーが表示されました。\n\n{pasted}\n\n[閉じる]");
                let found = matcher.find(&text);
                // (A likely wording of the same entry may match too.)
                let Some(hit) = found
                    .iter()
                    .find(|m| m.entry == entry.id.as_ref() && m.confirmed)
                else {
                    missing.push(format!("{}: {pasted:?}", entry.id));
                    continue;
                };
                assert_eq!(hit.line, 3, "{pasted:?}: the line the dialog starts on");
                let d = diagnose_with(
                    &[Input::new("paste", text)],
                    &kb,
                    &matcher,
                    &Options::default(),
                );
                if !d.symptoms.iter().any(|s| s.entry.id() == entry.id.as_ref()) {
                    missing.push(format!("{} (not in the diagnosis): {pasted:?}", entry.id));
                }
            }
        }
    }
    println!("{checked} Japanese dialog texts pasted");
    assert!(checked > 80, "only {checked}");
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn unconfirmed_wordings_are_found_by_their_key_phrases_and_never_quoted() {
    let kb = Kb::bundled();
    let matcher = MessageMatcher::new(&kb);
    let mut checked = 0;
    let mut missing = Vec::new();
    for entry in ENTRIES {
        let unconfirmed = &entry.messages.unconfirmed;
        for message in unconfirmed.en.iter().chain(unconfirmed.ja.iter()) {
            let phrases = m365doctor_kb::text::key_phrases(message);
            let weight: usize = phrases.iter().map(|p| p.chars().count()).sum();
            if phrases.len() < 2 && weight < 6 {
                continue;
            }
            checked += 1;
            let text = format!("画面に次のように出ました\n{message}\n以上です");
            let found = matcher.find(&text);
            let Some(hit) = found.iter().find(|m| m.entry == entry.id.as_ref()) else {
                missing.push(format!("{}: {message}", entry.id));
                continue;
            };
            assert!(!hit.confirmed, "{}: {message}", entry.id);
            let d = diagnose_with(
                &[Input::new("paste", text)],
                &kb,
                &matcher,
                &Options::default(),
            );
            let s = d
                .symptoms
                .iter()
                .find(|s| s.entry.id() == entry.id.as_ref())
                .unwrap_or_else(|| panic!("{}: not a symptom", entry.id));
            assert!(
                !s.matched.iter().any(|m| m == message.as_ref()),
                "{}: an unconfirmed text is shown as the dialog",
                entry.id
            );
            assert!(s.unconfirmed.iter().any(|m| m == message.as_ref()));
        }
    }
    println!("{checked} unconfirmed wordings pasted");
    assert!(checked > 20, "only {checked}");
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn an_unconfirmed_wording_counts_less_than_a_confirmed_text() {
    let kb = Kb::bundled();
    let matcher = MessageMatcher::new(&kb);
    // The same entry, once by a confirmed English text, once by an
    // unconfirmed Japanese wording.
    let entry = ENTRIES
        .iter()
        .find(|e| !e.messages.en.is_empty() && !e.messages.unconfirmed.ja.is_empty())
        .expect("an entry with both");
    let confirmed = entry
        .messages
        .en
        .iter()
        .find(|m| m.chars().count() >= 8)
        .unwrap();
    let loose = &entry.messages.unconfirmed.ja[0];
    let score = |text: &str| {
        let d = diagnose_with(
            &[Input::new("paste", text)],
            &kb,
            &matcher,
            &Options::default(),
        );
        d.symptoms
            .iter()
            .find(|s| s.entry.id() == entry.id.as_ref())
            .map(|s| s.score)
            .unwrap_or(0.0)
    };
    let (a, b) = (score(confirmed), score(loose));
    assert!(
        a > b && b > 0.0,
        "{}: confirmed {a}, unconfirmed {b}",
        entry.id
    );
}

#[test]
fn a_large_text_is_matched_across_its_pieces() {
    let kb = Kb::bundled();
    let matcher = MessageMatcher::new(&kb);
    let message = ENTRIES
        .iter()
        .flat_map(|e| e.messages.en.iter().map(move |m| (e, m)))
        .find(|(_, m)| m.chars().count() >= 20)
        .unwrap();
    // Far past the first 64 KiB piece.
    let filler = "2026-11-20 09:00:00 INFO nothing to see here\n".repeat(5000);
    let text = format!("{filler}{}\n{filler}", message.1);
    let found = matcher.find(&text);
    let hit = found
        .iter()
        .find(|m| m.entry == message.0.id.as_ref())
        .expect("found");
    assert_eq!(hit.line, 5001);
}
