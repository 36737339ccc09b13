//! Getting-care views in the member's language (`care.*`, `appt.*`, `pcp.*`, `texts.*` texts):
//! Get Care, the directory, a doctor's page, facilities, Appointments, booking, the personal
//! doctor, text reminders; and the `.ics` calendar file of a visit.

use askama::Template;
use jiff::Timestamp;
use serde_json::Value;
use ws_identity::Access;
use ws_scheduling::rules::booking::{self, Cancel};
use ws_scheduling::rules::slots::zone_of_state;
use ws_scheduling::rules::visit::Mode;
use ws_scheduling::service::booking::{OpenSlot, ScheduleInfo, SlotQuery, Visit};
use ws_scheduling::service::directory::{Doctor, DoctorQuery, Facility, SPECIALTIES};

use crate::portal::Lang;
use crate::portal::i18n::{fmt_date, t, tf};
use crate::portal::pages::{page_title, render};
use crate::portal::views::Shell;

/// A visit's local date and time as the member reads it, in the clinic's zone.
pub fn when(lang: Lang, at: Option<Timestamp>, state: &str) -> String {
    match at {
        Some(ts) => {
            let z = ts.to_zoned(zone_of_state(state));
            fmt_date(lang, &z.strftime("%Y-%m-%dT%H:%M").to_string())
        }
        None => String::new(),
    }
}

/// The words for a visit type code.
pub fn visit_name(lang: Lang, code: &str) -> String {
    let key = format!("visit.{code}");
    crate::portal::i18n::t_opt(lang, &key)
        .map(str::to_owned)
        .unwrap_or_else(|| code.to_owned())
}

fn mode_name(lang: Lang, m: Mode) -> &'static str {
    match m {
        Mode::InPerson => t(lang, "mode.in-person"),
        Mode::Video => t(lang, "mode.video"),
        Mode::Phone => t(lang, "mode.phone"),
    }
}

fn km(d: Option<f64>, lang: Lang) -> String {
    d.map(|k| {
        tf(
            lang,
            "care.distance",
            &[("mi", &format!("{:.1}", k * 0.621_371))],
        )
    })
    .unwrap_or_default()
}

// ---------------------------------------------------------------- Get Care

struct SiteRow {
    id: String,
    name: String,
    kind: String,
    address: String,
    phone: String,
    hours: Vec<String>,
    open_now: bool,
    closed_note: String,
    services: String,
    distance: String,
    map: String,
}

fn site_rows(lang: Lang, sites: &[Facility]) -> Vec<SiteRow> {
    sites
        .iter()
        .map(|f| SiteRow {
            id: f.id.clone(),
            name: f.name.clone(),
            kind: f.kind.clone(),
            address: f.address.clone(),
            phone: f.phone.clone(),
            hours: f.hours.clone(),
            open_now: f.open_now,
            closed_note: f.closed_note.clone().unwrap_or_default(),
            services: f.services.join(", "),
            distance: km(f.distance_km, lang),
            map: f
                .position
                .map(|(la, lo)| {
                    format!("https://www.openstreetmap.org/?mlat={la:.5}&mlon={lo:.5}#map=16/{la:.5}/{lo:.5}")
                })
                .unwrap_or_default(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "scheduling/get_care.html")]
struct GetCarePage<'a> {
    shell: &'a Shell,
    page_title: String,
    open: Vec<SiteRow>,
    near: String,
    advice: String,
    member_services: String,
}

pub fn get_care(
    shell: &Shell,
    sites: &[Facility],
    near: Option<&str>,
    advice: &str,
    member_services: &str,
) -> String {
    let lang = shell.lang;
    let open: Vec<SiteRow> = site_rows(lang, sites)
        .into_iter()
        .filter(|s| s.open_now)
        .take(5)
        .collect();
    render(&GetCarePage {
        shell,
        page_title: page_title(shell, t(lang, "care.title"), false),
        open,
        near: near.unwrap_or_default().to_owned(),
        advice: advice.to_owned(),
        member_services: member_services.to_owned(),
    })
}

#[derive(Template)]
#[template(path = "scheduling/facilities.html")]
struct FacilitiesPage<'a> {
    shell: &'a Shell,
    page_title: String,
    sites: Vec<SiteRow>,
    near: String,
    urgent: bool,
}

