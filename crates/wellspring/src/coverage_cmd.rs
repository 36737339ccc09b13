//! `wellspring coverage …`: membership jobs and tools — a deterministic sample X12 834 file of
//! any size (for the import benchmark), and the dependent age-out run (ENR-13).

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use jiff::civil::Date;
use ws_audit::Auditor;
use ws_fhir_service::{Caller, Fhir};

use crate::settings::Settings;
use crate::{DbArg, open_store};

#[derive(Args, Debug)]
pub struct CoverageArgs {
    #[command(subcommand)]
    pub command: CoverageCommand,
}

#[derive(Subcommand, Debug)]
pub enum CoverageCommand {
    /// Write a synthetic X12 834 enrollment file (additions) for an employer group.
    Sample834 {
        /// Number of members (subscribers and dependents)
        #[arg(long, default_value_t = 1000)]
        members: u64,
        /// Employer group number (an Organization's urn:wellspring:employer-group identifier)
        #[arg(long)]
        group: String,
        /// Plan code (HD04)
        #[arg(long, default_value = "THMO-25")]
        plan: String,
        /// Benefit begin date (DTP*348), YYYY-MM-DD
        #[arg(long, default_value = "2027-01-01")]
        begin: String,
        /// Output file
        #[arg(long)]
        out: PathBuf,
    },
    /// End the coverage of dependents past the age limit on a date (ENR-13).
    AgeOut {
        #[command(flatten)]
        db: DbArg,
        /// The date to evaluate, YYYY-MM-DD (default today)
        #[arg(long)]
        as_of: Option<String>,
    },
}

const GIVEN: &[&str] = &[
    "Ari", "Bea", "Cole", "Dana", "Eli", "Faye", "Gus", "Hana", "Ivo", "Jude", "Kai", "Lena",
    "Milo", "Nora", "Otis", "Pia", "Quinn", "Rosa", "Sami", "Tess", "Uma", "Vito", "Wren", "Yara",
];
const FAMILY: &[&str] = &[
    "Abara",
    "Brandt",
    "Castell",
    "Dunmore",
    "Eskola",
    "Ferrante",
    "Galloway",
    "Haddad",
    "Iverson",
    "Jablonski",
    "Kowal",
    "Lindgren",
    "Marchetti",
    "Nakamura",
    "Okonkwo",
    "Pereira",
];

/// A deterministic 834 of `n` members: households of a subscriber and 0–3 dependents.
pub fn sample_834(n: u64, group: &str, plan: &str, begin: Date) -> String {
    let env = ws_x12::Envelope::new(
        "EMPLOYER",
        "WELLSPRING",
        begin,
        jiff::civil::time(8, 0, 0, 0),
        1,
        1,
    );
    let header = ws_x12::Header834 {
        purpose: "00".into(),
        reference: format!("SAMPLE{n}"),
        date: begin,
        time: "0800".into(),
        action: "2".into(),
        master_policy: Some(group.into()),
        file_effective_date: Some(begin),
        sponsor: ws_x12::Party {
            name: format!("Employer group {group}"),
            id_qualifier: "FI".into(),
            id: "123456789".into(),
        },
        payer: ws_x12::Party {
            name: "Wellspring Health".into(),
            id_qualifier: "FI".into(),
            id: "999999999".into(),
        },
    };
    let mut out = String::with_capacity(usize::try_from(n).unwrap_or(0) * 420);
    let mut w = match ws_x12::Writer834::new(&mut out, &env, &header) {
        Ok(w) => w,
        Err(_) => return String::new(),
    };
    let mut i = 0u64;
    let mut household = 0u64;
    while i < n {
        household += 1;
        let sub_id = format!("E{household:07}");
        let family = FAMILY[(household % FAMILY.len() as u64) as usize];
        let size = 1 + (household * 7 % 4).min(n - i - 1);
        for k in 0..size {
            let (rel, age) = match k {
                0 => ("18", 30 + household % 30),
                1 => ("01", 28 + household % 30),
                _ => ("19", 1 + (household + k) % 17),
            };
            let birth = Date::new(
                i16::try_from(2026 - age).unwrap_or(1990),
                i8::try_from(1 + (household + k) % 12).unwrap_or(1),
                i8::try_from(1 + (household * 3 + k) % 28).unwrap_or(1),
            )
            .unwrap_or(begin);
            let given = GIVEN[((household * 5 + k * 11) % GIVEN.len() as u64) as usize];
            let mut m = ws_x12::Member834::new(
                &sub_id,
                rel,
                family,
                given,
                birth,
                if (household + k).is_multiple_of(2) {
                    'F'
                } else {
                    'M'
                },
            );
            m.group_number = Some(group.into());
            m.address_lines = vec![format!("{} Harbor Street", 10 + household % 900)];
            m.city = Some("Cedarton".into());
            m.state = Some("WA".into());
            m.zip = Some("98101".into());
            m.coverages.push(ws_x12::Coverage834 {
                maintenance: ws_x12::Maintenance::Addition,
                insurance_line: "HLT".into(),
                plan_code: plan.into(),
                coverage_level: Some(if size > 1 { "FAM" } else { "EMP" }.into()),
                begin: Some(begin),
                end: None,
            });
            if w.member(&m).is_err() {
                return String::new();
            }
            i += 1;
        }
    }
    if w.finish().is_err() {
        return String::new();
    }
    out
}

