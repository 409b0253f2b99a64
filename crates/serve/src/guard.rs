//! What stands between the network and the handlers: the `Host` and `Origin`
//! checks (DNS rebinding, cross-site requests), the body limit, the time
//! limit, security headers on every response, and JSON for unknown routes
//! and methods.

use crate::error::ApiError;
use crate::lang::negotiate;
use crate::Shared;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, Uri};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::Ordering;
use tokio::time::{timeout_at, Instant};

/// The page loads only its own script, style sheet and images; nothing may frame it.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Which `Host` (and `Origin`) values name this server.
#[derive(Debug, Clone)]
pub struct HostPolicy {
    port: u16,
    bound: IpAddr,
    allow_remote: bool,
    names: Vec<String>,
}

impl HostPolicy {
    pub fn new(bound: SocketAddr, allow_remote: bool, names: &[String]) -> HostPolicy {
        HostPolicy {
            port: bound.port(),
            bound: bound.ip(),
            allow_remote,
            names: names.iter().map(|n| n.to_ascii_lowercase()).collect(),
        }
    }

    /// `localhost`, a loopback address or the bound address, with the bound
    /// port. With `--allow-remote`, any IP address too (an address cannot be
    /// rebound, a name can) and the names given with `--allowed-host`.
    pub fn allows_host(&self, authority: &str) -> bool {
        let Some((host, port)) = split_authority(authority) else {
            return false;
        };
        if port.unwrap_or(80) != self.port {
            return false;
        }
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if host == "localhost" {
            return true;
        }
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = literal.parse::<IpAddr>() {
            return ip.is_loopback() || ip == self.bound || self.allow_remote;
        }
        self.names.contains(&host)
    }

    /// An `Origin` of this server's own page: `http://` plus the very host
    /// and port the request is addressed to (same origin), which must be an
    /// allowed host. With `--allow-remote`, another machine's page on the
    /// same port is another site.
    pub fn allows_origin(&self, origin: &str, host: &str) -> bool {
        origin.strip_prefix("http://").is_some_and(|authority| {
            !authority.contains('/')
                && self.allows_host(authority)
                && same_authority(authority, host)
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }
}

/// Whether two authorities name the same host and port (case, a trailing
/// dot and a default port 80 aside).
fn same_authority(a: &str, b: &str) -> bool {
    match (split_authority(a), split_authority(b)) {
        (Some((ha, pa)), Some((hb, pb))) => {
            ha.trim_end_matches('.')
                .eq_ignore_ascii_case(hb.trim_end_matches('.'))
                && pa.unwrap_or(80) == pb.unwrap_or(80)
        }
        _ => false,
    }
}

/// `host[:port]` or `[v6][:port]`; `None` when malformed.
fn split_authority(authority: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = if authority.starts_with('[') {
        let end = authority.find(']')?;
        let (host, rest) = authority.split_at(end + 1);
        match rest {
            "" => (host, None),
            _ => (host, Some(rest.strip_prefix(':')?)),
        }
    } else {
        match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() || host.contains(['@', '/', ' ']) {
        return None;
    }
    let port = match port {
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            Some(p.parse::<u16>().ok()?)
        }
        Some(_) => return None,
        None => None,
    };
    Some((host, port))
}

/// The router with every guard around it.
pub fn layers(router: Router<Shared>, state: Shared) -> Router {
    router
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed)
        // `limits` enforces --max-body; axum's own 2 MB default for forms must not apply.
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(state.clone(), limits))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            host_and_origin,
        ))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

fn lang_of(state: &Shared, uri: &Uri, headers: &HeaderMap) -> m365doctor_codes::Lang {
    negotiate(uri.query(), headers, state.lang).unwrap_or(state.lang)
}

async fn unknown_route(State(state): State<Shared>, uri: Uri, headers: HeaderMap) -> Response {
    ApiError::unknown_route().in_lang(lang_of(&state, &uri, &headers))
}

async fn method_not_allowed(State(state): State<Shared>, uri: Uri, headers: HeaderMap) -> Response {
    ApiError::method_not_allowed().in_lang(lang_of(&state, &uri, &headers))
}

