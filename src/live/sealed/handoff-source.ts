/**
 * The hand-off broker (handoff.ts starts one per proxy that serves sealed namespaces). A sealed
 * namespace's helper (ns-helper-source.ts) accepts each redirected connection, reads where it was
 * going, and passes the ACCEPTED socket itself, with one relay header line, to this broker over a
 * SOCK_SEQPACKET Unix socket (SCM_RIGHTS). The broker hands it on to the proxy's thread over
 * Node's child_process IPC channel (the only way Node takes in a file descriptor), as a
 * `NODE_HANDLE` message of type `net.Socket`, so the proxy reads and answers the client's socket
 * directly: no byte of a relayed connection crosses Python (bench: sealed-run).
 *
 * Why a broker and not the helper itself: Node receives descriptors only on an IPC channel made
 * at spawn, the helpers are forked by the namespace factory (a child of the tool's main thread),
 * and the proxy runs in a worker thread that must receive them itself (a handle cannot move
 * between threads). The broker is the proxy thread's own child.
 *
 * Node's side of the protocol (lib/internal/child_process.js, serialization 'json'): one JSON
 * message per line; a message that carries a descriptor is `{"cmd":"NODE_HANDLE","type":
 * "net.Socket","msg":...}` sent with the descriptor attached, which Node answers with
 * `{"cmd":"NODE_HANDLE_ACK"}` (read and dropped here) and emits as ('message', msg, socket).
 * Messages with a descriptor are never coalesced by the kernel, so each arrives with its own.
 *
 * Tied to the tool's life: the end of the IPC channel (the tool or its thread is gone) ends it.
 * It holds nothing of a run but descriptors in flight, which close with it.
 */
export const HANDOFF_SOURCE = String.raw`
import array, json, os, select, signal, socket, sys

cfg = json.loads(sys.argv[1])
signal.signal(signal.SIGINT, signal.SIG_IGN)
ch = socket.socket(fileno=int(os.environ['NODE_CHANNEL_FD']))
ch.setblocking(True)

def tell(msg, fd=None):
    data = (json.dumps(msg, separators=(',', ':')) + '\n').encode()
    try:
        if fd is None:
            ch.sendall(data)
        else:
            # One sendmsg per descriptor: the kernel does not merge it with the next message.
            sent = ch.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', [fd]))])
            if sent < len(data):
                ch.sendall(data[sent:])
    except OSError:
        os._exit(0)

try:
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    srv.bind(cfg['socket'])
    srv.listen(64)
except OSError as e:
    tell({'type': 'failed', 'reason': '%s: %s' % (cfg['socket'], e.strerror)})
    os._exit(3)
tell({'type': 'ready'})

FDSIZE = array.array('i').itemsize
helpers = set()
while True:
    ready, _, _ = select.select([ch, srv] + list(helpers), [], [])
    for s in ready:
        if s is ch:
            # Only acknowledgements come this way; an end means the tool is gone.
            try:
                if not ch.recv(65536):
                    os._exit(0)
            except OSError:
                os._exit(0)
        elif s is srv:
            try:
                conn, _ = srv.accept()
                helpers.add(conn)
            except OSError:
                pass
        else:
            try:
                data, anc, flags, _ = s.recvmsg(1024, socket.CMSG_SPACE(4 * FDSIZE))
            except OSError:
                data, anc, flags = b'', [], 0
            fds = []
            for level, kind, raw in anc:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    fds.extend(array.array('i', raw[:len(raw) - len(raw) % FDSIZE]))
            if not data and not fds:
                helpers.discard(s)
                s.close()
                continue
            if len(fds) == 1 and not flags & (socket.MSG_CTRUNC | socket.MSG_TRUNC):
                tell({'cmd': 'NODE_HANDLE', 'type': 'net.Socket', 'msg': {'type': 'relayed', 'header': data.decode('latin-1')}}, fds[0])
            else:
                tell({'type': 'unrelayed', 'reason': 'a relayed connection arrived without its socket (%d descriptors)' % len(fds)})
            for fd in fds:
                os.close(fd)
`;
