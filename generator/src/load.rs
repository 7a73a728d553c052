//! Stage 1: read spec files (YAML or JSON) lazily and resolve `$ref`s across them.
//!
//! Every file becomes a `serde_json::Value` plus a table of the line where each
//! node starts, so that later stages can say where a problem is. Files are read
//! only when a `$ref` that code generation follows points into them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::ptr::NonNull;
use std::rc::Rc;

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};
use yaml_rust2::Yaml;

use crate::diag::{Error, Location, Result};
use crate::timings::{Clock, Stage};

/// One parsed spec file.
#[derive(Debug)]
pub struct SpecFile {
    /// Path as given or as resolved from a `$ref` (normalized, not canonicalized).
    pub path: PathBuf,
    /// The file's content.
    pub root: Value,
    lines: HashMap<String, usize>,
}

impl SpecFile {
    /// Parses `text` as JSON when the file name ends in `.json`, as YAML otherwise.
    pub fn parse(path: PathBuf, text: &str) -> Result<Self> {
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if is_json {
            let root = serde_json::from_str(text).map_err(|e| Error::Syntax {
                path: path.clone(),
                pointer: String::new(),
                line: Some(e.line()),
                format: "JSON",
                message: e.to_string(),
            })?;
            return Ok(SpecFile {
                path,
                root,
                lines: HashMap::new(),
            });
        }
        let mut builder = YamlBuilder::default();
        let mut parser = Parser::new_from_str(text);
        if let Err(e) = parser.load(&mut builder, false) {
            return Err(Error::Syntax {
                pointer: builder.current_pointer(),
                path,
                line: Some(e.marker().line()),
                format: "YAML",
                message: e.info().to_string(),
            });
        }
        if let Some(message) = builder.error.take() {
            return Err(Error::Syntax {
                path,
                pointer: builder.current_pointer(),
                line: builder.error_line,
                format: "YAML",
                message,
            });
        }
        Ok(SpecFile {
            path,
            root: builder.result.unwrap_or(Value::Null),
            lines: builder.lines,
        })
    }

    /// Line where the node at `pointer` starts, if known.
    pub fn line(&self, pointer: &str) -> Option<usize> {
        self.lines.get(pointer).copied()
    }
}

/// Builds a JSON value from YAML parser events, recording the line of every node.
#[derive(Default)]
struct YamlBuilder {
    stack: Vec<Frame>,
    /// JSON pointer of the current position, kept incrementally, and where each segment starts.
    pointer: String,
    path: Vec<usize>,
    anchors: HashMap<usize, Value>,
    lines: HashMap<String, usize>,
    result: Option<Value>,
    error: Option<String>,
    error_line: Option<usize>,
}

enum Frame {
    Seq(Vec<Value>, usize),
    Map(Map<String, Value>, Option<String>, usize),
}

impl YamlBuilder {
    fn current_pointer(&self) -> String {
        self.pointer.clone()
    }

    fn push_segment(&mut self, segment: &str) {
        self.path.push(self.pointer.len());
        self.pointer.push('/');
        push_escaped(&mut self.pointer, segment);
    }

    fn pop_segment(&mut self) {
        if let Some(len) = self.path.pop() {
            self.pointer.truncate(len);
        }
    }

    /// Opens the position where the next value goes: the next key of a map, the next index of a list.
    fn enter(&mut self) -> bool {
        let segment = match self.stack.last() {
            Some(Frame::Seq(items, _)) => items.len().to_string(),
            Some(Frame::Map(_, Some(key), _)) => key.clone(),
            _ => return false,
        };
        self.push_segment(&segment);
        true
    }

