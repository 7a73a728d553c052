//! `sync`: takes from an upstream checkout of Rebilly's definitions exactly the files that
//! the operations and webhooks of some tags reach, in upstream's layout, and puts them into a spec
//! folder in one step.
//!
//! The files are copied byte for byte (comments and formatting stay), with two exceptions
//! that are rewritten as YAML: the entry file, trimmed to the chosen paths, tags and
//! components, and a path file whose operations carry other tags too, trimmed to the
//! chosen operations. Every rewritten file is read back and compared with what was meant,
//! so the rewriting cannot change a value.
//!
//! A `$ref` under an `x-` extension member (upstream's `x-codeSamples`) that points at a
//! file outside the upstream folder, or at none, is documentation only: it is left out
//! with a note. Any other `$ref` must reach a file, or the sync fails.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use serde_json::{Map, Value};
use yaml_rust2::{Yaml, YamlEmitter};

use crate::diag::{Error, Location, Result};
use crate::load::{
    escape_pointer, fragment_pointer, mapping_reference, normalize_path as normalize,
    percent_decode, Loader, SpecFile,
};
use crate::model::Method;

/// What the sync takes from upstream, in memory: nothing is written yet.
#[derive(Debug)]
pub struct Selection {
    /// The upstream entry file.
    pub entry: PathBuf,
    /// The tags asked for.
    pub tags: Vec<String>,
    /// The files, by path relative to the entry file's folder, with their content.
    pub files: BTreeMap<String, Vec<u8>>,
    /// How many operations the chosen tags have.
    pub operations: usize,
    /// How many webhooks the chosen tags have.
    pub webhooks: usize,
    /// What was left out or rewritten, one line each.
    pub notes: Vec<String>,
}

/// What a sync did to the spec folder.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SyncReport {
    /// Files that were not there before.
    pub added: Vec<String>,
    /// Files whose content changed.
    pub changed: Vec<String>,
    /// Files no longer reached, removed.
    pub removed: Vec<String>,
    /// Files already up to date.
    pub unchanged: Vec<String>,
}

impl SyncReport {
    /// Whether the spec folder was left as it was.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// The entry file of an upstream checkout: `UPSTREAM/openapi/openapi.yaml`, or
/// `openapi.yaml` inside the folder, or the file itself.
pub fn upstream_entry(from: &Path) -> Result<PathBuf> {
    let missing = |what: String| Error::Read {
        path: from.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::NotFound, what),
    };
    if from.is_file() {
        return Ok(from.to_path_buf());
    }
    if !from.is_dir() {
        return Err(missing(
            "no such upstream folder or file (expected a checkout of Rebilly's api-definitions)"
                .into(),
        ));
    }
    let folder = from.join("openapi");
    let entry = crate::entry_file(if folder.is_dir() { &folder } else { from });
    if entry.is_file() {
        return Ok(entry);
    }
    Err(missing(
        "neither openapi/openapi.yaml nor openapi.yaml is in this folder".into(),
    ))
}

/// Reads upstream and chooses the files that the operations and webhooks tagged `tags`
/// reach.
pub fn select(from: &Path, tags: &[String]) -> Result<Selection> {
    let entry = upstream_entry(from)?;
    let root_dir = normalize(entry.parent().unwrap_or(Path::new("")));
    let loader = Loader::new();
    let entry_file = loader.file(&entry)?;
    if tags.is_empty() {
        return Err(Error::spec(
            at(&entry_file, ""),
            "name at least one tag (--tag NAME) to sync",
        ));
    }
    let mut walk = Walk {
        loader: &loader,
        root_dir: root_dir.clone(),
        entry: entry_file.path.clone(),
        files: BTreeMap::new(),
        queue: Vec::new(),
        entry_pointers: BTreeSet::new(),
        left_out: BTreeMap::new(),
    };
    let wanted: BTreeSet<&str> = tags.iter().map(String::as_str).collect();
    let mut chosen = Chosen::default();
    let empty = Map::new();
    let path_items = entry_file.root.get("paths").and_then(Value::as_object);
    for (path, item) in path_items.unwrap_or(&empty) {
        chosen.path_item(&mut walk, &entry_file, &wanted, path, item)?;
    }
    let mut trimmed = chosen.trim_entry(&mut walk, &entry_file, &wanted)?;
    chosen.check_found(&entry_file, &wanted)?;
    follow_entry(&mut walk, &entry_file, &mut trimmed, &chosen.schemes)?;
    let files = chosen.files(&walk, &entry, trimmed, tags)?;
    chosen.notes.extend(left_out_notes(&walk));
    Ok(Selection {
        entry,
        tags: tags.to_vec(),
        files,
        operations: chosen.operations,
        webhooks: chosen.webhooks,
        notes: chosen.notes,
    })
}

