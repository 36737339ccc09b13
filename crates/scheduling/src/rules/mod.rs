//! Scheduling's decisions, as pure functions (no I/O, "now" passed in).
//!
//! - [`pcp`]: who may be a member's personal doctor and when a panel is full (SCH-01).
//! - [`visit`]: visit types and modes, their lengths and the booking horizon (SCH-02).
//! - [`booking`]: may this member book this slot; may they cancel it online (SCH-02, SCH-03).
//! - [`slots`]: weekly templates to slot times (lunch, blocks, holidays), in the clinic's zone.
//! - [`reminders`]: when a reminder goes out, the text, and what a reply means (SCH-04,
//!   SMS-01, SMS-02).
//! - [`waitlist`]: who is offered a freed slot, and for how long (SCH-05).

pub mod booking;
pub mod pcp;
pub mod reminders;
pub mod slots;
pub mod visit;
pub mod waitlist;
