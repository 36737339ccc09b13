//! Holding one result (DOMAIN HIP-08, 45 CFR 171.201): results are released to the member at
//! once; the only thing that may hold one back is a licensed clinician's *individual*
//! determination, for this result and this patient, that releasing it would cause harm —
//! never a blanket rule, never "until a clinician has reviewed it". A hold is recorded on the
//! result itself (a `meta.security` label the policy reads, and an extension with the basis,
//! the reason, the clinician and the time) and lasts until a clinician lifts it.
//!
//! Two bases, two labels (`ws_identity::rules::labels`):
//! - danger to the life or physical safety of the patient or another person: held from the
//!   patient and from everyone acting for them (`hold-all`) — the only basis on which a result
//!   may be held from the patient themself;
//! - substantial harm, where the request comes from a representative (a parent, a caregiver):
//!   held from those acting for the patient only; the patient sees it (`hold-representatives`).
//!
//! Pure functions of the resource and the determination.

use serde_json::{Value, json};
use ws_identity::rules::labels::{HOLD_ALL, HOLD_REPRESENTATIVES, HOLD_SYSTEM, HOLDS};

/// The extension recording the determination on a held resource.
pub const EXT_HOLD: &str = "urn:wellspring:fhir:release-hold";
/// The shortest reason accepted (a determination names its grounds in words).
pub const MIN_REASON_CHARS: usize = 12;

/// The ground a clinician holds a result on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basis {
    /// Danger to life or physical safety: held from the patient and those acting for them.
    LifeOrSafety,
    /// Substantial harm: held from those acting for the patient only.
    SubstantialHarm,
}

impl Basis {
    pub const ALL: [Basis; 2] = [Basis::LifeOrSafety, Basis::SubstantialHarm];

    /// The code stored in the extension and posted by the staff form.
    pub fn code(self) -> &'static str {
        match self {
            Basis::LifeOrSafety => "life-or-safety",
            Basis::SubstantialHarm => "substantial-harm",
        }
    }

    pub fn from_code(s: &str) -> Option<Basis> {
        Basis::ALL.into_iter().find(|b| b.code() == s)
    }

    /// The policy label the basis puts on the result.
    pub fn label(self) -> &'static str {
        match self {
            Basis::LifeOrSafety => HOLD_ALL,
            Basis::SubstantialHarm => HOLD_REPRESENTATIVES,
        }
    }

    /// Who does not see the result, in words (staff pages).
    pub fn hidden_from(self) -> &'static str {
        match self {
            Basis::LifeOrSafety => "the member and everyone acting for them",
            Basis::SubstantialHarm => "people acting for the member (the member sees it)",
        }
    }
}

/// A clinician's determination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub basis: Basis,
    pub reason: String,
    /// `Practitioner/<id>` (or the staff account when it names no practitioner).
    pub clinician: String,
    /// FHIR instant.
    pub at: String,
}

/// Why a hold cannot be placed or lifted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoldRefusal {
    /// The reason is missing or too short to be an individual determination.
    NoReason,
    /// Already held; lift the hold first to change its basis.
    AlreadyHeld,
    /// Not held: nothing to lift.
    NotHeld,
    /// Only final or corrected results are released; a preliminary one is not a result yet.
    NotAResult,
    /// Who is asking may not: only a clinician with a treating relationship holds or lifts
    /// one (a break-the-glass declaration is not a relationship).
    NotTreatingClinician,
    /// A write dropped the hold's label but kept its determination: an update that forgot
    /// `meta`, not a release (releases go through the results screen, which removes both).
    PartialLift,
}

impl HoldRefusal {
    pub fn message(&self) -> String {
        match self {
            HoldRefusal::NoReason => format!(
                "say why releasing this result now would cause harm to this patient \
                 (at least {MIN_REASON_CHARS} characters): a hold is an individual determination"
            ),
            HoldRefusal::AlreadyHeld => {
                "this result is already held; release it first to change the basis".into()
            }
            HoldRefusal::NotHeld => "this result is not held".into(),
            HoldRefusal::NotAResult => {
                "a hold applies to a result the member would see (not to a registered, \
                 cancelled or entered-in-error report)"
                    .into()
            }
            HoldRefusal::PartialLift => "this result is held: an update must keep its hold \
                 (meta.security), or release it on the results screen"
                .into(),
            HoldRefusal::NotTreatingClinician => {
                "only a clinician on this patient's care team may hold or release a result \
                 (emergency access does not qualify)"
                    .into()
            }
        }
    }
}