pub async fn run(args: CoverageArgs, settings: &Settings) -> anyhow::Result<()> {
    match args.command {
        CoverageCommand::Sample834 {
            members,
            group,
            plan,
            begin,
            out,
        } => {
            let begin: Date = begin
                .parse()
                .with_context(|| format!("--begin '{begin}' is not a date (YYYY-MM-DD)"))?;
            let started = std::time::Instant::now();
            let text = sample_834(members, &group, &plan, begin);
            anyhow::ensure!(!text.is_empty(), "writing the 834 failed");
            std::fs::File::create(&out)
                .and_then(|mut f| f.write_all(text.as_bytes()))
                .with_context(|| format!("writing {}", out.display()))?;
            println!(
                "{members} members written to {} ({} bytes) in {:.2}s",
                out.display(),
                text.len(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        CoverageCommand::AgeOut { db, as_of } => {
            let as_of: Option<jiff::civil::Date> = match as_of {
                Some(d) => Some(
                    d.parse()
                        .with_context(|| format!("--as-of '{d}' is not a date (YYYY-MM-DD)"))?,
                ),
                None => None,
            };
            let url = db.database.unwrap_or_else(|| settings.database_url.clone());
            let store = open_store(&url).await?;
            let (auditor, audit_task) = Auditor::start(store.clone());
            let fhir = Fhir::new(
                store.clone(),
                auditor,
                "urn:wellspring:cli".into(),
                settings.export_dir.clone(),
            );
            let m = ws_coverage::service::CoverageService::new(fhir.clone());
            let on = as_of.unwrap_or_else(|| m.clock().today());
            let ended = m
                .age_out(&Caller::system(), on)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            for (who, last) in &ended {
                println!("  {who}: covered through {last}");
            }
            println!("{} dependents aged out as of {on}", ended.len());
            drop(m);
            drop(fhir);
            let _ = audit_task.await;
            store.close().await;
            Ok(())
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sample_834_parses_with_every_member() {
        let f = sample_834(1000, "NOR00010", "THMO-25", jiff::civil::date(2027, 1, 1));
        let ix = ws_x12::parse(f.as_bytes()).unwrap();
        let tx = &ix.groups[0].transactions[0];
        let e = ws_x12::parse_834(tx).unwrap();
        assert_eq!(e.members.len(), 1000);
        assert!(e.members.iter().all(Result::is_ok));
        assert_eq!(
            f,
            sample_834(1000, "NOR00010", "THMO-25", jiff::civil::date(2027, 1, 1))
        );
    }
}
