"""The bench's Markdown: the run's numbers beside PERFORMANCE.md's targets.

`bench/run.py` calls `engine_report(results)` and `peer_report(results)`;
`python bench/report.py bench/results/<file>.json` prints the table of a stored run again.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

# PERFORMANCE.md, as numbers. Flat growth: the cost at the largest size over the cost at 10k.
FLAT = ("queue_first", "queue_deep", "ticket_page", "customer_list", "api_list", "home")
SEARCH = ("search_common", "search_rare", "search_none")
READS = FLAT + SEARCH
GROWTH_TARGET = {**{name: 1.5 for name in FLAT}, **{name: 2.0 for name in SEARCH}}
FLOOR_SHARE_TARGET = 0.25
PEER_WRITE_TARGET = 3.0
WEB_MB_TARGET = 150.0
WORKER_MB_TARGET = 256.0
MAIL_RATIO_TARGET = 5.0
SLA_RATIO_TARGET = 100.0
BASE_SIZE = "10k"

Results = dict[str, Any]


def _ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _x(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}x"


def _verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**MISSED**")


def _stats(run: Results, size: str, name: str) -> dict[str, Any] | None:
    found = run.get(size, {}).get("scenarios", {}).get(name)
    return found if found and found.get("requests") else None


def growth(run: Results, sizes: list[str], name: str) -> tuple[float | None, str]:
    """p50 at the largest measured size over p50 at 10k, and that largest size."""
    measured = [size for size in sizes if _stats(run, size, name)]
    if BASE_SIZE not in measured or len(measured) < 2:
        return None, measured[-1] if measured else ""
    base = _stats(run, BASE_SIZE, name)
    top = _stats(run, measured[-1], name)
    assert base is not None and top is not None
    if not base["p50_ms"]:
        return None, measured[-1]
    return top["p50_ms"] / base["p50_ms"], measured[-1]


def verdicts(results: Results) -> list[dict[str, Any]]:
    """Every target of PERFORMANCE.md this run can judge: what, target, measured, met."""
    out: list[dict[str, Any]] = []
    run = results.get("partnerdesk", {})
    sizes = results.get("sizes", [])
    for name in READS:
        ratio, top = growth(run, sizes, name)
        if ratio is not None:
            target = GROWTH_TARGET[name]
            out.append(
                {
                    "what": f"{name}: p50 at {top} / p50 at {BASE_SIZE}",
                    "target": f"≤ {target}x" + ("" if top == "1m" else " (at 1m)"),
                    "measured": _x(ratio),
                    "met": ratio <= target,
                }
            )
    floor = (results.get("floor") or {}).get("scenarios", {}).get("floor_insert")
    for size in sizes:
        create = _stats(run, size, "create_api")
        if create and floor and floor.get("per_second"):
            share = create["per_second"] / floor["per_second"]
            out.append(
                {
                    "what": f"create_api at {size}: share of the bare-insert floor",
                    "target": f"≥ {FLOOR_SHARE_TARGET:.0%}",
                    "measured": f"{share:.0%}",
                    "met": share >= FLOOR_SHARE_TARGET,
                }
            )
        memory = run.get(size, {}).get("memory", {})
        for role, target in (("web", WEB_MB_TARGET), ("worker", WORKER_MB_TARGET)):
            if memory.get(role):
                out.append(
                    {
                        "what": f"peak memory of a {role} process at {size}",
                        "target": f"< {target:.0f} MB",
                        "measured": f"{memory[role]:.0f} MB",
                        "met": memory[role] < target,
                    }
                )
    worker_memory = results.get("worker_memory") or {}
    peak = worker_memory.get("peak_mb") or worker_memory.get("worker_mb")
    if isinstance(peak, int | float):
        out.append(
            {
                "what": "peak memory of a worker ingesting hostile mail",
                "target": f"< {WORKER_MB_TARGET:.0f} MB",
                "measured": f"{peak:.0f} MB",
                "met": peak < WORKER_MB_TARGET,
            }
        )
    mail = results.get("mail") or {}
    ratio = mail.get("ratio")
    if isinstance(ratio, int | float):
        out.append(
            {
                "what": "mail: ingesting a message end to end / parsing it with `email`",
                "target": f"≤ {MAIL_RATIO_TARGET:.0f}x",
                "measured": _x(ratio),
                "met": ratio <= MAIL_RATIO_TARGET,
            }
        )
    sla = results.get("sla") or {}
    for row in sla.get("rows", []):
        out.append(
            {
                "what": f"SLA due time, {row['duration']} from {row['starts_in']}: / plain +",
                "target": f"≤ {SLA_RATIO_TARGET:.0f}x",
                "measured": f"{row['ratio']:.1f}x",
                "met": row["ratio"] <= SLA_RATIO_TARGET,
            }
        )
    if "ratio_400h_to_4h" in sla:
        out.append(
            {
                "what": "SLA: 400 h costs / 4 h costs",
                "target": "the same (≤ 1.25x)",
                "measured": _x(sla["ratio_400h_to_4h"]),
                "met": sla["ratio_400h_to_4h"] <= 1.25,
            }
        )
    return out


def _reads_table(run: Results, sizes: list[str]) -> list[str]:
    head = " | ".join(f"{size} p50 / p95 ms" for size in sizes)
    lines = [
        f"| scenario | {head} | largest / {BASE_SIZE} (p50) | target | verdict |",
        "|---|" + "---:|" * len(sizes) + "---:|---|---|",
    ]
    for name in READS:
        cells = []
        for size in sizes:
            stats = _stats(run, size, name)
            skipped = run.get(size, {}).get("skipped", {}).get(name)
            if stats:
                errors = f" ({stats['errors']} errors)" if stats["errors"] else ""
                cells.append(f"{_ms(stats['p50_ms'])} / {_ms(stats['p95_ms'])}{errors}")
            else:
                cells.append("not run" if not skipped else "refused")
        ratio, _top = growth(run, sizes, name)
        target = GROWTH_TARGET[name]
        ok = None if ratio is None else ratio <= target
        lines.append(
            f"| {name} | {' | '.join(cells)} | {_x(ratio)} | ≤ {target}x at 1m | {_verdict(ok)} |"
        )
    return lines


def _writes_table(results: Results, sizes: list[str]) -> list[str]:
    run = results.get("partnerdesk", {})
    floor = (results.get("floor") or {}).get("scenarios", {}).get("floor_insert")
    floor_rate = floor.get("per_second") if floor else None
    lines = [
        "| size | created/s | p50 ms | p95 ms | p99 ms | errors | floor/s | share of floor "
        f"| target ≥ {FLOOR_SHARE_TARGET:.0%} |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for size in sizes:
        stats = _stats(run, size, "create_api")
        if not stats:
            lines.append(f"| {size} | not run | | | | | | | |")
            continue
        share = stats["per_second"] / floor_rate if floor_rate else None
        lines.append(
            f"| {size} | {stats['per_second']:.1f} | {_ms(stats['p50_ms'])} "
            f"| {_ms(stats['p95_ms'])} | {_ms(stats['p99_ms'])} | {stats['errors']} "
            f"| {floor_rate or '—'} | {'—' if share is None else f'{share:.0%}'} "
            f"| {_verdict(None if share is None else share >= FLOOR_SHARE_TARGET)} |"
        )
    if floor:
        lines.append("")
        lines.append(
            f"Floor (bare Django view, one INSERT, 8 at once): {floor['per_second']:.0f}/s, "
            f"p50 {_ms(floor['p50_ms'])} ms, p95 {_ms(floor['p95_ms'])} ms, "
            f"p99 {_ms(floor['p99_ms'])} ms, {floor['errors']} errors."
        )
    return lines


def _memory_table(run: Results, sizes: list[str]) -> list[str]:
    lines = [
        "Peak resident set (RSS) of each process; PSS beside it counts the pages a gunicorn",
        "worker shares with its master once, shared among them. The targets are judged on RSS.",
        "",
        f"| size | web process MB RSS (target < {WEB_MB_TARGET:.0f}) | web PSS | gunicorn master "
        f"| worker MB RSS (target < {WORKER_MB_TARGET:.0f}) | worker PSS "
        "| mail sent by the worker |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        memory = run.get(size, {}).get("memory", {})
        if not memory:
            continue
        lines.append(
            f"| {size} | {memory.get('web', 0):.0f} | {memory.get('web_pss', 0):.0f} "
            f"| {memory.get('web_master', 0):.0f} "
            f"| {memory.get('worker', 0):.0f} | {memory.get('worker_pss', 0):.0f} "
            f"| {run.get(size, {}).get('mail_sent', '—')} |"
        )
    return lines


def _plain(block: Any) -> list[str]:
    """A result dict from another module, shown as it is (one line per key)."""
    if not block:
        return ["Not run in this run (--only)."]
    if not isinstance(block, dict):
        return [f"- {block}"]
    lines = []
    for key, value in block.items():
        if isinstance(value, dict | list):
            value = json.dumps(value, ensure_ascii=False)
            if len(value) > 300:
                value = value[:300] + "…"
        lines.append(f"- {key}: {value}")
    return lines


def _sla_lines(sla: Results) -> list[str]:
    if not sla.get("rows"):
        return _plain(sla)
    lines = [
        "| duration | starts in | engine ns | plain + ns | ratio (target ≤ 100x) |",
        "|---|---|---:|---:|---:|",
    ]
    for row in sla["rows"]:
        lines.append(
            f"| {row['duration']} | {row['starts_in']} | {row['engine_ns']:.0f} "
            f"| {row['plain_ns']:.0f} | {row['ratio']:.1f}x |"
        )
    lines.append("")
    lines.append(
        f"{sla['rows'][0]['due_times']:,} due times each; 400 h / 4 h: "
        f"{sla['ratio_400h_to_4h']:.2f}x (target: the same)."
    )
    return lines


def _datasets(run: Results, sizes: list[str]) -> list[str]:
    lines = ["| size | tickets | database MB | built in s |", "|---|---:|---:|---:|"]
    for size in sizes:
        facts = run.get(size, {}).get("dataset") or {}
        if facts:
            lines.append(
                f"| {size} | {facts.get('tickets') or 0:,} | {facts.get('database_mb', '—')} "
                f"| {facts.get('built_seconds', '—')} |"
            )
    return lines


def _problems(run: Results, sizes: list[str]) -> list[str]:
    lines = []
    for size in sizes:
        entry = run.get(size, {})
        if entry.get("error"):
            lines.append(f"- {size}: {entry['error']}")
        for name, why in entry.get("skipped", {}).items():
            lines.append(f"- {size} {name} refused (not measured): {why}")
        for name, stats in entry.get("scenarios", {}).items():
            if stats.get("errors"):
                lines.append(
                    f"- {size} {name}: {stats['errors']} errors, first: {stats['first_error']}"
                )
    return lines


def _machine(results: Results) -> str:
    m = results.get("machine", {})
    return (
        f"{m.get('cpus')} CPUs, Python {m.get('python')}, SQLite {m.get('sqlite')}, "
        f"PostgreSQL {m.get('postgresql') or '—'}, commit {m.get('commit')}"
    )


def engine_report(results: Results) -> str:
    sizes: list[str] = results.get("sizes", [])
    run = results.get("partnerdesk", {})
    title = f"# Partnerdesk bench, {results.get('engine')}, {results.get('at', '')[:10]}"
    lines = [title, ""]
    if results.get("quick"):
        lines += ["Quick run (smaller counts): a smoke test, not a measurement.", ""]
    lines += [_machine(results), "", "## Datasets", "", *_datasets(run, sizes), ""]
    lines += ["## Reads (concurrency 1)", "", *_reads_table(run, sizes), ""]
    deep_notes = [
        f"- queue_deep at {size}: {deep['note']}"
        for size in sizes
        if (deep := _stats(run, size, "queue_deep")) and deep.get("note")
    ]
    if deep_notes:
        lines += [*deep_notes, ""]
    lines += ["## Ticket creation through the API (concurrency 8)", ""]
    lines += [*_writes_table(results, sizes), ""]
    lines += ["## Memory (peak resident set)", "", *_memory_table(run, sizes), ""]
    lines += ["## Mail ingestion", ""]
    if results.get("mail_markdown"):
        lines += [results["mail_markdown"].rstrip(), ""]
    for key, label in (("mail", "Mail"), ("worker_memory", "Worker memory on mail")):
        block = results.get(key) or {}
        if not results.get("mail_markdown") or block.get("status"):
            lines += [f"{label}:", "", *_plain(block), ""]
    lines += ["## SLA engine", "", *_sla_lines(results.get("sla") or {}), ""]
    judged = verdicts(results)
    missed = [v for v in judged if not v["met"]]
    lines += ["## Targets", ""]
    lines += ["| what | target | measured | verdict |", "|---|---|---:|---|"]
    lines += [
        f"| {v['what']} | {v['target']} | {v['measured']} | {_verdict(v['met'])} |" for v in judged
    ]
    lines += ["", f"{len(judged) - len(missed)} of {len(judged)} targets met."]
    problems = _problems(run, sizes)
    if problems:
        lines += ["", "## Problems", "", *problems]
    return "\n".join(lines) + "\n"


def peer_report(results: Results) -> str:
    sizes: list[str] = results.get("sizes", [])
    ours = results.get("partnerdesk", {})
    peer = results.get("django-helpdesk", {})
    lines = [
        f"# Partnerdesk and django-helpdesk, {results.get('engine')}, {results.get('at', '')[:10]}",
        "",
    ]
    if results.get("quick"):
        lines += ["Quick run (smaller counts): a smoke test, not a measurement.", ""]
    peer_version = results.get("peer_version")
    lines += [_machine(results) + (f"; peer: {peer_version}" if peer_version else "")]
    lines += ["", "Times are p50 / p95 in ms; ratio = the peer's p50 / ours (how many times faster"]
    lines += ["we are; above 1 is better).", ""]
    lines += [
        "| scenario | size | Partnerdesk | django-helpdesk | ratio |",
        "|---|---|---:|---:|---:|",
    ]
    for name in READS:
        for size in sizes:
            a, b = _stats(ours, size, name), _stats(peer, size, name)
            ratio = b["p50_ms"] / a["p50_ms"] if a and b and a["p50_ms"] else None
            cell_a = f"{_ms(a['p50_ms'])} / {_ms(a['p95_ms'])}" if a else "not run"
            cell_b = f"{_ms(b['p50_ms'])} / {_ms(b['p95_ms'])}" if b else "not run"
            lines.append(f"| {name} | {size} | {cell_a} | {cell_b} | {_x(ratio)} |")
    lines += ["", "## Ticket creation through the API (concurrency 8)", ""]
    lines += [
        f"| size | Partnerdesk /s | django-helpdesk /s | ratio (target ≥ {PEER_WRITE_TARGET:.0f}x) "
        "| verdict |",
        "|---|---:|---:|---:|---|",
    ]
    for size in sizes:
        a, b = _stats(ours, size, "create_api"), _stats(peer, size, "create_api")
        ratio = a["per_second"] / b["per_second"] if a and b and b["per_second"] else None
        ok = None if ratio is None else ratio >= PEER_WRITE_TARGET
        lines.append(
            f"| {size} | {a['per_second'] if a else '—'} | {b['per_second'] if b else '—'} "
            f"| {_x(ratio)} | {_verdict(ok)} |"
        )
    floor = (results.get("floor") or {}).get("scenarios", {}).get("floor_insert")
    if floor:
        lines += ["", f"Floor (bare Django insert, 8 at once): {floor['per_second']:.0f}/s."]
    lines += ["", "## Memory (peak MB)", ""]
    lines += [
        "| size | our web | our worker | peer web | peer worker |",
        "|---|---:|---:|---:|---:|",
    ]
    for size in sizes:
        a = ours.get(size, {}).get("memory", {})
        b = peer.get(size, {}).get("memory", {})
        lines.append(
            f"| {size} | {a.get('web', 0):.0f} | {a.get('worker', 0):.0f} "
            f"| {b.get('web', 0):.0f} | {b.get('worker', 0):.0f} |"
        )
    problems = [f"Partnerdesk {p[2:]}" for p in _problems(ours, sizes)]
    problems += [f"django-helpdesk {p[2:]}" for p in _problems(peer, sizes)]
    if problems:
        lines += ["", "## Problems", "", *[f"- {p}" for p in problems]]
    return "\n".join(lines) + "\n"


def render(results: Results) -> str:
    return peer_report(results) if results.get("bench") == "peer" else engine_report(results)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(render(json.loads(Path(name).read_text())))
