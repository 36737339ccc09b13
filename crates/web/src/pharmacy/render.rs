//! Pharmacy views: the medication list, the answers to a refill order, the forms — in the
//! member's language (`rx.*` texts). Medicine names and doses are shown as the record holds them.

use askama::Template;
use jiff::civil::Date;
use ws_pharmacy::rules::cost::{self, Channel, Cost, DrugBenefits};
use ws_pharmacy::rules::delivery::{self, Hold};
use ws_pharmacy::rules::refill::{Answer, ControlledWhy, Pending};
use ws_pharmacy::rules::reminders::NoAuto;
use ws_pharmacy::service::list::{Med, MedList, Order};
use ws_pharmacy::service::orders::{BRANDS, Card};
use ws_pharmacy::service::plans::PlanRow;
use ws_pharmacy::service::refills::RefillOutcome;
use ws_pharmacy::service::transfers::{Transfer, TransferStatus};

use crate::portal::Lang;
use crate::portal::i18n::{fmt_date, t, tf};

use crate::portal::pages::{Input, page_title, render};
use crate::portal::views::{FieldError, Shell};

fn date(lang: Lang, d: Date) -> String {
    fmt_date(lang, &d.to_string())
}

/// Today's refill answer in words.
pub fn answer_words(lang: Lang, a: Answer) -> String {
    match a {
        Answer::May { refills_left } => {
            tf(lang, "rx.ans.may", &[("left", &refills_left.to_string())])
        }
        Answer::TooSoon { first } => tf(lang, "rx.ans.too-soon", &[("date", &date(lang, first))]),
        Answer::NoRefills => t(lang, "rx.ans.no-refills").to_owned(),
        Answer::Expired { ended } => tf(lang, "rx.ans.expired", &[("date", &date(lang, ended))]),
        Answer::Controlled(ControlledWhy::ScheduleII) => t(lang, "rx.ans.controlled-ii").to_owned(),
        Answer::Controlled(ControlledWhy::SixMonths { ended }) => tf(
            lang,
            "rx.ans.controlled-six",
            &[("date", &date(lang, ended))],
        ),
        Answer::Controlled(ControlledWhy::FiveRefills) => {
            t(lang, "rx.ans.controlled-five").to_owned()
        }
        Answer::InProcess(Pending::Order { since }) => tf(
            lang,
            "rx.ans.in-process-order",
            &[("date", &date(lang, since))],
        ),
        Answer::InProcess(Pending::Renewal { since }) => tf(
            lang,
            "rx.ans.in-process-renewal",
            &[("date", &date(lang, since))],
        ),
        Answer::Discontinued { transferred: true } => t(lang, "rx.ans.transferred").to_owned(),
        Answer::Discontinued { transferred: false } => t(lang, "rx.ans.stopped").to_owned(),
        Answer::NotCovered => t(lang, "rx.ans.not-covered").to_owned(),
        Answer::PriorAuth => t(lang, "rx.ans.prior-auth").to_owned(),
    }
}

fn money(cents: u64) -> String {
    format!("${}.{:02}", cents / 100, cents % 100)
}

/// What a fill costs, in words.
fn cost_words(lang: Lang, c: &cost::Charge) -> String {
    match c.cost {
        Cost::Copay(_) => tf(
            lang,
            "rx.cost.copay",
            &[
                ("amount", &money(c.cents().unwrap_or(0))),
                ("days", &c.days.to_string()),
            ],
        ),
        Cost::Coinsurance(p) => tf(
            lang,
            "rx.cost.coinsurance",
            &[("pct", &p.to_string()), ("days", &c.days.to_string())],
        ),
    }
}

/// The answer to one prescription of a refill order.
#[derive(Debug, Clone)]
pub struct Done {
    pub id: String,
    pub name: String,
    /// `ordered`, `refused`, `held`.
    pub kind: &'static str,
    pub lines: Vec<String>,
}

impl Done {
    pub fn unknown(lang: Lang, id: &str) -> Done {
        Done {
            id: id.to_owned(),
            name: t(lang, "rx.unknown").to_owned(),
            kind: "refused",
            lines: Vec::new(),
        }
    }
}

