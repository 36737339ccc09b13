//! The public directory: doctors (by name, specialty, language, gender, facility, distance,
//! accepting new patients) with their page, and facilities with hours, closures, services and
//! which urgent-care sites are open now. Directory data is public (CMS Provider Directory API),
//! so it is read as the system; nothing here touches a member's record.

use jiff::Timestamp;
use jiff::civil::{Time, Weekday};
use serde_json::Value;
use ws_fhir_service::calendar::federal_holidays;

use super::guard::{EXT_ACCEPTING, specialty};
use super::{Result, SchedulingService, first_code, ref_id};
use crate::rules::pcp::PrimaryCare;
use crate::rules::slots::{weekday, zone_of_state};

/// A doctor as the directory shows them (one practitioner role).
#[derive(Debug, Clone, Default)]
pub struct Doctor {
    pub role_id: String,
    pub practitioner_id: String,
    pub name: String,
    pub primary_care: Option<PrimaryCare>,
    pub specialty_code: String,
    pub specialty_name: String,
    pub gender: String,
    /// Languages by display name (English first).
    pub languages: Vec<String>,
    pub language_codes: Vec<String>,
    pub qualification: String,
    pub biography: String,
    pub location_id: String,
    pub location_name: String,
    pub address: String,
    pub phone: String,
    pub accepting: bool,
    pub hours: String,
    pub distance_km: Option<f64>,
    pub next_available: Option<Timestamp>,
    /// The site's position (latitude, longitude), for distances.
    pub position: Option<(f64, f64)>,
}

/// What to look for.
#[derive(Debug, Clone, Default)]
pub struct DoctorQuery {
    pub name: Option<String>,
    /// SNOMED specialty code.
    pub specialty: Option<String>,
    /// BCP-47 language code.
    pub language: Option<String>,
    pub gender: Option<String>,
    pub location: Option<String>,
    /// A postal code or town: sorts by distance from it.
    pub near: Option<String>,
    pub accepting: bool,
    /// Only doctors who can be a personal doctor for a member of this age.
    pub pcp_for_age: Option<i64>,
}

/// A facility.
#[derive(Debug, Clone, Default)]
pub struct Facility {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub address: String,
    pub phone: String,
    pub hours: Vec<String>,
    pub open_now: bool,
    pub closed_note: Option<String>,
    pub services: Vec<String>,
    pub distance_km: Option<f64>,
    pub position: Option<(f64, f64)>,
}

/// The specialties the directory searches by (SNOMED code, English label).
pub const SPECIALTIES: &[(&str, &str)] = &[
    ("419772000", "Family medicine"),
    ("419192003", "Internal medicine"),
    ("394537008", "Pediatrics"),
    ("394579002", "Cardiology"),
    ("394582007", "Dermatology"),
    ("394585009", "Obstetrics and gynecology"),
    ("394801008", "Orthopedics"),
    ("394587001", "Psychiatry"),
];

