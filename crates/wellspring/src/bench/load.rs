//! The HTTP load: N concurrent clients (tokio tasks sharing one keep-alive connection pool),
//! each with one request in flight, for a warm-up and then a measured window.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::data::{Dataset, FAMILY, Kind, SEARCH_LOINC, SplitMix64, mix};
use super::sys;

/// Makes the `seq`-th request of a client: (request kind index, path and query).
type NextRequest = dyn Fn(&Dataset, &mut SplitMix64, u64) -> (usize, String) + Send + Sync;

/// A stream of requests.
pub struct Workload {
    pub name: &'static str,
    pub kinds: Vec<&'static str>,
    next: Box<NextRequest>,
}

/// Read by id: a uniformly random resource of the data set.
pub fn reads() -> Workload {
    Workload {
        name: "read by id",
        kinds: vec!["read"],
        next: Box::new(|ds, rng, _| {
            let (k, i) = ds.random_resource(rng);
            (0, format!("/fhir/{}/{}", k.name(), ds.id(k, i)))
        }),
    }
}

/// The three searches of the mix.
pub const SEARCH_KINDS: [&str; 3] = [
    "Patient?name",
    "Observation?patient&code&date",
    "Appointment?practitioner&date",
];

/// One search of kind `which` (an index into [`SEARCH_KINDS`]) with random arguments.
fn search_path(ds: &Dataset, rng: &mut SplitMix64, which: usize) -> String {
    match which {
        0 => {
            // A prefix (3 letters or more) of a family name the generator uses.
            let family = rng.pick(FAMILY);
            let chars: Vec<char> = family.chars().collect();
            let len = rng.range(3, chars.len() as i64 + 1) as usize;
            let prefix: String = chars.iter().take(len.max(3)).collect();
            // `_total=accurate`: the report gives how much each search matched.
            format!("/fhir/Patient?name={}&_total=accurate", encode(&prefix))
        }
        1 => {
            let p = rng.below(ds.count(Kind::Patient));
            let code = rng.pick(SEARCH_LOINC);
            format!(
                "/fhir/Observation?patient=Patient/{}&code=http://loinc.org%7C{code}&date=ge2020-01-01&date=lt2023-01-01&_total=accurate",
                ds.id(Kind::Patient, p)
            )
        }
        _ => {
            let pr = rng.below(ds.scheduled_practitioners());
            format!(
                "/fhir/Appointment?practitioner=Practitioner/{}&date=ge2025-01-01&date=lt2025-02-01&_total=accurate",
                ds.id(Kind::Practitioner, pr)
            )
        }
    }
}

/// The search mix, round robin: Patient by name prefix, Observation by patient + code + date
/// range, Appointment by practitioner + month.
pub fn searches() -> Workload {
    Workload {
        name: "search mix",
        kinds: SEARCH_KINDS.to_vec(),
        next: Box::new(|ds, rng, seq| {
            let which = (seq % 3) as usize;
            (which, search_path(ds, rng, which))
        }),
    }
}

/// One search of the mix on its own (for the unloaded, one-client measurement).
pub fn search_alone(which: usize) -> Workload {
    let which = which.min(SEARCH_KINDS.len() - 1);
    Workload {
        name: SEARCH_KINDS[which],
        kinds: vec![SEARCH_KINDS[which]],
        next: Box::new(move |ds, rng, _| (0, search_path(ds, rng, which))),
    }
}

/// Percent-encode a query value (UTF-8 bytes outside the unreserved set).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[derive(Debug, Clone, Copy)]
pub struct LoadOptions {
    pub clients: usize,
    pub warmup: Duration,
    pub duration: Duration,
    pub max_requests: u64,
    pub seed: u64,
    /// Also count the CPU of the local PostgreSQL processes.
    pub postgres: bool,
}

