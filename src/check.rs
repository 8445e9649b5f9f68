//! The pipeline: a policy's files to its model, index and findings.
//!
//! Files load in waves (the files named, then the files they `use`, ...), each wave scanned,
//! parsed and lowered item by item on up to [`Options::jobs`] threads; each item's tree is
//! dropped as soon as it is lowered. Then resolution runs once over every fragment, in load
//! order. The result is the same, byte for byte, whatever the number of threads.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::checks;
use crate::config::{self, Levels};
use crate::diagnostics::{self, Code, Diagnostic, Level};
use crate::index::Index;
use crate::loader::{self, ArgError, Found, Read, Root};
use crate::model::Model;
use crate::model::lower::{self, Fragment, Lowered};
use crate::model::resolve;
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::silence::Silence;
use crate::syntax::{self, scan};
use crate::vfs::{FileSystem, MemoryFs, RealFs, normalize};

/// How many findings one file shows; the rest are counted in one more finding.
pub const MAX_FINDINGS_PER_FILE: usize = 200;

/// The size of a wave of files below which it is parsed on one thread.
const PARALLEL_BYTES: usize = 256 * 1024;

/// How a check runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Threads to parse and lower with (1 or more).
    pub jobs: usize,
    /// The most bytes a policy's files may have together (at most 1 GiB).
    pub max_total: u64,
    /// The checks of the scheme ([`crate::checks`]) and what they are told; `None` reads the
    /// policy only (parse, resolve, literals).
    pub checks: Option<checks::Config>,
    /// When not empty, only these codes of checks are reported, and the errors of reading the
    /// policy (not its warnings).
    pub only: Vec<Code>,
    /// The day the checks take as today, when the caller fixes it (`--as-of`): it wins over
    /// `as_of` in `imp.yaml`, which wins over `checks.as_of`.
    pub as_of: Option<jiff::civil::Date>,
    /// Levels of codes the caller sets: they win over `levels` in `imp.yaml`. Only what
    /// [`config::may_set`] accepts.
    pub levels: Levels,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            max_total: crate::source::MAX_TOTAL,
            checks: Some(checks::Config::default()),
            only: Vec::new(),
            as_of: None,
            levels: Levels::new(),
        }
    }
}

impl Options {
    /// Reading only: no checks of the scheme.
    pub fn reading_only() -> Options {
        Options {
            checks: None,
            ..Options::default()
        }
    }
}

/// A checked policy.
#[derive(Debug, Default)]
pub struct Analysis {
    pub sources: SourceMap,
    /// Sorted by file, position and code; at most [`MAX_FINDINGS_PER_FILE`] a file.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings past the cap, by level.
    pub not_shown: (usize, usize),
    /// Findings that silences in the policy's comments silenced (not shown, not counted).
    pub silenced: usize,
    /// `imp.yaml`, when it is among the sources (to show its findings): not a file of the
    /// policy.
    pub config: Option<FileId>,
    /// The model: complete only when no diagnostic is an error.
    pub model: Model,
    pub index: Index,
}

impl Analysis {
    /// How many files of the policy were read (`imp.yaml` is not one).
    pub fn files(&self) -> usize {
        self.sources.len() - usize::from(self.config.is_some())
    }

    pub fn has_errors(&self) -> bool {
        self.not_shown.0 > 0 || self.diagnostics.iter().any(|d| d.level == Level::Error)
    }

    /// The element a name stands for in a scope.
    pub fn lookup(&self, scope: crate::index::Scope, name: &str) -> Option<crate::model::DeclId> {
        self.index.lookup(&self.sources, scope, name)
    }

    /// What is at a byte offset of a file.
    pub fn at(&self, file: FileId, offset: usize) -> crate::index::At {
        self.index.at(&self.sources, file, offset)
    }

    /// The text of a span.
    pub fn text(&self, span: Span) -> &str {
        self.sources.slice(span)
    }
}

/// Checks the policy a PATH names, on the machine's file system.
pub fn check(path: &str) -> Result<Analysis, ArgError> {
    check_with(&RealFs, path, Options::default())
}

