//! `wellspring seed` and `serve --demo`: a deterministic synthetic region, loaded through the
//! same import pipeline as any file (validation, indexing, audit).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use ws_audit::Auditor;
use ws_fhir_service::Caller;
use ws_fhir_service::Fhir;
use ws_fhir_service::bulk::{IMPORT_BATCH, ImportItem, ImportReport};
use ws_identity::rules::proxy::Relationship;
use ws_identity::service::{Identity, NewMemberAccount, NewProxyGrant, PortalImport};
use ws_store::Store;
use ws_synthetic::portal::{self, ProxyKind};
use ws_synthetic::{DemoMember, Emitter, Household, Part, SeedConfig, World};

use crate::settings::Settings;
use crate::{DbArg, open_store};

/// Members in the `serve --demo` region.
pub const DEMO_MEMBERS: u64 = 1_000;
pub const DEMO_SEED: u64 = 1;
/// The second demo region (areas of care) and its size.
pub const DEMO_AWAY_REGION: &str = "south";
pub const DEMO_AWAY_MEMBERS: u64 = 100;

#[derive(Args, Debug)]
pub struct SeedArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// Number of members to generate
    #[arg(long, default_value_t = 1000)]
    pub members: u64,
    /// Random seed: the same seed gives the same region, byte for byte
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Region code (used in ids, MRNs and names)
    #[arg(long, default_value = "north")]
    pub region: String,
    /// The "today" of the generated world (YYYY-MM-DD); fixed by default so output is reproducible
    #[arg(long)]
    pub as_of: Option<String>,
    /// Write NDJSON to this file instead of loading it into the database
    #[arg(long)]
    pub ndjson: Option<PathBuf>,
}

fn config(args: &SeedArgs) -> anyhow::Result<SeedConfig> {
    let mut cfg = SeedConfig::new(args.members, args.seed);
    cfg.region = args.region.clone();
    anyhow::ensure!(
        !cfg.region.is_empty()
            && cfg.region.len() <= 16
            && cfg
                .region
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
        "--region must be 1-16 lower-case letters or digits"
    );
    if let Some(d) = &args.as_of {
        cfg.as_of = d
            .parse()
            .with_context(|| format!("--as-of '{d}' is not a date (YYYY-MM-DD)"))?;
    }
    Ok(cfg)
}

/// What a load did.
pub struct Loaded {
    pub report: ImportReport,
    pub summary: ws_synthetic::Summary,
    pub portal: PortalImport,
}

/// Accounts (and their grants) per identity transaction.
const PORTAL_BATCH: usize = 2_000;

#[derive(Default)]
struct PortalBatch {
    accounts: Vec<NewMemberAccount>,
    grants: Vec<NewProxyGrant>,
}

/// The generator part that decides each household's portal accounts and proxy grants
/// ([`ws_synthetic::portal`]) and hands them to [`write_portal`].
struct PortalPart {
    tx: tokio::sync::mpsc::Sender<PortalBatch>,
    batch: PortalBatch,
}

impl PortalPart {
    fn flush(&mut self) -> Result<(), &'static str> {
        if self.batch.accounts.is_empty() && self.batch.grants.is_empty() {
            return Ok(());
        }
        self.tx
            .blocking_send(std::mem::take(&mut self.batch))
            .map_err(|_| "portal accounts stopped")
    }
}

impl Part<&'static str> for PortalPart {
    fn household(
        &mut self,
        world: &World,
        hh: &Household,
        _out: &mut Emitter<'_, &'static str>,
    ) -> Result<(), &'static str> {
        let plan = portal::plan(world, hh);
        for a in plan.accounts {
            self.batch.accounts.push(NewMemberAccount {
                patient_id: a.patient_id,
                email: a.email,
                mobile: a.mobile,
                display_name: a.display_name,
                birth_date: a.birth.iso(),
                state: Some(world.geo.state.to_owned()),
                created_at: i64::from(a.registered_on.0) * 86_400_000_000,
            });
        }
        for l in plan.links {
            self.batch.grants.push(NewProxyGrant {
                subject_patient: l.subject_patient,
                grantee_patient: l.grantee_patient,
                relationship: match l.kind {
                    ProxyKind::Parent => Relationship::Parent,
                    ProxyKind::Caregiver => Relationship::Caregiver,
                },
                granted_on: l.granted_on.iso(),
            });
        }
        if self.batch.accounts.len() >= PORTAL_BATCH {
            self.flush()?;
        }
        Ok(())
    }
}

