//! Acting for a family member (DOMAIN.md §4): who may reach whose record, invitations,
//! parent links, legal authority, revocation.

use jiff::civil::Date;
use ws_i18n::messages;
use ws_store::identity::{self as db, AccountRow, ProxyGrantRow};

use super::{Identity, Result, SEC, date_of};
use crate::caller::Access;
use crate::rules::{age::age_on, proxy};

/// One person the portal's switcher offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonChoice {
    pub patient_id: String,
    pub name: String,
    pub access: Access,
}

/// The sharing page: who can see my record, and whose records I can see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharingView {
    /// Grants on my record (active or pending invitation).
    pub on_my_record: Vec<ProxyGrantRow>,
    /// Records I can act for (myself first).
    pub i_act_for: Vec<PersonChoice>,
}

/// Why a proxy request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyError {
    /// The caller has no record of their own to share.
    NotAMember,
    /// Adult-to-adult grants are for adults; a child's record is shared through a parent link.
    SubjectNotAdult,
    /// The invited address is the member's own.
    SelfInvite,
    InvalidEmail,
    /// Parent link refused: the child is not a dependent on the parent's family coverage.
    NotYourDependent,
    /// The child has turned 18 (EX-P3).
    ChildIsAdult,
    /// The grant does not exist or is not the caller's to revoke.
    NotFound,
    /// Under 18 (PRX-01).
    CaregiverUnder18,
    /// More invitations today than one account may send (each one sends an email).
    TooManyInvitations,
}

/// Most caregiver invitations one account may send in a day.
const INVITES_PER_DAY: i64 = 10;

impl Identity {
    /// The people an account may act for today, with names (the switcher).
    pub async fn people(&self, acct: &AccountRow) -> Result<Vec<PersonChoice>> {
        if acct.kind == "staff" {
            return Ok(Vec::new());
        }
        let mut c = self.store.reader().await?;
        let grants = Self::person_grants(&mut c, acct, self.clock.now_micros()).await?;
        let mut out = Vec::with_capacity(grants.len());
        for (g, facts) in grants {
            // Proxy subjects were read to evaluate their age; only the member's own record is
            // read here, for the name.
            let facts = match facts {
                Some(f) => Some(f),
                None => Self::patient(&mut c, &g.patient).await?,
            };
            let mut name = facts.map_or_else(|| g.patient.clone(), |f| f.display_name());
            // The member's own record in another region (an area of care): say which.
            if matches!(g.access, Access::Own | Access::OwnTeen)
                && acct.patient_id.as_deref() != Some(g.patient.as_str())
                && let Some((region, _)) = g.patient.split_once("-pat-")
            {
                name = format!("{name} ({region} area of care)");
            }
            out.push(PersonChoice {
                name,
                patient_id: g.patient,
                access: g.access,
            });
        }
        Ok(out)
    }

    pub async fn sharing(&self, acct: &AccountRow) -> Result<SharingView> {
        let on_my_record = match &acct.patient_id {
            Some(p) => {
                let mut c = self.store.reader().await?;
                db::grants_on(&mut c, p).await?
            }
            None => Vec::new(),
        };
        Ok(SharingView {
            on_my_record,
            i_act_for: self.people(acct).await?,
        })
    }

    /// Who can see `patient`'s record, for an account acting for them: its own record, or a
    /// record it holds full proxy or legal authority over (a young child's). `None` for any
    /// other relationship (a teen's parent, a caregiver): that list is not theirs to see.
    pub async fn sharing_for(
        &self,
        acct: &AccountRow,
        patient: &str,
    ) -> Result<Option<SharingView>> {
        let people = self.people(acct).await?;
        let own = acct.patient_id.as_deref() == Some(patient);
        let full = people.iter().any(|p| {
            p.patient_id == patient && matches!(p.access, Access::ProxyFull | Access::Legal)
        });
        if !(own || full) {
            return Ok(None);
        }
        let mut c = self.store.reader().await?;
        let on_my_record = db::grants_on(&mut c, patient).await?;
        Ok(Some(SharingView {
            on_my_record,
            i_act_for: people,
        }))
    }

