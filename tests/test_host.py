"""The host unit tests (tests/host) and the fuzz corpus replayed
(tests/fuzz): `make host-check`, run once per session, and one case per
PASS/FAIL line it prints (its output: build/test-logs/host-check.log)."""
import fcntl
import json
import os
import re

import pytest

from conftest import LOG_DIR, make

HOST_LINE = re.compile(r"^(PASS|FAIL): (\S+?):?(?:\s(.*))?$")


def host_check_cases(config):
    """The results of `make host-check` (tests/host, and the fuzz corpus
    replayed) as (name, failure or None) pairs: run once per test session,
    whatever the number of xdist workers (the first to get here runs it,
    the others read its results)."""
    if hasattr(config, "_lde_host_cases"):
        return config._lde_host_cases
    run_id = getattr(config, "workerinput", {}).get("testrunuid")
    os.makedirs(LOG_DIR, exist_ok=True)
    results = os.path.join(LOG_DIR, "host-check.json")
    with open(os.path.join(LOG_DIR, "host-check.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cases = None
        if run_id and os.path.exists(results):
            with open(results) as f:
                saved = json.load(f)
            if saved.get("run") == run_id:
                cases = saved["cases"]
        if cases is None:
            cases = _run_host_check()
            with open(results, "w") as f:
                json.dump({"run": run_id, "cases": cases}, f)
    config._lde_host_cases = [tuple(c) for c in cases]
    return config._lde_host_cases


def _run_host_check():
    p = make("host-check")
    out = p.stdout + p.stderr
    with open(os.path.join(LOG_DIR, "host-check.log"), "w") as f:
        f.write(out)
    cases = []
    for line in out.splitlines():
        m = HOST_LINE.match(line)
        if m:
            cases.append((m.group(2), None if m.group(1) == "PASS" else (m.group(3) or "failed")))
    if re.search(r"(AddressSanitizer|UndefinedBehaviorSanitizer|LeakSanitizer|runtime error)",
                 out):
        cases.append(("sanitizers", "sanitizer report:\n" + out[-3000:]))
    if p.returncode != 0 and not any(c[1] for c in cases):
        cases.append(("host-check", "exit status %d:\n%s" % (p.returncode, out[-2000:])))
    if not cases:
        cases.append(("host-check", "no host test cases ran:\n" + out[-2000:]))
    return cases


def pytest_generate_tests(metafunc):
    if "host_case" in metafunc.fixturenames:
        cases = host_check_cases(metafunc.config)
        metafunc.parametrize("host_case", cases, ids=[name for name, _ in cases])


def test_host(host_case):
    name, failure = host_case
    if failure:
        pytest.fail("%s: %s\n(make host-check; its output: build/test-logs/host-check.log)"
                    % (name, failure), pytrace=False)
