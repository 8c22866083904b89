"""The reader's onnxruntime sessions flush denormal floats to zero on the thread that loads them, and a work horse
forked from it inherits that: on some CPUs arithmetic on denormals made each line detection three times as slow.
Run in a fresh interpreter: onnxruntime takes the setting from the process's first session only."""
import subprocess
import sys
from pathlib import Path

SCRIPT = r"""
import os
import numpy as np
from verifier import ocr, reader

def flushes():
    return float(np.float32(1e-39) * np.float32(1.0)) == 0.0

print("before", flushes())
ocr.warm_up()                   # what the worker's parent process calls before forking its work horses
print("loaded", flushes())
pid = os.fork()
if pid == 0:
    os._exit(0 if flushes() else 1)
print("horse", os.waitpid(pid, 0)[1] == 0)
print("arena", any(m.session.session.get_session_options().enable_cpu_mem_arena for m in reader._models()))
"""


def test_sessions_flush_denormals_in_the_loading_thread_and_its_forks(tmp_path):
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=180, cwd=tmp_path,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "OMP_THREAD_LIMIT": "1",
                              "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert out.returncode == 0, out.stderr[-2000:]
    seen = dict(line.split() for line in out.stdout.strip().splitlines()[-4:])
    assert seen == {"before": "False", "loaded": "True", "horse": "True", "arena": "False"}
