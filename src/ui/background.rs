//! Background jobs for the analyses: the work runs on its own thread (and rayon's pool), the UI
//! polls for the result each frame and never waits for it.
//!
//! A job is tagged with a key (the scenario generation and the analysis settings). Asking for a
//! different key cancels the job in flight; a result whose key is no longer wanted is dropped.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::Duration;

use eframe::egui;
use eframe::egui::{Context, Ui};

/// How often the UI redraws while a job runs, so the progress bar moves and the result shows as
/// soon as it lands (the worker also asks for a repaint when it finishes).
pub const POLL_INTERVAL: Duration = Duration::from_millis(16);

/// A spinning arc for "working on it". Unlike egui's spinner it does not ask for a repaint
/// every frame itself: the job's poll does (every [`POLL_INTERVAL`]), so headless tests can
/// still settle between frames.
pub fn busy_ui(ui: &mut Ui) {
    let size = ui.spacing().interact_size.y;
    let (rect, response) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
    response
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ProgressIndicator, true, "Working"));
    let radius = rect.height() * 0.5 - 2.0;
    let time = ui.input(|input| input.time);
    let start = time * std::f64::consts::TAU;
    let points: Vec<egui::Pos2> = (0..24)
        .map(|k| {
            let angle = start + f64::from(k) / 24.0 * 4.0;
            rect.center() + radius * egui::vec2(angle.cos() as f32, angle.sin() as f32)
        })
        .collect();
    ui.painter().add(egui::Shape::line(
        points,
        egui::Stroke::new(2.5, ui.visuals().strong_text_color()),
    ));
}

/// What a job was computed for: the document's generation and the analysis settings, each by
/// name (a tornado's `JobKey<TornadoSettings>` rather than a tuple read by position). A result
/// is shown only while its key still matches the document and the tab's controls.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct JobKey<S> {
    /// [`super::document::Document::generation`] when the job was asked for.
    pub generation: u64,
    pub settings: S,
}

impl<S> JobKey<S> {
    pub fn new(generation: u64, settings: S) -> Self {
        Self {
            generation,
            settings,
        }
    }
}

/// What a job's closure gets: a counter to advance and a flag to honour.
#[derive(Clone, Default)]
pub struct Progress {
    pub done: Arc<AtomicUsize>,
    pub cancel: Arc<AtomicBool>,
}

