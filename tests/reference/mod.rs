//! The reference Decimal engine (see `engine.rs`), with spec §8's income statement,
//! collateral and funding gap written from the spec (`v3.rs`).
pub mod engine;
pub mod v3;
