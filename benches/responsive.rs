//! Does a user action wait for a sync? The window's own calls, timed on an
//! idle app and again while an account worker runs the first sync of the
//! 100k mailbox, side by side in one run (`benches/responsive` sets up the
//! servers and the mailbox, then runs this).
//!
//! The actions are what the window's tasks call when the user opens an
//! already-downloaded message (`Engine::body` and parsing it), flags it
//! (`Engine::set_flag_here`: the list shows the change when this returns;
//! the server hears of it afterwards), and searches (`Engine::search`).
//! As in the window, the worker has a store connection of its own, runs
//! on the background runtime (`worker::spawn`), and the engine is shared
//! without a lock. "Idle" is the same app after a complete first sync, with
//! the 100k mailbox stored: what a search then looks through. The rounds
//! during the syncs run twice, as the app runs (the sync gives way while
//! an action runs: `postel::priority`) and, for reference, with that
//! turned off; the syncs' own times are printed for both. Two reference
//! rows, timed in the same rounds on the same thread, show what the
//! machine gives any short task meanwhile: a tenth of a millisecond of
//! arithmetic, and one sleep of that length (a wake-up, as a write that
//! finds the store busy does between looks). Another row times the flag as
//! the window runs it: a task on the runtime's pool, so a pool thread
//! wakes for it and the caller wakes for its result.
//!
//! Environment: `POSTEL_TEST_ENV` (the servers' env file), `BENCH_DIR` (a
//! scratch folder), `BENCH_SAMPLES` (rounds per phase, default 200).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use postel::account::{Account, Incoming, Outgoing, PasswordSource, Security, Server};
use postel::engine::mail::FlagChange;
use postel::engine::{Dirs, Engine};
use postel::store::{FolderRole, NewMessage, SharedStore, Store};
use postel::worker::{self, Event};

/// First syncs of the 100k account at most, to time enough rounds during
/// one (each takes seconds).
const SYNCS: usize = 8;
/// Messages of the local account, each with its body in the store.
const CACHED: u32 = 500;
/// Search words: one in every local subject, one rare, one planted in the
/// 100k mailbox by the generator's subject vocabulary.
const QUERIES: [&str; 3] = ["quarterly", "zebrafish", "invoice"];

/// Rounds of CPU work that take about a tenth of a millisecond on an idle
/// app, as a flag does: the reference task below.
const REFERENCE_ROUNDS: u64 = 80_000;
/// The reference wait: what a write that finds the store busy sleeps
/// between looks (`POLL` in `store/contention.rs`).
const REFERENCE_SLEEP: Duration = Duration::from_micros(100);

#[derive(Default)]
struct Times {
    open: Vec<Duration>,
    flag: Vec<Duration>,
    search: Vec<Duration>,
    /// The flag as the window runs it: a task on the runtime's pool, so a
    /// pool thread wakes for it and the caller wakes for its result.
    task_flag: Vec<Duration>,
    /// References for what the machine gives any short task of the
    /// window's thread, timed in the same rounds: [`REFERENCE_ROUNDS`] of
    /// arithmetic (no store, no lock, nothing the sync holds) and one
    /// sleep of [`REFERENCE_SLEEP`] (a wake-up).
    cpu: Vec<Duration>,
    wake: Vec<Duration>,
}

impl Times {
    /// Adds the rounds of another sync.
    fn append(&mut self, more: Times) {
        self.open.extend(more.open);
        self.flag.extend(more.flag);
        self.search.extend(more.search);
        self.task_flag.extend(more.task_flag);
        self.cpu.extend(more.cpu);
        self.wake.extend(more.wake);
    }
}

