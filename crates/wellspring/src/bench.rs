//! `wellspring bench`: generate a synthetic data set, import it, serve it, and put it under load.
//!
//! 1. A deterministic NDJSON file of `--resources` FHIR resources ([`data`]), cached in `--workdir`.
//! 2. `wellspring import` of that file as a child process, timed, its memory and CPU sampled.
//! 3. `wellspring serve` as a child process on a free loopback port.
//! 4. `--clients` concurrent HTTP clients for `--duration` seconds per workload (after a warm-up):
//!    reads by id, then a round robin of three searches ([`load`]).
//! 5. A Markdown report on stdout, optionally JSON (`--json FILE`); the children are stopped
//!    with SIGTERM.
//!
//! See docs/BENCHMARKS.md for the figures and how to read them.

pub mod booking;
mod data;
mod load;
mod report;
mod sys;

use std::collections::BTreeMap;
use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use serde::{Deserialize, Serialize};

use crate::settings::Settings;
use data::{Dataset, Kind};

#[derive(Args, Debug, Clone)]
pub struct BenchArgs {
    /// Database to benchmark: sqlite://PATH or postgres://... [default: sqlite://WORKDIR/bench.db].
    /// The benchmark loads its data set into it: never point it at data you care about.
    #[arg(long)]
    pub database: Option<String>,
    /// Resources in the synthetic data set
    #[arg(long, default_value_t = 1_000_000)]
    pub resources: u64,
    /// Concurrent HTTP clients (each keeps one request in flight)
    #[arg(long, default_value_t = 32)]
    pub clients: usize,
    /// Measured seconds per workload
    #[arg(long, default_value_t = 30)]
    pub duration: u64,
    /// Warm-up seconds before each workload's measurement (not counted)
    #[arg(long, default_value_t = 3)]
    pub warmup: u64,
    /// Most requests measured per workload (the run also stops at --duration)
    #[arg(long, default_value_t = 10_000_000)]
    pub max_requests: u64,
    /// Per-request timeout in seconds (a timeout counts as an error)
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
    /// Seed of the data set and of the request mix
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Reuse a database already loaded by an earlier run with the same --resources and --seed
    #[arg(long)]
    pub skip_ingest: bool,
    /// Start from an empty database: delete the SQLite file, or drop every table in the
    /// PostgreSQL schema (current_schema()) — destroys what is there
    #[arg(long, conflicts_with = "skip_ingest")]
    pub reset: bool,
    /// Where the data set, logs and the default SQLite database go
    #[arg(long, default_value = "data/bench")]
    pub workdir: PathBuf,
    /// Also write the results as JSON to this file
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// The environment the figures were measured in.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    pub cpus: usize,
    /// Machine CPU busy (% of all CPUs) over 2 s just before the benchmark started: other work
    /// sharing the machine.
    pub background_busy_pct: f64,
    pub cpu_model: Option<String>,
    pub mem_total_kb: Option<u64>,
    pub wellspring_version: &'static str,
}

