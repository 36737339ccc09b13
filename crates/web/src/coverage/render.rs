//! Coverage pages (issue 5): plan and benefits, family coverage, coverage check, change plan,
//! add a family member, ID card, areas of care. Texts in English and Spanish (`cov.*`, `add.*`,
//! `card.*`, `areas.*` in i18n); plan and benefit names come from the plan data as written.

use askama::Template;
use ws_coverage::rules::Relationship;
use ws_coverage::service::family::PlanSummary;

use crate::portal::Lang;
use crate::portal::i18n::{t, tf};
use crate::portal::pages::{Input, page_title, render};
use crate::portal::views::{FieldError, Shell};

/// The coverage overview, ready to show.
#[derive(Debug, Clone, Default)]
pub struct CoverageView {
    pub member_name: String,
    pub mrn: String,
    pub check_date: String,
    pub date_error: String,
    /// "active", "active-pending-payment", "not-active".
    pub status_code: String,
    pub status_words: String,
    pub plan_name: String,
    pub plan_kind: String,
    pub metal_tier: String,
    pub plan_year: String,
    pub period: String,
    pub group: String,
    pub pcp: String,
    pub deductible: String,
    pub oop_max: String,
    pub benefits: Vec<(String, String)>,
    pub extras: Vec<(String, String, String)>,
    pub family: Vec<FamilyRow>,
    pub can_manage: bool,
    pub plan_choices: Vec<(String, String)>,
    /// (name, dates, effective, open now).
    pub windows: Vec<(String, String, String, String)>,
    /// An area-of-care record: covered through the home record (in words), else empty.
    pub home_coverage: String,
    /// The member's own address and mobile, when they may change them: what is on record, or
    /// what they just typed with each field's problem.
    pub contact: Option<ContactForm>,
}

/// The contact form: values and the problems of the fields (empty when none).
#[derive(Debug, Clone, Default)]
pub struct ContactForm {
    pub values: ws_coverage::rules::contact::ContactInput,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, Default)]
pub struct FamilyRow {
    pub name: String,
    pub relationship: String,
    pub plan: String,
    pub period: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "coverage/coverage.html")]
struct CoveragePage<'a> {
    shell: &'a Shell,
    page_title: String,
    v: &'a CoverageView,
    /// Problems of the contact form, summarised at the top with links to the fields.
    errors: Vec<FieldError>,
    contact_fields: Vec<Input>,
    choices: &'a [(String, String)],
}

pub fn render_coverage(shell: &Shell, v: &CoverageView) -> String {
    let lang = shell.lang;
    let (errors, contact_fields) = match &v.contact {
        None => (Vec::new(), Vec::new()),
        Some(c) => {
            let e = &c.errors;
            let x = &c.values;
            let fields = vec![
                Input::new(lang, e, "line", "cov.contact.line", "text")
                    .value(&x.line)
                    .autocomplete("address-line1"),
                Input::new(lang, e, "city", "cov.contact.city", "text")
                    .value(&x.city)
                    .autocomplete("address-level2"),
                Input::new(lang, e, "state", "cov.contact.state", "text")
                    .value(&x.state)
                    .autocomplete("address-level1")
                    .css("input-short"),
                Input::new(lang, e, "postal_code", "cov.contact.zip", "text")
                    .value(&x.postal_code)
                    .autocomplete("postal-code")
                    .inputmode("numeric")
                    .css("input-medium"),
                Input::new(lang, e, "mobile", "cov.contact.mobile", "tel")
                    .value(&x.mobile)
                    .autocomplete("tel"),
            ];
            (e.clone(), fields)
        }
    };
    render(&CoveragePage {
        shell,
        page_title: page_title(
            shell,
            t(lang, "cov.title"),
            !v.date_error.is_empty() || !errors.is_empty(),
        ),
        v,
        errors,
        contact_fields,
        choices: &v.plan_choices,
    })
}

#[derive(Template)]
#[template(path = "coverage/add_member.html")]
struct AddMemberPage<'a> {
    shell: &'a Shell,
    page_title: String,
    error: &'a str,
    given: &'a str,
    family: &'a str,
    birth_date: &'a str,
    event_date: &'a str,
}

/// The add-a-family-member form, with the refusal (reason and next allowed date) if any.
pub fn render_add_member(shell: &Shell, error: &str, values: [&str; 4]) -> String {
    let [given, family, birth_date, event_date] = values;
    render(&AddMemberPage {
        shell,
        page_title: page_title(shell, t(shell.lang, "add.title"), !error.is_empty()),
        error,
        given,
        family,
        birth_date,
        event_date,
    })
}

#[derive(Template)]
#[template(path = "coverage/id_card.html")]
struct IdCardPage<'a> {
    shell: &'a Shell,
    page_title: String,
    card: Option<&'a ws_idcard::IdCard>,
    qr: &'a str,
    reason: &'a str,
}