/// Refuses requests for another host name (DNS rebinding) and requests
/// made by other sites' pages.
async fn host_and_origin(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let lang = lang_of(&state, req.uri(), req.headers());
    // Exactly one readable Host header (or, without one, the request
    // target's authority); when both are given they must agree.
    let hosts: Vec<_> = req.headers().get_all(header::HOST).iter().collect();
    let target = req.uri().authority().map(|a| a.as_str());
    let host = match (hosts.as_slice(), target) {
        ([one], target) => one
            .to_str()
            .ok()
            .filter(|h| target.is_none_or(|t| same_authority(h, t))),
        ([], target) => target,
        _ => None,
    };
    if !host.is_some_and(|h| state.hosts.allows_host(h)) {
        let port = state.hosts.port();
        return ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "forbidden-host",
            format!("This server only answers requests addressed to localhost:{port} or 127.0.0.1:{port} (its own address). Requests under any other host name are refused, so that no web site can reach it by DNS rebinding."),
            format!("このサーバーは自分自身のアドレス (localhost:{port} または 127.0.0.1:{port}) 宛ての要求にのみ応答します。DNS リバインディングによる外部サイトからのアクセスを防ぐため、ほかのホスト名での要求は拒否します。"),
        )
        .in_lang(lang);
    }
    // Browsers send one Origin; a request with several is refused whatever
    // they say (checking only the first let a second one through).
    let origins: Vec<_> = req.headers().get_all(header::ORIGIN).iter().collect();
    let origin = match origins.as_slice() {
        [] => None,
        [one] => Some(one.to_str().unwrap_or("")),
        _ => Some(""),
    };
    let cross_site_write = !matches!(*req.method(), Method::GET | Method::HEAD)
        && req
            .headers()
            .get("sec-fetch-site")
            .is_some_and(|v| v == "cross-site" || v == "same-site");
    let host = host.unwrap_or_default();
    if origin.is_some_and(|o| !state.hosts.allows_origin(o, host)) || cross_site_write {
        return ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "forbidden-origin",
            "Requests from other web sites are refused: only this server's own page may use its API.",
            "ほかの Web サイトからの要求は拒否します。この API を使えるのは、このサーバー自身のページだけです。",
        )
        .in_lang(lang);
    }
    next.run(req).await
}

/// Reads the whole body into memory within the size limit, and bounds the
/// time from the first byte to the answer.
async fn limits(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let lang = lang_of(&state, req.uri(), req.headers());
    let deadline = Instant::now() + state.timeout;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > state.max_body as u64) {
        return ApiError::body_too_large(state.max_body).in_lang(lang);
    }
    // Bodies are held in memory until answered: bound how many at once,
    // and their bytes together (a declared length is counted at once).
    let has_body = declared.is_some_and(|n| n > 0) || req.body().size_hint().upper() != Some(0);
    let _slot = if has_body {
        match BodySlot::take(&state, Counter::Bodies) {
            Some(slot) => Some(slot),
            None => return busy().in_lang(lang),
        }
    } else {
        None
    };
    let mut held = Held(state.clone(), 0);
    if !held.grow_to(declared.unwrap_or(0)) {
        return busy_bytes(&state).in_lang(lang);
    }
    let (parts, body) = req.into_parts();
    let bytes = match read_body(&state, body, declared, deadline, &mut held).await {
        Ok(bytes) => bytes,
        Err(e) => return e.in_lang(lang),
    };
    let req = Request::from_parts(parts, Body::from(bytes));
    match timeout_at(deadline, next.run(req)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!("The answer took longer than the limit of {} seconds. Send less text at once (for example one log file instead of a whole folder), or start the server with a larger --timeout.", state.timeout.as_secs_f64()),
            format!("処理が制限時間 ({} 秒) を超えました。一度に送る量を減らすか (フォルダー全体ではなくログ ファイル 1 つなど)、--timeout に大きめの値を指定してサーバーを起動し直してください。", state.timeout.as_secs_f64()),
        )
        .in_lang(lang),
    }
}

/// The whole body, within `--max-body`, before `deadline`, and with no
/// pause longer than the stall time between two pieces.
async fn read_body(
    state: &Shared,
    body: Body,
    declared: Option<u64>,
    deadline: Instant,
    held: &mut Held,
) -> Result<Bytes, ApiError> {
    let mut body = Limited::new(body, state.max_body);
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0).min(state.max_body as u64) as usize);
    loop {
        let pause_ends = Instant::now() + state.stall_timeout;
        let frame = match timeout_at(deadline.min(pause_ends), body.frame()).await {
            Ok(frame) => frame,
            Err(_) if Instant::now() >= deadline => {
                let seconds = state.timeout.as_secs_f64();
                return Err(ApiError::new(
                    axum::http::StatusCode::REQUEST_TIMEOUT,
                    "request-timeout",
                    format!("The request body did not arrive within {seconds} seconds."),
                    format!("要求の本文が {seconds} 秒以内に届きませんでした。"),
                ));
            }
            Err(_) => {
                let seconds = state.stall_timeout.as_secs_f64();
                return Err(ApiError::new(
                    axum::http::StatusCode::REQUEST_TIMEOUT,
                    "request-timeout",
                    format!(
                        "The request body stopped arriving: nothing came for {seconds} seconds."
                    ),
                    format!(
                        "要求の本文の受信が止まりました ({seconds} 秒間、何も届きませんでした)。"
                    ),
                ));
            }
        };
        match frame {
            None => return Ok(Bytes::from(bytes)),
            Some(Ok(frame)) => {
                if let Some(data) = frame.data_ref() {
                    if !held.grow_to((bytes.len() + data.len()) as u64) {
                        return Err(busy_bytes(state));
                    }
                    bytes.extend_from_slice(data);
                }
            }
            Some(Err(e)) if e.is::<LengthLimitError>() => {
                return Err(ApiError::body_too_large(state.max_body))
            }
            Some(Err(_)) => {
                return Err(ApiError::new(
                    axum::http::StatusCode::BAD_REQUEST,
                    "bad-body",
                    "The request body could not be read.",
                    "要求の本文を読み取れませんでした。",
                ))
            }
        }
    }
}

