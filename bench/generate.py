"""Time ``aidwatch demo-data`` on SQLite and report wall time, peak RSS and file size.

The generator promises national scale (``--scale 1.0``) in under 15 minutes
and 2 GB on a 2-core machine; this script is how that promise is checked.
It runs the command in a child process so that the peak RSS measured is the
generator's own.

    .venv/bin/python bench/generate.py [--scale 1.0] [--seed 2025] [--until 2026-11-26] [--out /tmp/bench.sqlite]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="1.0")
    parser.add_argument("--seed", default="2025")
    parser.add_argument("--until", default=None)
    parser.add_argument("--out", default="/tmp/aidwatch-bench.sqlite")
    args = parser.parse_args()
    if os.path.exists(args.out):
        os.remove(args.out)
    cmd = [sys.executable, "-c", "from cli.commands.demo import demo_data; demo_data()",
           "--url", f"sqlite:///{args.out}", "--scale", args.scale, "--seed", args.seed]
    if args.until:
        cmd += ["--until", args.until]
    started = time.monotonic()
    result = subprocess.run(cmd)
    wall = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # Linux reports KiB
    size_mb = os.path.getsize(args.out) / 2**20 if os.path.exists(args.out) else 0.0
    print(f"scale {args.scale}: exit {result.returncode}, wall {wall:.1f} s ({wall / 60:.1f} min), "
          f"peak RSS {peak_mb:.0f} MiB, database {size_mb:.0f} MiB")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
