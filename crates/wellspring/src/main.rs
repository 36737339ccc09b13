//! `wellspring`: one binary for the whole system.

mod admin;
mod bench;
mod coverage_cmd;
mod seed;
mod settings;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use ws_audit::Auditor;
use ws_fhir_service::Caller;
use ws_fhir_service::Fhir;
use ws_store::Store;

use crate::settings::Settings;

/// mimalloc instead of glibc malloc: the import and write paths build and drop millions of small
/// JSON values across threads, where glibc's arenas spent ~40 % of the CPU (perf, 834 import).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "wellspring",
    version,
    about = "Wellspring integrated health system"
)]
struct Cli {
    /// Configuration file (TOML). Defaults to ./wellspring.toml when present.
    #[arg(long, global = true, env = "WELLSPRING_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone, Debug, Default)]
pub struct DbArg {
    /// Database URL: sqlite://PATH or postgres://USER@HOST:PORT/DB
    #[arg(long, env = "WELLSPRING_DATABASE_URL")]
    pub database: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve {
        #[command(flatten)]
        db: DbArg,
        /// Address to listen on, e.g. 127.0.0.1:8080
        #[arg(long, env = "WELLSPRING_LISTEN")]
        listen: Option<String>,
        /// Public base URL of the server (default http://LISTEN)
        #[arg(long, env = "WELLSPRING_PUBLIC_URL")]
        public_url: Option<String>,
        /// Seed a synthetic demo region (about 1,000 members) into an empty store first.
        #[arg(long)]
        demo: bool,
        /// Also take HL7 v2 lab results over MLLP on this address (e.g. 127.0.0.1:2575); off
        /// by default.
        #[arg(long, env = "WELLSPRING_HL7_LISTEN")]
        hl7_listen: Option<String>,
        /// Lab interfaces allowed to send over MLLP: addresses or CIDR blocks, comma-separated
        /// (default: this machine only).
        #[arg(long, env = "WELLSPRING_HL7_ALLOW", default_value = "")]
        hl7_allow: String,
    },
    /// Generate a deterministic synthetic region and load it through the normal import path.
    Seed(seed::SeedArgs),
    /// Apply database migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DbArg,
    },
    /// Load FHIR NDJSON or Bundle files (any size, streamed).
    Import {
        #[command(flatten)]
        db: DbArg,
        /// Files to load
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Write every rejection (file, line, reason) to this file as TSV
        #[arg(long)]
        report: Option<PathBuf>,
        /// No progress bar
        #[arg(long)]
        quiet: bool,
    },
    /// Write current resources as one TYPE.ndjson file per resource type.
    Export {
        #[command(flatten)]
        db: DbArg,
        /// Output directory
        #[arg(long)]
        out: PathBuf,
        /// Only these types, comma-separated (e.g. Patient,Coverage)
        #[arg(long = "type", value_delimiter = ',')]
        types: Vec<String>,
    },
    /// Measure ingest, reads and searches (see docs/BENCHMARKS.md).
    Bench(bench::BenchArgs),
    /// Getting care under load: open-slot search and contended booking on a synthetic region
    /// (see docs/BENCHMARKS.md).
    BenchBooking(bench::booking::BookingArgs),
    /// Staff accounts.
    Staff(admin::StaffArgs),
    /// SMART apps and back-end integrations.
    Apps(admin::AppsArgs),
    /// Coverage jobs and tools (sample X12 834 files, dependent age-out).
    Coverage(coverage_cmd::CoverageArgs),
}

fn init_logging(settings: &Settings) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.log_level));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours only for a terminal: a log file or a collector gets plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    if settings.log_format == "json" {
        b.json().init();
    } else {
        b.init();
    }
}

