//! Privacy pages: who can see my record (caregivers, proxies), who looked at it, connected apps.

use axum::http::StatusCode;
use ws_identity::service::SessionInfo;

use crate::AppState;
use crate::kit::{Acting, Form, SignedIn, WebError, WebResult, field, form};
use crate::portal::{self as ui, FieldError, Section};

fn access_level(rel: &str) -> ui::AccessLevel {
    match rel {
        "caregiver" => ui::AccessLevel::FullExceptSensitive,
        "parent" | "legal" => ui::AccessLevel::Full,
        _ => ui::AccessLevel::Limited,
    }
}

/// Who can see the record of the person chosen in the switcher. Acting for someone else, the
/// list is theirs (a young child's: the other parent, a guardian) and nothing is granted or
/// revoked from here; acting for a teen or as a caregiver, the page is not offered.
async fn sharing_view(a: &Acting) -> Result<ui::SharingView, WebError> {
    let view = a
        .state
        .identity
        .sharing_for(&a.me.info.account, &a.patient)
        .await?
        .ok_or(WebError::NotForThisPerson {
            key: "notfor.sharing",
        })?;
    let own = a.me.info.account.patient_id.as_deref() == Some(a.patient.as_str());
    let subject = if own {
        None
    } else {
        view.i_act_for
            .iter()
            .find(|p| p.patient_id == a.patient)
            .map(|p| p.name.clone())
    };
    Ok(ui::SharingView {
        access: view
            .on_my_record
            .into_iter()
            .map(|g| ui::AccessRow {
                expires: (g.relationship == "caregiver").then(|| {
                    g.granted_on
                        .parse::<jiff::civil::Date>()
                        .map(|d| ws_identity::rules::proxy::adult_grant_expiry(d).to_string())
                        .unwrap_or_default()
                }),
                access: access_level(&g.relationship),
                grant_id: g.id,
                name: g.grantee_name,
                relationship: g.relationship,
                since: g.granted_on,
            })
            .collect(),
        invite: ui::InviteForm::default(),
        subject,
    })
}

pub(super) async fn sharing_page(a: Acting) -> WebResult {
    let view = sharing_view(&a).await?;
    let sh = a.shell(Section::Privacy).await;
    Ok(a.html(StatusCode::OK, super::render::render_sharing(&sh, &view)))
}

pub(super) async fn sharing_revoke(a: Acting, Form(f): Form) -> WebResult {
    let a = a.at("/privacy/sharing");
    let res = a
        .state
        .identity
        .revoke_grant(&a.me.info.account, field(&f, "grant_id").unwrap_or(""))
        .await?;
    let mut sh = a.shell(Section::Privacy).await;
    let status = match res {
        Ok(()) => {
            sh.flash(ui::FlashKind::Success, a.t("sharing.revoked"));
            StatusCode::OK
        }
        Err(_) => {
            sh.flash(ui::FlashKind::Error, a.t("error.forbidden"));
            StatusCode::FORBIDDEN
        }
    };
    let view = sharing_view(&a).await?;
    Ok(a.html(status, super::render::render_sharing(&sh, &view)))
}

/// Invite a caregiver to the signed-in adult's own record. Acting for someone else the form is
/// not offered, and a posted one is refused: a grant is only ever stored on the record of the
/// person who made it (issue 13).
pub(super) async fn sharing_invite(a: Acting, Form(f): Form) -> WebResult {
    let a = a.at("/privacy/sharing");
    let mut view = sharing_view(&a).await?;
    if view.subject.is_some() {
        return Err(WebError::NotForThisPerson {
            key: "notfor.invite",
        });
    }
    let email = field(&f, "email").unwrap_or("").to_owned();
    let name = field(&f, "full_name").unwrap_or("").to_owned();
    let authorize = field(&f, "authorize").is_some();
    let mut sh = a.shell(Section::Privacy).await;
    view.invite = ui::InviteForm {
        email: email.clone(),
        full_name: name.clone(),
        authorize,
        errors: Vec::new(),
    };
    if !authorize {
        view.invite.errors.push(FieldError::new(
            "authorize",
            a.t("sharing.authorize-required"),
        ));
        return Ok(a.html(
            StatusCode::BAD_REQUEST,
            super::render::render_sharing(&sh, &view),
        ));
    }
    let res = a
        .state
        .identity
        .speaking(a.lang)
        .invite_caregiver(&a.me.info.account, &email, &name)
        .await?;
    match res {
        Ok(_) => {
            sh.flash(ui::FlashKind::Success, a.t("sharing.invited"));
            let view = sharing_view(&a).await?;
            Ok(a.html(StatusCode::OK, super::render::render_sharing(&sh, &view)))
        }
        Err(e) => {
            use ws_identity::service::ProxyError as P;
            let key = match e {
                P::InvalidEmail | P::SelfInvite => "sharing.invalid-email",
                P::CaregiverUnder18 => "sharing.caregiver-under-18",
                P::TooManyInvitations => "sharing.too-many",
                P::SubjectNotAdult | P::NotAMember => "sharing.not-allowed",
                _ => "error.forbidden",
            };
            view.invite.errors.push(FieldError::new("email", a.t(key)));
            Ok(a.html(
                StatusCode::BAD_REQUEST,
                super::render::render_sharing(&sh, &view),
            ))
        }
    }
}

