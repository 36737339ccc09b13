//! Portal handlers for coverage (issue 5 part 8). A child module of `portal_routes`, so it
//! shares its request, shell and form helpers. Every read and write goes through the
//! membership service with the signed-in person's caller.

use super::*;
use jiff::civil::Date;
use ws_coverage::service::changes::NewDependent;
use ws_coverage::service::{CoverageError, CoverageService};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/coverage", get(overview))
        .route(
            "/coverage/add-member",
            get(add_member_page).post(add_member),
        )
        .route("/coverage/change-plan", post(change_plan))
        .route("/coverage/contact", post(update_contact))
        .route("/coverage/id-card", get(id_card_page))
        .route("/coverage/id-card.pdf", get(id_card_pdf))
        .route("/coverage/id-card.png", get(id_card_png))
        .route("/coverage/areas", get(areas_page).post(add_area))
}

fn money(c: u64) -> String {
    format!("${c}")
}

/// The signed-in caller acting for the person shown, or the response to send.
async fn caller_of(s: &AppState, r: &Req) -> Result<(ws_identity::Caller, String), Response> {
    let Some(info) = r.signed_in() else {
        return Err(need_sign_in(r));
    };
    let caller = s
        .identity
        .caller_for(
            &info.account,
            info.session.acting_for.as_deref(),
            Some(r.source.clone()),
            s.identity.clock().now_micros(),
        )
        .await
        .map_err(|e| internal(r, &e.to_string()))?;
    let patient = caller
        .acting_for
        .clone()
        .or_else(|| match &caller.principal {
            Principal::Person { grants, .. } => grants.first().map(|g| g.patient.clone()),
            _ => None,
        });
    match patient {
        Some(p) => Ok((caller, p)),
        None => Err(html(
            r,
            StatusCode::OK,
            ui::render_error(
                &Shell::signed_out(r.lang, r.csrf(), r.path.clone()),
                404,
                "No member record is linked to this account.",
            ),
        )),
    }
}

async fn refusal_page(s: &AppState, r: &Req, e: &CoverageError) -> Response {
    let sh = shell(s, r, Section::Coverage).await;
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status.is_server_error() {
        return internal(r, &e.to_string());
    }
    html(r, status, ui::render_error(&sh, e.status(), &e.explain()))
}

async fn overview(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let r = page_req!(s, addr, headers, "/coverage", q);
    let f = form(q.as_deref().unwrap_or("").as_bytes());
    overview_page(&s, &r, field(&f, "date"), None, String::new()).await
}

async fn update_contact(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = req(&s, &addr, &headers, "/coverage", None).await;
    let (f, _) = or_return!(signed_in_form(&r, &body));
    let (caller, patient) = or_return!(caller_of(&s, &r).await);
    let (address, phone) = crate::staff::contact_form(&f);
    match s
        .coverage
        .update_contact(&caller, &patient, Some(address), phone)
        .await
    {
        Ok(()) => {
            let saved = ui::t(r.lang, "cov.contact.saved").to_owned();
            overview_page(&s, &r, None, Some(saved), String::new()).await
        }
        Err(e) if e.status() < 500 => overview_page(&s, &r, None, None, e.explain()).await,
        Err(e) => internal(&r, &e.to_string()),
    }
}

