#!/usr/bin/env python3
"""A small CRI (runtime.v1) client for the lab tests: what crictl would do,
with JSON in and out so shell tests can use it. Debian 12 has no crictl.

  cri.py --sock SOCK --stubs DIR [--timeout S] COMMAND ARGS...

--stubs DIR: a scratch dir for the grpc stubs generated from api.proto
(beside this file) on first use; never the repository. CRI_SOCK, CRI_STUBS
and CRI_TIMEOUT stand in for the options.

Commands:
  gen                              only generate the stubs
  version                          VersionResponse as JSON
  status                           Status: RuntimeReady, NetworkReady as JSON
  images                           ListImages: one image reference a line
  runp POD.json [HANDLER]          RunPodSandbox -> pod id
  inspectp POD [--verbose]         PodSandboxStatus as JSON
  stopp POD / rmp POD              StopPodSandbox / RemovePodSandbox
  pods                             ListPodSandbox as a JSON list
  create POD CTR.json POD.json     CreateContainer -> container id
  start CTR                        StartContainer
  inspect CTR [--verbose]          ContainerStatus as JSON (state, exit_code,
                                   reason, log_path, ...); --verbose adds the
                                   runtime's info (the OCI spec, pid)
  stop CTR [TIMEOUT]               StopContainer: TERM, KILL after TIMEOUT s
  rm CTR                           RemoveContainer
  ps [POD]                         ListContainers as a JSON list
  exec-sync CTR TIMEOUT CMD...     ExecSync: stdout to stdout, stderr to
                                   stderr, exits with the command's code
  exec CTR CMD...                  Exec through containerd's streaming server
                                   (websocket, v4.channel.k8s.io; no stdin,
                                   no tty): like exec-sync
  exec-url CTR CMD...              Exec: prints the streaming URL only

JSON uses the proto field names (log_directory, exit_code); on input the
camelCase names work too. Errors: one line "cri.py: ..." on stderr, exit 125.
"""
import base64
import json
import os
import socket
import struct
import subprocess
import sys
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))


def die(msg):
    print("cri.py: " + msg, file=sys.stderr)
    sys.exit(125)


def gen_stubs(stubs):
    """api_pb2.py and api_pb2_grpc.py into STUBS (once)."""
    if os.path.exists(os.path.join(stubs, "api_pb2_grpc.py")):
        return
    os.makedirs(stubs, exist_ok=True)
    try:
        import grpc_tools  # noqa: F401  (python3-grpc-tools)
        cmd = [sys.executable, "-m", "grpc_tools.protoc", "--grpc_python_out=" + stubs]
    except ImportError:
        cmd = ["protoc", "--grpc_out=" + stubs,
               "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin"]
    cmd += ["-I", HERE, "--python_out=" + stubs, os.path.join(HERE, "api.proto")]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    if r.returncode != 0:
        die("generating the stubs failed: %s: %s" % (" ".join(cmd), r.stdout.strip()))


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        die("%s: %s" % (path, e))


class Client:
    def __init__(self, sock, stubs, timeout):
        sys.path.insert(0, stubs)
        import grpc
        import api_pb2
        import api_pb2_grpc
        from google.protobuf import json_format
        self.grpc, self.pb, self.jf = grpc, api_pb2, json_format
        ch = grpc.insecure_channel("unix://" + sock)
        self.rt = api_pb2_grpc.RuntimeServiceStub(ch)
        self.img = api_pb2_grpc.ImageServiceStub(ch)
        self.timeout = timeout

    def call(self, svc, name, req, timeout=None):
        try:
            return getattr(svc, name)(req, timeout=timeout or self.timeout)
        except self.grpc.RpcError as e:
            die("%s: %s: %s" % (name, e.code().name, (e.details() or "").replace("\n", " ")))

    def msg(self, cls, d):
        try:
            return self.jf.ParseDict(d, getattr(self.pb, cls)())
        except self.jf.ParseError as e:
            die("%s: %s" % (cls, e))

    def to_dict(self, m):
        # zero values too: exit_code 0 is an answer
        return self.jf.MessageToDict(m, preserving_proto_field_name=True,
                                     including_default_value_fields=True)


