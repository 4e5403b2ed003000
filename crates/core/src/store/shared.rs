//! The store shared by workers and the faces: one connection behind a
//! lock, every call on a blocking thread so no async task waits on SQLite.

use std::sync::{Arc, Mutex};

use super::{Error, Result, Store};

#[derive(Debug, Clone)]
pub struct SharedStore(Arc<Mutex<Store>>);

impl SharedStore {
    pub fn new(store: Store) -> Self {
        Self(Arc::new(Mutex::new(store)))
    }

    pub async fn run<T: Send + 'static>(
        &self,
        call: impl FnOnce(&mut Store) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        join(self.spawn(call)).await
    }

    /// A short call the user waits for (a message opened, a flag): run on
    /// the calling thread when that is a worker of a multi-thread runtime
    /// (as the window's and the CLI's are), else as [`SharedStore::run`].
    /// Handing a call to a pool thread means waking that thread, and while
    /// a sync keeps both cores of a small machine busy the wake-up waited
    /// for a core: 0.3-1.6 ms at the p95 for calls that take 0.05 ms idle
    /// (`benches/responsive`). The caller's thread is already on a core;
    /// its other tasks move to another thread meanwhile.
    pub async fn run_here<T: Send + 'static>(
        &self,
        call: impl FnOnce(&mut Store) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let multi_thread = tokio::runtime::Handle::try_current()
            .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
        if !multi_thread {
            return self.run(call).await;
        }
        let inner = self.0.clone();
        tokio::task::block_in_place(move || {
            let mut guard = inner.lock().unwrap_or_else(|p| p.into_inner());
            call(&mut guard)
        })
    }

    /// Starts a call at once and lets the caller await it later, so store
    /// work can overlap the network.
    pub fn spawn<T: Send + 'static>(
        &self,
        call: impl FnOnce(&mut Store) -> Result<T> + Send + 'static,
    ) -> tokio::task::JoinHandle<Result<T>> {
        let inner = self.0.clone();
        tokio::task::spawn_blocking(move || {
            // A panic in another call poisons the lock but leaves SQLite consistent.
            let mut guard = inner.lock().unwrap_or_else(|p| p.into_inner());
            call(&mut guard)
        })
    }
}

/// Awaits a call started with [`SharedStore::spawn`].
pub async fn join<T>(handle: tokio::task::JoinHandle<Result<T>>) -> Result<T> {
    handle
        .await
        .map_err(|e| Error::Stopped(format!("the store task failed: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thread_of_call(runtime: &tokio::runtime::Runtime, store: &SharedStore) -> bool {
        let store = store.clone();
        runtime.block_on(async move {
            // Inside a task, as the window's tasks run.
            tokio::spawn(async move {
                let caller = std::thread::current().id();
                let callee = store
                    .run_here(|s| {
                        s.conn().query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?;
                        Ok(std::thread::current().id())
                    })
                    .await
                    .expect("the call");
                caller == callee
            })
            .await
            .expect("the task")
        })
    }

    #[test]
    fn a_call_the_user_waits_for_runs_on_the_callers_thread_where_it_can() {
        let t = crate::store::testing::temp_store("run-here");
        let store = SharedStore::new(Store::open(t.dir()).expect("store"));
        let multi = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .expect("runtime");
        assert!(thread_of_call(&multi, &store), "no hand-over");
        // A single-threaded runtime cannot lend its only thread: the call
        // goes to the pool, as `run` does, and still returns.
        let single = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        assert!(!thread_of_call(&single, &store));
    }
}
