//! Which files a policy is: the files a PATH names (a file, or every `*.imp` below a
//! directory) and the files they `use`, all inside the policy's root. The only module of the
//! pipeline that touches the file system, through [`FileSystem`].
//!
//! One rule for links: a directory walk and `use` treat a symbolic link the same way, by its
//! target, which must lie inside the root. A FIFO, socket or device is never opened.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::vfs::{FileKind, FileSystem, ReadError, io_reason, normalize};

/// Files larger than this are refused with a diagnostic.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// A PATH argument that cannot be used at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ArgError {
    #[error("cannot read `{path}`: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("no `.imp` files under `{path}`")]
    NoFiles { path: String },
    #[error("invalid configuration `{path}`: {reason}")]
    Config { path: String, reason: String },
}

/// A library directory outside the policy's root that `use "@NAME/file.imp"` reads from: a
/// central policy that federated members use.
#[derive(Debug, Clone)]
pub struct Library {
    pub name: String,
    pub root: Root,
}

/// The configuration file a policy's root may hold.
pub const CONFIG_FILE: &str = "imp.yaml";

/// The most bytes `imp.yaml` may have.
pub const MAX_CONFIG_SIZE: u64 = 1024 * 1024;

/// The root's `imp.yaml`, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigText {
    Text(String),
    /// It cannot be read as text: why, the text to show (lossy, or empty) and where.
    Unreadable {
        reason: String,
        text: String,
        at: usize,
    },
}

/// The root's `imp.yaml`, if there is one (a library's own is never read): its path and text.
pub fn read_config(fs: &dyn FileSystem, root: &Root) -> Option<(PathBuf, ConfigText)> {
    let path = root.dir.join(CONFIG_FILE);
    fs.metadata(&path).ok()?;
    let unreadable = |reason: String| ConfigText::Unreadable {
        reason,
        text: String::new(),
        at: 0,
    };
    let text = match fs.read(&path, MAX_CONFIG_SIZE) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => ConfigText::Text(t),
            Err(e) => ConfigText::Unreadable {
                reason: "it is not UTF-8".into(),
                at: e.utf8_error().valid_up_to(),
                text: String::from_utf8_lossy(e.as_bytes()).into_owned(),
            },
        },
        Err(ReadError::TooLarge(_)) => unreadable("it is larger than 1 MiB".into()),
        Err(ReadError::Special(what)) => unreadable(format!("it is {what}")),
        Err(ReadError::Io(r)) => unreadable(r),
    };
    Some((path, text))
}

/// The libraries `imp.yaml` in the root names (`configured`: name and directory, relative to
/// the root, already checked), then those given on the command line (`NAME=DIR`, relative to
/// the working directory), which win.
pub fn libraries(
    fs: &dyn FileSystem,
    root: &Root,
    configured: &[(String, String)],
    given: &[(String, String)],
) -> Result<Vec<Library>, ArgError> {
    let mut out: Vec<Library> = Vec::new();
    for (name, dir) in configured {
        out.retain(|l| &l.name != name);
        out.push(Library {
            root: Root::new(fs, normalize(&root.dir.join(dir))),
            name: name.clone(),
        });
    }
    for (name, dir) in given {
        check_library_name(name).map_err(|reason| ArgError::Config {
            path: format!("--library {name}={dir}"),
            reason,
        })?;
        out.retain(|l| &l.name != name);
        out.push(Library {
            name: name.clone(),
            root: Root::new(fs, normalize(Path::new(dir))),
        });
    }
    Ok(out)
}

/// A library name: letters, digits, `_` and `-`.
pub(crate) fn check_library_name(name: &str) -> Result<(), String> {
    if !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a library name: use letters, digits, `_` and `-`"
        ))
    }
}

/// `@NAME/path.imp`: the library and the path inside it.
pub fn library_target<'l>(
    fs: &dyn FileSystem,
    libraries: &'l [Library],
    target: &str,
) -> Result<(&'l Library, PathBuf), UseError> {
    let rest = target.strip_prefix('@').unwrap_or(target);
    let (name, path) = rest.split_once('/').unwrap_or((rest, ""));
    let Some(lib) = libraries.iter().find(|l| l.name == name) else {
        return Err(UseError::UnknownLibrary(name.to_string()));
    };
    let joined = normalize(&lib.root.dir.join(path));
    if path.is_empty() || !lib.root.holds(fs, &joined) {
        return Err(UseError::Outside);
    }
    Ok((lib, joined))
}

