"""Figures of bench/updates.py: percentiles, the busiest sliding second, and the report that
is printed and written into docs/benchmarks.md between its markers (the rest of the file, the
dispatcher's benchmark included, is kept)."""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
from dataclasses import dataclass, field
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench/updates.py: begin -->", "<!-- bench/updates.py: end -->"


@dataclass
class Results:
    echo: dict[str, float] = field(default_factory=dict)
    echo_rss: float = 0.0
    bot_rss: float = 0.0
    one: dict[str, float] = field(default_factory=dict)
    crowd: dict[str, dict[str, float]] = field(default_factory=dict)
    storm: dict[str, float] = field(default_factory=dict)
    profile: list[tuple[str, float]] = field(default_factory=list)
    areas: dict[str, float] = field(default_factory=dict)


def pct(samples: list[float], q: int) -> float:
    if len(samples) < 2:
        return samples[0] if samples else float("nan")
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


def sliding_max(times: list[float], window: float = 1.0) -> int:
    """The most events in any `window` seconds."""
    ordered, best, start = sorted(times), 0, 0
    for end, at in enumerate(ordered):
        while ordered[start] <= at - window:
            start += 1
        best = max(best, end - start + 1)
    return best


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def _machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, SQLite; "
        f"load average at the end {load} (the machine is shared, so absolute figures vary; "
        "compare the ratios within the run)"
    )


def lines(r: Results, command: str) -> list[str]:
    echo, one, storm = r.echo, r.one, r.storm
    default, paced, raised, floor = (
        r.crowd.get(k, {}) for k in ("default", "paced", "raised", "floor")
    )
    ratio = raised.get("rate", 0) / echo["rate"] if echo.get("rate") else float("nan")
    floor_ratio = floor.get("rate", 0) / echo["rate"] if echo.get("rate") else float("nan")
    out = [
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC: `{command}`. {_machine()}.",
        "",
        "| case | figure | target |",
        "|---|---|---|",
        f"| echo bot, one person | reply p50 {_ms(echo['one_p50'])} | (ceiling) |",
        f"| echo bot, {50} people | {echo['rate']:.0f} replies/s, p99 {_ms(echo['p99'])},"
        f" {echo['cpu_ms']:.1f} ms CPU a reply | (ceiling) |",
        f"| one person, default settings | next question p50 {_ms(one['p50'])},"
        f" p99 {_ms(one['p99'])} ({one['steps']:.0f} steps); a tick p50"
        f" {_ms(one['tick_p50'])}; /start {_ms(one['start'])}; the person caused"
        f" {one['sends_per_s']:.1f} sends/s, and {one['held']:.0%} of steps took over 100 ms"
        " | p50 < 30 ms, p99 < 100 ms |",
        f"| one person, a quarter of a second to tap each answer | next question p50"
        f" {_ms(one['quick_p50'])}, p99 {_ms(one['quick_p99'])} ({one['quick_steps']:.0f}"
        f" steps, {one['quick_sends_per_s']:.1f} sends/s, {one['quick_held']:.0%} over 100 ms)"
        " | (as fast as a person taps) |",
        f"| one person, limits raised (the bot alone, without Telegram's budget) | next question"
        f" p50 {_ms(one['raised_p50'])}, p99 {_ms(one['raised_p99'])}"
        f" ({one['raised_steps']:.0f} steps, {one['raised_sends_per_s']:.0f} sends/s) | (why) |",
        f"| 50 people, default limits, tapping at once | {default['rate']:.1f} steps/s,"
        f" p50 {_ms(default['p50'])}, p99 {_ms(default['p99'])} | (bounded by the budget) |",
        f"| 50 people, default limits, 3–8 s to read each question | {paced['rate']:.1f}"
        f" steps/s, p50 {_ms(paced['p50'])}, p99 {_ms(paced['p99'])} | p99 < 1 s |",
        f"| 50 people, limits raised (own ceiling) | {raised['rate']:.1f} steps/s ="
        f" **{ratio:.2f}× echo**, p99 {_ms(raised['p99'])}, {raised['cpu_ms']:.1f} ms CPU"
        f" a step, {raised['core']:.0%} of a core | ≥ 0.4× echo |",
        f"| floor: python-telegram-bot making the same calls with nothing behind them"
        f" (bench/floor.py), 50 people | {floor['rate']:.1f} steps/s = {floor_ratio:.2f}× echo,"
        f" {floor['cpu_ms']:.1f} ms CPU a step | (what the framework leaves) |",
        f"| storm of {storm['size']:,.0f} due reminders (seeded in {storm['seed_s']:.1f} s):"
        f" a new person | /start {_ms(storm['start'])}; next question p50 {_ms(storm['p50'])},"
        f" p99 {_ms(storm['p99'])} | p99 < 250 ms, /start < 250 ms |",
        f"| the same storm: five new people at once | slowest /start"
        f" {_ms(storm['five_start_max'])}; next question p50 {_ms(storm['five_p50'])},"
        f" p99 {_ms(storm['five_p99'])} | no worse than twice one |",
        f"| the same storm: a new person reading each question 1–3 s | next question p50"
        f" {_ms(storm['read_p50'])}, p99 {_ms(storm['read_p99'])} | p99 < 250 ms |",
        f"| the same storm: five such people at once | next question p50"
        f" {_ms(storm['read_five_p50'])}, p99 {_ms(storm['read_five_p99'])}"
        " | no worse than twice one |",
        f"| the storm alone | reminders drained at {storm['drain']:.1f}/s ="
        f" {storm['drain'] / 30:.0%} of 30/s; busiest sliding second {storm['alone_max']:.0f}"
        " | ≥ 95 % |",
        f"| the storm with new people | all sends {storm['shared']:.1f}/s"
        f" ({storm['reminders_sent']:,.0f} reminders sent in all) | replies first |",
        f"| every send, at the stand-in | busiest sliding second {storm['max_second']:.0f}"
        f" (first second {storm['first_second']:.0f}); windows over 30:"
        f" {storm['seconds_over']:.1%} | none over 30 |",
        f"| memory at rest (peak RSS) | bot {r.bot_rss:.0f} MB; echo bot {r.echo_rss:.0f} MB"
        " | < 100 MB |",
    ]
    if r.profile:
        out += ["", "Profile of the 50-person case with raised limits (py-spy, busy samples):", ""]
        out += ["| where (innermost frame of these) | share |", "|---|---|"]
        out += [f"| {name} | {share:.0%} |" for name, share in r.areas.items()]
        out += ["", "| function (own time) | share |", "|---|---|"]
        out += [f"| `{name}` | {share:.1%} |" for name, share in r.profile]
    return out


def write_report(results: Results, command: str) -> None:
    text = lines(results, command)
    print("\n".join(text), flush=True)
    doc = DOC.read_text(encoding="utf-8")
    block = "\n".join([BEGIN, *text, END])
    if BEGIN in doc and END in doc:
        doc = doc[: doc.index(BEGIN)] + block + doc[doc.index(END) + len(END) :]
    else:
        doc = doc.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(doc, encoding="utf-8")