/// Codes one explain request may name. Each costs about 2 KB of answer and
/// runs on the network thread, so a long list must not become megabytes.
pub const MAX_EXPLAIN_CODES: usize = 32;

/// Refuses an explain input naming more than [`MAX_EXPLAIN_CODES`] codes
/// before any is decoded. Anything that is not a list of codes passes: the
/// handler gives its own error.
pub(crate) fn explain_limit(input: &str) -> Result<(), ApiError> {
    let count = m365doctor_codes::grammar::parse(input).map_or(0, |p| p.codes.len());
    if count <= MAX_EXPLAIN_CODES {
        return Ok(());
    }
    Err(ApiError::new(
        axum::http::StatusCode::BAD_REQUEST,
        "too-many-codes",
        format!("This request names {count} error codes; at most {MAX_EXPLAIN_CODES} are explained at once. Split the list, or paste the whole text into diagnose (POST /api/v1/diagnose)."),
        format!("この要求には {count} 個のエラー コードが含まれています。一度に説明できるのは {MAX_EXPLAIN_CODES} 個までです。リストを分けるか、テキスト全体を診断 (POST /api/v1/diagnose) に貼り付けてください。"),
    ))
}

/// Requests with a body that may be read or answered at once; each holds up
/// to `--max-body` bytes, so memory stays below this many times the limit.
pub const MAX_BODIES: usize = 8;

/// The answer when all places are taken (with `Retry-After`).
pub(crate) fn busy() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "busy",
        format!("The server is already working on {MAX_BODIES} uploads; try again in a moment."),
        format!("サーバーはすでに {MAX_BODIES} 件のアップロードを処理中です。少し待ってからもう一度お試しください。"),
    )
}

/// Bytes of request bodies all requests together may hold at once: four
/// times `--max-body` (100 MiB with the default 25 MiB). With the decoded
/// text of the diagnoses running (at most four times the body of each, on
/// two threads for big uploads and one for small ones), this bounds the
/// server's memory to a few hundred MiB whatever is sent.
pub fn upload_budget(max_body: usize) -> u64 {
    4 * max_body as u64
}

/// The answer when the budget of body bytes is used up (with `Retry-After`).
pub(crate) fn busy_bytes(state: &crate::State) -> ApiError {
    let mib = state.upload_budget >> 20;
    ApiError::new(
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "busy",
        format!("The server is already holding {mib} MiB of uploads, its limit; try again in a moment."),
        format!("サーバーはすでに上限の {mib} MiB のアップロードを処理中です。少し待ってからもう一度お試しください。"),
    )
}

/// Bytes of one request's body counted against the budget of all
/// requests ([`upload_budget`]), given back when dropped.
pub(crate) struct Held(Shared, u64);

impl Held {
    /// Counts the body as `total` bytes, if the budget allows.
    pub(crate) fn grow_to(&mut self, total: u64) -> bool {
        if total <= self.1 {
            return true;
        }
        let more = total - self.1;
        let budget = self.0.upload_budget;
        let taken = self
            .0
            .uploads_held
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |now| {
                (now + more <= budget).then_some(now + more)
            });
        if taken.is_ok() {
            self.1 = total;
        }
        taken.is_ok()
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.0.uploads_held.fetch_sub(self.1, Ordering::SeqCst);
    }
}

/// What a [`BodySlot`] counts.
#[derive(Clone, Copy)]
pub(crate) enum Counter {
    /// Request bodies being read or answered.
    Bodies,
    /// Diagnoses running on worker threads, those whose caller already got
    /// a time-out answer included: their memory is only freed when they end.
    Jobs,
}

/// One of the [`MAX_BODIES`] places of a counter, given back when dropped.
pub(crate) struct BodySlot(Shared, Counter);

impl BodySlot {
    pub(crate) fn take(state: &Shared, counter: Counter) -> Option<BodySlot> {
        let count = counter.of(state);
        let before = count.fetch_add(1, Ordering::SeqCst);
        if before >= MAX_BODIES {
            count.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(BodySlot(state.clone(), counter))
    }
}

impl Counter {
    fn of(self, state: &crate::State) -> &std::sync::atomic::AtomicUsize {
        match self {
            Counter::Bodies => &state.bodies,
            Counter::Jobs => &state.jobs,
        }
    }
}

impl Drop for BodySlot {
    fn drop(&mut self) {
        self.1.of(&self.0).fetch_sub(1, Ordering::SeqCst);
    }
}

/// Headers every response carries, errors included.
async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    let set = |h: &mut HeaderMap, name: &'static str, value: &'static str| {
        h.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    };
    set(headers, "content-security-policy", CONTENT_SECURITY_POLICY);
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "referrer-policy", "no-referrer");
    set(headers, "x-frame-options", "DENY");
    set(headers, "cross-origin-opener-policy", "same-origin");
    set(headers, "cross-origin-resource-policy", "same-origin");
    // Answers describe one person's problem: nothing should keep them.
    set(headers, "cache-control", "no-store");
    response
}
