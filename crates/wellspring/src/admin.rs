//! Administration from the command line: staff accounts, app registrations, integration
//! tokens, and the demo mode's sign-in accounts.

use anyhow::Context;
use clap::{Args, Subcommand};
use ws_identity::rules::proxy::Relationship;
use ws_identity::{Identity, IdentityConfig, StaffRole};
use ws_synthetic::DemoMember;

use crate::DbArg;
use crate::settings::Settings;

#[derive(Args, Debug)]
pub struct StaffArgs {
    #[command(subcommand)]
    pub command: StaffCommand,
}

#[derive(Subcommand, Debug)]
pub enum StaffCommand {
    /// Create a staff account; prints a one-time link to set the password (valid 7 days).
    Add {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// member-services | clinician | pharmacist | administrator
        #[arg(long)]
        role: String,
        /// The clinician's Practitioner id (their care-team panel follows from it)
        #[arg(long)]
        practitioner: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct AppsArgs {
    #[command(subcommand)]
    pub command: AppsCommand,
}

#[derive(Subcommand, Debug)]
pub enum AppsCommand {
    /// Register a SMART app (public client with PKCE unless --confidential), or with
    /// --integration a back-end client that uses client_credentials.
    Register {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        name: String,
        /// Exact redirect URI (repeatable)
        #[arg(long = "redirect-uri")]
        redirect_uris: Vec<String>,
        /// Scopes the app may ask for (space- or comma-separated)
        #[arg(
            long,
            default_value = "openid fhirUser launch/patient offline_access patient/*.read"
        )]
        scope: String,
        #[arg(long)]
        confidential: bool,
        #[arg(long)]
        integration: bool,
    },
    /// Issue an access token for an integration client (scripts, benchmarks).
    Token {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        client_id: String,
    },
}

async fn identity(db: &DbArg, settings: &Settings) -> anyhow::Result<Identity> {
    let url = db
        .database
        .clone()
        .unwrap_or_else(|| settings.database_url.clone());
    let store = crate::open_store(&url).await?;
    Ok(Identity::new(store, identity_config(settings, None)))
}

pub fn identity_config(settings: &Settings, public: Option<&str>) -> IdentityConfig {
    let public = public
        .map(str::to_owned)
        .or_else(|| settings.public_url.clone())
        .unwrap_or_else(|| format!("http://{}", settings.listen));
    let public = public.trim_end_matches('/').to_owned();
    IdentityConfig {
        fhir_base: format!("{public}/fhir"),
        base_url: public,
        ..IdentityConfig::default()
    }
}

pub async fn staff(args: StaffArgs, settings: &Settings) -> anyhow::Result<()> {
    match args.command {
        StaffCommand::Add {
            db,
            email,
            name,
            role,
            practitioner,
        } => {
            let role = StaffRole::parse(&role).with_context(|| {
                format!(
                    "unknown role {role:?} (member-services, clinician, pharmacist, administrator)"
                )
            })?;
            let id = identity(&db, settings).await?;
            let (acct, token) = id
                .create_staff(&email, &name, role, practitioner.as_deref(), "system:cli")
                .await?
                .map_err(|e| anyhow::anyhow!("cannot create the account: {e:?}"))?;
            println!("staff account {} ({}) created", acct.id, role.as_str());
            println!(
                "set the password within 7 days at: {}/password/reset?token={}",
                id.cfg.base_url,
                token.expose()
            );
            id.store.close().await;
            Ok(())
        }
    }
}

pub async fn apps(args: AppsArgs, settings: &Settings) -> anyhow::Result<()> {
    match args.command {
        AppsCommand::Register {
            db,
            name,
            redirect_uris,
            scope,
            confidential,
            integration,
        } => {
            let id = identity(&db, settings).await?;
            let mut scopes: Vec<String> = scope
                .split([' ', ','])
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            if integration && scope.contains("patient/") {
                scopes = vec!["system/*.*".into()];
            }
            let (client_id, secret) = id
                .register_client(
                    &name,
                    &redirect_uris,
                    &scopes,
                    confidential,
                    integration,
                    "system:cli",
                )
                .await?
                .map_err(|e| anyhow::anyhow!("cannot register the app: {e}"))?;
            println!("client_id: {client_id}");
            if let Some(s) = secret {
                println!(
                    "client_secret: {} (shown once; store it safely)",
                    s.expose()
                );
            }
            id.store.close().await;
            Ok(())
        }
        AppsCommand::Token { db, client_id } => {
            let id = identity(&db, settings).await?;
            let client = id
                .client(&client_id)
                .await?
                .filter(|c| c.integration)
                .context("no integration client with that id")?;
            let t = id.integration_token(&client).await?;
            println!("{}", t.access_token);
            id.store.close().await;
            Ok(())
        }
    }
}

/// The demo password (demo mode only; never used outside `serve --demo`).
pub const DEMO_PASSWORD: &str = "blue heron river lantern";

/// Demo mode: sign-in accounts for the demo members aged 13 and over, and parent links for the
/// demo family's children. Idempotent. Returns (member, email if it has an account).
pub async fn ensure_demo_accounts(
    id: &Identity,
    members: &[DemoMember],
) -> anyhow::Result<Vec<(DemoMember, Option<String>)>> {
    let mut out = Vec::new();
    let mut parent_account = None;
    for m in members {
        let email = format!(
            "{}@demo.wellspring.example",
            m.name
                .to_lowercase()
                .split_whitespace()
                .map(|w| w
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect::<String>())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(".")
        );
        let mut c = id.store.reader().await?;
        let existing = ws_store::identity::account_by_patient(&mut c, &m.patient_id).await?;
        drop(c);
        let acct = if let Some(a) = existing {
            // A demo member whose account the seed made (no password yet) gets the demo one.
            if a.password_hash == ws_identity::secrets::NO_PASSWORD {
                id.set_password(&a.id, DEMO_PASSWORD)
                    .await?
                    .map_err(|p| anyhow::anyhow!("demo password refused: {p:?}"))?;
            }
            Some(a)
        } else {
            let facts = id
                .patient_facts(&m.patient_id)
                .await?
                .context("demo member missing from the store")?;
            let birth = facts.birth.map(|b| b.to_string()).unwrap_or_default();
            let input = ws_identity::service::RegisterInput {
                mrn: m.mrn.clone(),
                birth_date: birth,
                given: facts.given.clone(),
                family: facts.family.clone(),
                email: email.clone(),
                mobile: "+1 415 555 0100".into(),
                password: DEMO_PASSWORD.into(),
            };
            match id.register(&input, Some("demo")).await? {
                Ok(a) => Some(a),
                Err(ws_identity::service::RegisterError::UnderThirteen) => None,
                Err(e) => anyhow::bail!("demo account for {}: {e:?}", m.name),
            }
        };
        if m.kind.starts_with("Parent") {
            parent_account = acct.clone();
        }
        if (m.kind.starts_with("Teen") || m.kind.starts_with("Child"))
            && let Some(parent) = &parent_account
        {
            let held = id.people(parent).await?;
            if !held.iter().any(|p| p.patient_id == m.patient_id) {
                id.record_grant(
                    "system:demo",
                    &m.patient_id,
                    parent,
                    Relationship::Parent,
                    "demo family (subscriber of the family coverage)",
                )
                .await?;
            }
        }
        out.push((m.clone(), acct.map(|a| a.email)));
    }
    Ok(out)
}
