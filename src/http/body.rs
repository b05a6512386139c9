//! A JSON body that may be left out: actions such as re-solving a schedule take no body in their
//! plain form and a JSON object to change how they run. actix's `Option<Json<T>>` would turn a
//! malformed body into "no body" without a word, so the body is read here with the same problems
//! (`413`, `415`, `400` naming the field) as every other JSON body.

use super::problem::ApiError;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

/// Reads at most `limit` bytes of `payload`: an empty body (or only whitespace) is `T::default()`,
/// anything else must be JSON sent as `application/json` and parse into `T`.
pub async fn optional_json<T: DeserializeOwned + Default>(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<T, ApiError> {
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
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    if !is_json(req) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the body as JSON with 'Content-Type: application/json'",
        ));
    }
    serde_json::from_slice(&body).map_err(|e| super::malformed_json(&e))
}

/// Whether the request says its body is JSON (`application/json`, parameters allowed).
fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}
