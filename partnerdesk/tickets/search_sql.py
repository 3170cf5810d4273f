"""The engine-specific half of the ticket search index, as SQL for migrations.

Kept importable (not only inside migration 0002) because SQLite loses triggers when Django
rebuilds a table: a later migration that alters `TicketSearchDocument` on SQLite must run
`SQLITE_TRIGGERS` again (tests/tickets/test_search.py checks that they exist).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import ProjectState

DOCUMENTS = "tickets_ticketsearchdocument"
FTS = "tickets_search_fts"

# --- SQLite: an FTS5 table with external content on the documents, kept in step by triggers.

SQLITE_TABLE = [
    f"""
    CREATE VIRTUAL TABLE {FTS} USING fts5(
        public_text,
        internal_text,
        content='{DOCUMENTS}',
        content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
]

SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER IF NOT EXISTS {FTS}_insert AFTER INSERT ON {DOCUMENTS} BEGIN
        INSERT INTO {FTS}(rowid, public_text, internal_text)
        VALUES (new.id, new.public_text, new.internal_text);
    END
    """,  # noqa: S608 - constant names, no input
    f"""
    CREATE TRIGGER IF NOT EXISTS {FTS}_delete AFTER DELETE ON {DOCUMENTS} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, public_text, internal_text)
        VALUES ('delete', old.id, old.public_text, old.internal_text);
    END
    """,  # noqa: S608 - constant names, no input
    f"""
    CREATE TRIGGER IF NOT EXISTS {FTS}_update AFTER UPDATE OF public_text, internal_text
    ON {DOCUMENTS}
    WHEN old.public_text IS NOT new.public_text OR old.internal_text IS NOT new.internal_text
    BEGIN
        INSERT INTO {FTS}({FTS}, rowid, public_text, internal_text)
        VALUES ('delete', old.id, old.public_text, old.internal_text);
        INSERT INTO {FTS}(rowid, public_text, internal_text)
        VALUES (new.id, new.public_text, new.internal_text);
    END
    """,  # noqa: S608 - constant names, no input
]

SQLITE_TRIGGER_NAMES = [f"{FTS}_insert", f"{FTS}_delete", f"{FTS}_update"]

SQLITE_FORWARDS = SQLITE_TABLE + SQLITE_TRIGGERS
SQLITE_BACKWARDS = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGER_NAMES] + [
    f"DROP TABLE IF EXISTS {FTS}"
]

# --- PostgreSQL: generated tsvector columns with GIN indexes. ----------------------------------
# `public_tsv` is what customer people search; `all_tsv` (public and internal text) is what
# staff search. One column each, not `public_tsv || internal_tsv` at query time: a search for
# a common word checks the newest documents one by one, and concatenating two tsvectors per
# row made that about three times slower.

# unaccent where it can be installed (it is a trusted extension: a database owner may); where it
# cannot, partnerdesk_unaccent falls back to translate() over the Latin letters with diacritics.
_ACCENTED = (
    "ÀÁÂÃÄÅàáâãäåĀāĂăĄąÇçĆćĈĉĊċČčĎďĐđÈÉÊËèéêëĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħÌÍÎÏìíîïĨĩĪīĬĭĮįİı"
    "ĴĵĶķĹĺĻļĽľĿŀŁłÑñŃńŅņŇňÒÓÔÕÖØòóôõöøŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲų"
    "ŴŵÝýÿŶŷŸŹźŻżŽž"
)
_PLAIN = (
    "AAAAAAaaaaaaAaAaAaCcCcCcCcCcDdDdEEEEeeeeEeEeEeEeEeGgGgGgGgHhHhIIIIiiiiIiIiIiIiIi"
    "JjKkLlLlLlLlLlNnNnNnNnOOOOOOooooooOoOoOoRrRrRrSsSsSsSsTtTtTtUUUUuuuuUuUuUuUuUuUu"
    "WwYyyYyYZzZzZz"
)
assert len(_ACCENTED) == len(_PLAIN)  # a typo in the table must fail loudly, at import

POSTGRESQL_FORWARDS = [
    """
    DO $$
    BEGIN
        CREATE EXTENSION IF NOT EXISTS unaccent;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'unaccent is not available (%), searching with a built-in fallback', SQLERRM;
    END
    $$
    """,
    f"""
    DO $$
    DECLARE
        home text;
    BEGIN
        SELECT n.nspname INTO home
        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'unaccent';
        IF home IS NOT NULL THEN
            EXECUTE format(
                'CREATE OR REPLACE FUNCTION partnerdesk_unaccent(text) RETURNS text '
                'LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE '
                'AS $f$ SELECT %I.unaccent(%L::regdictionary, $1) $f$',
                home, quote_ident(home) || '.unaccent'
            );
        ELSE
            CREATE OR REPLACE FUNCTION partnerdesk_unaccent(text) RETURNS text
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS $f$ SELECT translate($1, '{_ACCENTED}', '{_PLAIN}') $f$;
        END IF;
    END
    $$
    """,  # noqa: S608 - constant names, no input
    f"""
    ALTER TABLE {DOCUMENTS}
        ADD COLUMN public_tsv tsvector GENERATED ALWAYS AS
            (to_tsvector('simple'::regconfig, partnerdesk_unaccent(public_text))) STORED,
        ADD COLUMN all_tsv tsvector GENERATED ALWAYS AS
            (to_tsvector('simple'::regconfig,
                         partnerdesk_unaccent(public_text || ' ' || internal_text))) STORED
    """,
    f"CREATE INDEX tickets_search_public ON {DOCUMENTS} USING gin (public_tsv)",
    f"CREATE INDEX tickets_search_all ON {DOCUMENTS} USING gin (all_tsv)",
]

POSTGRESQL_BACKWARDS = [
    "DROP INDEX IF EXISTS tickets_search_all",
    "DROP INDEX IF EXISTS tickets_search_public",
    f"ALTER TABLE {DOCUMENTS} DROP COLUMN IF EXISTS all_tsv, DROP COLUMN IF EXISTS public_tsv",
    "DROP FUNCTION IF EXISTS partnerdesk_unaccent(text)",
]


class RunSQLOn(migrations.RunSQL):
    """RunSQL that runs only on one database engine (`connection.vendor`)."""

    def __init__(self, vendor: str, sql: Any, reverse_sql: Any = None, **kwargs: Any) -> None:
        super().__init__(sql, reverse_sql, **kwargs)
        self.vendor = vendor

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        _name, args, kwargs = super().deconstruct()
        return self.__class__.__qualname__, [self.vendor, *args], kwargs

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self) -> str:
        return f"Raw SQL operation on {self.vendor}"