async fn overview_page(
    s: &AppState,
    r: &Req,
    date: Option<&str>,
    saved: Option<String>,
    contact_error: String,
) -> Response {
    let (s, r) = (s.clone(), r);
    let (caller, patient) = or_return!(caller_of(&s, r).await);
    let today = s.coverage.clock().today();
    let mut v = ui::coverage::CoverageView::default();
    let on = match date.filter(|d| !d.is_empty()) {
        Some(d) => match d.parse::<Date>() {
            Ok(d) => d,
            Err(_) => {
                v.date_error = ui::i18n::tf(r.lang, "cov.date-error", &[("value", d)]);
                today
            }
        },
        None => today,
    };
    v.check_date = on.to_string();
    let m = &s.coverage;
    let st = match m.status(&caller, &patient, on).await {
        Ok(st) => st,
        Err(e) => return refusal_page(&s, r, &e).await,
    };
    v.member_name = st.name.clone();
    v.mrn = st.mrn.clone().unwrap_or_default();
    v.status_code = st.code().to_owned();
    let on_s = on.to_string();
    v.status_words = match &st.status {
        ws_coverage::rules::eligibility::Status::Active => {
            ui::i18n::tf(r.lang, "cov.covered-on", &[("date", &on_s)])
        }
        ws_coverage::rules::eligibility::Status::ActivePendingPayment => {
            ui::i18n::tf(r.lang, "cov.pending", &[("date", &on_s)])
        }
        ws_coverage::rules::eligibility::Status::NotActive { reason } => ui::i18n::tf(
            r.lang,
            "cov.not-covered",
            &[("date", &on_s), ("reason", reason)],
        ),
    };
    let lang = r.lang;
    let period_words = |start: Date, end: Option<Date>| match end {
        Some(e) => ui::i18n::tf(
            lang,
            "cov.range",
            &[("from", &start.to_string()), ("to", &e.to_string())],
        ),
        None => ui::i18n::tf(lang, "cov.since", &[("date", &start.to_string())]),
    };
    let ind_fam = |a: u64, b: u64| {
        ui::i18n::tf(
            lang,
            "cov.ind-fam",
            &[("ind", &money(a)), ("fam", &money(b))],
        )
    };
    if let Some(c) = &st.coverage {
        v.plan_name = c.plan_name.clone();
        v.period = period_words(c.start, c.end);
        v.group = c.group_name.clone();
    }
    v.pcp = st
        .pcp
        .clone()
        .unwrap_or_else(|| ui::t(lang, "cov.none-chosen").to_owned());
    if let Some(p) = &st.plan {
        v.plan_kind = p.kind.clone();
        v.metal_tier = p.metal_tier.clone().unwrap_or_default();
        v.plan_year = p.year.clone().unwrap_or_default();
        v.deductible = p.deductible.map_or_else(
            || ui::t(lang, "cov.none").to_owned(),
            |(a, b)| ind_fam(a, b),
        );
        v.oop_max = p.oop_max.map_or_else(
            || ui::t(lang, "cov.none").to_owned(),
            |(a, b)| match b {
                Some(b) => ind_fam(a, b),
                None => money(a),
            },
        );
        v.benefits = p
            .benefits
            .iter()
            .map(|(_, d, c)| (d.clone(), c.clone()))
            .collect();
        v.extras = p.extras.clone();
    }
    if let Ok(fam) = m.family(&caller, &patient, on).await {
        for row in fam.rows.iter().filter(|x| x.end.is_none_or(|e| e >= on)) {
            v.family.push(ui::coverage::FamilyRow {
                name: fam.name_of(&row.member),
                relationship: format!("{:?}", row.relationship)
                    .replace("SelfSubscriber", "Subscriber"),
                plan: row.plan_name.clone(),
                period: period_words(row.start, row.end),
                status: ui::t(
                    lang,
                    if row.covers(on) {
                        "cov.covered"
                    } else {
                        "cov.starts-later"
                    },
                )
                .to_owned(),
            });
        }
        v.can_manage = fam.subscriber == patient
            && CoverageService::authorize_manage(&caller, &patient).is_ok();
        if CoverageService::authorize_manage(&caller, &patient).is_ok()
            && let Some(p) = fam.patients.get(&patient)
        {
            let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
            let a = &p["address"][0];
            v.contact = Some([
                text(&a["line"][0]),
                text(&a["city"]),
                text(&a["state"]),
                text(&a["postalCode"]),
                p["telecom"]
                    .as_array()
                    .and_then(|t| t.iter().find(|x| x["use"] == "mobile"))
                    .map(|x| text(&x["value"]))
                    .unwrap_or_default(),
            ]);
        }
        v.contact_error = contact_error.clone();
    }
    if v.can_manage {
        let region = st.region.as_deref();
        if let Ok(plans) = m.plans(&caller, region).await {
            let current = st
                .coverage
                .as_ref()
                .map(|c| c.plan_code.clone())
                .unwrap_or_default();
            let cur_product = ws_coverage::rules::Product::from_code(&current);
            v.plan_choices = plans
                .into_iter()
                .filter(|p| p.code != current)
                .filter(|p| {
                    let prod = ws_coverage::rules::Product::from_code(&p.code);
                    matches!(
                        (cur_product, prod),
                        (
                            Some(
                                ws_coverage::rules::Product::TraditionalHmo
                                    | ws_coverage::rules::Product::DeductibleHmo
                            ),
                            Some(
                                ws_coverage::rules::Product::TraditionalHmo
                                    | ws_coverage::rules::Product::DeductibleHmo
                            )
                        )
                    )
                })
                .map(|p| (p.code, p.name))
                .collect();
        }
    }
    let market = st.coverage.as_ref().map_or(
        ws_coverage::rules::Market::EmployerGroup,
        ws_coverage::service::changes::market_of,
    );
    for mut w in ws_coverage::rules::windows::open_windows(market, today, &m.rules) {
        // The employer's own open enrollment: the group's dates (Wellspring's default when the
        // group has none of its own), the same ones the rules check a request against.
        if market == ws_coverage::rules::Market::EmployerGroup && w.rule == "SEED-15" {
            let g = ws_coverage::service::changes::employer_window(today);
            w.start = Some(g.start);
            w.end = Some(g.end);
            w.effective = g.effective.to_string();
            w.open = g.start <= today && today <= g.end;
        }
        let dates = match (w.start, w.end) {
            (Some(a), Some(b)) => format!("{a} to {b}"),
            _ if w.needs_event => ui::t(lang, "cov.after-event").to_owned(),
            _ => ui::t(lang, "cov.any-time").to_owned(),
        };
        v.windows.push((
            w.name.clone(),
            dates,
            w.effective.clone(),
            ui::t(lang, if w.open { "cov.yes" } else { "cov.no" }).to_owned(),
        ));
    }
    let mut sh = shell(&s, r, Section::Coverage).await;
    if let Some(text) = saved {
        flash(&mut sh, ui::FlashKind::Success, text);
    }
    let status = if v.date_error.is_empty() && v.contact_error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    html(r, status, ui::coverage::render_coverage(&sh, &v))
}

