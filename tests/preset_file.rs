//! Preset files on disk (issue #10): reads are bounded and open only regular files, so a device,
//! a FIFO or a directory is refused at once; saves behave like an editor's (permissions kept,
//! symbolic links written through, read-only files refused, no temporary file left behind); and
//! the app reads a file on its own thread, keeping the scenario until the file has loaded.
//!
//! Nothing here asserts on time. Where a regression would hang (a FIFO that blocks), the call
//! runs on a thread and the test gives up after a generous wait instead of hanging CI.

use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::sync::mpsc::channel;
use std::time::Duration;

use coreweave_whatif::io::{self as preset_file, FileError, MAX_PRESET_BYTES, SpecialFile};
use coreweave_whatif::model::{LeverValue, ValidScenario, default_scenario, parse_preset};
use coreweave_whatif::ui::{Command, WhatIfApp};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use rust_decimal::Decimal;

mod common;
use common::{harness, scratch_dir, shipped};

/// How long a call that must not block may take before the test calls it blocked: far more
/// than any read or refusal needs, even in a debug build on a busy machine.
const BLOCKED_AFTER: Duration = Duration::from_secs(120);

const BINARY: &str = env!("CARGO_BIN_EXE_coreweave-whatif");

/// The names in `dir`, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path)
        .unwrap_or_else(|err| panic!("{}: {err}", path.display()))
        .permissions()
        .mode()
        & 0o7777
}

