//! Coverage pages (issue 5): plan and benefits, family coverage, coverage check, change plan,
//! add a family member, ID card, areas of care. Texts in English and Spanish (`cov.*`, `add.*`,
//! `card.*`, `areas.*` in i18n); plan and benefit names come from the plan data as written.

use askama::Template;

use crate::portal::i18n::t;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portal::Lang;

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
