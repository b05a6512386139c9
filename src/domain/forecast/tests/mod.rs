//! Behaviour tests of the forecast model: DST, accuracy against seasonal naive, properties.

mod common;
mod dst;
mod model;
mod props;