/// Checks files held in memory (path and text), as one policy: an editor's buffers, a test.
pub fn check_sources(files: &[(&str, &str)], options: Options) -> Analysis {
    let mut fs = MemoryFs::new();
    for (p, t) in files {
        fs.insert(p, t.as_bytes());
    }
    let mut loader = Loading::new(&fs, loader::memory_root(), options);
    let found: Vec<Found> = files
        .iter()
        .map(|(p, _)| Found::File(PathBuf::from(p)))
        .collect();
    loader.run(found);
    loader.finish()
}

/// Checks the policy a PATH names, on a file system.
pub fn check_with(fs: &dyn FileSystem, path: &str, options: Options) -> Result<Analysis, ArgError> {
    check_with_libraries(fs, path, options, &[])
}

/// Checks the policy a PATH names, with library directories (`NAME`, `DIR`) beside those of
/// its `imp.yaml`.
pub fn check_with_libraries(
    fs: &dyn FileSystem,
    path: &str,
    options: Options,
    libraries: &[(String, String)],
) -> Result<Analysis, ArgError> {
    let (root, found) = loader::start(fs, path)?;
    let mut options = options;
    let mut configured = Vec::new();
    let config = loader::read_config(fs, &root).map(|(path, text)| {
        let (text, problems) = match text {
            loader::ConfigText::Text(text) => {
                let (file, problems) = config::parse(&text);
                configured = file.libraries.clone();
                configure(&mut options, file);
                (text, problems)
            }
            loader::ConfigText::Unreadable { reason, text, at } => {
                let end = if text.is_empty() { at } else { (at + 3).min(text.len()) };
                let problem = config::Problem {
                    range: at..end,
                    message: format!("cannot read `{}`: {reason}", loader::display(&path)),
                    label: if text.is_empty() { "not read" } else { "not UTF-8" }.into(),
                    help: format!(
                        "the policy is checked without its configuration: `{}` is UTF-8 text of at most 1 MiB",
                        loader::CONFIG_FILE
                    ),
                };
                (text, vec![problem])
            }
        };
        (path, text, problems)
    });
    let libraries = loader::libraries(fs, &root, &configured, libraries)?;
    let mut l = Loading::new(fs, root, options);
    l.config = config;
    l.libraries = libraries;
    l.named = true;
    l.run(found);
    if let Some(e) = l.arg_error.take() {
        return Err(e);
    }
    Ok(l.finish())
}

/// What `imp.yaml` sets, where the caller has not.
fn configure(options: &mut Options, file: config::File) {
    for (code, setting) in file.levels {
        options.levels.entry(code).or_insert(setting);
    }
    if let Some(c) = options.checks.as_mut() {
        if let Some(day) = file.as_of {
            c.as_of = day;
        }
        if let Some(m) = file.mandatory {
            c.mandatory = m;
        }
        let (t, given) = (&mut c.default_targets, file.default_targets);
        t.acknowledge = given.acknowledge.or(t.acknowledge);
        t.contain = given.contain.or(t.contain);
        t.resolve = given.resolve.or(t.resolve);
    }
}

struct Loading<'f> {
    fs: &'f dyn FileSystem,
    options: Options,
    root: Root,
    sources: SourceMap,
    diags: Vec<Diagnostic>,
    /// File identity (or real path) to id, so that a file is loaded once however reached.
    seen: HashMap<Key, Option<FileId>>,
    /// Each loaded file's path on the file system.
    paths: Vec<PathBuf>,
    /// `use` edges: (from, to, span of the string).
    edges: Vec<(FileId, FileId, Span)>,
    /// Each file's fragments, as its items lowered them (no copy into one vector: the
    /// fragments are most of the memory until resolution moves them into the model).
    fragments: Vec<Vec<Vec<Fragment>>>,
    /// Findings the scanner did not make, past its cap, per file.
    dropped: Vec<(FileId, scan::Dropped)>,
    missing_file: bool,
    /// A file the PATH names could not be read: exit 2.
    arg_error: Option<ArgError>,
    named: bool,
    /// Library directories `use "@NAME/.."` reads from.
    libraries: Vec<loader::Library>,
    /// Each loaded file's library, if it lies in one (found once, when it is added).
    library: Vec<Option<usize>>,
    /// `imp.yaml`: its path, its text and its problems.
    config: Option<(PathBuf, String, Vec<config::Problem>)>,
    /// The silences of every file, in load order.
    silences: Vec<Silence>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Id(u64, u64),
    Path(PathBuf),
}

