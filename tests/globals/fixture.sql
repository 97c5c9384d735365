-- Cluster globals fixture (tests/globals/run.sh): roles with every attribute, nested and
-- granted-by memberships (also of a predefined role), role settings in every database and in
-- one, a database with non-default properties. The tablespace is made by run.sh (its
-- directory) and the database's objects by database.sql.
CREATE ROLE g_admin CREATEROLE CREATEDB LOGIN PASSWORD 'secret1' CONNECTION LIMIT 5 VALID UNTIL '2030-01-01 00:00:00+00';
CREATE ROLE "g Odd'name" NOINHERIT BYPASSRLS REPLICATION;
CREATE ROLE g_group NOLOGIN;
CREATE ROLE g_sub NOLOGIN;
CREATE ROLE g_app LOGIN PASSWORD 'app';
GRANT g_group TO g_admin WITH ADMIN OPTION;
GRANT g_sub TO g_group;
GRANT g_group TO g_app GRANTED BY g_admin;
-- 14's predefined pg_read_all_data, when built for (:fixture_version) or on 14 or newer.
\if :{?fixture_version}
\else
SELECT current_setting('server_version_num') AS fixture_version \gset
\endif
SELECT :fixture_version >= 140000 AS has_read_all \gset
\if :has_read_all
GRANT pg_read_all_data TO g_app;
\endif
SELECT :fixture_version >= 150000 AS has_parameter_acl \gset
\if :has_parameter_acl
GRANT SET ON PARAMETER work_mem TO g_app;
GRANT SET, ALTER SYSTEM ON PARAMETER log_min_duration_statement TO g_admin WITH GRANT OPTION;
\endif
-- Before 16 any grantor may be recorded (16+ wants one holding ADMIN on the role, and a
-- restore there grants it as the restoring role, as this does on 16+).
SELECT current_setting('server_version_num')::int >= 160000 AS grantor_needs_admin \gset
\if :grantor_needs_admin
GRANT g_sub TO g_app;
\else
GRANT g_sub TO g_app GRANTED BY "g Odd'name";
\endif
ALTER ROLE g_app SET work_mem = '32MB';
ALTER ROLE g_app SET search_path = app, "$user", public;
COMMENT ON ROLE g_app IS 'the application';
CREATE DATABASE g_db OWNER g_admin CONNECTION LIMIT 20 TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';
ALTER ROLE g_app IN DATABASE g_db SET statement_timeout = '5s';
ALTER ROLE "g Odd'name" IN DATABASE postgres SET lock_timeout = '2s';
CREATE DATABASE g_other OWNER g_app;
ALTER DATABASE g_db SET random_page_cost = 1.5;
REVOKE CONNECT ON DATABASE g_db FROM PUBLIC;
GRANT CONNECT ON DATABASE g_db TO g_app;
COMMENT ON DATABASE g_db IS 'moved db';
