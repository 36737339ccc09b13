//! A one-time share link (issue 16 §4): the member gives an outside clinician a link to the
//! sections of their record they choose. The link is a random token (only its hash is kept);
//! it works until it expires (at most [`MAX_DAYS`] days), and only for one viewing: the first
//! open starts a window of [`VIEW_MINUTES`] minutes (to read, reload and print), after which it
//! is used up. The member may turn it off at any time. Pure functions of the link and "now".

use jiff::{SignedDuration, Timestamp};

/// The longest a link may live.
pub const MAX_DAYS: i64 = 14;
/// How long one viewing lasts from the first open.
pub const VIEW_MINUTES: i64 = 60;
/// The longest recipient text kept (a name and a practice, for the member's list).
pub const MAX_RECIPIENT: usize = 120;

/// What a link is, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub created: Timestamp,
    pub expires: Timestamp,
    /// When it was first opened.
    pub opened: Option<Timestamp>,
    /// Turned off by the member.
    pub revoked: bool,
}

/// Where a link stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// Not opened yet; works until it expires.
    Waiting,
    /// Opened; works until the viewing window closes (or the link expires, if sooner).
    Viewing {
        until: Timestamp,
    },
    /// The viewing window closed.
    Used,
    Expired,
    Revoked,
}

impl LinkState {
    /// May the record be shown now?
    pub fn open(self) -> bool {
        matches!(self, LinkState::Waiting | LinkState::Viewing { .. })
    }

    pub fn code(self) -> &'static str {
        match self {
            LinkState::Waiting => "waiting",
            LinkState::Viewing { .. } => "viewing",
            LinkState::Used => "used",
            LinkState::Expired => "expired",
            LinkState::Revoked => "revoked",
        }
    }
}

/// The state of `link` at `now`.
pub fn state(link: &Link, now: Timestamp) -> LinkState {
    if link.revoked {
        return LinkState::Revoked;
    }
    if now >= link.expires {
        return match link.opened {
            Some(_) => LinkState::Used,
            None => LinkState::Expired,
        };
    }
    match link.opened {
        None => LinkState::Waiting,
        Some(at) => {
            let until = at
                .checked_add(SignedDuration::from_mins(VIEW_MINUTES))
                .unwrap_or(at)
                .min(link.expires);
            if now < until {
                LinkState::Viewing { until }
            } else {
                LinkState::Used
            }
        }
    }
}

/// Why a link cannot be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareProblem {
    /// No section chosen.
    NoSection,
    /// Days outside 1..=MAX_DAYS.
    Days,
    /// Say who it is for.
    NoRecipient,
    RecipientTooLong,
}

impl ShareProblem {
    /// The field it concerns and its text key.
    pub fn field_and_key(self) -> (&'static str, &'static str) {
        match self {
            ShareProblem::NoSection => ("sections", "rec.share.need-section"),
            ShareProblem::Days => ("days", "rec.share.bad-days"),
            ShareProblem::NoRecipient => ("recipient", "rec.share.need-recipient"),
            ShareProblem::RecipientTooLong => ("recipient", "rec.share.recipient-long"),
        }
    }
}

/// Check a new link's choices; its expiry from `now`.
pub fn check(
    sections: usize,
    days: i64,
    recipient: &str,
    now: Timestamp,
) -> Result<Timestamp, Vec<ShareProblem>> {
    let mut problems = Vec::new();
    if sections == 0 {
        problems.push(ShareProblem::NoSection);
    }
    if !(1..=MAX_DAYS).contains(&days) {
        problems.push(ShareProblem::Days);
    }
    let r = recipient.trim();
    if r.is_empty() {
        problems.push(ShareProblem::NoRecipient);
    } else if r.chars().count() > MAX_RECIPIENT {
        problems.push(ShareProblem::RecipientTooLong);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(now
        .checked_add(SignedDuration::from_hours(24 * days))
        .unwrap_or(now))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_link_works_until_it_expires_and_for_one_viewing() {
        let link = Link {
            created: ts("2026-12-01T10:00:00Z"),
            expires: ts("2026-12-08T10:00:00Z"),
            opened: None,
            revoked: false,
        };
        let opened = Link {
            opened: Some(ts("2026-12-03T09:00:00Z")),
            ..link.clone()
        };
        let late_open = Link {
            opened: Some(ts("2026-12-08T09:30:00Z")),
            ..link.clone()
        };
        let revoked = Link {
            revoked: true,
            ..link.clone()
        };
        #[rustfmt::skip]
        let rows: Vec<(&str, &Link, &str, LinkState)> = vec![
            ("fresh",                     &link,      "2026-12-01T10:00:00Z", LinkState::Waiting),
            ("a second before expiry",    &link,      "2026-12-08T09:59:59Z", LinkState::Waiting),
            ("at expiry, never opened",   &link,      "2026-12-08T10:00:00Z", LinkState::Expired),
            ("just opened",               &opened,    "2026-12-03T09:00:00Z", LinkState::Viewing { until: ts("2026-12-03T10:00:00Z") }),
            ("reloaded within the hour",  &opened,    "2026-12-03T09:59:59Z", LinkState::Viewing { until: ts("2026-12-03T10:00:00Z") }),
            ("the hour is over",          &opened,    "2026-12-03T10:00:00Z", LinkState::Used),
            ("opened just before expiry", &late_open, "2026-12-08T09:45:00Z", LinkState::Viewing { until: ts("2026-12-08T10:00:00Z") }),
            ("expiry ends the viewing",   &late_open, "2026-12-08T10:00:00Z", LinkState::Used),
            ("revoked",                   &revoked,   "2026-12-02T10:00:00Z", LinkState::Revoked),
        ];
        for (name, l, now, want) in rows {
            let got = state(l, ts(now));
            assert_eq!(got, want, "{name}");
            assert_eq!(
                got.open(),
                matches!(want, LinkState::Waiting | LinkState::Viewing { .. }),
                "{name}"
            );
        }
    }

    #[test]
    fn a_new_link_names_sections_a_recipient_and_at_most_two_weeks() {
        let now = ts("2026-12-01T10:00:00Z");
        assert_eq!(
            check(2, 7, "Dr. Ines Park, Lakeside Clinic", now),
            Ok(ts("2026-12-08T10:00:00Z"))
        );
        assert_eq!(
            check(1, MAX_DAYS, "Dr. Park", now),
            Ok(ts("2026-12-15T10:00:00Z"))
        );
        assert_eq!(
            check(0, 0, " ", now),
            Err(vec![
                ShareProblem::NoSection,
                ShareProblem::Days,
                ShareProblem::NoRecipient
            ])
        );
        assert_eq!(check(1, 15, "Dr. Park", now), Err(vec![ShareProblem::Days]));
        let long = "x".repeat(MAX_RECIPIENT + 1);
        assert_eq!(
            check(1, 3, &long, now),
            Err(vec![ShareProblem::RecipientTooLong])
        );
    }
}
