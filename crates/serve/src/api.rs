//! The JSON API: the CLI's documents (explain/1, diagnose/1, dsreg/1, kb/1)
//! over HTTP. Handlers only read what is sent; nothing here changes the machine.

use crate::assets;
use crate::error::{json_body, ApiError};
use crate::guard::{busy, BodySlot, Counter};
use crate::lang::{negotiate, query_values};
use crate::{Shared, State};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Path, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use m365doctor_codes::{json as explain_json, Lang, Layer};
use m365doctor_kb::json::{entry_document, list_document, search_document};
use m365doctor_scan::case::diagnose_case_with;
use m365doctor_scan::case::dsreg_json;
use m365doctor_scan::container;
use m365doctor_scan::decode::{self, Encoding, Text};
use m365doctor_scan::diagnose::{Input, Options};
use serde_json::{json, Map, Value};

/// Every route: path, method, handler. The router is built from this list,
/// and a test holds it and the router to the OpenAPI document.
pub(crate) fn routes() -> Vec<(&'static str, Method, MethodRouter<Shared>)> {
    vec![
        ("/", Method::GET, get(assets::index)),
        ("/assets/app.js", Method::GET, get(assets::script)),
        ("/assets/app.css", Method::GET, get(assets::style)),
        ("/assets/i18n.json", Method::GET, get(assets::strings)),
        ("/assets/icon.svg", Method::GET, get(assets::icon)),
        ("/healthz", Method::GET, get(healthz)),
        ("/api/v1/openapi.json", Method::GET, get(assets::openapi)),
        ("/api/v1/explain/{code}", Method::GET, get(explain)),
        ("/api/v1/diagnose", Method::POST, post(diagnose)),
        ("/api/v1/dsreg", Method::POST, post(dsreg)),
        ("/api/v1/kb", Method::GET, get(kb_list)),
        ("/api/v1/kb/{id}", Method::GET, get(kb_entry)),
        ("/api/v1/layers", Method::GET, get(layers)),
        ("/api/v1/example", Method::GET, get(example)),
    ]
}

pub(crate) fn router() -> Router<Shared> {
    routes()
        .into_iter()
        .fold(Router::new(), |r, (path, _, handler)| {
            r.route(path, handler)
        })
}

/// What every handler needs from the request line: the language and the query.
pub(crate) struct Ctx {
    lang: Lang,
    query: Option<String>,
}

impl Ctx {
    fn values(&self, key: &str) -> Vec<String> {
        query_values(self.query.as_deref(), key)
            .into_iter()
            .flat_map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    fn value(&self, key: &str) -> Option<String> {
        query_values(self.query.as_deref(), key)
            .into_iter()
            .next_back()
    }

    fn fail(&self, e: ApiError) -> Response {
        e.in_lang(self.lang)
    }
}

impl FromRequestParts<Shared> for Ctx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Ctx, Response> {
        let query = parts.uri.query().map(str::to_string);
        match negotiate(query.as_deref(), &parts.headers, state.lang) {
            Ok(lang) => Ok(Ctx { lang, query }),
            Err(e) => Err(e.in_lang(state.lang)),
        }
    }
}

pub(crate) fn json_response(status: StatusCode, v: &Value) -> Response {
    let mut r = (status, json_body(v)).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

async fn healthz() -> Response {
    json_response(
        StatusCode::OK,
        &json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}),
    )
}

/// The apps named with `?app=`, each one the knowledge base knows.
fn apps(ctx: &Ctx) -> Result<Vec<String>, ApiError> {
    let mut apps = Vec::new();
    for app in ctx.values("app") {
        let app = app.to_ascii_lowercase();
        if !m365doctor_kb::model::APPS.contains(&app.as_str()) {
            let known = m365doctor_kb::model::APPS.join(", ");
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "unknown-app",
                format!("unknown app `{app}`; use one of: {known}"),
                format!("アプリ `{app}` は不明です。次のいずれかを指定してください: {known}"),
            ));
        }
        if !apps.contains(&app) {
            apps.push(app);
        }
    }
    Ok(apps)
}

fn forced_encoding(ctx: &Ctx) -> Result<Option<&'static Encoding>, ApiError> {
    let Some(label) = ctx.value("encoding").filter(|l| !l.is_empty()) else {
        return Ok(None);
    };
    decode::encoding_for_label(&label).map(Some).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "unknown-encoding",
            format!("unknown encoding `{label}` (try utf-8, utf-16le, utf-16be, shift_jis)"),
            format!("エンコーディング `{label}` は不明です (utf-8、utf-16le、utf-16be、shift_jis などを指定してください)"),
        )
    })
}