/// One slice of the ingest, from the importer's read offset in the file.
#[derive(Debug, Clone, Serialize)]
pub struct RateSlice {
    pub from_s: f64,
    pub to_s: f64,
    pub resources_per_s: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct IngestResult {
    pub resources: u64,
    pub file_bytes: u64,
    pub generate_s: Option<f64>,
    /// Child process start to exit (migrations, reading, parsing, writing, closing).
    pub wall_s: f64,
    pub resources_per_s: f64,
    /// Rate between 10 % and 90 % of the file (no start-up or final flush).
    pub steady_resources_per_s: Option<f64>,
    /// When the importer had read the whole file; the rest of `wall_s` is the writer catching up
    /// and the database closing (WAL checkpoint on SQLite).
    pub file_read_s: Option<f64>,
    pub loaded: Option<u64>,
    pub rejected: Option<u64>,
    pub importer_summary: String,
    pub exit_code: Option<i32>,
    pub peak_rss_kb: u64,
    pub peak_anon_kb: u64,
    pub cpu_s: f64,
    /// CPU seconds by thread name: `tokio-rt-worker` = parse/validate/index workers and the async
    /// runtime, `sqlx-sqlite-wor` = SQLite itself (the single writer connection), `wellspring` =
    /// the main thread.
    pub cpu_s_by_thread: BTreeMap<String, f64>,
    /// CPU seconds of the local PostgreSQL processes during the import (PostgreSQL only).
    pub postgres_cpu_s: Option<f64>,
    pub machine_busy_pct: f64,
    pub machine_iowait_pct: f64,
    pub rate_over_time: Vec<RateSlice>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DbSize {
    pub total_bytes: u64,
    /// Largest tables and indexes (bytes), when the back end can tell.
    pub objects: Vec<(String, u64)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BenchResult {
    pub backend: &'static str,
    pub database: String,
    pub resources: u64,
    pub seed: u64,
    pub counts: BTreeMap<&'static str, u64>,
    /// Share of Patient, Observation, Condition, MedicationRequest, Encounter and Coverage.
    pub main_types_pct: f64,
    pub machine: Machine,
    pub ingest: Option<IngestResult>,
    pub db_size: Option<DbSize>,
    /// PostgreSQL with autovacuum off never gathers planner statistics: the benchmark then runs
    /// `ANALYZE` after the ingest (what autovacuum would have done) and says so. Seconds taken.
    pub analyzed_s: Option<f64>,
    pub server_start_s: f64,
    /// The loaded workloads: reads by id, then the search mix.
    pub phases: Vec<load::PhaseResult>,
    /// Each search alone with one client: service time without queueing.
    pub unloaded: Vec<load::PhaseResult>,
    pub server_exit: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Manifest {
    generator: u32,
    resources: u64,
    seed: u64,
    bytes: u64,
}

pub async fn run(args: BenchArgs, _settings: &Settings) -> anyhow::Result<()> {
    anyhow::ensure!(args.clients >= 1, "--clients must be at least 1");
    anyhow::ensure!(args.duration >= 1, "--duration must be at least 1 second");
    std::fs::create_dir_all(&args.workdir)
        .with_context(|| format!("creating {}", args.workdir.display()))?;
    // Deliberately not the configured database: the benchmark writes a million resources.
    let url = args
        .database
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/bench.db", args.workdir.display()));
    let backend = if sqlite_path(&url).is_some() {
        "sqlite"
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        "postgres"
    } else {
        anyhow::bail!("--database must be sqlite://PATH or postgres://...")
    };
    let ds = Arc::new(Dataset::new(args.resources, args.seed)?);
    let exe = std::env::current_exe().context("locating the wellspring binary")?;
    let m0 = sys::machine_cpu();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let machine = Machine {
        background_busy_pct: sys::machine_cpu().since(&m0).0,
        cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
        cpu_model: sys::cpu_model(),
        mem_total_kb: sys::mem_total_kb(),
        wellspring_version: env!("CARGO_PKG_VERSION"),
    };
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this is a debug build; figures are only meaningful from `cargo build --release`"
        );
    }
    eprintln!(
        "bench: {} resources (seed {}) on {} ({}), {} clients, {} s warm-up + {} s per workload",
        report::int(ds.n),
        ds.seed,
        backend,
        crate::settings::redact(&url),
        args.clients,
        args.warmup,
        args.duration
    );

    let ingest = if args.skip_ingest {
        eprintln!("bench: --skip-ingest: using the data already in the database");
        None
    } else {
        prepare_database(&url, args.reset).await?;
        let (file, bytes, generate_s) = ensure_data_file(&ds, &args.workdir).await?;
        eprintln!(
            "bench: importing {} ({})",
            file.display(),
            report::bytes(bytes)
        );
        let (exe2, url2, ds2, log) = (
            exe.clone(),
            url.clone(),
            ds.clone(),
            args.workdir.join("import.log"),
        );
        let mut r =
            tokio::task::spawn_blocking(move || ingest(&exe2, &url2, &file, bytes, &ds2, &log))
                .await??;
        r.generate_s = generate_s;
        eprintln!(
            "bench: ingest {} resources/s ({:.1} s)",
            report::int(r.resources_per_s as u64),
            r.wall_s
        );
        Some(r)
    };

    let db_size = match db_size(&url).await {
        Ok(s) => Some(s),
        Err(e) => {
            eprintln!("bench: could not measure the database size: {e:#}");
            None
        }
    };

    let analyzed_s = if backend == "postgres" {
        match analyze_if_no_autovacuum(&url).await {
            Ok(t) => t,
            Err(e) => {
                eprintln!("bench: could not check autovacuum / run ANALYZE: {e:#}");
                None
            }
        }
    } else {
        None
    };

    let t = Instant::now();
    let mut server = start_server(&exe, &url, &args.workdir.join("server.log")).await?;
    let server_start_s = t.elapsed().as_secs_f64();
    eprintln!(
        "bench: server {} (pid {}) ready in {:.1} s",
        server.base, server.pid, server_start_s
    );

    let outcome = load_phases(&args, &ds, &server).await;
    let mut child = server.guard.0.take();
    let stopped = tokio::task::spawn_blocking(move || match child.as_mut() {
        Some(c) => sys::terminate(c, Duration::from_secs(30)).map(|(st, clean)| {
            if clean {
                format!("stopped by SIGTERM ({st})")
            } else {
                format!("did not stop within 30 s of SIGTERM; killed ({st})")
            }
        }),
        None => Ok("not running".to_owned()),
    })
    .await??;
    let (phases, unloaded) = outcome?;

    let result = BenchResult {
        backend,
        database: crate::settings::redact(&url),
        resources: ds.n,
        seed: ds.seed,
        counts: Kind::ALL.iter().map(|k| (k.name(), ds.count(*k))).collect(),
        main_types_pct: 100.0
            * Kind::ALL
                .iter()
                .filter(|k| k.is_main())
                .map(|k| ds.count(*k))
                .sum::<u64>() as f64
            / ds.n as f64,
        machine,
        ingest,
        db_size,
        analyzed_s,
        server_start_s,
        phases,
        unloaded,
        server_exit: stopped,
    };
    println!("{}", report::markdown(&result));
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&result)?)
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("bench: JSON written to {}", path.display());
    }
    let errors: u64 = result.phases.iter().map(|p| p.errors).sum();
    if errors > 0 {
        eprintln!("bench: {errors} requests failed (see the Errors section)");
    }
    Ok(())
}

