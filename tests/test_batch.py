"""The pieces both executors share: the output target, and the decision to run pass 1.

The executors themselves are tested end to end in test_run.py (local) and
test_distributed.py (Ray, and the Ray executor's rows without Ray).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cleaner.batch.resume import fingerprint
from cleaner.batch.site_stats import corpus_pass_wanted, prepare, prepared_config
from cleaner.batch.target import Target
from cleaner.config import Config
from cleaner.corpus.stats import SiteStats
from cleaner.errors import UsageError
from cleaner.io import discover

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def pages_folder(tmp_path: Path) -> Path:
    """The sample HTML pages in a folder of their own: a corpus, so pass 1 runs over it."""
    return Path(shutil.copytree(SAMPLES / "html", tmp_path / "pages"))


# --------------------------------------------------------------------------- the target


def test_target_checks_the_output_and_its_format(tmp_path: Path) -> None:
    assert Target.resolve(tmp_path / "out.jsonl", None, None).errors_final == tmp_path / "out.errors.jsonl"
    assert Target.resolve(f"{tmp_path}/folder/", None, None).fmt == "txt"
    with pytest.raises(UsageError, match="needs a folder output"):
        Target.resolve(tmp_path / "out.jsonl", "md", None)
    with pytest.raises(UsageError, match="folder output takes"):
        Target.resolve(f"{tmp_path}/folder/", "jsonl", None)
    with pytest.raises(UsageError, match="both"):
        Target.resolve(tmp_path / "out.jsonl", None, tmp_path / "out.jsonl")


def test_finish_renames_the_partial_files_and_abandon_removes_them(tmp_path: Path) -> None:
    target = Target.resolve(tmp_path / "out.jsonl.gz", None, None)
    writer, errors = target.open_writer(), target.open_errors()
    writer.write({"id": "a", "text": "t", "metadata": {"source": "a"}})
    errors.write("b", "read", "EOFError", "cut")
    target.finish(writer, errors)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.errors.jsonl", "out.jsonl.gz"]
    target.discard_partial()
    writer, errors = target.open_writer(), target.open_errors()
    writer.write({"id": "c", "text": "t", "metadata": {"source": "c"}})
    writer.flush()
    errors.write("d", "read", "EOFError", "cut")
    assert target.out_partial.exists() and target.errors_partial.exists()
    target.abandon(writer, errors)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.errors.jsonl", "out.jsonl.gz"]  # the last run's


def test_a_clean_run_removes_an_earlier_errors_file(tmp_path: Path) -> None:
    target = Target.resolve(tmp_path / "out.jsonl", None, None)
    target.errors_final.write_text("from an earlier run\n")
    writer, errors = target.open_writer(), target.open_errors()
    target.finish(writer, errors)
    assert not target.errors_final.exists() and target.out_final.read_bytes() == b""


# --------------------------------------------------------------------------- pass 1: whether, and where


def never_collected() -> SiteStats:
    raise AssertionError("pass 1 must not run here")


def test_prepared_config_cases(tmp_path: Path) -> None:
    stats = SiteStats()
    stats.add("s", np.array([1, 2], dtype=np.uint64))
    stats.add("s", np.array([2, 3], dtype=np.uint64))
    saved = tmp_path / "given.npz"
    assert (
        prepared_config(Config(corpus_pass=False, site_stats=str(saved)), True, never_collected, None).site_stats
        is None
    )
    assert prepared_config(Config(), False, never_collected, None).site_stats is None
    made = prepared_config(Config(site_stats=str(saved)), True, lambda: stats, None)
    assert made.site_stats == str(saved) and SiteStats.load(saved) == stats.pruned_copy()
    reused = prepared_config(Config(site_stats=str(saved)), True, never_collected, None)  # it exists now
    assert reused.site_stats == str(saved)
    temporary = prepared_config(Config(), True, lambda: stats, None).site_stats
    assert temporary is not None and Path(temporary).exists() and SiteStats.load(temporary) == stats.pruned_copy()


def test_a_missing_statistics_file_that_pass_one_will_not_write_is_a_usage_error(tmp_path: Path) -> None:
    page = SAMPLES / "html" / "catering-blog.html"
    files = list(discover([page]))
    missing = Config(site_stats=str(tmp_path / "missing.npz"))
    with pytest.raises(UsageError, match="do not exist and the corpus pass does not run on one page"):
        corpus_pass_wanted([page], files, missing)
    with pytest.raises(UsageError, match="stdin cannot be read twice"):
        corpus_pass_wanted(["-"], list(discover(["-"])), missing)
    assert corpus_pass_wanted([page], files, missing.replace(corpus_pass=True))  # pass 1 writes it
    assert not corpus_pass_wanted([page], files, Config())


def test_two_runs_at_once_keep_their_own_statistics_and_resume_recognises_them(tmp_path: Path) -> None:
    """Each run removes its statistics when it exits: they must not be the file of another run."""
    folder = pages_folder(tmp_path)
    here = prepare([folder], list(discover([folder])), Config(), 1)
    other_run = (
        "from cleaner.batch.site_stats import prepare; from cleaner.config import Config; "
        "from cleaner.io import discover; import sys; "
        "print(prepare([sys.argv[1]], list(discover([sys.argv[1]])), Config(), 1).site_stats)"
    )
    there = subprocess.run(
        [sys.executable, "-c", other_run, str(folder)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert here.site_stats is not None and there.endswith(".npz")
    assert here.site_stats != there and not Path(there).exists()  # the other run removed its own at exit
    assert Path(here.site_stats).exists()  # and not ours
    copy = tmp_path / "copy.npz"
    shutil.copy(here.site_stats, copy)
    assert fingerprint(here, "jsonl") == fingerprint(here.replace(site_stats=str(copy)), "jsonl")  # by content