pub fn done(
    lang: Lang,
    med: &Med,
    outcome: &RefillOutcome,
    channel: Channel,
    benefits: Option<&DrugBenefits>,
    today: Date,
) -> Done {
    let mut lines = Vec::new();
    let kind = match outcome {
        RefillOutcome::Ordered { created, order } => {
            lines.push(if *created {
                t(lang, "rx.done.ordered").to_owned()
            } else {
                t(lang, "rx.done.already").to_owned()
            });
            let by_mail = Order::from_dispense(order).is_some_and(|o| o.channel == "mail");
            if by_mail {
                let est = delivery::mail_estimate(today);
                lines.push(tf(
                    lang,
                    "rx.done.mail",
                    &[
                        ("from", &date(lang, est.earliest)),
                        ("to", &date(lang, est.latest)),
                    ],
                ));
            } else {
                let place = order["location"]["display"]
                    .as_str()
                    .unwrap_or(t(lang, "rx.done.your-pharmacy"));
                lines.push(tf(lang, "rx.done.pickup", &[("place", place)]));
            }
            if let Some(b) = benefits {
                let ch = if by_mail { Channel::Mail } else { channel };
                lines.push(cost_words(
                    lang,
                    &cost::charge(b, med.listing.tier, ch, med.days_supply),
                ));
            }
            "ordered"
        }
        RefillOutcome::Refused { answer, renewal } => {
            lines.push(answer_words(lang, *answer));
            if let Some(r) = renewal {
                let by = r.answer_by.map(|d| date(lang, d)).unwrap_or_default();
                lines.push(tf(lang, "rx.done.renewal", &[("by", &by)]));
            }
            "refused"
        }
        RefillOutcome::Held(Hold::CardNeeded) => {
            lines.push(t(lang, "rx.done.card").to_owned());
            "held"
        }
        RefillOutcome::Held(Hold::NoMail) => {
            lines.push(t(lang, "rx.done.no-mail").to_owned());
            "held"
        }
    };
    Done {
        id: med.id.clone(),
        name: med.name.clone(),
        kind,
        lines,
    }
}

/// One prescription on the page.
struct Row {
    id: String,
    name: String,
    sig: String,
    prescriber: String,
    last_fill: String,
    refills_left: String,
    expires: String,
    answer: String,
    /// The checkbox is offered.
    can_order: bool,
    /// "Request renewal" is offered.
    can_renew: bool,
    renewal: String,
    not_taking: String,
    mail: bool,
}

struct ReportedRow {
    name: String,
    dose: String,
    since: String,
    status: String,
}

#[derive(Template)]
#[template(path = "pharmacy/list.html")]
struct ListPage<'a> {
    shell: &'a Shell,
    page_title: String,
    done: &'a [Done],
    transfers: Vec<TransferRow>,
    current: Vec<Row>,
    past: Vec<Row>,
    reported: Vec<ReportedRow>,
    card: String,
    has_card: bool,
}

fn row(lang: Lang, m: &Med) -> Row {
    let renewal = match &m.renewal {
        Some(r) => match r.outcome.as_deref() {
            Some("approved") => t(lang, "rx.renewal.approved").to_owned(),
            Some(code @ ("denied" | "visit-needed")) => tf(
                lang,
                &format!("rx.renewal.{code}"),
                &[("message", r.message.as_deref().unwrap_or(""))],
            ),
            _ if r.is_open() => tf(
                lang,
                "rx.renewal.open",
                &[(
                    "by",
                    &r.answer_by.map(|d| date(lang, d)).unwrap_or_default(),
                )],
            ),
            _ => String::new(),
        },
        None => String::new(),
    };
    Row {
        id: m.id.clone(),
        name: m.name.clone(),
        sig: m.sig.clone(),
        prescriber: m.prescriber.clone().unwrap_or_default(),
        last_fill: m
            .last_fill
            .map(|f| {
                tf(
                    lang,
                    "rx.last-fill",
                    &[
                        ("date", &date(lang, f.on)),
                        ("days", &f.days_supply.to_string()),
                    ],
                )
            })
            .unwrap_or_else(|| t(lang, "rx.never-filled").to_owned()),
        refills_left: m.refills_left.to_string(),
        expires: date(lang, m.expires),
        answer: answer_words(lang, m.answer),
        // Every current prescription can be ticked: each one ticked gets its own answer, the
        // "no"s with their reason and date.
        can_order: !matches!(
            m.answer,
            Answer::InProcess(Pending::Order { .. }) | Answer::Discontinued { .. }
        ),
        can_renew: m.answer.needs_renewal() && m.renewal.as_ref().is_none_or(|r| !r.is_open()),
        renewal,
        not_taking: m
            .not_taking
            .map(|d| tf(lang, "rx.not-taking-since", &[("date", &date(lang, d))]))
            .unwrap_or_default(),
        mail: m.listing.mail,
    }
}