/// A file to load, and the `use` that reached it.
struct Pending {
    path: PathBuf,
    via: Option<(FileId, Span)>,
}

impl<'f> Loading<'f> {
    fn new(fs: &'f dyn FileSystem, root: Root, mut options: Options) -> Loading<'f> {
        if let (Some(c), Some(day)) = (options.checks.as_mut(), options.as_of) {
            c.as_of = day;
        }
        Loading {
            sources: SourceMap::with_limit(options.max_total),
            options,
            fs,
            root,
            diags: Vec::new(),
            seen: HashMap::new(),
            paths: Vec::new(),
            edges: Vec::new(),
            fragments: Vec::new(),
            dropped: Vec::new(),
            missing_file: false,
            arg_error: None,
            named: false,
            libraries: Vec::new(),
            library: Vec::new(),
            config: None,
            silences: Vec::new(),
        }
    }

    fn run(&mut self, found: Vec<Found>) {
        let mut wave: Vec<Pending> = Vec::new();
        for f in found {
            match f {
                Found::File(path) => wave.push(Pending { path, via: None }),
                Found::Outside(path) => {
                    if let Some(id) = self.placeholder(&path) {
                        let shown = loader::display(&path);
                        self.diags.push(
                            Diagnostic::new(Code::UseOutsideRoot, Span::at(self.sources.get(id).base), format!("`{shown}` links to a file outside the policy"))
                                .label("not read")
                                .help(format!(
                                    "a policy's files are under `{}`: move the file there, or remove the link",
                                    loader::display(&self.root.dir)
                                )),
                        );
                    }
                }
            }
        }
        while !wave.is_empty() {
            let loaded = self.load_wave(wave);
            if self.arg_error.is_some() {
                return;
            }
            let Processed {
                fragments,
                diags,
                dropped,
                silences,
            } = process(&self.sources, &loaded, self.options.jobs.max(1));
            self.diags.extend(diags);
            self.dropped.extend(dropped);
            self.silences.extend(silences);
            let mut next = Vec::new();
            for (id, frags) in loaded.iter().zip(fragments) {
                for f in frags.iter().flatten() {
                    if let Lowered::Use { path, span } = &f.decl {
                        self.follow(*id, path, *span, &mut next);
                    }
                }
                self.fragments[id.0 as usize] = frags;
            }
            wave = next;
        }
        self.cycles();
    }

    /// Adds a file that is not read: its findings need a place.
    fn placeholder(&mut self, path: &Path) -> Option<FileId> {
        let id = self.add(path, String::new())?;
        Some(id)
    }

    /// Adds a file; one that does not fit in the policy's limit is added empty, with a
    /// finding, and not parsed (`None`).
    fn add(&mut self, path: &Path, text: String) -> Option<FileId> {
        let len = text.len();
        if let Some(id) = self.sources.add(loader::display(path), text) {
            self.paths.push(path.to_path_buf());
            self.library.push(self.library_of(path));
            self.fragments.push(Vec::new());
            return Some(id);
        }
        let id = self.sources.add(loader::display(path), String::new())?;
        self.paths.push(path.to_path_buf());
        self.library.push(self.library_of(path));
        self.fragments.push(Vec::new());
        self.diags.push(
            Diagnostic::new(
                Code::PolicyTooLarge,
                Span::at(self.sources.get(id).base),
                format!("`{}` is not read: the policy's files together are too large", loader::display(path)),
            )
            .label(format!("{len} bytes more"))
            .help(format!(
                "a policy's files may have up to {} together: split it, or check that PATH names the policy you meant",
                size(self.sources.limit())
            )),
        );
        None
    }

    /// Reads the files of a wave; returns the ids of those to parse.
    fn load_wave(&mut self, wave: Vec<Pending>) -> Vec<FileId> {
        let mut out = Vec::new();
        for p in wave {
            let key = self
                .fs
                .metadata(&p.path)
                .ok()
                .and_then(|m| m.identity)
                .map(|(d, i)| Key::Id(d, i))
                .unwrap_or_else(|| {
                    Key::Path(
                        self.fs
                            .canonicalize(&p.path)
                            .unwrap_or_else(|_| normalize(&p.path)),
                    )
                });
            if let Some(id) = self.seen.get(&key) {
                if let (Some(to), Some((from, span))) = (id, p.via) {
                    self.edges.push((from, *to, span));
                }
                continue;
            }
            let read = loader::read(self.fs, &p.path);
            let (bytes, identity) = match read {
                Ok(r) => r,
                Err(reason) => {
                    match p.via {
                        Some((_, span)) => {
                            self.missing_file = true;
                            self.diags.push(
                                Diagnostic::new(
                                    Code::UseNotFound,
                                    span,
                                    format!("cannot read `{}`", loader::display(&p.path)),
                                )
                                .label(reason)
                                .help("check the path: it is relative to the file that uses it"),
                            );
                        }
                        None if self.named => {
                            self.arg_error = Some(ArgError::Unreadable {
                                path: loader::display(&p.path),
                                reason,
                            });
                            return out;
                        }
                        None => {}
                    }
                    self.seen.insert(key, None);
                    continue;
                }
            };
            let _ = identity;
            let id = match bytes {
                Read::Bytes(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => match self.add(&p.path, text) {
                        Some(id) => {
                            out.push(id);
                            id
                        }
                        None => {
                            self.seen.insert(key, None);
                            continue;
                        }
                    },
                    Err(e) => {
                        let at = e.utf8_error().valid_up_to();
                        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                        let Some(id) = self.add(&p.path, text) else {
                            self.seen.insert(key, None);
                            continue;
                        };
                        let f = self.sources.get(id);
                        // The replacement character is three bytes.
                        let end = (at + 3).min(f.text.len());
                        let span = f.span_of(at, end);
                        self.diags.push(
                            Diagnostic::new(Code::NotUtf8, span, "file is not valid UTF-8")
                                .label("invalid byte here")
                                .help("save the file as UTF-8 text"),
                        );
                        self.fragments[id.0 as usize]
                            .push(vec![Fragment::bare(Lowered::Error { span: f.span() })]);
                        id
                    }
                },
                Read::TooLarge(size) => {
                    let Some(id) = self.placeholder(&p.path) else {
                        continue;
                    };
                    let size = size.map_or_else(String::new, |s| format!("{s} bytes, "));
                    self.diags.push(
                        Diagnostic::new(
                            Code::FileTooLarge,
                            Span::at(self.sources.get(id).base),
                            format!("file is too large ({size}over the limit of 64 MiB)"),
                        )
                        .label("not read")
                        .help("a policy file may be up to 64 MiB: split it into several files"),
                    );
                    id
                }
                Read::Special(what) => {
                    let Some(id) = self.placeholder(&p.path) else {
                        continue;
                    };
                    let at = match p.via {
                        Some((_, span)) => span,
                        None => Span::at(self.sources.get(id).base),
                    };
                    if p.via.is_some() {
                        self.missing_file = true;
                    }
                    self.diags.push(
                        Diagnostic::new(
                            Code::NotRegularFile,
                            at,
                            format!(
                                "`{}` is {what}, not a policy file",
                                loader::display(&p.path)
                            ),
                        )
                        .label("not read")
                        .help(if p.via.is_some() {
                            "a policy is made of regular files: `use` the file itself"
                        } else {
                            "a policy is made of regular files: remove it, or give it a name that does not end in `.imp`"
                        }),
                    );
                    id
                }
            };
            self.seen.insert(key, Some(id));
            if let Some((from, span)) = p.via {
                self.edges.push((from, id, span));
            }
        }
        out
    }

    /// A `use` of `target` in file `from`: the file, checked and queued.
    /// The library a file lies in, if any.
    fn library_of(&self, path: &Path) -> Option<usize> {
        self.libraries
            .iter()
            .position(|l| l.root.holds(self.fs, path))
    }

    fn follow(&mut self, from: FileId, target: &str, span: Span, next: &mut Vec<Pending>) {
        let from_path = self.paths[from.0 as usize].clone();
        // A library's files use each other relative to themselves, inside the library.
        let from_lib = self.library[from.0 as usize];
        let found = if target.starts_with('@') {
            loader::library_target(self.fs, &self.libraries, target).map(|(_, p)| p)
        } else {
            let root = from_lib.map_or(&self.root, |i| &self.libraries[i].root);
            loader::use_target(self.fs, root, &from_path, target)
        };
        match found {
            Ok(path) => next.push(Pending {
                path,
                via: Some((from, span)),
            }),
            Err(loader::UseError::UnknownLibrary(name)) => {
                self.missing_file = true;
                let known: Vec<&str> = self.libraries.iter().map(|l| l.name.as_str()).collect();
                let help = if known.is_empty() {
                    format!(
                        "name the library's directory in `{}` (`libraries: {{{name}: ../{name}}}`) or with `--library {name}=DIR`",
                        loader::CONFIG_FILE
                    )
                } else {
                    crate::diagnostics::did_you_mean(
                        &name,
                        known.iter().copied(),
                        "the libraries are",
                    )
                };
                self.diags.push(
                    Diagnostic::new(Code::UnknownLibrary, span, format!("no library `{name}`"))
                        .label("not a known library")
                        .help(help),
                );
            }
            Err(loader::UseError::Outside) if target.starts_with('@') || from_lib.is_some() => {
                self.missing_file = true;
                self.diags.push(
                    Diagnostic::new(
                        Code::UseOutsideRoot,
                        span,
                        format!("`{target}` is outside its library"),
                    )
                    .label("leaves the library")
                    .help("a library's files are under its directory: write `@NAME/file.imp`, or a path inside the library"),
                );
            }
            Err(loader::UseError::Outside) => {
                self.missing_file = true;
                self.diags.push(
                    Diagnostic::new(
                        Code::UseOutsideRoot,
                        span,
                        format!("`{target}` is outside the policy"),
                    )
                    .label("leaves the policy's root")
                    .help(format!(
                        "a policy may use files under `{}` only: move the file there",
                        loader::display(&self.root.dir)
                    )),
                );
            }
        }
    }

    /// Cycles of `use`, each reported at the `use` that closes it: a depth-first walk of the
    /// `use` graph from each file in load order, with an explicit stack.
    /// Reports each cycle of `use`, with an explicit stack. A cycle's message and labels
    /// name at most [`CYCLE_SHOWN`] files, so that many long cycles cost linear output.
    fn cycles(&mut self) {
        const CYCLE_SHOWN: usize = 8;
        let n = self.sources.len();
        let mut out: Vec<Vec<(FileId, Span)>> = vec![Vec::new(); n];
        for &(a, b, s) in &self.edges {
            out[a.0 as usize].push((b, s));
        }
        let mut state = vec![0u8; n];
        // Where a file on the stack is on it.
        let mut at = vec![0usize; n];
        let name = |i: usize| {
            self.paths[i]
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        };
        let mut found = Vec::new();
        for start in 0..n {
            if state[start] != 0 {
                continue;
            }
            // (file, next edge), and the use span that reached it.
            let mut stack: Vec<(usize, usize, Option<Span>)> = vec![(start, 0, None)];
            state[start] = 1;
            while let Some(&mut (f, ref mut i, _)) = stack.last_mut() {
                if *i >= out[f].len() {
                    state[f] = 2;
                    stack.pop();
                    continue;
                }
                let (to, span) = out[f][*i];
                *i += 1;
                let t = to.0 as usize;
                match state[t] {
                    0 => {
                        state[t] = 1;
                        at[t] = stack.len();
                        stack.push((t, 0, Some(span)));
                    }
                    1 => {
                        let cycle = &stack[at[t]..];
                        let mut names: Vec<String> = if cycle.len() <= CYCLE_SHOWN {
                            cycle.iter().map(|(x, _, _)| name(*x)).collect()
                        } else {
                            let head = cycle[..CYCLE_SHOWN / 2].iter();
                            let tail = cycle[cycle.len() - CYCLE_SHOWN / 2..].iter();
                            let mut v: Vec<String> = head.map(|(x, _, _)| name(*x)).collect();
                            v.push(format!("… {} more …", cycle.len() - CYCLE_SHOWN));
                            v.extend(tail.map(|(x, _, _)| name(*x)));
                            v
                        };
                        names.push(name(t));
                        let mut d = Diagnostic::new(
                            Code::UseCycle,
                            span,
                            format!("`use` cycle: {}", names.join(" → ")),
                        )
                        .label("closes the cycle")
                        .help(
                            "files of a policy are loaded once each: remove one `use` of the cycle",
                        );
                        for (_, _, via) in cycle.iter().skip(1).take(CYCLE_SHOWN) {
                            if let Some(s) = via {
                                d = d.with_secondary(*s, "part of the cycle");
                            }
                        }
                        found.push(d);
                    }
                    _ => {}
                }
            }
        }
        self.diags.extend(found);
    }

    fn finish(mut self) -> Analysis {
        // `imp.yaml` joins the sources last, and only to show its findings: it is never
        // parsed as a policy, and the policy's first file stays the first.
        let mut config_file = None;
        let mut config_diags = Vec::new();
        if let Some((path, text, problems)) = self.config.take()
            && !problems.is_empty()
        {
            let shown = loader::display(&path);
            let id = self
                .sources
                .add(shown.clone(), text)
                .or_else(|| self.sources.add(shown, String::new()));
            if let Some(id) = id {
                self.paths.push(path);
                self.library.push(None);
                self.fragments.push(Vec::new());
                config_file = Some(id);
                let f = self.sources.get(id);
                for p in problems {
                    config_diags.push(
                        Diagnostic::new(
                            Code::BadConfig,
                            f.span_of(p.range.start, p.range.end),
                            p.message,
                        )
                        .label(p.label)
                        .help(p.help),
                    );
                }
            }
        }
        let defs = self.fragments.iter().flatten().flatten();
        let defs = defs.map(|f| f.heads.len()).sum();
        // What the libraries fix first, then the policy's own files, then the rest of the
        // libraries: a member's declaration of a name the central policy also declares is the
        // one kept, unless the central one is `fixed`.
        let library: Vec<bool> = self.library.iter().map(Option::is_some).collect();
        let is_fixed = |f: &Fragment| {
            f.heads
                .first()
                .and_then(|h| h.meta.as_ref())
                .is_some_and(|m| m.fixed.is_some())
        };
        let mut fixed = Vec::new();
        let mut own = Vec::new();
        let mut rest = Vec::new();
        for (i, file) in self.fragments.into_iter().enumerate() {
            if library.get(i).copied().unwrap_or(false) {
                for f in file.into_iter().flatten() {
                    if is_fixed(&f) {
                        fixed.push(f);
                    } else {
                        rest.push(f);
                    }
                }
            } else {
                own.extend(file.into_iter().flatten());
            }
        }
        let fragments = fixed.into_iter().chain(own).chain(rest);
        let resolved =
            resolve::resolve(&self.sources, fragments, defs, self.missing_file, &library);
        let mut diags = self.diags;
        diags.extend(resolved.diagnostics);
        loader::documents(
            self.fs,
            &self.root,
            &self.sources,
            &self.paths,
            &resolved.index,
            &mut diags,
        );
        // While the policy has an error of reading, the checks say less.
        let reading_error = diags.iter().any(|d| d.level == Level::Error);
        if let Some(config) = &self.options.checks {
            let mut found = checks::run(
                &resolved.model,
                &resolved.index,
                &self.sources,
                config,
                &diags,
            );
            if !self.options.only.is_empty() {
                // The checks asked for, and the errors of reading, which make any finding
                // doubtful; not the warnings of reading.
                found.retain(|d| self.options.only.contains(&d.code));
                // Findings about silences (IMP1604) are not of reading: they stay.
                diags.retain(|d| d.level == Level::Error || d.code.group() == 16);
            }
            diags.extend(found);
        }
        diags.extend(config_diags);
        let levels = &self.options.levels;
        config::apply::levels(&mut diags, levels);
        let (checked, only) = (self.options.checks.is_some(), &self.options.only);
        // Whether a code's findings were looked for: a check's when it ran on a policy read
        // without error (the checks say less otherwise), a warning of reading's unless
        // `--only` dropped them.
        let ran = |c: Code| {
            if c.is_check() {
                checked && !reading_error && (only.is_empty() || only.contains(&c))
            } else {
                !checked || only.is_empty()
            }
        };
        let silenced =
            config::apply::silences(&mut diags, &self.silences, &self.sources, levels, ran);
        diagnostics::sort(&mut diags, &self.sources);
        let (diagnostics, not_shown) = cap(diags, &self.dropped, &self.sources);
        Analysis {
            sources: self.sources,
            diagnostics,
            not_shown,
            silenced,
            config: config_file,
            model: resolved.model,
            index: resolved.index,
        }
    }
}

/// A size as people write it: `1 GiB`, `64 MiB`, or bytes.
fn size(bytes: u64) -> String {
    const MIB: u64 = 1 << 20;
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= MIB && b % MIB == 0 => format!("{} MiB", b / MIB),
        b => format!("{b} bytes"),
    }
}

