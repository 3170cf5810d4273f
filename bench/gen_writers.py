"""The bench loader's writers: bulk inserts per engine (executemany on SQLite with the FTS
triggers off and one rebuild; COPY on PostgreSQL with secondary indexes and foreign keys
dropped and recreated from their own definitions)."""

from __future__ import annotations

import time
from typing import Any

from django.db import connection, models, transaction
from gen_rows import COLUMNS

from partnerdesk.core.models import AuditEntry
from partnerdesk.tickets.models import (
    Attachment,
    Message,
    Ticket,
    TicketClock,
    TicketEvent,
    TicketSearchDocument,
    TicketTag,
    TicketWatcher,
)
from partnerdesk.tickets.search_sql import FTS, SQLITE_TRIGGER_NAMES, SQLITE_TRIGGERS

SLUG = "bench-partner"
MODELS: dict[str, type[models.Model]] = {
    "ticket": Ticket,
    "message": Message,
    "attachment": Attachment,
    "tickettag": TicketTag,
    "ticketwatcher": TicketWatcher,
    "ticketevent": TicketEvent,
    "ticketsearchdocument": TicketSearchDocument,
    "ticketclock": TicketClock,
    "auditentry": AuditEntry,
}


def table(name: str) -> str:
    return MODELS[name]._meta.db_table


# --- the writers -------------------------------------------------------------------------------


class Writer:
    """Writes encoded rows; with `bulk`, drops secondary indexes first and rebuilds them."""

    def __init__(self, *, bulk: bool) -> None:
        self.bulk = bulk
        self.tables = [table(name) for name in COLUMNS]
        self.dropped: list[str] = []  # statements that recreate what was dropped

    def begin(self) -> None: ...

    def write(self, name: str, payload: Any) -> None: ...

    def commit(self) -> None: ...

    def finish(self) -> dict[str, float]:
        return {}


class SqliteWriter(Writer):
    def __init__(self, *, bulk: bool) -> None:
        super().__init__(bulk=bulk)
        self.raw = connection.connection
        self.sql = {
            name: f"INSERT INTO {table(name)} ({', '.join(cols)}) "  # noqa: S608
            f"VALUES ({', '.join('?' * len(cols))})"
            for name, cols in COLUMNS.items()
        }

    def begin(self) -> None:
        if not self.bulk:
            return
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")  # 256 MB while loading
            marks = ", ".join("%s" for _ in self.tables)
            cursor.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'index' "  # noqa: S608
                f"AND sql IS NOT NULL AND tbl_name IN ({marks})",
                self.tables,
            )
            for index, sql in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{index}"')
                self.dropped.append(sql)
            # The FTS5 index is built once at the end instead of row by row.
            for trigger in SQLITE_TRIGGER_NAMES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        transaction.set_autocommit(False)

    def write(self, name: str, payload: Any) -> None:
        if payload:
            self.raw.executemany(self.sql[name], payload)

    def commit(self) -> None:
        if self.bulk:
            transaction.commit()

    def finish(self) -> dict[str, float]:
        if not self.bulk:
            return {}
        timing: dict[str, float] = {}
        began = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in self.dropped:
                cursor.execute(sql)
        transaction.commit()
        timing["indexes"] = time.perf_counter() - began
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES('rebuild')")
            for sql in SQLITE_TRIGGERS:
                cursor.execute(sql)
        transaction.commit()
        transaction.set_autocommit(True)
        timing["fts"] = time.perf_counter() - began
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return timing


class PostgresWriter(Writer):
    def begin(self) -> None:
        if not self.bulk:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                AND NOT EXISTS (
                    SELECT 1 FROM pg_constraint c
                    WHERE c.conindid = (quote_ident(i.schemaname) || '.' ||
                                        quote_ident(i.indexname))::regclass
                )
                """,
                [self.tables],
            )
            indexes = cursor.fetchall()
            cursor.execute(
                """
                SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
                FROM pg_constraint c
                WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)
                """,
                [self.tables],
            )
            foreign = cursor.fetchall()
            for name, definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
                self.dropped.append(definition)
            for relation, name, definition in foreign:
                cursor.execute(f'ALTER TABLE {relation} DROP CONSTRAINT "{name}"')
                self.dropped.append(f'ALTER TABLE {relation} ADD CONSTRAINT "{name}" {definition}')

    def write(self, name: str, payload: Any) -> None:
        if not payload:
            return
        statement = f"COPY {table(name)} ({', '.join(COLUMNS[name])}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            copy.write(payload)

    def finish(self) -> dict[str, float]:
        if not self.bulk:
            return {}
        timing: dict[str, float] = {}
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for sql in self.dropped:
                cursor.execute(sql)
        timing["indexes"] = time.perf_counter() - began
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        timing["vacuum"] = time.perf_counter() - began
        return timing