fn main() {
    let env = std::env::var("POSTEL_TEST_ENV").expect("POSTEL_TEST_ENV: the servers' env file");
    let vars = read_env(&env);
    let dir = std::path::PathBuf::from(std::env::var("BENCH_DIR").expect("BENCH_DIR"));
    let samples: usize = std::env::var("BENCH_SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let _ = std::fs::remove_dir_all(&dir);
    let dirs = Dirs {
        config: dir.join("config"),
        data: dir.join("data"),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let engine = Engine::open(dirs.clone()).expect("engine");
        let (local, ids) = local_account(&engine).await;
        let big = big_account(&vars);
        engine
            .add_account(local.clone(), None)
            .await
            .expect("local account");
        engine
            .add_account(big.clone(), None)
            .await
            .expect("100k account");

        // The worker of the 100k account, as the window starts it: its own
        // store connection, its first sync at once. The rounds run during
        // such syncs twice: with the sync giving way to the user's actions
        // (`postel::priority`, as the app runs) and, for reference, without.
        postel::priority::set_enabled(false);
        let local_name = local.name.as_str();
        let (without, without_syncs, _) =
            during_syncs(&engine, &dirs, &big, local_name, &ids, samples, 0).await;
        postel::priority::set_enabled(true);
        let (busy, with_syncs, still) =
            during_syncs(&engine, &dirs, &big, local_name, &ids, samples, SYNCS).await;

        // Idle: the same app with the 100k mailbox stored in full, as a
        // user has it once the first sync is done (search then looks
        // through all of it).
        let sync = Sync::start(&engine, &dirs, &big, 2 * SYNCS + 1).await;
        while sync.syncing.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        sync.stop().await;
        let idle = measure(&engine, &local.name, &ids, samples, None).await;

        println!();
        println!(
            "| action | idle median | idle p95 | during the 100k first sync: median | p95 | p95 ratio | goal (p95 ≤ 2× idle and < 100 ms) |"
        );
        println!("|---|---|---|---|---|---|---|");
        row("open a downloaded message", &idle.open, &busy.open);
        row("flag it", &idle.flag, &busy.flag);
        row("search (3 queries)", &idle.search, &busy.search);
        row(
            "flag, as a task on the pool (two wake-ups)",
            &idle.task_flag,
            &busy.task_flag,
        );
        row("open, sync not giving way", &idle.open, &without.open);
        row("flag, sync not giving way", &idle.flag, &without.flag);
        row("search, sync not giving way", &idle.search, &without.search);
        row_judged(
            "reference: 0.1 ms of arithmetic, no store",
            &idle.cpu,
            &busy.cpu,
            false,
        );
        row_judged(
            "reference: one 0.1 ms sleep (a wake-up)",
            &idle.wake,
            &busy.wake,
            false,
        );
        println!();
        println!(
            "{} rounds idle (after a full first sync), {} during the syncs{}; {} without giving way",
            idle.open.len(),
            busy.open.len(),
            if still {
                " (the last sync was still running at the end)"
            } else {
                " (each sync ended before the rounds did)"
            },
            without.open.len(),
        );
        println!(
            "first syncs of 100k while the rounds ran: {} giving way, {} not (complete ones only)",
            seconds(&with_syncs),
            seconds(&without_syncs),
        );
    });
}

/// Rounds timed during first syncs of the 100k account: up to `SYNCS`
/// of them (the account's rows forgotten in between), each from its
/// first stored rows on, until `samples` rounds. Returns the times, how
/// long each sync that ended took, and whether the last was still running
/// when the rounds ended.
async fn during_syncs(
    engine: &Engine,
    dirs: &Dirs,
    big: &Account,
    local: &str,
    ids: &[i64],
    samples: usize,
    first_run: usize,
) -> (Times, Vec<Duration>, bool) {
    let mut busy = Times::default();
    let mut took = Vec::new();
    let mut still = false;
    for run in first_run + 1..=first_run + SYNCS {
        let sync = Sync::start(engine, dirs, big, run).await;
        while !sync.storing.load(Ordering::SeqCst) && sync.syncing.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let left = samples.saturating_sub(busy.open.len());
        let times = measure(engine, local, ids, left, Some(&sync.syncing)).await;
        busy.append(times);
        still = sync.syncing.load(Ordering::SeqCst);
        if !still {
            took.extend(*sync.took.lock().expect("took"));
        }
        sync.stop().await;
        if busy.open.len() >= samples {
            break;
        }
    }
    (busy, took, still)
}

