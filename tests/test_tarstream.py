"""iter_tar_gz: members of gzip tar archives, against tarfile; damage is named."""

from __future__ import annotations

import gzip
import io
import tarfile
import threading

import pytest

from estransport.errors import InputFileError
from estransport.io.tarstream import iter_tar_gz


def _archive(path, members, *, fmt=tarfile.USTAR_FORMAT, gzip_members=1, dirs=True):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=fmt) as tar:
        if dirs:
            info = tarfile.TarInfo("2022.172")
            info.type = tarfile.DIRTYPE
            tar.addfile(info)
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    blob = raw.getvalue()
    if gzip_members == 1:
        path.write_bytes(gzip.compress(blob, mtime=0))
    else:  # concatenated gzip members (valid gzip; e.g. pigz or appended days)
        cut = len(blob) // 2
        path.write_bytes(gzip.compress(blob[:cut], mtime=0) + gzip.compress(blob[cut:], mtime=0))
    return blob


MEMBERS = [
    ("scnLv2_2022.172.001.00.00.G01.SC001_0001.0001_nc", b"CDF\x01" + bytes(range(256)) * 9),
    ("empty_member_nc", b""),
    ("x" * 130 + "_nc", b"long name"),  # longer than ustar's 100 bytes: GNU L or pax
    ("2022.172/nested_nc", b"\x00" * 512),
]


@pytest.mark.parametrize("fmt", [tarfile.GNU_FORMAT, tarfile.PAX_FORMAT])
@pytest.mark.parametrize("threaded", [True, False])
@pytest.mark.parametrize("gzip_members", [1, 2])
def test_members_equal_tarfile(tmp_path, fmt, threaded, gzip_members):
    path = tmp_path / "day.tar.gz"
    _archive(path, MEMBERS, fmt=fmt, gzip_members=gzip_members)
    ours = list(iter_tar_gz(path, threaded=threaded))
    with tarfile.open(path, "r:gz") as tar:
        ref = [(m.name, tar.extractfile(m).read()) for m in tar if m.isreg()]
    assert ours == ref
    assert [n for n, _ in ours] == [n for n, _ in MEMBERS]


def test_ustar_and_many_members(tmp_path):
    path = tmp_path / "many.tar.gz"
    members = [(f"m{k:05d}_nc", bytes([k % 251]) * (k % 1300)) for k in range(3000)]
    _archive(path, members, fmt=tarfile.USTAR_FORMAT)
    assert list(iter_tar_gz(path)) == members


def _good(tmp_path):
    path = tmp_path / "good.tar.gz"
    _archive(path, [(f"a{k}_nc", bytes(2000)) for k in range(50)])
    return path


def test_not_gzip_and_empty(tmp_path):
    html = tmp_path / "login.tar.gz"
    html.write_bytes(b"<!doctype html><html>login</html>")
    with pytest.raises(InputFileError, match="not a gzip file") as err:
        list(iter_tar_gz(html))
    assert "HTML page" in str(err.value) and "b'<" not in str(err.value)  # said as such
    text = tmp_path / "text.tar.gz"
    text.write_bytes(b"plain text, not gzip\n")
    with pytest.raises(InputFileError, match=r"not a gzip file \(starts with b'pl'"):
        list(iter_tar_gz(text))
    empty = tmp_path / "empty.tar.gz"
    empty.write_bytes(b"")
    with pytest.raises(InputFileError, match="empty file"):
        list(iter_tar_gz(empty))
    with pytest.raises(InputFileError, match="cannot open"):
        list(iter_tar_gz(tmp_path / "missing.tar.gz"))


@pytest.mark.parametrize("threaded", [True, False])
def test_truncated_gzip(tmp_path, threaded):
    good = _good(tmp_path).read_bytes()
    for cut in (len(good) // 3, len(good) - 9, len(good) - 1):
        bad = tmp_path / f"cut{cut}.tar.gz"
        bad.write_bytes(good[:cut])
        with pytest.raises(InputFileError, match=str(bad)):
            list(iter_tar_gz(bad, threaded=threaded))


def test_bad_crc(tmp_path):
    good = bytearray(_good(tmp_path).read_bytes())
    good[-6] ^= 0xFF  # inside the CRC-32 of the trailer
    bad = tmp_path / "crc.tar.gz"
    bad.write_bytes(bytes(good))
    with pytest.raises(InputFileError, match="corrupt gzip stream"):
        list(iter_tar_gz(bad))


def test_corrupt_tar_inside_good_gzip(tmp_path):
    blob = bytearray(_archive(tmp_path / "x.tar.gz", [("a_nc", b"1" * 600), ("b_nc", b"2" * 10)]))
    blob[2048 + 10] ^= 0x55  # b_nc header (after dir, a_nc header, 2 data blocks): bad checksum
    bad = tmp_path / "hdr.tar.gz"
    bad.write_bytes(gzip.compress(bytes(blob), mtime=0))
    with pytest.raises(InputFileError, match=r"corrupt tar header after 1 member"):
        list(iter_tar_gz(bad))


def test_missing_end_marker(tmp_path):
    blob = _archive(tmp_path / "x.tar.gz", [("a_nc", b"1" * 600)], dirs=False)
    cut = gzip.compress(blob[: 512 + 1024], mtime=0)  # header and data, no zero blocks
    bad = tmp_path / "noend.tar.gz"
    bad.write_bytes(cut)
    with pytest.raises(InputFileError, match="no end-of-archive marker"):
        list(iter_tar_gz(bad))


def test_members_before_damage_are_yielded_then_error(tmp_path):
    good = _good(tmp_path).read_bytes()
    bad = tmp_path / "half.tar.gz"
    bad.write_bytes(good[: len(good) // 2])
    seen = []
    with pytest.raises(InputFileError, match=r"after \d+ tar member"):
        for name, _ in iter_tar_gz(bad):
            seen.append(name)
    assert seen  # a caller that must not keep a partial day collects first, then decides


def test_abandoned_iteration_stops_the_thread(tmp_path):
    path = tmp_path / "big.tar.gz"
    _archive(path, [(f"m{k}_nc", bytes(4096)) for k in range(4000)])
    before = threading.active_count()
    it = iter_tar_gz(path)
    next(it)
    it.close()
    assert threading.active_count() == before