pub fn facilities(shell: &Shell, sites: &[Facility], near: Option<&str>, urgent: bool) -> String {
    let lang = shell.lang;
    render(&FacilitiesPage {
        shell,
        page_title: page_title(shell, t(lang, "care.facilities"), false),
        sites: site_rows(lang, sites),
        near: near.unwrap_or_default().to_owned(),
        urgent,
    })
}

// ---------------------------------------------------------------- Directory

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

struct DoctorRow {
    role: String,
    name: String,
    specialty: String,
    location: String,
    languages: String,
    accepting: bool,
    distance: String,
}

fn doctor_rows(lang: Lang, found: &[Doctor]) -> Vec<DoctorRow> {
    found
        .iter()
        .map(|d| DoctorRow {
            role: d.role_id.clone(),
            name: d.name.clone(),
            specialty: specialty_name(lang, &d.specialty_code, &d.specialty_name),
            location: d.location_name.clone(),
            languages: d.languages.join(", "),
            accepting: d.accepting,
            distance: km(d.distance_km, lang),
        })
        .collect()
}

fn specialty_name(lang: Lang, code: &str, fallback: &str) -> String {
    crate::portal::i18n::t_opt(lang, &format!("specialty.{code}"))
        .map(str::to_owned)
        .unwrap_or_else(|| fallback.to_owned())
}

const LANGUAGES: &[&str] = &["en", "es", "zh", "vi", "tl", "ko", "ru", "ar"];

/// The language and gender choices of the doctor searches, in the member's language.
type Options = Vec<(&'static str, String)>;
fn language_and_gender_options(lang: Lang) -> (Options, Options) {
    let langs = LANGUAGES
        .iter()
        .map(|c| (*c, t(lang, &format!("language.{c}")).to_owned()))
        .collect();
    let genders = vec![
        ("female", t(lang, "care.gender.female").to_owned()),
        ("male", t(lang, "care.gender.male").to_owned()),
    ];
    (langs, genders)
}

#[derive(Template)]
#[template(path = "scheduling/doctors.html")]
struct DoctorsPage<'a> {
    shell: &'a Shell,
    page_title: String,
    name: String,
    near: String,
    specialties: Vec<Choice>,
    languages: Vec<Choice>,
    genders: Vec<Choice>,
    accepting: bool,
    searched: bool,
    found: Vec<DoctorRow>,
}

fn choices(lang: Lang, options: &[(&str, String)], current: Option<&str>) -> Vec<Choice> {
    let mut out = vec![Choice {
        value: String::new(),
        label: t(lang, "care.any").to_owned(),
        selected: current.is_none(),
    }];
    out.extend(options.iter().map(|(v, l)| Choice {
        value: (*v).to_owned(),
        label: l.clone(),
        selected: current == Some(*v),
    }));
    out
}

pub fn doctors(shell: &Shell, q: &DoctorQuery, found: &[Doctor], searched: bool) -> String {
    let lang = shell.lang;
    let specs: Vec<(&str, String)> = SPECIALTIES
        .iter()
        .map(|(c, l)| (*c, specialty_name(lang, c, l)))
        .collect();
    let (langs, genders) = language_and_gender_options(lang);
    render(&DoctorsPage {
        shell,
        page_title: page_title(shell, t(lang, "care.find-doctor"), false),
        name: q.name.clone().unwrap_or_default(),
        near: q.near.clone().unwrap_or_default(),
        specialties: choices(lang, &specs, q.specialty.as_deref()),
        languages: choices(lang, &langs, q.language.as_deref()),
        genders: choices(lang, &genders, q.gender.as_deref()),
        accepting: q.accepting,
        searched,
        found: doctor_rows(lang, found),
    })
}

#[derive(Template)]
#[template(path = "scheduling/doctor.html")]
struct DoctorPage<'a> {
    shell: &'a Shell,
    page_title: String,
    d: &'a Doctor,
    specialty: String,
    languages: String,
    next: String,
    book_href: String,
    signed_in: bool,
    can_be_pcp: bool,
}

