//! Loading a policy: the files a PATH names, and the files they `use`. The only module of the
//! pipeline that reads files.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::{self, ast};

/// Files larger than this are refused with a diagnostic.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// A loaded policy: every file, parsed, in load order.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: SourceMap,
    /// Parsed files, in load order, with their ids.
    pub files: Vec<(FileId, ast::File)>,
    pub diagnostics: Vec<Diagnostic>,
    /// Names that parts which failed to parse or load seem to declare.
    pub unparsed_names: Vec<String>,
    /// Every word of the parts which failed to parse or load.
    pub unparsed_words: Vec<String>,
    /// A `use`d file could not be loaded (missing, unreadable, or outside the root).
    pub missing_file: bool,
}

/// A PATH argument that cannot be used at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ArgError {
    #[error("cannot read `{path}`: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("no `.imp` files under `{path}`")]
    NoFiles { path: String },
}

struct Loader {
    root: PathBuf,
    loaded: Loaded,
    /// Real path to file id, so that a file is loaded once however it is reached.
    seen: HashMap<PathBuf, Option<FileId>>,
    /// The chain of files being loaded, for cycle detection: (path, `use` span in it).
    stack: Vec<(PathBuf, Option<Span>)>,
    /// A file named by the PATH (not reached through `use`) that could not be read.
    arg_error: Option<ArgError>,
}

/// Loads the policy a PATH names: a file, or every `*.imp` below a directory.
pub fn load(arg: &str) -> Result<Loaded, ArgError> {
    if arg.is_empty() {
        return Err(ArgError::Unreadable {
            path: String::new(),
            reason: "the path is empty".into(),
        });
    }
    let path = Path::new(arg);
    let meta = std::fs::metadata(path).map_err(|e| ArgError::Unreadable {
        path: display(path),
        reason: io_reason(&e),
    })?;
    let (root, files) = if meta.is_dir() {
        let mut files = Vec::new();
        collect(path, &mut files)?;
        files.sort();
        if files.is_empty() {
            return Err(ArgError::NoFiles {
                path: display(path),
            });
        }
        (path.to_path_buf(), files)
    } else {
        let parent = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        (parent, vec![path.to_path_buf()])
    };
    let mut loader = Loader {
        root,
        loaded: Loaded::default(),
        seen: HashMap::new(),
        stack: Vec::new(),
        arg_error: None,
    };
    for f in files {
        loader.file(&f, None);
        // A file the user named (or that a directory holds) must be readable: else exit 2.
        if let Some(e) = loader.arg_error.take() {
            return Err(e);
        }
    }
    Ok(loader.loaded)
}

