"""A database's rows as plain JSON, and back: for checking that migrations keep every row.

`take(connection)` reads every table (bar Django's own bookkeeping) with raw SQL, so it does not depend on
the models of the code that runs it: a snapshot taken on one layout of the apps can be restored into a
database migrated to that layout by later code. Values that JSON cannot hold (dates, times, decimals,
bytes) are tagged, so a restored row is the row that was taken.
"""

import base64
import datetime
import gzip
import json
from decimal import Decimal
from pathlib import Path

SKIPPED = {"django_migrations", "django_session"}


def _encode(value):
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"time": value.isoformat()}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, bytes | memoryview):
        return {"bytes": base64.b64encode(bytes(value)).decode()}
    return value


def _decode(value):
    if isinstance(value, dict):
        ((kind, text),) = value.items()
        return {
            "datetime": datetime.datetime.fromisoformat,
            "date": datetime.date.fromisoformat,
            "time": datetime.time.fromisoformat,
            "decimal": Decimal,
            "bytes": base64.b64decode,
        }[kind](text)
    return value


def take(connection) -> dict[str, dict]:
    """Every table's columns and rows, ordered by the first column (the primary key)."""
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in SKIPPED:
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY 1")  # noqa: S608 (names from introspection)
            columns = [column[0] for column in cursor.description]
            rows = [[_encode(value) for value in row] for row in cursor.fetchall()]
            tables[table] = {"columns": columns, "rows": rows}
    return tables


def restore(connection, tables: dict[str, dict]) -> None:
    """Insert the rows into tables of the same names, in one transaction (Django's foreign keys are
    deferred to the commit, so the order of tables does not matter). Rows already there are removed."""
    from django.db import transaction

    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for table, content in tables.items():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"DELETE FROM {quoted}")  # noqa: S608
            if not content["rows"]:
                continue
            names = ", ".join(connection.ops.quote_name(c) for c in content["columns"])
            marks = ", ".join(["%s"] * len(content["columns"]))
            cursor.executemany(
                f"INSERT INTO {quoted} ({names}) VALUES ({marks})",  # noqa: S608
                [[_decode(value) for value in row] for row in content["rows"]],
            )
        if connection.vendor == "postgresql":
            # Inserting explicit ids leaves the sequences behind: move them past the largest id.
            for table, content in tables.items():
                if content["columns"][:1] != ["id"] or not content["rows"]:
                    continue
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                (sequence,) = cursor.fetchone()
                if sequence:
                    quoted = connection.ops.quote_name(table)
                    cursor.execute(f"SELECT setval(%s, MAX(id)) FROM {quoted}", [sequence])  # noqa: S608


def canonical(value):
    """A value as any database gives it back: SQLite hands back a decimal column as int or float and a
    naive UTC datetime where PostgreSQL gives a Decimal and an aware one."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value)).normalize()
    if isinstance(value, datetime.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
        return aware.astimezone(datetime.UTC)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def decoded(tables: dict[str, dict]) -> dict[str, list[dict]]:
    """Each table's rows as {column: value}, in canonical form: columns are compared by name, since a
    table's column order depends on the database that made it."""
    return {
        table: [
            {column: canonical(_decode(v)) for column, v in zip(c["columns"], row, strict=True)}
            for row in c["rows"]
        ]
        for table, c in tables.items()
    }


def save(tables: dict[str, dict], path: Path) -> None:
    path.write_bytes(gzip.compress(json.dumps(tables, separators=(",", ":")).encode(), mtime=0))


def load(path: Path) -> dict[str, dict]:
    return json.loads(gzip.decompress(path.read_bytes()))