pub fn doctor(shell: &Shell, d: &Doctor, signed_in: bool) -> String {
    let lang = shell.lang;
    let visit = match d.primary_care {
        Some(ws_scheduling::rules::pcp::PrimaryCare::Pediatrics) => "pediatrics",
        Some(_) => "primary-care",
        None => match d.specialty_code.as_str() {
            "394582007" => "dermatology",
            "394585009" => "obgyn",
            "394587001" => "mental-health",
            "394579002" => "cardiology",
            _ => "orthopedics",
        },
    };
    render(&DoctorPage {
        shell,
        page_title: page_title(shell, &d.name, false),
        d,
        specialty: specialty_name(lang, &d.specialty_code, &d.specialty_name),
        languages: d.languages.join(", "),
        next: d
            .next_available
            .map(|n| when(lang, Some(n), &state_of(&d.address)))
            .unwrap_or_else(|| t(lang, "care.no-times").to_owned()),
        book_href: format!(
            "/appointments/new?visit={visit}&practitioner={}",
            d.practitioner_id
        ),
        signed_in,
        can_be_pcp: d.primary_care.is_some(),
    })
}

/// The state in "line, city, ST 98101".
fn state_of(address: &str) -> String {
    address
        .rsplit(", ")
        .next()
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or("")
        .to_owned()
}

// ---------------------------------------------------------------- Appointments

struct VisitRow {
    id: String,
    when: String,
    what: String,
    mode: String,
    doctor: String,
    place: String,
    map: String,
    instructions: String,
    video: String,
    status: String,
    can_change: bool,
    late: bool,
}

fn visit_row(lang: Lang, v: &Visit, now: Timestamp) -> VisitRow {
    let can_change = v.status == "booked"
        && v.start
            .is_some_and(|s| booking::cancel(now, s) == Cancel::Online);
    VisitRow {
        id: v.id.clone(),
        when: when(lang, v.start, &v.state),
        what: visit_name(lang, &v.visit),
        mode: mode_name(lang, v.mode).to_owned(),
        doctor: v.practitioner_name.clone(),
        place: v.location_name.clone(),
        map: if v.mode == Mode::InPerson && !v.location_name.is_empty() {
            format!(
                "https://www.openstreetmap.org/search?query={}",
                crate::kit::form::pct(&v.location_name)
            )
        } else {
            String::new()
        },
        instructions: v.instructions.clone().unwrap_or_default(),
        video: v.video_link.clone().unwrap_or_default(),
        status: t(lang, &format!("appt.status.{}", status_key(&v.status))).to_owned(),
        can_change,
        late: v.late,
    }
}

fn status_key(s: &str) -> &'static str {
    match s {
        "booked" => "booked",
        "cancelled" => "cancelled",
        "arrived" | "checked-in" => "arrived",
        "fulfilled" => "fulfilled",
        "noshow" => "noshow",
        "waitlist" => "waitlist",
        _ => "other",
    }
}

struct OfferRow {
    entry: String,
    slot: String,
    when: String,
    doctor: String,
    until: String,
}

#[derive(Template)]
#[template(path = "scheduling/appointments.html")]
struct AppointmentsPage<'a> {
    shell: &'a Shell,
    page_title: String,
    upcoming: Vec<VisitRow>,
    past: Vec<VisitRow>,
    waiting: Vec<String>,
    offers: Vec<OfferRow>,
    pcp: Option<&'a Doctor>,
    teen_parent: bool,
}

