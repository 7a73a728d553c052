//! `release`: the next version in `Cargo.toml` and the change report at the top of
//! `CHANGELOG.md`, from what [`diff`](super::diff) found between two specs.
//!
//! - The version follows the report's verdict with Cargo's rules (before 1.0 a breaking
//!   change bumps the minor number), from the version the old spec was released as.
//! - Both files change together or not at all.
//! - Run twice on the same change, it finds its own entry and changes nothing; it refuses a
//!   version that is not greater than the current one or the CHANGELOG's latest.
//! - [`check`] is the CI gate: is the version in `Cargo.toml` what the changes need?
//!
//! `Cargo.toml` is edited with `toml_edit`, which keeps every comment and the layout of
//! the rest of the file; versions are compared with `semver`, Cargo's own parser.

use std::fs;
use std::path::{Path, PathBuf};

use semver::Version;

use super::diff::{Report, Severity};
use crate::diag::{Error, Result};

/// What `release` may be told besides the report.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The version to release, instead of the one the changes call for (it may be higher,
    /// never lower).
    pub version: Option<String>,
    /// The version the old spec was released as (default: the one in `Cargo.toml`).
    pub base: Option<String>,
    /// The least severity of the release, for changes the report cannot see (hand-written
    /// code of the crate).
    pub at_least: Option<Severity>,
    /// The date of the CHANGELOG entry, `YYYY-MM-DD` (default: today, UTC).
    pub date: Option<String>,
}

/// What a release did, or would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The version moves from `from` to `to`.
    Released {
        /// The version before.
        from: String,
        /// The version after.
        to: String,
        /// The severity that decided it.
        verdict: Severity,
    },
    /// This very change is already the latest entry, released as `version`.
    AlreadyReleased {
        /// The version it was released as.
        version: String,
    },
    /// Nothing changed in the Rust API: the version stays.
    NoChange {
        /// The current version.
        version: String,
    },
}

/// A release worked out and not yet written: see [`Plan::commit`].
#[derive(Debug)]
pub struct Plan {
    /// What it does.
    pub outcome: Outcome,
    /// The CHANGELOG entry it adds (empty when it adds none).
    pub entry: String,
    writes: Vec<(PathBuf, String)>,
}

/// The crate files `release` reads and writes, in the crate folder `dir`.
pub fn manifest_path(dir: &Path) -> PathBuf {
    dir.join("Cargo.toml")
}

/// The CHANGELOG of the crate in `dir`.
pub fn changelog_path(dir: &Path) -> PathBuf {
    dir.join("CHANGELOG.md")
}