/// (loaded workloads, each search alone)
type Phases = (Vec<load::PhaseResult>, Vec<load::PhaseResult>);

async fn integration_token(url: &str) -> anyhow::Result<String> {
    let store = ws_store::Store::connect(url).await?;
    let id = ws_identity::Identity::new(store, ws_identity::IdentityConfig::default());
    let (client_id, _) = id
        .register_client(
            "benchmark",
            &[],
            &["system/*.*".into()],
            false,
            true,
            "system:bench",
        )
        .await?
        .map_err(|e| anyhow::anyhow!("registering the benchmark client: {e}"))?;
    let client = id
        .client(&client_id)
        .await?
        .context("benchmark client missing")?;
    let t = id.integration_token(&client).await?.access_token;
    id.store.close().await;
    Ok(t)
}

async fn load_phases(
    args: &BenchArgs,
    ds: &Arc<Dataset>,
    server: &Server,
) -> anyhow::Result<Phases> {
    // The API needs an access token: register a back-end integration in the benchmark's
    // database, as an administrator would, and send its token on every request.
    let token = integration_token(&server.url).await?;
    let mut auth = reqwest::header::HeaderMap::new();
    auth.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse()?,
    );
    let client = reqwest::Client::builder()
        .default_headers(auth)
        .no_proxy()
        .tcp_nodelay(true)
        .pool_max_idle_per_host(args.clients)
        .timeout(Duration::from_secs(args.timeout.max(1)))
        .build()?;
    // Is this the data set we think it is? (Matters with --skip-ingest.)
    for (k, i) in [
        (Kind::Patient, 0),
        (Kind::Observation, ds.count(Kind::Observation) - 1),
    ] {
        let url = format!("{}/fhir/{}/{}", server.base, k.name(), ds.id(k, i));
        let status = client
            .get(&url)
            .send()
            .await
            .with_context(|| format!("GET {url}"))?
            .status();
        anyhow::ensure!(
            status == reqwest::StatusCode::OK,
            "GET {url} answered {status}: the database does not hold the data set for --resources {} --seed {} (load it by running without --skip-ingest)",
            ds.n,
            ds.seed
        );
    }
    let opts = load::LoadOptions {
        clients: args.clients,
        warmup: Duration::from_secs(args.warmup),
        duration: Duration::from_secs(args.duration),
        max_requests: args.max_requests,
        seed: args.seed,
        postgres: sqlite_path(&server.url).is_none(),
    };
    let mut out = Vec::new();
    for w in [load::reads(), load::searches()] {
        wait_idle(server.pid).await;
        eprintln!("bench: {} ...", w.name);
        let r = load::run(&client, &server.base, ds, w, opts, server.pid).await?;
        eprintln!(
            "bench: {}: {} req/s, p50 {:.2} ms, p99 {:.2} ms, {} errors",
            r.name,
            report::int(r.requests_per_s as u64),
            r.latency.p50_ms,
            r.latency.p99_ms,
            r.errors
        );
        out.push(r);
    }
    // Service time without queueing: each search alone, one client, a few seconds.
    let mut unloaded = Vec::new();
    for which in 0..load::SEARCH_KINDS.len() {
        wait_idle(server.pid).await;
        let solo = load::LoadOptions {
            clients: 1,
            warmup: Duration::from_secs(1),
            duration: Duration::from_secs(args.duration.min(10)),
            max_requests: 200,
            seed: args.seed ^ 0x5010,
            postgres: opts.postgres,
        };
        let r = load::run(
            &client,
            &server.base,
            ds,
            load::search_alone(which),
            solo,
            server.pid,
        )
        .await?;
        eprintln!(
            "bench: {} alone: p50 {:.2} ms, p99 {:.2} ms",
            r.name, r.latency.p50_ms, r.latency.p99_ms
        );
        unloaded.push(r);
    }
    Ok((out, unloaded))
}