fn bad_parameter(name: &str, value: &str, allowed: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "bad-parameter",
        format!("`{name}={value}` is not valid; use {allowed}"),
        format!("`{name}={value}` は無効です。{allowed} のいずれかを指定してください"),
    )
}

/// The decoded code with its knowledge-base entry attached, as explain/1 shows it.
fn explained(
    code: &str,
    apps: &[&str],
    state: &State,
) -> Result<Vec<m365doctor_codes::Decoded>, m365doctor_codes::GrammarError> {
    let mut results = m365doctor_codes::explain_in(code, apps)?;
    for d in &mut results {
        m365doctor_kb::attach(d, &state.kb, apps);
    }
    Ok(results)
}

async fn explain(
    axum::extract::State(state): axum::extract::State<Shared>,
    ctx: Ctx,
    code: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Response {
    let apps = match apps(&ctx) {
        Ok(a) => a,
        Err(e) => return ctx.fail(e),
    };
    let app_ids: Vec<&str> = apps.iter().map(String::as_str).collect();
    let code = code.map(|Path(c)| c).unwrap_or_default();
    if let Err(e) = crate::guard::explain_limit(&code) {
        return ctx.fail(e);
    }
    match explained(&code, &app_ids, &state) {
        Ok(results) if !results.is_empty() => json_response(
            StatusCode::OK,
            &explain_json::explain_document(&results, &[], ctx.lang),
        ),
        Ok(_) => ctx.fail(ApiError::new(
            StatusCode::BAD_REQUEST,
            "not-a-code",
            "no error code in the input",
            "入力にエラー コードがありません",
        )),
        Err(e) => ctx.fail(ApiError::new(
            StatusCode::BAD_REQUEST,
            "not-a-code",
            e.message.en.clone(),
            e.message.ja.clone(),
        )),
    }
}

/// One uploaded file or pasted text.
struct Upload {
    name: String,
    bytes: Bytes,
}

/// The uploads of a request: a plain body (text in any encoding, or a zip,
/// .evtx or HAR file as it is), or a multipart form of files plus a `text` field.
async fn uploads(ctx: &Ctx, state: &Shared, req: Request) -> Result<Vec<Upload>, ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    let mut out = Vec::new();
    if essence == "multipart/form-data" {
        let mut form = Multipart::from_request(req, state)
            .await
            .map_err(|_| bad_multipart())?;
        while let Some(field) = form.next_field().await.map_err(|_| bad_multipart())? {
            let file_name = field.file_name().map(str::to_string);
            let field_name = field.name().unwrap_or("").to_string();
            let bytes = field.bytes().await.map_err(|_| bad_multipart())?;
            match file_name {
                Some(name) if !bytes.is_empty() => out.push(Upload {
                    name: if name.is_empty() {
                        "upload".into()
                    } else {
                        name
                    },
                    bytes,
                }),
                None if field_name == "text" && !bytes.iter().all(u8::is_ascii_whitespace) => out
                    .push(Upload {
                        name: "pasted".into(),
                        bytes,
                    }),
                _ => {}
            }
        }
    } else if essence.is_empty()
        || essence.starts_with("text/")
        || essence == "application/octet-stream"
    {
        let name = ctx
            .value("name")
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "pasted".into());
        let bytes = axum::body::to_bytes(req.into_body(), usize::MAX)
            .await
            .map_err(|_| ApiError::internal())?;
        if !bytes.iter().all(u8::is_ascii_whitespace) {
            out.push(Upload { name, bytes });
        }
    } else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            format!("`Content-Type: {essence}` is not accepted here; send text/plain (or the file as application/octet-stream), or multipart/form-data with files"),
            format!("ここでは `Content-Type: {essence}` を受け付けません。text/plain (ファイルはそのまま application/octet-stream) か、ファイルを添付した multipart/form-data で送ってください"),
        ));
    }
    if out.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "empty-input",
            "Nothing to diagnose: paste the error text or attach a file.",
            "診断する内容がありません。エラーの文面を貼り付けるか、ファイルを添付してください。",
        ));
    }
    Ok(out)
}

fn bad_multipart() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "bad-multipart",
        "The multipart form could not be read; send the files as multipart/form-data with a boundary.",
        "マルチパート フォームを読み取れませんでした。ファイルは boundary 付きの multipart/form-data で送ってください。",
    )
}

/// Runs CPU work off the network thread; a panic becomes a 500, never a crash.
async fn work<T: Send + 'static>(
    state: &Shared,
    f: impl FnOnce(&State) -> T + Send + 'static,
) -> Result<T, ApiError> {
    // The place is held by the worker, not by the request: a diagnosis
    // whose caller already got a time-out answer still counts until it ends,
    // so abandoned work cannot pile up.
    let slot = BodySlot::take(state, Counter::Jobs).ok_or_else(busy)?;
    let state = state.clone();
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        #[cfg(test)]
        std::thread::sleep(state.work_delay);
        f(&state)
    })
    .await
    .map_err(|_| ApiError::internal())
}

