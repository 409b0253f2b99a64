//! `POST /api/v1/diagnose` on the redaction corpus (issue 16, review F2):
//! the files uploaded under their names, nothing they must hide survives
//! in the JSON answer (the page's document with its sources and ticket) or
//! the Markdown ticket, and the support data stays.

use super::*;

#[path = "../../../diagnose/tests/redaction_corpus/check.rs"]
mod corpus;

async fn diagnose_corpus(query: &str) -> String {
    let files = corpus::files();
    let parts: Vec<(&str, Option<&str>, &[u8])> = files
        .iter()
        .map(|(name, bytes)| ("files", Some(name.as_str()), bytes.as_slice()))
        .collect();
    let (ct, body) = multipart(&parts);
    let a = send(app(), post(&format!("/api/v1/diagnose{query}"), &ct, body)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    a.text()
}

#[tokio::test]
async fn nothing_in_the_corpus_survives_in_the_answer() {
    for query in [
        "",
        "?lang=ja",
        "?format=markdown",
        "?format=markdown&lang=ja",
    ] {
        let answer = diagnose_corpus(query).await;
        corpus::assert_clean(&format!("POST /api/v1/diagnose{query}"), &answer);
        if !query.contains("markdown") {
            // The uploads' names are shown redacted too.
            let v: Value = serde_json::from_str(&answer).unwrap();
            let names = v["sources"].to_string();
            assert!(
                names.contains("home/<user-") && names.contains("Downloads/<email-"),
                "{names}"
            );
        }
    }
}

#[tokio::test]
async fn without_redaction_credentials_are_still_removed() {
    let answer = diagnose_corpus("?redact=false").await;
    let p = corpus::problems(&answer, true);
    assert!(p.is_empty(), "{}", p.join("\n"));
    assert!(answer.contains("megan.bowen@contoso.com"));
}
