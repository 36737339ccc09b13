//! Employer enrollment files (X12 834, issue 5 part 7) and eligibility inquiries (X12 270/271,
//! part 4), applied through the membership rules and the FHIR service.
//!
//! 834 identity rules: the employer group is the Organization whose `urn:wellspring:employer-group`
//! identifier equals REF*1L (or the header's REF*38); the plan is the InsurancePlan of that
//! group's region whose plan code equals HD04. A member is found by NM108=ZZ/NM109 (their
//! Wellspring member id), else — subscriber — by the `urn:wellspring:subscriber-id:<group>`
//! identifier (REF*0F) an earlier 834 gave them, else — dependent — by first name and birth
//! date among the subscriber's covered family. Each member loop is applied in one transaction;
//! a resource whose content would not change is not written, so a second import of the same
//! file writes nothing.

use std::collections::{HashMap, HashSet};

use crate::rules::Relationship;
use crate::rules::ledger::{self, Period};
use jiff::civil::{Date, Time};
use serde_json::{Value, json};
use ws_fhir_service::Caller;
use ws_x12::{
    AckInput, EligibilityAnswer, Envelope, Inquiry270, Maintenance, Member834, TransactionAck,
    ack_999, ack_999_unparsed, parse, parse_270, parse_834, write_271,
};

use crate::service::family::{
    CoverageRow, Family, GROUP_SYSTEM, PlanSummary, REGION_SYSTEM, coverage_resource, strip_meta,
    with_end,
};
use crate::service::ids::{identifier, member_id_system, mrn_system};
use crate::service::{CoverageError, CoverageService, Result};

/// Members whose writes are committed together (each member's writes stay together; if the
/// batch fails, each member is retried alone so one bad member rejects only itself).
const WRITE_BATCH_MEMBERS: usize = 1000;

/// Families read ahead together (bounds memory: a file of any size is held a chunk at a time).
const PRELOAD_FAMILIES: usize = 1000;

/// A family's state while its members are applied: loaded from the store once, then kept
/// current in memory with what this import writes.
#[derive(Default)]
struct FamilyCtx {
    loaded: bool,
    subscriber: Option<String>,
    family: Option<Family>,
}

/// Members' writes waiting to be stored: all resources in file order, and each member's span.
#[derive(Default)]
struct WriteBatch {
    values: Vec<Value>,
    spans: Vec<(usize, std::ops::Range<usize>)>,
}

impl WriteBatch {
    fn push(&mut self, member: usize, writes: Vec<Value>) {
        if writes.is_empty() {
            return;
        }
        let start = self.values.len();
        self.values.extend(writes);
        self.spans.push((member, start..self.values.len()));
    }
}

/// The writer of an import: send it batches, then [`Writer::finish`].
struct Writer {
    batches: tokio::sync::mpsc::Sender<WriteBatch>,
    /// Returns the members it rejected (index in the file, reason).
    task: tokio::task::JoinHandle<Result<Vec<(usize, String)>>>,
}

impl Writer {
    /// No more batches: wait for the last ones to be stored; the members rejected.
    async fn finish(self) -> Result<Vec<(usize, String)>> {
        drop(self.batches);
        joined(self.task.await)?
    }
}

/// The outcome of a task (a panic in it goes on here).
fn joined<T>(r: std::result::Result<T, tokio::task::JoinError>) -> Result<T> {
    match r {
        Ok(r) => Ok(r),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(CoverageError::Invalid(format!(
            "the enrollment writer stopped: {e}"
        ))),
    }
}

/// Mark members whose writes failed as rejected.
fn reject(results: &mut [Option<MemberResult>], rejected: Vec<(usize, String)>) {
    for (i, reason) in rejected {
        if let Some(Some(r)) = results.get_mut(i) {
            r.outcome = "rejected".into();
            r.reason = Some(reason);
            r.patient = None;
        }
    }
}

/// MRNs reserved from each region's counter a block at a time: at least 1,000, or as many as
/// the file still has additions (`want`), so planning rarely waits for the writer that is
/// storing the previous chunk. Numbers a block leaves unused are gaps, never reused.
#[derive(Default)]
struct MrnBlocks {
    blocks: HashMap<String, (u64, u64)>,
    want: u64,
}

impl MrnBlocks {
    async fn next(&mut self, m: &CoverageService, region: &str) -> Result<String> {
        let (next, end) = self.blocks.get(region).copied().unwrap_or((0, 0));
        let n = if next < end {
            next
        } else {
            let (first, last) = m
                .reserve_mrns(region, self.want.clamp(1000, 1_000_000))
                .await?;
            self.blocks.insert(region.to_owned(), (first, last + 1));
            first
        };
        if let Some(b) = self.blocks.get_mut(region) {
            b.0 = n + 1;
        }
        self.want = self.want.saturating_sub(1);
        Ok(crate::service::ids::mrn(
            &crate::service::ids::mrn_prefix(region),
            n,
        ))
    }
}

/// Wellspring's interchange id in X12 envelopes.
pub const OUR_X12_ID: &str = "WELLSPRING";

/// Is this content X12 (for `wellspring import`'s format sniffing)?
pub fn looks_like_x12(head: &[u8]) -> bool {
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    head[start..].starts_with(b"ISA")
}

/// What happened to one member loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberResult {
    /// Segment ordinal of the member's INS in the file.
    pub segment: usize,
    pub name: String,
    /// "added", "changed", "terminated", "reinstated", "unchanged" or "rejected".
    pub outcome: String,
    /// The reason for a rejection (or a note).
    pub reason: Option<String>,
    pub patient: Option<String>,
}

/// The result of importing one 834 file.
#[derive(Debug, Clone, Default)]
pub struct Import834 {
    pub members: Vec<MemberResult>,
    /// The 999 acknowledgment.
    pub ack: String,
    /// Members of a full-file audit's group that are covered but absent from the file.
    pub not_in_audit: Vec<String>,
}

