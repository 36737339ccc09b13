//! The Pharmacy pages. Every read goes through the pharmacy service with the caller of the
//! person chosen in the switcher (a parent of a teen is refused with the reason, PRX-03);
//! orders, renewals and reports are made by the service, exactly once.

use axum::http::StatusCode;
use ws_pharmacy::PharmacyError;
use ws_pharmacy::rules::cost::Channel;
use ws_pharmacy::rules::reminders::Plan;
use ws_pharmacy::rules::transfer::check_request;
use ws_pharmacy::service::refills::Fulfilment;
use ws_pharmacy::service::statements::OutsideMed;

use crate::kit::{Acting, Form, WebError, WebResult, field};
use crate::portal::{self as ui, FieldError, Section};

use super::render::{self, Done};

fn offered(a: &Acting) -> Result<(), WebError> {
    a.require_view("MedicationRequest", "notfor.pharmacy")?;
    ws_pharmacy::PharmacyService::authorize(&a.caller, &a.patient).map_err(|_| {
        WebError::NotForThisPerson {
            key: "notfor.pharmacy",
        }
    })?;
    Ok(())
}

/// The Pharmacy page: the list, the answers to an order just placed, and a notice.
async fn view(
    a: &Acting,
    status: StatusCode,
    done: Vec<Done>,
    flash: Option<(ui::FlashKind, String)>,
) -> WebResult {
    let list = a.state.pharmacy.medications(&a.caller, &a.patient).await?;
    let svc = a.caller.as_service(&a.patient, "pharmacy: card on file");
    let card = a.state.pharmacy.card_on_file(&svc, &a.patient).await?;
    let transfers = a
        .state
        .pharmacy
        .transfers_for(&a.caller, &a.patient)
        .await?;
    let mut sh = a.shell(Section::Pharmacy).await;
    if let Some((kind, text)) = flash {
        sh.flash(kind, text);
    }
    Ok(a.html(
        status,
        render::render_list(&sh, &list, card.as_ref(), &done, &transfers),
    ))
}

/// A notice after a change.
fn done_notice(text: impl Into<String>) -> Option<(ui::FlashKind, String)> {
    Some((ui::FlashKind::Success, text.into()))
}

pub(super) async fn list(a: Acting) -> WebResult {
    offered(&a)?;
    view(&a, StatusCode::OK, Vec::new(), None).await
}

/// Refill the checked prescriptions; each answered on its own.
pub(super) async fn refill(a: Acting, Form(f): Form) -> WebResult {
    offered(&a)?;
    let ids: Vec<String> = f
        .iter()
        .filter(|(k, _)| k == "rx")
        .map(|(_, v)| v.clone())
        .take(20)
        .collect();
    if ids.is_empty() {
        let problem = Some((ui::FlashKind::Error, a.t("rx.pick-one").to_owned()));
        return view(&a, StatusCode::BAD_REQUEST, Vec::new(), problem).await;
    }
    let how = Fulfilment {
        channel: Channel::parse(field(&f, "channel").unwrap_or("pick-up"))
            .unwrap_or(Channel::PickUp),
        pharmacy: None,
        ship_to: None,
    };
    let results = a
        .state
        .pharmacy
        .order_refills(&a.caller, &ids, &how)
        .await?;
    let svc = a.caller.as_service(&a.patient, "pharmacy: cost of a fill");
    let benefits = a.state.pharmacy.benefits(&svc, &a.patient).await;
    let today = a.state.pharmacy.clock().today();
    let mut done = Vec::new();
    for (id, r) in results {
        match r {
            Ok((med, outcome)) => done.push(render::done(
                a.lang,
                &med,
                &outcome,
                how.channel,
                benefits.as_ref(),
                today,
            )),
            // A prescription this person may not see answers as one that does not exist.
            Err(e) if e.status() == 404 || e.status() == 403 => {
                done.push(Done::unknown(a.lang, &id));
            }
            Err(e) => return Err(e.into()),
        }
    }
    view(&a, StatusCode::OK, done, None).await
}