pub(crate) async fn open_store(url: &str) -> anyhow::Result<Store> {
    let store = Store::connect(url)
        .await
        .with_context(|| format!("opening database {}", settings::redact(url)))?;
    store.migrate().await.context("applying migrations")?;
    Ok(store)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::load(cli.config.as_deref())?;
    init_logging(&settings);
    match cli.command {
        Command::Serve {
            db,
            listen,
            public_url,
            demo,
            hl7_listen,
            hl7_allow,
        } => {
            let url = db.database.unwrap_or_else(|| settings.database_url.clone());
            let listen = listen.unwrap_or_else(|| settings.listen.clone());
            let store = open_store(&url).await?;
            let demo_members = if demo {
                Some(seed::ensure_demo(&store, &settings).await?)
            } else {
                None
            };
            let listener = tokio::net::TcpListener::bind(&listen)
                .await
                .with_context(|| format!("binding {listen}"))?;
            let addr = listener.local_addr()?;
            let public = public_url
                .or_else(|| settings.public_url.clone())
                .unwrap_or_else(|| format!("http://{addr}"));
            let (auditor, audit_task) = Auditor::start(store.clone());
            let fhir = ws_web::with_capability_guards(Fhir::new(
                store.clone(),
                auditor,
                format!("{}/fhir", public.trim_end_matches('/')),
                settings.export_dir.clone(),
            ));
            let identity = ws_identity::Identity::new(
                store.clone(),
                admin::identity_config(&settings, Some(&public)),
            );
            let demo_accounts = match &demo_members {
                Some(m) => Some(admin::ensure_demo_accounts(&identity, m).await?),
                None => None,
            };
            let outbox = ws_identity::service::FileSink {
                dir: settings.outbox_dir.clone(),
            };
            let sender = {
                let (identity, outbox) = (identity.clone(), outbox.clone());
                tokio::spawn(async move {
                    loop {
                        if let Err(e) =
                            ws_identity::service::deliver_pending(&identity, &outbox).await
                        {
                            tracing::warn!(error = %e, "delivering the outbox");
                        }
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                })
            };
            let records =
                ws_records::RecordsService::new(fhir.clone()).with_notices(identity.clone());
            let (hl7_stop, hl7_task) = match &hl7_listen {
                Some(addr) => {
                    let l = tokio::net::TcpListener::bind(addr)
                        .await
                        .with_context(|| format!("binding the HL7 listener {addr}"))?;
                    println!(
                        "  HL7 v2:    mllp://{} (ORU^R01 lab results)",
                        l.local_addr()?
                    );
                    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
                    let peers = ws_records::service::mllp::Peers(
                        ws_identity::rules::address::Trusted::parse_list(&hl7_allow)
                            .map_err(|e| anyhow::anyhow!("hl7_allow: {e}"))?,
                    );
                    let task = tokio::spawn(ws_records::service::mllp::serve(
                        l,
                        records.clone(),
                        peers,
                        async move {
                            let _ = rx.await;
                        },
                    ));
                    (Some(tx), Some(task))
                }
                None => (None, None),
            };
            let inbound_key = settings
                .sms_inbound_key
                .clone()
                .or_else(|| demo.then(|| ws_identity::secrets::random_token().expose().to_owned()));
            let mut scheduling =
                ws_scheduling::SchedulingService::new(fhir.clone()).with_texts(identity.clone());
            if let Some(k) = &inbound_key {
                scheduling = scheduling.with_inbound_key(k.clone());
            }
            let pharmacy =
                ws_pharmacy::PharmacyService::new(fhir.clone()).with_notices(identity.clone());
            // The formulary, readable by apps without signing in (unchanged drugs are skipped).
            match pharmacy.publish_formulary().await {
                Ok(n) if n > 0 => tracing::info!(drugs = n, "formulary published"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "formulary not published"),
            }
            // Slots for the weeks ahead, holds that ended, visit and refill reminders that are
            // due: now, then every minute (idempotent; any number of servers may run it).
            let ticker = {
                let s = scheduling.clone();
                let rx = pharmacy.clone();
                tokio::spawn(async move {
                    let mut slots_for = None;
                    let mut plans_at = None;
                    const PLANS_EVERY: Duration = Duration::from_secs(15 * 60);
                    loop {
                        let today = s.clock().today();
                        if slots_for != Some(today) {
                            match s.ensure_slots(today, s.slot_days).await {
                                Ok(n) => {
                                    if n > 0 {
                                        tracing::info!(
                                            slots = n,
                                            "slots added for the weeks ahead"
                                        );
                                    }
                                    slots_for = Some(today);
                                }
                                Err(e) => tracing::warn!(error = %e, "adding slots"),
                            }
                        }
                        if let Err(e) = s.expire_holds().await {
                            tracing::warn!(error = %e, "waitlist holds");
                        }
                        if let Err(e) = s.send_reminders().await {
                            tracing::warn!(error = %e, "visit reminders");
                        }
                        // Refill reminders and auto-refills (once per fill, whatever reruns):
                        // what they do changes by the day, so every quarter of an hour is enough.
                        if plans_at.is_none_or(|t: std::time::Instant| t.elapsed() >= PLANS_EVERY) {
                            if let Err(e) = rx.run_refill_plans().await {
                                tracing::warn!(error = %e, "refill plans");
                            }
                            plans_at = Some(std::time::Instant::now());
                        }
                        tokio::time::sleep(Duration::from_secs(60)).await;
                    }
                })
            };
            let state = ws_web::AppState::from(ws_web::Services {
                scheduling,
                records,
                pharmacy,
                coverage: ws_coverage::service::CoverageService::new(fhir.clone())
                    .with_notices(identity.clone()),
                fhir,
                identity,
                outbox,
                secure_cookies: public.starts_with("https://"),
                demo,
                trusted_proxies: ws_identity::rules::address::Trusted::parse_list(
                    settings.trusted_proxies.as_deref().unwrap_or(""),
                )
                .map_err(|e| anyhow::anyhow!("trusted_proxies: {e}"))?,
                version: env!("CARGO_PKG_VERSION"),
            });
            println!(
                "Wellspring {} is running on {} ({} store)",
                env!("CARGO_PKG_VERSION"),
                settings::redact(&url),
                store.backend().name()
            );
            println!("  portal:    {public}/");
            println!("  FHIR API:  {public}/fhir/metadata");
            println!("  health:    {public}/healthz");
            if let Some(k) = &inbound_key
                && demo
            {
                println!(
                    "  texts in:  POST {public}/texts/inbound (From, Body; header X-Gateway-Key: {k})"
                );
            }
            println!(
                "  messages:  {} (password resets and notices, one file each)",
                settings.outbox_dir.display()
            );
            if let Some(members) = &demo_accounts {
                seed::print_demo_members(members, &public);
            }
            println!("Press Ctrl-C to stop.");
            ws_web::serve(listener, state, shutdown_signal()).await?;
            if let Some(tx) = hl7_stop {
                let _ = tx.send(());
            }
            if let Some(t) = hl7_task {
                let _ = t.await;
            }
            sender.abort();
            ticker.abort();
            // The router (and every Auditor clone in it) is gone: the audit writer drains and stops.
            let _ = tokio::time::timeout(Duration::from_secs(10), audit_task).await;
            store.close().await;
            Ok(())
        }
        Command::Migrate { db } => {
            let url = db.database.unwrap_or_else(|| settings.database_url.clone());
            let store = open_store(&url).await?;
            println!(
                "migrations applied to {} ({})",
                settings::redact(&url),
                store.backend().name()
            );
            store.close().await;
            Ok(())
        }
        Command::Import {
            db,
            files,
            report,
            quiet,
        } => {
            let url = db.database.unwrap_or_else(|| settings.database_url.clone());
            let code = import(&url, &settings, &files, report.as_deref(), quiet).await?;
            std::process::exit(code);
        }
        Command::Export { db, out, types } => {
            let url = db.database.unwrap_or_else(|| settings.database_url.clone());
            let store = open_store(&url).await?;
            let (auditor, audit_task) = Auditor::start(store.clone());
            let fhir = Fhir::new(
                store.clone(),
                auditor,
                "urn:wellspring:cli".into(),
                settings.export_dir.clone(),
            );
            let files = fhir
                .export_to_dir(&Caller::system(), &out, &types, None, false)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut total = 0;
            for (t, path, n) in &files {
                println!("{n:>10}  {t:<24} {}", path.display());
                total += n;
            }
            println!("{total:>10}  resources exported to {}", out.display());
            drop(fhir);
            let _ = audit_task.await;
            store.close().await;
            Ok(())
        }
        Command::Seed(args) => seed::run(args, &settings).await,
        Command::Bench(args) => bench::run(args, &settings).await,
        Command::BenchBooking(args) => bench::booking::run(args).await,
        Command::Staff(args) => admin::staff(args, &settings).await,
        Command::Apps(args) => admin::apps(args, &settings).await,
        Command::Coverage(args) => coverage_cmd::run(args, &settings).await,
    }
}

/// Import one X12 834 file: apply it, write its 999 beside it (`FILE.999`), print the
/// per-member report (or write it to `report`). Exit code 0 all accepted, 3 some rejected.
async fn import_x12(
    fhir: &Fhir,
    path: &std::path::Path,
    report: Option<&std::path::Path>,
) -> anyhow::Result<i32> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let m = ws_coverage::service::CoverageService::new(fhir.clone());
    let started = std::time::Instant::now();
    let r = match m.import_834(&Caller::system(), &bytes).await {
        Ok(r) => r,
        Err(ws_coverage::service::CoverageError::Invalid(msg)) => {
            eprintln!("{}: {msg}", path.display());
            return Ok(2);
        }
        Err(e) => anyhow::bail!("{}: {e}", path.display()),
    };
    let secs = started.elapsed().as_secs_f64();
    let ack_path = path.with_extension(format!(
        "{}999",
        path.extension()
            .map(|e| format!("{}.", e.to_string_lossy()))
            .unwrap_or_default()
    ));
    std::fs::write(&ack_path, &r.ack).with_context(|| format!("writing {}", ack_path.display()))?;
    let mut lines = String::new();
    for x in &r.members {
        lines.push_str(&format!(
            "segment {:>8}  {:<10}  {}{}\n",
            x.segment,
            x.outcome,
            x.name,
            x.reason
                .as_deref()
                .map(|r| format!(" — {r}"))
                .unwrap_or_default()
        ));
    }
    match report {
        Some(rp) => {
            std::fs::write(rp, &lines).with_context(|| format!("writing {}", rp.display()))?
        }
        None => {
            if r.members.len() <= 50 {
                print!("{lines}");
            } else {
                for l in lines.lines().filter(|l| l.contains("rejected")).take(50) {
                    println!("{l}");
                }
            }
        }
    }
    for gap in &r.not_in_audit {
        println!("not in the full-file audit: {gap}");
    }
    let rejected = r.count("rejected");
    println!(
        "{}: X12 834, {} members in {secs:.1}s ({:.0} members/s): {} added, {} changed, {} terminated, {} reinstated, {} unchanged, {rejected} rejected; 999 written to {}",
        path.display(),
        r.members.len(),
        r.members.len() as f64 / secs.max(1e-9),
        r.count("added"),
        r.count("changed"),
        r.count("terminated"),
        r.count("reinstated"),
        r.count("unchanged"),
        ack_path.display()
    );
    Ok(if rejected > 0 { 3 } else { 0 })
}

