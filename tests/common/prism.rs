//! A Prism mock server (installed by `npm ci`) on a free local port, stopped when dropped.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running Prism.
pub struct Prism {
    child: Child,
    /// Its root URL.
    pub url: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Prism {
    /// Serves `spec` (relative to the repository, or absolute) with the `extra` arguments.
    pub fn start(spec: &Path, extra: &[&str]) -> Prism {
        let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let bin = repo.join("node_modules/.bin/prism");
        assert!(
            bin.exists(),
            "Prism is not installed: run `npm ci` (scripts/test does)"
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("prism.log");
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new(bin)
            .arg("mock")
            .arg(spec)
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .args(extra)
            .current_dir(&repo)
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .expect("start Prism");
        let prism = Prism {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(120);
        while !prism.log().contains("Prism is listening") {
            assert!(
                Instant::now() < deadline,
                "Prism did not start in 120 s:\n{}",
                prism.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        prism
    }

    /// What Prism logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