async fn diagnose(
    axum::extract::State(state): axum::extract::State<Shared>,
    ctx: Ctx,
    req: Request,
) -> Response {
    let prepared = (|| {
        let apps = apps(&ctx)?;
        let forced = forced_encoding(&ctx)?;
        let mut tried = Vec::new();
        for t in ctx.values("tried") {
            if m365doctor_kb::action(&t).is_none() {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "unknown-action",
                    format!("unknown action `{t}` in `tried`; GET /api/v1/kb lists the action ids"),
                    format!("`tried` のアクション `{t}` は不明です。アクション ID は GET /api/v1/kb で確認できます"),
                ));
            }
            tried.push(t);
        }
        let redact = match ctx.value("redact").as_deref() {
            None | Some("true" | "1" | "yes") => true,
            Some("false" | "0" | "no") => false,
            Some(v) => return Err(bad_parameter("redact", v, "true, false")),
        };
        let markdown = match ctx.value("format").as_deref() {
            None | Some("json") => false,
            Some("markdown") => true,
            Some(v) => return Err(bad_parameter("format", v, "json, markdown")),
        };
        Ok((
            Options {
                apps,
                tried,
                redact,
            },
            forced,
            markdown,
        ))
    })();
    let (options, forced, markdown) = match prepared {
        Ok(p) => p,
        Err(e) => return ctx.fail(e),
    };
    let uploads = match uploads(&ctx, &state, req).await {
        Ok(u) => u,
        Err(e) => return ctx.fail(e),
    };
    let lang = ctx.lang;
    let result = work(&state, move |state| {
        diagnose_document(state, &uploads, forced, &options, lang, markdown)
    })
    .await;
    match result {
        Ok(Answer::Json(doc)) => json_response(StatusCode::OK, &doc),
        Ok(Answer::Markdown(text)) => {
            let mut r = text.into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/markdown; charset=utf-8"),
            );
            r
        }
        Err(e) => ctx.fail(e),
    }
}

enum Answer {
    Json(Value),
    Markdown(String),
}

/// Decoded text one diagnose request may hold: four times the body limit,
/// at least 16 MiB and at most 1 GiB.
pub(crate) fn text_budget(max_body: usize) -> u64 {
    (4 * max_body as u64).clamp(16 << 20, 1 << 30)
}