/// Keeps the first [`MAX_FINDINGS_PER_FILE`] findings of each file, and says how many more
/// there are in one more finding: a file of garbage gives one finding per byte, and past a
/// few hundred they say nothing new. `dropped` are those the scanner did not make, past its
/// own cap: they are counted with the rest.
fn cap(
    diags: Vec<Diagnostic>,
    dropped: &[(FileId, scan::Dropped)],
    sources: &SourceMap,
) -> (Vec<Diagnostic>, (usize, usize)) {
    let mut out = Vec::with_capacity(diags.len().min(10_000));
    let mut not_shown = (0, 0);
    let mut i = 0;
    while i < diags.len() {
        let file = sources.file_of(diags[i].primary.span).id;
        let mut j = i;
        while j < diags.len() && sources.file_of(diags[j].primary.span).id == file {
            j += 1;
        }
        let group = &diags[i..j];
        let shown = group.len().min(MAX_FINDINGS_PER_FILE);
        out.extend_from_slice(&group[..shown]);
        let rest = &group[shown..];
        let mut errors = rest.iter().filter(|d| d.level == Level::Error).count();
        let mut warnings = rest.len() - errors;
        let mut first = rest.first().map(|d| d.primary.span);
        for (_, d) in dropped.iter().filter(|(f, _)| *f == file) {
            errors += d.errors;
            warnings += d.warnings;
            first.get_or_insert(d.first);
        }
        if let Some(first) = first {
            not_shown.0 += errors;
            not_shown.1 += warnings;
            let mut d = Diagnostic::new(
                Code::FindingsNotShown,
                first,
                format!(
                    "{} more findings in this file are not shown ({errors} errors, {warnings} warnings)",
                    errors + warnings
                ),
            )
            .label("the first of them")
            .help("fix the ones above and check again; is this the file you meant?");
            if errors > 0 {
                d.level = Level::Error;
            }
            out.push(d);
        }
        i = j;
    }
    (out, not_shown)
}

