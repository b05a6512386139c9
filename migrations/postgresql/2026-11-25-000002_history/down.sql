DROP TABLE special_days;
DROP TABLE history;
