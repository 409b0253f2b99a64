//! The page and its files, compiled into the binary: no CDN, no network.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

pub const INDEX_HTML: &str = include_str!("assets/index.html");
pub const APP_JS: &str = include_str!("assets/app.js");
pub const APP_CSS: &str = include_str!("assets/app.css");
pub const I18N_JSON: &str = include_str!("assets/i18n.json");
pub const ICON_SVG: &str = include_str!("assets/icon.svg");
pub const OPENAPI_JSON: &str = include_str!("openapi.json");

fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

pub async fn index() -> Response {
    asset(INDEX_HTML, "text/html; charset=utf-8")
}

pub async fn script() -> Response {
    asset(APP_JS, "text/javascript; charset=utf-8")
}

pub async fn style() -> Response {
    asset(APP_CSS, "text/css; charset=utf-8")
}

pub async fn strings() -> Response {
    asset(I18N_JSON, "application/json")
}

pub async fn icon() -> Response {
    asset(ICON_SVG, "image/svg+xml")
}

pub async fn openapi() -> Response {
    asset(OPENAPI_JSON, "application/json")
}
