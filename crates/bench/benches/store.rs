//! The embedded store (`SqliteRegistry` under `RegistryConfig`, reached through
//! `mprconfig::connect`), each operation beside the floor it is judged against, measured in
//! the same run on the same file system:
//!
//! | group | operation | floor | target |
//! |---|---|---|---|
//! | `store/connect` | `connect(None)` + drop, warm process | `stat` of the store path | ≤ 20 µs |
//! | `store/create` | durable `interface_create` | bare SQLite insert + commit, same pragmas | ≤ 1.3 × floor |
//! | `store/get` | `interface_get_handle`, `interface_get_info` (1,000 interfaces) | bare point select | ≤ 10 µs |
//! | `store/enum` | `interface_enum` level 0 of 10,000 interfaces: warm, after another writer's filter change, after another writer's interface change, after `refresh` | bare select of 10,000 rows | ≤ 10 ms |
//!
//! Run: `cargo bench -p mprconfig-bench --bench store` (add `-- --warm-up-time 1
//! --measurement-time 3` for a quicker pass). Durable writes wait for `fsync`, so `store/create`
//! measures the disk as much as the code: compare the two lines, not absolute numbers.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use mprconfig::{Connection, Interface, InterfaceType, RouterConfig};
use mprconfig_core::{MemRegistry, RegistryConfig};
use rusqlite::{Connection as Sql, OptionalExtension, params};

fn router(name: &str) -> Interface {
    Interface {
        name: name.to_owned(),
        if_type: InterfaceType::FULL_ROUTER,
        enabled: true,
        ..Interface::default()
    }
}

/// A store holding `n` extra interfaces `If-00000`..., filled with one restore (one
/// transaction) of a backup built in memory, since `n` durable creates would take minutes.
fn store_with(dir: &Path, n: u32) -> Connection {
    let conn = mprconfig::connect_store(dir.join("router.db")).expect("create the store");
    let scratch = RegistryConfig::new(MemRegistry::new());
    scratch
        .restore(&conn.backup().expect("backup"))
        .expect("restore into memory");
    for i in 0..n {
        scratch
            .interface_create(&router(&format!("If-{i:05}")))
            .expect("create in memory");
    }
    conn.restore(&scratch.backup().expect("backup"))
        .expect("restore into the store");
    conn
}

/// A bare SQLite database with the store's pragmas and one table of `n` (name, data) rows.
fn floor_db(path: &Path, n: u32) -> Sql {
    let db = Sql::open(path).expect("open");
    db.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, data BLOB NOT NULL);",
    )
    .expect("schema");
    db.execute_batch("BEGIN").expect("begin");
    for i in 0..n {
        db.execute(
            "INSERT INTO t (name, data) VALUES (?1, ?2)",
            params![format!("If-{i:05}"), vec![0u8; 40]],
        )
        .expect("insert");
    }
    db.execute_batch("COMMIT").expect("commit");
    db
}

fn connect(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("router.db");
    // SAFETY: set before any other thread of this process exists.
    unsafe { std::env::set_var(mprconfig::STORE_ENV, &path) };
    // Warm: the first connect opens and checks the store; the measured ones reuse it.
    drop(mprconfig::connect(None).expect("first connect"));
    let mut g = c.benchmark_group("store/connect");
    g.bench_function("connect(None) + disconnect", |b| {
        b.iter(|| mprconfig::connect(None).expect("connect").disconnect())
    });
    g.bench_function("floor: stat(store path)", |b| {
        b.iter(|| black_box(std::fs::metadata(&path).expect("stat")))
    });
    g.finish();
}

/// One round of the create comparison: a durable `interface_create` and a bare SQLite
/// insert + commit, each undone again. Both benchmarks run the same rounds and time only their
/// own operation, so both see the same disk (fsync latency drifts with the machine's load).
struct CreateRound<'a> {
    conn: &'a Connection,
    floor: &'a Sql,
    n: u64,
}

impl CreateRound<'_> {
    /// Runs one round; returns how long (create, floor insert) took.
    fn run(&mut self) -> (Duration, Duration) {
        self.n += 1;
        let name = format!("New-{}", self.n);
        let iface = router(&name);
        let t = Instant::now();
        let id = self.conn.interface_create(&iface).expect("create");
        let create = t.elapsed();
        let t = Instant::now();
        self.floor.execute_batch("BEGIN IMMEDIATE").expect("begin");
        self.floor
            .prepare_cached("INSERT INTO t (name, data) VALUES (?1, ?2)")
            .and_then(|mut s| s.execute(params![name, [0u8; 40]]))
            .expect("insert");
        self.floor.execute_batch("COMMIT").expect("commit");
        let insert = t.elapsed();
        // Undo both (untimed) so every round starts from the same state.
        self.conn.interface_delete(&id).expect("delete");
        self.floor
            .execute("DELETE FROM t WHERE name = ?1", [&name])
            .expect("delete");
        (create, insert)
    }
}

