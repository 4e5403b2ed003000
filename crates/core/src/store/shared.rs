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
