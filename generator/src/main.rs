//! The `rebilly-sdk-gen` command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// `println!` that ignores a closed stdout (`| head`) instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `print!` that ignores a closed stdout.
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use rebilly_sdk_gen::commands::diff::{Report, Severity};
use rebilly_sdk_gen::commands::release::{self, Outcome};
use rebilly_sdk_gen::krate::{crate_files, RuntimeDependency};
use rebilly_sdk_gen::timings::Stage;
use rebilly_sdk_gen::{generate_with, write, Filter, Generated, Options, OutputFile};

#[derive(Parser)]
#[command(
    version,
    about = "Generates a typed async Rust SDK from Rebilly's OpenAPI definitions"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the SDK module from a spec (default: spec/ into generated/).
    Generate(Generate),
    /// Compare the Rust API two specs produce: every change, its semver severity, the
    /// verdict and the next version. Exit 1 when a change reaches --fail-on.
    Diff(Diff),
    /// Take into a spec folder exactly the upstream files that the operations of some tags
    /// reach (upstream's layout, entry file trimmed), all or nothing; print what changed in
    /// the folder and in the Rust API.
    Sync(Sync),
    /// Create a new SDK crate for any Rebilly API group: spec/ (via sync), build.rs,
    /// generated/, src/lib.rs, a README and a freshness test.
    Init(Init),
    /// Write the next version into Cargo.toml and the change report at the top of
    /// CHANGELOG.md, from what changed between two specs (both files or neither); with
    /// --check, exit 1 when Cargo.toml's version is lower than the changes need.
    Release(Release),
}

#[derive(Args)]
struct Release {
    /// The spec as last released (entry file, or a directory holding openapi.yaml).
    old: PathBuf,
    /// The spec to release.
    new: PathBuf,
    /// Only operations with this tag (repeatable).
    #[arg(long = "tag", value_name = "NAME")]
    tags: Vec<String>,
    /// The crate folder holding Cargo.toml and CHANGELOG.md.
    #[arg(long, default_value = ".")]
    dir: PathBuf,
    #[command(flatten)]
    options: ReleaseOptions,
    /// Write nothing: exit 1 when Cargo.toml's version is lower than the changes need
    /// after --base (default: the version in the Cargo.toml beside OLD's spec folder).
    #[arg(long)]
    check: bool,
}

/// What `release` and `sync --release` may be told besides the report.
#[derive(Args, Clone)]
struct ReleaseOptions {
    /// Release this version instead of the one the changes call for (never a lower one).
    #[arg(long, value_name = "X.Y.Z")]
    release_version: Option<String>,
    /// The version the old spec was released as (default: Cargo.toml's).
    #[arg(long, value_name = "X.Y.Z")]
    base: Option<String>,
    /// The least severity of the release, for hand-written changes the report cannot see.
    #[arg(long, value_name = "SEVERITY", value_parser = ["major", "minor", "patch"])]
    at_least: Option<String>,
    /// The date of the CHANGELOG entry (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
}

impl ReleaseOptions {
    fn options(&self) -> rebilly_sdk_gen::commands::release::Options {
        rebilly_sdk_gen::commands::release::Options {
            version: self.release_version.clone(),
            base: self.base.clone(),
            at_least: self.at_least.as_deref().and_then(Severity::parse),
            date: self.date.clone(),
        }
    }
}

#[derive(Args)]
struct Init {
    /// An upstream checkout of Rebilly's api-definitions, or its entry file.
    #[arg(long, value_name = "UPSTREAM")]
    from: PathBuf,
    /// The operations with this tag (repeatable; at least one).
    #[arg(long = "tag", value_name = "NAME", required = true)]
    tags: Vec<String>,
    /// The new crate's folder (must not exist, or be empty).
    #[arg(long)]
    dir: PathBuf,
    /// The package name (default: `rebilly-` and the tags, e.g. rebilly-gateway-accounts).
    #[arg(long)]
    name: Option<String>,
    /// Depend on rebilly-runtime and rebilly-sdk-gen in this checkout of the generator's
    /// repository (path dependencies) instead of their crates.io versions.
    #[arg(long, value_name = "REPO")]
    local: Option<PathBuf>,
}