/// The ID card page: the card with its QR code (inline SVG), or why there is none.
pub fn render_id_card(
    shell: &Shell,
    card: Option<&ws_idcard::IdCard>,
    qr_svg: &str,
    reason: &str,
) -> String {
    render(&IdCardPage {
        shell,
        page_title: page_title(shell, t(shell.lang, "card.title"), false),
        card,
        qr: qr_svg,
        reason,
    })
}

#[derive(Template)]
#[template(path = "coverage/areas.html")]
struct AreasPage<'a> {
    shell: &'a Shell,
    page_title: String,
    message: &'a str,
    areas: &'a [(String, String)],
    choices: &'a [(String, String)],
}

pub fn render_areas(
    shell: &Shell,
    message: &str,
    areas: &[(String, String)],
    choices: &[(String, String)],
) -> String {
    render(&AreasPage {
        shell,
        page_title: page_title(shell, t(shell.lang, "areas.title"), false),
        message,
        areas,
        choices,
    })
}

/// The ID card's fixed words (PDF, wallet image, the QR code's title) in the member's language.
pub fn card_labels(lang: crate::portal::Lang) -> ws_idcard::CardLabels {
    let l = |k: &str| t(lang, k).to_owned();
    ws_idcard::CardLabels {
        title: l("card.label.title"),
        cut_and_fold: l("card.label.cut-and-fold"),
        front: l("card.label.front"),
        back: l("card.label.back"),
        mrn: l("card.label.mrn"),
        member_id: l("card.label.member-id"),
        plan: l("card.label.plan"),
        group: l("card.label.group"),
        effective: l("card.label.effective"),
        pcp: l("card.label.pcp"),
        copays: l("card.label.copays"),
        more_copays: l("card.label.more-copays"),
        phone_numbers: l("card.label.phone-numbers"),
        member_services: l("card.label.member-services"),
        advice_nurse: l("card.label.advice-nurse"),
        away_from_home: l("card.label.away-from-home"),
        emergency: l("card.label.emergency"),
        issued: l("card.label.issued"),
        qr_title: l("card.label.qr-title"),
    }
}

/// Plans side by side: the column headings (plan name, whether it is the member's plan today)
/// and one row per feature with a cell per plan.
#[derive(Debug, Clone, Default)]
pub struct CompareTable {
    pub plans: Vec<(String, bool)>,
    pub rows: Vec<(String, Vec<String>)>,
}

/// A relationship to the subscriber, in words.
pub fn relationship_words(lang: Lang, rel: Relationship) -> String {
    match rel {
        Relationship::SelfSubscriber => t(lang, "cov.rel.self"),
        Relationship::Spouse => t(lang, "cov.rel.spouse"),
        Relationship::LifePartner => t(lang, "cov.rel.partner"),
        Relationship::Child => t(lang, "cov.rel.child"),
        Relationship::AdoptedChild => t(lang, "cov.rel.adopted"),
        Relationship::FosterChild => t(lang, "cov.rel.foster"),
        Relationship::Ward => t(lang, "cov.rel.ward"),
        Relationship::Stepchild => t(lang, "cov.rel.step"),
    }
    .to_owned()
}

fn money(c: u64) -> String {
    format!("${c}")
}

/// The main benefits and costs of `plans` side by side (the second of each pair: the plan the
/// member is on today). Medicare plans also show their star rating.
pub fn compare_table(lang: Lang, plans: &[(&PlanSummary, bool)], medicare: bool) -> CompareTable {
    let ind_fam = |a: u64, b: u64| {
        tf(
            lang,
            "cov.ind-fam",
            &[("ind", &money(a)), ("fam", &money(b))],
        )
    };
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    let mut row = |label: &str, cell: &dyn Fn(&PlanSummary) -> String| {
        rows.push((
            label.to_owned(),
            plans.iter().map(|(p, _)| cell(p)).collect(),
        ));
    };
    row(t(lang, "plans.type"), &|p| match &p.metal_tier {
        Some(tier) if !p.kind.is_empty() => format!("{} · {tier}", p.kind),
        Some(tier) => tier.clone(),
        None => p.kind.clone(),
    });
    if medicare {
        row(t(lang, "plans.stars"), &|p| match p.stars {
            Some(s) => tf(lang, "plans.stars-value", &[("stars", &format!("{s}"))]),
            None => t(lang, "plans.stars-none").to_owned(),
        });
    }
    row(t(lang, "plans.premium"), &|p| match p.premium {
        Some(a) => tf(lang, "plans.premium-value", &[("amount", &money(a))]),
        None => t(lang, "plans.premium-unknown").to_owned(),
    });
    row(t(lang, "cov.deductible"), &|p| {
        p.deductible
            .map_or_else(|| t(lang, "cov.none").to_owned(), |(a, b)| ind_fam(a, b))
    });
    row(t(lang, "cov.oop"), &|p| {
        p.oop_max.map_or_else(
            || t(lang, "cov.none").to_owned(),
            |(a, b)| match b {
                Some(b) => ind_fam(a, b),
                None => money(a),
            },
        )
    });
    // Every benefit any of the plans lists, in the order they list them.
    let mut benefits: Vec<(String, String)> = Vec::new();
    for (p, _) in plans {
        for (code, display, _) in &p.benefits {
            if !benefits.iter().any(|(c, _)| c == code) {
                benefits.push((code.clone(), display.clone()));
            }
        }
    }
    for (code, display) in &benefits {
        row(display, &|p| {
            p.cost_of(code)
                .map_or_else(|| t(lang, "plans.not-listed").to_owned(), str::to_owned)
        });
    }
    let mut extras: Vec<String> = Vec::new();
    for (p, _) in plans {
        for (display, _, _) in &p.extras {
            if !extras.contains(display) {
                extras.push(display.clone());
            }
        }
    }
    for display in &extras {
        row(display, &|p| {
            p.extras.iter().find(|(d, _, _)| d == display).map_or_else(
                || t(lang, "plans.not-listed").to_owned(),
                |(_, cost, note)| {
                    if note.is_empty() {
                        cost.clone()
                    } else {
                        format!("{cost} ({note})")
                    }
                },
            )
        });
    }
    CompareTable {
        plans: plans
            .iter()
            .map(|(p, current)| (p.name.clone(), *current))
            .collect(),
        rows,
    }
}

