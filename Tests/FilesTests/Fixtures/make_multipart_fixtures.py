#!/usr/bin/env python3
"""Writes the multipart/form-data bodies the FilesMultipart tests parse, encoded by a real HTTP client library.

Run once from this folder: `python3 make_multipart_fixtures.py` (needs `requests`). Each case writes
`<name>.body` (the exact request body) and `<name>.content-type` (the Content-Type header, with its boundary).
"""
import requests

BINARY = bytes(range(256)) + b"\r\n--notTheBoundary\r\nContent-Disposition: form-data\r\n\r\n" + b"\x00\xff\r\n"

CASES = {
    "bracket": {"purpose": "assistants", "expires_after[anchor]": "created_at", "expires_after[seconds]": "3600"},
    "json": {"purpose": "batch", "expires_after": '{"anchor": "created_at", "seconds": 7200}'},
    "both": {
        "purpose": "batch",
        "expires_after[anchor]": "created_at",
        "expires_after[seconds]": "3600",
        "expires_after": '{"anchor": "created_at", "seconds": 7200}',
    },
    "none": {"purpose": "user_data"},
    "bad_seconds": {"purpose": "batch", "expires_after[anchor]": "created_at", "expires_after[seconds]": "100"},
    "bad_json": {"purpose": "batch", "expires_after": "{not json"},
    "bad_purpose": {"purpose": "training"},
    "no_purpose": {},
}

for name, fields in CASES.items():
    filename = "ünï café.bin" if name == "none" else "data.bin"
    request = requests.Request(
        "POST", "http://localhost/v1/files", data=fields, files={"file": (filename, BINARY, "application/octet-stream")}
    ).prepare()
    with open(f"{name}.body", "wb") as body:
        body.write(request.body)
    with open(f"{name}.content-type", "w") as content_type:
        content_type.write(request.headers["Content-Type"])