async fn add_member_page(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let r = page_req!(s, addr, headers, "/coverage/add-member", q);
    if r.signed_in().is_none() {
        return need_sign_in(&r);
    }
    let sh = shell(&s, &r, Section::Coverage).await;
    html(
        &r,
        StatusCode::OK,
        ui::coverage::render_add_member(&sh, "", ["", "", "", ""]),
    )
}

async fn add_member(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = req(&s, &addr, &headers, "/coverage/add-member", None).await;
    let (f, _) = or_return!(signed_in_form(&r, &body));
    let (caller, patient) = or_return!(caller_of(&s, &r).await);
    let get = |k: &str| field(&f, k).unwrap_or("").trim().to_owned();
    let (given, family, birth, event_date) = (
        get("given"),
        get("family"),
        get("birth_date"),
        get("event_date"),
    );
    let values = [
        given.as_str(),
        family.as_str(),
        birth.as_str(),
        event_date.as_str(),
    ];
    let Ok(birth_date) = birth.parse::<Date>() else {
        return add_fail(&s, &r, ui::t(r.lang, "add.bad-birth").to_owned(), values).await;
    };
    let Ok(ev_date) = event_date.parse::<Date>() else {
        return add_fail(
            &s,
            &r,
            ui::t(r.lang, "add.bad-event-date").to_owned(),
            values,
        )
        .await;
    };
    let Some(event) = ws_coverage::service::changes::life_event(&get("event"), ev_date) else {
        return add_fail(&s, &r, ui::t(r.lang, "add.choose-event").to_owned(), values).await;
    };
    let Some(relationship) = ws_coverage::rules::Relationship::from_x12(&get("relationship"))
    else {
        return add_fail(&s, &r, ui::t(r.lang, "add.choose-rel").to_owned(), values).await;
    };
    let d = NewDependent {
        given: given.clone(),
        family: family.clone(),
        birth_date,
        gender: get("gender"),
        relationship,
        event,
    };
    match s
        .coverage
        .add_dependent(&caller, &patient, d, s.coverage.clock().today())
        .await
    {
        Ok(out) => {
            let mut sh = shell(&s, &r, Section::Coverage).await;
            let effective = out.effective.map(|d| d.to_string()).unwrap_or_default();
            let mut text = ui::i18n::tf(
                r.lang,
                "add.done",
                &[
                    ("name", &format!("{given} {family}")),
                    ("date", &effective),
                    ("window", &out.window),
                    ("mrn", &out.mrn.clone().unwrap_or_default()),
                ],
            );
            for n in &out.notes {
                text.push(' ');
                text.push_str(n);
            }
            flash(&mut sh, ui::FlashKind::Success, text);
            html(
                &r,
                StatusCode::OK,
                ui::coverage::render_add_member(&sh, "", ["", "", "", ""]),
            )
        }
        Err(e) if e.status() < 500 => add_fail(&s, &r, e.explain(), values).await,
        Err(e) => internal(&r, &e.to_string()),
    }
}