#[derive(Args)]
struct Sync {
    /// An upstream checkout of Rebilly's api-definitions (a folder holding
    /// openapi/openapi.yaml), or its entry file.
    #[arg(long, value_name = "UPSTREAM")]
    from: PathBuf,
    /// The operations with this tag (repeatable; at least one).
    #[arg(long = "tag", value_name = "NAME", required = true)]
    tags: Vec<String>,
    /// The spec folder to write (it belongs to sync: files it no longer reaches are removed).
    #[arg(long, default_value = "spec")]
    spec: PathBuf,
    /// The crate's current version, for the next one (default: the version in the
    /// Cargo.toml beside the spec folder).
    #[arg(long)]
    version: Option<String>,
    /// Write nothing: print what a sync would change, and exit 1 when it would change
    /// anything (the spec folder is behind upstream).
    #[arg(long)]
    check: bool,
    /// Then release: the next version into the Cargo.toml beside the spec folder and the
    /// change report at the top of its CHANGELOG.md (see `release`). A refused release
    /// changes nothing, the spec folder included.
    #[arg(long)]
    release: bool,
    #[command(flatten)]
    release_options: ReleaseOptions,
}

#[derive(Args)]
struct Generate {
    /// Spec entry file, or a directory holding openapi.yaml.
    #[arg(long, default_value = "spec")]
    spec: PathBuf,
    /// Output directory.
    #[arg(long, default_value = "generated")]
    out: PathBuf,
    /// Only operations with this tag (repeatable).
    #[arg(long = "tag", value_name = "NAME", conflicts_with = "all")]
    tags: Vec<String>,
    /// Every operation of the spec (the default when no --tag is given).
    #[arg(long)]
    all: bool,
    /// Write a standalone crate with this package name (Cargo.toml, src/), with a cargo
    /// feature per API group when there are several.
    #[arg(long = "crate", value_name = "NAME")]
    crate_name: Option<String>,
    /// With --crate: depend on the runtime crate at this path instead of its registry version.
    #[arg(long, value_name = "PATH", requires = "crate_name")]
    runtime_path: Option<PathBuf>,
    /// Write nothing; exit 1 and list the files that differ from what the spec produces.
    #[arg(long)]
    check: bool,
    /// Treat warnings as errors.
    #[arg(long)]
    strict: bool,
    /// Also generate the operations the spec marks `x-sdk-skip`.
    #[arg(long)]
    include_skipped: bool,
    /// Print the time of each stage (load, lint, analyze, emit to tokens, parse, format,
    /// write) and the peak memory of each phase, on stderr.
    #[arg(long)]
    timings: bool,
}

#[derive(Args)]
struct Diff {
    /// The old spec (entry file, or a directory holding openapi.yaml).
    old: PathBuf,
    /// The new spec.
    new: PathBuf,
    /// Only operations with this tag (repeatable).
    #[arg(long = "tag", value_name = "NAME")]
    tags: Vec<String>,
    /// `markdown` (a CHANGELOG section) or `json`.
    #[arg(long, default_value = "markdown", value_parser = ["markdown", "json"])]
    format: String,
    /// The crate's current version, for the next one.
    #[arg(long, default_value = env!("CARGO_PKG_VERSION"))]
    version: String,
    /// Exit 1 when a change is at least this severe: major, minor or patch.
    #[arg(long, value_name = "SEVERITY", value_parser = ["major", "minor", "patch"])]
    fail_on: Option<String>,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Generate(args) => generate(args),
        Command::Diff(args) => diff(args),
        Command::Sync(args) => sync(args),
        Command::Init(args) => init(args),
        Command::Release(args) => release(args),
    }
}

