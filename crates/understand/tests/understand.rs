//! What the text understanding does with texts written for these tests
//! (none of them comes from the corpus).

use m365doctor_codes::Layer;
use m365doctor_understand::clues::{self, Kind, CLUES};
use m365doctor_understand::questions::{self, QUESTIONS};
use m365doctor_understand::{text, Engine, Evidence, EvidenceKind, Params, Query, Understanding};

fn understand(text: &str) -> Understanding {
    Engine::bundled().understand(&Query::text(text))
}

fn clue(text: &str, id: &str) -> Option<f32> {
    understand(text)
        .clues
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.value)
}

fn top_layers(u: &Understanding, n: usize) -> Vec<&'static str> {
    u.layers.iter().take(n).map(|l| l.layer.id()).collect()
}

// --- Text -----------------------------------------------------------------

#[test]
fn widths_quotes_and_case_fold_into_one_form() {
    assert_eq!(
        text::normalize("ＴＥＡＭＳ　ｻｲﾝｲﾝ “Error”"),
        "teams サインイン \"error\""
    );
    // Half-width kana with a separate voiced mark become one character.
    assert_eq!(text::normalize("ﾛｸﾞｲﾝ"), "ログイン");
}

#[test]
fn sign_in_spellings_are_one_term() {
    let terms = |t: &str| -> Vec<String> {
        text::tokenize(t)
            .into_iter()
            .filter(|t| !t.stop)
            .map(|t| t.term)
            .collect()
    };
    for spelling in [
        "log in",
        "login",
        "Log-in",
        "signing in",
        "signed in",
        "sign-in",
        "logon",
    ] {
        assert_eq!(terms(spelling), ["signin"], "{spelling}");
    }
    assert_eq!(terms("ログイン"), terms("サインイン"));
    assert_eq!(terms("ログオン"), terms("サインイン"));
    // Inflections share a stem.
    assert_eq!(terms("changed"), terms("changing"));
    assert_eq!(terms("prompts"), terms("prompt"));
    // A word that merely contains "login" is left alone.
    assert_eq!(terms("loginwindow"), ["loginwindow"]);
}

#[test]
fn japanese_is_cut_into_bigrams_and_long_vowels_are_optional() {
    let terms =
        |t: &str| -> Vec<String> { text::tokenize(t).into_iter().map(|t| t.term).collect() };
    assert_eq!(terms("時刻"), ["時刻"]);
    // A long-vowel mark inside a word stays; at its end it is dropped.
    assert_eq!(
        terms("パスワード変更"),
        ["パス", "スワ", "ワー", "ード", "ド変", "変更"]
    );
    assert_eq!(terms("サーバー"), terms("サーバ"));
    assert_eq!(terms("ユーザー"), terms("ユーザ"));
    // Mixed text: the English word and the Japanese run are both there.
    let mixed = terms("Teamsにサインイン");
    assert!(mixed.contains(&"team".to_string()) && mixed.contains(&"サイ".to_string()));
}

#[test]
fn edit_distance_is_bounded() {
    assert_eq!(text::within_edits("passwrod", "password", 1), Some(1));
    assert_eq!(text::within_edits("pasword", "password", 1), Some(1));
    assert_eq!(
        text::within_edits("authenticator", "authentication", 1),
        None
    );
    assert_eq!(text::within_edits("abc", "abcdef", 2), None);
}

#[test]
fn a_misspelt_word_still_finds_its_entry() {
    let index = Engine::bundled().index();
    let q = index.query(&text::tokenize("complient"));
    assert_eq!(q[0].corrected.as_deref(), Some("compliant"));
    let u = understand("my laptop is not complient anymore and Outlook is blokced");
    assert_eq!(u.layers[0].layer, Layer::ConditionalAccess);
}

// --- Clues ----------------------------------------------------------------

#[test]
fn context_clues_are_found_in_english_with_inflections() {
    assert_eq!(
        clue("I changed my password yesterday", "password-changed"),
        Some(1.0)
    );
    assert_eq!(
        clue("the password was changed by IT", "password-changed"),
        Some(1.0)
    );
    assert_eq!(
        clue(
            "since changing the password nothing works",
            "password-changed"
        ),
        Some(1.0)
    );
    assert_eq!(clue("got a new iPhone last week", "new-phone"), Some(1.0));
    assert_eq!(
        clue("started right after the Windows update", "after-update"),
        Some(1.0)
    );
    assert_eq!(clue("only on the hotel wifi", "home-network"), Some(1.0));
    assert_eq!(
        clue("our Zscaler does SSL inspection", "tls-inspection"),
        Some(1.0)
    );
    assert_eq!(
        clue("the clock on the laptop is 10 minutes behind", "clock"),
        Some(1.0)
    );
    assert_eq!(clue("we use FSLogix on Citrix", "vdi"), Some(1.0));
    assert_eq!(
        clue("the PC was re-imaged on Monday", "reimaged"),
        Some(1.0)
    );
    assert_eq!(
        clue("it's my hotmail account", "personal-account"),
        Some(1.0)
    );
}