/// Wait (up to 5 minutes) until the server uses less than a tenth of a core: queries abandoned
/// by timed-out clients keep running, and must not be billed to the next workload.
async fn wait_idle(pid: u32) {
    let started = Instant::now();
    let tck = sys::clk_tck() as f64;
    let mut announced = false;
    while started.elapsed() < Duration::from_secs(300) {
        let before = sys::cpu_ticks(Some(pid)).unwrap_or(0);
        tokio::time::sleep(Duration::from_secs(1)).await;
        let used = sys::cpu_ticks(Some(pid))
            .unwrap_or(0)
            .saturating_sub(before) as f64
            / tck;
        if used < 0.1 {
            return;
        }
        if !announced {
            eprintln!(
                "bench: waiting for the server to go idle (still busy with earlier requests)"
            );
            announced = true;
        }
    }
    eprintln!("bench: the server is still busy after 5 minutes; going on");
}

fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty()).then(|| PathBuf::from(path))
}

/// Make sure the import starts from an empty database (or refuse).
async fn prepare_database(url: &str, reset: bool) -> anyhow::Result<()> {
    if let Some(path) = sqlite_path(url) {
        let exists = path.metadata().map(|m| m.len() > 0).unwrap_or(false);
        if exists && !reset {
            anyhow::bail!(
                "{} already exists: pass --reset to delete it and load again, or --skip-ingest to benchmark what it holds",
                path.display()
            );
        }
        for suffix in ["", "-wal", "-shm"] {
            let p = PathBuf::from(format!("{}{suffix}", path.display()));
            if p.exists() {
                std::fs::remove_file(&p).with_context(|| format!("deleting {}", p.display()))?;
            }
        }
        return Ok(());
    }
    let store = ws_store::Store::connect(url)
        .await
        .with_context(|| format!("connecting to {}", crate::settings::redact(url)))?;
    let mut c = store.reader().await?;
    let tables: Vec<String> = c
        .fetch(
            "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1",
            &[],
            &[ws_store::Kind::Text],
        )
        .await?
        .into_iter()
        .filter_map(|r| r.into_iter().next().map(ws_store::Cell::text))
        .collect();
    if !tables.is_empty() {
        if !reset {
            anyhow::bail!(
                "the PostgreSQL schema already holds tables ({}): pass --reset to drop them and load again, \
                 --skip-ingest to benchmark what it holds, or use a fresh schema/database",
                tables.join(", ")
            );
        }
        eprintln!("bench: --reset: dropping {}", tables.join(", "));
        for t in &tables {
            c.execute(
                &format!(
                    "DROP TABLE IF EXISTS \"{}\" CASCADE",
                    t.replace('"', "\"\"")
                ),
                &[],
            )
            .await?;
        }
        c.execute(
            "DROP FUNCTION IF EXISTS audit_log_append_only() CASCADE",
            &[],
        )
        .await?;
    }
    drop(c);
    store.close().await;
    Ok(())
}

