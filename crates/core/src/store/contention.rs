//! Two connections write to one store: the account worker's (a sync's
//! header rows, thousands per transaction) and the window's (a flag, a
//! move: one row). SQLite lets one writer in at a time, so without care a
//! flag waits for a whole sync transaction. A connection that finds the
//! store busy says so here, and the long writer commits early and lets it
//! in (`benches/responsive`).

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How often a write that finds another connection writing looks again.
/// SQLite's own wait (`busy_timeout`) sleeps 1, 2, 5, 10, 15, 20, 25 ms…
/// between looks, so a write waited up to one whole step past the other's
/// commit.
const POLL: Duration = Duration::from_micros(100);
/// How long a write waits for another connection's before it fails.
const LIMIT: Duration = Duration::from_secs(5);
/// A wait this recent means a writer is still waiting (it looks again
/// every [`POLL`]).
const RECENT: Duration = Duration::from_millis(1);
/// The longest a long writer holds back for the waiting ones.
const HOLD_BACK: Duration = Duration::from_millis(20);

static START: LazyLock<Instant> = LazyLock::new(Instant::now);
/// Microseconds after [`START`] of the latest wait; 0: none yet.
static LAST_WAIT: AtomicU64 = AtomicU64::new(0);

fn now_micros() -> u64 {
    START.elapsed().as_micros() as u64 + 1
}

/// SQLite's busy handler for every store connection: notes the wait,
/// then looks again every [`POLL`] for [`LIMIT`].
pub(super) fn busy(attempt: i32) -> bool {
    let limit = (LIMIT.as_micros() / POLL.as_micros()) as i32;
    if attempt >= limit {
        return false;
    }
    LAST_WAIT.store(now_micros(), Ordering::Relaxed);
    std::thread::sleep(POLL);
    true
}

/// Whether a write on another connection is waiting right now.
pub(super) fn someone_waits() -> bool {
    let last = LAST_WAIT.load(Ordering::Relaxed);
    last != 0 && now_micros().saturating_sub(last) < RECENT.as_micros() as u64
}

/// After a commit: waits while other writers wait (they take the free
/// store at their next look), at most [`HOLD_BACK`].
pub(super) fn let_them_in() {
    let deadline = Instant::now() + HOLD_BACK;
    while someone_waits() && Instant::now() < deadline {
        std::thread::sleep(POLL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_is_seen_only_while_it_is_recent() {
        assert!(busy(0), "the first look waits");
        assert!(someone_waits());
        std::thread::sleep(RECENT * 3);
        assert!(!someone_waits(), "the waiter got in or gave up");
        let limit = (LIMIT.as_micros() / POLL.as_micros()) as i32;
        assert!(!busy(limit), "gives up after the limit");
    }
}
