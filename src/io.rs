//! Files on disk, for both front ends: presets read and written, and what the app and the CLI
//! export (the ledger, the memo and its charts), each written atomically. Every error names the
//! file.
//!
//! Reading is bounded: only regular files are opened (a device, a FIFO, a socket or a directory
//! named by mistake is refused at once instead of hanging or filling memory), and at most
//! [`MAX_PRESET_BYTES`] are read whatever the file turns out to be.
//!
//! Writing behaves like an editor's save: the new text goes to a fresh temporary file beside the
//! target, is flushed to disk and renamed over it, so a failed save never leaves a half-written
//! file behind and never leaves the temporary file either.
//!
//! A preset that extends another (spec §7.3) names its base by a shipped stem or by a path
//! relative to itself: [`load`] reads such bases from disk under the same rules, and
//! [`save_extends`] writes one only after reading it back from where it goes.
//!
//! Unix only, like the rest of the app (it targets Linux desktops): the file-type checks and the
//! open flags come from `std::os::unix` and `libc`.

use std::ffi::OsStr;
use std::fmt;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::str::Utf8Error;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::model::{
    BaseText, ExtendsError, ExtendsFile, PresetError, PresetSource, SHIPPED_PRESETS, Scenario,
    ValidScenario, changes_against, is_extends, parse_extends_file, parse_preset, resolve_preset,
    to_ron, validate,
};
use crate::report::{Memo, chart_file_name};

/// The stem a memo at `path` writes its chart images under: `reports/q3.md` → `q3`.
pub fn memo_image_stem(path: &Path) -> String {
    path.file_stem().map_or_else(
        || "memo".to_owned(),
        |stem| stem.to_string_lossy().into_owned(),
    )
}

/// Writes `memo` to `path` and its charts beside it as `<stem>-<suffix>.svg`, each atomically.
/// `stem` is the one the memo's Markdown links to ([`memo_image_stem`]).
pub fn write_memo(path: &Path, stem: &str, memo: &Memo) -> Result<(), FileError> {
    for chart in &memo.charts {
        let image = path.with_file_name(chart_file_name(stem, chart.suffix));
        write_atomic(&image, chart.svg.as_bytes())?;
    }
    write_atomic(path, memo.markdown.as_bytes())
}

/// Largest preset we read; a real one is a few kB, so anything bigger is a wrong file.
pub const MAX_PRESET_BYTES: u64 = 4 * 1024 * 1024;

/// Most symbolic links followed from a save's path to the file it writes (Linux's own limit).
const MAX_SYMLINK_HOPS: usize = 40;

/// Most names tried for a save's temporary file before giving up (each clash is another
/// process's or a stale temporary file).
const MAX_TEMP_ATTEMPTS: usize = 64;

/// Bytes of the target's name kept in its temporary file's name: enough to tell whose it is,
/// short enough that a name near the 255-byte limit still leaves room for the suffix.
const TEMP_NAME_PREFIX_BYTES: usize = 48;

/// Why a preset file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    // The inner errors are shown in the message, not chained as `source()`: a printer that
    // walks the chain would otherwise say them twice.
    #[error("{path}: {error}")]
    Io { path: PathBuf, error: io::Error },
    #[error("{path} is {kind}, not a regular file")]
    NotRegular { path: PathBuf, kind: SpecialFile },
    #[error("{path}: larger than {MAX_PRESET_BYTES} bytes, the most a preset may be")]
    TooLarge { path: PathBuf },
    #[error("{path}: not UTF-8 text ({error})")]
    NotText { path: PathBuf, error: Utf8Error },
    #[error("{path}: {error}")]
    Preset { path: PathBuf, error: PresetError },
    /// A preset that extends another did not resolve; the message names the file at fault.
    #[error("{0}")]
    Extends(Box<ExtendsError>),
    #[error(
        "{path}: read back from there, these changes would not give the scenario (its base changed on disk since it was opened, or the scenario differs from it in a part a file of changes cannot hold); Save As a whole preset instead"
    )]
    NotReproduced { path: PathBuf },
    #[error("{path} is read-only; Save As to write elsewhere")]
    ReadOnly { path: PathBuf },
    #[error("{path} does not name a file")]
    NoFileName { path: PathBuf },
    #[error("{path}: more than {MAX_SYMLINK_HOPS} symbolic links to follow")]
    SymlinkLoop { path: PathBuf },
    #[error("{path}: could not write the scenario as RON: {message}")]
    Serialise { path: PathBuf, message: String },
}

