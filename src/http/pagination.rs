//! `?limit=&offset=` paging with bounds, and the list envelope every collection returns.

use super::problem::ApiError;
use crate::db::Page;
use serde::{Deserialize, Serialize};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

#[derive(Debug, Clone, Copy, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1 to 200 (default 50).
    pub limit: Option<i64>,
    /// Items to skip (default 0).
    pub offset: Option<i64>,
}

impl PageQuery {
    pub fn page(self) -> Result<Page, ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(
                ApiError::bad_request(format!("limit must be between 1 and {MAX_LIMIT}"))
                    .with_field("limit"),
            );
        }
        let offset = self.offset.unwrap_or(0);
        if !(0..=10_000_000).contains(&offset) {
            return Err(
                ApiError::bad_request("offset must be between 0 and 10000000").with_field("offset"),
            );
        }
        Ok(Page { limit, offset })
    }
}

/// One page of a collection.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    /// Items matching the filters, over all pages.
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

impl<T> Paged<T> {
    /// One page cut from a list filtered in memory.
    pub fn slice(items: Vec<T>, page: Page) -> Self {
        let total = items.len() as i64;
        let items = items
            .into_iter()
            .skip(usize::try_from(page.offset).unwrap_or(usize::MAX))
            .take(usize::try_from(page.limit).unwrap_or(0))
            .collect();
        Self::new(items, total, page)
    }

    pub fn new(items: Vec<T>, total: i64, page: Page) -> Self {
        Self {
            items,
            total,
            limit: page.limit,
            offset: page.offset,
        }
    }
}
