//! Every confirmed Japanese dialog text of the knowledge base, pasted into
//! `diagnose` the way a user pastes a dialog, is recognised as a symptom of
//! its entry. (Unconfirmed texts are matched by key phrases; see the kb
//! crate's tests/paste.rs until `diagnose` matches them too.)

use m365doctor_diagnose::{diagnose_with, Input, MessageMatcher, Options};
use m365doctor_kb::{Kb, ENTRIES};

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
            checked += 1;
            let text = format!("次のエラーが表示されました。\n\n{message}\n\n[閉じる]");
            let found = matcher.find(&text);
            if !found.iter().any(|(id, _, _)| *id == entry.id.as_ref()) {
                missing.push(format!("{}: {message}", entry.id));
                continue;
            }
            let d = diagnose_with(
                &[Input::new("paste", text)],
                &kb,
                &matcher,
                &Options::default(),
            );
            if !d.symptoms.iter().any(|s| s.entry.id() == entry.id.as_ref()) {
                missing.push(format!("{} (not in the diagnosis): {message}", entry.id));
            }
        }
    }
    println!("{checked} Japanese dialog texts pasted");
    assert!(checked > 40, "only {checked}");
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
