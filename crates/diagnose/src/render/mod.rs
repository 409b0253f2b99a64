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
};

/// The one-line answer: the most likely cause and the failing layer.
pub(crate) fn summary(d: &Case, lang: Lang) -> String {
    let Some((layer, _)) = d.layers.first() else {
        return L.nothing.get(lang).to_string();
    };
    let entry_title = d
        .findings
        .first()
        .and_then(|f| f.entry.as_ref())
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