/// Generate the NDJSON file, or reuse the cached one when its manifest matches.
async fn ensure_data_file(
    ds: &Arc<Dataset>,
    workdir: &Path,
) -> anyhow::Result<(PathBuf, u64, Option<f64>)> {
    let file = workdir.join(format!("synthetic-{}-seed{}.ndjson", ds.n, ds.seed));
    let manifest_path = workdir.join(format!("synthetic-{}-seed{}.json", ds.n, ds.seed));
    let want = |bytes| Manifest {
        generator: data::GENERATOR_VERSION,
        resources: ds.n,
        seed: ds.seed,
        bytes,
    };
    if let Ok(text) = std::fs::read_to_string(&manifest_path)
        && let Ok(m) = serde_json::from_str::<Manifest>(&text)
        && let Ok(meta) = file.metadata()
        && m == want(meta.len())
    {
        eprintln!("bench: reusing {}", file.display());
        return Ok((file, meta.len(), None));
    }
    eprintln!(
        "bench: generating {} resources into {}",
        report::int(ds.n),
        file.display()
    );
    let ds = ds.clone();
    let tmp = file.with_extension("ndjson.partial");
    let (tmp2, file2) = (tmp.clone(), file.clone());
    let t = Instant::now();
    let bytes = tokio::task::spawn_blocking(move || -> anyhow::Result<u64> {
        let bar = indicatif::ProgressBar::new(ds.n);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} generating [{elapsed_precise}] {wide_bar} {pos}/{len} ({eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        let bytes = ds.write_ndjson(&tmp2, &bar)?;
        bar.finish_and_clear();
        std::fs::rename(&tmp2, &file2)?;
        Ok(bytes)
    })
    .await??;
    let secs = t.elapsed().as_secs_f64();
    std::fs::write(&manifest_path, serde_json::to_string_pretty(&want(bytes))?)?;
    eprintln!("bench: generated {} in {:.1} s", report::bytes(bytes), secs);
    Ok((file, bytes, Some(secs)))
}

/// Run `wellspring import` on the file as a child process, sampling it every 100 ms.
fn ingest(
    exe: &Path,
    url: &str,
    file: &Path,
    file_bytes: u64,
    ds: &Dataset,
    log: &Path,
) -> anyhow::Result<IngestResult> {
    let log_file =
        std::fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
    let m0 = sys::machine_cpu();
    let pg0 = if sqlite_path(url).is_none() {
        sys::postgres_ticks()
    } else {
        None
    };
    let started = Instant::now();
    let mut child = Command::new(exe)
        .args(["import", "--quiet", "--database", url])
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log_file)
        .spawn()
        .context("starting `wellspring import`")?;
    let sampler = sys::Sampler::start(child.id(), Some(file.to_path_buf()));
    let stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut lines = Vec::new();
        if let Some(out) = stdout {
            for line in std::io::BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                lines.push(line);
            }
        }
        lines
    });
    let status = child.wait().context("waiting for `wellspring import`")?;
    let wall_s = started.elapsed().as_secs_f64();
    let m1 = sys::machine_cpu();
    let pg1 = if pg0.is_some() {
        sys::postgres_ticks()
    } else {
        None
    };
    let samples = sampler.stop();
    let lines = reader.join().unwrap_or_default();
    let code = status.code();
    if !matches!(code, Some(0 | 3)) {
        anyhow::bail!(
            "`wellspring import` failed ({status}):\n{}\n{}",
            lines
                .iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n"),
            sys::tail(log, 20)
        );
    }
    // "loaded N resources, rejected M, in S s (R resources/s)"
    let summary = lines
        .iter()
        .find(|l| l.starts_with("loaded "))
        .cloned()
        .unwrap_or_default();
    let words: Vec<&str> = summary.split_whitespace().collect();
    let loaded = words.get(1).and_then(|w| w.parse().ok());
    let rejected = words
        .get(4)
        .and_then(|w| w.trim_end_matches(',').parse().ok());
    if rejected.unwrap_or(0) > 0 {
        eprintln!(
            "bench: WARNING: the importer rejected {} resources:",
            rejected.unwrap_or(0)
        );
        for l in lines.iter().filter(|l| l.starts_with("rejected ")).take(5) {
            eprintln!("  {l}");
        }
    }
    let tck = sys::clk_tck() as f64;
    let (busy, iowait) = m1.since(&m0);
    let (rate_over_time, steady, file_read_s) = rates(&samples.progress, file_bytes, ds.n);
    let count = loaded.unwrap_or(ds.n);
    Ok(IngestResult {
        resources: count,
        file_bytes,
        generate_s: None,
        wall_s,
        resources_per_s: count as f64 / wall_s.max(1e-9),
        steady_resources_per_s: steady,
        file_read_s,
        loaded,
        rejected,
        importer_summary: summary,
        exit_code: code,
        peak_rss_kb: samples.peak_hwm_kb.max(samples.peak_rss_kb),
        peak_anon_kb: samples.peak_anon_kb,
        cpu_s: samples.cpu_ticks as f64 / tck,
        cpu_s_by_thread: samples
            .threads
            .iter()
            .map(|(k, v)| (k.clone(), *v as f64 / tck))
            .collect(),
        postgres_cpu_s: match (pg0, pg1) {
            (Some(a), Some(b)) => Some(b.saturating_sub(a) as f64 / tck),
            _ => None,
        },
        machine_busy_pct: busy,
        machine_iowait_pct: iowait,
        rate_over_time,
    })
}