#[test]
fn context_clues_are_found_in_japanese() {
    assert_eq!(
        clue("新しいスマホにしてから承認できない", "new-phone"),
        Some(1.0)
    );
    assert_eq!(
        clue("機種変してから Authenticator が使えない", "new-phone"),
        Some(1.0)
    );
    assert_eq!(
        clue("パスワードを変えてから Outlook が変", "password-changed"),
        Some(1.0)
    );
    assert_eq!(clue("時間がかなりずれていました", "clock"), Some(1.0));
    assert_eq!(
        clue("在宅勤務のときだけ発生します", "home-network"),
        Some(1.0)
    );
    assert_eq!(clue("Windows Update のあとから", "after-update"), Some(1.0));
    assert_eq!(clue("更新してから起動しない", "after-update"), Some(1.0));
    assert_eq!(clue("サインイン画面がぐるぐるしたまま", "hangs"), Some(1.0));
    assert_eq!(clue("パスワードを何度も聞かれる", "prompt-loop"), Some(1.0));
}

#[test]
fn signed_clues_read_both_answers() {
    assert_eq!(
        clue("it works on my phone though", "other-devices-work"),
        Some(1.0)
    );
    assert_eq!(
        clue("same thing on all my devices", "other-devices-work"),
        Some(-1.0)
    );
    assert_eq!(
        clue("ほかの PC では問題なく使えます", "other-devices-work"),
        Some(1.0)
    );
    assert_eq!(
        clue("スマホでも同じエラーです", "other-devices-work"),
        Some(-1.0)
    );
    assert_eq!(
        clue("Outlook on the web works fine", "browser-works"),
        Some(1.0)
    );
    assert_eq!(
        clue("it fails in the browser too", "browser-works"),
        Some(-1.0)
    );
    assert_eq!(
        clue("ブラウザでは普通に使えます", "browser-works"),
        Some(1.0)
    );
    assert_eq!(clue("ブラウザでも同じでした", "browser-works"), Some(-1.0));
    assert_eq!(
        clue("everyone in the office has it", "many-users"),
        Some(1.0)
    );
    assert_eq!(clue("自分だけみたいです", "many-users"), Some(-1.0));
    // A denied answer is the other answer.
    assert_eq!(clue("it's not only me", "many-users"), Some(1.0));
    assert_eq!(clue("自分だけじゃないみたいです", "many-users"), Some(1.0));
    assert_eq!(
        clue("it doesn't work on my phone either", "other-devices-work"),
        Some(-1.0)
    );
}

#[test]
fn a_negated_situation_is_not_a_clue() {
    assert_eq!(
        clue("I did not change my password", "password-changed"),
        None
    );
    assert_eq!(clue("we have no proxy here", "proxy"), None);
    assert_eq!(clue("VPN は使っていません", "vpn"), None);
}

#[test]
fn apps_and_platforms_are_recognised() {
    let ids = |t: &str| -> Vec<&'static str> { understand(t).clues.iter().map(|c| c.id).collect() };
    let found = ids("new Teams on my MacBook");
    assert!(
        found.contains(&"teams-new")
            && found.contains(&"teams")
            && found.contains(&"platform-macos")
    );
    assert!(ids("クラシック Teams が起動しない").contains(&"teams-classic"));
    assert!(ids("新しい Outlook で").contains(&"outlook-new"));
    assert!(ids("az login fails in WSL").contains(&"azure-cli"));
    assert!(ids("git push to dev.azure.com asks again").contains(&"git-credential-manager"));
    assert!(ids("ポータル サイトで登録できない").contains(&"company-portal"));
    assert!(ids("VS Code Azure extension").contains(&"vscode"));
    assert!(!ids("VS Code Azure extension").contains(&"visual-studio"));
    assert!(ids("Microsoft 365 Apps on a Pixel").contains(&"platform-android"));
    // ワード (Word) inside パスワード is not Word.
    assert!(!ids("パスワードを忘れました").contains(&"word"));
}

