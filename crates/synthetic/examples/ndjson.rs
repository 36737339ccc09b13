//! Print a generated region as NDJSON on stdout:
//! `cargo run --release -p wellspring-synthetic --example ndjson -- [members] [seed] > region.ndjson`
//! (a third argument `count` only generates and counts, to time the generator alone)

use std::io::Write;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let members = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    if args.next().as_deref() == Some("count") {
        let start = std::time::Instant::now();
        let summary =
            ws_synthetic::generate(&ws_synthetic::SeedConfig::new(members, seed), &mut |v| {
                std::hint::black_box(v);
                Ok::<(), ()>(())
            })
            .unwrap_or_default();
        let secs = start.elapsed().as_secs_f64();
        eprintln!(
            "{} resources in {secs:.2}s: {:.0} resources/s",
            summary.resources,
            summary.resources as f64 / secs
        );
        return Ok(());
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let summary =
        ws_synthetic::generate(&ws_synthetic::SeedConfig::new(members, seed), &mut |v| {
            serde_json::to_writer(&mut out, &v).map_err(std::io::Error::other)?;
            out.write_all(b"\n")
        })?;
    out.flush()?;
    for d in ws_synthetic::demo_members(&ws_synthetic::SeedConfig::new(members, seed)) {
        eprintln!(
            "{} {} {} {}: {}",
            d.patient_id, d.mrn, d.name, d.birth_date, d.kind
        );
    }
    eprintln!(
        "{} members, {} households, {} resources: {:?}",
        summary.members, summary.households, summary.resources, summary.by_type
    );
    Ok(())
}
