"""The learned readers' onnxruntime sessions run on one thread without a memory arena, and flush denormal floats
to zero on the thread that loads them and in a work horse forked from it: on some CPUs arithmetic on denormals
made each line detection three times as slow. Run in a fresh interpreter: onnxruntime takes that setting from the
process's first session only."""
import subprocess
import sys
from pathlib import Path

SCRIPT = r"""
import os
import numpy as np
from verifier import dddd, ocr, reader

def flushes():
    return float(np.float32(1e-39) * np.float32(1.0)) == 0.0

print("before", flushes())
ocr.warm_up()                   # what the worker's parent process calls before forking its work horses
print("loaded", flushes())
pid = os.fork()
if pid == 0:
    os._exit(0 if flushes() else 1)
print("horse", os.waitpid(pid, 0)[1] == 0)
sessions = [m.session.session for m in reader._models()] + [dddd._model()[0]]
print("arena", any(s.get_session_options().enable_cpu_mem_arena for s in sessions))
print("threads", max(s.get_session_options().intra_op_num_threads for s in sessions))
"""


def test_sessions_flush_denormals_in_the_loading_thread_and_its_forks(tmp_path):
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=180, cwd=tmp_path,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "OMP_THREAD_LIMIT": "1",
                              "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert out.returncode == 0, out.stderr[-2000:]
    seen = dict(line.split() for line in out.stdout.strip().splitlines()[-5:])
    assert seen == {"before": "False", "loaded": "True", "horse": "True", "arena": "False", "threads": "1"}
