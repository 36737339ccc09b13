//! Bulk loading of portal accounts and proxy grants (`wellspring seed`): what a region's members
//! did over the years through registration and the sharing pages, written in one go.

use std::collections::HashMap;

use ws_store::identity::{self as db, AccountRow, ProxyGrantRow};

use super::{Identity, Result};
use crate::rules::proxy;
use crate::secrets;

/// A member's own account to create. It has no password: the member sets one with "Forgot
/// password" (a reset link to the email or mobile), as after an account made by member services.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMemberAccount {
    pub patient_id: String,
    pub email: String,
    /// E.164.
    pub mobile: Option<String>,
    pub display_name: String,
    /// YYYY-MM-DD.
    pub birth_date: String,
    /// US state of residence (the proxy age table).
    pub state: Option<String>,
    /// Microseconds since the epoch.
    pub created_at: i64,
}

/// A proxy grant to record between two members' accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProxyGrant {
    pub subject_patient: String,
    /// The patient whose account receives the grant.
    pub grantee_patient: String,
    pub relationship: proxy::Relationship,
    /// YYYY-MM-DD.
    pub granted_on: String,
}

/// What [`Identity::import_portal`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PortalImport {
    pub accounts: u64,
    pub grants: u64,
    /// Accounts left alone because the patient or the email already has one.
    pub existing: u64,
    /// Grants not recorded: the grantee has no account, or the same grant exists.
    pub skipped: u64,
}

impl Identity {
    /// Create member accounts and proxy grants in one transaction, each with its audit event
    /// (`register` / `proxy-grant`, actor `by`). Idempotent: an account whose patient or email
    /// already has one is left as it is, and a grant that exists is not recorded twice.
    pub async fn import_portal(
        &self,
        by: &str,
        accounts: &[NewMemberAccount],
        grants: &[NewProxyGrant],
    ) -> Result<PortalImport> {
        let now = self.clock.now_micros();
        let mut out = PortalImport::default();
        let mut c = self.store.begin().await?;
        let mut events = Vec::with_capacity(accounts.len() + grants.len());
        // Accounts made here, by patient: most grants go to them (no second lookup).
        let mut created: HashMap<&str, AccountRow> = HashMap::new();
        for a in accounts {
            if db::account_by_patient(&mut c, &a.patient_id)
                .await?
                .is_some()
                || db::account_by_email(&mut c, &a.email).await?.is_some()
            {
                out.existing += 1;
                continue;
            }
            let row = AccountRow {
                id: uuid::Uuid::new_v4().to_string(),
                email: a.email.to_ascii_lowercase(),
                mobile: a.mobile.clone(),
                display_name: a.display_name.clone(),
                kind: "member".into(),
                patient_id: Some(a.patient_id.clone()),
                birth_date: Some(a.birth_date.clone()),
                state: a.state.clone(),
                password_hash: secrets::NO_PASSWORD.into(),
                created_at: a.created_at,
                ..AccountRow::default()
            };
            db::insert_account(&mut c, &row).await?;
            events.push(self.event(
                by,
                "register",
                Some(&a.patient_id),
                "success",
                Some(format!("account {} created without a password", row.id)),
                None,
            ));
            out.accounts += 1;
            created.insert(a.patient_id.as_str(), row);
        }
        for g in grants {
            let grantee = match created.get(g.grantee_patient.as_str()) {
                Some(row) => row.clone(),
                None => match db::account_by_patient(&mut c, &g.grantee_patient).await? {
                    Some(row) => row,
                    None => {
                        out.skipped += 1;
                        continue;
                    }
                },
            };
            let rel = relationship_code(g.relationship);
            let held = db::grants_held_by(&mut c, &grantee.id).await?;
            if held.iter().any(|h| {
                h.subject_patient == g.subject_patient
                    && h.relationship == rel
                    && h.revoked_at.is_none()
            }) {
                out.skipped += 1;
                continue;
            }
            let row = ProxyGrantRow {
                id: uuid::Uuid::new_v4().to_string(),
                subject_patient: g.subject_patient.clone(),
                grantee_account: Some(grantee.id.clone()),
                grantee_email: Some(grantee.email.clone()),
                grantee_name: grantee.display_name.clone(),
                relationship: rel.into(),
                granted_on: g.granted_on.clone(),
                granted_by: by.to_owned(),
                document: None,
                created_at: now,
                revoked_at: None,
            };
            db::insert_proxy_grant(&mut c, &row).await?;
            events.push(self.event(
                by,
                "proxy-grant",
                Some(&g.subject_patient),
                "success",
                Some(format!("{rel} {}", row.id)),
                None,
            ));
            out.grants += 1;
        }
        c.append_audit(&events).await?;
        c.commit().await?;
        Ok(out)
    }
}

/// The stored code of a relationship.
pub(crate) fn relationship_code(r: proxy::Relationship) -> &'static str {
    match r {
        proxy::Relationship::Parent => "parent",
        proxy::Relationship::Caregiver => "caregiver",
        proxy::Relationship::Legal => "legal",
        proxy::Relationship::AreaOfCare => "area-of-care",
    }
}
