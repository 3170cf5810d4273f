"""The password hasher: Argon2id with the parameters OWASP recommends.

Django's Argon2 defaults (100 MiB of memory, 8 lanes) made every sign-in raise a web process's
peak memory by about 100 MB, past the 150 MB a web process may use (PERFORMANCE.md), and eight
sign-ins at once would ask a two-core server for 800 MB. OWASP's password storage guidance
gives 19 MiB, 2 passes, 1 lane as an equivalent choice. Hashes made with other parameters still
verify (they carry their own) and are rehashed with these at the person's next sign-in.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher as DjangoArgon2PasswordHasher


class Argon2PasswordHasher(DjangoArgon2PasswordHasher):
    time_cost = 2
    memory_cost = 19_456  # KiB
    parallelism = 1
