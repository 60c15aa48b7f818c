"""What the equivalence tests of the compiled parts share (the page walk, the text counts, the trees).

- :func:`require`: import a compiled part, or skip the test module where it is not built,
  except in CI (``CLEANER_REQUIRE_COMPILED=1``, set by .ci/run), where a missing build fails;
- :func:`equivalence_settings`: hypothesis settings with a fixed seed so CI sees the same
  cases (a ``FUZZ_EXAMPLES`` session, ``make fuzz``, searches further with random seeds);
- :data:`DEVDATA` and :func:`devdata_sample`: a fixed sample of devdata pages over every dataset;
- :func:`probe_runs`: a probe run in fresh interpreters, as built, with ``CLEANER_PURE_PYTHON=1``
  and with modules blocked as a failed build leaves them (to check which path runs and
  how many warnings say so).
"""

from __future__ import annotations

import hashlib
import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, settings

from cleaner.learning.devdata import GoldPage, load_devdata, read_html

DEVDATA = Path(__file__).resolve().parents[2] / "shared" / "devdata"
NO_DEVDATA = f"devdata not found at {DEVDATA} (it sits next to the repo)"


def require(module: str, what: str) -> ModuleType:
    """The compiled module ``module``; where it is not built, skip the calling test module (fail in CI)."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if os.environ.get("CLEANER_REQUIRE_COMPILED"):
            raise ImportError(f"CLEANER_REQUIRE_COMPILED is set but {what} are not built: {exc}") from exc
        pytest.skip(f"{what} are not built ({exc})", allow_module_level=True)


def equivalence_settings(examples: int) -> settings:
    """Hypothesis settings for an equivalence test: ``examples`` cases with a fixed seed, unless FUZZ_EXAMPLES says more."""
    return settings(
        max_examples=int(os.environ.get("FUZZ_EXAMPLES", str(examples))),
        deadline=None,
        derandomize="FUZZ_EXAMPLES" not in os.environ,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def devdata_sample(count: int) -> Iterator[tuple[GoldPage, str]]:
    """The first ``count`` devdata pages by the sha1 of their key (every dataset is represented), with their HTML."""
    pages = sorted(load_devdata(DEVDATA, with_html=False), key=lambda p: hashlib.sha1(p.key.encode()).hexdigest())
    for page in pages[:count]:
        yield page, read_html(DEVDATA, page).html.decode("utf-8", "replace")


def blocked(*modules: str) -> str:
    """Probe code that makes ``modules`` unimportable, as a failed build leaves them."""
    return "".join(f"sys.modules[{name!r}] = None\n" for name in modules)


def probe_runs(probe: str, runs: dict[str, tuple[bool, str]]) -> dict[str, list[str]]:
    """Run ``probe`` (with ``{block}`` where blocking code goes) in fresh interpreters; their words printed.

    ``runs`` maps a name to (``CLEANER_PURE_PYTHON`` set or not, the blocking code).
    """
    env = {k: v for k, v in os.environ.items() if k != "CLEANER_PURE_PYTHON"}
    seen = {}
    for name, (pure, block) in runs.items():
        environment = {**env, "CLEANER_PURE_PYTHON": "1"} if pure else env
        out = subprocess.run(
            [sys.executable, "-c", "import sys, warnings\n" + probe.format(block=block)],
            env=environment,
            capture_output=True,
            text=True,
        )
        assert out.returncode == 0, out.stderr
        seen[name] = out.stdout.split()
    return seen