async fn add_fail(s: &AppState, r: &Req, msg: String, values: [&str; 4]) -> Response {
    let sh = shell(s, r, Section::Coverage).await;
    html(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        ui::coverage::render_add_member(&sh, &msg, values),
    )
}

async fn change_plan(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = req(&s, &addr, &headers, "/coverage/change-plan", None).await;
    let (f, _) = or_return!(signed_in_form(&r, &body));
    let (caller, patient) = or_return!(caller_of(&s, &r).await);
    let event = match (
        field(&f, "event").filter(|e| !e.is_empty()),
        field(&f, "event_date").and_then(|d| d.parse::<Date>().ok()),
    ) {
        (Some(k), Some(d)) => ws_coverage::service::changes::life_event(k, d),
        _ => None,
    };
    let res = s
        .coverage
        .change_plan(
            &caller,
            &patient,
            field(&f, "plan").unwrap_or(""),
            event,
            s.coverage.clock().today(),
        )
        .await;
    let mut sh = shell(&s, &r, Section::Coverage).await;
    match res {
        Ok(out) => {
            let text = ui::i18n::tf(
                r.lang,
                "cov.changed",
                &[
                    (
                        "date",
                        &out.effective.map(|d| d.to_string()).unwrap_or_default(),
                    ),
                    ("window", &out.window),
                ],
            );
            flash(&mut sh, ui::FlashKind::Success, text.clone());
            html(
                &r,
                StatusCode::OK,
                ui::render_error(&sh, 200, &text).replace("Something went wrong", "Plan changed"),
            )
        }
        Err(e) => refusal_page(&s, &r, &e).await,
    }
}

async fn card_for(
    s: &AppState,
    r: &Req,
) -> Result<Result<ws_idcard::IdCard, CoverageError>, Response> {
    let (caller, patient) = caller_of(s, r).await?;
    Ok(s.coverage
        .id_card(&caller, &patient, s.coverage.clock().today())
        .await)
}

async fn id_card_page(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let r = page_req!(s, addr, headers, "/coverage/id-card", q);
    let res = or_return!(card_for(&s, &r).await);
    let sh = shell(&s, &r, Section::Coverage).await;
    match res {
        Ok(card) => {
            let qr = ws_idcard::qr_svg(&card.qr_payload).unwrap_or_default();
            html(
                &r,
                StatusCode::OK,
                ui::coverage::render_id_card(&sh, Some(&card), &qr, ""),
            )
        }
        Err(e) if e.status() < 500 => html(
            &r,
            StatusCode::OK,
            ui::coverage::render_id_card(&sh, None, "", &e.explain()),
        ),
        Err(e) => internal(&r, &e.to_string()),
    }
}

