//! Presets on disk: reading names the file in every error; writing is atomic, so a failed save
//! never leaves a half-written file behind.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::model::{PresetError, Scenario, ValidScenario, parse_preset, to_ron};

/// Largest preset we read; a real one is a few kB, so anything bigger is a wrong file.
pub const MAX_PRESET_BYTES: u64 = 4 * 1024 * 1024;

/// Why a preset file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: the file is {size} bytes; a preset is at most {MAX_PRESET_BYTES}")]
    TooLarge { path: PathBuf, size: u64 },
    #[error("{path}: {source}")]
    Preset { path: PathBuf, source: PresetError },
    #[error("{path}: could not write the scenario as RON: {message}")]
    Serialise { path: PathBuf, message: String },
}

impl FileError {
    fn io(path: &Path, source: io::Error) -> Self {
        Self::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// Reads and validates the preset at `path`.
pub fn load(path: &Path) -> Result<ValidScenario, FileError> {
    let size = fs::metadata(path)
        .map_err(|err| FileError::io(path, err))?
        .len();
    if size > MAX_PRESET_BYTES {
        return Err(FileError::TooLarge {
            path: path.to_owned(),
            size,
        });
    }
    let bytes = fs::read(path).map_err(|err| FileError::io(path, err))?;
    let text = String::from_utf8(bytes).map_err(|err| {
        FileError::io(
            path,
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("not UTF-8 text ({err})"),
            ),
        )
    })?;
    parse_preset(&text).map_err(|source| FileError::Preset {
        path: path.to_owned(),
        source,
    })
}

/// Writes `scenario` as a preset at `path`, atomically.
pub fn save(path: &Path, scenario: &Scenario) -> Result<(), FileError> {
    let text = to_ron(scenario).map_err(|err| FileError::Serialise {
        path: path.to_owned(),
        message: err.to_string(),
    })?;
    write_atomic(path, text.as_bytes())
}

/// Writes `bytes` to a temporary file beside `path`, flushes it, then renames it over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().ok_or_else(|| {
        FileError::io(
            path,
            io::Error::new(io::ErrorKind::InvalidInput, "not a file name"),
        )
    })?;
    let temp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if let Err(err) = written {
        let _ = fs::remove_file(&temp);
        return Err(FileError::io(path, err));
    }
    Ok(())
}
