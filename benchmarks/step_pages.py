"""Benchmark: step pages served as a user runs bka, against the bare Flask stack.

Starts `bka serve` (gunicorn, 2 workers, SQLite, demo data in a temporary instance folder) and
benchmarks/bare_app.py under gunicorn the same way, each on a free loopback port. Logs in as the
demo team member, finds the Millennium demo analysis and then measures, alternating in one run
(bare, decision, bare, impacts, bare, follow-up, bare, observed effects ... for several rounds),
so that the load other programs put on the machine hits both alike:

* throughput: requests/s with a fixed number of concurrent client processes (closed loop);
* latency: p50/p95 at a fixed rate (open loop, 100 req/s by default; latency counts from the
  moment a request was due, so a server falling behind is not hidden);
* worker RSS: VmRSS (and the peak, VmHWM) of the gunicorn workers.

It prints the ratios decision/bare and impacts/bare (goals: >= 0.7 and >= 0.5) and those of the
follow-up page and its page of observed effects (new pages, held to the same p95 budget), and
stops its servers at the end, also on errors. Every request stays on 127.0.0.1.

    .venv/bin/python benchmarks/step_pages.py [--rounds 3] [--seconds 3] [--instance DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import html
import http.client
import multiprocessing
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
USER_AGENT = "bka-step-benchmark/1"  # Flask-Login's strong session protection hashes it
TEAM = ("team@example.se", "demo-team-2024")
MILLENNIUM = "Införande av vårdinformationssystemet Millennium"
DRAFT = "Samordnad barnakut och neonatalvård nattetid"  # the team's editable draft (--editable)
GOALS = {"decision": 0.7, "impacts": 0.5}
P95_BUDGET_MS = 25.0
RSS_BUDGET_MB = 150.0


# --- servers ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    def workers(self) -> list[int]:
        """The gunicorn worker pids: the master's children."""
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            return [int(child) for child in children]
        except OSError:
            return [
                int(entry.name)
                for entry in Path("/proc").iterdir()
                if entry.name.isdigit() and _ppid(entry.name) == pid
            ]

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        workers = self.workers()
        self.process.send_signal(signal.SIGTERM)  # gunicorn: graceful stop of every worker
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        for pid in workers:  # normally gone with the master
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _ppid(pid: str) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _status_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def start(
    name: str, command: list[str], env: dict, log: Path, port: int, cwd: Path = ROOT
) -> Server:
    handle = log.open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own fixed command lines
        command, env=env, stdout=handle, stderr=subprocess.STDOUT, cwd=str(cwd)
    )
    server = Server(name, port, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped at start:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1):
            if len(server.workers()) >= 1:
                return server
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{name} did not start within 60 s")


def run(command: list[str], env: dict) -> None:
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


# --- one HTTP request at the socket level (cheap enough to stay out of the way) ----------------


def raw_request(port: int, path: str, cookie: str) -> tuple[int, int]:
    """GET path with the cookie; returns (status, body bytes). gunicorn's sync workers close
    the connection after each response, as browsers see them."""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nUser-Agent: {USER_AGENT}\r\n"
        f"Accept-Language: sv\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((HOST, port), timeout=30) as connection:
        connection.sendall(request)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    response = b"".join(chunks)
    return int(response[9:12]), len(response)


@dataclass(frozen=True)
class Target:
    label: str
    port: int
    path: str
    cookie: str


def _closed_loop(target: Target, seconds: float, results) -> None:
    done = errors = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        status, _size = raw_request(target.port, target.path, target.cookie)
        if status == 200:
            done += 1
        else:
            errors += 1
    results.put((done, errors))


def throughput(target: Target, seconds: float, concurrency: int) -> tuple[float, int]:
    """Requests/s with `concurrency` client processes each sending one request at a time."""
    results = multiprocessing.Queue()
    clients = [
        multiprocessing.Process(target=_closed_loop, args=(target, seconds, results))
        for _ in range(concurrency)
    ]
    started = time.perf_counter()
    for client in clients:
        client.start()
    totals = [results.get(timeout=seconds + 60) for _ in clients]
    elapsed = time.perf_counter() - started
    for client in clients:
        client.join()
    return sum(done for done, _ in totals) / elapsed, sum(errors for _, errors in totals)


