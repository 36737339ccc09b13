//! The fixed texts a card draws, supplied by the caller in the member's
//! language.

/// Every fixed string the card renderers draw (field labels, headings, the
/// emergency notice, the PDF's page title and instructions, the QR code's
/// accessible title). The caller fills it in the member's language; the
/// crate has no translations of its own. [`CardLabels::english`] (also
/// [`Default`]) is the English set.
///
/// Labels are never cut: one too long for its place is set smaller (and,
/// where the layout has room for a second line, wrapped), so any
/// translation is printed in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardLabels {
    /// PDF page heading under the organisation, and the PDF's document
    /// title: "Member ID card".
    pub title: String,
    /// PDF: how to cut and fold the printed card.
    pub cut_and_fold: String,
    /// PDF: caption under the card's front.
    pub front: String,
    /// PDF: caption under the card's back.
    pub back: String,
    /// Medical record number.
    pub mrn: String,
    /// Plan member number.
    pub member_id: String,
    pub plan: String,
    pub group: String,
    /// Coverage effective date.
    pub effective: String,
    /// Primary care physician.
    pub pcp: String,
    /// Heading of the copays list.
    pub copays: String,
    /// Drawn after "+N " when not every copay fits on the card, e.g.
    /// "+3 more: see your plan documents".
    pub more_copays: String,
    /// PDF: heading of the phone numbers on the back.
    pub phone_numbers: String,
    pub member_services: String,
    pub advice_nurse: String,
    pub away_from_home: String,
    /// The emergency notice, drawn in red.
    pub emergency: String,
    /// Drawn before the issue date ("Issued 2026-01-05").
    pub issued: String,
    /// Accessible name of the QR code in the portal's SVG (its `<title>`).
    pub qr_title: String,
}

impl CardLabels {
    /// The English labels.
    pub fn english() -> Self {
        let s = |t: &str| t.to_owned();
        CardLabels {
            title: s("Member ID card"),
            cut_and_fold: s(
                "Cut along the outer dashed line, fold along the dotted centre line so the front and back face out.",
            ),
            front: s("Front"),
            back: s("Back"),
            mrn: s("MRN"),
            member_id: s("Member ID"),
            plan: s("Plan"),
            group: s("Group"),
            effective: s("Effective"),
            pcp: s("PCP"),
            copays: s("Copays"),
            more_copays: s("more: see your plan documents"),
            phone_numbers: s("Phone numbers"),
            member_services: s("Member Services"),
            advice_nurse: s("Advice nurse, 24/7"),
            away_from_home: s("Away from home"),
            emergency: s("Emergency? Call 911 or go to the nearest hospital."),
            issued: s("Issued"),
            qr_title: s("Member ID card QR code"),
        }
    }

    /// Every label with its field name, in declaration order (for the
    /// tests and for checking a translation is complete).
    pub fn fields(&self) -> [(&'static str, &str); 19] {
        // Destructured so that a new field cannot be left out here.
        let CardLabels {
            title,
            cut_and_fold,
            front,
            back,
            mrn,
            member_id,
            plan,
            group,
            effective,
            pcp,
            copays,
            more_copays,
            phone_numbers,
            member_services,
            advice_nurse,
            away_from_home,
            emergency,
            issued,
            qr_title,
        } = self;
        [
            ("title", title),
            ("cut_and_fold", cut_and_fold),
            ("front", front),
            ("back", back),
            ("mrn", mrn),
            ("member_id", member_id),
            ("plan", plan),
            ("group", group),
            ("effective", effective),
            ("pcp", pcp),
            ("copays", copays),
            ("more_copays", more_copays),
            ("phone_numbers", phone_numbers),
            ("member_services", member_services),
            ("advice_nurse", advice_nurse),
            ("away_from_home", away_from_home),
            ("emergency", emergency),
            ("issued", issued),
            ("qr_title", qr_title),
        ]
    }
}

impl Default for CardLabels {
    fn default() -> Self {
        Self::english()
    }
}