    fn put(&mut self, value: Value, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
        match self.stack.last_mut() {
            None => self.result = Some(value),
            Some(Frame::Seq(items, _)) => {
                items.push(value);
                self.pop_segment();
            }
            Some(Frame::Map(map, key, _)) => {
                if let Some(k) = key.take() {
                    map.insert(k, value);
                    self.pop_segment();
                } else {
                    // The value is a key; the builder only lets scalars get here.
                    *key = Some(match value {
                        Value::String(s) => s,
                        Value::Null => String::new(),
                        other => other.to_string(),
                    });
                }
            }
        }
    }

    fn is_key_position(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map(_, None, _)))
    }

    fn fail(&mut self, message: String, line: Option<usize>) {
        if self.error.is_none() {
            self.error = Some(message);
            self.error_line = line;
        }
    }
}

impl MarkedEventReceiver for YamlBuilder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let is_key = self.is_key_position();
        if !is_key
            && matches!(
                ev,
                Event::Scalar(..)
                    | Event::SequenceStart(..)
                    | Event::MappingStart(..)
                    | Event::Alias(..)
            )
        {
            self.enter();
            self.lines.insert(self.pointer.clone(), mark.line());
        }
        match ev {
            Event::Scalar(text, style, anchor, _tag) => {
                let value = if style == TScalarStyle::Plain {
                    plain_scalar(&text)
                } else {
                    Value::String(text)
                };
                self.put(value, anchor);
            }
            Event::SequenceStart(anchor, _) => {
                if is_key {
                    self.fail("mapping keys must be scalars".into(), Some(mark.line()));
                    return;
                }
                self.stack.push(Frame::Seq(Vec::new(), anchor));
            }
            Event::MappingStart(anchor, _) => {
                if is_key {
                    self.fail("mapping keys must be scalars".into(), Some(mark.line()));
                    return;
                }
                self.stack.push(Frame::Map(Map::new(), None, anchor));
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq(items, anchor)) = self.stack.pop() {
                    self.put(Value::Array(items), anchor);
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map(map, _, anchor)) = self.stack.pop() {
                    self.put(Value::Object(map), anchor);
                }
            }
            Event::Alias(id) => match self.anchors.get(&id).cloned() {
                Some(v) => self.put(v, 0),
                None => self.fail(format!("unknown alias *{id}"), Some(mark.line())),
            },
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd
            | Event::Nothing => {}
        }
    }
}

/// The YAML 1.2 core schema for plain (unquoted) scalars.
fn plain_scalar(text: &str) -> Value {
    match Yaml::from_str(text) {
        Yaml::Null => Value::Null,
        Yaml::Boolean(b) => Value::Bool(b),
        Yaml::Integer(i) => Value::Number(i.into()),
        Yaml::Real(r) => r
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map_or_else(|| Value::String(text.to_string()), Value::Number),
        _ => Value::String(text.to_string()),
    }
}

/// Escapes one JSON pointer segment (RFC 6901).
pub fn escape_pointer(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    push_escaped(&mut out, segment);
    out
}

