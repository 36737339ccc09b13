-- One patient's dated rows, newest first: a patient-scoped search sorted by a date
-- (`Observation?subject=Patient/1&category=laboratory&_sort=-date`) walks its page from here
-- instead of probing and sorting every match (see Conn::newest_first in crates/store/src/search.rs).
CREATE INDEX idx_date_compartment ON idx_date (compartment, res_type, param, hi DESC, res_id, lo);
