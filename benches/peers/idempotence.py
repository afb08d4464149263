#!/usr/bin/env python3
"""Run a formatter twice on every corpus file: how many fail, change again,
or fail on their own output. usage: idempotence.py "FORMATTER {file}" NAME"""
import subprocess, sys, glob, os, tempfile, json
from concurrent.futures import ThreadPoolExecutor
cmd = sys.argv[1]
files = sorted(glob.glob('../shared/corpus/files/*.Dockerfile'))
def run(path):
    import shlex
    argv = [a.replace('{file}', path) for a in shlex.split(cmd)]
    p = subprocess.run(argv, capture_output=True, timeout=60)
    return p.stdout if p.returncode == 0 else None
def judge(f):
    with tempfile.TemporaryDirectory() as d:
        a = os.path.join(d, 'Dockerfile')
        open(a, 'wb').write(open(f, 'rb').read())
        once = run(a)
        if once is None: return 'refused'
        open(a, 'wb').write(once)
        twice = run(a)
        if twice is None: return 'second-refused'
        return 'ok' if twice == once else 'not-idempotent'
with ThreadPoolExecutor(2) as ex:
    res = list(ex.map(judge, files))
from collections import Counter
print(sys.argv[2], dict(Counter(res)))
