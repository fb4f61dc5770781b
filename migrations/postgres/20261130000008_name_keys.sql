-- Names are unique ignoring case by Unicode rules on both backends. The key is computed
-- in Rust (server/src/store/names.rs: NFKC, lower case, NFKC) and stored next to the name;
-- `lower(name)` folded ASCII only on SQLite and followed the locale on PostgreSQL.
--
-- Existing rows get their key when the server connects (the store's backfill, which
-- SQL cannot do): a row whose name now clashes with an older one keeps its name and gets
-- a key of its own, and a warning is logged so one can be renamed. Until then the key is
-- NULL, which a unique index does not compare.
ALTER TABLE connectors ADD COLUMN name_key TEXT;
ALTER TABLE tenants ADD COLUMN name_key TEXT;
DROP INDEX connectors_tenant_name;
DROP INDEX tenants_name;
CREATE UNIQUE INDEX connectors_tenant_name_key ON connectors (tenant_id, name_key);
CREATE UNIQUE INDEX tenants_name_key ON tenants (name_key);
