"""How passwords are kept: Django's Argon2 hasher (argon2id), with parameters chosen for this service.

Django's own Argon2 parameters (100 MiB, 2 passes, 8 lanes) cost about 0.22 s of CPU a check here, and
PBKDF2 at Django's iterations about 0.45 s: fifty officers signing in at nine o'clock queue for seconds on
two cores. These are the most memory-hard of OWASP's equivalent Argon2id settings (46 MiB, 1 pass, 1 lane)
that cost under 0.1 s of CPU a check on this hardware: `bench/password_hash.py` measures every candidate
and prints the choice. Memory is what makes guessing on graphics cards expensive; time here is only CPU.

The algorithm stays "argon2", so a hash made with other parameters (Django's, or older ones of ours) and
every PBKDF2 hash is checked as it is and rewritten with these at the person's next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher as DjangoArgon2PasswordHasher


class Argon2PasswordHasher(DjangoArgon2PasswordHasher):
    time_cost = 1
    memory_cost = 47_104  # KiB: 46 MiB
    parallelism = 1
