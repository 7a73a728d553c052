//! Where generation spends its time and memory: what `generate --timings` prints.
//!
//! The stages interleave (files are loaded when a `$ref` is first followed, a schema is
//! linted when it is first read, and the emitter builds, parses and prints one item after
//! another on every core), so each stage's time is summed where it is spent, on whichever
//! thread, by a [`Clock`] that the run shares. Peak memory is measured per phase (analysis,
//! emission, writing), since the stages within a phase are alive at once.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A stage of the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading and parsing spec files (YAML or JSON, with the line of every node).
    Load,
    /// Checking schemas and parameters against OpenAPI and JSON Schema.
    Lint,
    /// The spec → the model, less the two above.
    Analyze,
    /// The model → token streams (`quote!`).
    Tokens,
    /// Token streams → `syn` syntax trees.
    Parse,
    /// Syntax trees → source text (`prettyplease`).
    Format,
    /// Files on disk.
    Write,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: [Stage; 7] = [
        Stage::Load,
        Stage::Lint,
        Stage::Analyze,
        Stage::Tokens,
        Stage::Parse,
        Stage::Format,
        Stage::Write,
    ];

    /// The stage's name in the report.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Load => "load",
            Stage::Lint => "lint",
            Stage::Analyze => "analyze",
            Stage::Tokens => "emit to tokens",
            Stage::Parse => "parse",
            Stage::Format => "format",
            Stage::Write => "write",
        }
    }
}

/// Time spent in each stage, summed over the threads of one run. Clones share the sums.
#[derive(Debug, Clone, Default)]
pub struct Clock(Arc<[AtomicU64; 7]>);

impl Clock {
    /// Runs `f`, counting its time to `stage`.
    pub fn time<T>(&self, stage: Stage, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let result = f();
        self.add(stage, start.elapsed());
        result
    }

    /// Counts `took` to `stage`.
    pub fn add(&self, stage: Stage, took: Duration) {
        let nanos = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        self.0[stage as usize].fetch_add(nanos, Ordering::Relaxed);
    }

    /// The time counted to `stage` so far.
    pub fn spent(&self, stage: Stage) -> Duration {
        Duration::from_nanos(self.0[stage as usize].load(Ordering::Relaxed))
    }
}

/// The figures of one phase: its stages' times and the phase's peak memory.
#[derive(Debug, Clone, Default)]
pub struct Phase {
    /// Wall time of the phase.
    pub wall: Duration,
    /// Peak resident memory while the phase ran, in bytes (Linux only).
    pub peak: Option<u64>,
}

/// Measures a phase: its wall time and its peak resident memory.
pub fn phase<T>(f: impl FnOnce() -> T) -> (T, Phase) {
    reset_peak();
    let start = Instant::now();
    let result = f();
    let wall = start.elapsed();
    (result, Phase { wall, peak: peak() })
}

/// Restarts the kernel's count of peak resident memory (Linux's `clear_refs`); elsewhere a
/// phase's peak is unknown and reported as such.
fn reset_peak() {
    // Best effort: without it, a phase's peak is at least that of the phases before it.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Peak resident memory since the last reset (`VmHWM`), in bytes.
fn peak() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The report `generate --timings` prints: a table of stages, then of phases.
pub fn report(clock: &Clock, phases: &[(&str, &Phase)]) -> String {
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    let mut out = String::from("stage              time (summed over threads)\n");
    for stage in Stage::ALL {
        out.push_str(&format!(
            "{:<18} {:>10}\n",
            stage.name(),
            ms(clock.spent(stage))
        ));
    }
    out.push_str("phase              wall time   peak memory\n");
    for (name, phase) in phases {
        let peak = phase.peak.map_or_else(
            || "unknown".to_string(),
            |b| format!("{:.0} MB", b as f64 / 1048576.0),
        );
        out.push_str(&format!("{name:<18} {:>10} {peak:>12}\n", ms(phase.wall)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_sums_what_every_clone_counts() {
        let clock = Clock::default();
        let other = clock.clone();
        clock.add(Stage::Parse, Duration::from_millis(3));
        std::thread::scope(|s| {
            s.spawn(|| other.add(Stage::Parse, Duration::from_millis(4)));
        });
        assert_eq!(clock.spent(Stage::Parse), Duration::from_millis(7));
        assert_eq!(clock.spent(Stage::Load), Duration::ZERO);
    }

    #[test]
    fn the_report_lists_every_stage_and_phase() {
        let clock = Clock::default();
        clock.add(Stage::Write, Duration::from_micros(1500));
        let phase = Phase {
            wall: Duration::from_millis(2),
            peak: Some(3 * 1048576),
        };
        let text = report(&clock, &[("emit", &phase)]);
        assert!(text.contains("write"), "{text}");
        assert!(text.contains("1.5 ms"), "{text}");
        assert!(text.contains("emit"), "{text}");
        assert!(text.contains("3 MB"), "{text}");
        for stage in Stage::ALL {
            assert!(text.contains(stage.name()), "{text}");
        }
    }
}