/// From (time, file offset) samples: ten equal slices of the reading time with their rate
/// (bytes converted to resources in proportion), the 10–90 % rate, and when the file was read.
fn rates(
    progress: &[(f64, u64)],
    file_bytes: u64,
    n: u64,
) -> (Vec<RateSlice>, Option<f64>, Option<f64>) {
    let per_byte = n as f64 / file_bytes.max(1) as f64;
    let Some(&(t_end, _)) = progress
        .iter()
        .find(|(_, pos)| *pos >= file_bytes)
        .or(progress.last())
    else {
        return (Vec::new(), None, None);
    };
    // Offset at time t (step function of the samples).
    let pos_at = |t: f64| {
        progress
            .iter()
            .take_while(|(ts, _)| *ts <= t)
            .last()
            .map_or(0, |(_, p)| *p)
    };
    let mut slices = Vec::new();
    for i in 0..10 {
        let (a, b) = (t_end * f64::from(i) / 10.0, t_end * f64::from(i + 1) / 10.0);
        let d = pos_at(b).saturating_sub(pos_at(a)) as f64 * per_byte;
        slices.push(RateSlice {
            from_s: a,
            to_s: b,
            resources_per_s: d / (b - a).max(1e-9),
        });
    }
    let time_at = |frac: f64| {
        progress
            .iter()
            .find(|(_, p)| *p as f64 >= frac * file_bytes as f64)
            .map(|(t, _)| *t)
    };
    let steady = match (time_at(0.1), time_at(0.9)) {
        (Some(a), Some(b)) if b > a => Some(0.8 * n as f64 / (b - a)),
        _ => None,
    };
    (slices, steady, Some(t_end))
}

/// On PostgreSQL with autovacuum off, run `ANALYZE` (once, after the ingest) so the searches are
/// planned with statistics, as they would be on any server with autovacuum on.
async fn analyze_if_no_autovacuum(url: &str) -> anyhow::Result<Option<f64>> {
    let store = ws_store::Store::connect(url).await?;
    let mut c = store.reader().await?;
    let on = c
        .fetch(
            "SELECT current_setting('autovacuum')",
            &[],
            &[ws_store::Kind::Text],
        )
        .await?
        .into_iter()
        .next()
        .and_then(|r| r.into_iter().next())
        .map(ws_store::Cell::text)
        .unwrap_or_default();
    let result = if on == "off" {
        eprintln!(
            "bench: autovacuum is off on this PostgreSQL server: running ANALYZE so searches have statistics"
        );
        let t = Instant::now();
        c.execute("ANALYZE", &[]).await?;
        Some(t.elapsed().as_secs_f64())
    } else {
        None
    };
    drop(c);
    store.close().await;
    Ok(result)
}

