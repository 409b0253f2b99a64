//! In-process tests of the whole application (guards, limits and handlers)
//! through `tower::ServiceExt::oneshot`: no sockets.

use crate::api::{routes, EXAMPLE};
use crate::assets::{APP_JS, I18N_JSON, INDEX_HTML, OPENAPI_JSON};
use crate::guard::{HostPolicy, CONTENT_SECURITY_POLICY};
use crate::{app_with_state, Config, Shared, State};
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use m365doctor_codes::Lang;
use m365doctor_diagnose::{diagnose, Input, MessageMatcher, Options};
use m365doctor_kb::Kb;
use serde_json::Value;
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

/// Hostile clients on real sockets, and the explain cap.
mod hostile;
/// The redaction corpus through the web API.
mod redaction;

const HOST: &str = "127.0.0.1:8765";
const CAPTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../dsreg/tests/data/captures/");

fn capture(name: &str) -> String {
    std::fs::read_to_string(format!("{CAPTURES}{name}")).unwrap()
}

fn state_with(f: impl FnOnce(&mut Config)) -> State {
    let mut config = Config::default();
    f(&mut config);
    let kb = Kb::bundled();
    let bound: SocketAddr = HOST.parse().unwrap();
    State {
        matcher: MessageMatcher::new(&kb),
        kb,
        lang: config.lang,
        hosts: HostPolicy::new(bound, config.allow_remote, &config.allowed_hosts),
        max_body: config.max_body,
        timeout: config.timeout,
        stall_timeout: config.stall_timeout,
        bodies: Default::default(),
        jobs: Default::default(),
        big_jobs: Arc::new(tokio::sync::Semaphore::new(crate::WORKER_THREADS)),
        upload_budget: crate::guard::upload_budget(config.max_body),
        uploads_held: Default::default(),
        work_delay: Duration::ZERO,
        stoppable_delay: Duration::ZERO,
        big_delay: Duration::ZERO,
    }
}

fn app() -> Router {
    app_with_state(Arc::new(state_with(|_| {})))
}

fn app_of(state: State) -> Router {
    let shared: Shared = Arc::new(state);
    app_with_state(shared)
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.to_vec()).unwrap()
    }

    /// Asserts a JSON error with this status and code; returns its message.
    fn error(&self, status: StatusCode, code: &str) -> String {
        assert_eq!(self.status, status, "{}", self.text());
        assert_eq!(self.headers[header::CONTENT_TYPE], "application/json");
        let v = self.json();
        assert_eq!(v["error"], code, "{v}");
        v["message"].as_str().unwrap().to_string()
    }
}

async fn send(app: Router, req: Request<Body>) -> Answer {
    let response = app.oneshot(req).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body,
    }
}

fn get(path: &str) -> Request<Body> {
    Request::get(path)
        .header(header::HOST, HOST)
        .body(Body::empty())
        .unwrap()
}

fn post(path: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(path)
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap()
}

