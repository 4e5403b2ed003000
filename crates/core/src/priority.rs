//! The user before the sync. On a machine of two cores a first sync of a
//! large mailbox keeps both busy (the server's process, the header parse,
//! the store's index), so an action the user waits for (opening a
//! message, a flag, a search) shares the CPU and the disk with it and took
//! 10-50 times as long as on an idle app even at nice 10
//! (`benches/responsive`). While such an action runs, the sync's loops
//! stop at their next step and wait for it: a step is one fetched
//! response, one parsed header or one chunk of stored rows, so the wait
//! starts within microseconds.
//!
//! Only what the user waits for takes a [`Foreground`]; a sync never does,
//! so it never waits for itself. Opening a stored message does not either:
//! that read takes a third of a millisecond, and a sync stopping and
//! starting again around it slowed it more than the sync running beside
//! it did (`Engine::body`).

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, LazyLock, Mutex};
use std::time::{Duration, Instant};

/// The longest a sync's step waits for the user's actions: past it the
/// sync goes on, so a stream of actions (or one stuck on the network)
/// slows the sync but never stops it. An action the user waits for longer
/// than this has missed its goal (100 ms) anyway.
pub const MAX_GIVE_WAY: Duration = Duration::from_millis(100);

/// How long after an action the user counts as active: someone clicking
/// through a folder acts every second or two, and the sync keeps its
/// transactions short meanwhile (`store::messages`).
pub const ACTIVE_FOR: Duration = Duration::from_secs(2);

/// User actions running now.
static ACTIVE: AtomicUsize = AtomicUsize::new(0);
/// When the latest action began, in microseconds after [`EPOCH`] (0: none
/// yet).
static LAST_ACTION: AtomicU64 = AtomicU64::new(0);
static EPOCH: LazyLock<Instant> = LazyLock::new(Instant::now);
/// Off only for `benches/responsive`'s run without it, side by side.
static ENABLED: AtomicBool = AtomicBool::new(true);
/// Wakes the blocking waiters when the last action ends.
static QUIET: LazyLock<(Mutex<()>, Condvar)> = LazyLock::new(|| (Mutex::new(()), Condvar::new()));
/// Wakes the async waiters when the last action ends.
static QUIET_ASYNC: LazyLock<tokio::sync::Notify> = LazyLock::new(tokio::sync::Notify::new);

/// An action the user waits for, running while this lives.
#[must_use = "the action counts only while the guard lives"]
pub struct Foreground(());

impl Foreground {
    pub fn begin() -> Self {
        ACTIVE.fetch_add(1, Ordering::SeqCst);
        LAST_ACTION.store(micros_now(), Ordering::Relaxed);
        Self(())
    }
}

impl Drop for Foreground {
    fn drop(&mut self) {
        if ACTIVE.fetch_sub(1, Ordering::SeqCst) == 1 {
            // The lock orders this wake after a waiter's check of ACTIVE.
            let _held = QUIET.0.lock().unwrap_or_else(|p| p.into_inner());
            QUIET.1.notify_all();
            QUIET_ASYNC.notify_waiters();
        }
    }
}

/// Whether a user action runs now (and the sync is to give way).
pub fn user_waits() -> bool {
    ACTIVE.load(Ordering::SeqCst) > 0 && ENABLED.load(Ordering::Relaxed)
}

/// Whether the user acted within [`ACTIVE_FOR`] (or acts now).
pub fn user_active() -> bool {
    if !ENABLED.load(Ordering::Relaxed) {
        return false;
    }
    let last = LAST_ACTION.load(Ordering::Relaxed);
    ACTIVE.load(Ordering::SeqCst) > 0
        || (last != 0 && micros_now().saturating_sub(last) < ACTIVE_FOR.as_micros() as u64)
}

fn micros_now() -> u64 {
    EPOCH.elapsed().as_micros() as u64 + 1
}

/// Turns giving way on or off for the whole process: a bench's reference
/// run without it. On unless turned off.
pub fn set_enabled(on: bool) {
    ENABLED.store(on, Ordering::Relaxed);
}

/// A sync's step on a blocking thread: waits while a user action runs, at
/// most [`MAX_GIVE_WAY`]. Costs an atomic load when none does.
pub fn give_way_blocking() {
    if !user_waits() {
        return;
    }
    let deadline = Instant::now() + MAX_GIVE_WAY;
    let mut held = QUIET.0.lock().unwrap_or_else(|p| p.into_inner());
    while user_waits() {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            return;
        };
        held = QUIET
            .1
            .wait_timeout(held, left)
            .unwrap_or_else(|p| p.into_inner())
            .0;
    }
}

/// A sync's step in an async task: as [`give_way_blocking`], without
/// holding a thread.
pub async fn give_way() {
    if !user_waits() {
        return;
    }
    let deadline = tokio::time::Instant::now() + MAX_GIVE_WAY;
    loop {
        let quiet = QUIET_ASYNC.notified();
        tokio::pin!(quiet);
        // Registered before the check, so a wake between the two is kept.
        quiet.as_mut().enable();
        if !user_waits() {
            return;
        }
        if tokio::time::timeout_at(deadline, quiet).await.is_err() {
            return;
        }
    }
}

/// Tests that act as the user change the process's count: they take
/// turns.
#[cfg(test)]
pub(crate) static TESTS_ACTING: Mutex<()> = Mutex::new(());

#[cfg(test)]
mod tests {
    use super::*;

    // One test: the count is the process's, and tests run in parallel.
    #[test]
    fn a_step_waits_for_the_users_action_and_never_longer_than_the_limit() {
        let _turn = TESTS_ACTING.lock().unwrap_or_else(|p| p.into_inner());
        let t = Instant::now();
        give_way_blocking();
        assert!(
            t.elapsed() < Duration::from_millis(5),
            "nobody acts: no wait"
        );

        let action = Foreground::begin();
        assert!(user_waits());
        assert!(user_active());
        let waiter = std::thread::spawn(|| {
            let t = Instant::now();
            give_way_blocking();
            t.elapsed()
        });
        std::thread::sleep(Duration::from_millis(30));
        drop(action);
        let waited = waiter.join().expect("waiter");
        assert!(
            waited >= Duration::from_millis(25) && waited < MAX_GIVE_WAY,
            "waited for the action and woke when it ended: {waited:?}"
        );

        // An action that outlasts the limit: the step goes on at the limit.
        let long = Foreground::begin();
        let t = Instant::now();
        give_way_blocking();
        let blocked = t.elapsed();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        let t = Instant::now();
        rt.block_on(give_way());
        let awaited = t.elapsed();
        drop(long);
        for waited in [blocked, awaited] {
            assert!(
                waited >= MAX_GIVE_WAY && waited < MAX_GIVE_WAY * 3,
                "{waited:?}"
            );
        }

        // The async step wakes when the action ends, too.
        let action = Foreground::begin();
        let t = Instant::now();
        rt.block_on(async {
            let ends = async {
                tokio::time::sleep(Duration::from_millis(30)).await;
                drop(action);
            };
            tokio::join!(give_way(), ends);
        });
        assert!(t.elapsed() < MAX_GIVE_WAY, "{:?}", t.elapsed());
        assert!(!user_waits());
        assert!(user_active(), "the user acted a moment ago");
    }
}