/// What the walk over the entry file chose, as it goes.
#[derive(Default)]
struct Chosen {
    /// The kept path items, by path.
    paths: Map<String, Value>,
    /// Path files rewritten without the operations of other tags, by relative path.
    rewritten: BTreeMap<String, Value>,
    notes: Vec<String>,
    /// Every tag an operation or a webhook has, for the hint when a tag is not found.
    seen_tags: BTreeSet<String>,
    /// The tags asked for that some operation or webhook has.
    found: BTreeSet<String>,
    operations: usize,
    webhooks: usize,
    /// The security schemes the kept operations name.
    schemes: BTreeSet<String>,
}

impl Chosen {
    /// Keeps the operations of `item` (at `path`) tagged with a wanted tag, and what they
    /// reach: the item's file whole when it has no other operation, or rewritten without
    /// them.
    fn path_item(
        &mut self,
        walk: &mut Walk,
        entry_file: &SpecFile,
        wanted: &BTreeSet<&str>,
        path: &str,
        item: &Value,
    ) -> Result<()> {
        let pointer = format!("/paths/{}", escape_pointer(path));
        let (item_value, item_file) = load_item(walk, entry_file, &pointer, item)?;
        let (kept, dropped) = self.operations_of(&item_value, wanted);
        if kept
            .keys()
            .all(|k| !Method::ALL.iter().any(|(m, _)| m == k))
        {
            return Ok(());
        }
        match item_file {
            Some((target, _)) if dropped.is_empty() => {
                self.paths.insert(path.to_string(), item.clone());
                walk.reach(&target)?;
            }
            Some((target, spec)) => {
                let rel = walk.relative(&target, &entry_file.path, &pointer)?;
                self.notes.push(format!(
                    "{rel}: rewritten without its operations of other tags ({})",
                    dropped.join(", ")
                ));
                let trimmed = Value::Object(kept);
                walk.refs_in(&spec, &trimmed, "")?;
                self.rewritten.insert(rel, trimmed);
                self.paths.insert(path.to_string(), item.clone());
            }
            None => {
                let kept = Value::Object(kept);
                walk.refs_in(entry_file, &kept, &pointer)?;
                self.paths.insert(path.to_string(), kept);
            }
        }
        Ok(())
    }

    /// The members of a path item to keep (its wanted operations, and what is not an
    /// operation), and the methods of the operations left out.
    fn operations_of(
        &mut self,
        item: &Value,
        wanted: &BTreeSet<&str>,
    ) -> (Map<String, Value>, Vec<String>) {
        let mut kept = Map::new();
        let mut dropped = Vec::new();
        for (key, value) in item.as_object().into_iter().flatten() {
            if !Method::ALL.iter().any(|(k, _)| k == key) {
                kept.insert(key.clone(), value.clone());
                continue;
            }
            let op_tags = tags_of(value);
            self.seen_tags.extend(op_tags.iter().map(|t| t.to_string()));
            let chosen: Vec<&str> = op_tags.into_iter().filter(|t| wanted.contains(t)).collect();
            if chosen.is_empty() {
                dropped.push(key.clone());
                continue;
            }
            self.found.extend(chosen.into_iter().map(str::to_string));
            self.operations += 1;
            self.schemes
                .extend(requirement_names(value.get("security")));
            kept.insert(key.clone(), value.clone());
        }
        (kept, dropped)
    }

