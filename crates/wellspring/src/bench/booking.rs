//! `wellspring bench-booking`: getting care under load (issue 14).
//!
//! 1. A synthetic region of `--members` members: its directory (sites, practitioners, roles,
//!    schedules), plans, members and their coverage — not their clinical records, which the
//!    scheduling paths never read — imported into an empty database.
//! 2. Slots for `--days` days from today, cut from every schedule's template.
//! 3. `wellspring serve` as a child process; `--clients` concurrent clients with the integration
//!    token run, for `--duration` seconds each:
//!    - **open-slot search**: `GET /fhir/Slot?schedule.actor=Practitioner/<random>&start=ge<today>
//!      &status=free&_sort=start&_count=20` — latency percentiles and requests/s;
//!    - **booking under contention**: `POST /fhir/Appointment` for a random member into one of a
//!      small hot set of free slots (so clients collide): 201 or 409, bookings/s, attempts/s.
//! 4. The invariant is checked afterwards: every booked slot is named by exactly one booked
//!    Appointment.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use serde_json::{Value, json};
use ws_fhir_service::{Caller, Fhir};

use super::{integration_token, prepare_database, sqlite_path, start_server};

#[derive(Args, Debug, Clone)]
pub struct BookingArgs {
    /// Database: sqlite://PATH or postgres://... (emptied first — never point it at real data)
    #[arg(long)]
    pub database: String,
    /// Members in the region
    #[arg(long, default_value_t = 100_000)]
    pub members: u64,
    /// Days of slots from today
    #[arg(long, default_value_t = 35)]
    pub days: i64,
    /// Concurrent HTTP clients
    #[arg(long, default_value_t = 32)]
    pub clients: usize,
    /// Measured seconds per workload
    #[arg(long, default_value_t = 20)]
    pub duration: u64,
    /// Free slots in the sliding window the booking clients fight over
    #[arg(long, default_value_t = 64)]
    pub hot_slots: usize,
    /// Reuse the region and slots an earlier run loaded into --database (skips steps 1 and 2)
    #[arg(long)]
    pub reuse: bool,
    /// Where the server's log goes
    #[arg(long, default_value = "target/bench-booking")]
    pub workdir: std::path::PathBuf,
}