#[test]
fn every_clue_the_knowledge_base_may_name_is_recognised() {
    for id in m365doctor_kb::model::CLUES {
        let def = clues::def(id).unwrap_or_else(|| panic!("no clue `{id}`"));
        assert!(!def.en.is_empty(), "{id} has no English pattern");
        assert!(
            matches!(def.kind, Kind::Context | Kind::Platform | Kind::Topic),
            "{id}"
        );
    }
    // And the other way round: every situation is in the kb's vocabulary.
    for c in CLUES
        .iter()
        .filter(|c| c.kind == Kind::Context || c.kind == Kind::Platform)
    {
        assert!(m365doctor_kb::model::CLUES.contains(&c.id), "{}", c.id);
    }
}

#[test]
fn japanese_patterns_are_japanese() {
    // ASCII words are matched word by word through the English patterns; a
    // Japanese pattern made of ASCII would match inside words.
    for c in CLUES {
        for p in c.ja.iter().chain(c.neg_ja) {
            assert!(p.chars().any(text::is_japanese), "{}: {p}", c.id);
        }
    }
}

// --- Ranking --------------------------------------------------------------

#[test]
fn a_wrong_clock_in_japanese_points_at_the_clock() {
    let u = understand("Teamsにサインインできません。時刻がずれているようです。");
    assert!(u.about_sign_in);
    assert_eq!(u.layers[0].layer, Layer::Clock);
    assert!(u.layers[0].score > 0.8, "{:?}", u.layers[0]);
    assert!(u
        .entries
        .iter()
        .any(|e| e.id == "teams-invalid-grant-clock"));
}

#[test]
fn repeated_password_prompts_after_a_change_point_at_saved_credentials() {
    let u = understand("パスワードを変えてから Outlook が何度もパスワードを聞いてくる");
    assert_eq!(u.entries[0].id, "symptom-outlook-password-prompt-loop");
    let top = top_layers(&u, 2);
    assert!(
        top.contains(&"credential-store") || top.contains(&"account-state"),
        "{top:?}"
    );
    let ids: Vec<&str> = u.clues.iter().map(|c| c.id).collect();
    assert!(
        ids.contains(&"password-changed") && ids.contains(&"prompt-loop"),
        "{ids:?}"
    );
}

#[test]
fn an_account_problem_in_word_after_a_new_laptop_gets_an_answer() {
    let u = understand("Word says there is a problem with my account since I got a new laptop");
    assert!(u.about_sign_in);
    let ids: Vec<&str> = u.clues.iter().map(|c| c.id).collect();
    assert!(
        ids.contains(&"word") && ids.contains(&"hardware-replaced"),
        "{ids:?}"
    );
    // An Office account entry leads, and the text leaves room for doubt:
    // questions are offered.
    assert!(
        u.entries[0].id.starts_with("symptom-office"),
        "{:?}",
        u.entries[0]
    );
    assert!(!u.questions.is_empty());
}

#[test]
fn a_non_compliant_phone_points_at_conditional_access() {
    let u = understand("Company Portal says my phone is not compliant and now Teams is blocked");
    assert_eq!(u.layers[0].layer, Layer::ConditionalAccess);
    assert!(u.entries.iter().any(
        |e| e.id == "symptom-device-not-compliant" || e.id == "aadsts-ca-device-not-compliant"
    ));
}

#[test]
fn more_texts_find_their_layer() {
    for (text, layer) in [
        (
            "Authenticator on my new phone never gets the approval request",
            Layer::Mfa,
        ),
        (
            "承認の通知がスマホに届かないので MFA が通りません",
            Layer::Mfa,
        ),
        (
            "Outlook sits on 'Trying to connect' while the VPN is down",
            Layer::Network,
        ),
        (
            "会社のプロキシで認証を求められて Teams が使えない",
            Layer::ProxyTls,
        ),
        (
            "the TPM has malfunctioned message after the motherboard swap",
            Layer::Tpm,
        ),
        (
            "Word の上にライセンスのない製品と表示されて編集できません",
            Layer::Licensing,
        ),
        (
            "our app gets a redirect URI mismatch after deploying to Azure",
            Layer::AppRegistration,
        ),
        (
            "AD FS の証明書を更新してから全員サインインできなくなりました",
            Layer::Federation,
        ),
    ] {
        let u = understand(text);
        assert_eq!(u.layers[0].layer, layer, "{text}: {:?}", top_layers(&u, 3));
    }
}