pub(super) async fn renew(a: Acting, Form(f): Form) -> WebResult {
    offered(&a)?;
    let id = field(&f, "rx").unwrap_or("");
    let note = field(&f, "note");
    let r = a
        .state
        .pharmacy
        .request_renewal(&a.caller, id, note)
        .await?;
    let by = r
        .answer_by
        .map(|d| ui::i18n::fmt_date(a.lang, &d.to_string()))
        .unwrap_or_default();
    let msg = ui::i18n::tf(a.lang, "rx.renewal-sent", &[("name", &r.name), ("by", &by)]);
    view(&a, StatusCode::OK, Vec::new(), done_notice(msg)).await
}

pub(super) async fn not_taking(a: Acting, Form(f): Form) -> WebResult {
    offered(&a)?;
    let id = field(&f, "rx").unwrap_or("");
    let reason = field(&f, "reason").unwrap_or("");
    a.state
        .pharmacy
        .report_not_taking(&a.caller, id, reason)
        .await?;
    view(
        &a,
        StatusCode::OK,
        Vec::new(),
        done_notice(a.t("rx.not-taking-saved")),
    )
    .await
}

/// What was typed in the "add a medicine" form.
#[derive(Debug, Clone, Default)]
pub struct Typed {
    pub name: String,
    pub dose: String,
    pub otc: bool,
}

pub(super) async fn add_page(a: Acting) -> WebResult {
    offered(&a)?;
    let sh = a.shell(Section::Pharmacy).await;
    Ok(a.html(
        StatusCode::OK,
        render::render_add(&sh, &Typed::default(), &[]),
    ))
}