impl FileError {
    fn io(path: &Path, error: io::Error) -> Self {
        Self::Io {
            path: path.to_owned(),
            error,
        }
    }
}

/// What a path names when it is not a regular file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpecialFile {
    Directory,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
    /// Anything else the platform reports (never a regular file).
    Other,
}

impl SpecialFile {
    /// `None` for a regular file; what it is otherwise. `metadata` must come from a call that
    /// follows symbolic links.
    fn of(metadata: &Metadata) -> Option<Self> {
        let file_type = metadata.file_type();
        if file_type.is_file() {
            return None;
        }
        Some(if file_type.is_dir() {
            Self::Directory
        } else if file_type.is_fifo() {
            Self::Fifo
        } else if file_type.is_char_device() {
            Self::CharacterDevice
        } else if file_type.is_block_device() {
            Self::BlockDevice
        } else if file_type.is_socket() {
            Self::Socket
        } else {
            Self::Other
        })
    }
}

impl fmt::Display for SpecialFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Directory => "a directory",
            Self::Fifo => "a pipe (FIFO)",
            Self::CharacterDevice => "a character device",
            Self::BlockDevice => "a block device",
            Self::Socket => "a socket",
            Self::Other => "a special file",
        })
    }
}

/// Refuses anything but a regular file, naming what it is.
fn require_regular(path: &Path, metadata: &Metadata) -> Result<(), FileError> {
    match SpecialFile::of(metadata) {
        None => Ok(()),
        Some(kind) => Err(FileError::NotRegular {
            path: path.to_owned(),
            kind,
        }),
    }
}

/// Reads and validates the preset at `path`.
///
/// Only regular files are read (a symbolic link to one is fine), at most [`MAX_PRESET_BYTES`].
/// A directory, a device, a socket or a FIFO is refused before it is opened: opening a FIFO
/// waits until something writes to it, and opening a device can do things of its own (a tape
/// rewinds), while `/dev/zero` or `/dev/urandom` would never end.
///
/// One pipe is read: this process's own standard input (`… | coreweave-whatif kpis /dev/stdin`).
/// It is open already, so nothing can block on opening it, the shell user asked for it, and
/// waiting for its writer to finish is what any command in a pipeline does; it is read through
/// the same bound, so `yes |` or a 50 MB file piped in is refused rather than buffered. Any other
/// pipe is refused, named or not (bash's `<(…)` too: redirect it to standard input instead). A
/// terminal on standard input is a character device and is refused, rather than waiting for
/// someone to type a preset.
///
/// A preset that extends another is resolved: its bases are read as the preset is, each relative
/// to the file that names it, and the resolved scenario is validated.
pub fn load(path: &Path) -> Result<ValidScenario, FileError> {
    let text = read_text(path)?;
    parse_at(path, &text, None)
}

/// The text of the file at `path`, read under [`load`]'s rules.
fn read_text(path: &Path) -> Result<String, FileError> {
    let bytes = read_bounded_file(path)?;
    String::from_utf8(bytes).map_err(|error| FileError::NotText {
        path: path.to_owned(),
        error: error.utf8_error(),
    })
}

/// A preset file met while resolving `extends`: the path it was reached by (a relative base is
/// read from its directory, as written) and the file it is (its canonical path), so a circle is
/// seen however the file is named.
#[derive(Clone, Debug)]
struct DiskPreset {
    path: PathBuf,
    identity: PathBuf,
}

impl DiskPreset {
    fn at(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
            identity: identity(path),
        }
    }
}

impl PartialEq for DiskPreset {
    fn eq(&self, other: &Self) -> bool {
        self.identity == other.identity
    }
}

