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
use m365doctor_codes::{Lang, Layer};
use m365doctor_diagnose::{
    diagnose_with, dsreg_document, dsreg_reports, parse_answer, DsregInputError, Limits, Loader,
    Options, Stop,
};
use m365doctor_kb::json::{entry_document, explain_document, list_document, search_document};
use m365doctor_text::{self as decode, Encoding};
use serde_json::{json, Value};
#[cfg(test)]
use std::time::Duration;

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

/// The decoded code with its knowledge-base entries attached, as explain/1 shows it.
fn explained<'kb>(
    code: &str,
    apps: &[&str],
    state: &'kb State,
) -> Result<Vec<m365doctor_kb::Explained<'kb>>, m365doctor_codes::GrammarError> {
    Ok(m365doctor_codes::explain_in(code, apps)?
        .into_iter()
        .map(|d| state.kb.explain(d, apps))
        .collect())
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
        Ok(results) if !results.is_empty() => {
            json_response(StatusCode::OK, &explain_document(&results, &[], ctx.lang))
        }
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

/// Uploads up to this many bytes are small: their diagnosis takes
/// milliseconds, and it never waits for a big one to end.
pub(crate) const SMALL_UPLOAD: usize = 256 << 10;

/// Runs CPU work off the network thread; a panic becomes a 500, never a crash.
/// `size`: the bytes the work reads. Big work runs on at most
/// `WORKER_THREADS` threads at once (the others wait their turn without a
/// thread); small work has a thread of its own, so a one-line paste is
/// answered while big uploads are diagnosed. `stop` is set when the caller
/// gives up (its time limit passed or it went away): the work looks at it
/// and ends early.
async fn work<T: Send + 'static>(
    state: &Shared,
    size: usize,
    stop: &Stop,
    f: impl FnOnce(&State) -> T + Send + 'static,
) -> Result<T, ApiError> {
    // The place is held by the worker, not by the request: a diagnosis
    // whose caller already got a time-out answer still counts until it ends
    // (it is stopped, but a long step may finish first), so abandoned work
    // cannot pile up.
    let slot = BodySlot::take(state, Counter::Jobs).ok_or_else(busy)?;
    let _stop_when_dropped = StopOnDrop(stop.clone());
    let turn = if size > SMALL_UPLOAD {
        Some(
            state
                .big_jobs
                .clone()
                .acquire_owned()
                .await
                .map_err(|_| ApiError::internal())?,
        )
    } else {
        None
    };
    let state = state.clone();
    #[cfg(test)]
    let stop = stop.clone();
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let _turn = turn;
        #[cfg(test)]
        {
            std::thread::sleep(state.work_delay);
            if size > SMALL_UPLOAD {
                std::thread::sleep(state.big_delay);
            }
            let until = std::time::Instant::now() + state.stoppable_delay;
            while std::time::Instant::now() < until && !stop.is_stopped() {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        f(&state)
    })
    .await
    .map_err(|_| ApiError::internal())
}

/// Stops the work of a request whose handler is dropped: the `limits`
/// guard's time limit passed, or the client closed the connection.
struct StopOnDrop(Stop);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.stop();
    }
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
        // `answer=clock:no` (or `clock=no`, URL-encoded), repeatable or
        // comma-separated, as the page sends them after a question's button.
        let mut answers = Vec::new();
        for a in ctx.values("answer") {
            match parse_answer(&a) {
                Ok((q, a)) => answers.push((q.id.to_string(), a.id.to_string())),
                Err(e) => {
                    return Err(ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "unknown-answer",
                        e.message.en,
                        e.message.ja,
                    ))
                }
            }
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
                answers,
                ..Options::default()
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
    let size = uploads.iter().map(|u| u.bytes.len()).sum();
    let stop = options.stop.clone();
    let result = work(&state, size, &stop, move |state| {
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
#[cfg(test)]
pub(crate) fn text_budget(max_body: usize) -> u64 {
    Limits::for_request(max_body).text_budget
}

/// The diagnose/1 document plus what the page shows beside it (see
/// `Case::page_document`), or the ticket alone.
fn diagnose_document(
    state: &State,
    uploads: &[Upload],
    forced: Option<&'static Encoding>,
    options: &Options,
    lang: Lang,
    markdown: bool,
) -> Answer {
    // One budget of decoded text for the whole request, archives and their
    // members included.
    let mut loader = Loader::new(Limits::for_request(state.max_body), forced);
    for upload in uploads {
        loader.add_bytes(&upload.name, &upload.bytes);
    }
    let loaded = loader.finish();
    let case = diagnose_with(&loaded.inputs, &state.kb, &state.matcher, options);
    if markdown {
        return Answer::Markdown(case.markdown(lang));
    }
    let apps: Vec<&str> = options.apps.iter().map(String::as_str).collect();
    Answer::Json(case.page_document(&state.kb, &loaded, &apps, lang))
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
    let size = uploads.iter().map(|u| u.bytes.len()).sum();
    let result = work(&state, size, &Stop::new(), move |state| {
        let reports = dsreg_reports(uploads.iter().map(|u| &u.bytes[..]), forced, &state.kb)
            .map_err(|e| {
                let code = match e {
                    DsregInputError::Binary => "binary-input",
                    DsregInputError::NoCapture => "no-dsreg-output",
                };
                let m = e.message();
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, m.en, m.ja)
            })?;
        Ok(dsreg_document(&reports, lang, redact).unwrap_or_default())
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
pub const EXAMPLE: &str = m365doctor_diagnose::EXAMPLE;

async fn example() -> Response {
    let mut r = EXAMPLE.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}
