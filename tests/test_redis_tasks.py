"""The production task queue: Django's tasks framework on Redis through django-tasks-rq."""

import socket

import pytest
from django.core import mail
from django.tasks import task_backends
from django.test import override_settings

from conftest import require_or_skip
from iptcare.accounts import services
from iptcare.test import BaseTestCase

REDIS_URL = "redis://127.0.0.1:6379/9"


def redis_is_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
    RQ_QUEUES={"default": {"URL": REDIS_URL}},
)
class RedisTaskQueueTestCase(BaseTestCase):
    def setUp(self):
        require_or_skip(redis_is_up(), "Redis is not running on 127.0.0.1:6379")
        pytest.importorskip("django_tasks_rq")
        import django_rq

        self.queue = django_rq.get_queue("default")
        self.queue.empty()

    def test_an_invitation_goes_through_redis_and_an_rq_worker(self):
        import django_rq
        from django_tasks_rq.backend import Job
        from rq import SimpleWorker

        self.assertEqual(type(task_backends["default"]).__name__, "RQBackend")
        with self.captureOnCommitCallbacks(execute=True):
            services.invite_staff(
                None, self.ada, name="Rae", email="rae@example.org", role="therapist"
            )
        self.assertEqual(self.queue.count, 1)
        self.assertEqual(len(mail.outbox), 0)
        worker = django_rq.get_worker("default", job_class=Job, worker_class=SimpleWorker)
        worker.work(burst=True)
        self.assertEqual(self.queue.count, 0)
        self.assertEqual([m.to for m in mail.outbox], [["rae@example.org"]])
