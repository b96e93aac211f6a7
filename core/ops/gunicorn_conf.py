"""gunicorn settings for ``jiazheng serve`` (``-c python:core.ops.gunicorn_conf``).

Everything comes from the environment the supervisor (:mod:`core.ops.serve`) sets:
``JIAZHENG_BIND`` (``fd://N``: the socket the supervisor holds, or ``host:port``),
``JIAZHENG_WEB_WORKERS``, ``JIAZHENG_WEB_THREADS``, ``JIAZHENG_WEB_TIMEOUT``,
``JIAZHENG_WEB_MAX_REQUESTS`` and ``PROMETHEUS_MULTIPROC_DIR``.
"""
import os

bind = [os.environ.get("JIAZHENG_BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("JIAZHENG_WEB_WORKERS", "2"))
threads = int(os.environ.get("JIAZHENG_WEB_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("JIAZHENG_WEB_TIMEOUT", "60"))
graceful_timeout = 20
max_requests = int(os.environ.get("JIAZHENG_WEB_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
accesslog = None  # the app writes one JSON line per request itself (core.ops.logs)
errorlog = "-"
proc_name = "jiazheng-web"
control_socket_disable = True  # several servers may share a host
# behind a reverse proxy on this machine: trust its X-Forwarded-* headers
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def child_exit(server, worker):
    """A web worker ended: its metric files stop counting as live (prometheus-client)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """The app is loaded: move everything it made so far (modules, mappers, compiled
    schemas) out of the garbage collector's sight, so a full collection walks only what
    requests made since. A precaution for the tail latency; its effect was not measured
    apart (the load bench's slow tails this stop came from background writes)."""
    import gc

    gc.collect()
    gc.freeze()
