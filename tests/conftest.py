"""Every test, and every process a test starts, keeps its data in a temporary OPMODEL_HOME:
nothing is written into the real user data folder."""

import os
import shutil
import tempfile

_HOME = tempfile.mkdtemp(prefix="opmodel-test-home-")


def pytest_configure(config):
    os.environ["OPMODEL_HOME"] = _HOME


def pytest_unconfigure(config):
    shutil.rmtree(_HOME, ignore_errors=True)