/// The root of a policy: the directory named, or the named file's directory.
#[derive(Debug, Clone)]
pub struct Root {
    pub dir: PathBuf,
    /// The root with links followed, to compare real paths with.
    real: Option<PathBuf>,
}

/// A file the PATH names, or that the walk found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    File(PathBuf),
    /// A link whose target is outside the root: not read.
    Outside(PathBuf),
}

/// A path for display: as given, with `/` separators and `.` components dropped.
pub fn display(p: &Path) -> String {
    let s = normalize(p).to_string_lossy().replace('\\', "/");
    if s.is_empty() { ".".into() } else { s }
}

impl Root {
    fn new(fs: &dyn FileSystem, dir: PathBuf) -> Root {
        let real = fs
            .canonicalize(if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                &dir
            })
            .ok();
        Root { dir, real }
    }

    /// Whether a path, links followed, lies inside the root.
    pub fn holds(&self, fs: &dyn FileSystem, p: &Path) -> bool {
        match (fs.canonicalize(p), &self.real) {
            (Ok(real), Some(root)) => real.starts_with(root),
            // What exists but has no real path (a link to `/proc/self/fd/0` when that is a
            // pipe) is nowhere inside the root.
            (Err(_), Some(_)) if fs.metadata(p).is_ok() => false,
            // What does not exist is judged by its text.
            (Err(_), _) | (_, None) => {
                let root = normalize(&self.dir);
                let p = normalize(p);
                if root.as_os_str().is_empty() {
                    !p.is_absolute() && !p.starts_with("..")
                } else {
                    p.starts_with(&root)
                }
            }
        }
    }
}

/// The files a PATH names, in order, and the policy's root.
pub fn start(fs: &dyn FileSystem, arg: &str) -> Result<(Root, Vec<Found>), ArgError> {
    if arg.is_empty() {
        return Err(ArgError::Unreadable {
            path: String::new(),
            reason: "the path is empty".into(),
        });
    }
    let path = Path::new(arg);
    let meta = fs.metadata(path).map_err(|e| ArgError::Unreadable {
        path: display(path),
        reason: io_reason(&e),
    })?;
    if let FileKind::Special(what) = meta.kind {
        // Never opened: reading a FIFO waits for a writer, a device may never end.
        return Err(ArgError::Unreadable {
            path: display(path),
            reason: format!("it is {what}, not a regular file"),
        });
    }
    if meta.kind == FileKind::Dir {
        let root = Root::new(fs, path.to_path_buf());
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        walk(fs, &root, path, &mut out, &mut seen)?;
        if out.is_empty() {
            return Err(ArgError::NoFiles {
                path: display(path),
            });
        }
        Ok((root, out))
    } else {
        let parent = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Ok((Root::new(fs, parent), vec![Found::File(path.to_path_buf())]))
    }
}

/// Every `*.imp` below `dir`, in name order. A link is followed when its target is inside
/// the root (a directory once); a link out of the root is reported, not read.
fn walk(
    fs: &dyn FileSystem,
    root: &Root,
    dir: &Path,
    out: &mut Vec<Found>,
    seen: &mut HashSet<PathBuf>,
) -> Result<(), ArgError> {
    let unreadable = |e: std::io::Error| ArgError::Unreadable {
        path: display(dir),
        reason: io_reason(&e),
    };
    if let Ok(real) = fs.canonicalize(dir)
        && !seen.insert(real)
    {
        return Ok(());
    }
    // An explicit stack: deep trees do not recurse.
    let mut stack = vec![fs.read_dir(dir).map_err(unreadable)?.into_iter()];
    while let Some(entries) = stack.last_mut() {
        let Some(e) = entries.next() else {
            stack.pop();
            continue;
        };
        let is_imp = e.path.extension().is_some_and(|x| x == "imp");
        let (is_dir, inside) = if e.link {
            let target_dir = fs.metadata(&e.path).is_ok_and(|m| m.kind == FileKind::Dir);
            (target_dir, root.holds(fs, &e.path))
        } else {
            (e.dir, true)
        };
        if is_dir {
            if !inside {
                continue;
            }
            if let Ok(real) = fs.canonicalize(&e.path)
                && !seen.insert(real)
            {
                continue;
            }
            let d = e.path.clone();
            stack.push(
                fs.read_dir(&d)
                    .map_err(|err| ArgError::Unreadable {
                        path: display(&d),
                        reason: io_reason(&err),
                    })?
                    .into_iter(),
            );
        } else if is_imp {
            out.push(if inside {
                Found::File(e.path)
            } else {
                Found::Outside(e.path)
            });
        }
    }
    Ok(())
}