/// A transfer request on the list page.
struct TransferRow {
    drug: String,
    from: String,
    requested: String,
    status: String,
}

fn transfer_row(lang: Lang, x: &Transfer) -> TransferRow {
    let status = match x.status {
        TransferStatus::Requested => t(lang, "rx.transfer.status-requested").to_owned(),
        TransferStatus::Completed => t(lang, "rx.transfer.status-completed").to_owned(),
        TransferStatus::Rejected => {
            let key = match x.reason_code.as_deref() {
                Some("schedule-ii") => Some("rx.transfer.why-schedule-ii"),
                Some("transferred-once") => Some("rx.transfer.why-transferred-once"),
                Some("no-refills") => Some("rx.transfer.why-no-refills"),
                Some("expired") => Some("rx.transfer.why-expired"),
                _ => None,
            };
            let why = match key {
                Some(k) => t(lang, k).to_owned(),
                None => x.reason.clone().unwrap_or_default(),
            };
            tf(lang, "rx.transfer.status-rejected", &[("why", &why)])
        }
    };
    TransferRow {
        drug: x.drug.clone(),
        from: format!("{}, {}", x.pharmacy, x.phone_display()),
        requested: date(lang, x.requested),
        status,
    }
}

pub fn render_list(
    shell: &Shell,
    list: &MedList,
    card: Option<&Card>,
    done: &[Done],
    transfers: &[Transfer],
) -> String {
    let lang = shell.lang;
    let reported = list
        .reported
        .iter()
        .filter(|r| r.about.is_none())
        .map(|r| ReportedRow {
            name: r.name.clone(),
            dose: r.dose.clone(),
            since: r.since.map(|d| date(lang, d)).unwrap_or_default(),
            status: if r.reviewed {
                t(lang, "rx.reported.reviewed").to_owned()
            } else {
                t(lang, "rx.reported.pending").to_owned()
            },
        })
        .collect();
    render(&ListPage {
        shell,
        page_title: page_title(shell, t(lang, "rx.title"), false),
        done,
        transfers: transfers.iter().map(|x| transfer_row(lang, x)).collect(),
        current: list.current.iter().map(|m| row(lang, m)).collect(),
        past: list.past.iter().map(|m| row(lang, m)).collect(),
        reported,
        card: match card {
            Some(c) => tf(
                lang,
                "rx.card.on-file",
                &[
                    ("brand", &c.brand),
                    ("last4", &c.last4),
                    ("expires", &c.expires),
                ],
            ),
            None => t(lang, "rx.card.none").to_owned(),
        },
        has_card: card.is_some(),
    })
}

#[derive(Template)]
#[template(path = "pharmacy/add.html")]
struct AddPage<'a> {
    shell: &'a Shell,
    page_title: String,
    errors: &'a [FieldError],
    name: Input,
    dose: Input,
    otc: bool,
}