/// What a wave gives: each file's fragments, item by item; every finding; and the findings
/// the scanner did not make, past its cap.
struct Processed {
    fragments: Vec<Vec<Vec<Fragment>>>,
    diags: Vec<Diagnostic>,
    dropped: Vec<(FileId, scan::Dropped)>,
    silences: Vec<Silence>,
}

/// Scans, parses and lowers the files of a wave, items spread over `jobs` threads.
fn process(sources: &SourceMap, files: &[FileId], jobs: usize) -> Processed {
    let scans: Vec<scan::Scan> = if jobs > 1
        && files.len() > 1
        && files
            .iter()
            .map(|&f| sources.get(f).text.len())
            .sum::<usize>()
            >= PARALLEL_BYTES
    {
        parallel(files, jobs, |chunk| {
            chunk.iter().map(|&f| scan::scan(sources.get(f))).collect()
        })
    } else {
        files.iter().map(|&f| scan::scan(sources.get(f))).collect()
    };
    // Every item of the wave: (file's position in `files`, cut's position).
    let mut work: Vec<(usize, usize)> = Vec::new();
    for (i, s) in scans.iter().enumerate() {
        work.extend((0..s.items.len()).map(|c| (i, c)));
    }
    let run = |chunk: &[(usize, usize)]| -> Vec<(lower::LoweredItem, Vec<Diagnostic>)> {
        chunk
            .iter()
            .map(|&(i, c)| {
                let file = sources.get(files[i]);
                let parsed = syntax::parse_item(file, &scans[i], &scans[i].items[c]);
                let lowered = lower::lower_item(file, &parsed.nodes);
                (lowered, parsed.diagnostics)
            })
            .collect()
    };
    // Threads pay off on a wave of some size only.
    let bytes: usize = files.iter().map(|&f| sources.get(f).text.len()).sum();
    let results: Vec<(lower::LoweredItem, Vec<Diagnostic>)> =
        if jobs > 1 && work.len() > 1 && bytes >= PARALLEL_BYTES {
            // Split by bytes, so that the threads get about the same work.
            let weight = |&(i, c): &(usize, usize)| {
                let cut = &scans[i].items[c];
                (cut.end - cut.start) as u64 + 16
            };
            parallel_weighted(&work, jobs, weight, run)
        } else {
            run(&work)
        };
    let mut fragments: Vec<Vec<Vec<Fragment>>> = scans
        .iter()
        .map(|s| Vec::with_capacity(s.items.len()))
        .collect();
    let mut diags = Vec::new();
    let mut dropped = Vec::new();
    let mut silences = Vec::new();
    for ((i, _), (lowered, parse_diags)) in work.iter().zip(results) {
        diags.extend(parse_diags);
        diags.extend(lowered.diagnostics);
        fragments[*i].push(lowered.fragments);
    }
    for (i, s) in scans.into_iter().enumerate() {
        let file = sources.get(files[i]);
        let found = syntax::silence::extract(file, &s);
        silences.extend(found.list);
        diags.extend(found.diagnostics);
        diags.extend(syntax::empty_file(file, &s));
        diags.extend(s.diagnostics);
        if let Some(d) = s.dropped {
            dropped.push((files[i], d));
        }
    }
    Processed {
        fragments,
        diags,
        dropped,
        silences,
    }
}

