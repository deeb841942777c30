"""The file layer's whole-file helpers (a bounded read and an atomic write) and
the malloc arena cap for processes under an address-space limit."""
import os
import resource
import subprocess
import sys
import threading

import pytest

import imagebank


def test_read_file_at_and_over_the_limit(tmp_path):
    path = tmp_path / "a.bin"
    data = os.urandom(5000)
    path.write_bytes(data)
    assert imagebank.read_file(path, 5000) == data
    assert imagebank.read_file(str(path), max_bytes=10_000) == data
    with pytest.raises(imagebank.LimitExceededError) as e:
        imagebank.read_file(path, 4999)
    assert str(path) in str(e.value)
    assert "5000 bytes" in str(e.value)
    (tmp_path / "empty").write_bytes(b"")
    assert imagebank.read_file(tmp_path / "empty", 0) == b""


def test_read_file_errors(tmp_path):
    with pytest.raises(imagebank.NotFoundError, match="missing.bin: no such file"):
        imagebank.read_file(tmp_path / "missing.bin", 100)
    with pytest.raises(FileNotFoundError):  # NotFoundError is one too
        imagebank.read_file(tmp_path / "missing.bin", 100)
    with pytest.raises(imagebank.InvalidArgumentError, match="is a directory"):
        imagebank.read_file(tmp_path, 100)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    # No writer ever opens it: the read must refuse it, not wait.
    with pytest.raises(imagebank.InvalidArgumentError, match="not a regular file"):
        imagebank.read_file(fifo, 100)
    with pytest.raises(imagebank.InvalidArgumentError):
        imagebank.read_file("", 100)


def test_read_file_of_a_pseudo_file_reads_past_its_reported_size():
    status = imagebank.read_file("/proc/self/status", 1 << 20)
    assert b"Name:" in status
    with pytest.raises(imagebank.LimitExceededError, match="/proc/self/status"):
        imagebank.read_file("/proc/self/status", 16)


def test_write_file_atomic_creates_and_replaces(tmp_path):
    path = tmp_path / "out.bin"
    imagebank.write_file_atomic(path, b"first")
    assert path.read_bytes() == b"first"
    big = os.urandom(3 << 20)
    imagebank.write_file_atomic(str(path), bytearray(big))
    assert imagebank.read_file(path, len(big)) == big
    imagebank.write_file_atomic(path, memoryview(b"xyz")[1:])
    assert path.read_bytes() == b"yz"
    assert os.listdir(tmp_path) == ["out.bin"]  # no temporary files left


def test_failed_write_file_atomic_keeps_the_old_file(tmp_path):
    old = tmp_path / "old"
    old.write_bytes(b"old content")
    # A non-empty directory where the file should go: the rename fails.
    blocked = tmp_path / "blocked"
    (blocked / "inside").mkdir(parents=True)
    with pytest.raises(imagebank.IoError, match="blocked: cannot rename"):
        imagebank.write_file_atomic(blocked, b"x")
    with pytest.raises(imagebank.IoError, match="cannot create"):
        imagebank.write_file_atomic(tmp_path / "no" / "such" / "x", b"x")
    with pytest.raises(TypeError):
        imagebank.write_file_atomic(old, "text is not bytes")  # type: ignore[arg-type]
    with pytest.raises(imagebank.InvalidArgumentError, match="contiguous"):
        imagebank.write_file_atomic(old, memoryview(b"abcd")[::2])
    assert old.read_bytes() == b"old content"
    assert sorted(os.listdir(tmp_path)) == ["blocked", "old"]
    assert os.listdir(blocked) == ["inside"]


def test_file_helpers_from_several_threads(tmp_path):
    """Threads writing and reading at once (the GIL is released inside) each
    see their own whole file, and no temporary file is left."""
    data = os.urandom(1 << 20)
    errors = []

    def work(i):
        try:
            path = tmp_path / f"f{i}"
            for _ in range(5):
                imagebank.write_file_atomic(path, data)
                assert imagebank.read_file(path, len(data)) == data
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(os.listdir(tmp_path)) == [f"f{i}" for i in range(4)]


# --- malloc arenas under an address-space limit -----------------------------

def test_malloc_arenas_for_address_limit():
    mib = 1 << 20
    assert imagebank.malloc_arenas_for_address_limit(512 * mib, 2) == 2
    assert imagebank.malloc_arenas_for_address_limit(1024 * mib, 8) == 4
    assert imagebank.malloc_arenas_for_address_limit(10 * mib, 2) == 1
    assert imagebank.malloc_arenas_for_address_limit(4096 * mib, 2) == 0
    assert imagebank.malloc_arenas_for_address_limit(2**64 - 1, 1) == 0
    with pytest.raises(TypeError):
        imagebank.malloc_arenas_for_address_limit(-1, 2)


def _fit_in_child(limit: int | None, env: dict[str, str]) -> str:
    code = "import imagebank; print(imagebank.fit_malloc_to_address_limit())"

    def cap() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    child_env = {k: v for k, v in os.environ.items()
                 if k not in ("MALLOC_ARENA_MAX", "GLIBC_TUNABLES")}
    child_env.update(env)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, preexec_fn=cap, env=child_env, check=True)
    return out.stdout.strip()


def test_fit_malloc_to_address_limit_in_a_capped_process():
    if resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY:
        assert _fit_in_child(None, {}) == "0"
    assert _fit_in_child(1 << 30, {}) == "4"
    # The user's own choice stands, by variable or by tunable.
    assert _fit_in_child(1 << 30, {"MALLOC_ARENA_MAX": "8"}) == "0"
    assert _fit_in_child(1 << 30, {"GLIBC_TUNABLES": "glibc.malloc.arena_max=3"}) == "0"
