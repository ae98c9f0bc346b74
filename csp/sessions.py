"""Django's database sessions, with an existing session saved by one UPDATE.

Every request saves its session (SESSION_SAVE_EVERY_REQUEST: the idle sign-out counts from the last
request), and Django's database store wraps even that update in a transaction: BEGIN, UPDATE, COMMIT,
three round trips on every request. A single UPDATE needs no transaction around it, so this store sends
just that. Creating a session is left to Django (its transaction is what makes a key clash an error), and
a session ended elsewhere (signed out in another tab) raises UpdateError as Django's does, which
SessionMiddleware answers as an interrupted session rather than bringing the session back.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError


class SessionStore(db.SessionStore):
    def save(self, must_create: bool = False) -> None:
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        stored = self.create_model_instance(self._get_session(no_load=False))
        updated = self.model.objects.filter(session_key=stored.session_key).update(
            session_data=stored.session_data, expire_date=stored.expire_date
        )
        if not updated:
            raise UpdateError
        return None