fn has_japanese(s: &str) -> bool {
    s.chars()
        .any(|c| ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A multipart/form-data body of (field name, file name, bytes).
fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----m365doctor-test-boundary";
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn finding_codes(doc: &Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

// ---------------------------------------------------------------- endpoints

#[tokio::test]
async fn healthz_answers_ok_with_the_version() {
    let a = send(app(), get("/healthz")).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["status"], "ok");
    assert_eq!(a.json()["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn explain_gives_the_cli_document_with_the_app_entry() {
    let a = send(app(), get("/api/v1/explain/0x8004011d?app=outlook")).await;
    assert_eq!(a.status, StatusCode::OK);
    let v = a.json();
    assert_eq!(v["schema"], "m365doctor.explain/1");
    let i = &v["results"][0]["interpretations"][0];
    assert_eq!(i["normalized"], "0x8004011D");
    assert_eq!(i["names"][0], "MAPI_E_FAILONEPROVIDER");
    // The same document `m365doctor explain --app outlook --json` prints.
    let kb = Kb::bundled();
    let expected: Vec<_> = m365doctor_codes::explain_in("0x8004011d", &["outlook"])
        .unwrap()
        .into_iter()
        .map(|d| kb.explain(d, &["outlook"]))
        .collect();
    assert!(
        expected[0].entries[0].is_some(),
        "the KB covers 0x8004011D for Outlook"
    );
    assert_eq!(
        v,
        m365doctor_kb::json::explain_document(&expected, &[], Lang::En)
    );
}

#[tokio::test]
async fn explain_decodes_an_encoded_pair_and_rejects_non_codes() {
    let a = send(app(), get("/api/v1/explain/0x801c0021%2F0x80072ee2")).await;
    assert_eq!(a.status, StatusCode::OK);
    let v = a.json();
    assert_eq!(
        v["results"][0]["interpretations"][0]["normalized"],
        "0x801C0021"
    );
    assert_eq!(
        v["results"][0]["sub_error"]["interpretations"][0]["normalized"],
        "0x80072EE2"
    );

    let en = send(app(), get("/api/v1/explain/hello"))
        .await
        .error(StatusCode::BAD_REQUEST, "not-a-code");
    assert!(!has_japanese(&en) && !en.is_empty());
    let ja = send(app(), get("/api/v1/explain/hello?lang=ja"))
        .await
        .error(StatusCode::BAD_REQUEST, "not-a-code");
    assert!(has_japanese(&ja), "{ja}");

    let m = send(app(), get("/api/v1/explain/0x8004011d?app=lotus-notes"))
        .await
        .error(StatusCode::BAD_REQUEST, "unknown-app");
    assert!(m.contains("lotus-notes") && m.contains("outlook"));
}

#[tokio::test]
async fn language_is_the_query_then_accept_language_by_q_value() {
    let lang_of = |accept: Option<&'static str>, query: &'static str| async move {
        let mut req = get(&format!("/api/v1/explain/0xcaa20003{query}"));
        if let Some(a) = accept {
            req.headers_mut()
                .insert(header::ACCEPT_LANGUAGE, a.parse().unwrap());
        }
        let v = send(app(), req).await.json();
        (
            v["lang"].as_str().unwrap().to_string(),
            v["results"][0]["interpretations"][0]["reason"]
                .as_str()
                .unwrap()
                .to_string(),
        )
    };
    assert_eq!(lang_of(None, "").await.0, "en");
    let (lang, reason) = lang_of(Some("fr-FR, ja;q=0.9, en;q=0.8"), "").await;
    assert_eq!(lang, "ja");
    assert!(has_japanese(&reason), "{reason}");
    assert_eq!(lang_of(Some("en-US,en;q=0.9,ja;q=0.8"), "").await.0, "en");
    assert_eq!(lang_of(Some("en;q=0.5, ja-JP;q=0.7"), "").await.0, "ja");
    assert_eq!(lang_of(Some("ja;q=0, de"), "").await.0, "en");
    assert_eq!(lang_of(Some("ja"), "?lang=en").await.0, "en");
    assert_eq!(lang_of(Some("en"), "?lang=ja").await.0, "ja");
    let m = send(app(), get("/api/v1/explain/0xcaa20003?lang=fr"))
        .await
        .error(StatusCode::BAD_REQUEST, "unsupported-lang");
    assert!(m.contains("lang=fr"));
    // The server's own language when the request names none.
    let ja_server = app_of(state_with(|c| c.lang = Lang::Ja));
    assert_eq!(
        send(ja_server, get("/api/v1/explain/0xcaa20003"))
            .await
            .json()["lang"],
        "ja"
    );
}

#[tokio::test]
async fn diagnose_text_is_the_cli_document_plus_what_the_page_shows() {
    let a = send(
        app(),
        post(
            "/api/v1/diagnose?app=teams",
            "text/plain; charset=utf-8",
            EXAMPLE,
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let mut v = a.json();
    assert_eq!(v["schema"], "m365doctor.diagnose/1");
    assert_eq!(finding_codes(&v)[0], "0x80072EE7");
    assert_eq!(v["layers"][0], "network");
    assert_eq!(
        v["correlation_ids"][0],
        "6f0c2d1e-8a4b-4c3d-9e2f-1a2b3c4d5e6f"
    );
    assert!(
        !v["findings"].to_string().contains("taro.yamada"),
        "evidence is redacted by default"
    );
    assert_eq!(v["sources"][0]["name"], "pasted");
    assert_eq!(
        v["decoded"]["0x80072EE7"]["interpretations"][0]["names"][0],
        "ERROR_INTERNET_NAME_NOT_RESOLVED"
    );
    let entry = v["findings"][0]["entry"].as_str().unwrap().to_string();
    assert_eq!(v["entries"][&entry]["id"], entry);
    assert!(v["entries"][&entry]["steps"]
        .as_array()
        .is_some_and(|s| !s.is_empty()));
    for step in v["plan"].as_array().unwrap() {
        assert!(
            v["entries"].get(step["entry"].as_str().unwrap()).is_some(),
            "every entry named is included"
        );
    }
    let kb = Kb::bundled();
    let inputs = [Input::new("pasted", EXAMPLE)];
    let options = Options {
        apps: vec!["teams".into()],
        tried: vec![],
        redact: true,
        ..Options::default()
    };
    let case = diagnose(&inputs, &kb, &options);
    assert_eq!(v["ticket_markdown"], case.markdown(Lang::En));
    // Without the server's additions, exactly `m365doctor diagnose --json`.
    for extra in [
        "sources",
        "skipped",
        "decoded",
        "entries",
        "ticket_markdown",
    ] {
        v.as_object_mut().unwrap().remove(extra);
    }
    assert_eq!(v, case.to_json(Lang::En));
}

#[tokio::test]
async fn diagnose_options_tried_redact_format() {
    let all = send(app(), post("/api/v1/diagnose", "text/plain", EXAMPLE))
        .await
        .json();
    let first = all["plan"][0]["action"].as_str().unwrap().to_string();
    let fewer = send(
        app(),
        post(
            &format!("/api/v1/diagnose?tried={first}"),
            "text/plain",
            EXAMPLE,
        ),
    )
    .await
    .json();
    assert!(fewer["plan"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["action"] != first.as_str()));
    assert_eq!(fewer["tried"][0], first.as_str());

    let line = "Sign-in failed for taro.yamada@contoso.co.jp: 0x80072ee7";
    let redacted = send(app(), post("/api/v1/diagnose", "text/plain", line))
        .await
        .json();
    assert!(!redacted["findings"].to_string().contains("taro.yamada"));
    let plain = send(
        app(),
        post("/api/v1/diagnose?redact=false", "text/plain", line),
    )
    .await
    .json();
    assert!(plain["findings"]
        .to_string()
        .contains("taro.yamada@contoso.co.jp"));

    let md = send(
        app(),
        post(
            "/api/v1/diagnose?format=markdown&lang=ja",
            "text/plain",
            EXAMPLE,
        ),
    )
    .await;
    assert_eq!(md.status, StatusCode::OK);
    assert_eq!(
        md.headers[header::CONTENT_TYPE],
        "text/markdown; charset=utf-8"
    );
    assert!(md.text().contains("0x80072EE7") && has_japanese(&md.text()));

    for (query, code) in [
        ("tried=reinstall-windows", "unknown-action"),
        ("redact=maybe", "bad-parameter"),
        ("format=pdf", "bad-parameter"),
        ("encoding=klingon", "unknown-encoding"),
        ("app=notes", "unknown-app"),
        ("answer=bogus:yes", "unknown-answer"),
        ("answer=clock:maybe", "unknown-answer"),
        ("answer=clock", "unknown-answer"),
    ] {
        let a = send(
            app(),
            post(&format!("/api/v1/diagnose?{query}"), "text/plain", EXAMPLE),
        )
        .await;
        a.error(StatusCode::BAD_REQUEST, code);
    }
    send(app(), post("/api/v1/diagnose", "text/plain", " \n\t "))
        .await
        .error(StatusCode::BAD_REQUEST, "empty-input");
    let m = send(
        app(),
        post("/api/v1/diagnose", "application/json", r#"{"text":"x"}"#),
    )
    .await
    .error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type");
    assert!(m.contains("application/json"));
    send(
        app(),
        post("/api/v1/diagnose", "multipart/form-data", "garbage"),
    )
    .await
    .error(StatusCode::BAD_REQUEST, "bad-multipart");
}

#[tokio::test]
async fn diagnose_reads_an_uploaded_utf16le_file() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in EXAMPLE.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let (ct, body) = multipart(&[
        ("files", Some("teams-error.txt"), &bytes),
        ("text", None, b""),
    ]);
    let a = send(app(), post("/api/v1/diagnose", &ct, body)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let v = a.json();
    assert_eq!(v["sources"][0]["name"], "teams-error.txt");
    assert_eq!(v["sources"][0]["encoding"], "UTF-16LE");
    assert_eq!(finding_codes(&v)[0], "0x80072EE7");
    assert_eq!(v["findings"][0]["evidence"][0]["source"], "teams-error.txt");
}

#[tokio::test]
async fn diagnose_reads_a_zip_of_logs_and_a_dsregcmd_capture_joins_the_case() {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("Teams/error.txt", options).unwrap();
    zip.write_all(EXAMPLE.as_bytes()).unwrap();
    zip.start_file("dsregcmd.txt", options).unwrap();
    zip.write_all(capture("c03-hybrid-device-disabled.txt").as_bytes())
        .unwrap();
    let zip = zip.finish().unwrap().into_inner();
    let (ct, body) = multipart(&[
        ("files", Some("collected.zip"), &zip),
        ("text", None, b"Outlook also says 0x8004011d"),
    ]);
    let a = send(app(), post("/api/v1/diagnose", &ct, body)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let v = a.json();
    let names: Vec<&str> = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "collected.zip!Teams/error.txt",
            "collected.zip!dsregcmd.txt",
            "pasted"
        ]
    );
    let codes = finding_codes(&v);
    assert!(
        codes.contains(&"0x80072EE7".to_string()) && codes.contains(&"0x8004011D".to_string()),
        "{codes:?}"
    );
    assert_eq!(v["dsreg"]["join_type"], "hybrid-joined");
    assert!(v["layers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l == "device-registration"));
    let dsreg_entry = v["dsreg"]["findings"][0]["entry"].as_str().unwrap();
    assert!(v["entries"].get(dsreg_entry).is_some());
    // The same octet-stream body, not in a form, is read as the zip it is.
    let a = send(
        app(),
        post(
            "/api/v1/diagnose?name=collected.zip",
            "application/octet-stream",
            zip,
        ),
    )
    .await;
    assert_eq!(
        a.json()["sources"][0]["name"],
        "collected.zip!Teams/error.txt"
    );
}

/// Uploads up to --max-body are read whole, past any framework default (2 MB for forms).
#[tokio::test]
async fn large_uploads_up_to_the_limit_are_read() {
    let mut log = String::new();
    while log.len() < 3 << 20 {
        log.push_str("2026-11-20 00:41:07.337 INFO  WAM: acquiring token for https://outlook.office365.com\n");
    }
    log.push_str(
        "2026-11-20 00:41:08.001 ERROR Token acquisition failed: Error code: 0xCAA70004\n",
    );
    let (ct, body) = multipart(&[("files", Some("big.log"), log.as_bytes())]);
    let a = send(app(), post("/api/v1/diagnose", &ct, body)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let v = a.json();
    assert_eq!(
        v["sources"][0]["bytes"].as_u64().unwrap() as usize,
        log.len()
    );
    assert_eq!(finding_codes(&v), ["0xCAA70004"]);
}

#[tokio::test]
async fn diagnose_reports_skipped_inputs() {
    let (ct, body) = multipart(&[
        (
            "files",
            Some("photo.png"),
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01",
        ),
        ("text", None, EXAMPLE.as_bytes()),
    ]);
    let v = send(app(), post("/api/v1/diagnose?lang=ja", &ct, body))
        .await
        .json();
    assert_eq!(v["skipped"][0]["name"], "photo.png");
    assert!(has_japanese(v["skipped"][0]["reason"].as_str().unwrap()));
    assert_eq!(finding_codes(&v)[0], "0x80072EE7");
}

#[tokio::test]
async fn dsreg_gives_the_cli_document_with_more_captures() {
    let a = send(
        app(),
        post(
            "/api/v1/dsreg",
            "text/plain",
            capture("c03-hybrid-device-disabled.txt"),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let v = a.json();
    assert_eq!(v["schema"], "m365doctor.dsreg/1");
    assert_eq!(v["join_type"], "hybrid-joined");
    assert_eq!(v["findings"][0]["rule"], "device-disabled-or-deleted");
    assert!(v.get("more_captures").is_none());
    // Redacted by default: the device id and the user's address are placeholders.
    let device_id = "5c8e0f4a-3b7d-4d52-9a51-0c2f6b7e8d11";
    assert!(!a.text().contains(device_id) && !a.text().contains("megan.bowen@contoso.com"));
    assert!(a.text().contains("<device-1>"), "{}", a.text());
    let raw = send(
        app(),
        post(
            "/api/v1/dsreg?redact=false",
            "text/plain",
            capture("c03-hybrid-device-disabled.txt"),
        ),
    )
    .await;
    assert!(raw.text().contains(device_id));

    let two = send(
        app(),
        post(
            "/api/v1/dsreg?lang=ja",
            "text/plain",
            capture("c18-two-captures-user-then-elevated.txt"),
        ),
    )
    .await
    .json();
    assert_eq!(two["more_captures"].as_array().unwrap().len(), 1);
    assert_eq!(two["lang"], "ja");

    let (ct, body) = multipart(&[(
        "files",
        Some("dsreg.txt"),
        capture("c37-not-joined.txt").as_bytes(),
    )]);
    assert_eq!(
        send(app(), post("/api/v1/dsreg", &ct, body)).await.json()["join_type"],
        "not-joined"
    );

    send(app(), post("/api/v1/dsreg", "text/plain", EXAMPLE))
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "no-dsreg-output");
    send(
        app(),
        post(
            "/api/v1/dsreg",
            "application/octet-stream",
            vec![0u8, 1, 2, 0, 0, 0, 7, 0, 0, 0],
        ),
    )
    .await
    .error(StatusCode::UNPROCESSABLE_ENTITY, "binary-input");
}

#[tokio::test]
async fn kb_lists_searches_and_shows_entries() {
    let kb = Kb::bundled();
    let list = send(app(), get("/api/v1/kb")).await.json();
    assert_eq!(list["schema"], "m365doctor.kb/1");
    assert_eq!(
        list["entries"].as_array().unwrap().len(),
        kb.entries().count()
    );
    assert_eq!(list, m365doctor_kb::json::list_document(&kb, Lang::En));
    let ja = send(app(), get("/api/v1/kb?lang=ja")).await.json();
    assert!(has_japanese(ja["actions"][0]["title"].as_str().unwrap()));

    let found = send(
        app(),
        get("/api/v1/kb?q=%E3%83%91%E3%82%B9%E3%83%AF%E3%83%BC%E3%83%89"),
    )
    .await
    .json();
    assert_eq!(found["query"], "パスワード");
    assert!(!found["entries"].as_array().unwrap().is_empty());

    let one = send(app(), get("/api/v1/kb/dns-name-not-resolved")).await;
    assert_eq!(one.status, StatusCode::OK);
    let e = one.json();
    assert_eq!(e["id"], "dns-name-not-resolved");
    assert_eq!(e["source"], "bundled");
    assert!(has_japanese(e["title"]["ja"].as_str().unwrap()));

    let m = send(app(), get("/api/v1/kb/no-such-entry?lang=ja"))
        .await
        .error(StatusCode::NOT_FOUND, "unknown-entry");
    assert!(m.contains("no-such-entry") && has_japanese(&m));
}

#[tokio::test]
async fn layers_and_example() {
    let v = send(app(), get("/api/v1/layers?lang=ja")).await.json();
    let layers = v["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 17);
    assert!(layers
        .iter()
        .any(|l| l["id"] == "wam-broker" && has_japanese(l["label"].as_str().unwrap())));
    let a = send(app(), get("/api/v1/example")).await;
    assert_eq!(a.headers[header::CONTENT_TYPE], "text/plain; charset=utf-8");
    assert!(a.text().contains("caa70004"));
}

#[tokio::test]
async fn unknown_routes_and_methods_are_json_errors() {
    send(app(), get("/api/v2/explain/0x1"))
        .await
        .error(StatusCode::NOT_FOUND, "unknown-route");
    let ja = send(app(), get("/nope?lang=ja"))
        .await
        .error(StatusCode::NOT_FOUND, "unknown-route");
    assert!(has_japanese(&ja));
    let a = send(
        app(),
        Request::delete("/api/v1/kb")
            .header(header::HOST, HOST)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    a.error(StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed");
    assert_eq!(a.headers[header::ALLOW], "GET,HEAD");
    let a = send(app(), get("/api/v1/diagnose")).await;
    a.error(StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed");
    assert_eq!(a.headers[header::ALLOW], "POST");
}

// ------------------------------------------------------------------ limits

#[tokio::test]
async fn bodies_over_the_limit_get_413_declared_or_streamed() {
    let small = || app_of(state_with(|c| c.max_body = 1024));
    let big = "0x80072ee7 ".repeat(200);
    let m = send(small(), post("/api/v1/diagnose", "text/plain", big.clone()))
        .await
        .error(StatusCode::PAYLOAD_TOO_LARGE, "body-too-large");
    assert!(m.contains("1 KiB") && m.contains("--max-body"), "{m}");
    // Without Content-Length: counted while reading.
    let chunks: Vec<Result<Bytes, std::io::Error>> =
        (0..10).map(|_| Ok(Bytes::from(vec![b'a'; 200]))).collect();
    let streamed = Body::from_stream(futures_util::stream::iter(chunks));
    let mut req = post("/api/v1/diagnose?lang=ja", "text/plain", streamed);
    req.headers_mut().remove(header::CONTENT_LENGTH);
    let m = send(small(), req)
        .await
        .error(StatusCode::PAYLOAD_TOO_LARGE, "body-too-large");
    assert!(has_japanese(&m) && m.contains("1 KiB"));
    // At the limit is fine.
    let at = format!("{EXAMPLE}{}", " ".repeat(1024 - EXAMPLE.len()));
    assert_eq!(
        send(small(), post("/api/v1/diagnose", "text/plain", at))
            .await
            .status,
        StatusCode::OK
    );
    // The default is 25 MiB.
    assert_eq!(Config::default().max_body, 25 << 20);
}

#[tokio::test]
async fn slow_bodies_get_408_and_slow_answers_503() {
    let pending =
        Body::from_stream(futures_util::stream::pending::<Result<Bytes, std::io::Error>>());
    let quick = app_of(state_with(|c| c.timeout = Duration::from_millis(50)));
    send(quick, post("/api/v1/diagnose", "text/plain", pending))
        .await
        .error(StatusCode::REQUEST_TIMEOUT, "request-timeout");

    let mut slow = state_with(|c| c.timeout = Duration::from_millis(50));
    slow.work_delay = Duration::from_millis(400);
    let m = send(
        app_of(slow),
        post("/api/v1/diagnose?lang=ja", "text/plain", EXAMPLE),
    )
    .await
    .error(StatusCode::SERVICE_UNAVAILABLE, "timeout");
    assert!(has_japanese(&m) && m.contains("--timeout"));
}

/// At most MAX_BODIES uploads are held at once; the next one is told to come back.
#[tokio::test]
async fn uploads_beyond_the_concurrent_limit_get_503_busy() {
    let mut slow = state_with(|_| {});
    slow.work_delay = Duration::from_millis(500);
    let app = app_of(slow);
    let requests = (0..crate::guard::MAX_BODIES + 1)
        .map(|_| send(app.clone(), post("/api/v1/diagnose", "text/plain", EXAMPLE)));
    let answers = futures_util::future::join_all(requests).await;
    let ok = answers
        .iter()
        .filter(|a| a.status == StatusCode::OK)
        .count();
    let busy: Vec<&Answer> = answers
        .iter()
        .filter(|a| a.status != StatusCode::OK)
        .collect();
    assert_eq!(ok, crate::guard::MAX_BODIES);
    assert_eq!(busy.len(), 1);
    busy[0].error(StatusCode::SERVICE_UNAVAILABLE, "busy");
    assert_eq!(busy[0].headers[header::RETRY_AFTER], "2");
    // The places are given back: the next upload is served.
    assert_eq!(
        send(app, post("/api/v1/diagnose", "text/plain", EXAMPLE))
            .await
            .status,
        StatusCode::OK
    );
    // Requests without a body are never counted.
}

// ---------------------------------------------------------------- security

#[tokio::test]
async fn host_must_name_this_server() {
    let with_host = |host: Option<&str>| {
        let mut b = Request::get("/healthz");
        if let Some(h) = host {
            b = b.header(header::HOST, h);
        }
        b.body(Body::empty()).unwrap()
    };
    for ok in [
        "127.0.0.1:8765",
        "localhost:8765",
        "LOCALHOST:8765",
        "[::1]:8765",
        "127.0.0.2:8765",
    ] {
        assert_eq!(
            send(app(), with_host(Some(ok))).await.status,
            StatusCode::OK,
            "{ok}"
        );
    }
    for bad in [
        Some("attacker.example:8765"),
        Some("localhost.attacker.example:8765"),
        Some("127.0.0.1:9999"),
        Some("localhost"),
        Some("192.168.1.20:8765"),
        Some("user@localhost:8765"),
        Some(""),
        None,
    ] {
        let m = send(app(), with_host(bad))
            .await
            .error(StatusCode::FORBIDDEN, "forbidden-host");
        assert!(m.contains("DNS"), "{m}");
    }
    // With --allow-remote: any IP address (it cannot be rebound) and the names given.
    let remote = || {
        app_of(state_with(|c| {
            c.allow_remote = true;
            c.allowed_hosts = vec!["helpdesk-pc".into()];
        }))
    };
    for ok in ["192.168.1.20:8765", "helpdesk-pc:8765", "[fe80::1]:8765"] {
        assert_eq!(
            send(remote(), with_host(Some(ok))).await.status,
            StatusCode::OK,
            "{ok}"
        );
    }
    send(remote(), with_host(Some("attacker.example:8765")))
        .await
        .error(StatusCode::FORBIDDEN, "forbidden-host");
}

#[tokio::test]
async fn other_sites_are_refused() {
    let with = |method: Method, path: &str, headers: &[(&str, &str)]| {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, HOST)
            .header(header::CONTENT_TYPE, "text/plain");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(Body::from(EXAMPLE)).unwrap()
    };
    let ok = send(
        app(),
        with(
            Method::POST,
            "/api/v1/diagnose",
            &[
                ("origin", "http://127.0.0.1:8765"),
                ("sec-fetch-site", "same-origin"),
            ],
        ),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    // The page's own origin is the address it was loaded from.
    let local = Request::post("/api/v1/diagnose")
        .header(header::HOST, "localhost:8765")
        .header("origin", "http://localhost:8765")
        .body(Body::from(EXAMPLE))
        .unwrap();
    assert_eq!(send(app(), local).await.status, StatusCode::OK);
    for headers in [
        vec![("origin", "http://localhost:8765")],
        vec![("origin", "http://attacker.example")],
        vec![("origin", "https://127.0.0.1:8765")],
        vec![("origin", "http://127.0.0.1:8766")],
        vec![("origin", "null")],
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
    ] {
        send(app(), with(Method::POST, "/api/v1/diagnose", &headers))
            .await
            .error(StatusCode::FORBIDDEN, "forbidden-origin");
    }
    // Two Origin headers: refused whichever comes first (a browser sends one).
    for pair in [
        ["http://127.0.0.1:8765", "http://evil.example"],
        ["http://evil.example", "http://127.0.0.1:8765"],
        ["http://127.0.0.1:8765", "http://127.0.0.1:8765"],
    ] {
        send(
            app(),
            with(
                Method::POST,
                "/api/v1/diagnose",
                &[("origin", pair[0]), ("origin", pair[1])],
            ),
        )
        .await
        .error(StatusCode::FORBIDDEN, "forbidden-origin");
    }
    // Reads from another site's script are refused too; a link from elsewhere still opens the page.
    send(
        app(),
        with(
            Method::GET,
            "/api/v1/kb",
            &[("origin", "http://attacker.example")],
        ),
    )
    .await
    .error(StatusCode::FORBIDDEN, "forbidden-origin");
    assert_eq!(
        send(
            app(),
            with(Method::GET, "/", &[("sec-fetch-site", "cross-site")])
        )
        .await
        .status,
        StatusCode::OK
    );
}

/// With --allow-remote, a page on another machine (any address, same port)
/// is another site; and the Host header must be one, readable, and agree
/// with an absolute request target.
#[tokio::test]
async fn remote_mode_refuses_other_machines_pages_and_odd_hosts() {
    let remote = || app_of(state_with(|c| c.allow_remote = true));
    let from = |origin: &str| {
        Request::post("/api/v1/diagnose")
            .header(header::HOST, "192.168.1.10:8765")
            .header("origin", origin)
            .body(Body::from(EXAMPLE))
            .unwrap()
    };
    assert_eq!(
        send(remote(), from("http://192.168.1.10:8765"))
            .await
            .status,
        StatusCode::OK
    );
    send(remote(), from("http://6.6.6.6:8765"))
        .await
        .error(StatusCode::FORBIDDEN, "forbidden-origin");

    let two_hosts = Request::get("/healthz")
        .header(header::HOST, HOST)
        .header(header::HOST, "evil.example:8765")
        .body(Body::empty())
        .unwrap();
    send(app(), two_hosts)
        .await
        .error(StatusCode::FORBIDDEN, "forbidden-host");
    let absolute = Request::get("http://evil.example:8765/healthz")
        .header(header::HOST, HOST)
        .body(Body::empty())
        .unwrap();
    send(app(), absolute)
        .await
        .error(StatusCode::FORBIDDEN, "forbidden-host");
    let signed_port = Request::get("/healthz")
        .header(header::HOST, "localhost:+8765")
        .body(Body::empty())
        .unwrap();
    send(app(), signed_port)
        .await
        .error(StatusCode::FORBIDDEN, "forbidden-host");
}

/// A diagnosis whose caller got a time-out answer still holds its place
/// until it ends, so abandoned work cannot pile up on the worker threads.
#[tokio::test]
async fn abandoned_work_keeps_its_place_until_it_ends() {
    let mut slow = state_with(|c| c.timeout = Duration::from_millis(100));
    slow.work_delay = Duration::from_millis(1500);
    let shared: Shared = Arc::new(slow);
    let app = app_with_state(shared.clone());
    let requests = (0..crate::guard::MAX_BODIES)
        .map(|_| send(app.clone(), post("/api/v1/diagnose", "text/plain", EXAMPLE)));
    for answer in futures_util::future::join_all(requests).await {
        answer.error(StatusCode::SERVICE_UNAVAILABLE, "timeout");
    }
    // Every caller has its answer, but the work goes on: no new work yet.
    assert_eq!(
        shared.jobs.load(std::sync::atomic::Ordering::SeqCst),
        crate::guard::MAX_BODIES
    );
    send(app.clone(), post("/api/v1/diagnose", "text/plain", EXAMPLE))
        .await
        .error(StatusCode::SERVICE_UNAVAILABLE, "busy");
    // When the work ends, its places come back.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(shared.jobs.load(std::sync::atomic::Ordering::SeqCst), 0);
    assert_eq!(shared.bodies.load(std::sync::atomic::Ordering::SeqCst), 0);
}

/// A diagnosis whose caller got a time-out answer is stopped: its place
/// is free again at once, not when the work would have ended.
#[tokio::test]
async fn a_timed_out_diagnosis_is_stopped_and_frees_its_place() {
    let mut slow = state_with(|c| c.timeout = Duration::from_millis(100));
    slow.stoppable_delay = Duration::from_secs(20);
    let shared: Shared = Arc::new(slow);
    let app = app_with_state(shared.clone());
    let answered = std::time::Instant::now();
    send(app.clone(), post("/api/v1/diagnose", "text/plain", EXAMPLE))
        .await
        .error(StatusCode::SERVICE_UNAVAILABLE, "timeout");
    let jobs = || shared.jobs.load(std::sync::atomic::Ordering::SeqCst);
    while jobs() > 0 && answered.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(jobs(), 0, "the place is still held");
    assert!(answered.elapsed() < Duration::from_secs(5));
}

/// Big uploads are diagnosed two at a time; a one-line paste does not wait
/// for them, and a third big one waits its turn rather than failing.
#[tokio::test]
async fn a_paste_is_answered_while_big_uploads_are_diagnosed() {
    let mut busy = state_with(|_| {});
    busy.big_delay = Duration::from_millis(1500);
    let app = app_of(busy);
    let big = "Error code: 0xCAA70004\n".repeat(20_000);
    assert!(big.len() > crate::api::SMALL_UPLOAD);
    let started = std::time::Instant::now();
    let bigs: Vec<_> = (0..3)
        .map(|_| {
            let app = app.clone();
            let big = big.clone();
            tokio::spawn(
                async move { send(app, post("/api/v1/diagnose", "text/plain", big)).await },
            )
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let paste = send(app.clone(), post("/api/v1/diagnose", "text/plain", EXAMPLE)).await;
    assert_eq!(paste.status, StatusCode::OK);
    assert!(
        started.elapsed() < Duration::from_millis(1400),
        "the paste waited {:?}",
        started.elapsed()
    );
    for big in bigs {
        assert_eq!(big.await.unwrap().status, StatusCode::OK);
    }
    assert!(
        started.elapsed() >= Duration::from_millis(3000),
        "two turns"
    );
}

/// Bodies held at once are bounded in bytes, not only in number.
#[tokio::test]
async fn uploads_past_the_byte_budget_get_503_busy() {
    let mut state = state_with(|c| c.max_body = 1 << 20);
    state.big_delay = Duration::from_millis(800);
    let shared: Shared = Arc::new(state);
    assert_eq!(shared.upload_budget, 4 << 20);
    let app = app_with_state(shared.clone());
    let body = "Error 0x80070005\n".repeat((1 << 20) / 17);
    let requests = (0..5).map(|_| {
        send(
            app.clone(),
            post("/api/v1/diagnose", "text/plain", body.clone()),
        )
    });
    let answers = futures_util::future::join_all(requests).await;
    let ok = answers
        .iter()
        .filter(|a| a.status == StatusCode::OK)
        .count();
    assert_eq!(ok, 4);
    let refused = answers.iter().find(|a| a.status != StatusCode::OK).unwrap();
    let m = refused.error(StatusCode::SERVICE_UNAVAILABLE, "busy");
    assert!(m.contains("4 MiB"), "{m}");
    assert_eq!(refused.headers[header::RETRY_AFTER], "2");
    assert_eq!(
        shared
            .uploads_held
            .load(std::sync::atomic::Ordering::SeqCst),
        0
    );
}

/// Archives share one budget of decoded text per request: members past it
/// are listed as skipped, not read.
#[tokio::test]
async fn a_request_reads_no_more_text_than_its_budget() {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let member = vec![b'\n'; 7 << 20];
    for name in ["a.log", "b.log", "c.log"] {
        zip.start_file(name, options).unwrap();
        zip.write_all(&member).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    assert!(bytes.len() < 1 << 20, "a small upload");
    // A debug build on a busy machine needs most of the default 30 s for
    // this; the budget, not the time limit, is what is tested.
    let small = app_of(state_with(|c| {
        c.max_body = 1 << 20;
        c.timeout = Duration::from_secs(600);
    }));
    let v = send(
        small,
        post("/api/v1/diagnose", "application/octet-stream", bytes),
    )
    .await
    .json();
    let read: u64 = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["bytes"].as_u64().unwrap())
        .sum();
    assert!(read <= crate::api::text_budget(1 << 20), "{read}");
    assert!(
        v["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"].as_str().unwrap().contains("c.log")),
        "{}",
        v["skipped"]
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_no_cors() {
    let small = || app_of(state_with(|c| c.max_body = 10));
    let answers = [
        send(app(), get("/")).await,
        send(app(), get("/assets/app.js")).await,
        send(app(), get("/api/v1/explain/0x1")).await,
        send(app(), get("/nope")).await,
        send(
            app(),
            Request::get("/")
                .header(header::HOST, "evil:8765")
                .body(Body::empty())
                .unwrap(),
        )
        .await,
        send(small(), post("/api/v1/diagnose", "text/plain", EXAMPLE)).await,
        send(
            app(),
            Request::options("/api/v1/diagnose")
                .header(header::HOST, HOST)
                .header("origin", "http://127.0.0.1:8765")
                .header("access-control-request-method", "POST")
                .body(Body::empty())
                .unwrap(),
        )
        .await,
    ];
    let statuses: Vec<u16> = answers.iter().map(|a| a.status.as_u16()).collect();
    assert_eq!(statuses, [200, 200, 200, 404, 403, 413, 405]);
    for a in &answers {
        assert_eq!(
            a.headers["content-security-policy"],
            CONTENT_SECURITY_POLICY
        );
        assert_eq!(a.headers["x-content-type-options"], "nosniff");
        assert_eq!(a.headers["referrer-policy"], "no-referrer");
        assert_eq!(a.headers["x-frame-options"], "DENY");
        assert_eq!(a.headers["cache-control"], "no-store");
        assert!(
            a.headers
                .keys()
                .all(|k| !k.as_str().starts_with("access-control-")),
            "{:?}",
            a.headers
        );
    }
    assert!(
        CONTENT_SECURITY_POLICY.contains("frame-ancestors 'none'")
            && !CONTENT_SECURITY_POLICY.contains("unsafe-inline")
    );
}

// ------------------------------------------------------------------ assets

#[tokio::test]
async fn the_page_and_its_assets_are_served_with_their_types() {
    for (path, ty) in [
        ("/", "text/html; charset=utf-8"),
        ("/assets/app.js", "text/javascript; charset=utf-8"),
        ("/assets/app.css", "text/css; charset=utf-8"),
        ("/assets/i18n.json", "application/json"),
        ("/assets/icon.svg", "image/svg+xml"),
        ("/api/v1/openapi.json", "application/json"),
    ] {
        let a = send(app(), get(path)).await;
        assert_eq!(a.status, StatusCode::OK, "{path}");
        assert_eq!(a.headers[header::CONTENT_TYPE], ty, "{path}");
        assert!(!a.body.is_empty());
    }
}

#[test]
fn the_page_has_nothing_inline_that_the_policy_would_block() {
    let html = INDEX_HTML.to_ascii_lowercase();
    for (n, _) in html.match_indices("<script") {
        let tag = &html[n..n + html[n..].find('>').unwrap()];
        assert!(
            tag.contains("src=\"/assets/"),
            "inline or foreign script: {tag}"
        );
    }
    assert!(!html.contains("<style"), "inline style element");
    assert!(!html.contains(" style="), "inline style attribute");
    assert!(!html.contains("javascript:"));
    for attr in ["src=\"http", "href=\"http", "src=\"//", "href=\"//"] {
        assert!(!html.contains(attr), "external asset: {attr}");
    }
    for attr in [
        " onclick=",
        " onload=",
        " onerror=",
        " onsubmit=",
        " oninput=",
        " onchange=",
    ] {
        assert!(!html.contains(attr), "inline handler {attr}");
    }
    // Nor the script: it must not write inline styles or HTML strings.
    assert!(!APP_JS.contains(".innerHTML") && !APP_JS.contains("insertAdjacentHTML"));
    assert!(!APP_JS.contains("setAttribute(\"style\"") && !APP_JS.contains(".style."));
    assert!(!APP_JS.contains("eval(") && !APP_JS.contains("new Function"));
}

/// Every text of the page exists in English and Japanese, and every key used exists.
#[test]
fn every_page_text_exists_in_both_languages() {
    let strings: Value = serde_json::from_str(I18N_JSON).unwrap();
    let keys = |lang: &str| -> BTreeSet<String> {
        strings[lang].as_object().unwrap().keys().cloned().collect()
    };
    assert_eq!(keys("en"), keys("ja"));
    let en = keys("en");
    assert!(en.len() > 40, "{}", en.len());
    for lang in ["en", "ja"] {
        for (k, v) in strings[lang].as_object().unwrap() {
            assert!(
                v.as_str().is_some_and(|s| !s.trim().is_empty()),
                "{lang}.{k} is empty"
            );
        }
    }
    let ja_with_japanese = strings["ja"]
        .as_object()
        .unwrap()
        .values()
        .filter(|v| has_japanese(v.as_str().unwrap()))
        .count();
    assert!(
        ja_with_japanese * 10 >= en.len() * 8,
        "Japanese texts are mostly Japanese"
    );
    // Keys the page uses: data-i18n*="key" in the HTML, t("key") in the script.
    let mut used = BTreeSet::new();
    for marker in [
        "data-i18n=\"",
        "data-i18n-placeholder=\"",
        "data-i18n-label=\"",
        "data-i18n-title=\"",
    ] {
        for (n, _) in INDEX_HTML.match_indices(marker) {
            let rest = &INDEX_HTML[n + marker.len()..];
            used.insert(rest[..rest.find('"').unwrap()].to_string());
        }
    }
    for (n, _) in APP_JS.match_indices("t(\"") {
        // `t(` itself, not the end of `set(` or `split(`.
        let before = APP_JS[..n].chars().next_back().unwrap_or(' ');
        if before.is_alphanumeric() || before == '_' || before == '$' || before == '.' {
            continue;
        }
        let rest = &APP_JS[n + 3..];
        used.insert(rest[..rest.find('"').unwrap()].to_string());
    }
    assert!(used.len() > 30, "{used:?}");
    // A key ending in "." is a family completed at run time (`t("layer." + id)`).
    let missing: Vec<_> = used
        .iter()
        .filter(|k| {
            !(en.contains(*k) || k.ends_with('.') && en.iter().any(|e| e.starts_with(k.as_str())))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "texts used but not defined: {missing:?}"
    );
    let mut families: Vec<String> = Vec::new();
    families.extend(
        m365doctor_codes::Layer::ALL
            .iter()
            .map(|l| format!("layer.{}", l.id())),
    );
    families.extend(m365doctor_kb::model::WHO.iter().map(|w| format!("who.{w}")));
    families.extend(
        m365doctor_kb::model::RISKS
            .iter()
            .map(|r| format!("risk.{r}")),
    );
    families.extend(
        ["error", "warning", "info"]
            .iter()
            .map(|s| format!("severity.{s}")),
    );
    families.extend(
        ["windows", "macos", "linux"]
            .iter()
            .map(|s| format!("os.{s}")),
    );
    for f in &families {
        assert!(en.contains(f), "no text for {f}");
    }
}

/// The diagram places every layer of the sign-in chain exactly once, and the
/// page offers only apps the knowledge base knows.
#[test]
fn the_chain_diagram_covers_every_layer_once() {
    let start = APP_JS.find("const STAGES = [").unwrap();
    let block = &APP_JS[start..start + APP_JS[start..].find("];").unwrap()];
    let placed: Vec<&str> = block
        .match_indices("layers: [")
        .flat_map(|(n, _)| {
            let list = &block[n + 9..];
            list[..list.find(']').unwrap()]
                .split(',')
                .map(|l| l.trim().trim_matches('"'))
        })
        .collect();
    assert_eq!(
        placed.len(),
        m365doctor_codes::Layer::ALL.len(),
        "{placed:?}"
    );
    for layer in m365doctor_codes::Layer::ALL {
        assert_eq!(
            placed.iter().filter(|l| **l == layer.id()).count(),
            1,
            "{} in the diagram",
            layer.id()
        );
    }
    let strings: Value = serde_json::from_str(I18N_JSON).unwrap();
    for (n, _) in block.match_indices("{ id: \"") {
        let rest = &block[n + 7..];
        let id = &rest[..rest.find('"').unwrap()];
        assert!(
            strings["en"].get(format!("stage.{id}")).is_some(),
            "stage {id}"
        );
    }
    let apps_start = APP_JS.find("const APPS = [").unwrap();
    let apps = &APP_JS[apps_start + 14..apps_start + APP_JS[apps_start..].find("];").unwrap()];
    for app in apps.split(',').map(|a| a.trim().trim_matches('"')) {
        assert!(m365doctor_kb::model::APPS.contains(&app), "{app}");
        assert!(strings["ja"].get(format!("app.{app}")).is_some(), "{app}");
    }
}

// ----------------------------------------------------------------- OpenAPI

/// The OpenAPI document and the router describe the same routes and methods,
/// and every documented operation really answers.
#[tokio::test]
async fn openapi_matches_the_router() {
    let doc: Value = serde_json::from_str(OPENAPI_JSON).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (path.clone(), m.to_ascii_uppercase()))
        })
        .collect();
    let routed: BTreeSet<(String, String)> = routes()
        .into_iter()
        .map(|(p, m, _)| (p.to_string(), m.to_string()))
        .collect();
    assert_eq!(documented, routed);

    let concrete = |path: &str| {
        path.replace("{code}", "0x8004011d")
            .replace("{id}", "dns-name-not-resolved")
    };
    let mut paths: BTreeSet<String> = BTreeSet::new();
    for (path, method) in &documented {
        paths.insert(path.clone());
        let req = Request::builder()
            .method(method.as_str())
            .uri(concrete(path))
            .header(header::HOST, HOST)
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from(capture("c03-hybrid-device-disabled.txt")))
            .unwrap();
        let a = send(app(), req).await;
        assert_eq!(a.status, StatusCode::OK, "{method} {path}: {}", a.text());
        // Each documented 200 content type is the one served.
        let op = &doc["paths"][path][method.to_ascii_lowercase()];
        let served = a.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        assert!(
            op["responses"]["200"]["content"].get(&served).is_some(),
            "{method} {path} serves {served}"
        );
        // Every error status the router can give here is documented.
        for status in ["403", "405", "413"] {
            assert!(
                op["responses"].get(status).is_some(),
                "{method} {path} lacks {status}"
            );
        }
    }
    // Methods not documented are refused on every path.
    for path in &paths {
        for method in ["GET", "POST", "PUT", "DELETE", "PATCH"] {
            if documented.contains(&(path.clone(), method.to_string())) {
                continue;
            }
            let req = Request::builder()
                .method(method)
                .uri(concrete(path))
                .header(header::HOST, HOST)
                .body(Body::empty())
                .unwrap();
            send(app(), req)
                .await
                .error(StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed");
        }
    }
    // Every error code the document lists is one the code can give.
    let sources = [
        include_str!("api.rs"),
        include_str!("guard.rs"),
        include_str!("error.rs"),
        include_str!("lang.rs"),
    ]
    .concat();
    let codes: Vec<&str> = doc["components"]["schemas"]["Error"]["properties"]["error"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    for code in &codes {
        assert!(
            sources.contains(&format!("\"{code}\"")),
            "documented error {code} is never given"
        );
    }
}

// ------------------------------------------------------------ real socket

/// `run` on a free loopback port, in a thread of its own, until `stop`.
struct RunningServer {
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    fn start(config: Config) -> (std::net::SocketAddr, RunningServer) {
        use std::sync::atomic::{AtomicBool, Ordering};
        let listener = crate::bind("127.0.0.1:0".parse().unwrap(), &config).unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let shutdown = Box::pin(async move {
                while !flag.load(Ordering::SeqCst) {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            });
            crate::run(listener, Kb::bundled(), &config, Some(shutdown))
        });
        (addr, RunningServer { stop, thread })
    }

    fn stop(self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        self.thread.join().unwrap().unwrap();
    }
}

/// `run` serves on the listener `bind` gave (port 0: a free one) and stops
/// when asked, answering in between.
#[test]
fn run_serves_on_a_real_socket_until_shut_down() {
    use std::io::{Read, Write};
    let config = Config::default();
    let (addr, server) = RunningServer::start(config);
    let mut socket = std::net::TcpStream::connect(addr).unwrap();
    write!(
        socket,
        "GET /api/v1/explain/0x8004011d HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    socket.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.contains("content-security-policy: default-src 'none'"));
    assert!(answer.contains("MAPI_E_FAILONEPROVIDER"));
    server.stop();
}

/// A client that never finishes its headers is cut off after the header time limit.
#[test]
fn slow_headers_are_cut_off() {
    use std::io::{Read, Write};
    let config = Config {
        header_timeout: Duration::from_millis(300),
        ..Config::default()
    };
    let (addr, server) = RunningServer::start(config);
    let mut socket = std::net::TcpStream::connect(addr).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(socket, "GET /healthz HTTP/1.1\r\nHost: {addr}\r\n").unwrap();
    let started = std::time::Instant::now();
    let mut rest = Vec::new();
    // The server closes the connection (possibly after a 408) instead of waiting.
    let _ = socket.read_to_end(&mut rest);
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_secs(5),
        "connection held for {waited:?}"
    );
    assert!(!String::from_utf8_lossy(&rest).contains("200 OK"));
    server.stop();
}

#[tokio::test]
async fn diagnose_answers_re_rank_a_code_less_report() {
    let report = "Teamsにサインインできません。";
    let asked = send(
        app(),
        post("/api/v1/diagnose?lang=ja", "text/plain", report),
    )
    .await
    .json();
    let questions = asked["questions"].as_array().unwrap();
    assert!(questions.iter().any(|q| q["id"] == "clock"), "{asked}");
    assert!(questions
        .iter()
        .all(|q| has_japanese(q["text"].as_str().unwrap())));
    assert_ne!(asked["layers"][0], "clock");
    // `clock:no` and `clock=no` (URL-encoded) are the same answer.
    for query in [
        "answer=clock:no",
        "answer=clock%3Dno",
        "answer=browser:yes,clock:no",
    ] {
        let answered = send(
            app(),
            post(
                &format!("/api/v1/diagnose?lang=ja&{query}"),
                "text/plain",
                report,
            ),
        )
        .await
        .json();
        assert_eq!(answered["layers"][0], "clock", "{query}");
        assert!(answered["answers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["question"] == "clock" && a["answer"] == "no"));
        assert!(answered["questions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["id"] != "clock"));
        assert!(answered["ticket_markdown"]
            .as_str()
            .unwrap()
            .contains("`clock=no`"));
    }
}
