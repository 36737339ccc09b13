//! Pharmacy rules: pure functions, no I/O.
//!
//! - [`refill`]: may this prescription be refilled today, and if not, why and until when
//!   (RX-01, RX-04, RX-05, RX-06).
//! - [`formulary`]: the plan's drug list — tier, controlled-substance schedule, mail-order and
//!   auto-refill eligibility, prior authorization.
//! - [`cost`]: what the member pays for a fill (generic, brand, mail tiers; day-supply limits).
//! - [`delivery`]: business days, the mail-order delivery estimate and the renewal answer date
//!   (SEED-07, RX-06, RX-07); card on file for mail order (RX-08).
//! - [`reminders`]: what a refill plan (reminder, auto-refill) makes due on a day (RX-01, RX-07).
//! - [`transfer`]: a transfer in from an outside pharmacy — the member's request, and whether
//!   what the other pharmacy reports may move (RX-04, RX-05, 21 CFR 1306.25).

pub mod cost;
pub mod delivery;
pub mod formulary;
pub mod refill;
pub mod reminders;
pub mod transfer;