/// One audit row, as read for the access log.
struct LogRow {
    /// Microseconds since the epoch.
    at: i64,
    actor: String,
    kind: ui::ActorKind,
    who: String,
    action: String,
    record_type: String,
    purpose: String,
    source: String,
    refused: bool,
}

/// Rows closer together than this, by the same person from the same place for the same reason,
/// are one visit: a page that reads a member's coverage, plan and family writes several audit
/// rows, and the member sees one line.
const VISIT_MICROS: i64 = 5_000_000;

/// The access log as the member reads it: one entry per visit (rows newest first).
fn one_row_per_visit(rows: Vec<LogRow>) -> Vec<ui::AccessLogEntry> {
    let mut out: Vec<(i64, String, ui::AccessLogEntry)> = Vec::new();
    for r in rows {
        if let Some((first_at, actor, e)) = out.last_mut()
            && *actor == r.actor
            && e.from_where == r.source
            && e.purpose == r.purpose
            && e.refused == r.refused
            && (*first_at - r.at).abs() <= VISIT_MICROS
        {
            let item = (r.action, r.record_type);
            if !e.items.contains(&item) {
                // Rows come newest first; the visit reads in the order things happened.
                e.items.insert(0, item);
            }
            continue;
        }
        let when = jiff::Timestamp::from_microsecond(r.at)
            .map(|t| t.strftime("%Y-%m-%dT%H:%M").to_string())
            .unwrap_or_default();
        out.push((
            r.at,
            r.actor,
            ui::AccessLogEntry {
                when,
                who_kind: r.kind,
                who: r.who,
                items: vec![(r.action, r.record_type)],
                purpose: r.purpose,
                from_where: r.source,
                refused: r.refused,
            },
        ));
    }
    out.into_iter().map(|(_, _, e)| e).collect()
}

/// The reason recorded with an audit row, as a key the page has words for. Services record
/// their own purposes ("enrollment: change plan", "emergency access (break the glass): <the
/// clinician's words>"); the member sees the area in plain words, never the internal text.
pub(crate) fn purpose_key(raw: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        "treatment",
        "payment",
        "operations",
        "patient-request",
        "proxy",
        "app",
        "emergency",
        "legal",
        "public-health",
    ];
    if let Some(k) = KNOWN.iter().find(|k| **k == raw) {
        return k;
    }
    let area = raw.split(':').next().unwrap_or("").trim();
    match area {
        "" => "",
        a if a.starts_with("emergency access") => "emergency",
        "enrollment" => "enrollment",
        "membership" => "membership",
        "coverage" => "coverage",
        "eligibility" => "eligibility",
        "care away from home" => "away",
        _ => "other",
    }
}

fn actor_kind(actor: &str, me: &str) -> (ui::ActorKind, String) {
    if actor == me {
        (ui::ActorKind::Me, String::new())
    } else if let Some(a) = actor.strip_prefix("account:") {
        (ui::ActorKind::Person, a.to_owned())
    } else if let Some(a) = actor.strip_prefix("staff:") {
        (ui::ActorKind::Staff, a.to_owned())
    } else if let Some(a) = actor.strip_prefix("app:") {
        (ui::ActorKind::App, a.to_owned())
    } else {
        // Automatic processes are not named ("system:seed" means nothing to a member).
        (ui::ActorKind::System, String::new())
    }
}

const LOG_PAGE: i64 = 50;

/// "Who looked at my record": every audit record about the record the member acts for now.
pub(super) async fn access_log(a: Acting) -> WebResult {
    // The record shown is the one acted for, and only to whoever may read who looked at it
    // (not a parent acting for a teen, PRX-03): anyone else is told why.
    if !ws_identity::rules::policy::may_see_access_log_as(a.access) {
        return Err(WebError::NotForThisPerson {
            key: "notfor.access-log",
        });
    }
    let (r, info, s) = (&a.me.page, &a.me.info, a.state.clone());
    let (caller, patient) = (&a.caller, a.patient.clone());
    let f = form(r.query.as_deref().unwrap_or("").as_bytes());
    let page: u32 = field(&f, "page")
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 1 && *p <= 10_000)
        .unwrap_or(1);
    let (rows, has_older) = s.fhir.access_log(caller, &patient, page, LOG_PAGE).await?;
    let me = format!("account:{}", info.account.id);
    // Names instead of ids: an app by its registered name, a person or staff member by theirs.
    let mut names: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for a in &rows {
        if names.contains_key(&a.actor) || a.actor == me {
            continue;
        }
        let name = if let Some(id) = a.actor.strip_prefix("app:") {
            s.identity.client(id).await.ok().flatten().map(|c| c.name)
        } else if let Some(id) = a
            .actor
            .strip_prefix("account:")
            .or_else(|| a.actor.strip_prefix("staff:"))
        {
            s.identity
                .account(id)
                .await
                .ok()
                .flatten()
                .map(|c| c.display_name)
        } else {
            None
        };
        if let Some(n) = name {
            names.insert(a.actor.clone(), n);
        }
    }
    let rows: Vec<LogRow> = rows
        .into_iter()
        .map(|a| {
            let (kind, mut who) = actor_kind(&a.actor, &me);
            if let Some(n) = names.get(&a.actor) {
                who = n.clone();
            }
            LogRow {
                at: a.recorded_at,
                actor: a.actor,
                kind,
                who,
                action: a.action,
                record_type: a.res_type.unwrap_or_default(),
                purpose: purpose_key(a.purpose.as_deref().unwrap_or("")).to_owned(),
                source: a.source.unwrap_or_default(),
                refused: a.outcome != "success",
            }
        })
        .collect();
    let entries = one_row_per_visit(rows);
    let sh = r.shell(Section::Privacy).await;
    let view = ui::AccessLogView {
        entries,
        page,
        has_newer: page > 1,
        has_older,
        ..Default::default()
    };
    Ok(r.html(StatusCode::OK, super::render::render_access_log(&sh, &view)))
}