/// Store the portal batches as they come, each in one transaction.
async fn write_portal(
    identity: Identity,
    mut rx: tokio::sync::mpsc::Receiver<PortalBatch>,
) -> anyhow::Result<PortalImport> {
    let mut total = PortalImport::default();
    while let Some(b) = rx.recv().await {
        let r = identity
            .import_portal("system:seed", &b.accounts, &b.grants)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        total.accounts += r.accounts;
        total.grants += r.grants;
        total.existing += r.existing;
        total.skipped += r.skipped;
    }
    Ok(total)
}

/// How often `wellspring seed` reports progress while loading.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// Generate `cfg` into the store through the import pipeline. `progress`: print a line to
/// stderr every [`PROGRESS_EVERY`] (members and resources generated so far, the rate since the
/// start). The generator runs at most a few batches ahead of the writer (a bounded channel), so
/// "generated" is within a few thousand resources of "stored".
pub async fn load(
    store: &Store,
    settings: &Settings,
    cfg: SeedConfig,
    progress: bool,
) -> anyhow::Result<Loaded> {
    let (auditor, audit_task) = Auditor::start(store.clone());
    let fhir = Fhir::new(
        store.clone(),
        auditor,
        "urn:wellspring:seed".into(),
        settings.export_dir.clone(),
    );
    let (tx, rx) = tokio::sync::mpsc::channel::<Vec<ImportItem>>(4);
    // Portal accounts and proxy grants go to their own writer, in batches.
    let (portal_tx, portal_rx) = tokio::sync::mpsc::channel::<PortalBatch>(2);
    let portal_writer = tokio::spawn(write_portal(
        Identity::new(store.clone(), crate::admin::identity_config(settings, None)),
        portal_rx,
    ));
    let generator = tokio::task::spawn_blocking(move || {
        let mut portal = PortalPart {
            tx: portal_tx,
            batch: PortalBatch::default(),
        };
        let mut batch = Vec::with_capacity(IMPORT_BATCH);
        let mut n = 0u64;
        let mut patients = 0u64;
        let started = Instant::now();
        let mut next_report = started + PROGRESS_EVERY;
        let total = cfg.members;
        let summary = ws_synthetic::generate_with(&cfg, &mut [&mut portal], &mut |v| {
            n += 1;
            if progress {
                if v.get("resourceType").and_then(|t| t.as_str()) == Some("Patient") {
                    patients += 1;
                }
                if n.is_multiple_of(IMPORT_BATCH as u64) && Instant::now() >= next_report {
                    let secs = started.elapsed().as_secs_f64();
                    eprintln!(
                        "  {:>7.0}s  {patients}/{total} members, {n} resources ({:.0} resources/s)",
                        secs,
                        n as f64 / secs
                    );
                    next_report += PROGRESS_EVERY;
                }
            }
            batch.push(ImportItem::value(n, v));
            if batch.len() >= IMPORT_BATCH {
                tx.blocking_send(std::mem::replace(
                    &mut batch,
                    Vec::with_capacity(IMPORT_BATCH),
                ))
                .map_err(|_| "import stopped")?;
            }
            Ok::<(), &'static str>(())
        });
        if !batch.is_empty() {
            let _ = tx.blocking_send(batch);
        }
        portal.flush().map_err(|_| "portal accounts stopped")?;
        summary
    });
    let mut report = ImportReport::default();
    let res = fhir
        .import_batches(&Caller::system(), "seed", rx, &mut report)
        .await;
    let summary = generator
        .await
        .context("generator thread")?
        .map_err(|e| anyhow::anyhow!("generator: {e}"))?;
    res.map_err(|e| anyhow::anyhow!("loading the region: {e}"))?;
    let portal = portal_writer
        .await
        .context("portal account writer")?
        .context("writing portal accounts")?;
    drop(fhir);
    let _ = audit_task.await;
    Ok(Loaded {
        report,
        summary,
        portal,
    })
}