/// Resource types the scheduling paths read; the rest of the region is not loaded.
const KEEP: &[&str] = &[
    "Organization",
    "Location",
    "HealthcareService",
    "Practitioner",
    "PractitionerRole",
    "Schedule",
    "InsurancePlan",
    "Patient",
    "Coverage",
];

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub async fn run(args: BookingArgs) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.workdir)?;
    let backend = if sqlite_path(&args.database).is_some() {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    if cfg!(debug_assertions) {
        eprintln!("warning: a debug build; figures are only meaningful from --release");
    }
    if !args.reuse {
        prepare_database(&args.database, true).await?;
    }
    let store = ws_store::Store::connect(&args.database).await?;
    store.migrate().await?;

    // 1. The region, without clinical records.
    let t0 = Instant::now();
    let (auditor, audit_task) = ws_audit::Auditor::start(store.clone());
    let fhir = Fhir::new(
        store.clone(),
        auditor,
        "urn:wellspring:bench".into(),
        args.workdir.join("exports"),
    );
    let loaded = if args.reuse {
        0
    } else {
        let cfg = ws_synthetic::SeedConfig::new(args.members, 1);
        let (tx, rx) = tokio::sync::mpsc::channel::<Vec<ws_fhir_service::bulk::ImportItem>>(4);
        let generator = tokio::task::spawn_blocking(move || {
            let mut batch = Vec::with_capacity(5_000);
            let mut n = 0u64;
            let r = ws_synthetic::generate(&cfg, &mut |v| {
                let t = v.get("resourceType").and_then(Value::as_str).unwrap_or("");
                if KEEP.contains(&t) {
                    n += 1;
                    batch.push(ws_fhir_service::bulk::ImportItem::value(n, v));
                    if batch.len() >= 5_000 {
                        tx.blocking_send(std::mem::take(&mut batch))
                            .map_err(|_| "import stopped")?;
                    }
                }
                Ok::<(), &'static str>(())
            });
            if !batch.is_empty() {
                let _ = tx.blocking_send(batch);
            }
            r.map(|_| n)
        });
        let mut report = ws_fhir_service::bulk::ImportReport::default();
        fhir.import_batches(&Caller::system(), "region", rx, &mut report)
            .await?;
        generator
            .await?
            .map_err(|e| anyhow::anyhow!("generator: {e}"))?
    };
    let load_s = t0.elapsed().as_secs_f64();
    eprintln!(
        "bench-booking: {} members, {loaded} resources loaded in {load_s:.1} s",
        args.members
    );

    // 2. Slots (the bulk load left fresh statistics; slot generation refreshes them after).
    let t1 = Instant::now();
    let guarded = fhir
        .clone()
        .with_guard(Arc::new(ws_scheduling::service::guard::SchedulingGuard));
    let scheduling = ws_scheduling::SchedulingService::new(guarded);
    let today = scheduling.clock().today();
    let slots = scheduling.ensure_slots(today, args.days).await?;
    let slots_s = t1.elapsed().as_secs_f64();
    let practitioners: Vec<String> = fhir
        .search_resources(
            &Caller::system(),
            "Schedule",
            &[("active".into(), "true".into())],
            100_000,
        )
        .await?
        .iter()
        .flat_map(|s| s["actor"].as_array().cloned().unwrap_or_default())
        .filter_map(|a| {
            a["reference"]
                .as_str()
                .and_then(|r| r.strip_prefix("Practitioner/"))
                .map(str::to_owned)
        })
        .collect();
    let patients: Vec<String> = fhir
        .search_resources(
            &Caller::system(),
            "Patient",
            &[("_count".into(), "100000".into())],
            20_000,
        )
        .await?
        .iter()
        .filter_map(|p| p["id"].as_str().map(str::to_owned))
        .collect();
    eprintln!(
        "bench-booking: {slots} slots for {} schedules' practitioners in {slots_s:.1} s",
        practitioners.len()
    );
    drop(scheduling);
    drop(fhir);
    let _ = audit_task.await;
    store.close().await;
    anyhow::ensure!(!practitioners.is_empty(), "the region has no schedules");

    // 3. The server and the clients.
    let exe = std::env::current_exe().context("locating the wellspring binary")?;
    let server = start_server(&exe, &args.database, &args.workdir.join("server.log")).await?;
    let token = integration_token(&args.database).await?;
    let client = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(args.clients)
        .timeout(Duration::from_secs(30))
        .build()?;
    let fhir_base = format!("{}/fhir", server.base);
    let auth = format!("Bearer {token}");

    // 3a. Open-slot search.
    let lat: Arc<std::sync::Mutex<Vec<f64>>> = Arc::default();
    let errors = Arc::new(AtomicU64::new(0));
    let stop = Instant::now() + Duration::from_secs(args.duration);
    let practitioners = Arc::new(practitioners);
    let mut tasks = Vec::new();
    for c in 0..args.clients {
        let (client, base, auth) = (client.clone(), fhir_base.clone(), auth.clone());
        let (lat, errors, prs) = (lat.clone(), errors.clone(), practitioners.clone());
        tasks.push(tokio::spawn(async move {
            let mut i = c * 7919;
            let mut mine = Vec::new();
            while Instant::now() < stop {
                i = i.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let pr = &prs[(i >> 33) % prs.len()];
                let url = format!(
                    "{base}/Slot?schedule.actor=Practitioner/{pr}&start=ge{today}&status=free&_sort=start&_count=20"
                );
                let t = Instant::now();
                match client.get(&url).header("authorization", &auth).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        mine.push(t.elapsed().as_secs_f64() * 1000.0);
                    }
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            if let Ok(mut l) = lat.lock() {
                l.extend(mine);
            }
        }));
    }
    for t in tasks {
        t.await?;
    }
    let mut search = lat.lock().map(|l| l.clone()).unwrap_or_default();
    search.sort_by(f64::total_cmp);
    let search_rate = search.len() as f64 / args.duration as f64;
    let search_errors = errors.load(Ordering::Relaxed);

    // 3b. Booking under contention: every client tries a random slot of a small window of the
    // soonest free slots; the window slides on as slots are taken, so clients keep colliding.
    let mut hot: Vec<Value> = Vec::new();
    for pr in practitioners.iter().take(40) {
        let page = client
            .get(format!(
                "{fhir_base}/Slot?schedule.actor=Practitioner/{pr}&start=ge{today}&status=free&_sort=start&_count=1000&_total=none"
            ))
            .header("authorization", &auth)
            .send()
            .await?
            .json::<Value>()
            .await?;
        hot.extend(
            page["entry"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|e| e["resource"].clone()),
        );
    }
    hot.sort_by(|a, b| {
        a["start"]
            .as_str()
            .cmp(&b["start"].as_str())
            .then_with(|| a["id"].as_str().cmp(&b["id"].as_str()))
    });
    anyhow::ensure!(!hot.is_empty(), "no free slots to book");
    let hot = Arc::new(hot);
    let patients = Arc::new(patients);
    let created = Arc::new(AtomicU64::new(0));
    let conflicts = Arc::new(AtomicU64::new(0));
    let berrors = Arc::new(AtomicU64::new(0));
    let blat: Arc<std::sync::Mutex<Vec<f64>>> = Arc::default();
    let stop = Instant::now() + Duration::from_secs(args.duration);
    let window = args.hot_slots.max(1);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..args.clients {
        let (client, base, auth) = (client.clone(), fhir_base.clone(), auth.clone());
        let (hot, patients) = (hot.clone(), patients.clone());
        let (created, conflicts, berrors, blat) = (
            created.clone(),
            conflicts.clone(),
            berrors.clone(),
            blat.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut i = (c as u64 + 1) * 104_729;
            let mut mine = Vec::new();
            while Instant::now() < stop {
                i = i.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let first = created.load(Ordering::Relaxed) as usize;
                let idx = first + ((i >> 33) as usize) % window;
                let Some(slot) = hot.get(idx) else { break };
                let p = &patients[((i >> 17) as usize) % patients.len()];
                let body = json!({"resourceType": "Appointment", "status": "booked",
                    "slot": [{"reference": format!("Slot/{}", slot["id"].as_str().unwrap_or_default())}],
                    "start": slot["start"], "end": slot["end"],
                    "participant": [{"actor": {"reference": format!("Patient/{p}")}, "status": "accepted"}]});
                let t = Instant::now();
                match client
                    .post(format!("{base}/Appointment"))
                    .header("authorization", &auth)
                    .json(&body)
                    .send()
                    .await
                {
                    Ok(r) => {
                        let s = r.status().as_u16();
                        let _ = r.bytes().await;
                        mine.push(t.elapsed().as_secs_f64() * 1000.0);
                        match s {
                            201 => created.fetch_add(1, Ordering::Relaxed),
                            409 => conflicts.fetch_add(1, Ordering::Relaxed),
                            _ => berrors.fetch_add(1, Ordering::Relaxed),
                        };
                    }
                    Err(_) => {
                        berrors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            if let Ok(mut l) = blat.lock() {
                l.extend(mine);
            }
        }));
    }
    for t in tasks {
        t.await?;
    }
    let mut book = blat.lock().map(|l| l.clone()).unwrap_or_default();
    book.sort_by(f64::total_cmp);
    let made = created.load(Ordering::Relaxed);
    let lost = conflicts.load(Ordering::Relaxed);
    let elapsed = started
        .elapsed()
        .as_secs_f64()
        .min(args.duration as f64)
        .max(0.001);

    // 4. The invariant: one booked appointment per slot (every page of them).
    let mut per_slot: HashMap<String, u32> = HashMap::new();
    let mut next = Some(format!(
        "{fhir_base}/Appointment?status=booked&_count=1000&_total=none"
    ));
    while let Some(url) = next.take() {
        let page = client
            .get(&url)
            .header("authorization", &auth)
            .send()
            .await?
            .json::<Value>()
            .await?;
        for e in page["entry"].as_array().into_iter().flatten() {
            if let Some(s) = e["resource"]["slot"][0]["reference"].as_str() {
                *per_slot.entry(s.to_owned()).or_default() += 1;
            }
        }
        next = page["link"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|l| l["relation"] == "next")
            .and_then(|l| l["url"].as_str().map(str::to_owned));
    }
    let doubles = per_slot.values().filter(|n| **n > 1).count();
    drop(server);

    println!(
        "## Getting care under load — {backend}, {} members\n",
        args.members
    );
    println!("| figure | value |\n|---|---|");
    println!(
        "| region loaded (directory, members, coverage) | {loaded} resources in {load_s:.1} s |"
    );
    println!(
        "| slots generated ({} days) | {slots} in {slots_s:.1} s |",
        args.days
    );
    println!(
        "| open-slot search, {} clients | {search_rate:.0} req/s · p50 {:.1} ms · p99 {:.1} ms · {search_errors} errors |",
        args.clients,
        pct(&search, 0.5),
        pct(&search, 0.99)
    );
    println!(
        "| booking, {} clients on a sliding window of {} free slots | {:.0} bookings/s · {:.0} attempts/s · p50 {:.1} ms · p99 {:.1} ms |",
        args.clients,
        window,
        made as f64 / elapsed,
        (made + lost) as f64 / elapsed,
        pct(&book, 0.5),
        pct(&book, 0.99)
    );
    println!(
        "| outcomes | {made} booked (201), {lost} taken (409), {} other |",
        berrors.load(Ordering::Relaxed)
    );
    println!(
        "| slots booked twice | {doubles} (of {} booked slots checked) |",
        per_slot.len()
    );
    anyhow::ensure!(doubles == 0, "a slot was booked twice");
    Ok(())
}
