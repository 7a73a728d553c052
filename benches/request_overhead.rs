//! Request overhead of the SDK against the same request written by hand with reqwest + serde,
//! both against one minimal local HTTP server that answers canned bytes (so the server costs
//! the same for both and as little as possible).
//!
//! `cargo bench --bench request_overhead`: wall time (criterion). On a shared machine its noise
//! is as large as the difference; `cargo bench --bench request_instructions` counts
//! instructions instead.

mod support;

use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let base = rt.block_on(support::serve());
    let (sdk, http, org) = support::clients(&base);

    let mut login = c.benchmark_group("login");
    login.bench_function("sdk", |b| b.to_async(&rt).iter(|| support::sdk_login(&sdk)));
    login.bench_function("hand-written reqwest", |b| {
        b.to_async(&rt).iter(|| support::hand_login(&http, &org))
    });
    login.finish();

    let mut page = c.benchmark_group("page of 100 credentials");
    page.bench_function("sdk", |b| b.to_async(&rt).iter(|| support::sdk_page(&sdk)));
    page.bench_function("hand-written reqwest", |b| {
        b.to_async(&rt).iter(|| support::hand_page(&http, &org))
    });
    page.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
