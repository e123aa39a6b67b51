"""Rules on the source itself, checked by make test with everything else:
the kernel/arch boundary (scripts/check-boundaries.sh, docs/design.md) and
the code style (.clang-format, `make format-check`)."""
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd):
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout + p.stderr


def test_kernel_arch_boundary():
    status, out = run(["scripts/check-boundaries.sh"])
    assert status == 0, out


def test_format():
    status, out = run(["make", "--no-print-directory", "-s", "format-check"])
    assert status == 0, out
