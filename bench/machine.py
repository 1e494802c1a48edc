"""What every benchmark result records: when, on what machine, under what load, by which command."""
from __future__ import annotations

import os
import platform
import shlex
import sys
import time
from datetime import datetime, timezone


def cpu_model() -> str:
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


START_LOAD = load()  # the load when the benchmark process started


def info(started: float | None = None) -> dict:
    return {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": {"nproc": os.cpu_count(), "cpu": cpu_model(), "python": platform.python_version()},
            "load_avg_1_5_15": {"start": START_LOAD, "end": load()},
            "command": " ".join(shlex.quote(a) for a in [os.path.basename(sys.executable), "-m",
                                                          _module(), *sys.argv[1:]]),
            "wall_s": None if started is None else round(time.time() - started, 1)}


def _module() -> str:
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    return spec.name if spec else (sys.argv[0] if sys.argv else "?")