#[test]
fn a_text_that_is_not_about_signing_in_says_so() {
    for text in [
        "The printer on the third floor is jammed again, can someone come and look",
        "エクセルの関数で合計が合いません。SUMIF の書き方を教えてください",
        "can you order a second monitor for the new starter please",
    ] {
        let u = understand(text);
        assert!(!u.about_sign_in, "{text}: {}", u.sign_in_score);
        assert!(u.top_layer().is_none());
        assert!(u.questions.is_empty());
    }
}

#[test]
fn odd_input_gets_a_clear_answer_and_no_panic() {
    for text in ["", " ", "😀🔥🙏", "??", "a", "\u{FEFF}\u{200B}", "ｱｲｳｴｵ"] {
        let u = understand(text);
        assert!(!u.about_sign_in, "{text:?}");
    }
    // One word about signing in is a sign-in problem, with questions.
    let u = understand("パスワード");
    assert!(u.about_sign_in);
    assert!(!u.questions.is_empty());
    // HTML pasted from a web page is read for its words.
    let html = "<html><head><style>.x{color:red}</style></head><body><div class=\"error\">\
                <h1>Your clock is behind</h1><p>Sign-in failed because the time on this device is wrong.</p>\
                </div></body></html>";
    assert_eq!(understand(html).layers[0].layer, Layer::Clock);
    // A long paste is read whole.
    let long = "Teams keeps asking for my password. ".repeat(20_000);
    assert!(understand(&long).about_sign_in);
}

#[test]
fn code_evidence_from_the_caller_weighs_in() {
    let engine = Engine::bundled();
    let evidence = [Evidence {
        kind: EvidenceKind::Code,
        label: "0x80072EE7".into(),
        entry: Some("dns-name-not-resolved".into()),
        layer: Some(Layer::Network),
        weight: 0.9,
    }];
    let u = engine.understand(&Query {
        text: "Teams won't sign in. Error 0x80072EE7",
        evidence: &evidence,
        ..Query::default()
    });
    assert_eq!(u.layers[0].layer, Layer::Network);
    assert_eq!(u.entries[0].id, "dns-name-not-resolved");
    assert!(u.entries[0]
        .reasons
        .contains(&m365doctor_understand::Reason::Evidence(
            "0x80072EE7".into()
        )));
}

#[test]
fn the_caller_can_name_the_app_and_platform() {
    let engine = Engine::bundled();
    let u = engine.understand(&Query {
        text: "it keeps asking me to allow access to the keychain",
        apps: &["outlook"],
        platform: Some("macos"),
        ..Query::default()
    });
    assert_eq!(u.entries[0].id, "symptom-mac-keychain-prompts");
    assert!(u.clues.iter().any(|c| c.id == "platform-macos"));
}

#[test]
fn scores_are_probabilities_and_sorted() {
    let u = understand("Outlook keeps asking for my password since this morning");
    assert_eq!(u.layers.len(), Layer::ALL.len());
    for pair in u.layers.windows(2) {
        assert!(pair[0].score >= pair[1].score);
    }
    assert!(u.layers.iter().all(|l| (0.0..=1.0).contains(&l.score)));
    assert!(u.entries.len() == 3);
    assert!(u.entries[0].probability >= u.entries[1].probability);
}

// --- Questions --------------------------------------------------------------

#[test]
fn every_question_sets_known_clues_and_speaks_both_languages() {
    assert!(questions::unknown_clues().is_empty());
    for q in QUESTIONS {
        assert!(!q.en.is_empty() && !q.ja.is_empty());
        assert!(q.answers.len() >= 2);
        assert!(q
            .answers
            .iter()
            .all(|a| !a.en.is_empty() && !a.ja.is_empty()));
        assert!(q.answers.iter().any(|a| a.id == "unsure"), "{}", q.id);
    }
}

#[test]
fn unsure_texts_get_up_to_three_distinct_questions_and_sure_ones_none() {
    let u = understand("I can't sign in to Teams");
    assert!(u.layers[0].score < m365doctor_understand::ASK_BELOW);
    assert!(!u.questions.is_empty() && u.questions.len() <= 3);
    let mut ids: Vec<&str> = u.questions.iter().map(|q| q.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), u.questions.len());
    let sure = understand(
        "Your clock is behind. The time on this PC is 2 hours off and Teams refuses to sign in",
    );
    assert!(sure.questions.is_empty(), "{:?}", sure.layers[0]);
}