/// The canonical path of `path`; for a file that does not exist yet, its directory's canonical
/// path and its name; failing that, the path as it is.
fn identity(path: &Path) -> PathBuf {
    if let Ok(canonical) = fs::canonicalize(path) {
        return canonical;
    }
    let parent = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match (fs::canonicalize(parent), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_owned(),
    }
}

/// Reads `text` as the preset at `path` and validates it. Its bases are read from disk relative
/// to it; when `pending` is given, `text` is what is about to be written at `path`, and a base
/// that is that file reads `text` too (so a file that would extend itself is seen as a circle).
fn parse_at(path: &Path, text: &str, pending: Option<&str>) -> Result<ValidScenario, FileError> {
    let top = DiskPreset::at(path);
    let mut read_base = |from: &DiskPreset, base: &str| {
        let dir = from.path.parent().unwrap_or(Path::new(""));
        // `components` drops the `./` of `./base.ron`, so errors name the file plainly.
        let base_path: PathBuf = dir.join(base).components().collect();
        let found = DiskPreset::at(&base_path);
        let text = match pending {
            Some(pending) if found == top => pending.to_owned(),
            _ => read_text(&base_path).map_err(|err| err.to_string())?,
        };
        Ok(BaseText {
            location: found,
            name: base_path.display().to_string(),
            text,
        })
    };
    let name = path.display().to_string();
    let scenario = resolve_preset(
        PresetSource::External(top.clone()),
        &name,
        text,
        &mut read_base,
    )
    .map_err(|error| match error {
        PresetError::Extends(error) => FileError::Extends(error),
        error => FileError::Preset {
            path: path.to_owned(),
            error,
        },
    })?;
    validate(scenario).map_err(|error| FileError::Preset {
        path: path.to_owned(),
        error: PresetError::Invalid(error),
    })
}

/// The bytes of the file at `path`, at most [`MAX_PRESET_BYTES`] of them, under [`load`]'s
/// rules: a regular file, or the pipe on our standard input.
fn read_bounded_file(path: &Path) -> Result<Vec<u8>, FileError> {
    let metadata = fs::metadata(path).map_err(|err| FileError::io(path, err))?;
    if is_our_stdin_pipe(&metadata) {
        return read_bounded(path, io::stdin().lock());
    }
    require_regular(path, &metadata)?;
    // O_NONBLOCK: if the path was swapped for a FIFO since the check above, the open returns at
    // once and the check below refuses it (it changes nothing for a regular file). O_NOCTTY: a
    // terminal swapped in the same way never becomes our controlling terminal.
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|err| FileError::io(path, err))?;
    let opened = file.metadata().map_err(|err| FileError::io(path, err))?;
    require_regular(path, &opened)?;
    // A regular file says how long it is: refuse a huge one without reading it. The bounded read
    // still guards files that grow meanwhile or report no length (as /proc's do).
    if opened.len() > MAX_PRESET_BYTES {
        return Err(FileError::TooLarge {
            path: path.to_owned(),
        });
    }
    read_bounded(path, file)
}

/// Whether `metadata` (of a path, links followed) is the pipe this process reads as standard
/// input: the same device and inode as what file descriptor 0 is open on.
fn is_our_stdin_pipe(metadata: &Metadata) -> bool {
    if !metadata.file_type().is_fifo() {
        return false;
    }
    // A duplicate of descriptor 0, so its metadata can be read without touching the stream.
    let Ok(stdin) = io::stdin().as_fd().try_clone_to_owned() else {
        return false;
    };
    File::from(stdin).metadata().is_ok_and(|stdin| {
        stdin.file_type().is_fifo()
            && stdin.dev() == metadata.dev()
            && stdin.ino() == metadata.ino()
    })
}

/// Reads `reader` to its end, refusing it once it passes [`MAX_PRESET_BYTES`] (so an endless
/// source stops one byte past the limit).
fn read_bounded(path: &Path, reader: impl Read) -> Result<Vec<u8>, FileError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_PRESET_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| FileError::io(path, err))?;
    if bytes.len() as u64 > MAX_PRESET_BYTES {
        return Err(FileError::TooLarge {
            path: path.to_owned(),
        });
    }
    Ok(bytes)
}

