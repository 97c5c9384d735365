#!/usr/bin/env bash
# Writes pgark(1) in troff on stdout, built around the usage text of the binary given:
#   tools/package/manpage.sh build-release/tools/pgark > pgark.1
set -euo pipefail
bin=$1
version=$("$bin" --version | head -1 | awk '{print $2}')
# Usage text as literal lines: backslashes doubled, a leading dot or quote protected.
usage=$("$bin" --help | sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/")
cat <<MAN
.TH PGARK 1 "$(date -u +%Y-%m-%d -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}")" "pgark $version" "User Commands"
.SH NAME
pgark \\- PostgreSQL backup, restore, export and import without pg_dump, psql or pg_restore
.SH SYNOPSIS
.B pgark
[\\fB\\-\\-db\\fR \\fICONNINFO\\fR] [\\fB\\-\\-backup\\-dir\\fR \\fIDIR\\fR|\\fIs3://BUCKET/PREFIX\\fR]
[\\fB\\-\\-json\\fR] [\\fB\\-\\-quiet\\fR] [\\fB\\-\\-verbose\\fR] \\fICOMMAND\\fR ...
.SH DESCRIPTION
.B pgark
backs up, restores, exports and imports PostgreSQL databases through libpq alone: catalog
queries for the schema, COPY streams for the data, gzip-compressed (or, with
\\fB\\-\\-compress zstd\\fR, zstd-compressed), checksummed and optionally encrypted archives
that \\fBgunzip -c FILE | psql\\fR (\\fBzstd -dc\\fR) can also restore. Backups live in a local
directory or in S3-compatible object storage. \\fBpgark mcp\\fR serves the same operations to AI
agents as MCP tools. The full documentation is /usr/share/doc/pgark/README.md.gz.
.SH USAGE
.nf
$usage
.fi
.SH ENVIRONMENT
.TP
.B DATABASE_URL, PG*
The database (\\fB\\-\\-db\\fR wins).
.TP
.B BACKUP_DIR
The backup directory or s3://BUCKET/PREFIX (default ./backups).
.TP
.B AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, AWS_ENDPOINT_URL
An S3 repository.
.TP
.B BACKUP_ENCRYPT, BACKUP_ENCRYPTION_KEY, BACKUP_ENCRYPTION_KEY_FILE
Encryption at rest (AES-256-GCM).
.TP
.B BACKUP_SCHEDULE_FULL, BACKUP_SCHEDULE_INCREMENTAL, BACKUP_SCHEDULE_DRILL, BACKUP_RETENTION_DAYS
Schedules and retention for \\fBpgark schedule\\fR and \\fBpgark prune\\fR.
.TP
.B BACKUP_NOTIFICATION_EMAIL, BACKUP_SMTP_URL, BACKUP_NOTIFICATION_WEBHOOK, BACKUP_NOTIFY_ON
Notifications.
.TP
.B BACKUP_METRICS_FILE
A Prometheus textfile updated after each backup, restore and drill.
.TP
.B PGARK_LOG, PGARK_LOG_FORMAT
Diagnostic logs on stderr (debug, info, warn; text or json).
.SH EXIT STATUS
0 success; 1 failed; 2 usage; 3 integrity (damaged, truncated or not a pgark backup; a drill
whose copy differs); 4 cannot connect or log in (PostgreSQL, object store) or wrong key; 5 not
found; 6 conflict; 7 storage (not writable, disk full, bucket missing); 130 interrupted.
.SH SEE ALSO
.BR pg_dump (1),
.BR psql (1)
MAN