/// The hold labels on `res` (`hold-all`, `hold-representatives`).
pub fn held_labels(res: &Value) -> Vec<&'static str> {
    let sec = res
        .pointer("/meta/security")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    HOLDS
        .into_iter()
        .filter(|l| {
            sec.iter()
                .any(|c| c["system"].as_str() == Some(HOLD_SYSTEM) && c["code"].as_str() == Some(l))
        })
        .collect()
}

/// Whether `res` is held from anyone.
pub fn is_held(res: &Value) -> bool {
    !held_labels(res).is_empty()
}

/// The determination recorded on `res`, if it is held.
pub fn hold_of(res: &Value) -> Option<Hold> {
    if !is_held(res) {
        return None;
    }
    let ext = res["extension"]
        .as_array()?
        .iter()
        .find(|e| e["url"].as_str() == Some(EXT_HOLD))?;
    let part = |name: &str| {
        ext["extension"]
            .as_array()
            .and_then(|a| a.iter().find(|e| e["url"].as_str() == Some(name)).cloned())
    };
    let text = |name: &str, key: &str| {
        part(name)
            .and_then(|e| e[key].as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    Some(Hold {
        basis: Basis::from_code(&text("basis", "valueCode"))?,
        reason: text("reason", "valueString"),
        clinician: part("clinician")
            .and_then(|e| e["valueReference"]["reference"].as_str().map(str::to_owned))
            .unwrap_or_default(),
        at: text("at", "valueDateTime"),
    })
}

/// Check a determination before it is placed on `res`.
pub fn check_place(res: &Value, reason: &str) -> Result<(), HoldRefusal> {
    if reason.trim().chars().count() < MIN_REASON_CHARS {
        return Err(HoldRefusal::NoReason);
    }
    if is_held(res) {
        return Err(HoldRefusal::AlreadyHeld);
    }
    let status = res["status"].as_str().unwrap_or_default();
    if !matches!(
        status,
        "final" | "amended" | "corrected" | "appended" | "preliminary" | "partial"
    ) {
        return Err(HoldRefusal::NotAResult);
    }
    Ok(())
}

/// Put `hold` on `res`: its label in `meta.security` and the determination as an extension.
/// Any earlier hold is replaced.
pub fn place(res: &mut Value, hold: &Hold) {
    lift(res);
    let Some(obj) = res.as_object_mut() else {
        return;
    };
    let meta = obj.entry("meta").or_insert_with(|| json!({}));
    if !meta["security"].is_array() {
        meta["security"] = json!([]);
    }
    if let Some(sec) = meta["security"].as_array_mut() {
        sec.push(json!({
            "system": HOLD_SYSTEM,
            "code": hold.basis.label(),
            "display": format!("held by a clinician: {}", hold.basis.code()),
        }));
    }
    let ext = obj.entry("extension").or_insert_with(|| json!([]));
    if !ext.is_array() {
        *ext = json!([]);
    }
    if let Some(list) = ext.as_array_mut() {
        list.push(json!({
            "url": EXT_HOLD,
            "extension": [
                {"url": "basis", "valueCode": hold.basis.code()},
                {"url": "reason", "valueString": hold.reason.trim()},
                {"url": "clinician", "valueReference": {"reference": hold.clinician}},
                {"url": "at", "valueDateTime": hold.at},
            ]
        }));
    }
}

/// Take any hold off `res` (label and determination).
pub fn lift(res: &mut Value) {
    if let Some(meta) = res.get_mut("meta").and_then(Value::as_object_mut)
        && let Some(sec) = meta.get_mut("security").and_then(Value::as_array_mut)
    {
        sec.retain(|c| c["system"].as_str() != Some(HOLD_SYSTEM));
        if sec.is_empty() {
            meta.remove("security");
        }
    }
    if let Some(list) = res.get_mut("extension").and_then(Value::as_array_mut) {
        list.retain(|e| e["url"].as_str() != Some(EXT_HOLD));
        if list.is_empty()
            && let Some(obj) = res.as_object_mut()
        {
            obj.remove("extension");
        }
    }
}

/// Who writes a resource whose hold changes (the write guard's question).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    /// A clinician whose care team treats the patient.
    TreatingClinician,
    /// A clinician reaching the patient only by break-the-glass, or any other staff role.
    OtherStaff,
    /// A trusted back end (an interface filing results, the system itself).
    Interface,
    /// A member or an app (the FHIR API is read-only for them; listed for completeness).
    Person,
}

/// May `who` write a version whose hold labels are `after` over one whose labels are `before`?
/// Only a treating clinician places or lifts a hold. An interface may *keep* one (a corrected
/// result of a held report stays held) and may put one on a new result of a held report, but
/// never lifts one: a correction from the lab does not release what a clinician held.
pub fn may_change(
    before: &[&str],
    after: &[&str],
    created: bool,
    who: Writer,
) -> Result<(), HoldRefusal> {
    let lifted = before.iter().any(|l| !after.contains(l));
    let placed = after.iter().any(|l| !before.contains(l));
    if !lifted && !placed {
        return Ok(());
    }
    match who {
        Writer::TreatingClinician => Ok(()),
        Writer::Interface if !lifted && created => Ok(()),
        _ => Err(HoldRefusal::NotTreatingClinician),
    }
}

/// Whatever the writer, a hold on the stored version is whole: placed, it records its
/// determination (basis and a reason: [`check_place`]'s rule on every path, not only the
/// screen); lifted, its determination goes with it (a write that keeps the determination but
/// drops the label forgot `meta`: refused, so nothing is released by accident).
pub fn check_whole(before: Option<&Value>, after: Option<&Value>) -> Result<(), HoldRefusal> {
    let was = before.map(held_labels).unwrap_or_default();
    let Some(after) = after else {
        return Ok(());
    };
    let now = held_labels(after);
    if !now.is_empty() && now != was {
        let reason_ok =
            hold_of(after).is_some_and(|h| h.reason.trim().chars().count() >= MIN_REASON_CHARS);
        if !reason_ok {
            return Err(HoldRefusal::NoReason);
        }
    }
    let keeps_determination = after["extension"]
        .as_array()
        .is_some_and(|a| a.iter().any(|e| e["url"] == EXT_HOLD));
    if !was.is_empty() && now.is_empty() && keeps_determination {
        return Err(HoldRefusal::PartialLift);
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn report(status: &str) -> Value {
        json!({"resourceType": "DiagnosticReport", "status": status, "meta": {"security": [
            {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "PSY"}
        ]}, "extension": [{"url": "urn:other", "valueString": "kept"}]})
    }

    fn hold(basis: Basis) -> Hold {
        Hold {
            basis,
            reason: "  Biopsy result; patient at risk of self-harm, to be told in person ".into(),
            clinician: "Practitioner/pr1".into(),
            at: "2026-12-05T09:30:00Z".into(),
        }
    }

    #[test]
    fn hip_08_a_hold_is_placed_read_back_and_lifted_keeping_everything_else() {
        for basis in Basis::ALL {
            let mut r = report("final");
            assert_eq!(check_place(&r, &hold(basis).reason), Ok(()));
            place(&mut r, &hold(basis));
            assert_eq!(held_labels(&r), vec![basis.label()]);
            let got = hold_of(&r).unwrap();
            assert_eq!(got.basis, basis);
            assert_eq!(
                got.reason,
                "Biopsy result; patient at risk of self-harm, to be told in person"
            );
            assert_eq!(got.clinician, "Practitioner/pr1");
            assert_eq!(got.at, "2026-12-05T09:30:00Z");
            assert_eq!(check_place(&r, &got.reason), Err(HoldRefusal::AlreadyHeld));
            lift(&mut r);
            assert!(!is_held(&r));
            assert_eq!(hold_of(&r), None);
            assert_eq!(r, report("final"), "lifting restores the rest untouched");
        }
        // A result with no other label keeps no empty list (FHIR allows no empty arrays).
        let mut bare =
            json!({"resourceType": "Observation", "status": "final", "meta": {"versionId": "2"}});
        place(&mut bare, &hold(Basis::LifeOrSafety));
        lift(&mut bare);
        assert_eq!(
            bare,
            json!({"resourceType": "Observation", "status": "final", "meta": {"versionId": "2"}})
        );
    }

    #[test]
    fn hip_08_basis_decides_who_is_held_from() {
        assert_eq!(Basis::LifeOrSafety.label(), HOLD_ALL);
        assert_eq!(Basis::SubstantialHarm.label(), HOLD_REPRESENTATIVES);
        for b in Basis::ALL {
            assert_eq!(Basis::from_code(b.code()), Some(b));
        }
        assert_eq!(
            Basis::from_code("until-reviewed"),
            None,
            "no blanket embargo"
        );
    }

    #[test]
    fn hip_08_a_hold_needs_an_individual_reason_and_a_releasable_result() {
        #[rustfmt::skip]
        let rows: &[(&str, &str, Result<(), HoldRefusal>)] = &[
            // status        reason                                   outcome
            ("final",        "danger to patient: tell in person",    Ok(())),
            ("corrected",    "danger to patient: tell in person",    Ok(())),
            ("amended",      "danger to patient: tell in person",    Ok(())),
            ("preliminary",  "danger to patient: tell in person",    Ok(())),
            ("final",        "",                                     Err(HoldRefusal::NoReason)),
            ("final",        "   review   ",                         Err(HoldRefusal::NoReason)),
            ("final",        "01234567890",                          Err(HoldRefusal::NoReason)),
            ("final",        "012345678901",                         Ok(())),
            ("registered",   "danger to patient: tell in person",    Err(HoldRefusal::NotAResult)),
            ("cancelled",    "danger to patient: tell in person",    Err(HoldRefusal::NotAResult)),
            ("entered-in-error", "danger to patient: tell in person", Err(HoldRefusal::NotAResult)),
        ];
        for (status, reason, want) in rows {
            assert_eq!(
                &check_place(&report(status), reason),
                want,
                "{status} {reason:?}"
            );
        }
    }

    #[test]
    fn hip_08_only_a_treating_clinician_places_or_lifts_a_hold() {
        use Writer::*;
        let none: &[&str] = &[];
        let all: &[&str] = &[HOLD_ALL];
        let reps: &[&str] = &[HOLD_REPRESENTATIVES];
        let refused = Err(HoldRefusal::NotTreatingClinician);
        type Row<'a> = (
            &'a [&'a str],
            &'a [&'a str],
            bool,
            Writer,
            Result<(), HoldRefusal>,
        );
        #[rustfmt::skip]
        let rows: &[Row] = &[
            // before  after  created  writer              outcome
            (none,     none,  false,   Interface,          Ok(())),
            (none,     none,  false,   OtherStaff,         Ok(())),
            (all,      all,   false,   Interface,          Ok(())),   // a correction keeps the hold
            (none,     all,   true,    Interface,          Ok(())),   // a new result of a held report
            (none,     all,   false,   Interface,          refused.clone()),
            (all,      none,  false,   Interface,          refused.clone()), // never lifted by the lab
            (all,      reps,  false,   Interface,          refused.clone()),
            (none,     all,   false,   TreatingClinician,  Ok(())),
            (all,      none,  false,   TreatingClinician,  Ok(())),
            (all,      reps,  false,   TreatingClinician,  Ok(())),
            (none,     all,   false,   OtherStaff,         refused.clone()),
            (all,      none,  false,   OtherStaff,         refused.clone()),
            (none,     reps,  true,    Person,             refused.clone()),
        ];
        for (before, after, created, who, want) in rows {
            assert_eq!(
                &may_change(before, after, *created, *who),
                want,
                "{before:?} -> {after:?} created={created} by {who:?}"
            );
        }
    }

    #[test]
    fn hip_08_a_hold_is_whole_on_every_path() {
        let mut held = report("final");
        place(&mut held, &hold(Basis::LifeOrSafety));
        let plain = report("final");
        // Placed with its determination, or lifted with it: fine.
        assert_eq!(check_whole(Some(&plain), Some(&held)), Ok(()));
        assert_eq!(check_whole(Some(&held), Some(&plain)), Ok(()));
        assert_eq!(check_whole(Some(&held), Some(&held)), Ok(()));
        assert_eq!(check_whole(None, Some(&plain)), Ok(()));
        assert_eq!(
            check_whole(Some(&held), None),
            Ok(()),
            "a delete is the policy's matter"
        );
        // A label without a determination (or with an empty reason).
        let mut bare = plain.clone();
        bare["meta"]["security"]
            .as_array_mut()
            .unwrap()
            .push(json!({"system": HOLD_SYSTEM, "code": HOLD_ALL}));
        assert_eq!(
            check_whole(Some(&plain), Some(&bare)),
            Err(HoldRefusal::NoReason)
        );
        let mut thin = plain.clone();
        place(
            &mut thin,
            &Hold {
                reason: "x".into(),
                ..hold(Basis::LifeOrSafety)
            },
        );
        assert_eq!(
            check_whole(Some(&plain), Some(&thin)),
            Err(HoldRefusal::NoReason)
        );
        // An update that forgot meta but kept the determination: not a release.
        let mut forgot = held.clone();
        forgot["meta"] = json!({});
        assert_eq!(
            check_whole(Some(&held), Some(&forgot)),
            Err(HoldRefusal::PartialLift)
        );
    }
}