/// The compare-plans page.
#[derive(Debug, Clone, Default)]
pub struct PlansView {
    pub intro: String,
    pub table: Option<CompareTable>,
    /// Why there is nothing to compare (Medicaid, no plans), with the phone number.
    pub none: String,
    pub five_star_note: bool,
    /// The plans the member may change to (code, name), when they may change.
    pub choices: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "coverage/plans.html")]
struct PlansPage<'a> {
    shell: &'a Shell,
    page_title: String,
    v: &'a PlansView,
    choices: &'a [(String, String)],
}

pub fn render_plans(shell: &Shell, v: &PlansView) -> String {
    render(&PlansPage {
        shell,
        page_title: page_title(shell, t(shell.lang, "plans.title"), false),
        v,
        choices: &v.choices,
    })
}

/// The review step of a plan change: what changes, for whom, from when and why now.
#[derive(Debug, Clone, Default)]
pub struct ReviewView {
    pub table: CompareTable,
    /// (name, relationship in words).
    pub members: Vec<(String, String)>,
    pub starts: String,
    pub window: String,
    pub notes: Vec<String>,
    pub replaces: String,
    /// The start date moved since the member reviewed it.
    pub moved: String,
    /// The form's fields, sent again on confirm.
    pub plan: String,
    pub event: String,
    pub event_date: String,
    pub expect: String,
}

#[derive(Template)]
#[template(path = "coverage/change_review.html")]
struct ReviewPage<'a> {
    shell: &'a Shell,
    page_title: String,
    v: &'a ReviewView,
}

pub fn render_review(shell: &Shell, v: &ReviewView) -> String {
    render(&ReviewPage {
        shell,
        page_title: page_title(shell, t(shell.lang, "review.title"), false),
        v,
    })
}

/// The confirmation after a plan change.
#[derive(Debug, Clone, Default)]
pub struct DoneView {
    pub lead: String,
    pub window: String,
    pub members: Vec<(String, String)>,
    pub notes: Vec<String>,
    pub notice: String,
}

#[derive(Template)]
#[template(path = "coverage/change_done.html")]
struct DonePage<'a> {
    shell: &'a Shell,
    page_title: String,
    v: &'a DoneView,
}

pub fn render_done(shell: &Shell, v: &DoneView) -> String {
    render(&DonePage {
        shell,
        page_title: page_title(shell, t(shell.lang, "done.title"), false),
        v,
    })
}

/// A plan change that cannot be made: why, when it can, what the member can do.
#[derive(Debug, Clone, Default)]
pub struct RefusedView {
    pub why: String,
    pub next: String,
    pub call: String,
}

#[derive(Template)]
#[template(path = "coverage/change_refused.html")]
struct RefusedPage<'a> {
    shell: &'a Shell,
    page_title: String,
    v: &'a RefusedView,
}

pub fn render_refused(shell: &Shell, v: &RefusedView) -> String {
    render(&RefusedPage {
        shell,
        page_title: page_title(shell, t(shell.lang, "refused.title"), true),
        v,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The English labels are the card crate's own; every Spanish one is a translation.
    #[test]
    fn card_labels_in_both_languages() {
        assert_eq!(card_labels(Lang::En), ws_idcard::CardLabels::english());
        let es = card_labels(Lang::Es);
        assert_eq!(
            es.emergency,
            "¿Emergencia? Llame al 911 o vaya al hospital más cercano."
        );
        assert_ne!(es.title, ws_idcard::CardLabels::english().title);
    }
}