#[test]
fn a_situation_the_text_states_is_not_asked_again() {
    let u = understand("Teams can't sign in. It works on my phone, and the browser works too.");
    assert!(u
        .questions
        .iter()
        .all(|q| q.id != "other-devices" && q.id != "browser"));
}

#[test]
fn answers_re_rank_the_layers() {
    let engine = Engine::bundled();
    let text = "Teams won't sign in on this laptop since Monday";
    let base = engine.understand(&Query::text(text));
    let score = |u: &Understanding, layer: Layer| {
        u.layers
            .iter()
            .find(|l| l.layer == layer)
            .map_or(0.0, |l| l.score)
    };
    // "The clock is wrong" makes the clock the answer.
    let mut clock = base.clone();
    engine.answer(&mut clock, "clock", "no").unwrap();
    assert_eq!(clock.layers[0].layer, Layer::Clock);
    assert_eq!(clock.answers, vec![("clock", "no")]);
    // "Other people have it too" moves weight from this device to the service side.
    let mut many = base.clone();
    engine.answer(&mut many, "many-users", "yes").unwrap();
    assert!(score(&many, Layer::Service) > score(&base, Layer::Service));
    assert!(score(&many, Layer::Tpm) < score(&base, Layer::Tpm));
    // "It works in the browser" speaks against the account.
    let mut browser = base.clone();
    engine.answer(&mut browser, "browser", "yes").unwrap();
    assert!(score(&browser, Layer::AccountState) < score(&base, Layer::AccountState));
    // Answering again replaces the earlier answer; "unsure" changes nothing.
    engine.answer(&mut browser, "browser", "unsure").unwrap();
    assert_eq!(browser.answers, vec![("browser", "unsure")]);
    assert_eq!(browser.layers, base.layers);
    // An answered question is not asked again.
    assert!(clock.questions.iter().all(|q| q.id != "clock"));
}

#[test]
fn an_unknown_question_or_answer_is_a_clear_error() {
    let engine = Engine::bundled();
    let mut u = understand("Teams won't sign in");
    let err = engine.answer(&mut u, "moon", "yes").unwrap_err();
    assert!(err.to_string().contains("unknown question `moon`"), "{err}");
    let err = engine.answer(&mut u, "clock", "maybe").unwrap_err();
    assert!(
        err.to_string().contains("its answers are: yes, no, unsure"),
        "{err}"
    );
    assert!(u.answers.is_empty());
}

// --- Data ------------------------------------------------------------------

#[test]
fn the_generated_weights_fit_this_build() {
    assert!(
        Params::generated_fit(),
        "crates/understand/src/generated.rs does not fit the model's layout; run `cargo run --release -p train-understand`"
    );
    let p = Params::bundled();
    assert!(p.weights.iter().all(|w| w.is_finite()));
}

#[test]
fn the_bundled_index_covers_every_entry_in_order() {
    let engine = Engine::bundled();
    let index = engine.index();
    assert_eq!(index.docs(), m365doctor_kb::ENTRIES.len());
    for (id, e) in index.ids.iter().zip(m365doctor_kb::ENTRIES.iter()) {
        assert_eq!(id.as_ref(), e.id.as_ref());
    }
    // The same index built now from the same entries is identical.
    let entries: Vec<&m365doctor_kb::Entry> = m365doctor_kb::ENTRIES.iter().collect();
    let rebuilt = m365doctor_understand::Index::build(&entries);
    assert_eq!(rebuilt.term_text, index.term_text);
    assert_eq!(rebuilt.postings, index.postings);
}

#[test]
fn japanese_words_are_shown_as_the_phrases_of_the_text() {
    let u = understand("Teamsにサインインできません。パスワードを変えてから何度も聞かれます");
    let words: Vec<String> = u
        .entries
        .iter()
        .flat_map(|e| e.reasons.iter())
        .filter_map(|r| match r {
            m365doctor_understand::Reason::Words(w) => Some(w.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    assert!(words.iter().any(|w| w == "サインイン"), "{words:?}");
    // No bigram fragments such as "ンイ" or "にサ".
    assert!(
        words.iter().all(|w| w.is_ascii()
            || w.chars().count() != 2
            || !["ンイ", "にサ", "ンで"].contains(&w.as_str())),
        "{words:?}"
    );
}
