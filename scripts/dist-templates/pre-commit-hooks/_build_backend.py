"""A PEP 517 build backend for this hook repository: it builds a wheel that holds no code, only
metadata requiring the asl-lint wheel of the same version. It needs nothing outside the Python
standard library, so `pip install .` works with no index at all (a mirror holding only asl-lint,
or `PIP_NO_INDEX` with `PIP_FIND_LINKS`)."""

import base64
import hashlib
import os
import zipfile

NAME = "asl-lint-pre-commit"
VERSION = "@VERSION@"
REQUIRES = ["asl-lint==@VERSION@"]
SUMMARY = "pre-commit hook for asl-lint, the AWS Step Functions linter"

_DIST = NAME.replace("-", "_") + "-" + VERSION
_DIST_INFO = _DIST + ".dist-info"


def _files():
    metadata = [
        "Metadata-Version: 2.1",
        "Name: " + NAME,
        "Version: " + VERSION,
        "Summary: " + SUMMARY,
        "License: MIT",
    ] + ["Requires-Dist: " + r for r in REQUIRES]
    wheel = ["Wheel-Version: 1.0", "Generator: _build_backend", "Root-Is-Purelib: true", "Tag: py3-none-any"]
    return {
        _DIST_INFO + "/METADATA": ("\n".join(metadata) + "\n").encode(),
        _DIST_INFO + "/WHEEL": ("\n".join(wheel) + "\n").encode(),
    }


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (name, digest, len(data))


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    for name, data in _files().items():
        path = os.path.join(metadata_directory, *name.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    return _DIST_INFO


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    filename = _DIST + "-py3-none-any.whl"
    files = _files()
    record = [_record_line(name, data) for name, data in files.items()]
    record.append(_DIST_INFO + "/RECORD,,")
    files[_DIST_INFO + "/RECORD"] = ("\n".join(record) + "\n").encode()
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w", zipfile.ZIP_DEFLATED) as whl:
        for name, data in files.items():
            whl.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return filename