pub(super) async fn add(a: Acting, Form(f): Form) -> WebResult {
    offered(&a)?;
    let typed = Typed {
        name: field(&f, "name").unwrap_or("").trim().to_owned(),
        dose: field(&f, "dose").unwrap_or("").trim().to_owned(),
        otc: field(&f, "otc") == Some("yes"),
    };
    if typed.name.is_empty() {
        let sh = a.shell(Section::Pharmacy).await;
        let e = FieldError::new("name", a.t("rx.add.need-name"));
        return Ok(a.html(
            StatusCode::BAD_REQUEST,
            render::render_add(&sh, &typed, &[e]),
        ));
    }
    let m = OutsideMed {
        name: typed.name.clone(),
        dose: typed.dose.clone(),
        otc: typed.otc,
        since: None,
    };
    match a
        .state
        .pharmacy
        .add_outside(&a.caller, &a.patient, &m)
        .await
    {
        Ok(_) => {
            let msg = ui::i18n::tf(a.lang, "rx.add.saved", &[("name", &typed.name)]);
            view(&a, StatusCode::OK, Vec::new(), done_notice(msg)).await
        }
        Err(PharmacyError::Refused(said)) => {
            let sh = a.shell(Section::Pharmacy).await;
            let msg = said.in_lang(a.lang);
            Ok(a.html(
                StatusCode::BAD_REQUEST,
                render::render_add(&sh, &typed, &[FieldError::new("name", msg)]),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn card_page(a: Acting) -> WebResult {
    offered(&a)?;
    let sh = a.shell(Section::Pharmacy).await;
    Ok(a.html(StatusCode::OK, render::render_card(&sh, &[])))
}

pub(super) async fn save_card(a: Acting, Form(f): Form) -> WebResult {
    offered(&a)?;
    let brand = field(&f, "brand").unwrap_or("");
    let last4 = field(&f, "last4").unwrap_or("");
    let expires = field(&f, "expires").unwrap_or("");
    match a
        .state
        .pharmacy
        .save_card(&a.caller, &a.patient, brand, last4, expires)
        .await
    {
        Ok(c) => {
            let msg = ui::i18n::tf(
                a.lang,
                "rx.card.saved",
                &[("brand", &c.brand), ("last4", &c.last4)],
            );
            view(&a, StatusCode::OK, Vec::new(), done_notice(msg)).await
        }
        Err(PharmacyError::Refused(said)) => {
            let sh = a.shell(Section::Pharmacy).await;
            let msg = said.in_lang(a.lang);
            Ok(a.html(
                StatusCode::BAD_REQUEST,
                render::render_card(&sh, &[FieldError::new("last4", msg)]),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn transfer_page(a: Acting) -> WebResult {
    offered(&a)?;
    let sh = a.shell(Section::Pharmacy).await;
    Ok(a.html(
        StatusCode::OK,
        render::render_transfer(&sh, &render::TransferTyped::default(), &[]),
    ))
}

/// Ask to transfer a prescription in from another pharmacy (once, however often it is sent).
pub(super) async fn transfer(a: Acting, Form(f): Form) -> WebResult {
    offered(&a)?;
    let get = |k: &str| field(&f, k).unwrap_or("").trim().to_owned();
    let typed = render::TransferTyped {
        drug: get("drug"),
        pharmacy: get("pharmacy"),
        phone: get("phone"),
        rx_number: get("rx_number"),
    };
    let req = match check_request(&typed.drug, &typed.pharmacy, &typed.phone, &typed.rx_number) {
        Ok(r) => r,
        Err(problems) => {
            let errors: Vec<FieldError> = problems
                .iter()
                .map(|(field, key)| FieldError::new(field, transfer_text(&a, key)))
                .collect();
            let sh = a.shell(Section::Pharmacy).await;
            return Ok(a.html(
                StatusCode::BAD_REQUEST,
                render::render_transfer(&sh, &typed, &errors),
            ));
        }
    };
    let (t, _) = a
        .state
        .pharmacy
        .request_transfer(&a.caller, &a.patient, &req)
        .await?;
    let msg = ui::i18n::tf(
        a.lang,
        "rx.transfer.sent",
        &[("name", &t.drug), ("pharmacy", &t.pharmacy)],
    );
    view(&a, StatusCode::OK, Vec::new(), done_notice(msg)).await
}

/// The words for a transfer-form problem (the rule names it by key).
fn transfer_text(a: &Acting, key: &str) -> String {
    let k = match key {
        "transfer.need-drug" => "rx.transfer.need-drug",
        "transfer.need-pharmacy" => "rx.transfer.need-pharmacy",
        "transfer.bad-phone" => "rx.transfer.bad-phone",
        "transfer.bad-rx-number" => "rx.transfer.bad-rx-number",
        _ => "rx.transfer.too-long",
    };
    a.t(k).to_owned()
}

pub(super) async fn plans_page(a: Acting) -> WebResult {
    offered(&a)?;
    let rows = a.state.pharmacy.refill_plans(&a.caller, &a.patient).await?;
    let sh = a.shell(Section::Pharmacy).await;
    Ok(a.html(StatusCode::OK, render::render_plans(&sh, &rows, &[])))
}

/// Save refill reminders and auto-refills: every listed prescription gets the boxes as ticked.
pub(super) async fn save_plans(a: Acting, Form(f): Form) -> WebResult {
    offered(&a)?;
    let ticked = |name: &str, id: &str| f.iter().any(|(k, v)| k == name && v == id);
    let choices: Vec<(String, Plan)> = f
        .iter()
        .filter(|(k, _)| k == "rx")
        .take(50)
        .map(|(_, id)| {
            (
                id.clone(),
                Plan {
                    remind: ticked("remind", id),
                    auto: ticked("auto", id),
                },
            )
        })
        .collect();
    match a
        .state
        .pharmacy
        .set_refill_plans(&a.caller, &a.patient, &choices)
        .await
    {
        Ok(_) => {
            view(
                &a,
                StatusCode::OK,
                Vec::new(),
                done_notice(a.t("rx.plans.saved")),
            )
            .await
        }
        Err(PharmacyError::Invalid(_)) => {
            let rows = a.state.pharmacy.refill_plans(&a.caller, &a.patient).await?;
            let sh = a.shell(Section::Pharmacy).await;
            let e = FieldError::new("plans", a.t("rx.plans.auto-refused"));
            Ok(a.html(
                StatusCode::BAD_REQUEST,
                render::render_plans(&sh, &rows, &[e]),
            ))
        }
        Err(e) => Err(e.into()),
    }
}
