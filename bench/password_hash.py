"""What one password check costs in CPU, for the hasher the app uses and the candidates it was chosen from.

    .venv/bin/python bench/password_hash.py [--runs 7] [--budget-ms 100]

A sign-in checks one password. Fifty officers signing in at nine o'clock share the server's cores, so the
check's CPU time, not its wall time, decides how long they queue. Candidates: PBKDF2 and Argon2 at
Django's own parameters, and OWASP's five Argon2id settings of equal strength (Password Storage Cheat
Sheet: 46 MiB x 1 pass, 19 MiB x 2, 12 MiB x 3, 9 MiB x 4, 7 MiB x 5, one lane each). The rule: OWASP's
headline setting, 19 MiB x 2, if it costs no more than the budget; otherwise the cheapest of the five.
The 46 MiB setting is as strong but costs several times the CPU here, and CPU is what sign-ins queue for.
The configured hasher (settings.PASSWORD_HASHERS[0], csp/hashers.py) is printed last, with its cost: the
figure to quote. Nothing is asserted.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple 42"  # noqa: S105 (a benchmark's sample)
OWASP = [(47_104, 1), (19_456, 2), (12_288, 3), (9_216, 4), (7_168, 5)]  # (memory KiB, passes), one lane


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread of the process (Argon2's lanes)
    return usage.ru_utime + usage.ru_stime


def cost(hasher, runs: int) -> tuple[float, float]:
    """The least CPU and wall seconds one check took over `runs` (the least is the least disturbed)."""
    encoded = hasher.encode(PASSWORD, hasher.salt())
    best_cpu = best_wall = float("inf")
    for _ in range(runs):
        cpu, wall = cpu_seconds(), time.perf_counter()
        assert hasher.verify(PASSWORD, encoded)
        best_cpu = min(best_cpu, cpu_seconds() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    return best_cpu, best_wall


def argon2(memory: int, passes: int, lanes: int = 1):
    from django.contrib.auth.hashers import Argon2PasswordHasher

    return type(
        "Candidate",
        (Argon2PasswordHasher,),
        {"memory_cost": memory, "time_cost": passes, "parallelism": lanes},
    )()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--budget-ms", type=float, default=100)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher, get_hasher

    rows = [
        ("PBKDF2-SHA256, Django's iterations", PBKDF2PasswordHasher(), None),
        (
            "Argon2id, Django's parameters",
            Argon2PasswordHasher(),
            (
                Argon2PasswordHasher.memory_cost,
                Argon2PasswordHasher.time_cost,
                Argon2PasswordHasher.parallelism,
            ),
        ),
        *[(f"Argon2id, OWASP {m // 1024} MiB x {t}", argon2(m, t), (m, t, 1)) for m, t in OWASP],
    ]
    print(
        f"One password check, least of {args.runs} runs; "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    print(f"  {'hasher':<38}{'memory':>9}{'passes':>8}{'lanes':>7}{'CPU ms':>9}{'wall ms':>9}")
    costs = {}
    for label, hasher, params in rows:
        cpu, wall = cost(hasher, args.runs)
        costs[label] = cpu
        memory, passes, lanes = (
            (f"{params[0] // 1024} MiB", str(params[1]), str(params[2])) if params else ("-", "-", "-")
        )
        print(f"  {label:<38}{memory:>9}{passes:>8}{lanes:>7}{cpu * 1000:>9.0f}{wall * 1000:>9.0f}")
    headline = costs["Argon2id, OWASP 19 MiB x 2"] * 1000
    if headline <= args.budget_ms:
        print(
            f"\nThe rule picks OWASP's headline setting, 19456 KiB (19 MiB) x 2 passes x 1 lane: "
            f"{headline:.0f} ms"
        )
    else:
        m, t = min(OWASP, key=lambda mt: costs[f"Argon2id, OWASP {mt[0] // 1024} MiB x {mt[1]}"])
        print(
            f"\nOWASP's headline setting costs over {args.budget_ms:.0f} ms here: "
            f"take the cheapest, {m} KiB x {t}"
        )
    configured = get_hasher()
    cpu, wall = cost(configured, args.runs)
    print(
        f"Configured ({type(configured).__module__}.{type(configured).__name__}: "
        f"{configured.memory_cost} KiB, {configured.time_cost} pass(es), {configured.parallelism} lane(s)): "
        f"one sign-in's password check costs {cpu * 1000:.0f} ms of CPU ({wall * 1000:.0f} ms wall)"
    )


if __name__ == "__main__":
    main()