fn seconds(took: &[Duration]) -> String {
    if took.is_empty() {
        return "none ended".into();
    }
    took.iter()
        .map(|d| format!("{:.1} s", d.as_secs_f64()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A first sync of the 100k account by its worker.
struct Sync {
    syncing: Arc<AtomicBool>,
    took: Arc<std::sync::Mutex<Option<Duration>>>,
    storing: Arc<AtomicBool>,
    handle: worker::Handle,
    task: tokio::task::JoinHandle<()>,
}

impl Sync {
    async fn start(engine: &Engine, dirs: &Dirs, big: &Account, run: usize) -> Self {
        engine
            .store()
            .expect("store")
            .run(|s| s.forget_account("big100k"))
            .await
            .expect("the last sync forgotten");
        let worker_store = SharedStore::new(Store::open(&dirs.data).expect("the worker's store"));
        let syncing = Arc::new(AtomicBool::new(true));
        let storing = Arc::new(AtomicBool::new(false));
        let started = Instant::now();
        let flag = syncing.clone();
        let first_rows = storing.clone();
        let took = Arc::new(std::sync::Mutex::new(None));
        let done_in = took.clone();
        let (handle, task) = worker::spawn(big.clone(), worker_store, move |event| match event {
            Event::Sync(postel::sync::Event::Progress(p)) if p.messages_done > 0 => {
                first_rows.store(true, Ordering::SeqCst);
            }
            Event::Synced { summary, .. } => {
                eprintln!(
                    "responsive bench: first sync {run} done, {} messages in {:.1} s",
                    summary.new_messages,
                    started.elapsed().as_secs_f64()
                );
                *done_in.lock().expect("took") = Some(started.elapsed());
                flag.store(false, Ordering::SeqCst);
            }
            Event::Failed { error, .. } => {
                eprintln!("responsive bench: the worker failed: {error}");
                flag.store(false, Ordering::SeqCst);
            }
            _ => {}
        });
        Self {
            syncing,
            took,
            storing,
            handle,
            task,
        }
    }

    async fn stop(self) {
        self.handle.send(worker::Control::Stop);
        let _ = self.task.await;
    }
}

/// Rounds of open, flag and search; with `while_true`, only while it holds.
async fn measure(
    engine: &Engine,
    account: &str,
    ids: &[i64],
    samples: usize,
    while_true: Option<&AtomicBool>,
) -> Times {
    let mut times = Times::default();
    for i in 0..samples {
        if while_true.is_some_and(|going| !going.load(Ordering::SeqCst)) {
            break;
        }
        let id = ids[(i * 7919) % ids.len()];
        // The references first, as the window's thread wakes for an
        // action; nothing the app does makes the sync give way to them.
        let t = Instant::now();
        std::hint::black_box(cpu_work(std::hint::black_box(REFERENCE_ROUNDS)));
        times.cpu.push(t.elapsed());
        let t = Instant::now();
        std::thread::sleep(REFERENCE_SLEEP);
        times.wake.push(t.elapsed());

        let t = Instant::now();
        let raw = engine.body(account, id).await.expect("body");
        let parsed = postel::message::parse(&raw).expect("parsed");
        std::hint::black_box(parsed);
        times.open.push(t.elapsed());

        let t = Instant::now();
        engine
            .set_flag_here(account, id, FlagChange::Flagged(i % 2 == 0))
            .await
            .expect("flag");
        times.flag.push(t.elapsed());

        let (task_engine, name) = (engine.clone(), account.to_owned());
        let t = Instant::now();
        tokio::spawn(async move {
            task_engine
                .set_flag_here(&name, id, FlagChange::Seen(i % 2 == 0))
                .await
        })
        .await
        .expect("the flag's task")
        .expect("flag");
        times.task_flag.push(t.elapsed());

        let t = Instant::now();
        for q in QUERIES {
            std::hint::black_box(engine.search(q, None, 50).await.expect("search"));
        }
        times.search.push(t.elapsed());
        // A user acts every few hundred milliseconds at most; the pause also
        // spreads the samples over the sync.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    times
}

/// Arithmetic the compiler cannot skip or shorten: each step needs the
/// last.
fn cpu_work(rounds: u64) -> u64 {
    let mut x = 0x9E37_79B9_7F4A_7C15_u64;
    for _ in 0..rounds {
        x = (x ^ (x >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    }
    x
}

fn row(what: &str, idle: &[Duration], busy: &[Duration]) {
    row_judged(what, idle, busy, true);
}

/// A row of the table; a reference row is printed without a verdict.
fn row_judged(what: &str, idle: &[Duration], busy: &[Duration], judged: bool) {
    if busy.is_empty() {
        println!("| {what} | | | not measured: the sync ended first | | | |");
        return;
    }
    let (im, ip) = (percentile(idle, 50), percentile(idle, 95));
    let (bm, bp) = (percentile(busy, 50), percentile(busy, 95));
    let ratio = bp.as_secs_f64() / ip.as_secs_f64().max(1e-9);
    let ok = bp.as_secs_f64() <= 2.0 * ip.as_secs_f64() && bp < Duration::from_millis(100);
    println!(
        "| {what} | {} | {} | {} | {} | {ratio:.2} | {} |",
        ms(im),
        ms(ip),
        ms(bm),
        ms(bp),
        match (judged, ok) {
            (false, _) => "(reference)",
            (true, true) => "ok",
            (true, false) => "**missed**",
        }
    );
}

fn percentile(times: &[Duration], p: usize) -> Duration {
    if times.is_empty() {
        return Duration::ZERO;
    }
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[((sorted.len() - 1) * p) / 100]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// An account on a closed port whose messages are all downloaded: what a
/// user reads while another account syncs.
async fn local_account(engine: &Engine) -> (Account, Vec<i64>) {
    let offline = Server {
        host: "127.0.0.1".into(),
        port: 9,
        security: Security::Tls,
        ..Server::default()
    };
    let account = Account {
        name: "local".into(),
        email: "local@example.test".into(),
        incoming: Incoming {
            username: "local".into(),
            server: offline.clone(),
            ..Default::default()
        },
        outgoing: Outgoing {
            server: offline,
            ..Default::default()
        },
        password: PasswordSource::Command(vec!["echo".into(), "offline".into()]),
        ..Default::default()
    };
    let store = engine.store().expect("store");
    let ids = store
        .run(|s| {
            let folder = s.upsert_folder("local", "INBOX", Some("/"), Some(FolderRole::Inbox))?;
            let batch: Vec<NewMessage> = (1..=CACHED)
                .map(|i| NewMessage {
                    uid: Some(i),
                    date: 1_700_000_000 + i64::from(i),
                    from_name: format!("Sender {i}"),
                    from_addr: format!("s{i}@example.test"),
                    subject: format!("The quarterly report, part {i}"),
                    size: 4000,
                    ..NewMessage::default()
                })
                .collect();
            let ids = s.insert_messages(folder.id, &batch)?;
            for (n, &id) in ids.iter().enumerate() {
                let raw = message(n);
                s.set_body(id, raw.as_bytes(), "", &postel::store::IndexText::default())?;
            }
            Ok(ids)
        })
        .await
        .expect("the local messages");
    (account, ids)
}

fn message(n: usize) -> String {
    let mut text = String::new();
    for line in 0..60 {
        text.push_str(&format!(
            "Line {line} of message {n}: the figures for the quarter are attached as promised.\r\n"
        ));
    }
    format!(
        "From: Sender {n} <s{n}@example.test>\r\nTo: local@example.test\r\nSubject: The quarterly report, part {n}\r\nDate: Tue, 14 Nov 2023 22:13:21 +0000\r\nMessage-ID: <{n}@example.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}"
    )
}

fn big_account(vars: &std::collections::HashMap<String, String>) -> Account {
    let port = |key: &str| -> u16 { vars[key].parse().expect("a port") };
    let ca = postel::net::tls::read_pem_file(std::path::Path::new(&vars["POSTEL_TEST_CA"]))
        .expect("the test CA");
    let server = |port| Server {
        host: "localhost".into(),
        port,
        security: Security::Tls,
        trusted_certificates: ca.clone(),
        ..Server::default()
    };
    Account {
        name: "big100k".into(),
        email: format!("big100k@{}", vars["POSTEL_TEST_DOMAIN"]),
        incoming: Incoming {
            username: "big100k".into(),
            server: server(port("POSTEL_TEST_IMAPS_PORT")),
            ..Default::default()
        },
        outgoing: Outgoing {
            server: server(port("POSTEL_TEST_SUBMISSIONS_PORT")),
            ..Default::default()
        },
        password: PasswordSource::Command(vec!["echo".into(), "bigpass".into()]),
        ..Default::default()
    }
}

fn read_env(path: &str) -> std::collections::HashMap<String, String> {
    std::fs::read_to_string(path)
        .expect("the servers' env file")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            let k = k.trim_start_matches("export ").to_owned();
            (k, v.trim_matches('"').to_owned())
        })
        .collect()
}
