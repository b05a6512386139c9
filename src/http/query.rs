//! Query strings. [`ApiQuery`] stands in for actix's `Query`: a parameter that does not parse
//! (`?limit=abc`) is a 400 naming it, where actix's error names none.

use super::problem::ApiError;
use actix_web::{dev, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use std::future::{ready, Ready};

/// The query string of a request, as `T`.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T> ApiQuery<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for ApiQuery<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for ApiQuery<T> {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut dev::Payload) -> Self::Future {
        ready(parse(req.query_string()).map(ApiQuery).map_err(Into::into))
    }
}

/// `T` from `query`; an error names the parameter serde could not read.
fn parse<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let pairs = form_urlencoded::parse(query.as_bytes());
    serde_path_to_error::deserialize(serde_urlencoded::Deserializer::new(pairs)).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let detail = format!("invalid query string: {inner}");
        // serde names a missing or unknown parameter itself; a bad value sits at its path.
        match crate::domain::validation::named_field(&inner.to_string()) {
            Some(name) => ApiError::bad_request(detail).with_field(name),
            None if path != "." && !path.is_empty() => {
                ApiError::bad_request(detail).with_field(path)
            }
            None => ApiError::bad_request(detail),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::parse;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Page {
        limit: Option<u32>,
        from: Option<chrono::NaiveDate>,
        queue_id: String,
    }

    #[test]
    fn a_parameter_that_does_not_parse_is_named() {
        assert!(parse::<Page>("queue_id=q&limit=5&from=2026-12-07").is_ok());
        let field = |q: &str| parse::<Page>(q).unwrap_err().field;
        assert_eq!(field("queue_id=q&limit=abc").as_deref(), Some("limit"));
        assert_eq!(field("queue_id=q&from=someday").as_deref(), Some("from"));
        assert_eq!(field("limit=5").as_deref(), Some("queue_id"));
    }
}