fn make_fifo(path: &Path) {
    let status = Process::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// `preset_file::load(path)` on its own thread; panics if it does not return (it blocked).
fn load_without_blocking(path: &Path) -> Result<ValidScenario, FileError> {
    let (sender, receiver) = channel();
    let worker_path = path.to_owned();
    std::thread::spawn(move || {
        let _ = sender.send(preset_file::load(&worker_path));
    });
    receiver
        .recv_timeout(BLOCKED_AFTER)
        .unwrap_or_else(|_| panic!("loading {} blocked", path.display()))
}

/// Some RON that is a valid preset, and different from the default one.
fn bear_case() -> (&'static str, ValidScenario) {
    let text = shipped("bear-case");
    (text, parse_preset(text).expect("bear-case is valid"))
}

#[test]
fn a_normal_preset_loads_directly_and_through_a_symbolic_link() {
    let dir = scratch_dir("pf-normal");
    let (text, expected) = bear_case();
    let path = dir.join("bear-case.ron");
    fs::write(&path, text).expect("write");
    assert_eq!(preset_file::load(&path).expect("loads"), expected);
    let link = dir.join("link.ron");
    symlink("bear-case.ron", &link).expect("symlink");
    assert_eq!(preset_file::load(&link).expect("loads"), expected);
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn dev_zero_is_refused_as_a_device_without_reading_it() {
    let err = preset_file::load(Path::new("/dev/zero")).expect_err("a device is not a preset");
    assert!(
        matches!(
            err,
            FileError::NotRegular {
                kind: SpecialFile::CharacterDevice,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "/dev/zero is a character device, not a regular file"
    );
}

#[test]
fn a_file_one_byte_over_the_limit_is_refused_and_one_at_the_limit_is_read() {
    let dir = scratch_dir("pf-limit");
    let size = usize::try_from(MAX_PRESET_BYTES).expect("fits");
    let over = dir.join("over.ron");
    fs::write(&over, vec![b' '; size + 1]).expect("write");
    let err = preset_file::load(&over).expect_err("too large");
    assert!(matches!(err, FileError::TooLarge { .. }), "{err:?}");
    assert!(err.to_string().contains("over.ron"), "{err}");

    // Exactly the limit is read, and then refused as a preset (it is only blanks), not for size.
    let at = dir.join("at.ron");
    fs::write(&at, vec![b' '; size]).expect("write");
    let err = preset_file::load(&at).expect_err("blanks are no preset");
    assert!(matches!(err, FileError::Preset { .. }), "{err:?}");
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn a_fifo_is_refused_without_blocking_even_through_a_link() {
    let dir = scratch_dir("pf-fifo");
    let fifo = dir.join("pipe.ron");
    make_fifo(&fifo);
    let err = load_without_blocking(&fifo).expect_err("a FIFO is not a preset");
    assert!(
        matches!(
            err,
            FileError::NotRegular {
                kind: SpecialFile::Fifo,
                ..
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("pipe.ron") && message.contains("FIFO"),
        "{message}"
    );

    let link = dir.join("link.ron");
    symlink(&fifo, &link).expect("symlink");
    let err = load_without_blocking(&link).expect_err("a link to a FIFO is not a preset");
    assert!(
        err.to_string().contains("link.ron is a pipe (FIFO)"),
        "{err}"
    );
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn a_directory_is_refused_by_name() {
    let dir = scratch_dir("pf-directory");
    let err = preset_file::load(&dir).expect_err("a directory is not a preset");
    assert!(
        matches!(
            err,
            FileError::NotRegular {
                kind: SpecialFile::Directory,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!("{} is a directory, not a regular file", dir.display())
    );
    let _ = fs::remove_dir_all(dir);
}

/// Runs the binary's `kpis` on `/dev/stdin`, with `feed` writing its standard input.
fn kpis_on_stdin(
    feed: impl FnOnce(&mut std::process::ChildStdin) + Send + 'static,
) -> (bool, String) {
    let mut child = Process::new(BINARY)
        .args(["kpis", "/dev/stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stdin = child.stdin.take().expect("piped");
    // Written from a thread: the child may stop reading (too large) while we still write.
    let writer = std::thread::spawn(move || feed(&mut stdin));
    let output = child.wait_with_output().expect("the binary ends");
    let _ = writer.join();
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

#[test]
fn a_pipe_on_stdin_is_read_through_the_same_bound() {
    let (ok, text) = kpis_on_stdin(|stdin| {
        stdin
            .write_all(shipped("bear-case").as_bytes())
            .expect("the preset is written");
    });
    assert!(ok, "a preset piped to /dev/stdin is read: {text}");
    assert!(text.contains("runway_month"), "{text}");

    let (ok, text) = kpis_on_stdin(|stdin| {
        // Past the limit, then the child stops reading and the writes fail: that is the point.
        let chunk = vec![b' '; 64 * 1024];
        for _ in 0..(MAX_PRESET_BYTES / 65_536 + 2) {
            if stdin.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    assert!(!ok, "a piped file over the limit is refused: {text}");
    assert!(text.contains("larger than"), "{text}");
}

#[test]
fn a_regular_file_on_stdin_is_opened_as_a_file() {
    let dir = scratch_dir("pf-stdin-file");
    let path = dir.join("bear-case.ron");
    fs::write(&path, shipped("bear-case")).expect("write");
    let output = Process::new(BINARY)
        .args(["kpis", "/dev/stdin"])
        .stdin(fs::File::open(&path).expect("open"))
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn the_cli_refuses_a_fifo_instead_of_waiting_for_a_writer() {
    let dir = scratch_dir("pf-cli-fifo");
    let fifo = dir.join("pipe.ron");
    make_fifo(&fifo);
    let mut child = Process::new(BINARY)
        .args(["kpis"])
        .arg(&fifo)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let (sender, receiver) = channel();
    let mut stderr = child.stderr.take().expect("piped");
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        let _ = sender.send(text);
    });
    let Ok(text) = receiver.recv_timeout(BLOCKED_AFTER) else {
        let _ = child.kill();
        panic!("kpis on a FIFO blocked");
    };
    assert!(!child.wait().expect("ends").success());
    assert!(text.contains("pipe.ron is a pipe (FIFO)"), "{text}");
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn a_save_keeps_a_private_files_permissions() {
    let dir = scratch_dir("pf-mode");
    let path = dir.join("private.ron");
    fs::write(&path, "old").expect("write");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).expect("chmod");
    preset_file::save(&path, default_scenario().scenario()).expect("saves");
    assert_eq!(mode(&path), 0o600, "a 0600 file stays 0600");
    assert_eq!(preset_file::load(&path).expect("loads"), default_scenario());

    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
    preset_file::write_atomic(&path, b"text").expect("saves");
    assert_eq!(mode(&path), 0o640);
    assert_eq!(entries(&dir), vec!["private.ron".to_owned()]);
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn a_save_through_a_symbolic_link_writes_its_target_and_keeps_the_link() {
    let dir = scratch_dir("pf-symlink");
    let real_dir = dir.join("real");
    fs::create_dir(&real_dir).expect("mkdir");
    let real = real_dir.join("preset.ron");
    fs::write(&real, "old").expect("write");
    fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).expect("chmod");
    // A relative link, read from the link's own directory, and a link to that link.
    let link = dir.join("link.ron");
    symlink("real/preset.ron", &link).expect("symlink");
    let outer = dir.join("outer.ron");
    symlink("link.ron", &outer).expect("symlink");

    preset_file::save(&outer, default_scenario().scenario()).expect("saves through the links");

    for (name, target) in [(&outer, "link.ron"), (&link, "real/preset.ron")] {
        let metadata = fs::symlink_metadata(name).expect("still there");
        assert!(
            metadata.file_type().is_symlink(),
            "{} is still a link",
            name.display()
        );
        assert_eq!(fs::read_link(name).expect("a link"), PathBuf::from(target));
    }
    assert_eq!(preset_file::load(&real).expect("loads"), default_scenario());
    assert_eq!(mode(&real), 0o600, "the target keeps its permissions");
    assert_eq!(
        entries(&dir),
        vec![
            "link.ron".to_owned(),
            "outer.ron".to_owned(),
            "real".to_owned()
        ]
    );
    assert_eq!(entries(&real_dir), vec!["preset.ron".to_owned()]);

    // A dangling link creates its target and stays a link.
    let dangling = dir.join("dangling.ron");
    symlink("real/new.ron", &dangling).expect("symlink");
    preset_file::write_atomic(&dangling, b"new").expect("saves");
    assert!(
        fs::symlink_metadata(&dangling)
            .expect("there")
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_to_string(real_dir.join("new.ron")).expect("created"),
        "new"
    );
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn a_read_only_file_is_refused_and_left_as_it_is() {
    // We may run as root, which the OS lets write anything: the refusal reads the mode bits.
    let dir = scratch_dir("pf-read-only");
    let path = dir.join("locked.ron");
    fs::write(&path, "old").expect("write");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).expect("chmod");
    let err = preset_file::save(&path, default_scenario().scenario()).expect_err("read-only");
    assert!(matches!(err, FileError::ReadOnly { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "{} is read-only; Save As to write elsewhere",
            path.display()
        )
    );
    assert_eq!(fs::read_to_string(&path).expect("read"), "old");
    assert_eq!(mode(&path), 0o444);

    // Through a link too: the file it points to is what is read-only.
    let link = dir.join("link.ron");
    symlink("locked.ron", &link).expect("symlink");
    let err = preset_file::write_atomic(&link, b"new").expect_err("read-only");
    assert!(err.to_string().contains("link.ron is read-only"), "{err}");
    assert_eq!(fs::read_to_string(&path).expect("read"), "old");
    assert_eq!(
        entries(&dir),
        vec!["link.ron".to_owned(), "locked.ron".to_owned()]
    );
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn failed_and_successful_saves_leave_no_temporary_file() {
    let dir = scratch_dir("pf-no-temp");
    let missing_parent = dir.join("missing").join("plan.ron");
    let err = preset_file::write_atomic(&missing_parent, b"x").expect_err("no such directory");
    assert!(err.to_string().contains("plan.ron"), "{err}");

    let fifo = dir.join("pipe.ron");
    make_fifo(&fifo);
    let err = preset_file::write_atomic(&fifo, b"x").expect_err("a FIFO is not replaced");
    assert!(
        err.to_string().contains("pipe.ron is a pipe (FIFO)"),
        "{err}"
    );

    let taken = dir.join("taken.ron");
    fs::create_dir(&taken).expect("mkdir");
    let err = preset_file::write_atomic(&taken, b"x").expect_err("a directory is not replaced");
    assert!(
        err.to_string().contains("taken.ron is a directory"),
        "{err}"
    );

    let err =
        preset_file::write_atomic(&dir.join("missing").join(".."), b"x").expect_err("no file name");
    assert!(err.to_string().contains("does not name a file"), "{err}");

    assert_eq!(
        entries(&dir),
        vec!["pipe.ron".to_owned(), "taken.ron".to_owned()],
        "nothing was created"
    );

    let path = dir.join("plan.ron");
    preset_file::save(&path, default_scenario().scenario()).expect("saves");
    preset_file::save(&path, default_scenario().scenario()).expect("saves over it");
    assert_eq!(
        entries(&dir),
        vec![
            "pipe.ron".to_owned(),
            "plan.ron".to_owned(),
            "taken.ron".to_owned()
        ]
    );
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn names_at_the_file_system_limit_save() {
    let dir = scratch_dir("pf-long-name");
    for length in [250, 255] {
        let name = format!("{}.ron", "a".repeat(length - 4));
        assert_eq!(name.len(), length);
        let path = dir.join(&name);
        preset_file::save(&path, default_scenario().scenario())
            .unwrap_or_else(|err| panic!("a {length}-byte name: {err}"));
        preset_file::save(&path, default_scenario().scenario())
            .unwrap_or_else(|err| panic!("a {length}-byte name, again: {err}"));
        assert_eq!(preset_file::load(&path).expect("loads"), default_scenario());
    }
    assert_eq!(entries(&dir).len(), 2, "{:?}", entries(&dir));
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn concurrent_saves_never_share_a_temporary_file() {
    let dir = scratch_dir("pf-concurrent");
    let path = dir.join("shared.ron");
    let texts = [vec![b'a'; 100_000], vec![b'b'; 100_000]];
    std::thread::scope(|scope| {
        for text in &texts {
            let path = &path;
            scope.spawn(move || {
                for round in 0..25 {
                    preset_file::write_atomic(path, text)
                        .unwrap_or_else(|err| panic!("round {round}: {err}"));
                }
            });
        }
    });
    let last = fs::read(&path).expect("read");
    assert!(
        texts.contains(&last),
        "the file is one save's text, whole, never a mix"
    );
    assert_eq!(entries(&dir), vec!["shared.ron".to_owned()]);
    let _ = fs::remove_dir_all(dir);
}

/// Most frames to wait for a background read (each frame sleeps a little, so a slow debug build
/// has minutes, not a fixed time, and a broken read fails instead of hanging).
const MAX_WAIT_FRAMES: usize = 6000;

/// Steps frames until no file is being read; panics if the read never ends.
fn wait_for_the_read(harness: &mut Harness<'static, WhatIfApp>) {
    for _ in 0..MAX_WAIT_FRAMES {
        harness.step();
        if !harness.state().is_loading() {
            harness.run();
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("gave up waiting for the file to load");
}

#[test]
fn the_app_reads_a_file_in_the_background_with_a_busy_indication() {
    let dir = scratch_dir("pf-app-open");
    let (text, expected) = bear_case();
    let path = dir.join("bear-case.ron");
    fs::write(&path, text).expect("write");

    let mut harness = harness();
    let before = harness.state().document().scenario().clone();
    harness.state_mut().open_path(&path);
    harness.step();
    // The command started the read; its result is taken at the start of a later frame.
    assert!(harness.state().is_loading());
    assert_eq!(harness.state().document().scenario(), &before);
    harness.get_by_label("Opening bear-case.ron…");

    wait_for_the_read(&mut harness);
    let app = harness.state();
    assert_eq!(app.error(), None);
    assert_eq!(app.document().valid_scenario(), &expected);
    assert!(
        app.title().starts_with("bear-case.ron — "),
        "{}",
        app.title()
    );
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn the_app_keeps_its_scenario_when_a_file_does_not_load() {
    let dir = scratch_dir("pf-app-refused");
    let fifo = dir.join("pipe.ron");
    make_fifo(&fifo);

    let mut harness = harness();
    harness.state_mut().submit(Command::SetLever {
        path: "rates.sofr_pct".to_owned(),
        value: LeverValue::Number(Decimal::new(55, 1)),
        dragging: false,
    });
    harness.run();
    let before = harness.state().document().scenario().clone();

    for (path, what) in [
        (fifo.as_path(), "pipe.ron is a pipe (FIFO)"),
        (Path::new("/dev/zero"), "/dev/zero is a character device"),
        (dir.as_path(), "is a directory"),
    ] {
        harness.state_mut().open_path(path);
        wait_for_the_read(&mut harness);
        let app = harness.state();
        let error = app.error().unwrap_or_default();
        assert!(
            error.contains(what) && error.contains("the scenario is unchanged"),
            "{}: {error}",
            path.display()
        );
        assert_eq!(app.document().scenario(), &before, "{}", path.display());
        assert!(app.document().is_dirty(), "the edit is still unsaved");
        assert!(!app.is_asking_to_discard());
    }
    let _ = fs::remove_dir_all(dir);
}

/// A file dropped on the window, as eframe hands it to egui.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        fs::read(&self.0).map_err(|err| err.to_string())
    }
}

#[test]
fn a_dropped_file_is_read_in_the_background_too() {
    let dir = scratch_dir("pf-app-drop");
    let (text, expected) = bear_case();
    let path = dir.join("dropped.ron");
    fs::write(&path, text).expect("write");

    let mut harness = harness();
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(path)));
    harness.step();
    assert!(harness.state().is_loading(), "the drop started a read");
    wait_for_the_read(&mut harness);
    assert_eq!(harness.state().document().valid_scenario(), &expected);
    assert!(harness.state().title().starts_with("dropped.ron — "));
    let _ = fs::remove_dir_all(dir);
}
