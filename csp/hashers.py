"""How passwords are kept: Django's Argon2 hasher (argon2id), with parameters chosen for this service.

Django's own Argon2 parameters (100 MiB, 2 passes, 8 lanes) cost about 0.22 s of CPU a check here, and
PBKDF2 at Django's iterations about 0.4 s: fifty officers signing in at nine o'clock queue for seconds on
two cores. OWASP's Password Storage Cheat Sheet gives five Argon2id settings of equal strength, trading
memory for passes; its headline one (19 MiB, 2 passes, 1 lane) costs about 25 ms of CPU a check here,
the 46 MiB one nearly three times as much, so the headline one it is: `bench/password_hash.py` measures
them all and prints the choice. CPU is what sign-ins queue for on this service; the memory still makes
guessing on graphics cards expensive.

The algorithm stays "argon2", so a hash made with other parameters (Django's, or older ones of ours) and
every PBKDF2 hash is checked as it is and rewritten with these at the person's next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher as DjangoArgon2PasswordHasher


class Argon2PasswordHasher(DjangoArgon2PasswordHasher):
    time_cost = 2
    memory_cost = 19_456  # KiB: 19 MiB
    parallelism = 1
