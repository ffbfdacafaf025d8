//! What both front ends write: figures as text. Pure: no egui, no I/O.

pub mod format;
