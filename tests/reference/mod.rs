//! The reference Decimal engine (see `engine.rs`).
pub mod engine;
