DROP TABLE open_shift_claims;
DROP TABLE open_shifts;
DROP TABLE shift_offers;
DROP TABLE availability_conflicts;
DROP TABLE time_off_requests;
