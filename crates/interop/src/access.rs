//! Authorization of FHIR interactions: every read, search, history entry, include, export and
//! write asks the one policy (`ws_identity::rules::policy`) with the caller's principal, the
//! resource's patient compartment and its security labels. Searches are restricted in the
//! query itself (compartments, hidden labels, allowed codes), so counts, paging and includes
//! never see what the caller may not.

use serde_json::Value;
use ws_identity::rules::labels::LABEL_SYSTEM;
use ws_identity::rules::policy::{self, Action, Decision, SearchScope, Target};
use ws_identity::{Caller, Principal};
use ws_store::{Cond, Filter, StoredResource};

use crate::{Fhir, FhirError};

/// Labels and main codes of a resource, as the policy wants them.
fn facts(content: Option<&Value>) -> (Vec<String>, Vec<(String, String)>) {
    let Some(v) = content else {
        return (Vec::new(), Vec::new());
    };
    let labels = v
        .pointer("/meta/security")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter(|l| l.get("system").and_then(Value::as_str) == Some(LABEL_SYSTEM))
                .filter_map(|l| l.get("code").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let codes = v
        .pointer("/code/coding")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|c| {
                    Some((
                        c.get("system")?.as_str()?.to_owned(),
                        c.get("code")?.as_str()?.to_owned(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    (labels, codes)
}

fn is_person(p: &Principal) -> bool {
    matches!(p, Principal::Person { .. } | Principal::App { .. })
}

/// Turn a denial into the error the caller sees. People and apps get "not found" for records
/// they may not read, so an id never confirms that someone else's record exists.
fn denied(
    caller: &Caller,
    action: Action,
    res_type: &str,
    id: Option<&str>,
    status: u16,
    reason: String,
) -> FhirError {
    if status == 401 {
        return FhirError::Unauthorized(reason);
    }
    if is_person(&caller.principal) && matches!(action, Action::Read) {
        return FhirError::NotFound(match id {
            Some(id) => format!("{res_type}/{id}"),
            None => res_type.to_owned(),
        });
    }
    FhirError::Forbidden(reason)
}

impl Fhir {
    /// May `caller` do `action` on this resource (content already parsed)? `Ok(true)` when the
    /// access was an emergency (break-the-glass) access.
    pub(crate) fn check(
        &self,
        caller: &Caller,
        action: Action,
        res_type: &str,
        id: Option<&str>,
        compartment: &str,
        content: Option<&Value>,
    ) -> Result<bool, FhirError> {
        // A scope the app was not granted is a type-level answer: it reveals nothing about the
        // record, so it is a 403 naming the scope rather than a 404.
        if let Principal::App { scopes, .. } = &caller.principal
            && !policy::is_shared_type(res_type)
            && !policy::scope_allows(scopes, res_type, action)
        {
            return Err(FhirError::Forbidden(format!(
                "this app was not granted a scope to {} {res_type} resources",
                if action.is_write() { "write" } else { "read" }
            )));
        }
        let (labels, codes) = facts(content);
        let t = Target {
            res_type,
            compartment: Some(compartment).filter(|c| !c.is_empty()),
            labels: &labels,
            codes: &codes,
        };
        match policy::decide(&caller.principal, action, &t) {
            Decision::Allow { break_glass } => Ok(break_glass),
            Decision::Deny(d) => Err(denied(caller, action, res_type, id, d.status, d.reason)),
        }
    }

    /// [`Fhir::check`] for a stored resource.
    pub(crate) fn check_stored(
        &self,
        caller: &Caller,
        action: Action,
        r: &StoredResource,
    ) -> Result<bool, FhirError> {
        if matches!(
            caller.principal,
            Principal::System | Principal::Integration { .. }
        ) {
            return Ok(false);
        }
        let v: Option<Value> = r
            .content
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok());
        self.check(
            caller,
            action,
            &r.res_type,
            Some(&r.id),
            &r.compartment,
            v.as_ref(),
        )
    }

    /// May the caller read this stored resource? (Includes, history entries, exports.)
    pub(crate) fn may_read(&self, caller: &Caller, r: &StoredResource) -> bool {
        self.check_stored(caller, Action::Read, r).is_ok()
    }

    /// A gate before anything is loaded: anonymous callers reach only shared types.
    pub(crate) fn gate(&self, caller: &Caller, res_type: &str) -> Result<(), FhirError> {
        if matches!(caller.principal, Principal::Anonymous) && !policy::is_shared_type(res_type) {
            return Err(FhirError::Unauthorized(format!(
                "sign in (or use an access token) to reach {res_type} resources"
            )));
        }
        Ok(())
    }

    /// The filters that restrict a search to what the caller may see.
    pub(crate) fn search_restriction(
        &self,
        caller: &Caller,
        res_type: &str,
        pairs: &[(String, String)],
    ) -> Result<Vec<Filter>, FhirError> {
        let patient_param = pairs
            .iter()
            .find(|(k, _)| {
                let k = k.split(':').next().unwrap_or("");
                matches!(k, "patient" | "subject" | "beneficiary")
                    || (res_type == "Patient" && k == "_id")
            })
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.contains(','));
        match policy::search_scope(&caller.principal, res_type, patient_param) {
            SearchScope::Unrestricted => Ok(Vec::new()),
            SearchScope::Denied(d) => Err(if d.status == 401 {
                FhirError::Unauthorized(d.reason)
            } else {
                FhirError::Forbidden(d.reason)
            }),
            SearchScope::Compartments(rules) => {
                let Some(first) = rules.first() else {
                    return Err(FhirError::Forbidden(format!(
                        "you may not search {res_type} resources"
                    )));
                };
                if rules.iter().any(|r| {
                    r.exclude_labels != first.exclude_labels || r.only_codes != first.only_codes
                }) {
                    return Err(FhirError::bad(
                        ws_fhir::IssueCode::Security,
                        "you may see several people's records with different access; name one with the patient parameter",
                    ));
                }
                let mut filters = vec![Filter::Compartments(
                    rules.iter().map(|r| r.patient.clone()).collect(),
                )];
                if !first.exclude_labels.is_empty() {
                    filters.push(Filter::Not(Box::new(Filter::Param {
                        param: ws_fhir::search_params::SECURITY_PARAM.into(),
                        any_of: first
                            .exclude_labels
                            .iter()
                            .map(|l| Cond::Token {
                                system: Some(LABEL_SYSTEM.into()),
                                code: Some((*l).to_owned()),
                            })
                            .collect(),
                    })));
                }
                if let Some(codes) = &first.only_codes {
                    filters.push(Filter::Param {
                        param: "code".into(),
                        any_of: codes
                            .iter()
                            .map(|(s, c)| Cond::Token {
                                system: Some((*s).to_owned()),
                                code: Some((*c).to_owned()),
                            })
                            .collect(),
                    });
                }
                Ok(filters)
            }
        }
    }

    /// Only the unrestricted (System, Integration) callers may run Bulk Data exports of the
    /// whole system; a person's own export is a portal capability (records).
    pub fn gate_export(&self, caller: &Caller) -> Result<(), FhirError> {
        match caller.principal {
            Principal::System | Principal::Integration { .. } => Ok(()),
            Principal::Anonymous => Err(FhirError::Unauthorized(
                "Bulk Data export needs a back-end access token".into(),
            )),
            _ => Err(FhirError::Forbidden(
                "Bulk Data export is for registered back-end integrations".into(),
            )),
        }
    }
}