/// Writes `scenario` as a preset at `path`, as [`write_atomic`] does.
pub fn save(path: &Path, scenario: &Scenario) -> Result<(), FileError> {
    let text = to_ron(scenario).map_err(|err| FileError::Serialise {
        path: path.to_owned(),
        message: err.to_string(),
    })?;
    write_atomic(path, text.as_bytes())
}

/// Writes `file`, a preset that extends another, at `path`, as [`write_atomic`] does, once reading
/// it back from there gives `expected`: a file that would extend itself (directly or through its
/// base) is refused as the circle it would be, and so is one that would lose a difference a file
/// of changes cannot hold.
pub fn save_extends(
    path: &Path,
    file: &ExtendsFile,
    expected: &ValidScenario,
) -> Result<(), FileError> {
    let text = file.to_ron().map_err(|err| FileError::Serialise {
        path: path.to_owned(),
        message: err.to_string(),
    })?;
    if parse_at(path, &text, Some(&text))? != *expected {
        return Err(FileError::NotReproduced {
            path: path.to_owned(),
        });
    }
    write_atomic(path, text.as_bytes())
}

/// Saves `scenario` over the preset file at `path` in the form that file has: a file that extends
/// another stays one, written as changes to the same base (read again now, see
/// [`changes_against`]); any other file, or none, is written whole as [`save`] does.
pub fn save_in_place(path: &Path, scenario: &ValidScenario) -> Result<(), FileError> {
    let existing = match read_text(path) {
        Ok(text) => text,
        Err(FileError::Io { error, .. }) if error.kind() == io::ErrorKind::NotFound => {
            return save(path, scenario.scenario());
        }
        Err(err) => return Err(err),
    };
    let existing = existing.strip_prefix('\u{FEFF}').unwrap_or(&existing);
    if !is_extends(existing) {
        return save(path, scenario.scenario());
    }
    let base_name = parse_extends_file(existing)
        .map_err(|error| FileError::Preset {
            path: path.to_owned(),
            error,
        })?
        .extends;
    let base = match SHIPPED_PRESETS.iter().find(|(stem, _)| *stem == base_name) {
        Some((_, text)) => parse_preset(text).map_err(|error| FileError::Preset {
            path: path.to_owned(),
            error,
        })?,
        None => load(&path.parent().unwrap_or(Path::new("")).join(&base_name))?,
    };
    let file = changes_against(base.scenario(), scenario.scenario(), &base_name);
    save_extends(path, &file, scenario)
}

/// How a preset written at `file` names the preset at `base` in its `extends`: a path relative to
/// `file`'s directory (`../plans/base.ron`), or `base` made absolute when they share no
/// directory. `None` when the path is not UTF-8 text, which RON cannot hold.
pub fn relative_reference(file: &Path, base: &Path) -> Option<String> {
    let dir = std::path::absolute(file).ok()?.parent()?.to_path_buf();
    let base = std::path::absolute(base).ok()?;
    let dir_parts: Vec<_> = dir.components().collect();
    let base_parts: Vec<_> = base.components().collect();
    let common = dir_parts
        .iter()
        .zip(&base_parts)
        .take_while(|(a, b)| a == b)
        .count();
    // Only the root in common: an absolute path says it more plainly than `../../..`.
    if common <= 1 {
        return base.to_str().map(str::to_owned);
    }
    let mut relative = PathBuf::new();
    for _ in common..dir_parts.len() {
        relative.push("..");
    }
    for part in base_parts.get(common..).unwrap_or_default() {
        relative.push(part);
    }
    let relative = relative.to_str()?;
    // A bare name that is also a shipped stem would read the shipped preset instead.
    if SHIPPED_PRESETS.iter().any(|(stem, _)| *stem == relative) {
        return Some(format!("./{relative}"));
    }
    Some(relative.to_owned())
}

