//! Child processes and what `/proc` says about them (Linux): peak memory, CPU time per thread,
//! how far a process has read a file, and a clean SIGTERM stop.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus};
use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Clock ticks per second of `/proc/*/stat` times (`getconf CLK_TCK`, almost always 100).
pub fn clk_tck() -> u64 {
    static TCK: OnceLock<u64> = OnceLock::new();
    *TCK.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .filter(|t| *t > 0)
            .unwrap_or(100)
    })
}

/// A `kB` field of `/proc/PID/status` (e.g. `VmHWM`, `VmRSS`).
pub fn status_kb(pid: u32, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines().find_map(|l| {
        let rest = l.strip_prefix(key)?.strip_prefix(':')?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

/// (comm, utime + stime in ticks) from a `stat` file.
fn parse_stat(text: &str) -> Option<(String, u64)> {
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let comm = text.get(open + 1..close)?.to_owned();
    let fields: Vec<&str> = text.get(close + 1..)?.split_whitespace().collect();
    // After ")": state(0) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(11) stime(12)
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((comm, utime + stime))
}

/// CPU time (ticks) a process has used so far, all threads (`None`: this process).
pub fn cpu_ticks(pid: Option<u32>) -> Option<u64> {
    let path = match pid {
        Some(p) => format!("/proc/{p}/stat"),
        None => "/proc/self/stat".to_owned(),
    };
    parse_stat(&std::fs::read_to_string(path).ok()?).map(|(_, t)| t)
}

/// CPU time (ticks) of every local process named `postgres` (the server and its backends), or
/// `None` when there is none. Backends that exit take their time with them.
pub fn postgres_ticks() -> Option<u64> {
    let mut total = 0;
    let mut found = false;
    for e in std::fs::read_dir("/proc").ok()?.flatten() {
        let name = e.file_name();
        if !name.to_string_lossy().bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if let Some((comm, t)) = std::fs::read_to_string(e.path().join("stat"))
            .ok()
            .as_deref()
            .and_then(parse_stat)
            && comm == "postgres"
        {
            total += t;
            found = true;
        }
    }
    found.then_some(total)
}

/// Machine-wide CPU counters from `/proc/stat`: (busy, iowait, total) ticks over all CPUs.
#[derive(Debug, Clone, Copy, Default)]
pub struct MachineCpu {
    pub busy: u64,
    pub iowait: u64,
    pub total: u64,
}

pub fn machine_cpu() -> MachineCpu {
    let Ok(text) = std::fs::read_to_string("/proc/stat") else {
        return MachineCpu::default();
    };
    let Some(line) = text.lines().find(|l| l.starts_with("cpu ")) else {
        return MachineCpu::default();
    };
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal guest guest_nice
    let get = |i: usize| v.get(i).copied().unwrap_or(0);
    let busy = get(0) + get(1) + get(2) + get(5) + get(6) + get(7);
    let idle = get(3);
    let iowait = get(4);
    MachineCpu {
        busy,
        iowait,
        total: busy + idle + iowait,
    }
}

impl MachineCpu {
    /// (busy %, iowait %) of the whole machine between two readings (100 % = every CPU busy).
    pub fn since(&self, earlier: &MachineCpu) -> (f64, f64) {
        let total = self.total.saturating_sub(earlier.total).max(1) as f64;
        (
            100.0 * self.busy.saturating_sub(earlier.busy) as f64 / total,
            100.0 * self.iowait.saturating_sub(earlier.iowait) as f64 / total,
        )
    }
}

pub fn mem_total_kb() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    text.lines().find_map(|l| {
        l.strip_prefix("MemTotal:")?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    })
}

pub fn cpu_model() -> Option<String> {
    let text = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    text.lines().find_map(|l| {
        Some(
            l.strip_prefix("model name")?
                .split_once(':')?
                .1
                .trim()
                .to_owned(),
        )
    })
}

/// Reset a process's peak-RSS mark (`VmHWM`) so it measures from now on. False if refused.
pub fn reset_peak_rss(pid: u32) -> bool {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok()
}

/// What a [`Sampler`] saw.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    /// Highest `VmHWM` read (kB).
    pub peak_hwm_kb: u64,
    /// Highest `VmRSS` read (kB).
    pub peak_rss_kb: u64,
    /// Highest `RssAnon` read (kB): heap and other private memory.
    pub peak_anon_kb: u64,
    /// Highest `RssFile` read (kB): mapped files (SQLite's mmap of the database counts here).
    pub peak_file_kb: u64,
    /// Last CPU time (ticks) of the whole process.
    pub cpu_ticks: u64,
    /// CPU time (ticks) by thread name (threads that exited keep their last reading).
    pub threads: BTreeMap<String, u64>,
    /// (seconds since start, file offset) of the tracked file, every sample while it is open.
    pub progress: Vec<(f64, u64)>,
    pub samples: u64,
}

/// Samples a process every 100 ms on its own thread until stopped.
pub struct Sampler {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<Samples>>,
}

impl Sampler {
    /// Watch `pid`; when `track` is given, also follow the read offset of that file.
    pub fn start(pid: u32, track: Option<PathBuf>) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let t0 = Instant::now();
            let mut s = Samples::default();
            let mut per_tid: HashMap<String, (String, u64)> = HashMap::new();
            let mut fd: Option<String> = None;
            loop {
                if let Some(kb) = status_kb(pid, "VmHWM") {
                    s.peak_hwm_kb = s.peak_hwm_kb.max(kb);
                }
                if let Some(kb) = status_kb(pid, "VmRSS") {
                    s.peak_rss_kb = s.peak_rss_kb.max(kb);
                }
                if let Some(kb) = status_kb(pid, "RssAnon") {
                    s.peak_anon_kb = s.peak_anon_kb.max(kb);
                }
                if let Some(kb) = status_kb(pid, "RssFile") {
                    s.peak_file_kb = s.peak_file_kb.max(kb);
                }
                if let Some(t) = cpu_ticks(Some(pid)) {
                    s.cpu_ticks = s.cpu_ticks.max(t);
                }
                if let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/task")) {
                    for e in dir.flatten() {
                        let tid = e.file_name().to_string_lossy().into_owned();
                        if let Some((comm, t)) = std::fs::read_to_string(e.path().join("stat"))
                            .ok()
                            .as_deref()
                            .and_then(parse_stat)
                        {
                            per_tid.insert(tid, (comm, t));
                        }
                    }
                }
                if let Some(path) = &track {
                    if fd.is_none() {
                        fd = find_fd(pid, path);
                    }
                    if let Some(f) = &fd {
                        match file_pos(pid, f) {
                            Some(pos) => s.progress.push((t0.elapsed().as_secs_f64(), pos)),
                            None => fd = None,
                        }
                    }
                }
                s.samples += 1;
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            for (comm, t) in per_tid.into_values() {
                *s.threads.entry(comm).or_default() += t;
            }
            s
        });
        Sampler {
            stop,
            handle: Some(handle),
        }
    }

    pub fn stop(mut self) -> Samples {
        self.stop.store(true, Ordering::Relaxed);
        self.handle
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default()
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The descriptor number under which `pid` has `path` open.
fn find_fd(pid: u32, path: &Path) -> Option<String> {
    let want = std::fs::canonicalize(path).ok()?;
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .ok()?
        .flatten()
        .find_map(|e| {
            let target = std::fs::read_link(e.path()).ok()?;
            (target == want).then(|| e.file_name().to_string_lossy().into_owned())
        })
}

fn file_pos(pid: u32, fd: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/fdinfo/{fd}")).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("pos:")?.trim().parse().ok())
}

/// Kills the child (SIGKILL) if it is still running when dropped — an error path must not leave
/// a server behind. The normal path stops it with [`terminate`] first.
pub struct ChildGuard(pub Option<Child>);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Some(c) = self.0.as_mut()
            && matches!(c.try_wait(), Ok(None))
        {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Stop a child with SIGTERM (via `kill`, no libc here) and wait up to `grace`; SIGKILL after
/// that. Returns the exit status and whether it stopped on its own.
pub fn terminate(child: &mut Child, grace: Duration) -> anyhow::Result<(ExitStatus, bool)> {
    if let Some(st) = child.try_wait()? {
        return Ok((st, true));
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + grace;
    loop {
        if let Some(st) = child.try_wait()? {
            return Ok((st, true));
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            return Ok((child.wait()?, false));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The last `n` lines of a (log) file, for error messages (long lines cut, colour codes gone).
pub fn tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            let plain: String = strip_ansi(l);
            match plain.char_indices().nth(300) {
                Some((cut, _)) => format!("{}…", &plain[..cut]),
                None => plain,
            }
        })
        .collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// The first `n` lines of a log up to a stack backtrace: where a failed start says why.
pub fn error_head(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(strip_ansi)
        .take_while(|l| !l.starts_with("Stack backtrace"))
        .filter(|l| !l.trim().is_empty())
        .take(n)
        .collect::<Vec<_>>()
        .join("\n")
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // ESC [ ... final byte in @..~
            for d in chars.by_ref() {
                if ('@'..='~').contains(&d) && d != '[' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_stat_with_spaces_in_comm() {
        let s = "1234 (tokio runtime) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0";
        assert_eq!(parse_stat(s).unwrap(), ("tokio runtime".to_owned(), 300));
    }

    #[test]
    fn strips_colours() {
        assert_eq!(
            strip_ansi("\u{1b}[2mtime\u{1b}[0m \u{1b}[33m WARN\u{1b}[0m x"),
            "time  WARN x"
        );
    }

    #[test]
    fn reads_own_process() {
        assert!(status_kb(std::process::id(), "VmHWM").unwrap() > 0);
        assert!(cpu_ticks(None).is_some());
        assert!(machine_cpu().total > 0);
    }
}
