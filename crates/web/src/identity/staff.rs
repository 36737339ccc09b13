//! Identity on the staff desk: member services record legal authority or a parent link after
//! checking documents (DOMAIN.md PRX-05).

use axum::http::StatusCode;
use ws_identity::StaffRole;

use crate::kit::{Form, Staff, WebError, WebResult, field};
use crate::staff::render;

/// Record that a person may act for a member (legal authority or parent), documents checked.
pub(crate) async fn record(st: Staff, Form(f): Form) -> WebResult {
    let s = st.state.clone();
    let caller = &st.caller;
    let mrn = field(&f, "mrn").unwrap_or("").to_owned();
    if st.role != Some(StaffRole::MemberServices) {
        return Err(WebError::Refused {
            status: StatusCode::FORBIDDEN,
            message: "Only member services records proxy relationships.".into(),
        });
    }
    let patient = field(&f, "patient").unwrap_or("");
    let document = field(&f, "document").unwrap_or("").trim().to_owned();
    let relationship = match field(&f, "relationship") {
        Some("legal") => ws_identity::rules::proxy::Relationship::Legal,
        Some("parent") => ws_identity::rules::proxy::Relationship::Parent,
        _ => {
            return render(
                &st,
                &mrn,
                None,
                vec![("relationship".into(), "Choose a relationship.".into())],
            )
            .await;
        }
    };
    let mut errors = Vec::new();
    if document.is_empty() {
        errors.push((
            format!("document-{patient}"),
            "Say which documents you checked.".to_owned(),
        ));
    }
    let grantee = match s
        .identity
        .account_by_email(field(&f, "grantee_email").unwrap_or(""))
        .await
    {
        Ok(Some(a)) => Some(a),
        Ok(None) => {
            errors.push((
                format!("grantee_email-{patient}"),
                "No Wellspring account uses that email address; the person must register first."
                    .to_owned(),
            ));
            None
        }
        Err(e) => return Err(WebError::internal(e)),
    };
    // The patient must be one this staff member may read (policy + audit through the service).
    if s.fhir.read(caller, "Patient", patient).await.is_err() {
        errors.push((
            "mrn".into(),
            "That member record cannot be found.".to_owned(),
        ));
    }
    let (Some(grantee), true) = (grantee, errors.is_empty()) else {
        return render(&st, &mrn, None, errors).await;
    };
    match s
        .identity
        .record_grant(&caller.actor, patient, &grantee, relationship, &document)
        .await
    {
        Ok(_) => {
            let notice = format!(
                "Recorded: {} may now act for this member.",
                grantee.display_name
            );
            render(&st, &mrn, Some(notice), Vec::new()).await
        }
        Err(e) => Err(WebError::internal(e)),
    }
}
