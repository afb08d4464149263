#!/usr/bin/env python3
"""Format one file through a language server's textDocument/formatting and
print the result (for tools such as format_check.py that run a formatter per
file). Standard library only.

usage: lsp_format.py FILE -- SERVER_CMD [ARGS...]

Exit 0 with the formatted text on stdout; 1 when the server answers with an
error or does not answer within 20 s; the server is always stopped.
"""
import json, os, pathlib, subprocess, sys, threading, queue


def send(proc, msg):
    body = json.dumps(msg).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()


def reader(stream, out):
    while True:
        headers = {}
        while True:
            line = stream.readline()
            if not line:
                out.put(None)
                return
            line = line.strip()
            if not line:
                break
            k, _, v = line.decode().partition(":")
            headers[k.lower()] = v.strip()
        out.put(json.loads(stream.read(int(headers["content-length"]))))


def utf16_offset(text, pos):
    lines = text.split("\n")
    line = min(pos["line"], len(lines))
    offset = sum(len(l) + 1 for l in lines[:line])
    if line == len(lines):
        return len(text)
    units, col = 0, 0
    for ch in lines[line]:
        if units >= pos["character"]:
            break
        units += 2 if ord(ch) > 0xFFFF else 1
        col += 1
    return offset + col


def main():
    sep = sys.argv.index("--")
    path = pathlib.Path(sys.argv[1]).resolve()
    cmd = sys.argv[sep + 1:]
    text = path.read_text(encoding="utf-8")
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    inbox = queue.Queue()
    threading.Thread(target=reader, args=(proc.stdout, inbox), daemon=True).start()

    def request(id_, method, params):
        send(proc, {"jsonrpc": "2.0", "id": id_, "method": method, "params": params})
        while True:
            msg = inbox.get(timeout=20)
            if msg is None:
                raise RuntimeError("server exited")
            if msg.get("id") == id_ and "method" not in msg:
                return msg
            if "id" in msg and "method" in msg:  # a request from the server: answer with nothing
                send(proc, {"jsonrpc": "2.0", "id": msg["id"], "result": None})

    try:
        uri = path.as_uri()
        request(1, "initialize", {"processId": os.getpid(), "rootUri": path.parent.as_uri(), "capabilities": {}})
        send(proc, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
        send(proc, {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri, "languageId": "dockerfile", "version": 1, "text": text}}})
        answer = request(2, "textDocument/formatting", {
            "textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": True}})
        if "error" in answer:
            print(answer["error"].get("message", "error"), file=sys.stderr)
            return 1
        edits = answer.get("result") or []
        spans = sorted(((utf16_offset(text, e["range"]["start"]), utf16_offset(text, e["range"]["end"]), e["newText"])
                        for e in edits), reverse=True)
        out = text
        for start, end, new in spans:
            out = out[:start] + new + out[end:]
        sys.stdout.write(out)
        try:
            request(3, "shutdown", None)
            send(proc, {"jsonrpc": "2.0", "method": "exit"})
        except Exception:
            pass
        return 0
    except (queue.Empty, RuntimeError, BrokenPipeError) as e:
        print(f"no answer: {e}", file=sys.stderr)
        return 1
    finally:
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    sys.exit(main())