def fixed_rate(
    target: Target, rate: float, seconds: float, threads: int = 12
) -> tuple[list[float], list[float]]:
    """Latencies (ms) of requests due every 1/rate s, measured from when each was due, and
    the service times alone (from sending to the end of the response)."""
    count = int(rate * seconds)
    start_at = time.perf_counter() + 0.05
    latencies: list[float] = [0.0] * count
    service: list[float] = [0.0] * count
    failures: list[int] = []

    def client(offset: int) -> None:
        for index in range(offset, count, threads):
            due = start_at + index / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            sent = time.perf_counter()
            status, _size = raw_request(target.port, target.path, target.cookie)
            done = time.perf_counter()
            latencies[index] = (done - due) * 1000
            service[index] = (done - sent) * 1000
            if status != 200:
                failures.append(status)

    pool = [threading.Thread(target=client, args=(offset,)) for offset in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if failures:
        raise RuntimeError(f"{target.label}: {len(failures)} failed requests ({failures[:3]})")
    return latencies, service


# --- logging in as a user does --------------------------------------------------------------


def _cookie(response: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]


def _http(port: int, method: str, path: str, jar: dict[str, str], body: dict | None = None):
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {
        "User-Agent": USER_AGENT,
        "Accept-Language": "sv",
        "Cookie": "; ".join(f"{name}={value}" for name, value in jar.items()),
    }
    data = None
    if body is not None:
        data = urllib.parse.urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=data, headers=headers)
    response = connection.getresponse()
    text = response.read().decode("utf-8")
    _cookie(response, jar)
    connection.close()
    return response.status, response.headers, text


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def login(port: int) -> dict[str, str]:
    jar: dict[str, str] = {}
    _status, _headers, page = _http(port, "GET", "/login", jar)
    email, password = TEAM
    status, _headers, _text = _http(
        port,
        "POST",
        "/login",
        jar,
        {"email": email, "password": password, "csrf_token": _csrf(page)},
    )
    if status != 302:
        raise RuntimeError(f"logging in as {email} answered {status}")
    return jar


def analysis_path(port: int, jar: dict[str, str], title: str) -> str:
    """The first analysis with `title` (a later version, e.g. the Millennium analysis's
    re-assessment, has the same title and a higher id)."""
    _status, _headers, page = _http(port, "GET", "/", jar)
    found = sorted(
        {
            int(href.rsplit("/", 1)[1])
            for href, text in re.findall(r'<a href="(/analyses/\d+)">([^<]+)</a>', page)
            if html.unescape(text) == title
        }
    )
    if not found:
        raise RuntimeError(f"the demo analysis {title!r} is not on the team member's list")
    return f"/analyses/{found[0]}"


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


# --- the run ----------------------------------------------------------------------------------


@dataclass
class Figures:
    rates: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    service: list[float] = field(default_factory=list)
    errors: int = 0


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(p50, p95), as benchmarks/common.py computes them (without importing the app)."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def prepare_instance(folder: Path, env: dict) -> None:
    if not (folder / "bka.sqlite3").exists():
        print(f"preparing {folder}: bka db upgrade, bka demo (takes a minute) ...", flush=True)
        run([str(BIN / "bka"), "db", "upgrade"], env)
        run([str(BIN / "bka"), "demo"], env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0, help="each throughput measurement")
    parser.add_argument("--concurrency", type=int, default=4, help="client processes")
    parser.add_argument("--rate", type=float, default=100.0, help="req/s for the latency runs")
    parser.add_argument("--rate-seconds", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--instance", help="reuse this instance folder (created with demo data if empty)"
    )
    parser.add_argument(
        "--editable", action="store_true", help="also measure the team's draft decision step"
    )
    parser.add_argument(
        "--source",
        help="serve the bka package from this checkout instead (e.g. a `git archive` of an "
        "earlier commit, to compare before and after in the same conditions)",
    )
    args = parser.parse_args()

    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="bka-steps-") as scratch:
        folder = Path(args.instance or Path(scratch) / "instance").resolve()
        folder.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "BKA_INSTANCE_PATH": str(folder),
            "BKA_CONFIG": "development",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        for name in ("DATABASE_URL", "SECRET_KEY", "BKA_DEFAULT_LOCALE"):
            env.pop(name, None)
        source = Path(args.source).resolve() if args.source else ROOT
        # gunicorn imports the app from its working directory first, so that decides the code.
        bka_env = {**env, "PYTHONPATH": str(source)} if args.source else env
        try:
            prepare_instance(folder, bka_env)
            bka_port, bare_port = free_port(), free_port()
            servers.append(
                start(
                    "bka",
                    [
                        str(BIN / "bka"),
                        "serve",
                        "--bind",
                        f"{HOST}:{bka_port}",
                        "--workers",
                        str(args.workers),
                    ],
                    bka_env,
                    Path(scratch) / "bka.log",
                    bka_port,
                    cwd=source,
                )
            )
            servers.append(
                start(
                    "bare",
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "--bind",
                        f"{HOST}:{bare_port}",
                        "--workers",
                        str(args.workers),
                        "--access-logfile",
                        "-",
                        "--chdir",
                        str(HERE),
                        "bare_app:create_app()",
                    ],
                    {**env, "BARE_DB": str(Path(scratch) / "bare.sqlite3")},
                    Path(scratch) / "bare.log",
                    bare_port,
                )
            )
            measure(args, servers[0], servers[1])
        finally:
            for server in servers:
                server.stop()