    /// An adult member grants a caregiver access to their record, in writing (PRX-05): by
    /// email; attached at once if the caregiver has an account, else when they register.
    pub async fn invite_caregiver(
        &self,
        acct: &AccountRow,
        email: &str,
        name: &str,
    ) -> Result<Result<ProxyGrantRow, ProxyError>> {
        let now = self.clock.now_micros();
        let today = date_of(now);
        let Some(patient) = acct.patient_id.clone() else {
            return Ok(Err(ProxyError::NotAMember));
        };
        let adult = acct
            .birth_date
            .as_deref()
            .and_then(|b| b.parse::<Date>().ok())
            .is_some_and(|b| age_on(b, today) >= 18);
        if !adult {
            return Ok(Err(ProxyError::SubjectNotAdult));
        }
        let email = email.trim().to_lowercase();
        if !email.contains('@') || email.len() > 254 || name.trim().is_empty() {
            return Ok(Err(ProxyError::InvalidEmail));
        }
        if email == acct.email {
            return Ok(Err(ProxyError::SelfInvite));
        }
        let mut c = self.store.begin().await?;
        // Invitations send email: at most INVITES_PER_DAY a day from one account.
        if db::count_grants_by_since(
            &mut c,
            &format!("account:{}", acct.id),
            now - 24 * 3600 * SEC,
        )
        .await?
            >= INVITES_PER_DAY
        {
            c.rollback().await?;
            return Ok(Err(ProxyError::TooManyInvitations));
        }
        // Attached at once only to an account that has proven it owns the address; otherwise
        // the invitation waits (and expires) until the address is proven.
        let grantee = match db::account_by_email(&mut c, &email).await? {
            Some(g) if db::email_verified(&mut c, &g.id).await? => Some(g),
            _ => None,
        };
        if let Some(g) = &grantee {
            let under18 = g
                .birth_date
                .as_deref()
                .and_then(|b| b.parse::<Date>().ok())
                .is_none_or(|b| age_on(b, today) < 18);
            if under18 {
                c.rollback().await?;
                return Ok(Err(ProxyError::CaregiverUnder18));
            }
        }
        let row = ProxyGrantRow {
            id: uuid::Uuid::new_v4().to_string(),
            subject_patient: patient.clone(),
            grantee_account: grantee.as_ref().map(|g| g.id.clone()),
            grantee_email: Some(email.clone()),
            grantee_name: name.trim().to_owned(),
            relationship: "caregiver".into(),
            granted_on: today.to_string(),
            granted_by: format!("account:{}", acct.id),
            document: Some("portal authorization".into()),
            created_at: now,
            revoked_at: None,
        };
        db::insert_proxy_grant(&mut c, &row).await?;
        let lang = self.lang_for(&mut c, acct.patient_id.as_deref()).await?;
        let mail = messages::email(
            lang,
            "invitation",
            &[("name", name.trim()), ("inviter", &acct.display_name)],
        );
        db::enqueue(&mut c, "email", &email, &mail.subject, &mail.body, now).await?;
        Self::audit(
            &mut c,
            self.event(
                &format!("account:{}", acct.id),
                "proxy-grant",
                Some(&patient),
                "success",
                Some(format!("caregiver {}", row.id)),
                None,
            ),
        )
        .await?;
        c.commit().await?;
        Ok(Ok(row))
    }

