-- The moved database's objects, owned by and granted to the fixture's roles, a table, an
-- index, a key's index and a materialized view in the fixture's tablespace.
CREATE SCHEMA app AUTHORIZATION g_admin;
CREATE TABLE app.t (id integer PRIMARY KEY, v text) TABLESPACE g_space;
ALTER TABLE app.t OWNER TO g_app;
GRANT SELECT ON app.t TO g_group;
GRANT INSERT (v) ON app.t TO "g Odd'name";
CREATE INDEX t_v ON app.t (v) TABLESPACE g_space;
CREATE TABLE app.u (id integer, CONSTRAINT u_key UNIQUE (id) USING INDEX TABLESPACE g_space);
ALTER TABLE app.u OWNER TO g_admin;
INSERT INTO app.t VALUES (1, 'a'), (2, 'b');
CREATE MATERIALIZED VIEW app.m TABLESPACE g_space AS SELECT id FROM app.t;
ALTER MATERIALIZED VIEW app.m OWNER TO g_admin;
INSERT INTO app.u VALUES (1);
ALTER DEFAULT PRIVILEGES FOR ROLE g_admin IN SCHEMA app GRANT SELECT ON TABLES TO g_app;