def measure(args, bka: Server, bare: Server) -> None:
    jar = login(bka.port)
    cookie = cookie_header(jar)
    base = analysis_path(bka.port, jar, MILLENNIUM)
    pages = {
        "decision": f"{base}/steps/decision",
        "impacts": f"{base}/steps/impacts",
        # Not steps, but pages the team uses as often once decided: the same p95 budget.
        "follow-up": f"{base}/follow-up",
        "observed effects": f"{base}/follow-up/observed-effects",
    }
    if args.editable:
        pages["draft decision"] = analysis_path(bka.port, jar, DRAFT) + "/steps/decision"
    bare_jar: dict[str, str] = {}
    _http(bare.port, "GET", "/", bare_jar)  # the session with its CSRF token, as a browser has
    bare_target = Target("bare", bare.port, "/", cookie_header(bare_jar))
    targets = {name: Target(name, bka.port, path, cookie) for name, path in pages.items()}

    for target in (bare_target, *targets.values()):  # warm every worker: imports, templates
        for _ in range(40):
            status, _size = raw_request(target.port, target.path, target.cookie)
            if status != 200:
                raise RuntimeError(f"{target.label} {target.path} answered {status}")
    if args.source:
        print(f"bka served from {args.source}")
    print(
        f"bka on :{bka.port}, bare on :{bare.port}; {args.workers} workers each; "
        f"{args.concurrency} clients x {args.seconds:g} s per throughput run, "
        f"{args.rate:g} req/s x {args.rate_seconds:g} s per latency run; {args.rounds} rounds"
    )
    for name, path in pages.items():
        print(f"  {name:<16} {path}")

    figures = {name: Figures() for name in ("bare", *targets)}
    for round_number in range(1, args.rounds + 1):
        line = []
        for name, target in targets.items():
            bare_rate, bare_errors = throughput(bare_target, args.seconds, args.concurrency)
            rate, errors = throughput(target, args.seconds, args.concurrency)
            figures["bare"].rates.append(bare_rate)
            figures["bare"].errors += bare_errors
            figures[name].rates.append(rate)
            figures[name].errors += errors
            figures[name].ratios.append(rate / bare_rate)
            line.append(f"bare {bare_rate:6.1f}/s  {name} {rate:6.1f}/s ({rate / bare_rate:.2f}x)")
        for name, target in targets.items():
            for figure, measured in ((figures["bare"], bare_target), (figures[name], target)):
                latencies, service = fixed_rate(measured, args.rate, args.rate_seconds)
                figure.latencies += latencies
                figure.service += service
        print(f"round {round_number}: " + " | ".join(line), flush=True)

    print(
        f"\n{'page':<16} {'req/s (median)':>14} {'ratio (median, range)':>26} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p95 service':>12}   @ {args.rate:g} req/s"
    )
    for name, figure in figures.items():
        p50, p95 = percentiles(figure.latencies)
        _p50, service_p95 = percentiles(figure.service)
        ratio = (
            f"{statistics.median(figure.ratios):.2f} ({min(figure.ratios):.2f}-"
            f"{max(figure.ratios):.2f})"
            if figure.ratios
            else "1"
        )
        errors = f"  {figure.errors} errors" if figure.errors else ""
        print(
            f"{name:<16} {statistics.median(figure.rates):14.1f} {ratio:>26} "
            f"{p50:8.1f} {p95:8.1f} {service_p95:12.1f}{errors}"
        )
    bare_rate = statistics.median(figures["bare"].rates)
    if bare_rate < args.rate:
        print(
            f"note: even the bare page serves only {bare_rate:.0f} req/s here, so {args.rate:g} "
            "req/s overloads both servers and p50/p95 measure the queue (the machine is busy "
            "or slow); 'p95 service' is the time from sending each request to its response."
        )
    for server in (bka, bare):
        rss = [(_status_kib(pid, "VmRSS"), _status_kib(pid, "VmHWM")) for pid in server.workers()]
        print(
            f"{server.name} worker RSS: "
            + ", ".join(f"{now / 1024:.0f} MB (peak {peak / 1024:.0f} MB)" for now, peak in rss)
        )
    print(
        "goals: "
        + ", ".join(f"{name}/bare >= {goal}" for name, goal in GOALS.items())
        + f", p95 <= {P95_BUDGET_MS:g} ms at 100 req/s, worker RSS <= {RSS_BUDGET_MB:g} MB"
    )


if __name__ == "__main__":
    main()