fn refuse(path: &Path, message: impl Into<String>) -> Error {
    Error::Release {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn parse_version(path: &Path, text: &str, what: &str) -> Result<Version> {
    Version::parse(text.trim())
        .map_err(|e| refuse(path, format!("{what} `{text}` is not a version: {e}")))
}

/// The version `severity` calls for after `base` (Cargo's rules, 0.x included).
pub fn bump(base: &Version, severity: Option<Severity>) -> Version {
    let base_text = format!("{}.{}.{}", base.major, base.minor, base.patch);
    super::diff::next_version(&base_text, severity)
        .and_then(|v| Version::parse(&v).ok())
        .unwrap_or_else(|| base.clone())
}

/// The severity of a release: the report's verdict, raised to `at_least`.
fn severity(report: &Report, at_least: Option<Severity>) -> Option<Severity> {
    report.verdict().max(at_least)
}

/// The crate's `Cargo.toml`, parsed, and the version of its package: its own, or the
/// workspace's (`version.workspace = true` in the workspace's root manifest, for crates
/// released together).
struct Manifest {
    path: PathBuf,
    doc: toml_edit::DocumentMut,
    version: Version,
    /// The version is `[workspace.package]`'s, shared by every member.
    shared: bool,
}

impl Manifest {
    fn read(dir: &Path) -> Result<Self> {
        let path = manifest_path(dir);
        let doc: toml_edit::DocumentMut = read(&path)?
            .parse()
            .map_err(|e| refuse(&path, format!("not valid TOML: {e}")))?;
        let own = doc.get("package").and_then(|p| p.get("version"));
        let inherited = own
            .and_then(|v| v.get("workspace"))
            .and_then(|w| w.as_bool())
            == Some(true);
        let shared_version = doc
            .get("workspace")
            .and_then(|w| w.get("package"))
            .and_then(|p| p.get("version"));
        let (text, shared) = match (own, inherited, shared_version) {
            (Some(v), false, _) if v.as_str().is_some() => (v.as_str(), false),
            (Some(_), true, Some(v)) => (v.as_str(), true),
            (Some(_), true, None) => {
                let message = "`package.version` is inherited from a workspace; release the workspace's root Cargo.toml, which sets it";
                return Err(refuse(&path, message));
            }
            (Some(_), false, _) => return Err(refuse(&path, "`package.version` is not a string")),
            (None, ..) => return Err(refuse(&path, "no `package.version`")),
        };
        let text = text.unwrap_or_default().to_string();
        let version = parse_version(&path, &text, "package.version")?;
        Ok(Manifest {
            path,
            doc,
            version,
            shared,
        })
    }

    /// The manifest with `version`; for a shared version, also the version requirement of
    /// each dependency on a workspace member (a path dependency that names a version), so
    /// the members keep depending on each other's new version.
    fn with_version(mut self, version: &Version) -> (PathBuf, String) {
        let text = version.to_string();
        if self.shared {
            set_version(&mut self.doc["workspace"]["package"]["version"], &text);
            for table in ["dependencies", "build-dependencies", "dev-dependencies"] {
                bump_path_dependencies(self.doc.get_mut(table), &text);
            }
            let workspace = self.doc.get_mut("workspace");
            bump_path_dependencies(workspace.and_then(|w| w.get_mut("dependencies")), &text);
        } else {
            set_version(&mut self.doc["package"]["version"], &text);
        }
        (self.path, self.doc.to_string())
    }
}

/// Sets a string value, keeping its comments and spacing.
fn set_version(item: &mut toml_edit::Item, version: &str) {
    if let Some(v) = item.as_value_mut() {
        let decor = v.decor().clone();
        *v = version.into();
        *v.decor_mut() = decor;
    }
}

/// In a dependency table, the `version` of each entry that also has a `path`.
fn bump_path_dependencies(table: Option<&mut toml_edit::Item>, version: &str) {
    let Some(table) = table.and_then(|t| t.as_table_like_mut()) else {
        return;
    };
    for (_, dependency) in table.iter_mut() {
        let Some(dependency) = dependency.as_table_like_mut() else {
            continue;
        };
        if dependency.contains_key("path") {
            if let Some(v) = dependency.get_mut("version") {
                set_version(v, version);
            }
        }
    }
}

/// Works out the release of `report` for the crate in `dir`; nothing is written until
/// [`Plan::commit`]. Refuses (with the file and why) a version that is not greater than
/// the current one or than the CHANGELOG's latest, or lower than the changes need.
pub fn plan(report: &Report, dir: &Path, options: &Options) -> Result<Plan> {
    let manifest = Manifest::read(dir)?;
    let changelog = Changelog::read(&changelog_path(dir))?;
    let current = manifest.version.clone();
    if let Some(version) = changelog.already_released(report, &current) {
        return Ok(Plan::nothing(Outcome::AlreadyReleased { version }));
    }
    let base = match &options.base {
        Some(b) => parse_version(&manifest.path, b, "the base version")?,
        None => current.clone(),
    };
    let Some(verdict) = severity(report, options.at_least) else {
        let version = current.to_string();
        return Ok(Plan::nothing(Outcome::NoChange { version }));
    };
    let needed = bump(&base, Some(verdict));
    let next = match &options.version {
        Some(v) => parse_version(&manifest.path, v, "the version asked for")?,
        None => needed.clone(),
    };
    if next < needed {
        let message = format!(
            "{next} is lower than the changes need: {needed} ({} from {base})",
            verdict.as_str()
        );
        return Err(refuse(&manifest.path, message));
    }
    if next <= current {
        let message = format!("{next} is not greater than the current version {current}");
        return Err(refuse(&manifest.path, message));
    }
    if let Some(latest) = changelog.latest.as_ref().filter(|l| next <= **l) {
        let message = format!("{next} is not greater than its latest release, {latest}");
        return Err(refuse(&changelog.path, message));
    }
    let date = options.date.clone().unwrap_or_else(today);
    let raised = Some(verdict).filter(|v| report.verdict() < Some(*v));
    let entry = changelog.entry(&next, &date, &report.body(&base.to_string()), raised);
    let writes = vec![
        manifest.with_version(&next),
        (changelog.path.clone(), changelog.with_entry(&entry)),
    ];
    let outcome = Outcome::Released {
        from: current.to_string(),
        to: next.to_string(),
        verdict,
    };
    Ok(Plan {
        outcome,
        entry,
        writes,
    })
}

/// Today's date, UTC, `YYYY-MM-DD`.
fn today() -> String {
    chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

impl Plan {
    fn nothing(outcome: Outcome) -> Self {
        Plan {
            outcome,
            entry: String::new(),
            writes: Vec::new(),
        }
    }

    /// Writes `Cargo.toml` and `CHANGELOG.md`, both or neither: each is written beside
    /// itself and renamed into place, and if the second rename fails the first file is put
    /// back as it was.
    pub fn commit(self) -> Result<Outcome> {
        let mut staged = Vec::new();
        for (path, content) in &self.writes {
            match stage(path, content) {
                Ok(tmp) => staged.push((path.clone(), tmp)),
                Err(e) => {
                    for (_, tmp) in &staged {
                        let _ = fs::remove_file(tmp);
                    }
                    return Err(e);
                }
            }
        }
        swap_all(&staged)?;
        Ok(self.outcome)
    }
}

/// Writes `content` beside `path`, to be renamed over it.
fn stage(path: &Path, content: &str) -> Result<PathBuf> {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.release-{}", std::process::id()));
    fs::write(&tmp, content).map_err(|source| Error::Write {
        path: tmp.clone(),
        source,
    })?;
    Ok(tmp)
}

/// Renames each staged file over its target; on a failure, puts back the ones already
/// replaced and removes what is left staged.
fn swap_all(staged: &[(PathBuf, PathBuf)]) -> Result<()> {
    let mut done: Vec<(&PathBuf, Option<Vec<u8>>)> = Vec::new();
    for (i, (path, tmp)) in staged.iter().enumerate() {
        let before = fs::read(path).ok();
        if let Err(source) = fs::rename(tmp, path) {
            for (path, before) in &done {
                match before {
                    Some(bytes) => drop(fs::write(path, bytes)),
                    None => drop(fs::remove_file(path)),
                }
            }
            for (_, tmp) in &staged[i..] {
                let _ = fs::remove_file(tmp);
            }
            return Err(Error::Write {
                path: path.clone(),
                source,
            });
        }
        done.push((path, before));
    }
    Ok(())
}

/// `CHANGELOG.md` as `release` reads it: a preamble, then sections headed `## VERSION
/// (DATE)` (or `## Unreleased ...`, kept where it is), newest first.
struct Changelog {
    path: PathBuf,
    text: String,
    /// The newest released version.
    latest: Option<Version>,
    /// Its section, heading included.
    latest_section: Option<(usize, usize)>,
}

impl Changelog {
    fn read(path: &Path) -> Result<Self> {
        let text = match fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                return Err(Error::Read {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        let mut latest = None;
        let mut latest_section = None;
        let headings = headings(&text);
        for (i, &(start, ref version)) in headings.iter().enumerate() {
            let Some(version) = version else { continue };
            let end = headings.get(i + 1).map_or(text.len(), |h| h.0);
            latest = Some(version.clone());
            latest_section = Some((start, end));
            break;
        }
        Ok(Changelog {
            path: path.to_path_buf(),
            text,
            latest,
            latest_section,
        })
    }

    /// The version of the latest entry when it is `report`'s own, released as the current
    /// version (the entry names the version it came from, so the report is worked out again
    /// from there and compared, date aside).
    fn already_released(&self, report: &Report, current: &Version) -> Option<String> {
        let (start, end) = self.latest_section?;
        if self.latest.as_ref() != Some(current) {
            return None;
        }
        let section = &self.text[start..end];
        let body = section.split_once("\n\n")?.1;
        let from = body.split_once("(from ")?.1.split_once(")")?.0;
        let mine = report.body(from);
        let mine = mine.trim_end();
        let same = body.trim_end() == mine || body.starts_with(&format!("{mine}\n\n"));
        same.then(|| current.to_string())
    }

    /// The `## Unreleased` section before the latest release, if any: its span and body
    /// (notes written by hand for what the report cannot see).
    fn unreleased(&self) -> Option<(usize, usize, &str)> {
        let headings = headings(&self.text);
        let first_release = headings.iter().position(|(_, v)| v.is_some());
        let at = headings[..first_release.unwrap_or(headings.len())]
            .iter()
            .position(|&(start, _)| self.text[start..].starts_with("## Unreleased"))?;
        let start = headings[at].0;
        let end = headings.get(at + 1).map_or(self.text.len(), |h| h.0);
        let section = &self.text[start..end];
        let body = section.split_once('\n').map_or("", |(_, b)| b);
        Some((start, end, body.trim()))
    }

    /// The entry for `version`: its heading, the report's body and the hand-written notes of
    /// an `## Unreleased` section.
    fn entry(&self, version: &Version, date: &str, body: &str, raised: Option<Severity>) -> String {
        let mut entry = format!("## {version} ({date})\n\n{}\n", body.trim_end());
        if let Some(severity) = raised {
            let s = severity.as_str();
            entry.push_str(&format!(
                "\nReleased as a **{s}** change for the hand-written changes (`--at-least {s}`).\n"
            ));
        }
        if let Some((_, _, notes)) = self.unreleased().filter(|u| !u.2.is_empty()) {
            let notes = notes
                .lines()
                .map(|l| match l.strip_prefix("### ") {
                    Some(title) => format!("#### {title}"),
                    None => l.to_string(),
                })
                .collect::<Vec<_>>()
                .join("\n");
            entry.push_str(&format!("\n### Also in this release\n\n{notes}\n"));
        }
        entry
    }

    /// The text with `entry` as its newest section, after the preamble, in place of an
    /// `## Unreleased` section (whose notes the entry holds).
    fn with_entry(&self, entry: &str) -> String {
        let text = if self.text.trim().is_empty() {
            "# Changelog\n\n".to_string()
        } else {
            self.text.clone()
        };
        let (at, end) = match self.unreleased() {
            Some((start, end, _)) => (start, end),
            None => {
                let at = headings(&text)
                    .into_iter()
                    .find(|(_, v)| v.is_some())
                    .map_or(text.len(), |(start, _)| start);
                (at, at)
            }
        };
        let (head, tail) = (&text[..at], &text[end..]);
        let sep = if head.is_empty() || head.ends_with("\n\n") {
            ""
        } else if head.ends_with('\n') {
            "\n"
        } else {
            "\n\n"
        };
        let after = if tail.is_empty() { "" } else { "\n" };
        format!("{head}{sep}{entry}{after}{tail}")
    }
}

/// The offset of each `## ` heading line, with its version when it starts with one.
fn headings(text: &str) -> Vec<(usize, Option<Version>)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("## ") {
            let word = rest.split_whitespace().next().unwrap_or_default();
            out.push((offset, Version::parse(word).ok()));
        }
        offset += line.len();
    }
    out
}

/// What [`check`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The version in `Cargo.toml`.
    pub current: String,
    /// The least version the changes need.
    pub needed: String,
    /// The severity of the changes.
    pub verdict: Option<Severity>,
}

impl Check {
    /// Whether `Cargo.toml`'s version is at least what the changes need.
    pub fn passes(&self) -> bool {
        match (Version::parse(&self.current), Version::parse(&self.needed)) {
            (Ok(c), Ok(n)) => c >= n,
            _ => false,
        }
    }
}

/// The CI gate: is the version of the crate in `dir` at least what `report` needs after
/// `base`, the version the old spec was released as?
pub fn check(report: &Report, dir: &Path, base: &str, at_least: Option<Severity>) -> Result<Check> {
    let manifest = Manifest::read(dir)?;
    let base = parse_version(&manifest.path, base, "the base version")?;
    let verdict = severity(report, at_least);
    Ok(Check {
        current: manifest.version.to_string(),
        needed: bump(&base, verdict).to_string(),
        verdict,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_second_rename_puts_the_first_file_back() {
        let dir = tempfile::tempdir().unwrap();
        let (first, second) = (
            dir.path().join("Cargo.toml"),
            dir.path().join("CHANGELOG.md"),
        );
        fs::write(&first, "before").unwrap();
        // A non-empty folder cannot be replaced by a file.
        fs::create_dir(&second).unwrap();
        fs::write(second.join("x"), "").unwrap();
        let staged = vec![
            (first.clone(), stage(&first, "after").unwrap()),
            (second.clone(), stage(&second, "entry").unwrap()),
        ];
        assert!(swap_all(&staged).is_err());
        assert_eq!(fs::read_to_string(&first).unwrap(), "before");
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 2, "staged files removed: {left:?}");
    }
}