/// Runs `f` on contiguous chunks of `items` on up to `jobs` threads, results in order.
fn parallel<T: Sync, R: Send>(
    items: &[T],
    jobs: usize,
    f: impl Fn(&[T]) -> Vec<R> + Sync,
) -> Vec<R> {
    let size = items.len().div_ceil(jobs).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = items.chunks(size).map(|c| spawn(s, || f(c))).collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// Like [`parallel`], with chunks of about the same total weight.
fn parallel_weighted<T: Sync, R: Send>(
    items: &[T],
    jobs: usize,
    weight: impl Fn(&T) -> u64,
    f: impl Fn(&[T]) -> Vec<R> + Sync,
) -> Vec<R> {
    let total: u64 = items.iter().map(&weight).sum();
    let per = total.div_ceil(jobs as u64).max(1);
    let mut chunks: Vec<&[T]> = Vec::new();
    let (mut start, mut acc) = (0, 0u64);
    for (i, it) in items.iter().enumerate() {
        acc += weight(it);
        if acc >= per && chunks.len() + 1 < jobs {
            chunks.push(&items[start..=i]);
            start = i + 1;
            acc = 0;
        }
    }
    chunks.push(&items[start..]);
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks.into_iter().map(|c| spawn(s, || f(c))).collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// A scoped thread with the main thread's stack size: parsing and lowering recurse only as
/// deep as the scanner allows, but that bound was set with a full stack in mind.
fn spawn<'s, 'e, R: Send + 's>(
    s: &'s std::thread::Scope<'s, 'e>,
    f: impl FnOnce() -> R + Send + 's,
) -> std::thread::ScopedJoinHandle<'s, R> {
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn_scoped(s, f)
        .unwrap_or_else(|e| panic!("cannot start a thread: {e}"))
}
