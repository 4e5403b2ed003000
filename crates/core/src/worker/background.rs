//! Where the account workers run: a runtime of their own whose threads
//! have a lower CPU priority than the window's. On a two-core laptop a
//! first sync keeps both cores busy (parsing headers, writing rows, TLS);
//! at the same priority the window's reads and writes queue behind that
//! work for whole scheduler slices (`benches/responsive`). Lower priority
//! costs the sync nothing when the window is idle: the scheduler only
//! prefers the window's threads while they have something to do.

use std::future::Future;
use std::sync::LazyLock;

/// The nice value of the background threads: 10 is what desktops use for
/// background indexers (GNOME's tracker-miner runs at 19, which can starve
/// a sync on a busy machine; 10 still gets a fair share).
const NICENESS: i32 = 10;
/// Threads running the workers' async parts; the blocking parts (parsing,
/// the store) get threads from the runtime's blocking pool, at the same
/// priority.
const THREADS: usize = 2;

static RUNTIME: LazyLock<Option<tokio::runtime::Runtime>> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(THREADS)
        .thread_name("postel-background")
        .on_thread_start(lower_priority)
        .enable_all()
        .build()
        .inspect_err(|e| {
            tracing::warn!("no background runtime ({e}); workers run beside the window")
        })
        .ok()
});

/// Lowers the calling thread's priority. Threads it starts (TLS, the
/// header parser) inherit it.
fn lower_priority() {
    // On Linux the nice value belongs to the thread, and `None` is the
    // calling one. A program started with `nice` already is left as low.
    let now = rustix::process::getpriority_process(None).unwrap_or(0);
    if now < NICENESS
        && let Err(e) = rustix::process::setpriority_process(None, NICENESS)
    {
        tracing::debug!("background thread keeps its priority: {e}");
    }
}

/// Runs `work` on the background runtime (or on the current one if that
/// could not start). The work stops when the returned handle is aborted or
/// the program ends.
pub fn spawn<F>(work: F) -> tokio::task::JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    match RUNTIME.as_ref() {
        Some(runtime) => runtime.spawn(work),
        None => tokio::spawn(work),
    }
}

/// Runs `work` in the background until it ends or until the returned
/// future is dropped (a subscription that goes away stops its worker).
pub async fn run<F>(work: F) -> Option<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);
    impl<T> Drop for AbortOnDrop<T> {
        fn drop(&mut self) {
            self.0.abort();
        }
    }
    let mut task = AbortOnDrop(spawn(work));
    (&mut task.0).await.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn background_threads_run_at_a_lower_priority() {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let (here, there) = runtime.block_on(async {
            let here = rustix::process::getpriority_process(None).expect("own priority");
            let there = run(async {
                tokio::task::spawn_blocking(|| rustix::process::getpriority_process(None))
                    .await
                    .expect("blocking task")
                    .expect("background priority")
            })
            .await
            .expect("ran");
            (here, there)
        });
        assert_eq!(
            there,
            here.max(NICENESS),
            "the blocking pool is lowered too"
        );
    }

    #[test]
    fn dropping_the_run_stops_the_work() {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let (tx, mut rx) = tokio::sync::oneshot::channel::<()>();
        runtime.block_on(async {
            let work = run(async move {
                let _tx = tx; // dropped when the task is aborted
                std::future::pending::<()>().await;
            });
            let _ = tokio::time::timeout(std::time::Duration::from_millis(50), work).await;
            let closed = tokio::time::timeout(std::time::Duration::from_secs(2), &mut rx).await;
            assert!(
                matches!(closed, Ok(Err(_))),
                "the aborted worker dropped its end"
            );
        });
    }
}
