"""Background work for the report, through Django's Tasks framework (settings.TASKS).

The immediate backend (the default) runs the task inside the request that enqueues it; production and
docker-compose use the database backend, whose `manage.py db_worker` process runs it.
"""

from django.tasks import task

from reporting.renders import make_pdf


@task()
def render_report_pdf(render_id: int) -> None:
    make_pdf(render_id)