pub(super) async fn apps_view(s: &AppState, info: &SessionInfo) -> ui::AppsView {
    let apps = s
        .identity
        .connected_apps(&info.account.id)
        .await
        .unwrap_or_default();
    ui::AppsView {
        apps: apps
            .into_iter()
            .map(|(g, name)| ui::ConnectedApp {
                grant_id: g.id,
                name,
                scopes: g.scope.split_whitespace().map(str::to_owned).collect(),
                granted_on: jiff::Timestamp::from_microsecond(g.created_at)
                    .map(|t| t.strftime("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
            })
            .collect(),
    }
}

pub(super) async fn apps_page(SignedIn { page: r, info }: SignedIn) -> WebResult {
    let info = &info;
    let s = r.state.clone();
    let sh = r.shell(Section::Privacy).await;
    let view = apps_view(&s, info).await;
    Ok(r.html(StatusCode::OK, super::render::render_apps(&sh, &view)))
}

pub(super) async fn apps_disconnect(
    SignedIn { page: r, info }: SignedIn,
    Form(f): Form,
) -> WebResult {
    let info = &info;
    let r = r.at("/privacy/apps");
    let s = r.state.clone();
    let ok = match s
        .identity
        .disconnect_app(&info.account.id, field(&f, "grant_id").unwrap_or(""))
        .await
    {
        Ok(ok) => ok,
        Err(e) => return Err(WebError::internal(e)),
    };
    let mut sh = r.shell(Section::Privacy).await;
    if ok {
        sh.flash(ui::FlashKind::Success, ui::t(r.lang, "apps.disconnected"));
    }
    let view = apps_view(&s, info).await;
    Ok(r.html(StatusCode::OK, super::render::render_apps(&sh, &view)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(at_s: i64, actor: &str, action: &str, rt: &str, purpose: &str) -> LogRow {
        LogRow {
            at: at_s * 1_000_000,
            actor: actor.into(),
            kind: ui::ActorKind::Person,
            who: String::new(),
            action: action.into(),
            record_type: rt.into(),
            purpose: purpose.into(),
            source: "203.0.113.7".into(),
            refused: false,
        }
    }

    /// A coverage page view (Patient, Coverage, InsurancePlan read within a second) is one
    /// line; a read a minute later, or by someone else, is another.
    #[test]
    fn one_line_per_visit() {
        let rows = vec![
            row(100, "account:a", "read", "Coverage", "coverage"),
            row(100, "account:a", "read", "InsurancePlan", "coverage"),
            row(99, "account:a", "read", "Patient", "coverage"),
            row(99, "account:a", "read", "Patient", "coverage"),
            row(99, "staff:s", "read", "Patient", "treatment"),
            row(30, "account:a", "read", "Patient", "coverage"),
        ];
        let e = one_row_per_visit(rows);
        assert_eq!(e.len(), 3);
        assert_eq!(
            e[0].items,
            vec![
                ("read".to_owned(), "Patient".to_owned()),
                ("read".to_owned(), "InsurancePlan".to_owned()),
                ("read".to_owned(), "Coverage".to_owned()),
            ]
        );
        assert_eq!(e[1].items.len(), 1);
        assert_eq!(e[2].items.len(), 1);
    }

    #[test]
    fn purposes_in_plain_words_never_internal_text() {
        let cases = [
            ("treatment", "treatment"),
            ("enrollment: change plan", "enrollment"),
            ("membership: record a death", "membership"),
            ("coverage: family enrollment", "coverage"),
            ("care away from home: regions", "away"),
            ("eligibility: X12 270 inquiry", "eligibility"),
            (
                "emergency access (break the glass): unconscious in ED",
                "emergency",
            ),
            ("register: identity", "other"),
            ("", ""),
        ];
        for (raw, want) in cases {
            assert_eq!(purpose_key(raw), want, "{raw}");
        }
    }
}