    /// Fails when no operation or webhook has a wanted tag, with the closest tag the spec
    /// has.
    fn check_found(&self, entry_file: &SpecFile, wanted: &BTreeSet<&str>) -> Result<()> {
        let missing: Vec<&str> = wanted
            .iter()
            .copied()
            .filter(|t| !self.found.contains(*t))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let hints: Vec<String> = missing
            .iter()
            .map(|t| {
                let best = self
                    .seen_tags
                    .iter()
                    .map(|s| {
                        let score = strsim::jaro_winkler(&t.to_lowercase(), &s.to_lowercase());
                        (score, s)
                    })
                    .max_by(|a, b| a.0.total_cmp(&b.0));
                match best {
                    Some((score, s)) if score > 0.8 => format!("{t:?} (did you mean {s:?}?)"),
                    _ => format!("{t:?}"),
                }
            })
            .collect();
        Err(Error::spec(
            at(entry_file, "/paths"),
            format!(
                "no operation or webhook has the tag {}; the spec's tags are: {}",
                hints.join(", "),
                self.seen_tags
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ))
    }

    /// The entry file, trimmed to the chosen paths, tags, tag groups and webhooks;
    /// `components` keeps its place and is filled later.
    fn trim_entry(
        &mut self,
        walk: &mut Walk,
        entry_file: &SpecFile,
        wanted: &BTreeSet<&str>,
    ) -> Result<Map<String, Value>> {
        let mut trimmed = Map::new();
        for (key, value) in entry_file.root.as_object().into_iter().flatten() {
            let kept = match key.as_str() {
                "paths" => Some(Value::Object(std::mem::take(&mut self.paths))),
                "tags" => Some(kept_tags(value, wanted)),
                "x-tagGroups" => kept_tag_groups(value, wanted),
                "webhooks" | "x-webhooks" => self.kept_webhooks(walk, value, wanted)?,
                "components" => Some(Value::Null),
                _ => Some(value.clone()),
            };
            if let Some(kept) = kept {
                trimmed.insert(key.clone(), kept);
            }
        }
        Ok(trimmed)
    }

    /// The webhooks whose operation has a wanted tag (an operation given by `$ref` is read
    /// for its tags); `None` when none is.
    fn kept_webhooks(
        &mut self,
        walk: &mut Walk,
        webhooks: &Value,
        wanted: &BTreeSet<&str>,
    ) -> Result<Option<Value>> {
        let mut kept = Map::new();
        for (event_type, item) in webhooks.as_object().into_iter().flatten() {
            let mut chosen = false;
            for (_, operation) in item.as_object().into_iter().flatten() {
                let read;
                let operation = match operation.get("$ref").and_then(Value::as_str) {
                    Some(reference) => {
                        let file = reference.split_once('#').map_or(reference, |(f, _)| f);
                        read = walk.loader.file(&walk.target(&walk.entry, file))?;
                        &read.root
                    }
                    None => operation,
                };
                let tags = tags_of(operation);
                self.seen_tags.extend(tags.iter().map(|t| t.to_string()));
                for tag in tags.into_iter().filter(|t| wanted.contains(t)) {
                    self.found.insert(tag.to_string());
                    chosen = true;
                }
            }
            if chosen {
                kept.insert(event_type.clone(), item.clone());
                self.webhooks += 1;
            }
        }
        Ok((!kept.is_empty()).then_some(Value::Object(kept)))
    }

    /// Every file of the selection, with its content: those reached as they are, the entry
    /// file and the rewritten path files as YAML.
    fn files(
        &mut self,
        walk: &Walk,
        entry: &Path,
        trimmed: Map<String, Value>,
        tags: &[String],
    ) -> Result<BTreeMap<String, Vec<u8>>> {
        let mut files = BTreeMap::new();
        for (rel, path) in &walk.files {
            let bytes = fs::read(path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            files.insert(rel.clone(), bytes);
        }
        let header = format!(
            "# Taken by `rebilly-sdk-gen sync` from upstream's {}: the paths, webhooks, tags and\n# components of the operations tagged {}. Change upstream, then sync; not here.\n",
            file_name(entry),
            tags.iter().map(|t| format!("{t:?}")).collect::<Vec<_>>().join(", ")
        );
        let entry_rel = file_name(entry);
        files.insert(
            entry_rel.clone(),
            yaml(&entry_rel, &Value::Object(trimmed), &header)?,
        );
        for (rel, value) in std::mem::take(&mut self.rewritten) {
            let header = format!(
                "# Taken by `rebilly-sdk-gen sync` from upstream's {rel}, without its operations\n# of other tags.\n"
            );
            files.insert(rel.clone(), yaml(&rel, &value, &header)?);
        }
        Ok(files)
    }
}

/// A path item's own file: its path, and the file as read.
type ItemFile = (PathBuf, Rc<SpecFile>);

/// A path item, read from its own file when it is a `$ref` (with that file), or as it is in
/// the entry file.
fn load_item(
    walk: &Walk,
    entry_file: &SpecFile,
    pointer: &str,
    item: &Value,
) -> Result<(Value, Option<ItemFile>)> {
    let Some(reference) = item.get("$ref").and_then(Value::as_str) else {
        return Ok((item.clone(), None));
    };
    let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    if file.is_empty() || !fragment.is_empty() {
        return Err(Error::spec(
            at(entry_file, pointer),
            format!("$ref {reference:?}: sync takes path items from files of their own"),
        ));
    }
    let target = walk.target(&entry_file.path, file);
    let spec = walk.loader.file(&target).map_err(|e| match e {
        Error::Read { source, .. } => Error::spec(
            at(entry_file, pointer),
            format!(
                "$ref {reference:?} points to {} which cannot be read: {source}",
                target.display()
            ),
        ),
        other => other,
    })?;
    Ok((spec.root.clone(), Some((target, spec))))
}

/// An operation's tags.
fn tags_of(operation: &Value) -> Vec<&str> {
    operation
        .get("tags")
        .and_then(Value::as_array)
        .map(|t| t.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The entry of `tags` for each wanted tag.
fn kept_tags(tags: &Value, wanted: &BTreeSet<&str>) -> Value {
    let kept = tags.as_array().into_iter().flatten().filter(|t| {
        t.get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| wanted.contains(n))
    });
    Value::Array(kept.cloned().collect())
}

/// The tag groups, each with its wanted tags only; `None` when no group has one.
fn kept_tag_groups(groups: &Value, wanted: &BTreeSet<&str>) -> Option<Value> {
    let groups: Vec<Value> = groups
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|group| {
            let mut group = group.as_object()?.clone();
            let names: Vec<Value> = group
                .get("tags")?
                .as_array()?
                .iter()
                .filter(|t| t.as_str().is_some_and(|n| wanted.contains(n)))
                .cloned()
                .collect();
            (!names.is_empty()).then(|| {
                group.insert("tags".into(), Value::Array(names));
                Value::Object(group)
            })
        })
        .collect();
    (!groups.is_empty()).then_some(Value::Array(groups))
}

/// Follows the trimmed entry file (path items were followed already) and fills its
/// `components` with what something kept refers to, until nothing new is.
fn follow_entry(
    walk: &mut Walk,
    entry_file: &SpecFile,
    trimmed: &mut Map<String, Value>,
    schemes: &BTreeSet<String>,
) -> Result<()> {
    let root = &entry_file.root;
    for name in schemes
        .iter()
        .cloned()
        .chain(requirement_names(root.get("security")))
    {
        walk.entry_pointers.insert(format!(
            "/components/securitySchemes/{}",
            escape_pointer(&name)
        ));
    }
    for (key, value) in trimmed.iter() {
        if key != "paths" {
            walk.refs_in(entry_file, value, &format!("/{}", escape_pointer(key)))?;
        }
    }
    let mut components = Value::Object(Map::new());
    let mut done = BTreeSet::new();
    loop {
        walk.drain()?;
        let next: Vec<String> = walk
            .entry_pointers
            .iter()
            .filter(|p| !done.contains(*p))
            .cloned()
            .collect();
        if next.is_empty() {
            break;
        }
        for pointer in next {
            done.insert(pointer.clone());
            let Some(value) = root.pointer(&pointer) else {
                return Err(Error::spec(
                    at(entry_file, &pointer),
                    "referred to, but not in the entry file",
                ));
            };
            if pointer.starts_with("/components/") {
                set_pointer(
                    &mut components,
                    &pointer["/components".len()..],
                    value.clone(),
                );
                walk.refs_in(entry_file, value, &pointer)?;
            }
        }
    }
    if components.as_object().is_some_and(|c| !c.is_empty()) {
        trimmed.insert("components".into(), components);
    } else {
        trimmed.shift_remove("components");
    }
    Ok(())
}

/// A note per `x-` member whose documentation-only references were left out.
fn left_out_notes(walk: &Walk) -> Vec<String> {
    let root_dir = &walk.root_dir;
    walk.left_out
        .iter()
        .map(|(member, refs)| {
            let outside = refs
                .iter()
                .filter(|(t, _)| !t.starts_with(root_dir))
                .count();
            let (target, place) = &refs[0];
            let target = target.strip_prefix(root_dir).unwrap_or(target);
            format!(
                "{} `$ref`(s) under `{member}` left out as documentation only: {} at files missing \
                 from the checkout, {outside} outside it; e.g. {} from {place}",
                refs.len(),
                refs.len() - outside,
                target.display(),
            )
        })
        .collect()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn at(file: &SpecFile, pointer: &str) -> Location {
    Location {
        file: file.path.clone(),
        pointer: pointer.to_string(),
        line: file.line(pointer),
    }
}

/// The scheme names of a list of security requirements.
fn requirement_names(security: Option<&Value>) -> Vec<String> {
    security
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|r| r.keys().cloned())
        .collect()
}

/// Sets `pointer` (under an object root) to `value`, creating objects on the way.
fn set_pointer(root: &mut Value, pointer: &str, value: Value) {
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut current = root;
    for (i, segment) in segments.iter().enumerate() {
        let Value::Object(map) = current else { return };
        if i + 1 == segments.len() {
            map.insert(segment.clone(), value);
            return;
        }
        current = map
            .entry(segment.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

/// Follows `$ref`s from file to file.
struct Walk<'a> {
    loader: &'a Loader,
    /// The entry file's folder (normalized).
    root_dir: PathBuf,
    entry: PathBuf,
    /// Reached files: path relative to the root folder → path on disk.
    files: BTreeMap<String, PathBuf>,
    /// Reached spec files whose references are still to follow.
    queue: Vec<PathBuf>,
    /// Pointers into the entry file that something kept refers to.
    entry_pointers: BTreeSet<String>,
    /// Documentation-only references left out, by the `x-` member they are under:
    /// (target, where it is referred to).
    left_out: BTreeMap<String, Vec<(PathBuf, String)>>,
}

impl Walk<'_> {
    fn target(&self, from: &Path, file: &str) -> PathBuf {
        normalize(
            &from
                .parent()
                .unwrap_or(Path::new(""))
                .join(percent_decode(file)),
        )
    }

    /// `target` relative to the root folder, or an error when it is outside.
    fn relative(&self, target: &Path, from: &Path, pointer: &str) -> Result<String> {
        let root = &self.root_dir;
        match target.strip_prefix(root) {
            Ok(rel) => Ok(rel.to_string_lossy().replace('\\', "/")),
            Err(_) => Err(Error::Spec {
                location: Location {
                    file: from.to_path_buf(),
                    pointer: pointer.to_string(),
                    line: None,
                },
                message: format!(
                    "$ref reaches {}, outside the upstream folder {}",
                    target.display(),
                    root.display()
                ),
            }),
        }
    }

    /// Takes the file at `target` (whole) into the selection.
    fn reach(&mut self, target: &Path) -> Result<()> {
        let rel = self.relative(target, &self.entry, "")?;
        if self.files.contains_key(&rel) {
            return Ok(());
        }
        self.files.insert(rel, target.to_path_buf());
        let spec = matches!(
            target.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        );
        if spec {
            self.queue.push(target.to_path_buf());
        }
        Ok(())
    }

    /// Follows the references of every reached file not followed yet.
    fn drain(&mut self) -> Result<()> {
        while let Some(path) = self.queue.pop() {
            let file = self.loader.file(&path)?;
            let root = file.root.clone();
            self.refs_in(&file, &root, "")?;
        }
        Ok(())
    }

    /// Takes what the references in `value` (found at `pointer` of `file`) point to.
    fn refs_in(&mut self, file: &SpecFile, value: &Value, pointer: &str) -> Result<()> {
        self.visit(file, value, pointer, None)
    }

    /// `docs` is the `x-` member the value is under, if any.
    fn visit(
        &mut self,
        file: &SpecFile,
        value: &Value,
        pointer: &str,
        docs: Option<&str>,
    ) -> Result<()> {
        match value {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                    self.reference(file, reference, &format!("{pointer}/$ref"), docs)?;
                }
                // A discriminator's mapping names schemas by reference too.
                let mapping = map
                    .get("discriminator")
                    .and_then(|d| d.get("mapping"))
                    .and_then(Value::as_object);
                for (tag, target) in mapping.into_iter().flatten() {
                    let Some(target) = target.as_str() else {
                        continue;
                    };
                    let reference = mapping_reference(target);
                    let at = format!("{pointer}/discriminator/mapping/{}", escape_pointer(tag));
                    self.reference(file, &reference, &at, docs)?;
                }
                for (key, child) in map {
                    if key == "$ref" {
                        continue;
                    }
                    let child_pointer = format!("{pointer}/{}", escape_pointer(key));
                    let docs = docs.or(key.starts_with("x-").then_some(key.as_str()));
                    self.visit(file, child, &child_pointer, docs)?;
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    self.visit(file, child, &format!("{pointer}/{i}"), docs)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn reference(
        &mut self,
        file: &SpecFile,
        reference: &str,
        pointer: &str,
        docs: Option<&str>,
    ) -> Result<()> {
        let (file_part, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if file_part.contains("://") {
            return Err(Error::spec(
                at(file, pointer),
                format!("$ref to a remote document is not supported: {reference}"),
            ));
        }
        let target = if file_part.is_empty() {
            file.path.clone()
        } else {
            self.target(&file.path, file_part)
        };
        if target == self.entry {
            if !fragment.is_empty() {
                self.entry_pointers.insert(fragment_pointer(fragment));
            }
            return Ok(());
        }
        if file_part.is_empty() {
            return Ok(());
        }
        let inside = target.starts_with(&self.root_dir);
        if let Some(member) = docs.filter(|_| !inside || !target.is_file()) {
            let place = match file.path.strip_prefix(&self.root_dir) {
                Ok(rel) => format!("{}#{pointer}", rel.display()),
                Err(_) => format!("{}#{pointer}", file.path.display()),
            };
            self.left_out
                .entry(member.to_string())
                .or_default()
                .push((target, place));
            return Ok(());
        }
        if !target.is_file() {
            return Err(Error::spec(
                at(file, pointer),
                format!(
                    "$ref {reference:?} points to {}, which is not a file",
                    target.display()
                ),
            ));
        }
        if !inside {
            return Err(Error::spec(
                at(file, pointer),
                format!(
                    "$ref {reference:?} reaches {}, outside the upstream folder",
                    target.display()
                ),
            ));
        }
        self.reach(&target)
    }
}

/// `value` as YAML (block style, multi-line strings as literal blocks), after `header`;
/// read back and compared, so that what is written means exactly `value`.
fn yaml(name: &str, value: &Value, header: &str) -> Result<Vec<u8>> {
    let mut out = String::new();
    {
        let mut emitter = YamlEmitter::new(&mut out);
        emitter.multiline_strings(true);
        emitter.dump(&to_yaml(value)).map_err(|e| Error::Write {
            path: PathBuf::from(name),
            source: std::io::Error::other(format!("{e:?}")),
        })?;
    }
    let body = out.strip_prefix("---\n").unwrap_or(&out);
    // The emitter indents the empty lines of literal blocks; they mean the same without.
    let body: Vec<&str> = body
        .lines()
        .map(|l| if l.trim().is_empty() { "" } else { l })
        .collect();
    let text = format!("{header}{}\n", body.join("\n"));
    let back = SpecFile::parse(PathBuf::from(name), &text)?;
    if &back.root != value {
        return Err(Error::Write {
            path: PathBuf::from(name),
            source: std::io::Error::other(
                "the rewritten YAML does not read back as the same values (a generator bug)",
            ),
        });
    }
    Ok(text.into_bytes())
}

fn to_yaml(value: &Value) -> Yaml {
    match value {
        Value::Null => Yaml::Null,
        Value::Bool(b) => Yaml::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Yaml::Integer(i),
            None => Yaml::Real(n.to_string()),
        },
        Value::String(s) => Yaml::String(s.clone()),
        Value::Array(items) => Yaml::Array(items.iter().map(to_yaml).collect()),
        Value::Object(map) => Yaml::Hash(
            map.iter()
                .map(|(k, v)| (Yaml::String(k.clone()), to_yaml(v)))
                .collect(),
        ),
    }
}

/// Puts `selection` into `spec`, all or nothing: the new folder is built beside it
/// (unchanged files hard-linked, so they keep their times), `check` is run on it, and
/// only then does it replace `spec`. When nothing changed, nothing is touched.
pub fn apply(
    selection: &Selection,
    spec: &Path,
    check: impl FnOnce(&Path) -> Result<()>,
) -> Result<SyncReport> {
    put(selection, spec, check, true)
}

/// What [`apply`] would do, `check` included (run on the folder as it would be, built
/// beside `spec` and removed), without changing `spec`.
pub fn preview(
    selection: &Selection,
    spec: &Path,
    check: impl FnOnce(&Path) -> Result<()>,
) -> Result<SyncReport> {
    put(selection, spec, check, false)
}

fn put(
    selection: &Selection,
    spec: &Path,
    check: impl FnOnce(&Path) -> Result<()>,
    commit: bool,
) -> Result<SyncReport> {
    let existing = list_files(spec)?;
    let mut report = SyncReport::default();
    for (rel, content) in &selection.files {
        match existing.get(rel) {
            None => report.added.push(rel.clone()),
            Some(path) => {
                if fs::read(path).ok().as_deref() == Some(content.as_slice()) {
                    report.unchanged.push(rel.clone());
                } else {
                    report.changed.push(rel.clone());
                }
            }
        }
    }
    report.removed = existing
        .keys()
        .filter(|rel| !selection.files.contains_key(*rel))
        .cloned()
        .collect();
    if report.is_empty() {
        return Ok(report);
    }
    let spec = normalize(spec);
    let name = file_name(&spec);
    let parent = match spec.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let staging = parent.join(format!(".{name}.sync-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    let _ = fs::remove_dir_all(&staging);
    let built = (|| {
        for (rel, content) in &selection.files {
            let path = staging.join(rel);
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir).map_err(write_err(dir))?;
            }
            let linked = report.unchanged.contains(rel)
                && existing
                    .get(rel)
                    .is_some_and(|from| fs::hard_link(from, &path).is_ok());
            if !linked {
                fs::write(&path, content).map_err(write_err(&path))?;
            }
        }
        check(&staging)
    })();
    if let Err(e) = built {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if !commit {
        let _ = fs::remove_dir_all(&staging);
        return Ok(report);
    }
    if spec.exists() {
        fs::rename(&spec, &old).map_err(|e| {
            let _ = fs::remove_dir_all(&staging);
            write_err(&spec)(e)
        })?;
    }
    if let Err(e) = fs::rename(&staging, &spec) {
        let _ = fs::rename(&old, &spec);
        let _ = fs::remove_dir_all(&staging);
        return Err(write_err(&spec)(e));
    }
    let _ = fs::remove_dir_all(&old);
    Ok(report)
}

/// Every file under `dir`, by path relative to it (`/`-separated); empty when `dir` is missing.
fn list_files(dir: &Path) -> Result<BTreeMap<String, PathBuf>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let entries = fs::read_dir(&current).map_err(|source| Error::Read {
            path: current.clone(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| Error::Read {
                path: current.clone(),
                source,
            })?;
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(dir) {
                out.insert(rel.to_string_lossy().replace('\\', "/"), path);
            }
        }
    }
    Ok(out)
}