impl Import834 {
    pub fn count(&self, outcome: &str) -> usize {
        self.members.iter().filter(|m| m.outcome == outcome).count()
    }
}

#[derive(Clone)]
struct GroupInfo {
    number: String,
    name: String,
    region: String,
}

fn x12_err(e: ws_x12::X12Error) -> CoverageError {
    CoverageError::Invalid(format!("malformed X12: {e}"))
}

/// The envelope's date, time and control number for a reply made at `now` (UTC).
fn now_parts(now: jiff::Timestamp) -> (Date, Time, u32) {
    let z = now.to_zoned(jiff::tz::TimeZone::UTC);
    let ctl = u32::try_from(z.timestamp().as_second().rem_euclid(999_999_999)).unwrap_or(1);
    (z.date(), z.time(), ctl.max(1))
}

fn gender_of(c: char) -> &'static str {
    match c {
        'F' => "female",
        'M' => "male",
        _ => "unknown",
    }
}

impl CoverageService {
    async fn group_info(
        &self,
        svc: &Caller,
        cache: &mut HashMap<String, Option<GroupInfo>>,
        number: &str,
    ) -> Result<Option<GroupInfo>> {
        if let Some(g) = cache.get(number) {
            return Ok(g.clone());
        }
        let orgs = self
            .fhir
            .search_resources(
                svc,
                "Organization",
                &[("identifier".into(), format!("{GROUP_SYSTEM}|{number}"))],
                2,
            )
            .await?;
        let info = orgs.first().map(|o| GroupInfo {
            number: number.to_owned(),
            name: o["name"].as_str().unwrap_or(number).to_owned(),
            region: identifier(o, REGION_SYSTEM).unwrap_or_default(),
        });
        cache.insert(number.to_owned(), info.clone());
        Ok(info)
    }

    async fn plan_cached(
        &self,
        svc: &Caller,
        cache: &mut HashMap<(String, String), Option<PlanSummary>>,
        code: &str,
        region: &str,
    ) -> Result<Option<PlanSummary>> {
        let key = (code.to_owned(), region.to_owned());
        if let Some(p) = cache.get(&key) {
            return Ok(p.clone());
        }
        let p = match self.plan_by_code(svc, code, Some(region)).await {
            Ok(v) if identifier(&v, REGION_SYSTEM).as_deref() == Some(region) => {
                Some(PlanSummary::from_resource(&v))
            }
            Ok(_) | Err(CoverageError::NotFound(_)) => None,
            Err(e) => return Err(e),
        };
        cache.insert(key, p.clone());
        Ok(p)
    }

    async fn find_patient_by(
        &self,
        svc: &Caller,
        system: &str,
        value: &str,
    ) -> Result<Option<Value>> {
        let found = self
            .fhir
            .search_resources(
                svc,
                "Patient",
                &[("identifier".into(), format!("{system}|{value}"))],
                2,
            )
            .await?;
        Ok(found.into_iter().next())
    }

