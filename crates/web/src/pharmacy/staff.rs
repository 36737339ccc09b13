//! Staff screens of the pharmacy: the pharmacists' queue (verify, fill — partial fills too —,
//! ship or ready for pick-up, hand over; transfers in from other pharmacies, completed with what
//! the other pharmacy reports or rejected) and the care team's queue (renewal requests to approve,
//! deny or answer with "please book a visit"; medicines members reported, to review). English
//! only, like the other staff desks.

use askama::Template;
use ws_pharmacy::rules::formulary::Schedule;
use ws_pharmacy::service::list::{Order, Renewal};
use ws_pharmacy::service::orders::allowed_next;
use ws_pharmacy::service::renewals::{RenewalAnswer, ReviewItem};
use ws_pharmacy::service::transfers::{Completed, Completion, Transfer};

use crate::kit::{Form, Staff, WebError, WebResult, field, staff_page};

struct OrderRow {
    o: Order,
    next: &'static [&'static str],
}

#[derive(Template)]
#[template(path = "pharmacy/staff_queue.html")]
struct QueuePage {
    csrf: String,
    staff_name: String,
    notice: Option<String>,
    errors: Vec<(String, String)>,
    rows: Vec<OrderRow>,
    transfers: Vec<(Transfer, String)>,
}

#[derive(Template)]
#[template(path = "pharmacy/staff_renewals.html")]
struct RenewalsPage {
    csrf: String,
    staff_name: String,
    notice: Option<String>,
    errors: Vec<(String, String)>,
    renewals: Vec<(Renewal, String)>,
    reviews: Vec<ReviewItem>,
}

async fn render_queue(
    st: &Staff,
    notice: Option<String>,
    errors: Vec<(String, String)>,
) -> WebResult {
    let orders = st.state.pharmacy.order_queue(&st.caller).await?;
    let transfers = st.state.pharmacy.transfer_queue(&st.caller).await?;
    let rows = orders
        .into_iter()
        .map(|o| OrderRow {
            next: allowed_next(&o),
            o,
        })
        .collect();
    let has = !errors.is_empty();
    staff_page(
        QueuePage {
            csrf: st.csrf(),
            staff_name: st.info.account.display_name.clone(),
            notice,
            errors,
            rows,
            transfers,
        }
        .render(),
        has,
    )
}

async fn render_renewals(
    st: &Staff,
    notice: Option<String>,
    errors: Vec<(String, String)>,
) -> WebResult {
    let renewals = st.state.pharmacy.renewal_queue(&st.caller).await?;
    let reviews = st.state.pharmacy.review_queue(&st.caller).await?;
    let has = !errors.is_empty();
    staff_page(
        RenewalsPage {
            csrf: st.csrf(),
            staff_name: st.info.account.display_name.clone(),
            notice,
            errors,
            renewals,
            reviews,
        }
        .render(),
        has,
    )
}

pub(super) async fn queue(st: Staff) -> WebResult {
    render_queue(&st, None, Vec::new()).await
}