/// Every `*.imp` below `dir`, recursively. Directories reached through symbolic links are not
/// followed (no loops); a file link is a file. A folder that cannot be listed is an error that
/// names it.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ArgError> {
    let unreadable = |e: std::io::Error| ArgError::Unreadable {
        path: display(dir),
        reason: io_reason(&e),
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(unreadable)?
        .collect::<Result<_, _>>()
        .map_err(unreadable)?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        let ty = e.file_type().map_err(unreadable)?;
        if ty.is_dir() {
            collect(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "imp") && !p.is_dir() {
            out.push(p);
        }
    }
    Ok(())
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// A path for display: as given, with `/` separators and `.` components dropped.
pub fn display(p: &Path) -> String {
    let s = normalize(p).to_string_lossy().replace('\\', "/");
    if s.is_empty() { ".".into() } else { s }
}

/// Removes `.` and resolves `..` lexically.
fn normalize(p: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    out.iter().collect()
}

impl Loader {
    /// Loads one file (once) and what it uses. `via` is the `use` string that reached it.
    fn file(&mut self, path: &Path, via: Option<Span>) -> Option<FileId> {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| normalize(path));
        if let Some(pos) = self.stack.iter().position(|(p, _)| *p == key) {
            self.cycle(pos, via);
            return None;
        }
        if let Some(id) = self.seen.get(&key) {
            return *id;
        }
        let bytes = match read(path) {
            Ok(b) => b,
            Err(reason) => {
                match via {
                    Some(span) => {
                        self.loaded.missing_file = true;
                        self.loaded.diagnostics.push(
                            Diagnostic::new(
                                Code::UseNotFound,
                                span,
                                format!("cannot read `{}`", display(path)),
                            )
                            .label(reason)
                            .help("check the path: it is relative to the file that uses it"),
                        );
                    }
                    None => {
                        self.arg_error = Some(ArgError::Unreadable {
                            path: display(path),
                            reason,
                        })
                    }
                }
                self.seen.insert(key, None);
                return None;
            }
        };
        let name = display(path);
        let id = match bytes {
            Read::TooLarge(size) => {
                let size = size.map_or_else(String::new, |s| format!("{s} bytes, "));
                let id = self.loaded.sources.add(name, String::new());
                self.loaded.diagnostics.push(
                    Diagnostic::new(
                        Code::FileTooLarge,
                        Span::new(id, 0, 0),
                        format!("file is too large ({size}over the limit of 64 MiB)"),
                    )
                    .label("not read")
                    .help("a policy file may be up to 64 MiB: split it into several files"),
                );
                self.seen.insert(key, Some(id));
                return Some(id);
            }
            Read::Bytes(bytes) => match String::from_utf8(bytes) {
                Ok(text) => self.loaded.sources.add(name, text),
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    self.loaded
                        .unparsed_names
                        .extend(syntax::declared_words(&text));
                    self.loaded.unparsed_words.extend(syntax::words(&text));
                    let id = self.loaded.sources.add(name, text);
                    self.loaded.diagnostics.push(
                        Diagnostic::new(
                            Code::NotUtf8,
                            Span::new(id, at, at + 1),
                            "file is not valid UTF-8",
                        )
                        .label("invalid byte here")
                        .help("save the file as UTF-8 text"),
                    );
                    self.seen.insert(key, Some(id));
                    return Some(id);
                }
            },
        };
        self.seen.insert(key.clone(), Some(id));
        let parsed = syntax::parse_file(self.loaded.sources.get(id));
        self.loaded.diagnostics.extend(parsed.diagnostics);
        self.loaded.unparsed_names.extend(parsed.unparsed_names);
        self.loaded.unparsed_words.extend(parsed.unparsed_words);
        let uses: Vec<(String, Span)> = parsed
            .file
            .entries
            .iter()
            .filter(|e| e.key.text == "use")
            .filter_map(|e| self.use_target(e))
            .collect();
        self.loaded.files.push((id, parsed.file));
        self.stack.push((key, via));
        let dir = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        for (target, span) in uses {
            let joined = normalize(&dir.join(&target));
            if !self.inside_root(&joined) {
                self.loaded.missing_file = true;
                self.loaded.diagnostics.push(
                    Diagnostic::new(
                        Code::UseOutsideRoot,
                        span,
                        format!("`{target}` is outside the policy"),
                    )
                    .label("leaves the policy's root")
                    .help(format!(
                        "a policy may use files under `{}` only: move the file there",
                        display(&self.root)
                    )),
                );
                continue;
            }
            self.file(&joined, Some(span));
        }
        self.stack.pop();
        Some(id)
    }

    fn use_target(&mut self, e: &ast::Entry) -> Option<(String, Span)> {
        match (e.args.as_slice(), &e.block, &e.when) {
            (
                [
                    ast::Arg {
                        value: ast::Value::Str(s),
                        span,
                    },
                ],
                None,
                None,
            ) if !s.trim().is_empty() => Some((s.clone(), *span)),
            _ => {
                self.loaded.diagnostics.push(
                    Diagnostic::new(
                        Code::UseMalformed,
                        e.span,
                        "`use` takes one file name in quotes",
                    )
                    .label("malformed `use`")
                    .help("write `use \"people.imp\"`, with the path relative to this file"),
                );
                None
            }
        }
    }

    fn inside_root(&self, p: &Path) -> bool {
        let root = normalize(&self.root);
        let lexical = if root.as_os_str().is_empty() {
            // The root is the current directory: anything not starting with `..` or `/`.
            !p.is_absolute() && !p.starts_with("..")
        } else {
            p.is_absolute() == root.is_absolute() && p.starts_with(&root)
        };
        if !lexical {
            return false;
        }
        // Follow symbolic links: the real file must be under the real root too.
        let real_root = std::fs::canonicalize(if root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &root
        });
        match (std::fs::canonicalize(p), real_root) {
            (Ok(real), Ok(real_root)) => real.starts_with(real_root),
            _ => true,
        }
    }

    fn cycle(&mut self, pos: usize, via: Option<Span>) {
        let Some(span) = via else { return };
        let chain: Vec<String> = self.stack[pos..]
            .iter()
            .map(|(p, _)| {
                p.file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
            })
            .collect();
        let first = chain.first().cloned().unwrap_or_default();
        let mut d = Diagnostic::new(
            Code::UseCycle,
            span,
            format!("`use` cycle: {} → {first}", chain.join(" → ")),
        )
        .label("closes the cycle")
        .help("files of a policy are loaded once each: remove one `use` of the cycle");
        for (_, s) in self.stack[pos + 1..].iter() {
            if let Some(s) = s {
                d = d.with_secondary(*s, "part of the cycle");
            }
        }
        self.loaded.diagnostics.push(d);
    }
}

enum Read {
    Bytes(Vec<u8>),
    /// Too large: its size, where the file system knows it.
    TooLarge(Option<u64>),
}

/// Reads a file, at most [`MAX_FILE_SIZE`] bytes of it: a larger one (or an endless one, such
/// as a device or a pipe) is refused without reading further.
fn read(path: &Path) -> Result<Read, String> {
    use std::io::Read as _;
    let meta = std::fs::metadata(path).map_err(|e| io_reason(&e))?;
    if meta.is_dir() {
        return Err("is a directory".into());
    }
    if meta.len() > MAX_FILE_SIZE {
        return Ok(Read::TooLarge(Some(meta.len())));
    }
    let file = std::fs::File::open(path).map_err(|e| io_reason(&e))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_reason(&e))?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Ok(Read::TooLarge(None));
    }
    Ok(Read::Bytes(bytes))
}
