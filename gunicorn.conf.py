"""gunicorn settings for the vision intranet, read from the environment.

Used by `make serve`, the benchmark suite and the systemd unit in deploy/:
    gunicorn -c gunicorn.conf.py vision.wsgi

GUNICORN_BIND      where to listen (default 127.0.0.1:8000; behind nginx keep it on loopback
                   or a unix socket, e.g. unix:/run/vision/gunicorn.sock)
WEB_CONCURRENCY    worker processes (default 2 per core + 1)
GUNICORN_TIMEOUT   seconds before a stuck worker is restarted (default 30)
FORWARDED_ALLOW_IPS proxies trusted for X-Forwarded-* (default 127.0.0.1, i.e. nginx on the same host)
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# Sync workers: the pages are short database-bound requests; media is handed to nginx
# by X-Accel-Redirect in production, so no worker is tied up by a slow download there.
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound; the jitter
# keeps them from all restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# The heartbeat file on tmpfs: a worker blocked on a slow disk is not mistaken for a hung one.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips
# Logs to stdout/stderr: journald (systemd) or the container runtime collects them.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'
# gunicorn's control socket sits at one fixed path per user: a second server (the benchmark
# beside `make serve`) would clash there, and nothing here uses it.
control_socket_disable = True
