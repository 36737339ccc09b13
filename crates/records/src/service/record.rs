//! The member record (placeholder replaced below).