/// Why a `use` cannot be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UseError {
    /// The target is outside the root (or outside its library).
    Outside,
    /// `@NAME/..` names no library.
    UnknownLibrary(String),
}

/// The path a `use` in `from` names, checked to be inside the root.
pub fn use_target(
    fs: &dyn FileSystem,
    root: &Root,
    from: &Path,
    target: &str,
) -> Result<PathBuf, UseError> {
    let dir = from
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let joined = normalize(&dir.join(target));
    if root.holds(fs, &joined) {
        Ok(joined)
    } else {
        Err(UseError::Outside)
    }
}

/// What reading a file gave.
#[derive(Debug)]
pub enum Read {
    Bytes(Vec<u8>),
    TooLarge(Option<u64>),
    /// A FIFO, socket or device.
    Special(&'static str),
}

/// Reads a file of the policy; `Err` says why it could not be read at all.
pub fn read(fs: &dyn FileSystem, path: &Path) -> Result<(Read, Option<(u64, u64)>), String> {
    let meta = fs.metadata(path).map_err(|e| io_reason(&e))?;
    match meta.kind {
        FileKind::Dir => return Err("is a directory".into()),
        FileKind::Special(what) => return Ok((Read::Special(what), meta.identity)),
        FileKind::File => {}
    }
    if meta.len > MAX_FILE_SIZE {
        return Ok((Read::TooLarge(Some(meta.len)), meta.identity));
    }
    match fs.read(path, MAX_FILE_SIZE) {
        Ok(b) => Ok((Read::Bytes(b), meta.identity)),
        Err(ReadError::TooLarge(n)) => Ok((Read::TooLarge(n), meta.identity)),
        Err(ReadError::Special(what)) => Ok((Read::Special(what), meta.identity)),
        Err(ReadError::Io(reason)) => Err(reason),
    }
}

/// The root of files held in memory: every relative path that does not leave it.
pub fn memory_root() -> Root {
    Root {
        dir: PathBuf::new(),
        real: None,
    }
}

/// Every local document a `see` names must exist, inside the policy's root; web addresses
/// are kept as links, unchecked.
pub fn documents(
    fs: &dyn FileSystem,
    root: &Root,
    sources: &crate::source::SourceMap,
    paths: &[PathBuf],
    index: &crate::index::Index,
    diags: &mut Vec<crate::diagnostics::Diagnostic>,
) {
    for (_, def) in index.defs() {
        for t in def.meta.iter().flat_map(|m| &m.see) {
            let target = t.get(sources);
            if target.starts_with("https://") || target.starts_with("http://") {
                continue;
            }
            if target.contains("{{") {
                continue;
            }
            let file = sources.file_of(t.span);
            let Some(from) = paths.get(file.id.0 as usize) else {
                continue;
            };
            let found = match use_target(fs, root, from, target) {
                Ok(p) => fs
                    .metadata(&p)
                    .is_ok_and(|m| m.kind == crate::vfs::FileKind::File),
                Err(_) => false,
            };
            if !found {
                let shown: String = target.chars().take(80).collect();
                diags.push(
                    crate::diagnostics::Diagnostic::new(
                        crate::diagnostics::Code::DocumentNotFound,
                        t.span,
                        format!("document `{shown}` not found"),
                    )
                    .label("no such file in the policy")
                    .help("give the path of a file inside the policy's folder, relative to this file, or a web address starting `https://`"),
                );
            }
        }
    }
}
