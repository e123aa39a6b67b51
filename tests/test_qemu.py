"""The in-QEMU tests declared as tables in tests/suites/*.py (the format is
in tests/qemu_tests.py): one pytest case each, named after the test."""
import pytest

import lde
import qemu_tests
from conftest import fail


@pytest.mark.parametrize("t", qemu_tests.TESTS, ids=[t["name"] for t in qemu_tests.TESTS])
def test_qemu(t, boot, test_log):
    fail(lde.run_table_test(t, boot, test_log), test_log)
