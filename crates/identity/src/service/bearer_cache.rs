//! Resolved bearer tokens, kept in memory so that a request with a token costs no database
//! round trip (the issue "Fast on every request" measured a third of read throughput going to
//! resolving the token).
//!
//! An entry is served only while all of these hold, so a change takes effect on the very next
//! request: the store's callers' epoch is the one the entry was computed under (every revoke,
//! disconnect, password reset, proxy-grant change and Patient write advances it — see
//! `ws_store`'s `callers` module; another app server's change within its poll interval), the
//! service clock's date is the entry's date (ages and proxy rights change at midnight), the
//! token has not expired, and the entry is younger than [`MAX_AGE`] (a bound for a change whose
//! announcement to other servers was lost). Unknown or refused tokens are never cached.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::civil::Date;
use quick_cache::sync::Cache;

use crate::caller::Caller;

/// The longest an entry is served without being recomputed.
pub const MAX_AGE: Duration = Duration::from_secs(60);
/// Entries kept (each a few hundred bytes).
const CAPACITY: usize = 100_000;

pub(crate) struct Entry {
    /// The caller, without the per-request source address.
    pub caller: Caller,
    pub epoch: u64,
    pub day: Date,
    pub expires_at: i64,
    pub made: Instant,
}

#[derive(Clone)]
pub(crate) struct BearerCache(Arc<Cache<String, Arc<Entry>>>);

impl Default for BearerCache {
    fn default() -> Self {
        BearerCache(Arc::new(Cache::new(CAPACITY)))
    }
}

impl BearerCache {
    /// The cached caller for a token hash, if the entry is still valid now.
    pub fn get(&self, hash: &str, epoch: u64, day: Date, now: i64) -> Option<Caller> {
        let e = self.0.get(hash)?;
        if e.epoch == epoch && e.day == day && e.expires_at > now && e.made.elapsed() < MAX_AGE {
            Some(e.caller.clone())
        } else {
            None
        }
    }

    pub fn put(&self, hash: String, entry: Entry) {
        self.0.insert(hash, Arc::new(entry));
    }
}