pub fn appointments(
    shell: &Shell,
    visits: &[Visit],
    pcp: Option<&Doctor>,
    offers: &[(Value, String, ScheduleInfo)],
    now: Timestamp,
    access: Access,
) -> String {
    let lang = shell.lang;
    let mut upcoming = Vec::new();
    let mut past = Vec::new();
    let mut waiting = Vec::new();
    for v in visits {
        if v.status == "waitlist" {
            continue;
        }
        let row = visit_row(lang, v, now);
        if v.status != "cancelled" && v.start.is_some_and(|s| s > now) {
            upcoming.push(row);
        } else {
            past.push(row);
        }
    }
    for v in visits.iter().filter(|v| v.status == "waitlist") {
        waiting.push(v.id.trim_start_matches("wait-").to_owned());
    }
    past.reverse();
    let offers = offers
        .iter()
        .map(|(slot, entry, info)| OfferRow {
            entry: entry.clone(),
            slot: slot["id"].as_str().unwrap_or_default().to_owned(),
            when: when(
                lang,
                slot["start"].as_str().and_then(|s| s.parse().ok()),
                &info.state,
            ),
            doctor: info.practitioner_name.clone(),
            until: when(
                lang,
                slot["extension"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|e| {
                        e["url"].as_str() == Some(ws_scheduling::service::waitlist::EXT_HOLD_UNTIL)
                    })
                    .and_then(|e| e["valueInstant"].as_str()?.parse().ok()),
                &info.state,
            ),
        })
        .collect();
    render(&AppointmentsPage {
        shell,
        page_title: page_title(shell, t(lang, "appt.title"), false),
        upcoming,
        past,
        waiting,
        offers,
        pcp,
        teen_parent: access == Access::ProxyTeen,
    })
}

struct SlotChoice {
    id: String,
    day: String,
    time: String,
    doctor: String,
    place: String,
    modes: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "scheduling/book.html")]
struct BookPage<'a> {
    shell: &'a Shell,
    page_title: String,
    action: String,
    moving: Option<VisitRow>,
    types: Vec<Choice>,
    modes: Vec<Choice>,
    mode_chosen: bool,
    from: String,
    practitioner: String,
    any_doctor: bool,
    pcp_name: String,
    slots: Vec<SlotChoice>,
    states: Vec<&'static str>,
    error: String,
}

const STATES: &[&str] = &[
    "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL", "IN",
    "KS", "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE", "NH", "NJ",
    "NM", "NV", "NY", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VT", "WA",
    "WI", "WV", "WY",
];

#[allow(clippy::too_many_arguments)]
pub fn book(
    shell: &Shell,
    types: &[String],
    q: &SlotQuery,
    slots: &[OpenSlot],
    pcp: Option<&Doctor>,
    moving: Option<&Visit>,
    error: Option<&str>,
    now: Timestamp,
) -> String {
    let lang = shell.lang;
    let visit = q.visit.clone().unwrap_or_default();
    let type_opts: Vec<Choice> = types
        .iter()
        .map(|c| Choice {
            value: c.clone(),
            label: visit_name(lang, c),
            selected: *c == visit,
        })
        .collect();
    let modes = [Mode::InPerson, Mode::Video, Mode::Phone]
        .iter()
        .map(|m| Choice {
            value: m.code().to_owned(),
            label: mode_name(lang, *m).to_owned(),
            selected: q.mode == Some(*m),
        })
        .collect();
    let slots = slots
        .iter()
        .map(|s| {
            let z = s.start.to_zoned(zone_of_state(&s.state));
            SlotChoice {
                id: s.id.clone(),
                day: fmt_date(lang, &z.date().to_string()),
                time: fmt_date(lang, &z.strftime("%Y-%m-%dT%H:%M").to_string())
                    .rsplit(", ")
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
                doctor: s.practitioner_name.clone(),
                place: s.location_name.clone(),
                modes: s
                    .modes
                    .iter()
                    .filter(|m| q.mode.is_none_or(|w| w == **m))
                    .map(|m| (m.code().to_owned(), mode_name(lang, *m).to_owned()))
                    .collect(),
            }
        })
        .collect();
    let moving_row = moving.map(|v| visit_row(lang, v, now));
    render(&BookPage {
        shell,
        page_title: page_title(
            shell,
            t(
                lang,
                if moving.is_some() {
                    "appt.reschedule"
                } else {
                    "appt.book"
                },
            ),
            error.is_some(),
        ),
        action: match moving {
            Some(v) => format!("/appointments/{}/reschedule", v.id),
            None => "/appointments/book".to_owned(),
        },
        moving: moving_row,
        types: type_opts,
        modes,
        mode_chosen: q.mode.is_some(),
        from: q.from.map(|d| d.to_string()).unwrap_or_default(),
        practitioner: q.practitioner.clone().unwrap_or_default(),
        any_doctor: q.practitioner.is_none(),
        pcp_name: pcp.map(|d| d.name.clone()).unwrap_or_default(),
        slots,
        states: STATES.to_vec(),
        error: error.unwrap_or_default().to_owned(),
    })
}