fn text_of(div: &str) -> String {
    let mut out = String::new();
    let mut tag = false;
    for c in div.chars() {
        match c {
            '<' => tag = true,
            '>' => tag = false,
            c if !tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .trim()
        .to_owned()
}

fn address_of(a: &Value) -> String {
    let line: Vec<&str> = a["line"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    format!(
        "{}, {}, {} {}",
        line.join(" "),
        a["city"].as_str().unwrap_or_default(),
        a["state"].as_str().unwrap_or_default(),
        a["postalCode"].as_str().unwrap_or_default()
    )
}

fn position(loc: &Value) -> Option<(f64, f64)> {
    Some((
        loc["position"]["latitude"].as_f64()?,
        loc["position"]["longitude"].as_f64()?,
    ))
}

/// Great-circle distance in kilometres.
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let r = 6_371.0_f64;
    let (la1, lo1) = (a.0.to_radians(), a.1.to_radians());
    let (la2, lo2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().asin()
}

/// "Mon–Fri 08:00–17:00" lines from FHIR hours (`hoursOfOperation`/`availableTime`).
pub fn hours_lines(hours: &Value) -> Vec<String> {
    hours
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| {
            let days: Vec<&str> = h["daysOfWeek"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let days = match days.as_slice() {
                ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] => "Every day".to_owned(),
                ["mon", "tue", "wed", "thu", "fri"] => "Mon–Fri".to_owned(),
                other => other
                    .iter()
                    .map(|d| {
                        let mut c = d.chars();
                        c.next()
                            .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                            .unwrap_or_default()
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            if h["allDay"].as_bool() == Some(true) {
                format!("{days}: 24 hours")
            } else {
                let t = |k: &str, alt: &str| {
                    h[k].as_str()
                        .or_else(|| h[alt].as_str())
                        .and_then(|s| s.get(..5))
                        .unwrap_or("")
                        .to_owned()
                };
                format!(
                    "{days}: {}–{}",
                    t("openingTime", "availableStartTime"),
                    t("closingTime", "availableEndTime")
                )
            }
        })
        .collect()
}

/// Is a site with these hours open at `now` (its own zone; closed on federal holidays unless
/// it is open around the clock or every day, like urgent care and emergency)?
pub fn open_at(hours: &Value, state: &str, now: Timestamp) -> bool {
    let local = now.to_zoned(zone_of_state(state));
    let (day, time) = (local.date(), local.time());
    let wd: Weekday = day.weekday();
    let every_day = |h: &Value| h["daysOfWeek"].as_array().is_some_and(|d| d.len() == 7);
    hours.as_array().into_iter().flatten().any(|h| {
        let days_ok = h["daysOfWeek"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| d.as_str().and_then(weekday))
            .any(|d| d == wd);
        if !days_ok {
            return false;
        }
        if !every_day(h) && federal_holidays(day.year()).contains(&day) {
            return false;
        }
        if h["allDay"].as_bool() == Some(true) {
            return true;
        }
        let t = |k: &str| h[k].as_str().and_then(|s| s.parse::<Time>().ok());
        match (t("openingTime"), t("closingTime")) {
            (Some(o), Some(c)) => time >= o && time < c,
            _ => false,
        }
    })
}

impl SchedulingService {
    /// Where "near" is: the position of a site in that postal code or town.
    async fn origin(&self, near: &str) -> Result<Option<(f64, f64)>> {
        let near = near.trim();
        if near.is_empty() {
            return Ok(None);
        }
        let key = if near.chars().all(|c| c.is_ascii_digit()) {
            "address-postalcode"
        } else {
            "address-city"
        };
        let locs = self
            .shared_search("Location", &[(key, near.to_owned())], 20)
            .await?;
        if let Some(p) = locs.iter().find_map(position) {
            return Ok(Some(p));
        }
        // A postal code with no site in it: the nearest one sharing its first four digits.
        if key == "address-postalcode" && near.len() >= 4 {
            let locs = self
                .shared_search("Location", &[(key, near[..4].to_owned())], 20)
                .await?;
            return Ok(locs.iter().find_map(position));
        }
        Ok(None)
    }

    /// A doctor from their role.
    async fn doctor_of(&self, role: &Value) -> Result<Option<Doctor>> {
        let Some(pid) = ref_id(&role["practitioner"], "Practitioner") else {
            return Ok(None);
        };
        let Some(p) = self.shared("Practitioner", pid).await? else {
            return Ok(None);
        };
        let loc_id = role["location"]
            .get(0)
            .and_then(|l| ref_id(l, "Location"))
            .unwrap_or_default()
            .to_owned();
        let loc = if loc_id.is_empty() {
            None
        } else {
            self.shared("Location", &loc_id).await?
        };
        let coding = role["specialty"][0]["coding"][0].clone();
        let n = &p["name"][0];
        let given: Vec<&str> = n["given"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let prefix = n["prefix"][0]
            .as_str()
            .map(|s| format!("{s} "))
            .unwrap_or_default();
        let suffix = n["suffix"][0]
            .as_str()
            .map(|s| format!(", {s}"))
            .unwrap_or_default();
        let comms: Vec<&Value> = p["communication"]
            .as_array()
            .into_iter()
            .flatten()
            .collect();
        Ok(Some(Doctor {
            role_id: role["id"].as_str().unwrap_or_default().to_owned(),
            practitioner_id: pid.to_owned(),
            name: format!(
                "{prefix}{} {}{suffix}",
                given.join(" "),
                n["family"].as_str().unwrap_or_default()
            ),
            primary_care: specialty(role),
            specialty_code: coding["code"].as_str().unwrap_or_default().to_owned(),
            specialty_name: coding["display"].as_str().unwrap_or_default().to_owned(),
            gender: p["gender"].as_str().unwrap_or_default().to_owned(),
            languages: comms
                .iter()
                .filter_map(|c| c["coding"][0]["display"].as_str().map(str::to_owned))
                .collect(),
            language_codes: comms
                .iter()
                .filter_map(|c| c["coding"][0]["code"].as_str().map(str::to_owned))
                .collect(),
            qualification: p["qualification"][0]["code"]["text"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            biography: p["text"]["div"].as_str().map(text_of).unwrap_or_default(),
            location_id: loc_id,
            location_name: loc
                .as_ref()
                .and_then(|l| l["name"].as_str())
                .unwrap_or_default()
                .to_owned(),
            address: loc
                .as_ref()
                .map(|l| address_of(&l["address"]))
                .unwrap_or_default(),
            phone: role["telecom"][0]["value"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            accepting: role["extension"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|e| e["url"].as_str() == Some(EXT_ACCEPTING))
                .and_then(|e| e["valueBoolean"].as_bool())
                .unwrap_or(false),
            hours: hours_lines(&role["availableTime"]).join("; "),
            distance_km: None,
            next_available: None,
            position: loc.as_ref().and_then(position),
        }))
    }

    /// Doctors matching `q` (physicians only), nearest first when `near` is given, else by name.
    pub async fn doctors(&self, q: &DoctorQuery, limit: usize) -> Result<Vec<Doctor>> {
        let mut pairs: Vec<(&str, String)> =
            vec![("active", "true".into()), ("role", "doctor".into())];
        if let Some(s) = q.specialty.as_ref().filter(|s| !s.is_empty()) {
            pairs.push(("specialty", s.clone()));
        }
        if let Some(l) = q.location.as_ref().filter(|s| !s.is_empty()) {
            pairs.push(("location", format!("Location/{l}")));
        }
        if let Some(n) = q.name.as_ref().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            pairs.push(("practitioner.name", n.to_owned()));
        }
        if let Some(g) = q.gender.as_ref().filter(|s| !s.is_empty()) {
            pairs.push(("practitioner.gender", g.clone()));
        }
        if let Some(l) = q.language.as_ref().filter(|s| !s.is_empty()) {
            pairs.push(("practitioner.communication", l.clone()));
        }
        let roles = self
            .shared_search("PractitionerRole", &pairs, 2_000)
            .await?;
        let origin = match &q.near {
            Some(n) => self.origin(n).await?,
            None => None,
        };
        let mut out = Vec::new();
        for role in &roles {
            let Some(mut d) = self.doctor_of(role).await? else {
                continue;
            };
            if q.accepting && !d.accepting {
                continue;
            }
            if let Some(age) = q.pcp_for_age
                && !d.primary_care.is_some_and(|p| p.sees_age(age))
            {
                continue;
            }
            d.distance_km = origin.zip(d.position).map(|(o, p)| distance_km(o, p));
            out.push(d);
        }
        if origin.is_some() {
            out.sort_by(|a, b| {
                a.distance_km
                    .unwrap_or(f64::MAX)
                    .total_cmp(&b.distance_km.unwrap_or(f64::MAX))
                    .then_with(|| a.name.cmp(&b.name))
            });
        } else {
            out.sort_by(|a, b| a.name.cmp(&b.name));
        }
        out.truncate(limit);
        Ok(out)
    }

    /// One doctor's page: the role, and the next free visit.
    pub async fn doctor(&self, role_id: &str) -> Result<Option<Doctor>> {
        let Some(role) = self.shared("PractitionerRole", role_id).await? else {
            return Ok(None);
        };
        let Some(mut d) = self.doctor_of(&role).await? else {
            return Ok(None);
        };
        let next = self
            .open_slots(
                &super::booking::SlotQuery {
                    practitioner: Some(d.practitioner_id.clone()),
                    ..Default::default()
                },
                1,
            )
            .await?;
        d.next_available = next.first().map(|s| s.start);
        Ok(Some(d))
    }

    /// Facilities, nearest first when `near` is given; `urgent`: urgent care and emergency only.
    pub async fn facilities(&self, near: Option<&str>, urgent: bool) -> Result<Vec<Facility>> {
        let now = self.clock().now();
        let locs = self.shared_search("Location", &[], 2_000).await?;
        let services = self.shared_search("HealthcareService", &[], 5_000).await?;
        let origin = match near {
            Some(n) => self.origin(n).await?,
            None => None,
        };
        let mut out = Vec::new();
        for l in &locs {
            let id = l["id"].as_str().unwrap_or_default();
            let kind = l["type"][0]["text"].as_str().unwrap_or_default().to_owned();
            let svc: Vec<String> = services
                .iter()
                .filter(|s| {
                    s["location"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|r| ref_id(r, "Location") == Some(id))
                })
                .filter_map(|s| {
                    s["type"][0]["coding"][0]["display"]
                        .as_str()
                        .map(str::to_owned)
                })
                .collect();
            let is_urgent = kind == "Urgent care center" || kind == "Emergency department";
            if urgent && !is_urgent {
                continue;
            }
            if kind == "Mail-order pharmacy" {
                continue;
            }
            let state = l["address"]["state"].as_str().unwrap_or_default();
            let suspended = l["status"].as_str() == Some("suspended");
            let pos = position(l);
            out.push(Facility {
                id: id.to_owned(),
                name: l["name"].as_str().unwrap_or_default().to_owned(),
                kind,
                address: address_of(&l["address"]),
                phone: l["telecom"][0]["value"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                hours: hours_lines(&l["hoursOfOperation"]),
                open_now: !suspended && open_at(&l["hoursOfOperation"], state, now),
                closed_note: suspended.then(|| {
                    l["description"]
                        .as_str()
                        .unwrap_or("Temporarily closed")
                        .to_owned()
                }),
                services: svc,
                distance_km: origin.zip(pos).map(|(o, p)| distance_km(o, p)),
                position: pos,
            });
        }
        out.sort_by(|a, b| {
            a.distance_km
                .unwrap_or(f64::MAX)
                .total_cmp(&b.distance_km.unwrap_or(f64::MAX))
                .then_with(|| a.name.cmp(&b.name))
        });
        Ok(out)
    }

    /// The visit types a member may book online at a site or with a doctor, for the booking
    /// page's choices: the service types of active schedules.
    pub async fn visit_types(&self) -> Result<Vec<String>> {
        let schedules = self
            .shared_search("Schedule", &[("active", "true".into())], 10_000)
            .await?;
        let mut codes: Vec<String> = schedules
            .iter()
            .filter_map(|s| first_code(&s["serviceType"]).map(str::to_owned))
            .filter(|c| crate::rules::visit::VisitType::from_code(c).is_some())
            .collect();
        codes.sort();
        codes.dedup();
        Ok(codes)
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn directory_open_now_follows_hours_zone_and_holidays() {
        let hours = json!([
            {"daysOfWeek": ["mon","tue","wed","thu","fri"], "openingTime": "08:30:00", "closingTime": "17:30:00"}
        ]);
        // Mon 2026-12-07 09:00 PST = 17:00Z.
        assert!(open_at(
            &hours,
            "WA",
            "2026-12-07T17:00:00Z".parse().expect("ts")
        ));
        // 08:00 PST: not yet.
        assert!(!open_at(
            &hours,
            "WA",
            "2026-12-07T16:00:00Z".parse().expect("ts")
        ));
        // Saturday.
        assert!(!open_at(
            &hours,
            "WA",
            "2026-12-12T18:00:00Z".parse().expect("ts")
        ));
        // Christmas Day (Friday 2026-12-25) is a federal holiday.
        assert!(!open_at(
            &hours,
            "WA",
            "2026-12-25T18:00:00Z".parse().expect("ts")
        ));
        // Urgent care, open every day 08–22, stays open on the holiday.
        let urgent = json!([{"daysOfWeek": ["mon","tue","wed","thu","fri","sat","sun"], "openingTime": "08:00:00", "closingTime": "22:00:00"}]);
        assert!(open_at(
            &urgent,
            "WA",
            "2026-12-25T18:00:00Z".parse().expect("ts")
        ));
        assert!(!open_at(
            &urgent,
            "WA",
            "2026-12-26T07:00:00Z".parse().expect("ts")
        ));
        assert_eq!(hours_lines(&urgent), ["Every day: 08:00–22:00"]);
    }

    #[test]
    fn directory_distance() {
        // Seattle to Portland is about 233 km.
        let d = distance_km((47.6062, -122.3321), (45.5152, -122.6784));
        assert!((230.0..236.0).contains(&d), "{d}");
    }
}
