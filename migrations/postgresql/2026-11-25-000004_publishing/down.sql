DROP TABLE calendar_feeds;
DROP TABLE sign_in_links;
DROP TABLE outbox_messages;
DROP TABLE shifts;
DROP TABLE publications;
