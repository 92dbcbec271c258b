# The package under test is the one in the build tree (ctest sets PYTHONPATH);
# QSIM_RUN_EXE is the C++ command-line runner the results are compared with.
import os
import shutil

import pytest


@pytest.fixture(scope="session")
def qsim_run():
    exe = os.environ.get("QSIM_RUN_EXE") or shutil.which("qsim-run")
    if not exe or not os.path.exists(exe):
        pytest.skip("qsim-run (the C++ runner) is not built: configure with QSIM_BUILD_CLI=ON")
    return exe


@pytest.fixture(scope="session")
def source_dir():
    return os.environ.get("QSIM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