async fn card_file(s: AppState, addr: SocketAddr, headers: HeaderMap, pdf: bool) -> Response {
    let path = if pdf {
        "/coverage/id-card.pdf"
    } else {
        "/coverage/id-card.png"
    };
    let r = req(&s, &addr, &headers, path, None).await;
    let res = or_return!(card_for(&s, &r).await);
    match res {
        Ok(card) => {
            let (bytes, ctype) = if pdf {
                (ws_idcard::render_pdf(&card), "application/pdf")
            } else {
                (ws_idcard::render_png(&card), "image/png")
            };
            match bytes {
                Ok(b) => {
                    let mut resp = (StatusCode::OK, b).into_response();
                    resp.headers_mut()
                        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
                    resp.headers_mut()
                        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                    with_cookies(resp, &r.set)
                }
                Err(e) => internal(&r, &e.to_string()),
            }
        }
        Err(e) => refusal_page(&s, &r, &e).await,
    }
}

async fn id_card_pdf(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    card_file(s, addr, headers, true).await
}

async fn id_card_png(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    card_file(s, addr, headers, false).await
}

async fn areas_view(s: &AppState, r: &Req, message: &str) -> Response {
    let (caller, patient) = or_return!(caller_of(s, r).await);
    let areas = match s.coverage.areas_of_care(&caller, &patient).await {
        Ok(a) => a,
        Err(e) => return refusal_page(s, r, &e).await,
    };
    let rows: Vec<(String, String)> = areas
        .iter()
        .map(|a| {
            (
                ws_coverage::service::card::title_case(&a.region),
                a.mrn.clone(),
            )
        })
        .collect();
    let svc = CoverageService::service_caller(&caller, &patient, "care away from home: regions");
    let home = s
        .coverage
        .status(&caller, &patient, s.coverage.clock().today())
        .await
        .ok()
        .and_then(|st| st.region);
    let choices: Vec<(String, String)> = s
        .coverage
        .regions(&svc)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|g| Some(&g.code) != home.as_ref() && !areas.iter().any(|a| a.region == g.code))
        .map(|g| (g.code, g.title))
        .collect();
    let sh = shell(s, r, Section::Coverage).await;
    html(
        r,
        StatusCode::OK,
        ui::coverage::render_areas(&sh, message, &rows, &choices),
    )
}

async fn areas_page(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let r = page_req!(s, addr, headers, "/coverage/areas", q);
    areas_view(&s, &r, "").await
}

async fn add_area(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let r = req(&s, &addr, &headers, "/coverage/areas", None).await;
    let (f, info) = or_return!(signed_in_form(&r, &body));
    let account = info.account.clone();
    let (caller, patient) = or_return!(caller_of(&s, &r).await);
    let region = field(&f, "region").unwrap_or("").to_owned();
    match s
        .coverage
        .add_area_of_care(&caller, &patient, &region, s.coverage.clock().today())
        .await
    {
        Ok(area) => {
            // The account reaches its new regional record like its own (switch without
            // signing in again).
            if let Err(e) = s
                .identity
                .record_grant(
                    &caller.actor,
                    &area.patient,
                    &account,
                    ws_identity::rules::proxy::Relationship::AreaOfCare,
                    "area of care added by the member",
                )
                .await
            {
                return internal(&r, &e.to_string());
            }
            let msg = ui::i18n::tf(
                r.lang,
                "areas.added",
                &[
                    (
                        "region",
                        &ws_coverage::service::card::title_case(&area.region),
                    ),
                    ("mrn", &area.mrn),
                ],
            );
            areas_view(&s, &r, &msg).await
        }
        Err(e) => refusal_page(&s, &r, &e).await,
    }
}
