//! Request overhead in instructions, not wall time: on a shared machine the noise of a timing
//! is larger than the difference being measured, while callgrind's instruction count is the
//! same from run to run.
//!
//! `cargo bench --bench request_instructions` (needs valgrind; without it, it says so and
//! stops). It starts the canned server as a separate process, then runs this executable under
//! `valgrind --tool=callgrind` once with `FEW` calls and once with `FEW + CALLS`, for each
//! request made by the SDK and by hand with reqwest + serde. The difference of the two totals,
//! divided by `CALLS`, is the cost of one call: setup, connection and warm-up cancel out.
//! Only the client process is counted; the server runs natively.
//!
//! `REQUEST_INSTRUCTIONS_CALLS` sets `CALLS` (default 200; `scripts/bench --quick` uses 20).

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// Calls made before counting starts to matter (connection, first-use allocations).
const FEW: u64 = 10;

const CASES: [(&str, &str, &str); 2] = [
    ("login", "sdk-login", "hand-login"),
    ("page of 100 credentials", "sdk-page", "hand-page"),
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("serve") => serve(),
        Some("run") => run(
            &args[1],
            args[2].parse().expect("a number of calls"),
            &args[3],
        ),
        _ => measure(),
    }
}

/// The canned server, until this process is killed. Prints its base URL first.
fn serve() {
    let rt = runtime();
    rt.block_on(async {
        println!("{}", support::serve().await);
        std::future::pending::<()>().await;
    });
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// `calls` calls of `case`, on one connection.
fn run(case: &str, calls: u64, base: &str) {
    let rt = runtime();
    let (sdk, http, org) = support::clients(base);
    rt.block_on(async {
        for _ in 0..calls {
            match case {
                "sdk-login" => support::sdk_login(&sdk).await,
                "hand-login" => support::hand_login(&http, &org).await,
                "sdk-page" => support::sdk_page(&sdk).await,
                "hand-page" => support::hand_page(&http, &org).await,
                other => panic!("unknown case {other}"),
            }
        }
    });
}

fn measure() {
    if Command::new("valgrind").arg("--version").output().is_err() {
        println!("valgrind is not installed: request instructions not measured");
        return;
    }
    let calls: u64 = std::env::var("REQUEST_INSTRUCTIONS_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let exe = std::env::current_exe().expect("the benchmark's own path");
    let mut server = Command::new(&exe)
        .arg("serve")
        .stdout(Stdio::piped())
        .spawn()
        .expect("the server process");
    let mut base = String::new();
    BufReader::new(server.stdout.take().expect("its stdout"))
        .read_line(&mut base)
        .expect("the server's address");
    let base = base.trim().to_string();
    let dir = tempfile::tempdir().expect("a temp dir");
    let count = |case: &str, n: u64| -> u64 {
        let out = dir.path().join(format!("{case}-{n}.out"));
        let status = Command::new("valgrind")
            .args(["--tool=callgrind", "--quiet"])
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(&exe)
            .args(["run", case, &n.to_string(), &base])
            .status()
            .expect("valgrind");
        assert!(status.success(), "{case} under callgrind failed");
        let text = std::fs::read_to_string(&out).expect("callgrind's output");
        text.lines()
            .find_map(|l| {
                l.strip_prefix("summary:")
                    .or_else(|| l.strip_prefix("totals:"))
            })
            .and_then(|v| v.trim().parse().ok())
            .expect("callgrind's total")
    };
    let per_call = |case: &str| (count(case, FEW + calls) - count(case, FEW)) as f64 / calls as f64;
    println!("| request | SDK instructions / call | hand-written | SDK / hand-written |");
    println!("| --- | ---: | ---: | ---: |");
    for (name, sdk, hand) in CASES {
        let (sdk, hand) = (per_call(sdk), per_call(hand));
        println!("| {name} | {sdk:.0} | {hand:.0} | {:.4} |", sdk / hand);
    }
    println!("\n(callgrind, {calls} calls after {FEW}, client process only)");
    let _ = server.kill();
    let _ = server.wait();
}
