DROP TABLE jobs;
DROP TABLE api_tokens;
DROP TABLE users;
DROP TABLE availability_exceptions;
DROP TABLE availability_windows;
DROP TABLE agent_languages;
DROP TABLE agents;
DROP TABLE queues;