fn create(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let conn = store_with(dir.path(), 100);
    let floor = floor_db(&dir.path().join("floor.db"), 100);
    let mut round = CreateRound {
        conn: &conn,
        floor: &floor,
        n: 0,
    };
    let mut g = c.benchmark_group("store/create");
    g.sample_size(20).measurement_time(Duration::from_secs(15));
    g.bench_function("interface_create (durable)", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| round.run().0).sum())
    });
    g.bench_function(
        "floor: SQLite insert + commit (WAL, synchronous=FULL)",
        |b| b.iter_custom(|iters| (0..iters).map(|_| round.run().1).sum()),
    );
    g.finish();
}

fn get(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let conn = store_with(dir.path(), 1000);
    let floor = floor_db(&dir.path().join("floor.db"), 1000);
    let id = conn.interface_get_handle("If-00500").expect("handle");
    let mut g = c.benchmark_group("store/get");
    g.bench_function("interface_get_handle", |b| {
        b.iter(|| {
            black_box(
                conn.interface_get_handle(black_box("if-00500"))
                    .expect("handle"),
            )
        })
    });
    g.bench_function("interface_get_info", |b| {
        b.iter(|| black_box(conn.interface_get_info(black_box(&id)).expect("info")))
    });
    g.bench_function("floor: SQLite point select", |b| {
        b.iter(|| {
            let row: Option<Vec<u8>> = floor
                .prepare_cached("SELECT data FROM t WHERE name = ?1")
                .and_then(|mut s| {
                    s.query_row([black_box("If-00500")], |r| r.get(0))
                        .optional()
                })
                .expect("select");
            black_box(row)
        })
    });
    g.finish();
}

fn enumerate(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let conn = store_with(dir.path(), 10_000);
    let floor = floor_db(&dir.path().join("floor.db"), 10_000);
    let mut g = c.benchmark_group("store/enum");
    g.sample_size(20);
    // Warm: nothing changed since the last call, so `RegistryConfig` serves its cached listing.
    g.bench_function(
        "interface_enum level 0, 10,000 interfaces, unchanged store",
        |b| {
            b.iter(|| {
                let page = conn.interface_enum(0, u32::MAX).expect("enum");
                assert!(page.entries.len() >= 10_000);
                black_box(page)
            })
        },
    );
    // Another connection (another process, as far as the caches know) wrote just before,
    // something other than an interface: the change log shows that, and the listing is
    // carried over (one read of the log). Only the enumeration is timed.
    let other = RegistryConfig::new(
        mprconfig_store::SqliteRegistry::open(dir.path().join("router.db")).expect("open"),
    );
    // Times `iters` enumerations on `conn`, each right after one `write` by the other
    // connection, numbered across all rounds (so that alternating values always change);
    // only the enumeration is timed.
    let written = std::cell::Cell::new(0u64);
    let enum_after = |iters: u64, write: &mut dyn FnMut(u64)| {
        let mut total = Duration::ZERO;
        for _ in 0..iters {
            written.set(written.get() + 1);
            write(written.get());
            let t = Instant::now();
            let page = conn.interface_enum(0, u32::MAX).expect("enum");
            total += t.elapsed();
            assert!(page.entries.len() >= 10_000);
        }
        total
    };
    g.bench_function(
        "interface_enum level 0, 10,000 interfaces, after another writer",
        |b| {
            b.iter_custom(|iters| {
                enum_after(iters, &mut |i| {
                    other
                        .filter_set_info(mprconfig::pid::IP, i.is_multiple_of(2))
                        .expect("write elsewhere")
                })
            })
        },
    );
    // The other writer changed an interface: the listing takes in that one interface again.
    let some = other
        .interface_get_handle("If-05000")
        .expect("an interface");
    g.bench_function(
        "interface_enum level 0, 10,000 interfaces, after another writer changed one",
        |b| {
            b.iter_custom(|iters| {
                enum_after(iters, &mut |i| {
                    let mut info = router(&some.name);
                    info.enabled = i.is_multiple_of(2);
                    other
                        .interface_set_info(&some, 0, &info)
                        .expect("write elsewhere")
                })
            })
        },
    );
    // Cold: `refresh` (MprConfigServerRefresh) drops the caches, as a process's first call
    // finds them, so all 10,000 interfaces are read.
    g.bench_function(
        "interface_enum level 0, 10,000 interfaces, after refresh (all read again)",
        |b| b.iter_custom(|iters| enum_after(iters, &mut |_| conn.refresh().expect("refresh"))),
    );
    g.bench_function("floor: SQLite select of 10,000 rows", |b| {
        b.iter(|| {
            let rows: Vec<(String, Vec<u8>)> = floor
                .prepare_cached("SELECT name, data FROM t ORDER BY id")
                .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
                .expect("select");
            black_box(rows)
        })
    });
    g.finish();
}

criterion_group!(benches, connect, create, get, enumerate);
criterion_main!(benches);