// ---------------------------------------------------------------- Personal doctor

#[derive(Template)]
#[template(path = "scheduling/pcp.html")]
struct PcpPage<'a> {
    shell: &'a Shell,
    page_title: String,
    current: Option<&'a Doctor>,
    near: String,
    languages: Vec<Choice>,
    genders: Vec<Choice>,
    found: Vec<DoctorRow>,
}

pub fn pcp(shell: &Shell, q: &DoctorQuery, found: &[Doctor], current: Option<&Doctor>) -> String {
    let lang = shell.lang;
    let (langs, genders) = language_and_gender_options(lang);
    render(&PcpPage {
        shell,
        page_title: page_title(shell, t(lang, "pcp.title"), false),
        current,
        near: q.near.clone().unwrap_or_default(),
        languages: choices(lang, &langs, q.language.as_deref()),
        genders: choices(lang, &genders, q.gender.as_deref()),
        found: doctor_rows(lang, found),
    })
}

// ---------------------------------------------------------------- Texts

struct NumberRow {
    mobile: String,
    /// `texts.status.*`: on, off, pending, stopped.
    status: &'static str,
    verified: bool,
    opted_in: bool,
}

impl NumberRow {
    fn of(n: &ws_identity::service::texts::TextNumber) -> NumberRow {
        let status = if n.stopped_at.is_some() {
            "texts.status.stopped"
        } else if n.verified_at.is_none() {
            "texts.status.pending"
        } else if n.opted_in {
            "texts.status.on"
        } else {
            "texts.status.off"
        };
        NumberRow {
            mobile: n.mobile.clone(),
            status,
            verified: n.verified_at.is_some(),
            opted_in: n.opted_in,
        }
    }
}

#[derive(Template)]
#[template(path = "scheduling/texts.html")]
struct TextsPage<'a> {
    shell: &'a Shell,
    page_title: String,
    numbers: Vec<NumberRow>,
    pending: String,
}

pub fn texts(
    shell: &Shell,
    numbers: &[ws_identity::service::texts::TextNumber],
    pending: Option<&str>,
) -> String {
    let lang = shell.lang;
    render(&TextsPage {
        shell,
        page_title: page_title(shell, t(lang, "texts.title"), false),
        numbers: numbers.iter().map(NumberRow::of).collect(),
        pending: pending.unwrap_or_default().to_owned(),
    })
}

// ---------------------------------------------------------------- Calendar

fn ics_text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

fn ics_time(t: Timestamp) -> String {
    t.to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string()
}

