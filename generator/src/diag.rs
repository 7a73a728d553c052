//! Diagnostics: where in the spec something is, and what is wrong there.

use std::fmt;
use std::path::PathBuf;

/// A place in the spec: file, JSON pointer inside it, and the line when the parser gave one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The spec file.
    pub file: PathBuf,
    /// JSON pointer (RFC 6901) to the node inside the file; empty for the whole file.
    pub pointer: String,
    /// 1-based line of the node, where known (YAML input).
    pub line: Option<usize>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.file.display(), self.pointer)?;
        if let Some(line) = self.line {
            write!(f, " (line {line})")?;
        }
        Ok(())
    }
}

/// Everything that can stop generation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A spec file could not be read.
    #[error("{}: cannot read file: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A spec file is not valid YAML or JSON.
    #[error("{}#{}{}: invalid {format}: {message}", path.display(), pointer, line.map(|l| format!(" (line {l})")).unwrap_or_default())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// JSON pointer to the innermost node being read when the error happened.
        pointer: String,
        /// Line of the error.
        line: Option<usize>,
        /// "YAML" or "JSON".
        format: &'static str,
        /// The parser's message.
        message: String,
    },
    /// The spec is readable but wrong or unsupported at a given place.
    #[error("{location}: {message}")]
    Spec {
        /// Where.
        location: Location,
        /// What.
        message: String,
    },
    /// The spec failed validation; every error found is listed.
    #[error("{count} error(s) in the spec:\n{list}")]
    Invalid {
        /// How many errors.
        count: usize,
        /// The errors, one per line: `file#pointer (line N): what is wrong`.
        list: String,
    },
    /// Warnings were raised and `--strict` turns them into errors.
    #[error("{count} warning(s) with --strict:\n{list}")]
    Strict {
        /// How many warnings.
        count: usize,
        /// The warnings, one per line.
        list: String,
    },
    /// Writing the output failed.
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// `release` refused: a crate file it must change is not as it needs, or the version
    /// asked for is not one the changes allow. Neither file was changed.
    #[error("{}: {message}", path.display())]
    Release {
        /// The file (Cargo.toml or CHANGELOG.md).
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The emitted code did not parse as Rust (a generator bug, reported, never written).
    #[error("generated code for {file} does not parse as Rust: {message}")]
    InvalidRust {
        /// The output file it was meant for.
        file: String,
        /// The parser's message.
        message: String,
    },
}

impl Error {
    /// An error at a place in the spec.
    pub fn spec(location: Location, message: impl Into<String>) -> Self {
        Error::Spec {
            location,
            message: message.into(),
        }
    }
}

/// A problem that does not stop generation (the generated code falls back to something looser).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where.
    pub location: Location,
    /// What.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "warning: {}: {}", self.location, self.message)
    }
}

/// Result alias of the generator.
pub type Result<T, E = Error> = std::result::Result<T, E>;