pub(super) async fn advance(st: Staff, Form(f): Form) -> WebResult {
    let id = field(&f, "id").unwrap_or("").to_owned();
    let stage = field(&f, "stage").unwrap_or("").to_owned();
    let qty = match field(&f, "quantity")
        .map(str::trim)
        .filter(|q| !q.is_empty())
    {
        None => None,
        Some(q) => match q.parse::<f64>() {
            Ok(q) => Some(q),
            Err(_) => {
                return render_queue(
                    &st,
                    None,
                    vec![(format!("order-{id}"), format!("'{q}' is not a quantity"))],
                )
                .await;
            }
        },
    };
    match st
        .state
        .pharmacy
        .advance_order(&st.caller, &id, &stage, qty)
        .await
    {
        Ok(o) => {
            render_queue(
                &st,
                Some(format!("{} is now {}.", o.name, o.stage)),
                Vec::new(),
            )
            .await
        }
        Err(ws_pharmacy::PharmacyError::Invalid(m)) => {
            render_queue(&st, None, vec![(format!("order-{id}"), m)]).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn renewals(st: Staff) -> WebResult {
    render_renewals(&st, None, Vec::new()).await
}

pub(super) async fn answer(st: Staff, Form(f): Form) -> WebResult {
    let id = field(&f, "id").unwrap_or("").to_owned();
    let message = field(&f, "message").unwrap_or("").to_owned();
    let answer = match field(&f, "answer") {
        Some("approve") => match field(&f, "refills").unwrap_or("0").trim().parse::<u32>() {
            Ok(refills) => RenewalAnswer::Approve { refills },
            Err(_) => {
                return render_renewals(
                    &st,
                    None,
                    vec![(format!("renewal-{id}"), "give the number of refills".into())],
                )
                .await;
            }
        },
        Some("deny") => RenewalAnswer::Deny { message },
        Some("visit") => RenewalAnswer::Visit { message },
        _ => return Err(WebError::BadRequest),
    };
    match st
        .state
        .pharmacy
        .answer_renewal(&st.caller, &id, &answer)
        .await
    {
        Ok(r) => {
            let what = match r.outcome.as_deref() {
                Some("approved") => "approved: a new prescription was written",
                Some("denied") => "denied",
                _ => "answered: the member is asked to book a visit",
            };
            render_renewals(
                &st,
                Some(format!(
                    "Renewal of {} {what}; the member was told.",
                    r.name
                )),
                Vec::new(),
            )
            .await
        }
        Err(ws_pharmacy::PharmacyError::Invalid(m)) => {
            render_renewals(&st, None, vec![(format!("renewal-{id}"), m)]).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn reviewed(st: Staff, Form(f): Form) -> WebResult {
    let id = field(&f, "id").unwrap_or("").to_owned();
    st.state.pharmacy.mark_reviewed(&st.caller, &id).await?;
    render_renewals(&st, Some("Marked reviewed.".into()), Vec::new()).await
}

/// Complete or reject a transfer in. Completing passes what the other pharmacy reported through
/// the transfer rules; one they refuse is rejected with their reason.
pub(super) async fn transfer(st: Staff, Form(f): Form) -> WebResult {
    let id = field(&f, "id").unwrap_or("").to_owned();
    let err = |m: String| vec![(format!("transfer-{id}"), m)];
    let get = |k: &str| field(&f, k).unwrap_or("").trim().to_owned();
    let res = match field(&f, "action") {
        Some("reject") => st
            .state
            .pharmacy
            .reject_transfer(&st.caller, &id, &get("reason"))
            .await
            .map(|()| "Transfer rejected; the member was told why.".to_owned()),
        Some("complete") => {
            let date = |k: &str| get(k).parse::<jiff::civil::Date>().ok();
            let num = |k: &str| get(k).parse::<u32>().ok();
            let (Some(written), Some(last_fill), Some(days), Some(left), Ok(quantity)) = (
                date("written"),
                date("last_fill"),
                num("days_supply"),
                num("refills_left"),
                get("quantity").parse::<f64>(),
            ) else {
                return render_queue(
                    &st,
                    None,
                    err("give the dates (YYYY-MM-DD), the quantity, the days' supply and the refills left".into()),
                )
                .await;
            };
            let schedule = match get("schedule").as_str() {
                "II" => Some(Schedule::II),
                "III" => Some(Schedule::III),
                "IV" => Some(Schedule::IV),
                "V" => Some(Schedule::V),
                _ => None,
            };
            let c = Completion {
                drug: get("drug"),
                rxnorm: Some(get("rxnorm")).filter(|s| !s.is_empty()),
                sig: get("sig"),
                quantity,
                days_supply: days,
                refills_left: left,
                written,
                prescriber: get("prescriber"),
                last_fill,
                schedule,
                transferred_before: field(&f, "transferred_before") == Some("yes"),
            };
            st.state
                .pharmacy
                .complete_transfer(&st.caller, &id, &c)
                .await
                .map(|done| match done {
                    Completed::Moved(_) => {
                        format!("{} transferred in; the member was told.", c.drug)
                    }
                    Completed::Refused(r) => {
                        format!("Not transferred: {} The member was told.", r.explain())
                    }
                })
        }
        _ => return Err(WebError::BadRequest),
    };
    match res {
        Ok(notice) => render_queue(&st, Some(notice), Vec::new()).await,
        Err(ws_pharmacy::PharmacyError::Invalid(m)) => render_queue(&st, None, err(m)).await,
        Err(e) => Err(e.into()),
    }
}