/// Replaces the file at `path` with `bytes`, as an editor saves.
///
/// - The bytes go to a new temporary file in the same directory, created exclusively and never
///   through a symbolic link, which is flushed to disk, renamed over the target, and the
///   directory flushed after it: a reader sees the old file or the new one, never a mix, and a
///   crash does not lose both. The temporary file is removed on every failure.
/// - An existing file keeps its permission bits (a 0600 file stays 0600).
/// - If `path` is a symbolic link, the file it points to is replaced (a relative link is read
///   from the link's own directory) and the link survives.
/// - A read-only target (no write bit set) is refused and left as it is. The mode bits are read
///   here rather than left to the operating system, which lets root write anything.
/// - Anything but a regular file (a directory, a FIFO, a device) is refused.
///
/// Renaming makes a new file, so a hard link to the old one keeps the old text (its other names
/// are not updated), and the new file's owner and group are whoever saves; extended attributes
/// and ACLs are not copied. An editor's "write in place" would keep those but can leave a
/// half-written file, which is what this function exists to avoid.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    // Links followed all the way, including /proc's links to pipes and terminals, so that
    // `--out /dev/stdout` on a terminal is refused as a device rather than replaced.
    let existing = match fs::metadata(path) {
        Ok(metadata) => Some(metadata),
        Err(err) if err.kind() == io::ErrorKind::NotFound => None,
        Err(err) => return Err(FileError::io(path, err)),
    };
    if let Some(metadata) = &existing {
        require_regular(path, metadata)?;
        if metadata.permissions().readonly() {
            return Err(FileError::ReadOnly {
                path: path.to_owned(),
            });
        }
    }
    let target = resolve_symlinks(path)?;
    let name = target.file_name().ok_or_else(|| FileError::NoFileName {
        path: path.to_owned(),
    })?;
    let dir = target
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    replace_via_temp(dir, name, &target, existing.as_ref(), bytes)
        .map_err(|err| FileError::io(path, err))
}

/// The file a save through `path` writes: `path` itself, or where its chain of symbolic links
/// ends (a file that need not exist yet; a dangling link creates its target).
fn resolve_symlinks(path: &Path) -> Result<PathBuf, FileError> {
    let mut current = path.to_owned();
    for _ in 0..MAX_SYMLINK_HOPS {
        match fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let link = fs::read_link(&current).map_err(|err| FileError::io(path, err))?;
                // `join` keeps an absolute link as it is and reads a relative one from the
                // link's directory.
                current = match current.parent() {
                    Some(dir) => dir.join(link),
                    None => link,
                };
            }
            Ok(_) => return Ok(current),
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(current),
            Err(err) => return Err(FileError::io(path, err)),
        }
    }
    Err(FileError::SymlinkLoop {
        path: path.to_owned(),
    })
}

/// Writes `bytes` to a temporary file in `dir`, then renames it to `target` (in `dir`, named
/// `name`), with the permissions of `existing` if there is one.
fn replace_via_temp(
    dir: &Path,
    name: &OsStr,
    target: &Path,
    existing: Option<&Metadata>,
    bytes: &[u8],
) -> io::Result<()> {
    // Created no more open than the file it replaces (0666 for a new file, as any program
    // creates one), the umask narrowing it further: permissions are checked when a file is
    // opened, so a temporary file that others could open even for a moment could leak a private
    // file's text. The exact bits follow, before any byte is written.
    let create_mode = existing.map_or(0o666, |metadata| metadata.mode() & 0o777);
    let mut temp = TempFile::create(dir, name, create_mode)?;
    if let Some(metadata) = existing {
        temp.file.set_permissions(metadata.permissions())?;
    }
    temp.file.write_all(bytes)?;
    temp.file.sync_all()?;
    temp.rename_to(target)?;
    // The rename is durable only once the directory entry is.
    File::open(dir)?.sync_all()
}

/// Counts temporary files made by this process, so two saves at once never pick the same name.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A temporary file beside a save's target; removed when dropped unless it was renamed into place.
struct TempFile {
    path: PathBuf,
    file: File,
    renamed: bool,
}