    /// Import an X12 834 interchange. A malformed envelope changes nothing and is an error;
    /// member-level problems reject only that member. Returns the per-member report and the
    /// 999 acknowledgment.
    pub async fn import_834(&self, caller: &Caller, input: &[u8]) -> Result<Import834> {
        Self::authorize_staff(caller)?;
        let (date, time, ctl) = now_parts(self.clock().now());
        let ix = match parse(input) {
            Ok(ix) => ix,
            Err(e) => {
                let ctx = Envelope::new(OUR_X12_ID, "UNKNOWN", date, time, ctl, 1);
                // When the ISA and GS are readable, the sender gets a rejecting 999.
                let ack = ack_999_unparsed(&ctx, input, &e).unwrap_or_default();
                return Err(CoverageError::Invalid(format!(
                    "malformed X12 file, nothing imported: {e}{}",
                    if ack.is_empty() {
                        String::new()
                    } else {
                        format!("\n{ack}")
                    }
                )));
            }
        };
        let svc = Self::service_caller(caller, "", "enrollment: X12 834 import");
        let svc = Caller {
            acting_for: None,
            ..svc
        };
        let mut out = Import834::default();
        let mut groups: HashMap<String, Option<GroupInfo>> = HashMap::new();
        let mut plans: HashMap<(String, String), Option<PlanSummary>> = HashMap::new();
        if !ix
            .groups
            .iter()
            .flat_map(|g| &g.transactions)
            .any(|t| t.id == "834")
        {
            let found: Vec<&str> = ix
                .groups
                .iter()
                .flat_map(|g| &g.transactions)
                .map(|t| t.id.as_str())
                .collect();
            return Err(CoverageError::Invalid(format!(
                "the file holds no 834 enrollment transaction (found: {})",
                if found.is_empty() {
                    "none".to_owned()
                } else {
                    found.join(", ")
                }
            )));
        }
        let mut acks = Vec::new();
        let mut mrns = MrnBlocks::default();
        for g in &ix.groups {
            let mut input_ack = AckInput::for_group(g);
            for (ti, tx) in g.transactions.iter().enumerate() {
                if tx.id != "834" {
                    if let Some(t) = input_ack.transactions.get_mut(ti) {
                        *t = TransactionAck::accepted(tx).with_errors(Vec::new(), true);
                        t.syntax_errors.push("1".into());
                    }
                    continue;
                }
                let parsed = match parse_834(tx) {
                    Ok(p) => p,
                    Err(e) => {
                        if let Some(t) = input_ack.transactions.get_mut(ti) {
                            *t = TransactionAck::accepted(tx).with_errors(Vec::new(), true);
                            t.syntax_errors.push("5".into());
                        }
                        return Err(x12_err(e));
                    }
                };
                let mut seg_errors = Vec::new();
                let mut seen_in_file: HashSet<String> = HashSet::new();
                let mut results: Vec<Option<MemberResult>> = vec![None; parsed.members.len()];
                mrns.want = parsed
                    .members
                    .iter()
                    .filter(|m| {
                        m.as_ref()
                            .is_ok_and(|m| m.maintenance == Maintenance::Addition)
                    })
                    .count() as u64;
                // Families in order of first appearance; each family's members in file order.
                let mut order: Vec<(String, String)> = Vec::new();
                let mut by_family: HashMap<(String, String), Vec<usize>> = HashMap::new();
                for (i, m) in parsed.members.iter().enumerate() {
                    match m {
                        Err(me) => {
                            seg_errors.push(me.to_ack());
                            results[i] = Some(MemberResult {
                                segment: me.position,
                                name: String::new(),
                                outcome: "rejected".into(),
                                reason: Some(me.message.clone()),
                                patient: None,
                            });
                        }
                        Ok(m) => {
                            let group = m
                                .group_number
                                .clone()
                                .or_else(|| parsed.header.master_policy.clone())
                                .unwrap_or_default();
                            let key = (group, m.subscriber_id.clone());
                            if !by_family.contains_key(&key) {
                                order.push(key.clone());
                            }
                            by_family.entry(key).or_default().push(i);
                        }
                    }
                }
                let mut subscribers: HashMap<String, HashMap<String, String>> = HashMap::new();
                for (group, _) in &order {
                    if !subscribers.contains_key(group) {
                        let subs = self.subscribers_of(&svc, group).await?;
                        subscribers.insert(group.clone(), subs);
                    }
                }
                // Members are planned here while a writer task prepares and stores the
                // batches already planned (families are disjoint, so no plan depends on
                // writes still in flight).
                let mut ready = WriteBatch::default();
                let writer = self.start_writer(&svc);
                'chunks: for keys in order.chunks(PRELOAD_FAMILIES) {
                    {
                        let mut preloaded = self.preload_families(&svc, keys, &subscribers).await?;
                        for key in keys {
                            let mut fam = preloaded.remove(key).unwrap_or_default();
                            for &i in by_family.get(key).map(Vec::as_slice).unwrap_or_default() {
                                let Some(Ok(m)) = parsed.members.get(i) else {
                                    continue;
                                };
                                let name = format!("{} {}", m.first_name, m.last_name);
                                let res = self
                                    .plan_member(
                                        &svc,
                                        m,
                                        &key.0,
                                        &mut groups,
                                        &mut plans,
                                        &mut fam,
                                        &mut mrns,
                                    )
                                    .await;
                                match res {
                                    Ok((outcome, patient, writes)) => {
                                        seen_in_file.insert(patient.clone());
                                        results[i] = Some(MemberResult {
                                            segment: m.position,
                                            name,
                                            outcome: outcome.into(),
                                            reason: None,
                                            patient: Some(patient),
                                        });
                                        ready.push(i, writes);
                                        if ready.spans.len() >= WRITE_BATCH_MEMBERS
                                            && writer
                                                .batches
                                                .send(std::mem::take(&mut ready))
                                                .await
                                                .is_err()
                                        {
                                            // The writer stopped; its error is reported below.
                                            break 'chunks;
                                        }
                                    }
                                    Err(CoverageError::Fhir(e)) if e.status() >= 500 => {
                                        return Err(CoverageError::Fhir(e));
                                    }
                                    Err(e) => {
                                        results[i] = Some(MemberResult {
                                            segment: m.position,
                                            name,
                                            outcome: "rejected".into(),
                                            reason: Some(e.to_string()),
                                            patient: None,
                                        });
                                    }
                                }
                            }
                        }
                    }
                }
                if !ready.spans.is_empty() {
                    let _ = writer.batches.send(ready).await;
                }
                reject(&mut results, writer.finish().await?);
                for (i, r) in results.into_iter().enumerate() {
                    let Some(r) = r else { continue };
                    if r.outcome == "rejected"
                        && let Some(Ok(m)) = parsed.members.get(i)
                    {
                        seg_errors.push(ws_x12::SegmentError {
                            segment_id: "INS".into(),
                            st_position: m.st_position,
                            loop_id: Some("2000".into()),
                            code: "8".into(),
                            elements: Vec::new(),
                        });
                    }
                    out.members.push(r);
                }
                if parsed.header.is_full_file()
                    && let Some(group) = parsed.header.master_policy.clone()
                {
                    out.not_in_audit
                        .extend(self.audit_gaps(&svc, &group, &seen_in_file).await?);
                }
                let all_rejected = !parsed.members.is_empty()
                    && parsed.members.len() == seg_errors.len()
                    && out.members.iter().all(|m| m.outcome == "rejected");
                if let Some(t) = input_ack.transactions.get_mut(ti) {
                    *t = TransactionAck::accepted(tx).with_errors(seg_errors, all_rejected);
                }
            }
            acks.push(input_ack);
        }
        let ctx = Envelope::reply_to(&ix, date, time, ctl, 1);
        out.ack = acks.first().map(|a| ack_999(&ctx, a)).unwrap_or_default();
        Ok(out)
    }

    /// The Patient ids of every subscriber a group's 834s enrolled, by subscriber id (one
    /// search by identifier system; the resources themselves are not kept).
    async fn subscribers_of(&self, svc: &Caller, group: &str) -> Result<HashMap<String, String>> {
        let system = format!("urn:wellspring:subscriber-id:{group}");
        let subs = self
            .fhir
            .search_resources(
                svc,
                "Patient",
                &[("identifier".into(), format!("{system}|"))],
                10_000_000,
            )
            .await?;
        Ok(subs
            .iter()
            .filter_map(|p| Some((identifier(p, &system)?, p["id"].as_str()?.to_owned())))
            .collect())
    }

    /// The families of `keys` (group, subscriber id), read in a few searches instead of several
    /// per family: their Coverage by `subscriber` and their Patients by `_id`, 100 at a time.
    async fn preload_families(
        &self,
        svc: &Caller,
        keys: &[(String, String)],
        subscribers: &HashMap<String, HashMap<String, String>>,
    ) -> Result<HashMap<(String, String), FamilyCtx>> {
        let mut out: HashMap<(String, String), FamilyCtx> = HashMap::new();
        let found: Vec<((String, String), String)> = keys
            .iter()
            .filter_map(|k| Some((k.clone(), subscribers.get(&k.0)?.get(&k.1)?.clone())))
            .collect();
        let pids: Vec<String> = found.iter().map(|(_, p)| p.clone()).collect();
        let mut rows_by_sub: HashMap<String, Vec<CoverageRow>> = HashMap::new();
        for chunk in pids.chunks(100) {
            let refs: Vec<String> = chunk.iter().map(|p| format!("Patient/{p}")).collect();
            for c in self
                .fhir
                .search_resources(
                    svc,
                    "Coverage",
                    &[("subscriber".into(), refs.join(","))],
                    100_000,
                )
                .await?
            {
                if let Some(r) = CoverageRow::parse(&c) {
                    rows_by_sub.entry(r.subscriber.clone()).or_default().push(r);
                }
            }
        }
        let mut wanted: Vec<String> = rows_by_sub
            .values()
            .flatten()
            .map(|r| r.member.clone())
            .chain(pids.iter().cloned())
            .collect();
        wanted.sort();
        wanted.dedup();
        let mut patients_by_id: HashMap<String, Value> = HashMap::new();
        for chunk in wanted.chunks(100) {
            for p in self
                .fhir
                .search_resources(svc, "Patient", &[("_id".into(), chunk.join(","))], 1000)
                .await?
            {
                if let Some(id) = p["id"].as_str() {
                    patients_by_id.insert(id.to_owned(), p.clone());
                }
            }
        }
        for (key, pid) in found {
            let mut rows = rows_by_sub.remove(&pid).unwrap_or_default();
            rows.sort_by_key(|r| (r.start, r.member.clone()));
            let mut patients = std::collections::BTreeMap::new();
            for id in rows.iter().map(|r| r.member.clone()).chain([pid.clone()]) {
                if let Some(p) = patients_by_id.get(&id) {
                    patients.insert(id, p.clone());
                }
            }
            out.insert(
                key,
                FamilyCtx {
                    loaded: true,
                    subscriber: Some(pid.clone()),
                    family: Some(Family {
                        subscriber: pid,
                        rows,
                        patients,
                    }),
                },
            );
        }
        // Families the file names that are not on file yet: nothing to look up.
        for k in keys {
            out.entry(k.clone()).or_insert_with(|| FamilyCtx {
                loaded: true,
                ..FamilyCtx::default()
            });
        }
        Ok(out)
    }

    /// A task that stores the batches sent to it, in order, one transaction each: the next
    /// batch is validated and built (on a blocking thread, using every core) while the
    /// previous one holds the single writer. A batch that fails is retried member by member
    /// so a bad member rejects only itself. The task returns the rejected members.
    fn start_writer(&self, svc: &Caller) -> Writer {
        use futures::StreamExt;
        let (batches, rx) = tokio::sync::mpsc::channel::<WriteBatch>(2);
        let (me, svc) = (self.clone(), svc.clone());
        let task = tokio::spawn(async move {
            let mut rejected = Vec::new();
            let mut prepared = std::pin::pin!(
                futures::stream::unfold(
                    rx,
                    |mut rx| async move { rx.recv().await.map(|b| (b, rx)) }
                )
                .map(|b: WriteBatch| {
                    let (me, svc) = (me.clone(), svc.clone());
                    tokio::task::spawn_blocking(move || {
                        let p = tokio::runtime::Handle::current()
                            .block_on(me.fhir.prepare_puts(&svc, &b.values));
                        (b, p)
                    })
                })
                .buffered(2)
            );
            while let Some(next) = prepared.next().await {
                let (b, p) = joined(next)?;
                let stored = match p {
                    Ok(p) => me.fhir.store_puts(&svc, p).await,
                    Err(e) => Err(e),
                };
                match stored {
                    Ok(()) => {}
                    Err(e) if e.status() >= 500 => return Err(CoverageError::Fhir(e)),
                    Err(_) => rejected.extend(me.store_members(&svc, &b.values, &b.spans).await?),
                }
            }
            Ok(rejected)
        });
        Writer { batches, task }
    }

    /// Store each of `members`' writes in its own transaction (after their batch failed).
    /// Returns the rejected members (index, reason).
    async fn store_members(
        &self,
        svc: &Caller,
        values: &[Value],
        members: &[(usize, std::ops::Range<usize>)],
    ) -> Result<Vec<(usize, String)>> {
        let mut rejected = Vec::new();
        for (i, span) in members {
            match self.put_slice(svc, &values[span.clone()]).await {
                Ok(()) => {}
                Err(CoverageError::Fhir(f)) if f.status() >= 500 => {
                    return Err(CoverageError::Fhir(f));
                }
                Err(e) => rejected.push((*i, e.to_string())),
            }
        }
        Ok(rejected)
    }

    /// Members covered in `group` today whom a full-file audit did not list: the families of
    /// subscribers this group's 834s enrolled (their `urn:wellspring:subscriber-id:<group>`
    /// identifier). Reported, not terminated (ADR 0004).
    async fn audit_gaps(
        &self,
        svc: &Caller,
        group: &str,
        seen: &HashSet<String>,
    ) -> Result<Vec<String>> {
        let subs = self.subscribers_of(svc, group).await?;
        let today = self.clock().today();
        let mut out = Vec::new();
        for id in subs.values() {
            let fam = self.family_as(svc, id, today).await?;
            for r in fam
                .rows
                .iter()
                .filter(|r| r.group == group && r.covers(today))
            {
                if !seen.contains(&r.member) {
                    out.push(format!(
                        "{} (Patient/{}) is covered in group {group} but not in this full-file audit",
                        fam.name_of(&r.member),
                        r.member
                    ));
                }
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// Plan one member loop against its family's state (loaded once per family, kept up to
    /// date in memory). Returns the outcome word, the Patient id and the resources to write;
    /// nothing is written here.
    #[allow(clippy::too_many_arguments)]
    async fn plan_member(
        &self,
        svc: &Caller,
        m: &Member834,
        group_number: &str,
        groups: &mut HashMap<String, Option<GroupInfo>>,
        plans: &mut HashMap<(String, String), Option<PlanSummary>>,
        fam: &mut FamilyCtx,
        mrns: &mut MrnBlocks,
    ) -> Result<(&'static str, String, Vec<Value>)> {
        if group_number.is_empty() {
            return Err(CoverageError::Invalid(
                "no group number (REF*1L or REF*38)".into(),
            ));
        }
        let Some(group) = self.group_info(svc, groups, group_number).await? else {
            return Err(CoverageError::Invalid(format!(
                "unknown employer group {group_number} (REF*1L/REF*38)"
            )));
        };
        let region = group.region.clone();
        let relationship = Relationship::from_x12(&m.relationship).ok_or_else(|| {
            CoverageError::Invalid(format!("unknown relationship code {}", m.relationship))
        })?;
        let health = m.coverages.iter().find(|c| c.insurance_line == "HLT");
        let plan = match health {
            Some(h) => match self.plan_cached(svc, plans, &h.plan_code, &region).await? {
                Some(p) => Some(p),
                None => {
                    return Err(CoverageError::Invalid(format!(
                        "unknown plan {} (HD04) in region {region}",
                        h.plan_code
                    )));
                }
            },
            None => None,
        };
        if let Some(c) = m.coverages.iter().find(|c| c.insurance_line != "HLT") {
            return Err(CoverageError::Invalid(format!(
                "insurance line {} (HD03) is not offered; only HLT",
                c.insurance_line
            )));
        }
        let sub_id_system = format!("urn:wellspring:subscriber-id:{}", group.number);
        // The family (subscriber and everyone covered with them), loaded once.
        if !fam.loaded {
            fam.loaded = true;
            if let Some(sp) = self
                .find_patient_by(svc, &sub_id_system, &m.subscriber_id)
                .await?
            {
                let id = sp["id"].as_str().unwrap_or_default().to_owned();
                let mut f = self.family_as(svc, &id, self.clock().today()).await?;
                f.patients.insert(id.clone(), sp);
                fam.family = Some(f);
                fam.subscriber = Some(id);
            }
        }
        let sub_pid = if m.subscriber {
            None
        } else {
            match &fam.subscriber {
                Some(s) => Some(s.clone()),
                None => {
                    return Err(CoverageError::Invalid(format!(
                        "no subscriber with REF*0F {} is on file for group {}",
                        m.subscriber_id, group.number
                    )));
                }
            }
        };
        // Find the member.
        let mut existing: Option<Value> = None;
        if let Some((q, v)) = &m.member_identifier
            && q == "ZZ"
        {
            existing = self
                .find_patient_by(svc, &member_id_system(&region), v)
                .await?;
        }
        if existing.is_none() && m.subscriber {
            existing = fam
                .subscriber
                .as_ref()
                .and_then(|s| fam.family.as_ref()?.patients.get(s).cloned());
        }
        if existing.is_none()
            && !m.subscriber
            && let Some(f) = &fam.family
        {
            existing = f
                .patients
                .values()
                .find(|p| {
                    p["birthDate"].as_str() == Some(&m.birth_date.to_string())
                        && p["name"][0]["given"][0]
                            .as_str()
                            .is_some_and(|g| g.eq_ignore_ascii_case(&m.first_name))
                })
                .cloned();
        }
        let mut writes: Vec<Value> = Vec::new();
        let mut created = false;
        let patient = match existing {
            Some(p) => p,
            None => {
                if m.maintenance != Maintenance::Addition && m.maintenance != Maintenance::Audit {
                    return Err(CoverageError::Invalid(format!(
                        "{} {} (born {}) is not on file; only an addition (021) or audit (030) can enroll a new member",
                        m.first_name, m.last_name, m.birth_date
                    )));
                }
                created = true;
                let mrn = mrns.next(self, &region).await?;
                let id = format!("{region}-pat-{}", mrn.to_ascii_lowercase());
                let member_id = format!(
                    "{}-{}",
                    mrn.to_ascii_uppercase(),
                    if m.subscriber { "01" } else { "02" }
                );
                let mut ids = vec![
                    json!({"use": "usual", "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR", "display": "Medical record number"}], "text": "MRN"}, "system": mrn_system(&region), "value": mrn}),
                    json!({"use": "secondary", "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MB", "display": "Member Number"}]}, "system": member_id_system(&region), "value": member_id}),
                ];
                if m.subscriber {
                    ids.push(json!({"use": "secondary", "system": sub_id_system, "value": m.subscriber_id}));
                }
                json!({"resourceType": "Patient", "id": id, "identifier": ids, "active": true})
            }
        };
        let pid = patient["id"].as_str().unwrap_or_default().to_owned();
        // Demographics from the file.
        let mut updated = strip_meta(&patient);
        let mut name = json!({"use": "official", "family": m.last_name, "given": [m.first_name]});
        if let Some(mid) = &m.middle_name {
            name["given"] = json!([m.first_name, mid]);
        }
        if let Some(s) = &m.suffix {
            name["suffix"] = json!([s]);
        }
        updated["name"] = json!([name]);
        updated["gender"] = json!(gender_of(m.gender));
        updated["birthDate"] = json!(m.birth_date.to_string());
        if !m.address_lines.is_empty() {
            updated["address"] = json!([{"use": "home", "type": "both", "line": m.address_lines, "city": m.city, "state": m.state, "postalCode": m.zip, "country": "US"}]);
        }
        if !m.phones.is_empty() || m.email.is_some() {
            let mut telecom: Vec<Value> = m
                .phones
                .iter()
                .map(|(q, n)| {
                    let digits: String = n.chars().filter(char::is_ascii_digit).collect();
                    let value = if digits.len() == 10 {
                        format!("+1{digits}")
                    } else {
                        format!("+{digits}")
                    };
                    let use_ = match q.as_str() {
                        "CP" => "mobile",
                        "WP" => "work",
                        _ => "home",
                    };
                    json!({"system": "phone", "value": value, "use": use_})
                })
                .collect();
            if let Some(e) = &m.email {
                telecom.push(json!({"system": "email", "value": e}));
            }
            updated["telecom"] = json!(telecom);
        }
        if let Some(d) = m.death_date {
            updated["deceasedDateTime"] = json!(d.to_string());
        }
        if created || updated != strip_meta(&patient) {
            writes.push(updated);
        }
        // Coverage.
        let rows: Vec<CoverageRow> = match &fam.family {
            Some(f) => f.rows.clone(),
            None => Vec::new(),
        };
        let mine: Vec<&CoverageRow> = rows
            .iter()
            .filter(|r| r.member == pid && r.group == group.number)
            .collect();
        let subscriber = if m.subscriber {
            pid.clone()
        } else {
            sub_pid.clone().unwrap_or_default()
        };
        let member_id = identifier(&patient, &member_id_system(&region))
            .or_else(|| {
                writes
                    .first()
                    .and_then(|w| identifier(w, &member_id_system(&region)))
            })
            .unwrap_or_default();
        let begin = health.and_then(|h| h.begin);
        let end = health
            .and_then(|h| h.end)
            .or_else(|| m.dates.iter().find(|(q, _)| q == "357").map(|(_, d)| *d))
            .or(m.death_date);
        let mut outcome: &'static str = if created { "added" } else { "unchanged" };
        let periods: Vec<Period> = rows.iter().map(CoverageRow::period).collect();
        let template = mine.last().map(|r| &r.resource);
        let new_cov = |start: Date, plan: &PlanSummary| -> (Period, Value) {
            let p = Period {
                id: format!("{region}-cov-{}", uuid::Uuid::new_v4().simple()),
                member: pid.clone(),
                subscriber: subscriber.clone(),
                relationship,
                kind: "medical".into(),
                plan: plan.code.clone(),
                group: group.number.clone(),
                start,
                end: None,
            };
            let v = coverage_resource(template, &p, &member_id, &region, plan, &group.name);
            (p, v)
        };
        match m.maintenance {
            Maintenance::Addition | Maintenance::Audit | Maintenance::Change => {
                if let Some(plan) = &plan {
                    let open = mine.iter().find(|r| r.end.is_none());
                    match open {
                        Some(r) if r.plan_code == plan.code => {}
                        Some(r) => {
                            let Some(start) = begin else {
                                return Err(CoverageError::Invalid(
                                    "a plan change needs the benefit begin date (DTP*348)".into(),
                                ));
                            };
                            let last = start.yesterday().unwrap_or(start);
                            if last < r.start {
                                return Err(CoverageError::Invalid(format!(
                                    "DTP*348 {start} is before the current coverage began ({})",
                                    r.start
                                )));
                            }
                            writes.push(with_end(&r.resource, Some(last)));
                            let (p, v) = new_cov(start, plan);
                            check_history(&periods, Some(&r.id), Some(last), &p)?;
                            writes.push(v);
                            outcome = "changed";
                        }
                        None => {
                            let Some(start) = begin else {
                                return Err(CoverageError::Invalid(
                                    "an enrollment needs the benefit begin date (DTP*348)".into(),
                                ));
                            };
                            // The same enrollment already on file (ended or not) is not repeated.
                            if !mine
                                .iter()
                                .any(|r| r.start == start && r.plan_code == plan.code)
                            {
                                let (p, v) = new_cov(start, plan);
                                check_history(&periods, None, None, &p)?;
                                writes.push(v);
                                if !created {
                                    outcome = "added";
                                }
                            }
                        }
                    }
                }
            }
            Maintenance::Termination | Maintenance::Delete => {
                let Some(last) = end else {
                    return Err(CoverageError::Invalid(
                        "a termination needs the benefit end date (DTP*349 or DTP*357)".into(),
                    ));
                };
                let target = mine
                    .iter()
                    .filter(|r| r.start <= last)
                    .max_by_key(|r| r.start);
                match target {
                    None => {
                        return Err(CoverageError::Invalid(format!(
                            "no coverage in group {} to terminate on {last}",
                            group.number
                        )));
                    }
                    Some(r) if r.end == Some(last) => {}
                    Some(r) => {
                        writes.push(with_end(&r.resource, Some(last)));
                        // Dependents of a terminated subscriber end with them.
                        if m.subscriber {
                            for d in rows.iter().filter(|d| {
                                d.member != pid
                                    && d.subscriber == pid
                                    && d.group == group.number
                                    && d.end.is_none_or(|e| e > last)
                            }) {
                                writes.push(with_end(&d.resource, Some(last.max(d.start))));
                            }
                        }
                        outcome = "terminated";
                    }
                }
            }
            Maintenance::Reinstatement => {
                let latest = mine.iter().max_by_key(|r| r.start);
                match latest {
                    Some(r) if r.end.is_some() => {
                        let p = Period {
                            end: None,
                            ..r.period()
                        };
                        check_history(&periods, Some(&r.id), None, &p)?;
                        writes.push(with_end(&r.resource, None));
                        outcome = "reinstated";
                    }
                    Some(_) => {}
                    None => {
                        return Err(CoverageError::Invalid(format!(
                            "no coverage in group {} to reinstate",
                            group.number
                        )));
                    }
                }
            }
        }
        if outcome == "unchanged" && !writes.is_empty() {
            outcome = "changed";
        }
        // Keep the family state current for the next members of this family.
        let f = fam.family.get_or_insert_with(|| Family {
            subscriber: subscriber.clone(),
            rows: Vec::new(),
            patients: Default::default(),
        });
        if m.subscriber {
            fam.subscriber = Some(pid.clone());
            f.subscriber = pid.clone();
        }
        for w in &writes {
            match w["resourceType"].as_str() {
                Some("Patient") => {
                    f.patients.insert(pid.clone(), w.clone());
                }
                Some("Coverage") => {
                    if let Some(row) = CoverageRow::parse(w) {
                        f.rows.retain(|r| r.id != row.id);
                        f.rows.push(row);
                    }
                }
                _ => {}
            }
        }
        Ok((outcome, pid, writes))
    }

    /// Answer an X12 270 with a 271 (ELG-02).
    pub async fn eligibility_270(&self, caller: &Caller, input: &[u8]) -> Result<String> {
        Self::authorize_staff(caller)?;
        let ix = parse(input).map_err(x12_err)?;
        let (date, time, ctl) = now_parts(self.clock().now());
        let ctx = Envelope::reply_to(&ix, date, time, ctl, 1);
        let svc = Caller {
            acting_for: None,
            ..Self::service_caller(caller, "", "eligibility: X12 270 inquiry")
        };
        let mut out = String::new();
        for g in &ix.groups {
            for tx in &g.transactions {
                if tx.id != "270" {
                    return Err(CoverageError::Invalid(format!(
                        "transaction {} is not a 270 eligibility inquiry",
                        tx.id
                    )));
                }
                for inq in parse_270(tx).map_err(x12_err)? {
                    let answer = self.answer_270(&svc, &inq).await?;
                    out.push_str(&write_271(&ctx, &inq, &answer));
                }
            }
        }
        Ok(out)
    }

    async fn answer_270(&self, svc: &Caller, inq: &Inquiry270) -> Result<EligibilityAnswer> {
        let not_found = |code: &str| EligibilityAnswer::NotFound {
            aaa_code: code.to_owned(),
        };
        let Some(member_id) = inq.subscriber.member_id.clone().filter(|s| !s.is_empty()) else {
            return Ok(not_found("72"));
        };
        let found = self
            .fhir
            .search_resources(
                svc,
                "Patient",
                &[("identifier".into(), member_id.clone())],
                2,
            )
            .await?;
        let Some(sub) = found.into_iter().next() else {
            return Ok(not_found("75"));
        };
        let family_matches = |p: &Value, last: &str| {
            p["name"][0]["family"]
                .as_str()
                .is_some_and(|f| f.eq_ignore_ascii_case(last.trim()))
        };
        if !inq.subscriber.last_name.is_empty() && !family_matches(&sub, &inq.subscriber.last_name)
        {
            return Ok(not_found("73"));
        }
        if let Some(b) = inq.subscriber.birth_date
            && sub["birthDate"].as_str() != Some(&b.to_string())
        {
            return Ok(not_found("58"));
        }
        let on = match inq.date {
            Some(ws_x12::DateOrRange::Date(d)) => d,
            Some(ws_x12::DateOrRange::Range(a, _)) => a,
            None => self.clock().today(),
        };
        let mut who = sub.clone();
        if let Some(dep) = &inq.dependent {
            let sid = sub["id"].as_str().unwrap_or_default();
            let fam = self.family_as(svc, sid, on).await?;
            let m = fam.patients.values().find(|p| {
                p["name"][0]["given"][0]
                    .as_str()
                    .is_some_and(|g| g.eq_ignore_ascii_case(dep.first_name.trim()))
                    && dep
                        .birth_date
                        .is_none_or(|b| p["birthDate"].as_str() == Some(&b.to_string()))
            });
            match m {
                Some(p) => who = p.clone(),
                None => return Ok(not_found("67")),
            }
        }
        let pid = who["id"].as_str().unwrap_or_default().to_owned();
        let rows = self.coverages_of(svc, &pid).await?;
        let st = self.status_from(svc, &who, rows, on, None).await;
        let Some(cov) = &st.coverage else {
            return Ok(EligibilityAnswer::Found {
                covered: false,
                plan_name: String::new(),
                plan_begin: None,
                plan_end: None,
                pcp: None,
                copays: Vec::new(),
                deductible: None,
                deductible_remaining: None,
                oop_max: None,
                oop_remaining: None,
            });
        };
        let plan = st.plan.clone().unwrap_or_default();
        let dollars = |code: &str| -> Option<u64> {
            let w = plan.cost_of(code)?;
            let v: f64 = w.strip_prefix('$')?.parse().ok()?;
            Some((v * 100.0).round() as u64)
        };
        let copays = [
            ("98", "primary-care"),
            ("UC", "urgent-care"),
            ("86", "emergency"),
            ("5", "lab"),
            ("4", "imaging"),
            ("88", "generic-drug"),
        ]
        .iter()
        .filter_map(|(st, code)| dollars(code).map(|c| ((*st).to_owned(), c)))
        .collect();
        let pcp = st.pcp.as_ref().map(|name| {
            let clean = name.trim_start_matches("Dr. ").trim();
            let (first, last) = clean.rsplit_once(' ').unwrap_or(("", clean));
            ws_x12::Pcp {
                last_name: last.trim_end_matches(',').to_owned(),
                first_name: first.to_owned(),
                npi: None,
            }
        });
        Ok(EligibilityAnswer::Found {
            covered: st.is_active(),
            plan_name: plan.name.clone(),
            plan_begin: Some(cov.start),
            plan_end: cov.end,
            pcp,
            copays,
            deductible: plan.deductible.map(|d| d.0 * 100).filter(|d| *d > 0),
            deductible_remaining: None,
            oop_max: plan.oop_max.map(|o| o.0 * 100).filter(|o| *o > 0),
            oop_remaining: None,
        })
    }
}

