//! Path parameters. actix's error for a parameter that does not parse (`/shifts/-1` where a shift
//! index is expected) names neither the parameter nor what it should be; [`not_found`], the app's
//! `PathConfig` error handler, answers a 404 whose `field` is the parameter.

use super::problem::ApiError;
use actix_web::error::PathError;
use actix_web::HttpRequest;

/// The 404 for a path that matched a route but whose parameter did not parse.
pub fn not_found(e: PathError, req: &HttpRequest) -> actix_web::Error {
    let message = e.to_string();
    let params: Vec<(&str, &str)> = req.match_info().iter().collect();
    match failed_param(&message, &params) {
        Some((name, value, type_name)) => ApiError::not_found(format!(
            "the path parameter {name} must be {}, not '{value}'",
            expected(type_name)
        ))
        .with_field(name),
        None => ApiError::not_found(format!("invalid path: {message}")),
    }
    .into()
}

/// The parameter (name, value, expected type) that actix's `message` ("can not parse "-1" to a u32")
/// is about. When several parameters hold that value, the last one: every typed parameter of the
/// API follows its string ones (`/schedules/{id}/shifts/{index}`), and a string never fails.
fn failed_param<'a>(
    message: &'a str,
    params: &[(&'a str, &'a str)],
) -> Option<(&'a str, &'a str, &'a str)> {
    params.iter().rev().find_map(|&(name, value)| {
        let prefix = format!("can not parse {value:?} to a ");
        let at = message.find(&prefix)?;
        Some((name, value, message[at + prefix.len()..].trim()))
    })
}

/// What a parameter of `type_name` must be, in words.
fn expected(type_name: &str) -> String {
    let max = match type_name {
        "u8" => u64::from(u8::MAX),
        "u16" => u64::from(u16::MAX),
        "u32" => u64::from(u32::MAX),
        "u64" | "usize" => u64::MAX,
        other => return format!("a {other}"),
    };
    format!("a whole number from 0 to {max}")
}

#[cfg(test)]
mod tests {
    use super::{expected, failed_param};

    #[test]
    fn the_parameter_that_failed_is_named() {
        let params = [("id", "abc"), ("index", "-1")];
        let found = failed_param(r#"can not parse "-1" to a u32"#, &params);
        assert_eq!(found, Some(("index", "-1", "u32")));
        // The same text in a string parameter before it does not take the blame.
        let params = [("id", "abc"), ("index", "abc")];
        let found = failed_param(r#"can not parse "abc" to a u32"#, &params);
        assert_eq!(found.map(|f| f.0), Some("index"));
        assert_eq!(failed_param("unsupported type: tuple", &params), None);
        assert_eq!(expected("u32"), "a whole number from 0 to 4294967295");
        assert_eq!(expected("bool"), "a bool");
    }
}