def dump(d):
    print(json.dumps(d, indent=1, sort_keys=True))


def ws_exec(url, timeout):
    """Runs an Exec's URL as kubectl exec does, over a websocket with the
    v4.channel.k8s.io protocol: each server message is one channel byte
    (1 stdout, 2 stderr, 3 the final status as JSON) and its data.
    Returns the exit code."""
    u = urllib.parse.urlsplit(url)
    try:
        s = socket.create_connection((u.hostname, u.port), timeout)
    except OSError as e:
        die("exec: connecting to %s: %s" % (u.netloc, e))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET %s?%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
               "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n"
               % (u.path, u.query, u.netloc, key)).encode())
    f = s.makefile("rb")
    status = f.readline().decode(errors="replace").strip()
    if " 101 " not in status + " ":
        die("exec: the streaming server answered %r" % status)
    while f.readline() not in (b"\r\n", b""):  # the rest of the headers
        pass

    def read(n):
        b = f.read(n)
        if len(b) != n:
            die("exec: the stream ended inside a message")
        return b

    out = {1: sys.stdout.buffer, 2: sys.stderr.buffer}
    msg, result = b"", None
    while True:
        b0, b1 = read(2)
        n = b1 & 0x7f
        if n == 126:
            n = struct.unpack(">H", read(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", read(8))[0]
        mask = read(4) if b1 & 0x80 else None
        data = read(n)
        if mask:
            data = bytes(c ^ mask[i % 4] for i, c in enumerate(data))
        op = b0 & 0x0f
        if op == 8:  # close: the command ended
            break
        if op not in (0, 1, 2):  # ping/pong
            continue
        msg += data
        if not b0 & 0x80:  # not the final fragment
            continue
        if msg[:1] and msg[0] in out:
            out[msg[0]].write(msg[1:])
            out[msg[0]].flush()
        elif msg[:1] == b"\x03" and len(msg) > 1:
            result = json.loads(msg[1:].decode())
        msg = b""
    s.close()
    if result is None:  # v4 sends the status on success too
        die("exec: the stream ended without the command's status")
    if result.get("status") == "Success":
        return 0
    for cause in result.get("details", {}).get("causes", []):
        if cause.get("reason") == "ExitCode":
            return int(cause.get("message", "125"))
    die("exec: %s" % result.get("message", result))


def status_dict(c, resp, verbose):
    d = c.to_dict(resp.status)
    if verbose:  # the runtime's info: values are JSON strings
        d["info"] = {k: json.loads(v) for k, v in resp.info.items()}
    return d


def main(argv):
    sock = os.environ.get("CRI_SOCK")
    stubs = os.environ.get("CRI_STUBS")
    timeout = float(os.environ.get("CRI_TIMEOUT", "120"))
    while argv and argv[0].startswith("--"):
        if len(argv) < 2:
            die("option %s needs a value" % argv[0])
        opt, val, argv = argv[0], argv[1], argv[2:]
        if opt == "--sock":
            sock = val
        elif opt == "--stubs":
            stubs = val
        elif opt == "--timeout":
            timeout = float(val)
        else:
            die("unknown option " + opt)
    if not argv:
        die("no command (see the top of this file)")
    if not stubs:
        die("--stubs DIR (or CRI_STUBS) not given")
    gen_stubs(stubs)
    cmd, args = argv[0], argv[1:]
    if cmd == "gen":
        return 0
    if not sock:
        die("--sock SOCK (or CRI_SOCK) not given")
    c = Client(sock, stubs, timeout)
    pb, rt = c.pb, c.rt
    verbose = "--verbose" in args
    args = [a for a in args if a != "--verbose"]

    def need(n, usage):
        if len(args) < n:
            die("usage: %s %s" % (cmd, usage))

    if cmd == "version":
        dump(c.to_dict(c.call(rt, "Version", pb.VersionRequest())))
    elif cmd == "status":
        dump(c.to_dict(c.call(rt, "Status", pb.StatusRequest()).status))
    elif cmd == "images":
        r = c.call(c.img, "ListImages", pb.ListImagesRequest())
        for i in r.images:
            for t in i.repo_tags:
                print(t)
    elif cmd == "runp":
        need(1, "POD.json [HANDLER]")
        req = pb.RunPodSandboxRequest(
            config=c.msg("PodSandboxConfig", load_json(args[0])),
            runtime_handler=args[1] if len(args) > 1 else "")
        print(c.call(rt, "RunPodSandbox", req).pod_sandbox_id)
    elif cmd == "inspectp":
        need(1, "POD [--verbose]")
        r = c.call(rt, "PodSandboxStatus",
                   pb.PodSandboxStatusRequest(pod_sandbox_id=args[0], verbose=verbose))
        dump(status_dict(c, r, verbose))
    elif cmd == "stopp":
        need(1, "POD")
        c.call(rt, "StopPodSandbox", pb.StopPodSandboxRequest(pod_sandbox_id=args[0]))
    elif cmd == "rmp":
        need(1, "POD")
        c.call(rt, "RemovePodSandbox", pb.RemovePodSandboxRequest(pod_sandbox_id=args[0]))
    elif cmd == "pods":
        r = c.call(rt, "ListPodSandbox", pb.ListPodSandboxRequest())
        dump([c.to_dict(p) for p in r.items])
    elif cmd == "create":
        need(3, "POD CTR.json POD.json")
        req = pb.CreateContainerRequest(
            pod_sandbox_id=args[0],
            config=c.msg("ContainerConfig", load_json(args[1])),
            sandbox_config=c.msg("PodSandboxConfig", load_json(args[2])))
        print(c.call(rt, "CreateContainer", req).container_id)
    elif cmd == "start":
        need(1, "CTR")
        c.call(rt, "StartContainer", pb.StartContainerRequest(container_id=args[0]))
    elif cmd == "inspect":
        need(1, "CTR [--verbose]")
        r = c.call(rt, "ContainerStatus",
                   pb.ContainerStatusRequest(container_id=args[0], verbose=verbose))
        dump(status_dict(c, r, verbose))
    elif cmd == "stop":
        need(1, "CTR [TIMEOUT]")
        grace = int(args[1]) if len(args) > 1 else 10
        # the RPC itself waits out the grace period
        c.call(rt, "StopContainer",
               pb.StopContainerRequest(container_id=args[0], timeout=grace),
               timeout=c.timeout + grace)
    elif cmd == "rm":
        need(1, "CTR")
        c.call(rt, "RemoveContainer", pb.RemoveContainerRequest(container_id=args[0]))
    elif cmd == "ps":
        f = pb.ContainerFilter(pod_sandbox_id=args[0]) if args else None
        r = c.call(rt, "ListContainers", pb.ListContainersRequest(filter=f))
        dump([c.to_dict(x) for x in r.containers])
    elif cmd == "exec-sync":
        need(3, "CTR TIMEOUT CMD...")
        t = int(args[1])
        r = c.call(rt, "ExecSync",
                   pb.ExecSyncRequest(container_id=args[0], cmd=args[2:], timeout=t),
                   timeout=c.timeout + t)
        sys.stdout.buffer.write(r.stdout)
        sys.stderr.buffer.write(r.stderr)
        return r.exit_code
    elif cmd in ("exec", "exec-url"):
        need(2, "CTR CMD...")
        r = c.call(rt, "Exec", pb.ExecRequest(container_id=args[0], cmd=args[1:],
                                              stdout=True, stderr=True))
        if cmd == "exec-url":
            print(r.url)
        else:
            return ws_exec(r.url, c.timeout)
    else:
        die("unknown command " + cmd)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
