DROP TABLE rate_limit_hits;
DROP TABLE application_events;
DROP TABLE applications;
DROP TABLE postings;