/// Latency percentiles in milliseconds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Latency {
    pub count: u64,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    fn from_micros(mut v: Vec<u32>) -> Latency {
        if v.is_empty() {
            return Latency::default();
        }
        v.sort_unstable();
        let n = v.len();
        let at = |p: f64| {
            let rank = ((p * n as f64).ceil() as usize).clamp(1, n);
            f64::from(v[rank - 1]) / 1000.0
        };
        Latency {
            count: n as u64,
            mean_ms: v.iter().map(|x| f64::from(*x)).sum::<f64>() / n as f64 / 1000.0,
            p50_ms: at(0.50),
            p90_ms: at(0.90),
            p99_ms: at(0.99),
            max_ms: f64::from(v[n - 1]) / 1000.0,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct KindResult {
    pub name: &'static str,
    pub requests: u64,
    pub errors: u64,
    /// Successful (200) responses only.
    pub latency: Latency,
    /// Mean `Bundle.total` of the successful searches: how much each search matched.
    pub mean_matches: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhaseResult {
    pub name: &'static str,
    pub clients: usize,
    pub warmup_s: f64,
    pub measured_s: f64,
    /// Requests started in the measured window (every one of them completed or failed).
    pub requests: u64,
    pub requests_per_s: f64,
    /// Non-200 responses and transport failures in the measured window.
    pub errors: u64,
    /// Count by cause ("HTTP 404", "timeout", ...), measured window.
    pub error_causes: BTreeMap<String, u64>,
    pub error_examples: Vec<String>,
    pub warmup_requests: u64,
    pub warmup_errors: u64,
    /// Successful responses only.
    pub latency: Latency,
    pub by_kind: Vec<KindResult>,
    /// Peak RSS of the server during this phase (warm-up included).
    pub server_peak_rss_kb: u64,
    /// True when the kernel let us reset VmHWM at the start (exact); else the 100 ms VmRSS samples' max.
    pub server_peak_rss_exact: bool,
    /// Of which private memory (heap): highest `RssAnon` of the 100 ms samples.
    pub server_peak_anon_kb: u64,
    /// Of which mapped files (SQLite mmaps the database): highest `RssFile` of the samples.
    pub server_peak_file_kb: u64,
    /// Server CPU use over the measured window, % of one core.
    pub server_cpu_pct: f64,
    /// This (load-generating) process's CPU use, % of one core: it shares the machine.
    pub client_cpu_pct: f64,
    /// CPU use of the local PostgreSQL processes, % of one core (PostgreSQL only).
    pub postgres_cpu_pct: Option<f64>,
    pub machine_busy_pct: f64,
}

#[derive(Default)]
struct TaskStats {
    lat: Vec<Vec<u32>>,
    errors: Vec<u64>,
    requests: Vec<u64>,
    causes: BTreeMap<String, u64>,
    examples: Vec<String>,
    warm_requests: u64,
    warm_errors: u64,
    matches: Vec<(u64, u64)>,
}

/// Run one workload against `base` (e.g. `http://127.0.0.1:1234`).
pub async fn run(
    client: &reqwest::Client,
    base: &str,
    ds: &Arc<Dataset>,
    w: Workload,
    opts: LoadOptions,
    server_pid: u32,
) -> anyhow::Result<PhaseResult> {
    let exact = sys::reset_peak_rss(server_pid);
    let sampler = sys::Sampler::start(server_pid, None);
    let w = Arc::new(w);
    let nkinds = w.kinds.len();
    let t_start = Instant::now();
    let warm_end = t_start + opts.warmup;
    let end = warm_end + opts.duration;
    let measured = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::with_capacity(opts.clients);
    for c in 0..opts.clients {
        let client = client.clone();
        let base = base.to_owned();
        let ds = ds.clone();
        let w = w.clone();
        let measured = measured.clone();
        let max = opts.max_requests;
        let seed = opts.seed;
        tasks.push(tokio::spawn(async move {
            let mut rng = SplitMix64::new(mix(seed ^ 0xB0B0_0000 ^ ((c as u64) << 20)));
            let mut st = TaskStats {
                lat: vec![Vec::new(); nkinds],
                errors: vec![0; nkinds],
                requests: vec![0; nkinds],
                matches: vec![(0, 0); nkinds],
                ..TaskStats::default()
            };
            let mut seq = c as u64;
            loop {
                let t0 = Instant::now();
                if t0 >= end {
                    break;
                }
                let warm = t0 < warm_end;
                if !warm && measured.fetch_add(1, Ordering::Relaxed) >= max {
                    break;
                }
                let (kind, path) = (w.next)(&ds, &mut rng, seq);
                seq += 1;
                let outcome = match client.get(format!("{base}{path}")).send().await {
                    Ok(resp) => {
                        let status = resp.status().as_u16();
                        match resp.bytes().await {
                            Ok(body) => Ok((status, body)),
                            Err(e) => Err(cause(&e)),
                        }
                    }
                    Err(e) => Err(cause(&e)),
                };
                let micros = u32::try_from(t0.elapsed().as_micros()).unwrap_or(u32::MAX);
                let failure = match outcome {
                    Ok((200, body)) => {
                        if !warm {
                            st.lat[kind].push(micros);
                            if w.name != "read by id"
                                && let Some(total) = bundle_total(&body)
                            {
                                st.matches[kind].0 += total;
                                st.matches[kind].1 += 1;
                            }
                        }
                        None
                    }
                    Ok((status, body)) => Some((
                        format!("HTTP {status}"),
                        format!(
                            "{path} -> {status}: {}",
                            String::from_utf8_lossy(&body[..body.len().min(300)])
                        ),
                    )),
                    Err(c) => Some((c.clone(), format!("{path} -> {c}"))),
                };
                if warm {
                    st.warm_requests += 1;
                    st.warm_errors += u64::from(failure.is_some());
                } else {
                    st.requests[kind] += 1;
                    if let Some((c, example)) = failure {
                        st.errors[kind] += 1;
                        *st.causes.entry(c).or_default() += 1;
                        if st.examples.len() < 3 {
                            st.examples.push(example);
                        }
                    }
                }
            }
            (st, Instant::now())
        }));
    }
    // CPU counters over the measured window only.
    tokio::time::sleep_until(warm_end.into()).await;
    let (srv0, me0, m0) = (
        sys::cpu_ticks(Some(server_pid)),
        sys::cpu_ticks(None),
        sys::machine_cpu(),
    );
    let pg0 = if opts.postgres {
        sys::postgres_ticks()
    } else {
        None
    };
    let t_measure = Instant::now();
    let mut all = TaskStats {
        lat: vec![Vec::new(); nkinds],
        errors: vec![0; nkinds],
        requests: vec![0; nkinds],
        matches: vec![(0, 0); nkinds],
        ..TaskStats::default()
    };
    let mut last_done = t_measure;
    for t in tasks {
        let (st, done) = t.await?;
        last_done = last_done.max(done);
        for k in 0..nkinds {
            all.lat[k].extend_from_slice(&st.lat[k]);
            all.errors[k] += st.errors[k];
            all.requests[k] += st.requests[k];
            all.matches[k].0 += st.matches[k].0;
            all.matches[k].1 += st.matches[k].1;
        }
        for (c, n) in st.causes {
            *all.causes.entry(c).or_default() += n;
        }
        for e in st.examples {
            if all.examples.len() < 5 {
                all.examples.push(e);
            }
        }
        all.warm_requests += st.warm_requests;
        all.warm_errors += st.warm_errors;
    }
    let (srv1, me1, m1) = (
        sys::cpu_ticks(Some(server_pid)),
        sys::cpu_ticks(None),
        sys::machine_cpu(),
    );
    let pg1 = if opts.postgres {
        sys::postgres_ticks()
    } else {
        None
    };
    let samples = sampler.stop();
    let hwm = sys::status_kb(server_pid, "VmHWM").unwrap_or(0);
    let measured_s = last_done.duration_since(t_measure).as_secs_f64().max(1e-3);
    let tck = sys::clk_tck() as f64;
    let pct = |a: Option<u64>, b: Option<u64>| match (a, b) {
        (Some(a), Some(b)) => 100.0 * b.saturating_sub(a) as f64 / tck / measured_s,
        _ => 0.0,
    };
    let requests: u64 = all.requests.iter().sum();
    let errors: u64 = all.errors.iter().sum();
    // The overall distribution: every kind's successful latencies together.
    let latency = Latency::from_micros(all.lat.iter().flatten().copied().collect());
    let by_kind: Vec<KindResult> = (0..nkinds)
        .map(|k| KindResult {
            name: w.kinds[k],
            requests: all.requests[k],
            errors: all.errors[k],
            latency: Latency::from_micros(std::mem::take(&mut all.lat[k])),
            mean_matches: (all.matches[k].1 > 0)
                .then(|| all.matches[k].0 as f64 / all.matches[k].1 as f64),
        })
        .collect();
    Ok(PhaseResult {
        name: w.name,
        clients: opts.clients,
        warmup_s: opts.warmup.as_secs_f64(),
        measured_s,
        requests,
        requests_per_s: requests as f64 / measured_s,
        errors,
        error_causes: all.causes,
        error_examples: all.examples,
        warmup_requests: all.warm_requests,
        warmup_errors: all.warm_errors,
        latency,
        by_kind,
        server_peak_rss_kb: if exact {
            hwm.max(samples.peak_rss_kb)
        } else {
            samples.peak_rss_kb
        },
        server_peak_rss_exact: exact,
        server_peak_anon_kb: samples.peak_anon_kb,
        server_peak_file_kb: samples.peak_file_kb,
        server_cpu_pct: pct(srv0, srv1),
        client_cpu_pct: pct(me0, me1),
        postgres_cpu_pct: pg0.is_some().then(|| pct(pg0, pg1)),
        machine_busy_pct: m1.since(&m0).0,
    })
}

/// A short, countable name for a transport failure.
fn cause(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timeout".into()
    } else if e.is_connect() {
        "connect error".into()
    } else if e.is_body() || e.is_decode() {
        "body error".into()
    } else {
        format!("transport error: {e}")
    }
}

/// `Bundle.total` of a search response, without parsing the entries.
fn bundle_total(body: &[u8]) -> Option<u64> {
    #[derive(serde::Deserialize)]
    struct Total {
        total: Option<u64>,
    }
    serde_json::from_slice::<Total>(body).ok()?.total
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let l = Latency::from_micros((1..=1000).map(|x| x * 1000).collect());
        assert_eq!(l.count, 1000);
        assert!((l.p50_ms - 500.0).abs() < 1e-9);
        assert!((l.p90_ms - 900.0).abs() < 1e-9);
        assert!((l.p99_ms - 990.0).abs() < 1e-9);
        assert!((l.max_ms - 1000.0).abs() < 1e-9);
        assert_eq!(Latency::from_micros(Vec::new()).count, 0);
    }

    #[test]
    fn encodes_query_values() {
        assert_eq!(encode("Mül"), "M%C3%BCl");
        assert_eq!(encode("Ó B"), "%C3%93%20B");
        assert_eq!(encode("Smi"), "Smi");
    }

    #[test]
    fn reads_total() {
        assert_eq!(
            bundle_total(br#"{"resourceType":"Bundle","type":"searchset","total":12,"entry":[]}"#),
            Some(12)
        );
        assert_eq!(bundle_total(b"{}"), None);
    }

    #[test]
    fn search_mix_is_round_robin() {
        let ds = Dataset::new(20_000, 1).unwrap();
        let w = searches();
        let mut rng = SplitMix64::new(1);
        let kinds: Vec<usize> = (0..6).map(|s| (w.next)(&ds, &mut rng, s).0).collect();
        assert_eq!(kinds, [0, 1, 2, 0, 1, 2]);
        let (_, q) = (w.next)(&ds, &mut rng, 1);
        assert!(
            q.starts_with("/fhir/Observation?patient=Patient/")
                && q.contains("date=ge2020-01-01&date=lt2023-01-01")
        );
    }
}
