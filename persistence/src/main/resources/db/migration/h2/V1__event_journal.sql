-- The pekko-persistence-jdbc 1.1 schema (from the plugin's schema/h2), unqualified so that the connection's schema
-- (PostgreSQL currentSchema / search_path) decides where it lives.
CREATE TABLE event_journal (
  ordering BIGINT UNIQUE NOT NULL AUTO_INCREMENT,
  persistence_id VARCHAR(255) NOT NULL,
  sequence_number BIGINT NOT NULL,
  deleted BOOLEAN DEFAULT FALSE NOT NULL,
  writer VARCHAR NOT NULL,
  write_timestamp BIGINT NOT NULL,
  adapter_manifest VARCHAR NOT NULL,
  event_ser_id INTEGER NOT NULL,
  event_ser_manifest VARCHAR NOT NULL,
  event_payload BLOB NOT NULL,
  meta_ser_id INTEGER,
  meta_ser_manifest VARCHAR,
  meta_payload BLOB,
  PRIMARY KEY (persistence_id, sequence_number)
);

CREATE UNIQUE INDEX event_journal_ordering_idx ON event_journal (ordering);

CREATE TABLE event_tag (
  event_id BIGINT NOT NULL,
  tag VARCHAR(256) NOT NULL,
  PRIMARY KEY (event_id, tag),
  CONSTRAINT fk_event_journal FOREIGN KEY (event_id) REFERENCES event_journal (ordering) ON DELETE CASCADE
);

CREATE TABLE snapshot (
  persistence_id VARCHAR(255) NOT NULL,
  sequence_number BIGINT NOT NULL,
  created BIGINT NOT NULL,
  snapshot_ser_id INTEGER NOT NULL,
  snapshot_ser_manifest VARCHAR NOT NULL,
  snapshot_payload BLOB NOT NULL,
  meta_ser_id INTEGER,
  meta_ser_manifest VARCHAR,
  meta_payload BLOB,
  PRIMARY KEY (persistence_id, sequence_number)
);
