//! The Markdown report.

use std::fmt::Write as _;

use super::BenchResult;

/// Targets the figures are held against.
pub const TARGET_INGEST_PER_S: f64 = 20_000.0;
pub const TARGET_READ_P99_MS: f64 = 5.0;
pub const TARGET_SEARCH_P99_MS: f64 = 20.0;

/// `1234567` → `1,234,567`
pub fn int(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

pub fn bytes(b: u64) -> String {
    let b = b as f64;
    if b >= 1024.0 * 1024.0 * 1024.0 {
        format!("{:.2} GiB", b / (1024.0 * 1024.0 * 1024.0))
    } else if b >= 1024.0 * 1024.0 {
        format!("{:.1} MiB", b / (1024.0 * 1024.0))
    } else {
        format!("{:.1} KiB", b / 1024.0)
    }
}

/// A request rate: whole numbers, one decimal below 100/s.
fn rate(x: f64) -> String {
    if x >= 100.0 {
        int(x.round() as u64)
    } else {
        format!("{x:.1}")
    }
}

fn ms(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "**MISSED**" }
}

pub fn markdown(r: &BenchResult) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "## Wellspring benchmark: {} resources on {}\n",
        int(r.resources),
        r.backend
    );
    let _ = writeln!(s, "- Database: `{}`", r.database);
    let counts: Vec<String> = {
        let mut c: Vec<(&&str, &u64)> = r.counts.iter().collect();
        c.sort_by(|a, b| b.1.cmp(a.1));
        c.iter().map(|(k, v)| format!("{k} {}", int(**v))).collect()
    };
    let _ = writeln!(
        s,
        "- Data set (seed {}): {} (the six main types {:.1} %)",
        r.seed,
        counts.join(", "),
        r.main_types_pct
    );
    let _ = writeln!(
        s,
        "- Machine: {} CPUs{}, {} RAM; wellspring {}; the load generator runs on the same machine; \
         background load before the start: {:.0} % of the machine",
        r.machine.cpus,
        r.machine
            .cpu_model
            .as_deref()
            .map(|m| format!(" ({m})"))
            .unwrap_or_default(),
        r.machine
            .mem_total_kb
            .map_or("?".to_owned(), |kb| bytes(kb * 1024)),
        r.machine.wellspring_version,
        r.machine.background_busy_pct
    );
    if let Some(p) = r.phases.first() {
        let _ = writeln!(
            s,
            "- Load: {} clients, keep-alive, loopback; {:.0} s warm-up then {:.0} s measured per workload",
            p.clients, p.warmup_s, p.measured_s
        );
    }
    let _ = writeln!(s);

    if let Some(i) = &r.ingest {
        let _ = writeln!(
            s,
            "### Ingest (`wellspring import`, one NDJSON file, child process)\n"
        );
        let _ = writeln!(
            s,
            "| Resources | Rejected | NDJSON | Wall time | Resources/s | Steady 10–90 % | Peak RSS | Import CPU | Machine busy | Database size |"
        );
        let _ = writeln!(s, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        let _ = writeln!(
            s,
            "| {} | {} | {} | {:.1} s | **{}** | {} | {} (heap {}) | {:.0} s ({:.2} cores) | {:.0} % (iowait {:.0} %) | {} |",
            int(i.resources),
            i.rejected.map_or("?".to_owned(), int),
            bytes(i.file_bytes),
            i.wall_s,
            int(i.resources_per_s as u64),
            i.steady_resources_per_s
                .map_or("–".to_owned(), |x| format!("{}/s", int(x as u64))),
            bytes(i.peak_rss_kb * 1024),
            bytes(i.peak_anon_kb * 1024),
            i.cpu_s,
            i.cpu_s / i.wall_s.max(1e-9),
            i.machine_busy_pct,
            i.machine_iowait_pct,
            r.db_size
                .as_ref()
                .map_or("?".to_owned(), |d| bytes(d.total_bytes)),
        );
        let _ = writeln!(s);
        if !i.rate_over_time.is_empty() {
            let slices: Vec<String> = i
                .rate_over_time
                .iter()
                .map(|x| int(x.resources_per_s as u64))
                .collect();
            let _ = writeln!(
                s,
                "Rate over time (resources/s in ten equal slices of the reading time): {}",
                slices.join(" · ")
            );
        }
        if let Some(t) = i.file_read_s {
            let _ = writeln!(
                s,
                "File fully read after {t:.1} s; the last {:.1} s were the writer finishing and the database closing.",
                (i.wall_s - t).max(0.0)
            );
        }
        let mut threads: Vec<(&String, &f64)> = i.cpu_s_by_thread.iter().collect();
        threads.sort_by(|a, b| b.1.total_cmp(a.1));
        let t: Vec<String> = threads
            .iter()
            .take(6)
            .map(|(k, v)| format!("`{k}` {v:.1} s"))
            .collect();
        let _ = writeln!(s, "Import CPU by thread: {}", t.join(", "));
        if let Some(g) = i.generate_s {
            let _ = writeln!(s, "(Generating the NDJSON took {g:.1} s, not counted.)");
        }
        let _ = writeln!(s);
    } else if let Some(d) = &r.db_size {
        let _ = writeln!(
            s,
            "Ingest skipped (--skip-ingest). Database size: {}\n",
            bytes(d.total_bytes)
        );
    }
    if let Some(d) = &r.db_size
        && !d.objects.is_empty()
    {
        let top: Vec<String> = d
            .objects
            .iter()
            .take(8)
            .map(|(n, b)| format!("{n} {}", bytes(*b)))
            .collect();
        let _ = writeln!(s, "Largest objects in the database: {}\n", top.join(", "));
    }

    if let Some(t) = r.analyzed_s {
        let _ = writeln!(
            s,
            "Autovacuum is off on this PostgreSQL server, so nothing had gathered planner statistics: the benchmark ran `ANALYZE` \
             after the ingest ({t:.1} s), as autovacuum would have.\n"
        );
    }
    if let Some(i) = &r.ingest
        && let Some(pg) = i.postgres_cpu_s
    {
        let _ = writeln!(
            s,
            "PostgreSQL processes used {pg:.0} s of CPU during the import ({:.2} cores).\n",
            pg / i.wall_s.max(1e-9)
        );
    }
    let _ = writeln!(s, "### Load (`wellspring serve`, child process)\n");
    let _ = writeln!(
        s,
        "| Workload | Requests | Req/s | p50 ms | p90 ms | p99 ms | max ms | Errors | Matches (mean) | Server peak RSS | Server CPU | Bench CPU |"
    );
    let _ = writeln!(
        s,
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for p in &r.phases {
        let _ = writeln!(
            s,
            "| **{}** | {} | **{}** | {} | {} | **{}** | {} | {} | | {}{} (heap {}) | {:.0} %{} | {:.0} % |",
            p.name,
            int(p.requests),
            rate(p.requests_per_s),
            ms(p.latency.p50_ms),
            ms(p.latency.p90_ms),
            ms(p.latency.p99_ms),
            ms(p.latency.max_ms),
            int(p.errors),
            bytes(p.server_peak_rss_kb * 1024),
            if p.server_peak_rss_exact {
                ""
            } else {
                " (sampled)"
            },
            bytes(p.server_peak_anon_kb * 1024),
            p.server_cpu_pct,
            p.postgres_cpu_pct
                .map(|c| format!(" + PostgreSQL {c:.0} %"))
                .unwrap_or_default(),
            p.client_cpu_pct,
        );
        if p.by_kind.len() > 1 {
            for k in &p.by_kind {
                let _ = writeln!(
                    s,
                    "| ↳ `{}` | {} | {} | {} | {} | {} | {} | {} | {} | | | |",
                    k.name,
                    int(k.requests),
                    rate(k.requests as f64 / p.measured_s),
                    ms(k.latency.p50_ms),
                    ms(k.latency.p90_ms),
                    ms(k.latency.p99_ms),
                    ms(k.latency.max_ms),
                    int(k.errors),
                    k.mean_matches.map_or("–".to_owned(), |m| format!("{m:.1}")),
                );
            }
        }
    }
    let _ = writeln!(
        s,
        "\nLatency percentiles are over successful (200) responses; errors are counted apart. CPU is % of one core over the measured window (machine total = {} %).",
        r.machine.cpus * 100
    );
    let busy: Vec<String> = r
        .phases
        .iter()
        .map(|p| format!("{} {:.0} %", p.name, p.machine_busy_pct))
        .collect();
    let _ = writeln!(
        s,
        "Machine busy during the measured windows: {}.\n",
        busy.join(", ")
    );

    if !r.unloaded.is_empty() {
        let _ = writeln!(
            s,
            "Each search alone, one client (service time without queueing):\n"
        );
        let _ = writeln!(
            s,
            "| Search | Requests | p50 ms | p90 ms | p99 ms | max ms | Errors | Matches (mean) | Server CPU |"
        );
        let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for p in &r.unloaded {
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} | {} | {} | {} | {} | {:.0} %{} |",
                p.name,
                int(p.requests),
                ms(p.latency.p50_ms),
                ms(p.latency.p90_ms),
                ms(p.latency.p99_ms),
                ms(p.latency.max_ms),
                int(p.errors),
                p.by_kind
                    .first()
                    .and_then(|k| k.mean_matches)
                    .map_or("–".to_owned(), |m| format!("{m:.1}")),
                p.server_cpu_pct,
                p.postgres_cpu_pct
                    .map(|c| format!(" + PostgreSQL {c:.0} %"))
                    .unwrap_or_default()
            );
        }
        let _ = writeln!(s);
    }
    let errors: u64 = r
        .phases
        .iter()
        .chain(&r.unloaded)
        .map(|p| p.errors + p.warmup_errors)
        .sum();
    if errors > 0 {
        let _ = writeln!(s, "### Errors\n");
        for p in r.phases.iter().chain(&r.unloaded) {
            if p.errors + p.warmup_errors == 0 {
                continue;
            }
            let causes: Vec<String> = p
                .error_causes
                .iter()
                .map(|(c, n)| format!("{c}: {}", int(*n)))
                .collect();
            let _ = writeln!(
                s,
                "- {}: {} in the measured window ({}), {} during warm-up",
                p.name,
                int(p.errors),
                causes.join(", "),
                int(p.warmup_errors)
            );
            for e in &p.error_examples {
                let _ = writeln!(s, "  - `{}`", e.replace('`', "'").replace('\n', " "));
            }
        }
        let _ = writeln!(s);
    }

    let _ = writeln!(s, "### Against the targets\n");
    let _ = writeln!(s, "| Target | Goal | Measured | Result |");
    let _ = writeln!(s, "|---|---|---:|---|");
    if let Some(i) = &r.ingest {
        let label = if r.backend == "sqlite" {
            "SQLite ingest"
        } else {
            "ingest (the target is SQLite's; for reference)"
        };
        let _ = writeln!(
            s,
            "| {label} | ≥ {} resources/s | {} | {} |",
            int(TARGET_INGEST_PER_S as u64),
            int(i.resources_per_s as u64),
            verdict(i.resources_per_s >= TARGET_INGEST_PER_S)
        );
    }
    let checks = [
        ("read by id p99", 0usize, TARGET_READ_P99_MS),
        ("search p99 (the mix)", 1, TARGET_SEARCH_P99_MS),
    ];
    for (label, i, goal) in checks {
        if let Some(p) = r.phases.get(i) {
            let ok = p.latency.p99_ms < goal && p.errors == 0;
            let note = if p.errors > 0 {
                format!(" with {} errors", int(p.errors))
            } else {
                String::new()
            };
            let _ = writeln!(
                s,
                "| {label} | < {goal} ms | {} ms{note} | {} |",
                ms(p.latency.p99_ms),
                verdict(ok)
            );
        }
    }
    if let Some(p) = r.phases.get(1) {
        for k in &p.by_kind {
            let _ = writeln!(
                s,
                "| ↳ `{}` p99 | < {TARGET_SEARCH_P99_MS} ms | {} ms | {} |",
                k.name,
                ms(k.latency.p99_ms),
                verdict(k.latency.p99_ms < TARGET_SEARCH_P99_MS && k.errors == 0)
            );
        }
    }
    let _ = writeln!(
        s,
        "\nServer: started in {:.1} s, {}.",
        r.server_start_s, r.server_exit
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers() {
        assert_eq!(int(0), "0");
        assert_eq!(int(999), "999");
        assert_eq!(int(1000), "1,000");
        assert_eq!(int(1_234_567), "1,234,567");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(ms(3.256), "3.26");
        assert_eq!(ms(123.4), "123");
    }
}
