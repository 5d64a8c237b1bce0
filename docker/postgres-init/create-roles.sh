#!/bin/sh
# Run by the postgres image once, when the database volume is first created, as its superuser:
# the owner role (migrations; owns the database and its tables) and the application role (what
# the API connects as; its grants come from the migrations). See docs/database.md, "Roles".
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$DB_OWNER_PASSWORD" -v app_password="$DB_APP_PASSWORD" <<'SQL'
CREATE ROLE family_therapy_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE family_therapy_app LOGIN PASSWORD :'app_password';
CREATE DATABASE family_therapy OWNER family_therapy_owner;
SQL