impl Progress {
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

struct Running<K, T> {
    key: K,
    total: usize,
    progress: Progress,
    receiver: Receiver<T>,
}

/// One kind of background job, with its last result.
pub struct Task<K, T> {
    running: Option<Running<K, T>>,
    result: Option<(K, T)>,
    /// The key of the last job that was cancelled or whose thread died without a result.
    abandoned: Option<K>,
}

impl<K, T> Default for Task<K, T> {
    fn default() -> Self {
        Self {
            running: None,
            result: None,
            abandoned: None,
        }
    }
}

impl<K, T> Task<K, T>
where
    K: Clone + PartialEq + Send + 'static,
    T: Send + 'static,
{
    /// Starts `work` for `key` unless a job for that key is running or its result is held.
    /// A job for another key is cancelled first. `total` is what [`Progress::done`] counts to.
    pub fn request(
        &mut self,
        ctx: &Context,
        key: K,
        total: usize,
        work: impl FnOnce(&Progress) -> T + Send + 'static,
    ) {
        if self.result.as_ref().is_some_and(|(k, _)| *k == key)
            || self.running.as_ref().is_some_and(|r| r.key == key)
        {
            return;
        }
        self.start(ctx, key, total, work);
    }

    /// Starts `work` for `key` even if a result for it is held (an explicit "run again").
    pub fn start(
        &mut self,
        ctx: &Context,
        key: K,
        total: usize,
        work: impl FnOnce(&Progress) -> T + Send + 'static,
    ) {
        self.cancel();
        let (sender, receiver) = channel();
        let progress = Progress::default();
        let worker_progress = progress.clone();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("analysis".to_owned())
            .spawn(move || {
                let result = work(&worker_progress);
                // The receiver is gone when the job was superseded: the result is dropped.
                let _ = sender.send(result);
                ctx.request_repaint();
            });
        if spawned.is_ok() {
            self.abandoned = None;
            self.running = Some(Running {
                key,
                total,
                progress,
                receiver,
            });
        } else {
            self.abandoned = Some(key);
        }
    }

    /// Takes a finished result; returns whether one arrived. Call once per frame.
    pub fn poll(&mut self) -> bool {
        let Some(running) = &self.running else {
            return false;
        };
        match running.receiver.try_recv() {
            Ok(result) => {
                if let Some(running) = self.running.take() {
                    self.result = Some((running.key, result));
                }
                true
            }
            Err(TryRecvError::Empty) => false,
            Err(TryRecvError::Disconnected) => {
                // The worker panicked: report it as abandoned rather than spin forever.
                self.abandoned = self.running.take().map(|running| running.key);
                false
            }
        }
    }

    /// Asks the running job to stop and forgets it; its result, if any, is dropped.
    pub fn cancel(&mut self) {
        if let Some(running) = self.running.take() {
            running.progress.cancel.store(true, Ordering::Relaxed);
            self.abandoned = Some(running.key);
        }
    }

    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// The key of the running job.
    pub fn running_key(&self) -> Option<&K> {
        self.running.as_ref().map(|running| &running.key)
    }

    /// Progress of the running job in `0..=1`, if it counts.
    pub fn fraction(&self) -> Option<f32> {
        let running = self.running.as_ref()?;
        if running.total == 0 {
            return None;
        }
        let done = running.progress.done.load(Ordering::Relaxed);
        Some((done as f32 / running.total as f32).clamp(0.0, 1.0))
    }

    /// The last result and the key it was computed for.
    pub fn result(&self) -> Option<(&K, &T)> {
        self.result.as_ref().map(|(key, value)| (key, value))
    }

    /// The last result if it was computed for `key`.
    pub fn result_for(&self, key: &K) -> Option<&T> {
        self.result
            .as_ref()
            .filter(|(k, _)| k == key)
            .map(|(_, value)| value)
    }

    /// The key of the last job that was cancelled (or died).
    pub fn abandoned(&self) -> Option<&K> {
        self.abandoned.as_ref()
    }

    /// Drops the held result.
    pub fn clear(&mut self) {
        self.result = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait<K, T>(task: &mut Task<K, T>) -> bool
    where
        K: Clone + PartialEq + Send + 'static,
        T: Send + 'static,
    {
        for _ in 0..2000 {
            if task.poll() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        false
    }

    #[test]
    fn a_result_is_tagged_with_its_key_and_not_recomputed() {
        let ctx = Context::default();
        let mut task: Task<u64, u64> = Task::default();
        task.request(&ctx, 7, 0, |_| 49);
        assert!(task.is_running());
        assert!(wait(&mut task), "the job finishes");
        assert_eq!(task.result_for(&7), Some(&49));
        assert_eq!(task.result_for(&8), None, "another key has no result");
        task.request(&ctx, 7, 0, |_| 0);
        assert!(!task.is_running(), "a held result is not recomputed");
    }

    #[test]
    fn a_result_is_not_shown_for_another_generation_or_settings() {
        let ctx = Context::default();
        let mut task: Task<JobKey<&'static str>, u64> = Task::default();
        task.request(&ctx, JobKey::new(3, "funding need"), 0, |_| 42);
        assert!(wait(&mut task), "the job finishes");
        assert_eq!(task.result_for(&JobKey::new(3, "funding need")), Some(&42));
        assert_eq!(task.result_for(&JobKey::new(4, "funding need")), None);
        assert_eq!(task.result_for(&JobKey::new(3, "min cash")), None);
    }

    #[test]
    fn a_new_key_cancels_the_stale_job_and_drops_its_result() {
        let ctx = Context::default();
        let mut task: Task<u64, &'static str> = Task::default();
        let (release, gate) = channel::<()>();
        task.request(&ctx, 1, 0, move |progress| {
            let _ = gate.recv();
            if progress.is_cancelled() {
                "cancelled"
            } else {
                "stale"
            }
        });
        task.request(&ctx, 2, 0, |_| "fresh");
        let _ = release.send(());
        assert!(wait(&mut task));
        assert_eq!(task.result(), Some((&2, &"fresh")));
        assert_eq!(task.abandoned(), None, "the newer job replaced the record");
    }
}