/// The ledger invariants hold after replacing row `changed` (new end) and adding `new`.
fn check_history(
    periods: &[Period],
    changed: Option<&str>,
    new_end: Option<Date>,
    new: &Period,
) -> Result<()> {
    let mut after: Vec<Period> = periods
        .iter()
        .map(|p| {
            if Some(p.id.as_str()) == changed {
                Period {
                    end: new_end,
                    ..p.clone()
                }
            } else {
                p.clone()
            }
        })
        .filter(|p| p.id != new.id)
        .collect();
    after.push(new.clone());
    ledger::check(&after).map_err(|v| CoverageError::Invalid(v.to_string()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use ws_fhir_service::{Clock, Fhir};
    use ws_store::Store;

    /// The service takes "today" from its injected clock: a 270 without a date is answered
    /// for the clock's day (covered in June 2026, not after the coverage ended), the 271
    /// envelope is dated by the clock, and the FHIR answer's `created` is the clock's day.
    #[tokio::test]
    async fn today_comes_from_the_injected_clock() {
        let dir = std::env::temp_dir().join(format!(
            "wellspring-coverage-clock-{}",
            uuid::Uuid::new_v4().simple()
        ));
        let store = Store::connect(&format!("sqlite://{}", dir.join("t.db").display()))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let (auditor, audit_task) = ws_audit::Auditor::start(store.clone());
        let clock = Clock::fixed("2026-06-01T12:00:00Z".parse().unwrap());
        let fhir = Fhir::new(
            store.clone(),
            auditor,
            "http://127.0.0.1:8080/fhir".into(),
            dir.join("exports"),
        )
        .with_clock(clock.clone());
        let m = CoverageService::new(fhir);
        let system = Caller::system();
        m.fhir
            .put_resources(
                &system,
                &[
                    json!({"resourceType": "Organization", "id": "north-org-plan",
                        "name": "Wellspring Health North"}),
                    json!({"resourceType": "Patient", "id": "sub",
                        "identifier": [{"system": "urn:wellspring:member-id:north", "value": "NOR0000001-01"}],
                        "name": [{"family": "Okafor", "given": ["Ada"]}], "gender": "female",
                        "birthDate": "1988-05-02"}),
                    json!({"resourceType": "Coverage", "id": "cov-sub", "status": "active",
                        "subscriber": {"reference": "Patient/sub"},
                        "beneficiary": {"reference": "Patient/sub"},
                        "relationship": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship", "code": "self"}]},
                        "period": {"start": "2026-01-01", "end": "2026-12-31"},
                        "payor": [{"reference": "Organization/north-org-plan"}],
                        "class": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/coverage-class", "code": "plan"}]},
                            "value": "THMO-25", "name": "Wellspring Traditional HMO North"}]}),
                ],
            )
            .await
            .unwrap();

        let entity = |code: &str, name: &str| ws_x12::Entity {
            entity_code: code.into(),
            entity_type: "2".into(),
            name: name.into(),
            first_name: String::new(),
            id_qualifier: "PI".into(),
            id: "12345".into(),
        };
        let inquiry = ws_x12::Inquiry270 {
            reference: "R1".into(),
            trace: Some("TRACE1".into()),
            trace_originator: Some("9877281234".into()),
            source: entity("PR", "WELLSPRING"),
            provider: entity("1P", "VALLEY CLINIC"),
            subscriber: ws_x12::Person {
                last_name: "Okafor".into(),
                first_name: "Ada".into(),
                middle_name: None,
                member_id: Some("NOR0000001-01".into()),
                birth_date: Some(date(1988, 5, 2)),
                gender: None,
            },
            dependent: None,
            // No date: the inquiry is about today.
            date: None,
            service_types: vec!["30".into()],
            position: 0,
            st_position: 0,
        };
        let env = Envelope::new(
            "CLINIC",
            "WELLSPRING",
            date(2020, 1, 1),
            jiff::civil::time(10, 30, 0, 0),
            1001,
            1,
        );
        let x270 = ws_x12::write_270(&env, std::slice::from_ref(&inquiry));

        let covered = m.eligibility_270(&system, x270.as_bytes()).await.unwrap();
        assert!(covered.contains("EB*1*IND*30"), "{covered}");
        assert!(
            covered.contains("*20260601*"),
            "271 dated by the clock: {covered}"
        );
        let st = m.status(&system, "sub", m.clock().today()).await.unwrap();
        assert_eq!(st.to_fhir("e1")["created"], "2026-06-01");

        clock.set("2027-02-01T12:00:00Z".parse().unwrap());
        let ended = m.eligibility_270(&system, x270.as_bytes()).await.unwrap();
        assert!(ended.contains("EB*6*IND*30"), "{ended}");
        assert!(
            ended.contains("*20270201*"),
            "271 dated by the clock: {ended}"
        );
        let st = m.status(&system, "sub", m.clock().today()).await.unwrap();
        assert_eq!(st.to_fhir("e2")["created"], "2027-02-01");

        drop(m);
        let _ = audit_task.await;
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}