pub fn render_add(shell: &Shell, typed: &super::pages::Typed, errors: &[FieldError]) -> String {
    let lang = shell.lang;
    render(&AddPage {
        shell,
        page_title: page_title(shell, t(lang, "rx.add.title"), !errors.is_empty()),
        errors,
        name: Input::new(lang, errors, "name", "rx.add.name", "text").value(&typed.name),
        dose: Input::new(lang, errors, "dose", "rx.add.dose", "text")
            .value(&typed.dose)
            .hint(t(lang, "rx.add.dose-hint")),
        otc: typed.otc,
    })
}

#[derive(Template)]
#[template(path = "pharmacy/card.html")]
struct CardPage<'a> {
    shell: &'a Shell,
    page_title: String,
    brands: &'static [&'static str],
    errors: &'a [FieldError],
    last4: Input,
    expires: Input,
}

pub fn render_card(shell: &Shell, errors: &[FieldError]) -> String {
    let lang = shell.lang;
    render(&CardPage {
        shell,
        page_title: page_title(shell, t(lang, "rx.card.title"), !errors.is_empty()),
        brands: BRANDS,
        errors,
        last4: Input::new(lang, errors, "last4", "rx.card.last4", "text")
            .inputmode("numeric")
            .autocomplete("off"),
        expires: Input::new(lang, errors, "expires", "rx.card.expires", "text")
            .autocomplete("cc-exp")
            .hint(t(lang, "rx.card.expires-hint")),
    })
}

#[derive(Template)]
#[template(path = "pharmacy/transfer.html")]
struct TransferPage<'a> {
    shell: &'a Shell,
    page_title: String,
    errors: &'a [FieldError],
    drug: Input,
    pharmacy: Input,
    phone: Input,
    rx_number: Input,
}

/// What was typed in the transfer form.
#[derive(Debug, Clone, Default)]
pub struct TransferTyped {
    pub drug: String,
    pub pharmacy: String,
    pub phone: String,
    pub rx_number: String,
}

pub fn render_transfer(shell: &Shell, typed: &TransferTyped, errors: &[FieldError]) -> String {
    let lang = shell.lang;
    render(&TransferPage {
        shell,
        page_title: page_title(shell, t(lang, "rx.transfer.title"), !errors.is_empty()),
        errors,
        drug: Input::new(lang, errors, "drug", "rx.transfer.drug", "text")
            .value(&typed.drug)
            .hint(t(lang, "rx.transfer.drug-hint")),
        pharmacy: Input::new(lang, errors, "pharmacy", "rx.transfer.pharmacy", "text")
            .value(&typed.pharmacy),
        phone: Input::new(lang, errors, "phone", "rx.transfer.phone", "tel")
            .value(&typed.phone)
            .autocomplete("off"),
        rx_number: Input::new(lang, errors, "rx_number", "rx.transfer.rx-number", "text")
            .value(&typed.rx_number)
            .hint(t(lang, "rx.transfer.rx-number-hint"))
            .autocomplete("off"),
    })
}

struct PlanView {
    id: String,
    name: String,
    remind: bool,
    auto: bool,
    /// Why auto-refill is not offered, in words.
    no_auto: Option<String>,
}

#[derive(Template)]
#[template(path = "pharmacy/plans.html")]
struct PlansPage<'a> {
    shell: &'a Shell,
    page_title: String,
    errors: &'a [FieldError],
    rows: Vec<PlanView>,
}

pub fn render_plans(shell: &Shell, rows: &[PlanRow], errors: &[FieldError]) -> String {
    let lang = shell.lang;
    let rows = rows
        .iter()
        .map(|r| PlanView {
            id: r.med.id.clone(),
            name: r.med.name.clone(),
            remind: r.plan.remind,
            auto: r.plan.auto,
            no_auto: r.auto.err().map(|why| {
                t(
                    lang,
                    match why {
                        NoAuto::Controlled => "rx.plans.no-auto-controlled",
                        NoAuto::NoMail => "rx.plans.no-auto-mail",
                        NoAuto::NotMaintenance => "rx.plans.no-auto-maintenance",
                    },
                )
                .to_owned()
            }),
        })
        .collect();
    render(&PlansPage {
        shell,
        page_title: page_title(shell, t(lang, "rx.plans.title"), !errors.is_empty()),
        errors,
        rows,
    })
}