fn push_escaped(out: &mut String, segment: &str) {
    if !segment.contains(['~', '/']) {
        out.push_str(segment);
        return;
    }
    for c in segment.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// The JSON pointer a `$ref` fragment (`/components/schemas/A%20B`) names, in the escaped
/// form nodes use.
pub(crate) fn fragment_pointer(fragment: &str) -> String {
    fragment
        .split('/')
        .skip(1)
        .map(|s| format!("/{}", escape_pointer(&unescape_pointer(s))))
        .collect()
}

/// The `$ref` a `discriminator.mapping` value stands for: a reference as it is, or a bare
/// schema name, which names `#/components/schemas/NAME`.
pub(crate) fn mapping_reference(value: &str) -> String {
    if value.contains('/') || value.contains('.') {
        value.to_string()
    } else {
        format!("#/components/schemas/{value}")
    }
}

/// Unescapes one JSON pointer segment, and percent-decodes it as `$ref` fragments are URIs.
fn unescape_pointer(segment: &str) -> String {
    percent_decode(segment)
        .replace("~1", "/")
        .replace("~0", "~")
}

pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads spec files on demand and hands out [`Node`]s into them.
#[derive(Debug, Default)]
pub struct Loader {
    files: RefCell<HashMap<PathBuf, Rc<SpecFile>>>,
    clock: Clock,
}

impl Loader {
    /// A loader with nothing read yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads (once) and returns the file at `path`.
    pub fn file(&self, path: &Path) -> Result<Rc<SpecFile>> {
        let path = normalize_path(path);
        if let Some(f) = self.files.borrow().get(&path) {
            return Ok(f.clone());
        }
        let start = std::time::Instant::now();
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        let file = Rc::new(SpecFile::parse(path.clone(), &text)?);
        self.clock.add(Stage::Load, start.elapsed());
        self.files.borrow_mut().insert(path, file.clone());
        Ok(file)
    }

    /// Adds a file from memory (tests, stdin).
    pub fn insert(&self, file: SpecFile) -> Rc<SpecFile> {
        let file = Rc::new(file);
        self.files
            .borrow_mut()
            .insert(normalize_path(&file.path), file.clone());
        file
    }

    /// The root node of the file at `path`.
    pub fn root(&self, path: &Path) -> Result<Node> {
        let file = self.file(path)?;
        let root = NonNull::from(&file.root);
        Ok(Node::new(file, String::new(), root))
    }

    /// Where the run that reads through this loader counts its time.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Number of files read so far.
    pub fn files_read(&self) -> usize {
        self.files.borrow().len()
    }

    /// Follows `$ref` chains starting at `node` until a node that is not a reference.
    /// Detects cycles and names every step of one.
    pub fn deref(&self, node: &Node) -> Result<Node> {
        let mut current = node.clone();
        let mut seen: Vec<String> = Vec::new();
        while let Some(reference) = current.ref_target() {
            let key = current.key();
            if seen.contains(&key) {
                seen.push(key);
                return Err(Error::spec(
                    node.location(),
                    format!("$ref cycle: {}", seen.join(" -> ")),
                ));
            }
            seen.push(key);
            current = self.resolve(&current, &reference)?;
        }
        Ok(current)
    }

    /// Resolves one `$ref` string written at `from`, without following further refs.
    pub fn resolve(&self, from: &Node, reference: &str) -> Result<Node> {
        let (file_part, fragment) = match reference.split_once('#') {
            Some((f, p)) => (f, p),
            None => (reference, ""),
        };
        let file = if file_part.is_empty() {
            from.file.clone()
        } else if file_part.contains("://") {
            return Err(Error::spec(
                from.location(),
                format!("$ref to a remote document is not supported: {reference}"),
            ));
        } else {
            let base = from.file.path.parent().unwrap_or(Path::new(""));
            let target = base.join(percent_decode(file_part));
            match self.file(&target) {
                Ok(f) => f,
                Err(Error::Read { path, source }) => {
                    return Err(Error::spec(
                        from.location(),
                        format!(
                            "$ref {reference:?} points to {} which cannot be read: {source}",
                            path.display()
                        ),
                    ))
                }
                Err(e) => return Err(e),
            }
        };
        if !fragment.is_empty() && !fragment.starts_with('/') {
            return Err(Error::spec(
                from.location(),
                format!("$ref {reference:?}: only JSON pointer fragments are supported"),
            ));
        }
        let pointer = fragment_pointer(fragment);
        let Some(value) = walk_pointer(&file.root, &pointer).map(NonNull::from) else {
            return Err(Error::spec(
                from.location(),
                format!(
                    "$ref {reference:?}: no node at {}#{}",
                    file.path.display(),
                    pointer
                ),
            ));
        };
        Ok(Node::new(file, pointer, value))
    }
}

/// Resolves a JSON pointer without allocating unless a segment is escaped
/// (`serde_json::Value::pointer` allocates for every segment, and nodes are resolved often).
fn walk_pointer<'v>(root: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(root);
    }
    let mut current = root;
    for raw in pointer.strip_prefix('/')?.split('/') {
        let unescaped;
        let segment = if raw.contains('~') {
            unescaped = raw.replace("~1", "/").replace("~0", "~");
            unescaped.as_str()
        } else {
            raw
        };
        current = match current {
            Value::Object(map) => map.get(segment)?,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// Lexically normalizes `a/b/../c` to `a/c` so one file is read once whatever the path to it.
pub(crate) fn normalize_path(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() || out.as_os_str().is_empty() && path.is_relative() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A node in a spec file: the file, the JSON pointer to the node, and the node's value.
#[derive(Debug, Clone)]
pub struct Node {
    file: Rc<SpecFile>,
    pointer: String,
    /// The value at `pointer`, found once when the node is made: walking the pointer from the
    /// file's root on every read was a tenth of the generator's time on the whole API.
    value: NonNull<Value>,
}

impl Node {
    /// The node at `pointer` in `file`, whose value is `value`.
    ///
    /// `value` must be inside `file.root`: a node keeps its file alive, and a file's values
    /// never change once it is parsed (it is shared through `Rc`, and `Node::file` is private
    /// to this module), so the value lives, unchanged, as long as the node.
    fn new(file: Rc<SpecFile>, pointer: String, value: NonNull<Value>) -> Self {
        Node {
            value,
            file,
            pointer,
        }
    }

    /// The node's value.
    pub fn value(&self) -> &Value {
        // SAFETY: `value` points into `self.file.root` (see `Node::new`), which `self.file`
        // keeps alive and nothing mutates while a node exists.
        unsafe { self.value.as_ref() }
    }

    /// The child under `key` (object member or array index), if present.
    pub fn get(&self, key: &str) -> Option<Node> {
        let child = match self.value() {
            Value::Object(m) => m.get(key)?,
            Value::Array(a) => a.get(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
        Some(self.child(key, child))
    }

    /// The node of `value`, a child of this node under `key`.
    fn child(&self, key: &str, value: &Value) -> Node {
        let mut pointer = String::with_capacity(self.pointer.len() + key.len() + 1);
        pointer.push_str(&self.pointer);
        pointer.push('/');
        push_escaped(&mut pointer, key);
        Node::new(self.file.clone(), pointer, NonNull::from(value))
    }

    /// Children of an object, in file order, with their keys.
    pub fn entries(&self) -> Vec<(String, Node)> {
        match self.value() {
            Value::Object(m) => m
                .iter()
                .map(|(k, v)| (k.clone(), self.child(k, v)))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Items of an array.
    pub fn items(&self) -> Vec<Node> {
        match self.value() {
            Value::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, v)| self.child(&i.to_string(), v))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// A string member.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.value().get(key).and_then(Value::as_str)
    }

    /// A boolean member (false when absent).
    pub fn flag(&self, key: &str) -> bool {
        self.value()
            .get(key)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// The `$ref` string, when this node is a reference object.
    pub fn ref_target(&self) -> Option<String> {
        self.str("$ref").map(str::to_string)
    }

    /// Where this node is.
    pub fn location(&self) -> Location {
        Location {
            file: self.file.path.clone(),
            pointer: self.pointer.clone(),
            line: self.file.line(&self.pointer),
        }
    }

    /// A key that identifies the node across the whole spec (file + pointer).
    pub fn key(&self) -> String {
        format!("{}#{}", self.file.path.display(), self.pointer)
    }

    /// The file this node is in.
    pub fn file_path(&self) -> &Path {
        &self.file.path
    }

    /// The JSON pointer inside the file.
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// The last segment of the pointer, unescaped (the key this node was found under).
    pub fn last_segment(&self) -> Option<String> {
        self.pointer
            .rsplit_once('/')
            .map(|(_, s)| s.replace("~1", "/").replace("~0", "~"))
    }
}