/// The diagnose/1 document plus what the page shows beside it: the inputs
/// read and skipped, the ticket, the entries and decoded codes it names.
fn diagnose_document(
    state: &State,
    uploads: &[Upload],
    forced: Option<&'static Encoding>,
    options: &Options,
    lang: Lang,
    markdown: bool,
) -> Answer {
    let mut inputs = Vec::new();
    let mut sources = Vec::new();
    let mut skipped = Vec::new();
    // One budget of decoded text for the whole request, archives and their
    // members included, so that a few small zip bombs cannot hold gigabytes.
    let budget = text_budget(state.max_body);
    let mut used: u64 = 0;
    for upload in uploads {
        let remaining = budget.saturating_sub(used);
        let defaults = container::Limits::default();
        let limits = container::Limits {
            archive_total: remaining.min(defaults.archive_total),
            member: remaining.min(defaults.member),
            ..defaults
        };
        for doc in container::expand_with(&upload.name, &upload.bytes, forced, &limits) {
            match doc.skipped {
                Some(why) => skipped.push(json!({"name": doc.name, "reason": why.get(lang)})),
                None if used + doc.text.len() as u64 > budget => {
                    let mib = budget >> 20;
                    let reason = if lang == Lang::Ja {
                        format!("この要求で読み込めるテキストの上限 ({mib} MiB) に達したため、読み込んでいません")
                    } else {
                        format!("not read: the request reached its limit of {mib} MiB of text")
                    };
                    skipped.push(json!({"name": doc.name, "reason": reason}));
                }
                None => {
                    used += doc.text.len() as u64;
                    sources.push(json!({"name": doc.name, "encoding": doc.encoding, "bytes": doc.text.len()}));
                    inputs.push(Input {
                        source: doc.name,
                        text: doc.text,
                    });
                }
            }
        }
    }
    let case = diagnose_case_with(&inputs, &state.kb, &state.matcher, options);
    let ticket = case.markdown(&state.kb, lang);
    if markdown {
        return Answer::Markdown(ticket);
    }
    let mut doc = case.to_json(lang);
    let apps: Vec<&str> = options.apps.iter().map(String::as_str).collect();
    let mut decoded = Map::new();
    for f in doc["findings"].as_array().into_iter().flatten() {
        if let Some(code) = f["code"].as_str() {
            if let Ok(results) = explained(code, &apps, state) {
                if let Some(d) = results.first() {
                    decoded.insert(code.to_string(), explain_json::decoded(d, lang));
                }
            }
        }
    }
    let mut entries = Map::new();
    let referenced = ["findings", "symptoms", "plan"]
        .iter()
        .flat_map(|k| doc[*k].as_array().cloned().unwrap_or_default())
        .chain(
            doc["dsreg"]["findings"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        );
    for item in referenced {
        if let Some(id) = item["entry"].as_str() {
            if let Some((e, s)) = state.kb.get(id) {
                entries.insert(id.to_string(), entry_document(e, &s));
            }
        }
    }
    doc["sources"] = sources.into();
    doc["skipped"] = skipped.into();
    doc["decoded"] = decoded.into();
    doc["entries"] = entries.into();
    doc["ticket_markdown"] = ticket.into();
    Answer::Json(doc)
}

async fn dsreg(
    axum::extract::State(state): axum::extract::State<Shared>,
    ctx: Ctx,
    req: Request,
) -> Response {
    let forced = match forced_encoding(&ctx) {
        Ok(f) => f,
        Err(e) => return ctx.fail(e),
    };
    let uploads = match uploads(&ctx, &state, req).await {
        Ok(u) => u,
        Err(e) => return ctx.fail(e),
    };
    let redact = match ctx.value("redact").as_deref() {
        None | Some("true" | "1" | "yes") => true,
        Some("false" | "0" | "no") => false,
        Some(v) => return ctx.fail(bad_parameter("redact", v, "true, false")),
    };
    let lang = ctx.lang;
    let result = work(&state, move |state| {
        let mut texts = 0;
        let mut reports = Vec::new();
        for upload in &uploads {
            if let Text::Text { text, .. } = decode::decode(&upload.bytes, forced) {
                texts += 1;
                reports.extend(
                    m365doctor_dsreg::parse(&text)
                        .iter()
                        .map(|c| m365doctor_dsreg::diagnose_with(c, &state.kb)),
                );
            }
        }
        if reports.is_empty() {
            return Err(if texts == 0 {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "binary-input",
                    "the input is a binary file, not dsregcmd output",
                    "入力はバイナリ ファイルで、dsregcmd の出力ではありません",
                )
            } else {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "no-dsreg-output",
                    "no `dsregcmd /status` output found in the input; run `dsregcmd /status` in a command prompt and save or paste all of it",
                    "入力に `dsregcmd /status` の出力が見つかりません。コマンド プロンプトで `dsregcmd /status` を実行し、出力全体を保存するか貼り付けてください",
                )
            });
        }
        let mut doc = dsreg_json(&reports[0], lang, redact);
        if reports.len() > 1 {
            doc["more_captures"] = reports[1..]
                .iter()
                .map(|r| dsreg_json(r, lang, redact))
                .collect();
        }
        Ok(doc)
    })
    .await;
    match result {
        Ok(Ok(doc)) => json_response(StatusCode::OK, &doc),
        Ok(Err(e)) | Err(e) => ctx.fail(e),
    }
}

async fn kb_list(axum::extract::State(state): axum::extract::State<Shared>, ctx: Ctx) -> Response {
    let doc = match ctx.value("q").filter(|q| !q.trim().is_empty()) {
        Some(q) => search_document(&q, &state.kb.search(&q)),
        None => list_document(&state.kb, ctx.lang),
    };
    json_response(StatusCode::OK, &doc)
}

async fn kb_entry(
    axum::extract::State(state): axum::extract::State<Shared>,
    ctx: Ctx,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Response {
    let id = id.map(|Path(i)| i).unwrap_or_default();
    match state.kb.get(&id) {
        Some((e, s)) => json_response(StatusCode::OK, &entry_document(e, &s)),
        None => ctx.fail(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown-entry",
            format!("no entry with id `{id}`; GET /api/v1/kb lists them all"),
            format!("ID `{id}` のエントリはありません。一覧は GET /api/v1/kb で取得できます"),
        )),
    }
}

/// The 17 layers of the sign-in chain with their names in the request's language.
async fn layers(ctx: Ctx) -> Response {
    let layers: Vec<Value> = Layer::ALL
        .iter()
        .map(|l| json!({"id": l.id(), "label": l.label().get(ctx.lang)}))
        .collect();
    json_response(
        StatusCode::OK,
        &json!({"lang": ctx.lang.id(), "layers": layers}),
    )
}

/// A Teams sign-in failure caused by name resolution, to try the page with.
pub const EXAMPLE: &str = include_str!("../../cli/examples/teams-signin-dns.txt");

async fn example() -> Response {
    let mut r = EXAMPLE.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}