    /// A parent asks for access to their child's record. Granted when the child is a dependent
    /// on family coverage whose subscriber is the parent (the family's contract names them);
    /// otherwise member services must verify (PRX-02, PRX-05). Scope follows the child's age.
    pub async fn request_parent_access(
        &self,
        acct: &AccountRow,
        child_patient: &str,
    ) -> Result<Result<ProxyGrantRow, ProxyError>> {
        let now = self.clock.now_micros();
        let today = date_of(now);
        let Some(parent) = acct.patient_id.clone() else {
            return Ok(Err(ProxyError::NotAMember));
        };
        let mut c = self.store.begin().await?;
        let Some(child) = Self::patient(&mut c, child_patient).await? else {
            c.rollback().await?;
            return Ok(Err(ProxyError::NotYourDependent));
        };
        if child.birth.is_none_or(|b| age_on(b, today) >= 18) {
            c.rollback().await?;
            return Ok(Err(ProxyError::ChildIsAdult));
        }
        let covered =
            db::ids_referring_to(&mut c, "Coverage", "beneficiary", "Patient", child_patient)
                .await?;
        let mut is_dependent = false;
        for cov in covered {
            if let Some(r) = c.read("Coverage", &cov).await?
                && let Some(content) = r.content.as_deref()
                && let Ok(v) = serde_json::from_str::<serde_json::Value>(content)
            {
                let sub = v
                    .pointer("/subscriber/reference")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or("");
                if sub == format!("Patient/{parent}") {
                    is_dependent = true;
                }
            }
        }
        if !is_dependent {
            c.rollback().await?;
            return Ok(Err(ProxyError::NotYourDependent));
        }
        let row = ProxyGrantRow {
            id: uuid::Uuid::new_v4().to_string(),
            subject_patient: child_patient.to_owned(),
            grantee_account: Some(acct.id.clone()),
            grantee_email: Some(acct.email.clone()),
            grantee_name: acct.display_name.clone(),
            relationship: "parent".into(),
            granted_on: today.to_string(),
            granted_by: format!("account:{}", acct.id),
            document: Some("subscriber of the child's family coverage".into()),
            created_at: now,
            revoked_at: None,
        };
        db::insert_proxy_grant(&mut c, &row).await?;
        Self::audit(
            &mut c,
            self.event(
                &format!("account:{}", acct.id),
                "proxy-grant",
                Some(child_patient),
                "success",
                Some(format!("parent {}", row.id)),
                None,
            ),
        )
        .await?;
        c.commit().await?;
        Ok(Ok(row))
    }

    /// Member services records a relationship after checking documents (parent without
    /// coverage link, guardian, power of attorney).
    pub async fn record_grant(
        &self,
        by: &str,
        subject_patient: &str,
        grantee: &AccountRow,
        relationship: proxy::Relationship,
        document: &str,
    ) -> Result<ProxyGrantRow> {
        let now = self.clock.now_micros();
        let rel = super::bulk::relationship_code(relationship);
        let row = ProxyGrantRow {
            id: uuid::Uuid::new_v4().to_string(),
            subject_patient: subject_patient.to_owned(),
            grantee_account: Some(grantee.id.clone()),
            grantee_email: Some(grantee.email.clone()),
            grantee_name: grantee.display_name.clone(),
            relationship: rel.into(),
            granted_on: date_of(now).to_string(),
            granted_by: by.to_owned(),
            document: Some(document.to_owned()),
            created_at: now,
            revoked_at: None,
        };
        let mut c = self.store.begin().await?;
        db::insert_proxy_grant(&mut c, &row).await?;
        Self::audit(
            &mut c,
            self.event(
                by,
                "proxy-grant",
                Some(subject_patient),
                "success",
                Some(format!("{rel} {}", row.id)),
                None,
            ),
        )
        .await?;
        c.commit().await?;
        Ok(row)
    }

    /// Every active grant on a patient's record (member services' view).
    pub async fn grants_on(&self, patient: &str) -> Result<Vec<ProxyGrantRow>> {
        let mut c = self.store.reader().await?;
        Ok(db::grants_on(&mut c, patient).await?)
    }

    pub async fn account_by_email(&self, email: &str) -> Result<Option<AccountRow>> {
        let mut c = self.store.reader().await?;
        Ok(db::account_by_email(&mut c, &email.trim().to_lowercase()).await?)
    }

    /// Revoke a grant: by the member whose record it is, or by the grantee giving it up.
    pub async fn revoke_grant(
        &self,
        acct: &AccountRow,
        grant_id: &str,
    ) -> Result<Result<(), ProxyError>> {
        let mut c = self.store.begin().await?;
        let Some(g) = db::grant_by_id(&mut c, grant_id).await? else {
            c.rollback().await?;
            return Ok(Err(ProxyError::NotFound));
        };
        let mine = acct.patient_id.as_deref() == Some(g.subject_patient.as_str());
        let held = g.grantee_account.as_deref() == Some(acct.id.as_str());
        if !(mine || held) || g.revoked_at.is_some() {
            c.rollback().await?;
            return Ok(Err(ProxyError::NotFound));
        }
        let actor = format!("account:{}", acct.id);
        db::revoke_proxy_grant(&mut c, grant_id, &actor, self.clock.now_micros()).await?;
        Self::audit(
            &mut c,
            self.event(
                &actor,
                "proxy-revoke",
                Some(&g.subject_patient),
                "success",
                Some(grant_id.to_owned()),
                None,
            ),
        )
        .await?;
        c.commit().await?;
        Ok(Ok(()))
    }
}
