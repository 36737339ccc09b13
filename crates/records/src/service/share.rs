//! One-time share links (issue 16 §4). A link is a FHIR `Consent` in the member's record
//! (scope patient-privacy: the member's permission to disclose, to the named recipient, the
//! chosen sections, until the link expires), identified by the SHA-256 of its random token —
//! the token itself is shown once and never stored. Opening the link reads the chosen sections
//! with exactly the rights of the person who made it (the member, a teen for themself, a
//! parent of a young child, a legal representative), so nothing the sharer could not see is
//! shown; each read is audited under `share-link:<id>` in the member's access log.

use jiff::Timestamp;
use serde_json::{Value, json};
use ws_fhir_service::{Caller, FhirError, Principal};
use ws_identity::caller::{Access, Grant};

use super::record::RecordSection;
use super::{RecordsError, RecordsService, Result};
use crate::rules::share::{self, Link, LinkState, ShareProblem};

/// The identifier system of a link's token hash.
pub const LINK_SYSTEM: &str = "urn:wellspring:share-link";
/// Extensions on the Consent: the sections shared, the sharer's access, when it was opened.
pub const EXT_SECTION: &str = "urn:wellspring:fhir:shared-section";
pub const EXT_ACCESS: &str = "urn:wellspring:fhir:shared-as";
pub const EXT_OPENED: &str = "urn:wellspring:fhir:share-opened";

/// A link as the member sees it in their list.
#[derive(Debug, Clone)]
pub struct ShareLink {
    pub id: String,
    pub patient: String,
    pub recipient: String,
    pub sections: Vec<RecordSection>,
    pub created: Timestamp,
    pub expires: Timestamp,
    pub opened: Option<Timestamp>,
    pub state: LinkState,
    access: Access,
}

/// What a link shows: who it is from and for, and the sections read.
#[derive(Debug, Clone)]
pub struct Shared {
    pub link: ShareLink,
    pub patient: Option<Value>,
    pub parts: Vec<(RecordSection, Vec<Value>)>,
}

fn access_code(a: Access) -> Option<&'static str> {
    Some(match a {
        Access::Own => "own",
        Access::OwnTeen => "teen",
        Access::ProxyFull => "parent",
        Access::Legal => "legal",
        _ => return None,
    })
}

fn access_of(code: &str) -> Option<Access> {
    Some(match code {
        "own" => Access::Own,
        "teen" => Access::OwnTeen,
        "parent" => Access::ProxyFull,
        "legal" => Access::Legal,
        _ => return None,
    })
}

fn ts(v: &Value) -> Option<Timestamp> {
    v.as_str()?.parse().ok()
}