/// A visit as an iCalendar (RFC 5545) event, with a reminder the day before.
pub fn ics(lang: Lang, v: &Visit, now: &Timestamp) -> String {
    let start = v.start.unwrap_or(*now);
    let end = v.end.unwrap_or(start);
    let summary = format!(
        "{} – {}",
        visit_name(lang, &v.visit),
        if v.practitioner_name.is_empty() {
            "Wellspring Health".to_owned()
        } else {
            v.practitioner_name.clone()
        }
    );
    let location = if v.mode == Mode::InPerson {
        v.location_name.clone()
    } else {
        mode_name(lang, v.mode).to_owned()
    };
    let mut desc = v.instructions.clone().unwrap_or_default();
    if let Some(link) = &v.video_link {
        desc.push_str(&format!("\n{link}"));
    }
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Wellspring Health//Visits//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:appointment-{}@wellspring.example", v.id),
        format!("DTSTAMP:{}", ics_time(*now)),
        format!("DTSTART:{}", ics_time(start)),
        format!("DTEND:{}", ics_time(end)),
        format!("SUMMARY:{}", ics_text(&summary)),
        format!("LOCATION:{}", ics_text(&location)),
        format!("DESCRIPTION:{}", ics_text(&desc)),
        format!(
            "STATUS:{}",
            if v.status == "cancelled" {
                "CANCELLED"
            } else {
                "CONFIRMED"
            }
        ),
        "BEGIN:VALARM".to_owned(),
        "ACTION:DISPLAY".to_owned(),
        format!("DESCRIPTION:{}", ics_text(&summary)),
        "TRIGGER:-P1D".to_owned(),
        "END:VALARM".to_owned(),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    // RFC 5545: CRLF line ends, lines folded at 75 octets.
    let mut out = String::new();
    for l in lines {
        let mut line = l.as_str();
        let mut first = true;
        while !line.is_empty() {
            let max = if first { 75 } else { 74 };
            let mut cut = line.len().min(max);
            while !line.is_char_boundary(cut) {
                cut -= 1;
            }
            if !first {
                out.push(' ');
            }
            out.push_str(&line[..cut]);
            out.push_str("\r\n");
            line = &line[cut..];
            first = false;
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Keys built from codes and enums exist in both languages.
    #[test]
    fn every_scheduling_key_built_from_a_code_exists() {
        use crate::portal::i18n::t_opt;
        use ws_scheduling::rules::booking::BookingRefusal as B;
        use ws_scheduling::rules::pcp::PcpRefusal as P;
        let mut keys: Vec<String> = Vec::new();
        for c in [
            "primary-care",
            "pediatrics",
            "same-day",
            "laboratory",
            "radiology",
            "obgyn",
            "mental-health",
            "dermatology",
            "optometry",
            "cardiology",
            "orthopedics",
        ] {
            keys.push(format!("visit.{c}"));
        }
        for s in [
            "booked",
            "cancelled",
            "arrived",
            "fulfilled",
            "noshow",
            "waitlist",
            "other",
        ] {
            keys.push(format!("appt.status.{s}"));
        }
        keys.extend(LANGUAGES.iter().map(|c| format!("language.{c}")));
        keys.extend(SPECIALTIES.iter().map(|(c, _)| format!("specialty.{c}")));
        for r in [
            B::Past,
            B::BeyondHorizon(90),
            B::NotCovered,
            B::NeedsReferral,
            B::AgeDoesNotFit,
            B::OutOfState,
            B::AlreadyHolds,
            B::ProxyLimited,
        ] {
            keys.push(r.key().to_owned());
        }
        for r in [
            P::NotPrimaryCare,
            P::AgeDoesNotFit,
            P::PanelClosed,
            P::PanelFull,
        ] {
            keys.push(r.key().to_owned());
        }
        use ws_identity::service::texts::CodeRefusal as C;
        for r in [C::NoCode, C::Expired, C::Wrong, C::TooMany] {
            keys.push(r.key().to_owned());
        }
        for s in ["on", "off", "pending", "stopped"] {
            keys.push(format!("texts.status.{s}"));
        }
        for k in &keys {
            for lang in [Lang::En, Lang::Es] {
                assert!(t_opt(lang, k).is_some(), "{k} missing in {lang:?}");
            }
        }
    }

    #[test]
    fn ics_is_rfc_5545() {
        let v = Visit {
            id: "a1".into(),
            status: "booked".into(),
            start: Some("2026-12-10T18:00:00Z".parse().unwrap()),
            end: Some("2026-12-10T18:20:00Z".parse().unwrap()),
            visit: "primary-care".into(),
            mode: Mode::InPerson,
            practitioner: None,
            practitioner_name: "Dr. Ada Okafor, MD".into(),
            location: None,
            location_name: "Cedar Hill Medical Offices; Building 2".into(),
            state: "WA".into(),
            instructions: Some("Arrive 15 minutes early with your member ID card and a list of your medicines, please, thank you.".into()),
            video_link: None,
            late: false,
            slot: None,
            version: 1,
        };
        let s = ics(Lang::En, &v, &"2026-12-01T00:00:00Z".parse().unwrap());
        assert!(s.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(s.contains("DTSTART:20261210T180000Z\r\n"));
        assert!(s.contains("DTEND:20261210T182000Z\r\n"));
        assert!(s.contains("LOCATION:Cedar Hill Medical Offices\\; Building 2\r\n"));
        assert!(s.lines().all(|l| l.len() <= 75), "{s}");
        assert!(s.contains("\r\n "), "long lines are folded");
        assert!(s.ends_with("END:VCALENDAR\r\n"));
    }
}
