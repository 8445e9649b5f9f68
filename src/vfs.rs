//! The file system, behind one small trait: the real one, or files held in memory (an
//! editor's unsaved buffers, tests). The loader is the only module that uses it.

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

/// What a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    File,
    Dir,
    /// A FIFO, a socket or a device: never opened.
    Special(&'static str),
}

/// What the loader needs to know of a path (links followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta {
    pub kind: FileKind,
    pub len: u64,
    /// Device and inode, where the file system has them: a file reached through two hard
    /// links is one file.
    pub identity: Option<(u64, u64)>,
}

/// An entry of a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirEntry {
    pub path: PathBuf,
    /// A symbolic link (its target decides the rest).
    pub link: bool,
    /// A directory (not through a link).
    pub dir: bool,
}

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Larger than the limit: its size, if known.
    TooLarge(Option<u64>),
    /// Not a regular file: what it is.
    Special(&'static str),
    /// It could not be read: why, in words.
    Io(String),
}

pub trait FileSystem: Sync {
    /// What a path is, links followed.
    fn metadata(&self, path: &Path) -> io::Result<Meta>;
    /// A directory's entries, sorted by name.
    fn read_dir(&self, path: &Path) -> io::Result<Vec<DirEntry>>;
    /// The real path, links followed.
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf>;
    /// A regular file's bytes, at most `limit` of them. Never opens anything but a regular
    /// file, so that a FIFO cannot block and a device cannot be read.
    fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError>;
}

/// A reason in words.
pub fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// The machine's file system.
#[derive(Debug, Default, Clone, Copy)]
pub struct RealFs;

#[cfg(unix)]
fn kind_of(ft: std::fs::FileType) -> FileKind {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_dir() {
        FileKind::Dir
    } else if ft.is_file() {
        FileKind::File
    } else if ft.is_fifo() {
        FileKind::Special("a FIFO")
    } else if ft.is_socket() {
        FileKind::Special("a socket")
    } else if ft.is_char_device() || ft.is_block_device() {
        FileKind::Special("a device")
    } else {
        FileKind::Special("not a regular file")
    }
}

#[cfg(not(unix))]
fn kind_of(ft: std::fs::FileType) -> FileKind {
    if ft.is_dir() {
        FileKind::Dir
    } else if ft.is_file() {
        FileKind::File
    } else {
        FileKind::Special("not a regular file")
    }
}

#[cfg(unix)]
fn identity(m: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

impl FileSystem for RealFs {
    fn metadata(&self, path: &Path) -> io::Result<Meta> {
        let m = std::fs::metadata(path)?;
        Ok(Meta {
            kind: kind_of(m.file_type()),
            len: m.len(),
            identity: identity(&m),
        })
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<DirEntry>> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(path)? {
            let e = e?;
            let ft = e.file_type()?;
            out.push(DirEntry {
                path: e.path(),
                link: ft.is_symlink(),
                dir: ft.is_dir(),
            });
        }
        out.sort_by(|a, b| a.path.file_name().cmp(&b.path.file_name()));
        Ok(out)
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }

    fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
        use std::io::Read as _;
        let io = |e: io::Error| ReadError::Io(io_reason(&e));
        let mut opts = std::fs::OpenOptions::new();
        opts.read(true);
        // Opening a FIFO without O_NONBLOCK waits for a writer: never block.
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.custom_flags(libc::O_NONBLOCK);
        }
        let file = opts.open(path).map_err(io)?;
        let m = file.metadata().map_err(io)?;
        match kind_of(m.file_type()) {
            FileKind::File => {}
            FileKind::Dir => return Err(ReadError::Io("is a directory".into())),
            FileKind::Special(what) => return Err(ReadError::Special(what)),
        }
        if m.len() > limit {
            return Err(ReadError::TooLarge(Some(m.len())));
        }
        let mut bytes = Vec::with_capacity(m.len() as usize);
        file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
        if bytes.len() as u64 > limit {
            return Err(ReadError::TooLarge(None));
        }
        Ok(bytes)
    }
}

/// Files held in memory, by path. Directories are the paths' parents; nothing is a link.
#[derive(Debug, Default, Clone)]
pub struct MemoryFs {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

/// A path with `.` dropped and `..` resolved, as text is compared.
pub fn normalize(p: &Path) -> PathBuf {
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

impl MemoryFs {
    pub fn new() -> MemoryFs {
        MemoryFs::default()
    }

    /// Adds (or replaces) a file.
    pub fn insert(&mut self, path: impl AsRef<Path>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(normalize(path.as_ref()), bytes.into());
    }

    fn is_dir(&self, p: &Path) -> bool {
        let p = normalize(p);
        p.as_os_str().is_empty() || self.files.keys().any(|f| f.starts_with(&p) && *f != p)
    }
}

impl FileSystem for MemoryFs {
    fn metadata(&self, path: &Path) -> io::Result<Meta> {
        let p = normalize(path);
        if let Some((i, (_, b))) = self.files.iter().enumerate().find(|(_, (k, _))| **k == p) {
            return Ok(Meta {
                kind: FileKind::File,
                len: b.len() as u64,
                identity: Some((0, i as u64)),
            });
        }
        if self.is_dir(&p) {
            return Ok(Meta {
                kind: FileKind::Dir,
                len: 0,
                identity: None,
            });
        }
        Err(io::Error::from(io::ErrorKind::NotFound))
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<DirEntry>> {
        let p = normalize(path);
        if !self.is_dir(&p) {
            return Err(io::Error::from(io::ErrorKind::NotFound));
        }
        let mut out: Vec<DirEntry> = Vec::new();
        for f in self.files.keys() {
            let Ok(rest) = f.strip_prefix(&p) else {
                continue;
            };
            let Some(first) = rest.components().next() else {
                continue;
            };
            let child = p.join(first);
            let dir = rest.components().count() > 1;
            if !out.iter().any(|e| e.path == child) {
                out.push(DirEntry {
                    path: child,
                    link: false,
                    dir,
                });
            }
        }
        out.sort_by(|a, b| a.path.file_name().cmp(&b.path.file_name()));
        Ok(out)
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        let p = normalize(path);
        self.metadata(&p)?;
        Ok(p)
    }

    fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
        let p = normalize(path);
        match self.files.get(&p) {
            Some(b) if b.len() as u64 > limit => Err(ReadError::TooLarge(Some(b.len() as u64))),
            Some(b) => Ok(b.clone()),
            None if self.is_dir(&p) => Err(ReadError::Io("is a directory".into())),
            None => Err(ReadError::Io("no such file or directory".into())),
        }
    }
}