/// Import one file of HL7 v2 messages (ORU^R01 lab results): file each, write the ACKs beside
/// it (`FILE.ack`, one per message, in order), print one line per message. Exit code 0 all
/// accepted, 3 some refused.
async fn import_hl7(fhir: &Fhir, path: &std::path::Path) -> anyhow::Result<i32> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let svc = ws_records::RecordsService::new(fhir.clone());
    let caller = ws_records::RecordsService::interface_caller(&format!("file:{}", path.display()));
    let started = std::time::Instant::now();
    let mut acks = String::new();
    let (mut accepted, mut refused) = (0usize, 0usize);
    for (i, m) in ws_records::service::results::split_messages(&text)
        .iter()
        .enumerate()
    {
        let o = svc.receive_hl7(&caller, m).await;
        acks.push_str(&o.ack.replace('\r', "\r\n"));
        acks.push_str("\r\n");
        match &o.reason {
            None => {
                accepted += 1;
                println!(
                    "message {:>5}  {}  {:<20}  filed: {} resources",
                    i + 1,
                    o.code.as_str(),
                    o.control_id,
                    o.stored
                );
            }
            Some(why) => {
                refused += 1;
                println!(
                    "message {:>5}  {}  {:<20}  {why}{}",
                    i + 1,
                    o.code.as_str(),
                    o.control_id,
                    o.work_item
                        .as_deref()
                        .map(|t| format!(" (work item {t})"))
                        .unwrap_or_default()
                );
            }
        }
    }
    let ack_path = path.with_extension(format!(
        "{}ack",
        path.extension()
            .map(|e| format!("{}.", e.to_string_lossy()))
            .unwrap_or_default()
    ));
    std::fs::write(&ack_path, acks).with_context(|| format!("writing {}", ack_path.display()))?;
    println!(
        "{}: HL7 v2, {} messages in {:.1}s: {accepted} accepted, {refused} refused; ACKs written to {}",
        path.display(),
        accepted + refused,
        started.elapsed().as_secs_f64(),
        ack_path.display()
    );
    Ok(if refused > 0 { 3 } else { 0 })
}

