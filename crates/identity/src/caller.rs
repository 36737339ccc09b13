//! The caller of a service: who they are (the [`Principal`], already resolved to what they may
//! reach), on whose behalf, why, and from where. Every service call takes one; every audit
//! record is built from one.

use ws_store::AuditRecord;

/// How a person is related to a patient whose record they reach (DOMAIN.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    /// An adult member's own record.
    Own,
    /// A teen's (13–17) own account: their own record, confidential care included (PRX-04, PRX-06).
    OwnTeen,
    /// Parent or legal guardian of a child under the state's teen age: full access (PRX-02).
    ProxyFull,
    /// Parent of a teen: the limited adult-to-teen view (PRX-03); confidential categories hidden.
    ProxyTeen,
    /// An adult's caregiver, granted in writing by that adult (PRX-05): everything but the
    /// sensitive categories.
    Caregiver,
    /// Legal authority (guardian, health-care power of attorney) recorded by member services:
    /// full access.
    Legal,
}

/// One patient record a principal may reach, and how.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Grant {
    /// The Patient resource id (the compartment id).
    pub patient: String,
    pub access: Access,
}

/// Staff roles, each with the least access its work needs (issue 4, part 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StaffRole {
    /// Demographics, coverage, proxies, appointments and bills; no clinical data.
    MemberServices,
    /// Clinical data of the patients of their care teams; break-the-glass for others.
    Clinician,
    /// Medications, allergies and demographics of any patient; dispenses.
    Pharmacist,
    /// Plans, directory, app registrations; no patient data.
    Administrator,
}

impl StaffRole {
    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::MemberServices => "member-services",
            StaffRole::Clinician => "clinician",
            StaffRole::Pharmacist => "pharmacist",
            StaffRole::Administrator => "administrator",
        }
    }

    pub fn parse(s: &str) -> Option<StaffRole> {
        Some(match s {
            "member-services" => StaffRole::MemberServices,
            "clinician" => StaffRole::Clinician,
            "pharmacist" => StaffRole::Pharmacist,
            "administrator" => StaffRole::Administrator,
            _ => return None,
        })
    }
}

/// Who is calling, resolved to what they may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// In-process work: the command line, importers, background jobs. Unrestricted.
    System,
    /// Nobody signed in: public directory and plan data only.
    Anonymous,
    /// A back-end integration holding an administrator-issued token (feeds, bulk clients).
    /// Unrestricted, like [`Principal::System`], but over HTTP and named in the audit log.
    Integration { client_id: String },
    /// A signed-in person (portal session). `grants` lists every record they may reach — their
    /// own first when they are a member; `acting_for` is the one the portal shows now.
    Person { account: String, grants: Vec<Grant> },
    /// A staff member. `panel` is the patients of their care teams (clinicians);
    /// `break_glass` is (patient, reason) of an emergency access declared for this request.
    Staff {
        account: String,
        role: StaffRole,
        practitioner: Option<String>,
        panel: Vec<String>,
        break_glass: Option<(String, String)>,
    },
    /// A third-party app holding a SMART token granted by `account`. `grants` is what the person
    /// allowed at consent (one patient for `patient/` scopes); `scopes` are the granted scopes.
    App {
        client_id: String,
        account: String,
        grants: Vec<Grant>,
        scopes: Vec<String>,
    },
}

/// The caller of one service call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Audit name of the actor: `account:<id>`, `staff:<id>`, `app:<client>`, `anonymous`, `system`.
    pub actor: String,
    pub principal: Principal,
    /// The patient the caller acts for (portal person switcher, SMART launch patient).
    pub acting_for: Option<String>,
    /// Why (treatment, payment, operations, patient request, emergency, …).
    pub purpose: Option<String>,
    /// Client address, for the "from where" of the audit record.
    pub source: Option<String>,
}

impl Caller {
    pub fn anonymous(source: Option<String>) -> Caller {
        Caller {
            actor: "anonymous".into(),
            principal: Principal::Anonymous,
            acting_for: None,
            purpose: None,
            source,
        }
    }

    pub fn system() -> Caller {
        Caller {
            actor: "system".into(),
            principal: Principal::System,
            acting_for: None,
            purpose: None,
            source: Some("cli".into()),
        }
    }

    /// The caller a capability service reads and writes as once it has authorized `self` for
    /// `patient` itself: unrestricted in the policy, but audited under this caller's own name,
    /// acting for `patient`, with `purpose` saying what was done.
    pub fn as_service(&self, patient: &str, purpose: &str) -> Caller {
        Caller {
            actor: self.actor.clone(),
            principal: Principal::System,
            acting_for: Some(patient.to_owned()),
            purpose: Some(purpose.to_owned()),
            source: self.source.clone(),
        }
    }

    /// Build an audit record for an action by this caller, recorded `at` (microseconds since
    /// the epoch, from the service's clock).
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &self,
        at: i64,
        action: &str,
        res_type: Option<&str>,
        res_id: Option<&str>,
        compartment: Option<&str>,
        outcome: &str,
        detail: Option<String>,
    ) -> AuditRecord {
        AuditRecord {
            recorded_at: at,
            actor: self.actor.clone(),
            acting_for: self.acting_for.clone(),
            purpose: self.purpose.clone(),
            action: action.to_owned(),
            res_type: res_type.map(str::to_owned),
            res_id: res_id.map(str::to_owned),
            compartment: compartment.filter(|c| !c.is_empty()).map(str::to_owned),
            outcome: outcome.to_owned(),
            detail,
            source: self.source.clone(),
        }
    }
}
