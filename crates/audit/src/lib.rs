//! The audit trail: who touched which health data, when, from where, why, and with what outcome.
//!
//! Writes record their audit entry inside their own transaction (see `wellspring-fhir-service`), so a
//! change and its record commit or roll back together. Reads, searches and failed attempts are
//! recorded through [`Auditor`], which batches them to the append-only `audit_log` table from a
//! background task, so a read never waits on the database's write lock. [`Auditor::flush`] waits
//! until everything recorded so far is stored; shutdown flushes. The table itself refuses UPDATE
//! and DELETE (database triggers), and nothing in the API can change it.

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use ws_store::{AuditRecord, Store};

enum Msg {
    Record(Box<AuditRecord>),
    Flush(oneshot::Sender<()>),
}

/// Batches audit records to the store from a background task.
#[derive(Clone)]
pub struct Auditor {
    tx: mpsc::UnboundedSender<Msg>,
}

impl Auditor {
    /// Start the background writer. It stops when every `Auditor` clone is dropped, after
    /// writing what it holds.
    pub fn start(store: Store) -> (Auditor, tokio::task::JoinHandle<()>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let handle = tokio::spawn(writer(store, rx));
        (Auditor { tx }, handle)
    }

    /// Queue a record. Never blocks.
    pub fn record(&self, rec: AuditRecord) {
        if self.tx.send(Msg::Record(Box::new(rec))).is_err() {
            tracing::error!("audit writer has stopped; record lost");
        }
    }

    /// Wait until every record queued before this call is stored.
    pub async fn flush(&self) {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Msg::Flush(tx)).is_ok() {
            let _ = rx.await;
        }
    }
}

async fn writer(store: Store, mut rx: mpsc::UnboundedReceiver<Msg>) {
    let mut batch: Vec<AuditRecord> = Vec::new();
    let mut waiters: Vec<oneshot::Sender<()>> = Vec::new();
    loop {
        let first = rx.recv().await;
        let Some(first) = first else { break };
        let push = |m: Msg, batch: &mut Vec<AuditRecord>, waiters: &mut Vec<_>| match m {
            Msg::Record(r) => batch.push(*r),
            Msg::Flush(w) => waiters.push(w),
        };
        push(first, &mut batch, &mut waiters);
        // Gather what else is waiting (bounded), then write it in one transaction.
        let deadline = tokio::time::Instant::now() + Duration::from_millis(5);
        while batch.len() < 2000 {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some(m)) => push(m, &mut batch, &mut waiters),
                _ => break,
            }
        }
        write_batch(&store, &mut batch).await;
        for w in waiters.drain(..) {
            let _ = w.send(());
        }
    }
    write_batch(&store, &mut batch).await;
}

async fn write_batch(store: &Store, batch: &mut Vec<AuditRecord>) {
    if batch.is_empty() {
        return;
    }
    // Retry a few times: an audit record must not be dropped on a transient lock timeout.
    for attempt in 0..5 {
        let res = async {
            let mut tx = store.begin().await?;
            tx.append_audit(batch).await?;
            tx.commit().await
        }
        .await;
        match res {
            Ok(()) => {
                batch.clear();
                return;
            }
            Err(e) => {
                tracing::error!(error = %e, attempt, "writing audit records failed");
                tokio::time::sleep(Duration::from_millis(50 << attempt)).await;
            }
        }
    }
    tracing::error!(count = batch.len(), "audit records could not be stored");
    batch.clear();
}