fn link_of(c: &Value, now: Timestamp) -> Option<ShareLink> {
    let ext = |url: &'static str| {
        c["extension"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(move |e| e["url"] == url)
    };
    let access = ext(EXT_ACCESS)
        .find_map(|e| e["valueCode"].as_str())
        .and_then(access_of)?;
    let opened = ext(EXT_OPENED).find_map(|e| ts(&e["valueDateTime"]));
    let link = Link {
        created: ts(&c["dateTime"])?,
        expires: ts(&c["provision"]["period"]["end"])?,
        opened,
        revoked: c["status"] == "inactive",
    };
    Some(ShareLink {
        id: c["id"].as_str()?.to_owned(),
        patient: c["patient"]["reference"]
            .as_str()?
            .strip_prefix("Patient/")?
            .to_owned(),
        recipient: c["provision"]["actor"][0]["reference"]["display"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        sections: ext(EXT_SECTION)
            .filter_map(|e| e["valueCode"].as_str())
            .filter_map(RecordSection::from_slug)
            .collect(),
        created: link.created,
        expires: link.expires,
        opened,
        state: share::state(&link, now),
        access,
    })
}

/// Who may make or list links for `patient`: the member or their representative (not a
/// caregiver, not a parent of a teen).
fn sharer(caller: &Caller, patient: &str) -> Result<Access> {
    super::representative(caller, patient)
}

impl RecordsService {
    fn now(&self) -> Timestamp {
        self.clock().now()
    }

    /// Make a link to `sections` of `patient`'s record for `recipient`, valid `days` days.
    /// The token (to put in the address) and the link. Problems come back by field.
    pub async fn create_share(
        &self,
        caller: &Caller,
        patient: &str,
        sections: &[RecordSection],
        days: i64,
        recipient: &str,
    ) -> Result<std::result::Result<(String, ShareLink), Vec<ShareProblem>>> {
        let access = sharer(caller, patient)?;
        let now = self.now();
        let expires = match share::check(sections.len(), days, recipient, now) {
            Ok(e) => e,
            Err(p) => return Ok(Err(p)),
        };
        let token = ws_identity::secrets::random_token();
        let hash = ws_identity::secrets::token_hash(token.expose());
        let mut ext: Vec<Value> = sections
            .iter()
            .map(|s| json!({"url": EXT_SECTION, "valueCode": s.slug()}))
            .collect();
        ext.push(json!({"url": EXT_ACCESS, "valueCode": access_code(access)}));
        let consent = json!({
            "resourceType": "Consent",
            "status": "active",
            "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"}]},
            "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"}], "text": "Share link to an outside clinician"}],
            "patient": {"reference": format!("Patient/{patient}")},
            "dateTime": ws_fhir_service::time::instant(now.as_microsecond()),
            "identifier": [{"system": LINK_SYSTEM, "value": hash}],
            "policyRule": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "OPTIN"}]},
            "provision": {
                "type": "permit",
                "period": {"start": ws_fhir_service::time::instant(now.as_microsecond()), "end": ws_fhir_service::time::instant(expires.as_microsecond())},
                "actor": [{"role": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "IRCP"}]}, "reference": {"display": recipient.trim()}}],
                "action": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentaction", "code": "access"}]}],
            },
            "extension": ext,
        });
        let svc = caller.as_service(patient, "record: share link made");
        let body =
            serde_json::to_vec(&consent).map_err(|e| RecordsError::Invalid(e.to_string()))?;
        let w = self.fhir.create(&svc, "Consent", &body, None).await?;
        let stored = w.value().unwrap_or(consent);
        let link = link_of(&stored, now)
            .ok_or_else(|| RecordsError::Invalid("the stored link is unreadable".into()))?;
        Ok(Ok((token.expose().to_owned(), link)))
    }

    /// The links made for `patient`, newest first.
    pub async fn shares_for(&self, caller: &Caller, patient: &str) -> Result<Vec<ShareLink>> {
        sharer(caller, patient)?;
        let svc = caller.as_service(patient, "record: share links");
        let found = self
            .fhir
            .search_resources(
                &svc,
                "Consent",
                &[
                    ("patient".into(), patient.to_owned()),
                    ("identifier".into(), format!("{LINK_SYSTEM}|")),
                ],
                200,
            )
            .await?;
        let now = self.now();
        let mut out: Vec<ShareLink> = found.iter().filter_map(|c| link_of(c, now)).collect();
        out.sort_by_key(|l| std::cmp::Reverse(l.created));
        Ok(out)
    }

    /// Turn link `id` off.
    pub async fn revoke_share(&self, caller: &Caller, patient: &str, id: &str) -> Result<()> {
        sharer(caller, patient)?;
        let svc = caller.as_service(patient, "record: share link turned off");
        let mut c = self.fhir.read_value(&svc, "Consent", id).await?;
        let ours = link_of(&c, self.now()).is_some_and(|l| l.patient == patient);
        if !ours {
            return Err(RecordsError::NotFound(format!("Consent/{id}")));
        }
        c["status"] = json!("inactive");
        let body = serde_json::to_vec(&c).map_err(|e| RecordsError::Invalid(e.to_string()))?;
        self.fhir.update(&svc, "Consent", id, &body, None).await?;
        Ok(())
    }

    /// Open a link by its token: the sections it shares, read with the sharer's rights, if
    /// it is still open; the first open starts its one viewing. Any link that is not open —
    /// unknown, expired, used or turned off — answers "not found", alike.
    pub async fn open_share(&self, token: &str, source: Option<String>) -> Result<Shared> {
        let gone = || RecordsError::NotFound("share link".into());
        if token.len() < 20 || token.len() > 100 {
            return Err(gone());
        }
        let hash = ws_identity::secrets::token_hash(token);
        let mut lookup = Caller::system();
        lookup.actor = "share-link".into();
        lookup.purpose = Some("share link: find the link".into());
        lookup.source = source.clone();
        let found = self
            .fhir
            .search_resources(
                &lookup,
                "Consent",
                &[("identifier".into(), format!("{LINK_SYSTEM}|{hash}"))],
                2,
            )
            .await?;
        let [consent] = found.as_slice() else {
            return Err(gone());
        };
        let now = self.now();
        let link = link_of(consent, now).ok_or_else(gone)?;
        if !link.state.open() {
            return Err(gone());
        }
        let viewer = Caller {
            actor: format!("share-link:{}", link.id),
            principal: Principal::Person {
                account: format!("share-link:{}", link.id),
                grants: vec![Grant {
                    patient: link.patient.clone(),
                    access: link.access,
                }],
            },
            acting_for: Some(link.patient.clone()),
            purpose: Some(format!("shared by the member with {}", link.recipient)),
            source,
        };
        let link = if link.opened.is_none() {
            self.mark_opened(&lookup, consent, now).await?
        } else {
            link
        };
        let patient = self
            .fhir
            .read_value(&viewer, "Patient", &link.patient)
            .await
            .ok();
        let mut parts = Vec::new();
        for s in &link.sections {
            let rows = match self.section(&viewer, &link.patient, *s).await {
                Ok(rows) => rows,
                Err(e) if matches!(e.status(), 403 | 404) => Vec::new(),
                Err(e) => return Err(e),
            };
            parts.push((*s, rows));
        }
        Ok(Shared {
            link,
            patient,
            parts,
        })
    }

    /// Record the first open at the version read; a concurrent first open that got there
    /// first is as good (the viewing started then).
    async fn mark_opened(
        &self,
        lookup: &Caller,
        consent: &Value,
        now: Timestamp,
    ) -> Result<ShareLink> {
        let id = consent["id"].as_str().unwrap_or_default();
        let patient = consent["patient"]["reference"]
            .as_str()
            .and_then(|r| r.strip_prefix("Patient/"))
            .unwrap_or_default();
        let svc = lookup.as_service(patient, "share link: first opened");
        let mut c = consent.clone();
        if !c["extension"].is_array() {
            c["extension"] = json!([]);
        }
        if let Some(list) = c["extension"].as_array_mut() {
            list.push(json!({"url": EXT_OPENED, "valueDateTime": ws_fhir_service::time::instant(now.as_microsecond())}));
        }
        let version = consent["meta"]["versionId"].as_str().unwrap_or("0");
        let body = serde_json::to_vec(&c).map_err(|e| RecordsError::Invalid(e.to_string()))?;
        let stored = match self
            .fhir
            .update(
                &svc,
                "Consent",
                id,
                &body,
                Some(&format!("W/\"{version}\"")),
            )
            .await
        {
            Ok(w) => w.value().unwrap_or(c),
            Err(FhirError::PreconditionFailed(_) | FhirError::Conflict(_)) => {
                self.fhir.read_value(&svc, "Consent", id).await?
            }
            Err(e) => return Err(e.into()),
        };
        link_of(&stored, now).ok_or_else(|| RecordsError::NotFound("share link".into()))
    }
}