fn generate(args: Generate) -> ExitCode {
    let Generate {
        spec,
        out,
        tags,
        all: _,
        crate_name,
        runtime_path,
        check,
        strict,
        include_skipped,
        timings,
    } = args;
    let source = spec.to_string_lossy().replace('\\', "/");
    let options = Options {
        filter: Filter {
            tags,
            include_skipped,
        },
        source: source.clone(),
        features: crate_name.is_some(),
    };
    let generated = generate_with(&spec, &options).and_then(|g| {
        for w in &g.warnings {
            eprintln!("{w}");
        }
        if strict {
            g.strict()
        } else {
            Ok(g)
        }
    });
    let generated = match generated {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let files = match &crate_name {
        Some(name) => {
            let runtime = match runtime_path {
                Some(path) => RuntimeDependency::Path(path),
                None => RuntimeDependency::Version(env!("CARGO_PKG_VERSION").to_string()),
            };
            crate_files(&generated, name, &runtime, &source)
        }
        None => generated.files.clone(),
    };
    if check {
        let drift = write::check_files(&out, &files);
        if drift.is_empty() {
            say!("{} is up to date: {}", out.display(), generated.summary());
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "{} differs from what {} produces:",
            out.display(),
            spec.display()
        );
        for d in &drift {
            eprintln!("  {d}");
        }
        eprintln!("run `cargo run -p rebilly-sdk-gen -- generate` to update it");
        return ExitCode::from(1);
    }
    write_out(&out, &files, &generated, timings)
}

/// Writes the files and says what was written; with `timings`, prints where the time went.
fn write_out(out: &Path, files: &[OutputFile], generated: &Generated, timings: bool) -> ExitCode {
    let clock = &generated.clock;
    let (written, writing) = rebilly_sdk_gen::timings::phase(|| {
        clock.time(Stage::Write, || write::write_files(out, files))
    });
    if timings {
        let phases = [
            ("load+lint+analyze", &generated.analysis),
            ("emit", &generated.emission),
            ("write", &writing),
        ];
        eprint!("{}", rebilly_sdk_gen::timings::report(clock, &phases));
    }
    match written {
        Ok(report) => {
            say!(
                "{}; {} written, {} unchanged, {} removed",
                generated.summary(),
                report.written.len(),
                report.unchanged.len(),
                report.removed.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn diff(args: Diff) -> ExitCode {
    let Diff {
        old,
        new,
        tags,
        format,
        version,
        fail_on,
    } = args;
    let filter = Filter {
        tags,
        include_skipped: false,
    };
    let models = rebilly_sdk_gen::api_model(&old, &filter)
        .and_then(|o| Ok((o, rebilly_sdk_gen::api_model(&new, &filter)?)));
    let (old_api, new_api) = match models {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let report = rebilly_sdk_gen::commands::diff::diff(&old_api, &new_api);
    match format.as_str() {
        "json" => say!("{:#}", report.json(&version)),
        _ => say_raw!("{}", report.markdown(&version)),
    }
    let threshold = fail_on
        .as_deref()
        .and_then(rebilly_sdk_gen::commands::diff::Severity::parse);
    match (threshold, report.verdict()) {
        (Some(t), Some(v)) if v >= t => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    }
}

fn sync(args: Sync) -> ExitCode {
    let start = std::time::Instant::now();
    let selection = match rebilly_sdk_gen::commands::sync::select(&args.from, &args.tags) {
        Ok(s) => s,
        Err(e) => return sync_failed(&args.spec, &e),
    };
    let old_api = current_model(&args.spec);
    let version = args
        .version
        .clone()
        .or_else(|| rebilly_sdk_gen::krate::package_version(args.spec.parent()))
        .unwrap_or_else(|| "0.1.0".to_string());
    let crate_dir = match args.spec.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut new_api = None;
    let mut planned = None;
    // Run on the staged folder before it replaces spec/: a refused release leaves the spec
    // folder, Cargo.toml and CHANGELOG.md as they were.
    let model = |staged: &Path| {
        let new = rebilly_sdk_gen::api_model(staged, &Filter::default())?;
        if let (true, Some(old)) = (args.release, &old_api) {
            let report = rebilly_sdk_gen::commands::diff::diff(old, &new);
            let options = args.release_options.options();
            planned = Some(release::plan(&report, &crate_dir, &options)?);
        }
        new_api = Some(new);
        Ok(())
    };
    let applied = if args.check {
        rebilly_sdk_gen::commands::sync::preview(&selection, &args.spec, model)
    } else {
        rebilly_sdk_gen::commands::sync::apply(&selection, &args.spec, model)
    };
    let report = match applied {
        Ok(r) => r,
        Err(e) => return sync_failed(&args.spec, &e),
    };
    say_synced(&args, &selection, &report, start);
    say!("");
    match (old_api, new_api) {
        (Some(old), Some(new)) => say_raw!(
            "{}",
            rebilly_sdk_gen::commands::diff::diff(&old, &new).markdown(&version)
        ),
        (None, Some(new)) => say!(
            "A new SDK: {} operation(s), {} type(s).",
            new.operation_count(),
            new.types.len()
        ),
        (_, None) => say!("No change to the spec, so none to the Rust API."),
    }
    if args.check && !report.is_empty() {
        eprintln!(
            "{} is behind upstream; run the same command without --check to sync it",
            args.spec.display()
        );
        return ExitCode::from(1);
    }
    match planned {
        Some(plan) if !args.check => sync_release(plan, &crate_dir),
        _ => ExitCode::SUCCESS,
    }
}

fn sync_failed(spec: &Path, e: &rebilly_sdk_gen::Error) -> ExitCode {
    eprintln!("error: {e}");
    eprintln!("{} was not changed", spec.display());
    ExitCode::from(2)
}

/// The model of the spec folder as it is, if it has one that loads.
fn current_model(spec: &Path) -> Option<rebilly_sdk_gen::model::Api> {
    if !rebilly_sdk_gen::entry_file(spec).is_file() {
        return None;
    }
    match rebilly_sdk_gen::api_model(spec, &Filter::default()) {
        Ok(api) => Some(api),
        Err(e) => {
            eprintln!(
                "note: the current {} does not load, so there is no change report against it: {e}",
                spec.display()
            );
            None
        }
    }
}

fn say_synced(
    args: &Sync,
    selection: &rebilly_sdk_gen::commands::sync::Selection,
    report: &rebilly_sdk_gen::commands::sync::SyncReport,
    start: std::time::Instant,
) {
    say!(
        "{} {} operation(s) and {} webhook(s) tagged {} from {}: {} files ({} added, {} changed, {} removed, {} unchanged) in {:.0} ms",
        if args.check { "would sync" } else { "synced" },
        selection.operations,
        selection.webhooks,
        args.tags.join(", "),
        selection.entry.display(),
        selection.files.len(),
        report.added.len(),
        report.changed.len(),
        report.removed.len(),
        report.unchanged.len(),
        start.elapsed().as_secs_f64() * 1000.0
    );
    for (label, list) in [
        ("added", &report.added),
        ("changed", &report.changed),
        ("removed", &report.removed),
    ] {
        for path in list {
            say!("  {label:<8} {}/{path}", args.spec.display());
        }
    }
    for note in &selection.notes {
        say!("  note: {note}");
    }
}

/// `sync --release`: the spec folder is in place; now Cargo.toml and CHANGELOG.md.
fn sync_release(plan: release::Plan, crate_dir: &Path) -> ExitCode {
    say!("");
    match plan.commit() {
        Ok(outcome) => {
            say_release(&outcome, crate_dir);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("the spec folder is synced; Cargo.toml and CHANGELOG.md were not changed");
            ExitCode::from(2)
        }
    }
}

fn init(args: Init) -> ExitCode {
    let Init {
        from,
        tags,
        dir,
        name,
        local,
    } = args;
    let start = std::time::Instant::now();
    let origin = match local {
        Some(repo) => match std::path::absolute(&repo) {
            Ok(repo) => rebilly_sdk_gen::commands::init::Origin::Checkout(repo),
            Err(e) => {
                eprintln!("error: {}: {e}", repo.display());
                return ExitCode::from(2);
            }
        },
        None => {
            rebilly_sdk_gen::commands::init::Origin::Registry(env!("CARGO_PKG_VERSION").to_string())
        }
    };
    match rebilly_sdk_gen::commands::init::init(&from, &tags, &dir, name.as_deref(), &origin) {
        Ok(created) => {
            say!(
                "created {} in {}: {} operation(s), {} type(s); {} spec files, {} files in all, in {:.0} ms",
                created.name,
                created.dir.display(),
                created.generated.api.operation_count(),
                created.generated.api.types.len(),
                created.selection.files.len(),
                created.files,
                start.elapsed().as_secs_f64() * 1000.0
            );
            for note in &created.selection.notes {
                say!("  note: {note}");
            }
            for w in &created.generated.warnings {
                say!("  {w}");
            }
            say!("next: cd {} && cargo test", created.dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("nothing was created");
            ExitCode::from(2)
        }
    }
}

fn release(args: Release) -> ExitCode {
    let filter = Filter {
        tags: args.tags.clone(),
        include_skipped: false,
    };
    let models = rebilly_sdk_gen::api_model(&args.old, &filter)
        .and_then(|o| Ok((o, rebilly_sdk_gen::api_model(&args.new, &filter)?)));
    let report = match models {
        Ok((old, new)) => rebilly_sdk_gen::commands::diff::diff(&old, &new),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if args.check {
        return release_check(&args, &report);
    }
    let planned = release::plan(&report, &args.dir, &args.options.options()).and_then(|plan| {
        let entry = plan.entry.clone();
        Ok((plan.commit()?, entry))
    });
    match planned {
        Ok((outcome, entry)) => {
            say_release(&outcome, &args.dir);
            say_raw!("{entry}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("Cargo.toml and CHANGELOG.md were not changed");
            ExitCode::from(2)
        }
    }
}

fn say_release(outcome: &Outcome, dir: &Path) {
    let files = format!(
        "{} and {}",
        release::manifest_path(dir).display(),
        release::changelog_path(dir).display()
    );
    match outcome {
        Outcome::Released { from, to, verdict } => {
            say!(
                "released {to} ({} change, from {from}): {files}",
                verdict.as_str()
            )
        }
        Outcome::AlreadyReleased { version } => {
            say!("already released as {version}: {files} unchanged")
        }
        Outcome::NoChange { version } => {
            say!("no change to the Rust API: {version} stays, {files} unchanged")
        }
    }
}

/// `release --check`: the version in Cargo.toml against what the changes need.
fn release_check(args: &Release, report: &Report) -> ExitCode {
    let spec_dir = if args.old.is_file() {
        args.old.parent()
    } else {
        Some(args.old.as_path())
    };
    let base = args
        .options
        .base
        .clone()
        .or_else(|| rebilly_sdk_gen::krate::package_version(spec_dir.and_then(Path::parent)));
    let Some(base) = base else {
        eprintln!("error: no Cargo.toml beside {} says which version it was released as; pass --base X.Y.Z", args.old.display());
        return ExitCode::from(2);
    };
    let at_least = args.options.at_least.as_deref().and_then(Severity::parse);
    match release::check(report, &args.dir, &base, at_least) {
        Ok(check) if check.passes() => {
            say!(
                "{} is enough: the changes since {base} need {}",
                check.current,
                check.needed
            );
            ExitCode::SUCCESS
        }
        Ok(check) => {
            let verdict = check.verdict.map_or("no", Severity::as_str);
            eprintln!(
                "error: {} has {}, lower than the changes need: {} ({verdict} change since {base}); run `rebilly-sdk-gen release` to set it",
                release::manifest_path(&args.dir).display(),
                check.current,
                check.needed
            );
            say_raw!("{}", report.markdown(&base));
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory as _;
        super::Cli::command().debug_assert();
    }
}