/// Size of the database on disk, with its largest tables and indexes.
async fn db_size(url: &str) -> anyhow::Result<DbSize> {
    let store = ws_store::Store::connect(url).await?;
    let mut c = store.reader().await?;
    let kinds = [ws_store::Kind::Text, ws_store::Kind::Int];
    let result = if let Some(path) = sqlite_path(url) {
        let mut total = 0;
        for suffix in ["", "-wal"] {
            total += std::fs::metadata(format!("{}{suffix}", path.display()))
                .map(|m| m.len())
                .unwrap_or(0);
        }
        // dbstat is optional in SQLite builds; without it, just the file size.
        let objects = c
            .fetch(
                "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC",
                &[],
                &kinds,
            )
            .await
            .unwrap_or_default();
        DbSize {
            total_bytes: total,
            objects: pairs(objects),
        }
    } else {
        let objects = c
            .fetch(
                "SELECT c.relname::text, pg_total_relation_size(c.oid)::bigint FROM pg_class c \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY 2 DESC",
                &[],
                &kinds,
            )
            .await?;
        let objects = pairs(objects);
        DbSize {
            total_bytes: objects.iter().map(|(_, b)| b).sum(),
            objects,
        }
    };
    drop(c);
    store.close().await;
    Ok(result)
}

fn pairs(rows: Vec<ws_store::Row>) -> Vec<(String, u64)> {
    rows.into_iter()
        .filter_map(|r| {
            let mut it = r.into_iter();
            let name = it.next()?.text();
            let bytes = u64::try_from(it.next()?.int()).ok()?;
            Some((name, bytes))
        })
        .collect()
}

struct Server {
    /// The database URL it serves.
    url: String,
    guard: sys::ChildGuard,
    pid: u32,
    base: String,
}

/// Start `wellspring serve` on a free loopback port and wait until /healthz answers.
async fn start_server(exe: &Path, url: &str, log: &Path) -> anyhow::Result<Server> {
    let log_file =
        std::fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
    let mut child = Command::new(exe)
        .args(["serve", "--database", url, "--listen", "127.0.0.1:0"])
        .env_remove("WELLSPRING_PUBLIC_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log_file)
        .spawn()
        .context("starting `wellspring serve`")?;
    let pid = child.id();
    let stdout = child
        .stdout
        .take()
        .context("no stdout from `wellspring serve`")?;
    let guard = sys::ChildGuard(Some(child));
    // The server prints "  health:    http://127.0.0.1:PORT/healthz"; keep draining after that.
    let (tx, rx) = tokio::sync::oneshot::channel::<String>();
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(rest) = line.trim().strip_prefix("health:")
                && let Some(tx) = tx.take()
            {
                let _ = tx.send(rest.trim().to_owned());
            }
        }
    });
    let health = match tokio::time::timeout(Duration::from_secs(120), rx).await {
        Ok(Ok(u)) => u,
        _ => anyhow::bail!(
            "`wellspring serve` did not start:\n{}",
            sys::error_head(log, 20)
        ),
    };
    let base = health
        .strip_suffix("/healthz")
        .unwrap_or(&health)
        .to_owned();
    anyhow::ensure!(
        base.starts_with("http://127.0.0.1:"),
        "unexpected server address {base}"
    );
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(5))
        .build()?;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = client.get(&health).send().await
            && r.status() == reqwest::StatusCode::OK
        {
            break;
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "{health} did not answer 200 within 60 s:\n{}",
            sys::tail(log, 20)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(Server {
        url: url.to_owned(),
        guard,
        pid,
        base,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths() {
        assert_eq!(
            sqlite_path("sqlite://data/bench/bench.db"),
            Some(PathBuf::from("data/bench/bench.db"))
        );
        assert_eq!(
            sqlite_path("sqlite:x.db?mode=rwc"),
            Some(PathBuf::from("x.db"))
        );
        assert_eq!(sqlite_path("postgres://u@h/db"), None);
    }

    #[test]
    fn rates_from_offsets() {
        let progress: Vec<(f64, u64)> = (0..=100)
            .map(|i| (f64::from(i) / 10.0, i as u64 * 10))
            .collect();
        let (slices, steady, read) = rates(&progress, 1000, 2000);
        assert_eq!(slices.len(), 10);
        assert!((read.unwrap() - 10.0).abs() < 1e-9);
        assert!((steady.unwrap() - 200.0).abs() < 1.0, "{steady:?}");
        assert!(
            slices
                .iter()
                .skip(1)
                .all(|s| (s.resources_per_s - 200.0).abs() < 30.0),
            "{slices:?}"
        );
    }
}