impl TempFile {
    /// A new, empty file in `dir` with `mode` (less the umask), named after `name` but short
    /// (see [`temp_name`]).
    fn create(dir: &Path, name: &OsStr, mode: u32) -> io::Result<Self> {
        let mut last_clash = None;
        for _ in 0..MAX_TEMP_ATTEMPTS {
            let path = dir.join(temp_name(name));
            // create_new fails on any existing entry, a symbolic link included; O_NOFOLLOW says
            // the same to the kernel once more, so a link planted in a shared directory is
            // never written through.
            let opened = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(mode)
                .custom_flags(libc::O_NOFOLLOW)
                .open(&path);
            match opened {
                Ok(file) => {
                    return Ok(Self {
                        path,
                        file,
                        renamed: false,
                    });
                }
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => last_clash = Some(err),
                Err(err) => return Err(err),
            }
        }
        Err(last_clash.unwrap_or_else(|| io::Error::from(io::ErrorKind::AlreadyExists)))
    }

    fn rename_to(&mut self, target: &Path) -> io::Result<()> {
        fs::rename(&self.path, target)?;
        self.renamed = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.renamed {
            // Best effort: this runs on a path that already failed, whose error is reported.
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// A hidden name for a temporary file beside `name`: up to [`TEMP_NAME_PREFIX_BYTES`] of it
/// (cut at a character boundary), the process id and a counter. At most about 90 bytes, so a
/// target whose name is near the file system's 255-byte limit still gets one.
fn temp_name(name: &OsStr) -> String {
    let name = name.to_string_lossy();
    let mut end = name.len().min(TEMP_NAME_PREFIX_BYTES);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    let count = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(".{}.{:x}-{count:x}.tmp", &name[..end], std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "coreweave-whatif-unit-{name}-{}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("scratch directory");
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("read the directory")
            .filter_map(Result::ok)
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn an_endless_source_is_cut_one_byte_past_the_limit() {
        let err = read_bounded(Path::new("endless"), io::repeat(b' '))
            .expect_err("an endless source is refused");
        assert!(matches!(err, FileError::TooLarge { .. }), "{err}");
        let exact = read_bounded(Path::new("exact"), io::repeat(b' ').take(MAX_PRESET_BYTES))
            .expect("exactly the limit is read");
        assert_eq!(exact.len() as u64, MAX_PRESET_BYTES);
    }

    #[test]
    fn temporary_names_stay_short_and_unique() {
        let long = "é".repeat(120) + ".ron";
        let first = temp_name(OsStr::new(&long));
        let second = temp_name(OsStr::new(&long));
        assert_ne!(first, second);
        assert!(first.len() < 100, "{} bytes: {first}", first.len());
        assert!(
            first.starts_with(".é") && first.ends_with(".tmp"),
            "{first}"
        );
    }

    #[test]
    fn a_rename_that_fails_removes_the_temporary_file() {
        // Past the checks of `write_atomic`: the target is a non-empty directory, so the rename
        // itself fails after the temporary file was written and flushed.
        let dir = scratch("rename-fails");
        let target = dir.join("taken");
        fs::create_dir(&target).expect("directory");
        fs::write(target.join("inside"), "keep").expect("write");
        let err = replace_via_temp(&dir, OsStr::new("taken"), &target, None, b"new")
            .expect_err("a file cannot replace a directory");
        assert_eq!(err.kind(), io::ErrorKind::IsADirectory, "{err}");
        assert_eq!(
            entries(&dir),
            vec!["taken".to_owned()],
            "no temporary file left"
        );
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn a_dropped_temporary_file_is_removed_and_a_renamed_one_is_not() {
        let dir = scratch("temp-guard");
        let temp = TempFile::create(&dir, OsStr::new("plan.ron"), 0o600).expect("created");
        assert_eq!(entries(&dir).len(), 1);
        drop(temp);
        assert!(entries(&dir).is_empty(), "{:?}", entries(&dir));

        let mut temp = TempFile::create(&dir, OsStr::new("plan.ron"), 0o600).expect("created");
        temp.rename_to(&dir.join("plan.ron")).expect("renamed");
        drop(temp);
        assert_eq!(entries(&dir), vec!["plan.ron".to_owned()]);
        let _ = fs::remove_dir_all(dir);
    }
}
