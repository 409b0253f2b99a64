//! Errors as JSON: `{"error": "<stable code>", "message": "<in the request's language>"}`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use m365doctor_codes::Lang;
use serde_json::json;

/// A refused request: its status, a stable code scripts can test, and the
/// message in both languages.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub en: String,
    pub ja: String,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        en: impl Into<String>,
        ja: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            code,
            en: en.into(),
            ja: ja.into(),
        }
    }

    pub fn in_lang(self, lang: Lang) -> Response {
        let message = if lang == Lang::Ja { self.ja } else { self.en };
        let body = json!({"error": self.code, "message": message});
        let mut response = (self.status, json_body(&body)).into_response();
        if self.code == "busy" {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        }
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }

    pub fn unknown_route() -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown-route",
            "There is no such page or API endpoint; /api/v1/openapi.json lists them all.",
            "そのページまたは API エンドポイントはありません。一覧は /api/v1/openapi.json にあります。",
        )
    }

    pub fn method_not_allowed() -> ApiError {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "This endpoint does not accept that HTTP method; the Allow header lists the ones it does.",
            "このエンドポイントはその HTTP メソッドを受け付けません。使えるメソッドは Allow ヘッダーにあります。",
        )
    }

    pub fn body_too_large(limit: usize) -> ApiError {
        let size = human_size(limit);
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body-too-large",
            format!("The upload is larger than this server's limit of {size}. Send fewer or smaller files (a zip of the logs helps), or start the server with a larger --max-body."),
            format!("アップロードがこのサーバーの上限 {size} を超えています。ファイルの数を減らすか、サイズを小さくしてください (ログは zip にまとめると小さくなります)。または、--max-body に大きめの値を指定してサーバーを起動し直してください。"),
        )
    }

    pub fn internal() -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal-error",
            "The server could not finish this request. Please try again; if it keeps failing, report it with the input that caused it.",
            "サーバーがこの要求を処理できませんでした。もう一度お試しください。繰り返し失敗する場合は、原因となった入力を添えて報告してください。",
        )
    }
}

/// Pretty enough for a person reading it with curl, compact enough for scripts.
pub fn json_body(v: &serde_json::Value) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(v).unwrap_or_default();
    out.push(b'\n');
    out
}

/// `25 MiB`, `512 KiB`, `100 bytes`.
pub fn human_size(n: usize) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 20 {
        format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}
