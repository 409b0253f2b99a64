//! A case's documents, one module each: the `m365doctor.diagnose/1` JSON
//! ([`json`]), readable text ([`text`]) and the Markdown support ticket
//! ([`markdown`]), in English or Japanese, plus the dsregcmd part
//! ([`dsreg`]). Each renders with a copy of the case's redactor, so every
//! document of a case gives a value the same placeholder.

pub(crate) mod dsreg;
pub(crate) mod json;
pub(crate) mod markdown;
pub(crate) mod text;

use crate::case::Case;
use m365doctor_codes::{Lang, Text};
use m365doctor_understand::clues::Kind;
use m365doctor_understand::Reason;

/// Words shared by the text and the Markdown documents.
pub(crate) struct Labels {
    pub title: Text,
    pub summary: Text,
    pub nothing: Text,
    pub layer: Text,
    pub findings: Text,
    pub symptoms: Text,
    pub ids: Text,
    pub correlation: Text,
    pub request: Text,
    pub trace: Text,
    pub timestamp: Text,
    pub apps: Text,
    pub events: Text,
    pub tried: Text,
    pub plan: Text,
    pub confidence: Text,
    pub explains: Text,
    pub entry: Text,
    pub name: Text,
    pub not_sign_in: Text,
    pub best: Text,
    pub questions: Text,
    pub answers: Text,
    pub notes: Text,
    pub answer_with: Text,
    pub dialog_like: Text,
}

pub(crate) const L: Labels = Labels {
    title: Text::new("Microsoft 365 sign-in problem", "Microsoft 365 のサインインの問題"),
    summary: Text::new("Summary", "概要"),
    nothing: Text::new(
        "No error code, identifier or known dialog text was found. Paste the whole error message, including the details or 'More details' section, or run `m365doctor explain CODE`.",
        "エラー コード、ID、既知のダイアログ文言は見つかりませんでした。[詳細] の内容も含めてエラー メッセージ全体を貼り付けるか、`m365doctor explain コード` を実行してください。",
    ),
    layer: Text::new("Suspected layer", "原因と思われるレイヤー"),
    findings: Text::new("Error codes", "エラー コード"),
    symptoms: Text::new("Recognised dialog texts", "認識したダイアログの文言"),
    ids: Text::new("For the administrator", "管理者向け情報"),
    correlation: Text::new("Correlation ID", "相関 ID"),
    request: Text::new("Request ID", "要求 ID"),
    trace: Text::new("Trace ID", "トレース ID"),
    timestamp: Text::new("Timestamp", "タイムスタンプ"),
    apps: Text::new("Apps", "アプリ"),
    events: Text::new("Event log entries", "イベント ログ"),
    tried: Text::new("Already tried", "実施済みの対処"),
    plan: Text::new("What to do, least invasive first", "対処手順 (影響の小さい順)"),
    confidence: Text::new("confidence", "確度"),
    explains: Text::new("explains", "の原因"),
    entry: Text::new("Knowledge base", "ナレッジ ベース"),
    name: Text::new("name", "名前"),
    not_sign_in: Text::new(
        "This does not look like a sign-in problem: no description of a sign-in failure, error code or known dialog text was found. If it is one, say what happens when you sign in (the app, the message, what you tried), or paste the whole error message including its details.",
        "サインインの問題ではないようです。サインインの失敗を示す記述、エラー コード、既知のダイアログの文言は見つかりませんでした。サインインの問題の場合は、サインインしたときに何が起きるか (アプリ、表示されるメッセージ、試したこと) を書くか、詳細を含めてエラー メッセージ全体を貼り付けてください。",
    ),
    best: Text::new("Best matches", "該当しそうな項目"),
    questions: Text::new("Questions", "確認したいこと"),
    answers: Text::new("Answers", "回答"),
    notes: Text::new("Notes", "補足"),
    answer_with: Text::new("answer with --answer", "--answer で回答"),
    dialog_like: Text::new("wording like", "類似の文言"),
};

/// How the summary line starts (an earlier report pasted back in is
/// recognised by it).
pub(crate) const SUMMARY_PREFIXES: &[&str] = &[
    "Most likely cause: ",
    "最も可能性の高い原因: ",
    "Failing layer: ",
    "問題のレイヤー: ",
];

/// Why an entry ranks where it does, in words.
pub(crate) fn reason(d: &Case, r: &Reason, lang: Lang) -> String {
    match r {
        Reason::Words(words) => match lang {
            Lang::En => format!(
                "words {}",
                words
                    .iter()
                    .map(|w| format!("“{w}”"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Lang::Ja => format!(
                "語句 {}",
                words.iter().map(|w| format!("「{w}」")).collect::<String>()
            ),
        },
        Reason::Clue { id, value } => {
            let label = crate::understanding::clue_label(id, lang);
            match (lang, *value < 0.0) {
                (_, false) => label.to_string(),
                (Lang::En, true) => format!("not {label}"),
                (Lang::Ja, true) => format!("{label}ではない"),
            }
        }
        Reason::Evidence(label) => {
            if d.findings
                .iter()
                .any(|f| &f.interpretation.normalized == label)
            {
                match lang {
                    Lang::En => format!("code {label}"),
                    Lang::Ja => format!("コード {label}"),
                }
            } else if d
                .symptoms
                .iter()
                .any(|s| s.matched.contains(label) || s.unconfirmed.contains(label))
            {
                match lang {
                    Lang::En => format!("dialog “{label}”"),
                    Lang::Ja => format!("ダイアログ「{label}」"),
                }
            } else {
                label.clone()
            }
        }
        Reason::App(app) => match lang {
            Lang::En => format!("app {app}"),
            Lang::Ja => format!("アプリ {app}"),
        },
    }
}

/// A clue kind's id in JSON.
pub(crate) fn kind_id(kind: Kind) -> &'static str {
    match kind {
        Kind::App => "app",
        Kind::Platform => "platform",
        Kind::Context => "context",
        Kind::Topic => "topic",
    }
}

/// The question's text and its answers' in `lang`.
pub(crate) fn question_text(q: &m365doctor_understand::Question, lang: Lang) -> &'static str {
    match lang {
        Lang::En => q.en,
        Lang::Ja => q.ja,
    }
}

pub(crate) fn answer_text(a: &m365doctor_understand::Answer, lang: Lang) -> &'static str {
    match lang {
        Lang::En => a.en,
        Lang::Ja => a.ja,
    }
}

/// The one-line answer: the most likely cause and the failing layer, or
/// that the text does not look like a sign-in problem.
pub(crate) fn summary(d: &Case, lang: Lang) -> String {
    let Some((layer, _)) = d.layers.first() else {
        return if d.about_sign_in {
            L.nothing.get(lang).to_string()
        } else {
            L.not_sign_in.get(lang).to_string()
        };
    };
    let entry_title = d
        .best
        .first()
        .map(|m| &m.entry)
        .or_else(|| d.findings.first().and_then(|f| f.entry.as_ref()))
        .or_else(|| d.symptoms.first().map(|s| &s.entry))
        .map(|f| f.entry.title.get(lang));
    let layer_name = layer.label().get(lang);
    match (lang, entry_title) {
        (Lang::En, Some(t)) => format!("Most likely cause: {t}. Failing layer: {layer_name}."),
        (Lang::Ja, Some(t)) => format!("最も可能性の高い原因: {t}。問題のレイヤー: {layer_name}。"),
        (Lang::En, None) => format!("Failing layer: {layer_name}."),
        (Lang::Ja, None) => format!("問題のレイヤー: {layer_name}。"),
    }
}
