"""The learned models load and read from the installed packages alone, with the network unavailable."""
import subprocess
import sys

SCRIPT = r"""
import socket

def refuse(*args, **kwargs):
    raise OSError("network unavailable in this test")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse

import cv2
import numpy as np
from verifier import dddd, ocr, reader
from verifier.checks import photo

ocr.warm_up()
photo.warm_up()
page = np.full((120, 900, 3), 245, np.uint8)
cv2.putText(page, "6222 0212 3456 7890", (40, 80), cv2.FONT_HERSHEY_SIMPLEX, 1.8, (20, 20, 20), 4)
print("|".join(line.text for line in reader.lines(page)))
print(dddd.read(page[10:110, 20:880]))
print(len(photo.find_faces(page)))
"""


def test_models_load_and_read_with_the_network_blocked(tmp_path):
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=180,
                         cwd=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH":
                                            str(__import__("pathlib").Path(__file__).resolve().parents[2])})
    assert out.returncode == 0, out.stderr[-2000:]
    text, second, faces = out.stdout.strip().splitlines()[-3:]
    assert text.replace(" ", "") == "6222021234567890"
    assert second.replace(" ", "") == "6222021234567890"
    assert faces == "0"