pub async fn run(args: SeedArgs, settings: &Settings) -> anyhow::Result<()> {
    let cfg = config(&args)?;
    let started = Instant::now();
    if let Some(path) = &args.ndjson {
        let file =
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
        let mut w = std::io::BufWriter::new(file);
        let summary = ws_synthetic::generate(&cfg, &mut |v| {
            use std::io::Write;
            serde_json::to_writer(&mut w, &v).map_err(std::io::Error::other)?;
            w.write_all(b"\n")
        })
        .with_context(|| format!("writing {}", path.display()))?;
        use std::io::Write;
        w.flush()?;
        println!(
            "wrote {} resources for {} members in {} households to {} in {:.1}s",
            summary.resources,
            summary.members,
            summary.households,
            path.display(),
            started.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    let url = args
        .db
        .database
        .clone()
        .unwrap_or_else(|| settings.database_url.clone());
    let store = open_store(&url).await?;
    let Loaded {
        report,
        summary,
        portal,
    } = load(&store, settings, cfg, true).await?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "seeded {} members in {} households: {} resources generated, {} loaded, {} rejected, in {:.1}s ({:.0} resources/s)",
        summary.members,
        summary.households,
        summary.resources,
        report.loaded,
        report.rejected.len(),
        secs,
        report.loaded as f64 / secs.max(1e-9)
    );
    println!(
        "portal: {} member accounts (no password until the member sets one with a reset link), {} proxy grants; {} accounts and {} grants were there already",
        portal.accounts, portal.grants, portal.existing, portal.skipped
    );
    for (t, n) in &summary.by_type {
        println!("{n:>10}  {t}");
    }
    for r in report.rejected.iter().take(20) {
        println!("rejected #{}: {}", r.line, r.reason);
    }
    store.close().await;
    anyhow::ensure!(
        report.rejected.is_empty(),
        "{} generated resources were rejected",
        report.rejected.len()
    );
    Ok(())
}

/// For `serve --demo`: seed the demo region if the store is empty; return the demo members.
pub async fn ensure_demo(store: &Store, settings: &Settings) -> anyhow::Result<Vec<DemoMember>> {
    let cfg = SeedConfig::new(DEMO_MEMBERS, DEMO_SEED);
    let empty = store.reader().await?.resource_types().await?.is_empty();
    if empty {
        println!(
            "Seeding a synthetic demo region ({DEMO_MEMBERS} members); this takes a little while the first time..."
        );
        let started = Instant::now();
        let Loaded { report, portal, .. } = load(store, settings, cfg.clone(), false).await?;
        println!(
            "  {} resources loaded in {:.1}s",
            report.loaded,
            started.elapsed().as_secs_f64()
        );
        anyhow::ensure!(
            report.rejected.is_empty(),
            "{} demo resources were rejected",
            report.rejected.len()
        );
        println!(
            "  {} portal accounts and {} proxy grants for a share of the members",
            portal.accounts, portal.grants
        );
        // A second, small region, so "care away from home" (areas of care) can be tried.
        let mut away = SeedConfig::new(DEMO_AWAY_MEMBERS, DEMO_SEED + 1);
        away.region = DEMO_AWAY_REGION.to_owned();
        away.as_of = cfg.as_of;
        let Loaded { report, .. } = load(store, settings, away, false).await?;
        anyhow::ensure!(
            report.rejected.is_empty(),
            "{} demo resources of the second region were rejected",
            report.rejected.len()
        );
    }
    Ok(ws_synthetic::demo_members(&cfg))
}

pub fn print_demo_members(members: &[(DemoMember, Option<String>)], public: &str) {
    println!(
        "Demo members (synthetic people; no real person's data). Sign in at {public}/sign-in with"
    );
    println!(
        "the email below and the demo password \"{}\" (demo mode only):",
        crate::admin::DEMO_PASSWORD
    );
    for (m, email) in members {
        println!(
            "  {:<28} MRN {:<16} born {}  {}",
            m.name, m.mrn, m.birth_date, m.kind
        );
        match email {
            Some(e) => println!("      sign in: {e}"),
            None => println!("      no account of their own (under 13): a parent acts for them"),
        }
    }
}