/// Import files with a progress bar; returns the process exit code (0 all loaded, 3 some rejected).
pub async fn import(
    url: &str,
    settings: &Settings,
    files: &[PathBuf],
    report: Option<&std::path::Path>,
    quiet: bool,
) -> anyhow::Result<i32> {
    for f in files {
        anyhow::ensure!(f.is_file(), "{} is not a readable file", f.display());
    }
    let total_bytes: u64 = files
        .iter()
        .filter_map(|f| f.metadata().ok())
        .map(|m| m.len())
        .sum();
    let store = open_store(url).await?;
    let (auditor, audit_task) = Auditor::start(store.clone());
    let fhir = ws_web::with_capability_guards(Fhir::new(
        store.clone(),
        auditor,
        "urn:wellspring:cli".into(),
        settings.export_dir.clone(),
    ));
    // X12 files (recognised from the content) go to the membership service.
    let mut fhir_files = Vec::new();
    let mut x12_code = 0;
    for f in files {
        let mut head = [0u8; 512];
        let n = {
            use std::io::Read;
            std::fs::File::open(f)?.read(&mut head)?
        };
        if ws_records::service::results::looks_like_hl7(&head[..n]) {
            x12_code = x12_code.max(import_hl7(&fhir, f).await?);
            continue;
        }
        if !ws_coverage::service::x12::looks_like_x12(&head[..n]) {
            fhir_files.push(f.clone());
            continue;
        }
        x12_code = x12_code.max(import_x12(&fhir, f, report).await?);
    }
    if fhir_files.is_empty() {
        drop(fhir);
        let _ = audit_task.await;
        store.close().await;
        return Ok(x12_code);
    }
    let files = &fhir_files[..];
    let bytes = Arc::new(AtomicU64::new(0));
    let bar = if quiet {
        indicatif::ProgressBar::hidden()
    } else {
        let b = indicatif::ProgressBar::new(total_bytes);
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {binary_bytes}/{binary_total_bytes} ({eta})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    };
    let ticker = {
        let bar = bar.clone();
        let bytes = bytes.clone();
        tokio::spawn(async move {
            loop {
                bar.set_position(bytes.load(Ordering::Relaxed));
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    };
    let started = std::time::Instant::now();
    let result = fhir
        .import_files(&Caller::system(), files, bytes.clone())
        .await;
    ticker.abort();
    bar.finish_and_clear();
    let rep = result.map_err(|e| anyhow::anyhow!("import stopped: {e}"))?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "loaded {} resources, rejected {}, in {:.1}s ({:.0} resources/s)",
        rep.loaded,
        rep.rejected.len(),
        secs,
        rep.loaded as f64 / secs.max(1e-9)
    );
    for (t, n) in &rep.by_type {
        println!("{n:>10}  {t}");
    }
    for r in rep.rejected.iter().take(50) {
        println!("rejected {}:{}: {}", r.file, r.line, r.reason);
    }
    if rep.rejected.len() > 50 {
        println!(
            "... and {} more rejections{}",
            rep.rejected.len() - 50,
            if report.is_some() {
                " (see the report)"
            } else {
                " (use --report FILE for all)"
            }
        );
    }
    if let Some(path) = report {
        let mut s = String::from("file\tline\treason\n");
        for r in &rep.rejected {
            s.push_str(&format!(
                "{}\t{}\t{}\n",
                r.file,
                r.line,
                r.reason.replace(['\t', '\n'], " ")
            ));
        }
        std::fs::write(path, s).with_context(|| format!("writing {}", path.display()))?;
    }
    drop(fhir);
    let _ = audit_task.await;
    store.close().await;
    Ok(if rep.rejected.is_empty() { 0 } else { 3 })
}
