//! Input people really paste, through the whole diagnosis: very long
//! pastes, text that is not about signing in, a single word, emoji, HTML
//! from a web page, and a ticket of an earlier run pasted back in.

use m365doctor_codes::Lang;
use m365doctor_diagnose::{diagnose, Case, Input, Options, WORDS_BUDGET};
use m365doctor_kb::Kb;

fn case<'kb>(kb: &'kb Kb, texts: &[&str]) -> Case<'kb> {
    let inputs: Vec<Input> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| Input::new(format!("input{i}"), *t))
        .collect();
    diagnose(
        &inputs,
        kb,
        &Options {
            redact: true,
            ..Options::default()
        },
    )
}

fn text_report(c: &Case, lang: Lang) -> String {
    let mut out = Vec::new();
    c.write_text(&mut out, lang, false).unwrap();
    String::from_utf8(out).unwrap()
}

fn codes(c: &Case) -> Vec<String> {
    c.findings
        .iter()
        .map(|f| f.interpretation.normalized.clone())
        .collect()
}

#[test]
fn a_five_megabyte_paste_is_read_whole_and_says_what_was_not_read_for_its_words() {
    let kb = Kb::bundled();
    // A description, then 5 MB of log lines, with the code at the very end.
    let mut text = String::from("Outlook keeps asking for my password since this morning.\n");
    let line =
        "2026-11-20T00:41:07.337Z INFO [MsalRuntime] acquiring token silently, cache lookup done\n";
    while text.len() < 5 << 20 {
        text.push_str(line);
    }
    text.push_str("2026-11-20T00:41:09.001Z ERROR sign-in failed: Error 0x80072ee7\n");
    let c = case(&kb, &[&text]);
    assert!(
        codes(&c).contains(&"0x80072EE7".to_string()),
        "the code at the end of 5 MB is read"
    );
    assert!(c.about_sign_in);
    assert!(!c.layers.is_empty() && !c.plan.is_empty());
    // What was left out of the wording is said, with its size, in both languages.
    let en = text_report(&c, Lang::En);
    let skipped_kib = (text.len() + 1 - WORDS_BUDGET).div_ceil(1024) / 10; // leading digits
    assert!(
        en.contains("were not read for their wording"),
        "{}",
        &en[..en.len().min(2000)]
    );
    assert!(
        en.contains(&skipped_kib.to_string()),
        "the note gives the size left out"
    );
    let ja = text_report(&c, Lang::Ja);
    assert!(ja.contains("文面の解釈には使っていません"));
    // The JSON has it too.
    let doc = c.to_json(Lang::En);
    assert!(doc["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n.as_str().unwrap().contains("KiB")));
}

#[test]
fn text_that_is_not_about_signing_in_says_so_in_the_chosen_language() {
    let kb = Kb::bundled();
    for text in [
        "Can someone recommend a good pasta recipe for a dinner party of eight?",
        "来週の会議室の予約を変更したいです。",
        "hello",
        "🙂",
        "😀🔥🙏🎉",
        "",
    ] {
        let c = case(&kb, &[text]);
        assert!(!c.about_sign_in, "{text:?}");
        assert!(
            c.layers.is_empty() && c.plan.is_empty() && c.questions.is_empty(),
            "{text:?}"
        );
        assert!(
            text_report(&c, Lang::En).starts_with("This does not look like a sign-in problem"),
            "{text:?}"
        );
        assert!(
            text_report(&c, Lang::Ja).starts_with("サインインの問題ではないようです"),
            "{text:?}"
        );
        assert!(
            c.markdown(Lang::Ja)
                .contains("サインインの問題ではないようです"),
            "{text:?}"
        );
        assert_eq!(c.to_json(Lang::En)["about_sign_in"], false);
    }
}

#[test]
fn a_single_word_about_signing_in_gets_an_answer_and_questions() {
    let kb = Kb::bundled();
    for word in ["password", "パスワード", "MFA", "AADSTS50126"] {
        let c = case(&kb, &[word]);
        assert!(c.about_sign_in, "{word}");
        assert!(!c.layers.is_empty() && !c.plan.is_empty(), "{word}");
        // Unless the word settles it, the case asks.
        assert!(c.questions.len() <= 3, "{word}");
        assert_eq!(c.questions.is_empty(), c.layers[0].1 >= 0.8, "{word}");
    }
    // `password` alone: the account's state is the first guess, and unsure.
    let c = case(&kb, &["password"]);
    assert!(c.layers[0].1 < 0.8 && !c.questions.is_empty());
}

#[test]
fn emoji_around_a_description_do_not_hide_it() {
    let kb = Kb::bundled();
    let c = case(
        &kb,
        &["😭😭 Outlookがパスワードを何度も聞いてくる 🙏🙏 パスワードを変えてから"],
    );
    assert!(c.about_sign_in);
    let top = c.layers[0].0.id();
    assert!(
        [
            "credential-store",
            "account-state",
            "outlook-profile",
            "wam-broker"
        ]
        .contains(&top),
        "{top}"
    );
}

#[test]
fn html_from_a_web_page_is_read_for_its_text() {
    let kb = Kb::bundled();
    let html = "<!DOCTYPE html><html><head><title>Forum</title><style>p{color:red}</style>\
        <script>var sample = \"AADSTS50126\";</script></head><body>\
        <div class=\"post\"><p>Teams won&#39;t sign in &mdash; it says the clock on my PC is wrong.</p>\
        <p>Error code: 0xCAA20003</p></div></body></html>";
    let c = case(&kb, &[html]);
    // The script's code is not the user's; the post's code is.
    assert_eq!(codes(&c), vec!["0xCAA20003".to_string()]);
    assert_eq!(c.layers[0].0.id(), "clock");
    assert!(c.notes.iter().any(|n| n.en.contains("HTML")));
    // Evidence quotes the text, never the markup.
    for f in &c.findings {
        for e in &f.evidence {
            assert!(
                !e.text.contains('<') && !e.text.contains("&#39;"),
                "{}",
                e.text
            );
        }
    }
}

#[test]
fn a_ticket_pasted_back_is_not_counted_twice() {
    let kb = Kb::bundled();
    let report = "Teams: We couldn't sign you in.\nStatus code: caa70004\nError 0x80072ee7\nCorrelation ID: 6f0c2d1e-8a4b-4c3d-9e2f-1a2b3c4d5e6f";
    let first = case(&kb, &[report]);
    assert!(!first.findings.is_empty());
    for lang in [Lang::En, Lang::Ja] {
        for earlier in [first.markdown(lang), text_report(&first, lang)] {
            // The report and its ticket together: the same findings, each
            // quoted once, the same ranking.
            let again = case(&kb, &[report, &earlier]);
            assert_eq!(codes(&again), codes(&first), "{lang:?}");
            for (a, b) in again.findings.iter().zip(&first.findings) {
                assert_eq!(
                    a.evidence.len(),
                    b.evidence.len(),
                    "{lang:?} {}",
                    a.interpretation.normalized
                );
            }
            assert_eq!(
                again.layers.iter().map(|l| l.0).collect::<Vec<_>>(),
                first.layers.iter().map(|l| l.0).collect::<Vec<_>>(),
                "{lang:?}"
            );
            assert_eq!(again.correlation_ids, first.correlation_ids);
            // The ticket alone still finds the codes it quotes.
            let alone = case(&kb, &[&earlier]);
            assert_eq!(codes(&alone), codes(&first), "{lang:?}");
            assert_eq!(alone.layers[0].0, first.layers[0].0, "{lang:?}");
        }
    }
}

#[test]
fn answers_recorded_in_a_pasted_back_ticket_are_read_once() {
    let kb = Kb::bundled();
    let report = "Teamsにサインインできません。";
    let options = Options {
        redact: true,
        answers: vec![("clock".into(), "no".into())],
        ..Options::default()
    };
    let answered = diagnose(&[Input::new("pasted", report)], &kb, &options);
    assert_eq!(answered.answers.len(), 1);
    for lang in [Lang::En, Lang::Ja] {
        for earlier in [answered.markdown(lang), text_report(&answered, lang)] {
            let again = case(&kb, &[report, &earlier]);
            assert_eq!(again.answers.len(), 1, "recorded once ({lang:?})");
            assert_eq!(again.answers[0].0.id, "clock");
            assert!(
                again.questions.iter().all(|q| q.id != "clock"),
                "not asked again"
            );
            assert_eq!(again.layers[0].0, answered.layers[0].0);
        }
    }
}
