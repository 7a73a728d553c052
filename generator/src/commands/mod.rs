//! The maintainer's commands, apart from the pipeline's stages (load … write): they use
//! the pipeline to keep an SDK in step with upstream.
//!
//! - [`sync`] takes from upstream exactly the files a group's operations reach;
//! - [`diff`] says what changes in the Rust API between two specs, with semver severities;
//! - [`init`] makes a new SDK crate for any API group;
//! - [`release`] writes the next version and the CHANGELOG entry from a change report.

pub mod diff;
pub mod init;
#[cfg(feature = "cli")]
pub mod release;
pub mod sync;
