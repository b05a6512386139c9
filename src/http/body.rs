//! JSON bodies. [`ApiJson`] stands in for actix's `Json`: its errors name the path of the
//! offending value (`weights.under[1]`, `contract.max_hours_per_week`), where serde alone names a
//! field only when it is missing or unknown.
//!
//! A body may also be left out: actions such as re-solving a schedule take no body in their plain
//! form and a JSON object to change how they run. actix's `Option<Json<T>>` would turn a malformed
//! body into "no body" without a word, so [`optional_json`] reads it with the same problems
//! (`413`, `415`, `400` naming the field) as every other JSON body.

use super::problem::ApiError;
use actix_web::http::StatusCode;
use actix_web::{dev, web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

/// The largest JSON body a route reads, as app data (the app's `max_json_bytes` unless a route
/// sets its own).
#[derive(Debug, Clone, Copy)]
pub struct JsonLimit(pub usize);

/// Limit used when no [`JsonLimit`] is registered.
const DEFAULT_LIMIT: usize = 256 * 1024;

/// A JSON request body of type `T`.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T> ApiJson<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for ApiJson<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut dev::Payload) -> Self::Future {
        let req = req.clone();
        let payload = web::Payload::from_request(&req, payload).into_inner();
        Box::pin(async move {
            if !is_json(&req) {
                return Err(not_json().into());
            }
            let payload = payload?;
            let limit = req.app_data::<JsonLimit>().map_or(DEFAULT_LIMIT, |l| l.0);
            let body = read(payload, limit).await?;
            Ok(ApiJson(parse(&body)?))
        })
    }
}

fn not_json() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "send the body as JSON with 'Content-Type: application/json'",
    )
}

/// At most `limit` bytes of `payload`.
async fn read(mut payload: web::Payload, limit: usize) -> Result<web::BytesMut, ApiError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::bad_request(format!("could not read the body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("request body exceeds the limit of {limit} bytes"),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `T` from `body`; an error is a 400 naming the path of the value serde could not read.
fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let detail = format!("malformed JSON body: {inner}");
        // serde names a missing or unknown field; the path leads to a missing one's parent, and
        // to an unknown one itself.
        let named = crate::domain::validation::named_field(&inner.to_string());
        let field = match (path.as_str(), named) {
            ("." | "", Some(name)) => Some(name),
            (at, Some(name)) if at == name || at.ends_with(&format!(".{name}")) => {
                Some(at.to_string())
            }
            (parent, Some(name)) => Some(format!("{parent}.{name}")),
            ("." | "", None) => None,
            (at, None) => Some(at.to_string()),
        };
        match field {
            Some(f) if inner.classify() == serde_json::error::Category::Data => {
                ApiError::bad_request(detail).with_field(f)
            }
            _ => ApiError::bad_request(detail),
        }
    })
}

/// Reads at most `limit` bytes of `payload`: an empty body (or only whitespace) is `T::default()`,
/// anything else must be JSON sent as `application/json` and parse into `T`.
pub async fn optional_json<T: DeserializeOwned + Default>(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<T, ApiError> {
    let body = read(payload, limit).await?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    if !is_json(req) {
        return Err(not_json());
    }
    parse(&body)
}

/// Whether the request says its body is JSON (`application/json`, parameters allowed).
fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

#[cfg(test)]
mod tests {
    use super::parse;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        inner: Inner,
        list: Vec<u32>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        hours: u32,
    }

    fn field_of(body: &str) -> Option<String> {
        let e = parse::<Outer>(body.as_bytes()).unwrap_err();
        assert_eq!(e.status, actix_web::http::StatusCode::BAD_REQUEST);
        e.field
    }

    #[test]
    fn errors_name_the_path_of_the_value() {
        let ok = r#"{"inner": {"hours": 1}, "list": [1, 2]}"#;
        assert!(parse::<Outer>(ok.as_bytes()).is_ok());
        let cases = [
            (
                r#"{"inner": {"hours": 1.5}, "list": []}"#,
                Some("inner.hours"),
            ),
            (
                r#"{"inner": {"hours": 1}, "list": [1, "x"]}"#,
                Some("list[1]"),
            ),
            (r#"{"inner": {}, "list": []}"#, Some("inner.hours")),
            (
                r#"{"inner": {"hours": 1, "minutes": 2}, "list": []}"#,
                Some("inner.minutes"),
            ),
            (r#"{"list": []}"#, Some("inner")),
            (r#"{"inner": "#, None),
        ];
        for (body, field) in cases {
            assert_eq!(field_of(body).as_deref(), field, "{body}");
        }
    }
}
