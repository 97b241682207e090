"""Refresh the README's screenshots: run the browser tests with their pictures going to docs/screenshots.

    .venv/bin/python scripts/screenshots.py

The pictures are of the app the tests seed (three weeks of a person called Ann), so they show real
pages with real numbers. It needs Debian's chromium (`apt-get install chromium`); install
`fonts-noto-color-emoji` too, or the few emoji on the pages print as empty boxes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = REPO / "docs" / "screenshots"


def main() -> int:
    env = {**os.environ, "STRAIN_SCREENSHOT_DIR": str(TARGET), "STRAIN_REQUIRE_BROWSER": "1"}
    result = subprocess.run([sys.executable, "-m", "pytest", "tests/browser", "-q"], cwd=REPO, env=env, check=False)
    pictures = sorted(TARGET.glob("*.png"))
    print("\n".join(str(path.relative_to(REPO)) for path in pictures) or "no screenshots were written")
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
