"""The bots of bench/updates.py as child processes, as Telegram would see them: CPU and memory
read from /proc, and a py-spy profile when py-spy is installed."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
import tempfile
from collections import Counter
from pathlib import Path

from bot.playground.server import FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


class Child:
    """A bot process polling the stand-in; `cpu()` in seconds, memory in MB."""

    def __init__(self, process: asyncio.subprocess.Process, log: Path) -> None:
        self.process = process
        self.log = log

    @classmethod
    async def start(cls, api: FakeBotApi, args: list[str], env: dict[str, str]) -> Child:
        """Starts `python args...` and waits until it polls the stand-in."""
        polled = api.calls("getUpdates")
        workdir = Path(tempfile.mkdtemp(prefix="bench-"))  # no .env to pick up
        log = workdir / "output.log"
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *args,
            cwd=workdir,
            env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), **env},
            stdout=log.open("wb"),
            stderr=asyncio.subprocess.STDOUT,
        )
        child = cls(process, log)
        if not await api.wait_until(lambda: api.calls("getUpdates") > polled, 60):
            await child.stop()
            raise RuntimeError(f"the bot did not start; see {log}")
        return child

    def cpu(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def memory(self) -> tuple[float, float]:
        """Resident MB now, and the peak so far (VmRSS, VmHWM)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text().splitlines()
        values = {line.split(":")[0]: line.split()[1] for line in status if line.startswith("Vm")}
        return int(values["VmRSS"]) / 1024, int(values["VmHWM"]) / 1024

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


async def profile(child: Child, seconds: float, out: Path) -> Path | None:
    """py-spy's collapsed stacks of `child` for `seconds` (None without py-spy)."""
    spy = shutil.which("py-spy", path=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    if spy is None:
        return None
    recorder = await asyncio.create_subprocess_exec(
        spy, "record", "--pid", str(child.process.pid), "--duration", str(int(seconds)),
        "--gil", "--full-filenames",
        "--rate", "200", "--format", "raw", "--output", str(out),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    return out if await recorder.wait() == 0 else None


def summarise(collapsed: Path, top: int = 12) -> list[tuple[str, float]]:
    """The share of samples spent in each function (its own time, leaf frames), largest first;
    the idle event loop (selector waits) is left out."""
    own: Counter[str] = Counter()
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        leaf = stack.rsplit(";", 1)[-1]
        if "select" in leaf and ("selectors.py" in leaf or "epoll" in leaf):
            continue
        own[_short(leaf)] += int(count)
    total = sum(own.values()) or 1
    return [(name, n / total) for name, n in own.most_common(top)]


def area_shares(collapsed: Path, areas: dict[str, str]) -> dict[str, float]:
    """The share of busy samples spent in each area (a path fragment), each sample counted
    once: in the innermost frame that belongs to one of the areas ("other" when none does)."""
    seen: Counter[str] = Counter()
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if "select" in frames[-1] and ("selectors.py" in frames[-1] or "epoll" in frames[-1]):
            continue
        owner = next(
            (name for frame in reversed(frames) for name, part in areas.items() if part in frame),
            "other",
        )
        seen[owner] += int(count)
    total = sum(seen.values()) or 1
    return {name: seen[name] / total for name in [*areas, "other"]}


def _short(frame: str) -> str:
    """`function (package/module.py)` from py-spy's `function (path:line)`."""
    name, _, where = frame.partition(" (")
    path = where.rsplit(":", 1)[0]
    parts = Path(path).parts
    if "site-packages" in parts:
        parts = parts[parts.index("site-packages") + 1 :]
    elif "wt-perf" in parts or ROOT.name in parts:
        parts = parts[parts.index(ROOT.name) + 1 :]
    else:
        parts = parts[-2:]
    return f"{name} ({'/'.join(parts)})"
