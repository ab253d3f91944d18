/**
 * The namespace factory: one long-lived Python process per tool process that makes a sealed
 * namespace on request, so a scenario pays a fork and an unshare() instead of starting setpriv,
 * unshare and a Python interpreter (with its imports) every time. Everything the helper needs is
 * imported and its code compiled once, before the first fork.
 *
 * Per request: fork C; C sets a parent-death SIGKILL (it dies with the factory), unshares the
 * network and PID namespaces and forks P, PID 1 of the new PID namespace, which sets a
 * parent-death SIGKILL on C and runs the helper (ns-helper-source.ts) with its control channel on
 * fd 3 (a socketpair to the factory). C only waits for P. Lines between the tool and the helpers
 * are multiplexed on the factory's own control channel (fd 3), prefixed with the namespace's id.
 *
 * Tool -> factory: `{"op":"start","id":N,"cfg":{...}}`, `{"op":"send","id":N,"line":"go"}`,
 * `{"op":"kill","id":N}`. Factory -> tool: `N <helper line>`, then `N {"type":"closed"}` once the
 * namespace's last process is gone.
 *
 * Tied to the tool's life: a parent-death SIGTERM (set by prctl, checked against a parent that
 * died before it was set) and the end of the control channel both mean the tool is gone: every
 * namespace's cleanup directories (the CA's) are removed and every C is SIGKILLed, which kills its
 * P (parent-death signal), and with PID 1 the kernel kills everything left in that namespace.
 */
import { NS_HELPER_SOURCE } from './ns-helper-source.js';

const FACTORY = String.raw`
import ctypes, errno, fcntl, ipaddress, json, os, select, shutil, signal, socket, struct, subprocess, sys, threading, time, traceback

fcfg = json.loads(sys.argv[1])
CTL = 3
os.set_inheritable(CTL, False)
libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1
CLONE_NEWNET = 0x40000000
CLONE_NEWPID = 0x20000000
HELPER = compile(@@HELPER@@, '<ns-helper>', 'exec')
# Loaded once here, a context made per namespace inside it: its netlink socket is that namespace's.
try:
    NFTLIB = ctypes.CDLL('libnftables.so.1')
    NFTLIB.nft_ctx_new.restype = ctypes.c_void_p
    NFTLIB.nft_ctx_new.argtypes = [ctypes.c_uint32]
    for f in ('nft_ctx_free', 'nft_ctx_buffer_output', 'nft_ctx_buffer_error'):
        getattr(NFTLIB, f).argtypes = [ctypes.c_void_p]
    NFTLIB.nft_ctx_output_set_flags.argtypes = [ctypes.c_void_p, ctypes.c_uint]
    NFTLIB.nft_run_cmd_from_buffer.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    for f in ('nft_ctx_get_output_buffer', 'nft_ctx_get_error_buffer'):
        getattr(NFTLIB, f).argtypes = [ctypes.c_void_p]
        getattr(NFTLIB, f).restype = ctypes.c_char_p
except (OSError, AttributeError):
    NFTLIB = None
MAXFD = 65536
spaces = {}
# Namespaces made ahead of use (negative ids): sealed, waiting for a run's settings, so a run
# does not wait for fork, unshare and the ruleset. Kept POOL ahead, refilled when no run is using
# a namespace (so making the next one does not take CPU from the runs that are on).
pool = []
POOL = 1
pool_seq = [0]
pool_base = {}

def out(data):
    try:
        while data:
            data = data[os.write(CTL, data):]
    except OSError:
        shutdown()

def shutdown(*_):
    # The tool is gone: nothing of its runs may stay behind.
    for sp in list(spaces.values()):
        for d in sp['cleanup']:
            shutil.rmtree(d, ignore_errors=True)
        try:
            os.kill(sp['c'], signal.SIGKILL)
        except OSError:
            pass
    os._exit(0)

signal.signal(signal.SIGTERM, shutdown)
signal.signal(signal.SIGHUP, shutdown)
signal.signal(signal.SIGINT, signal.SIG_IGN)
libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
if os.getppid() != int(fcfg['parent']):
    shutdown()

def child(n, cfg, mine):
    # C: dies with the factory, owns the new namespaces, waits for P.
    try:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != factory_pid:
            os._exit(1)
        if libc.unshare(CLONE_NEWNET | CLONE_NEWPID) != 0:
            e = ctypes.get_errno()
            os.write(mine.fileno(), (json.dumps({'type': 'failed', 'reason': 'unshare: ' + os.strerror(e)}) + '\n').encode())
            os._exit(3)
        # C's parent lies outside P's PID namespace (getppid() says 0 there): whether C died before
        # P's parent-death signal was set is read from the end of a pipe only C holds open.
        alive_r, alive_w = os.pipe()
        p = os.fork()
        if p == 0:
            # P: PID 1 of the new namespaces; dies with C.
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            os.close(alive_w)
            os.set_blocking(alive_r, False)
            try:
                if os.read(alive_r, 1) == b'':
                    os._exit(1)
            except BlockingIOError:
                pass
            os.dup2(mine.fileno(), 3)
            os.closerange(4, MAXFD)
            for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
                signal.signal(sig, signal.SIG_DFL)
            code = 0
            try:
                exec(HELPER, {'__name__': '__ns_helper__', 'cfg': cfg, 'CTL': 3, 'NFTLIB': NFTLIB})
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else 1
            except BaseException:
                traceback.print_exc()
                code = 70
            os._exit(code)
        # C keeps nothing but the pipe that tells P it is alive.
        os.closerange(3, alive_w)
        os.closerange(alive_w + 1, MAXFD)
        while True:
            try:
                _, st = os.waitpid(p, 0)
                break
            except InterruptedError:
                continue
            except ChildProcessError:
                os._exit(70)
        os._exit(os.WEXITSTATUS(st) if os.WIFEXITED(st) else 128 + os.WTERMSIG(st))
    except BaseException:
        traceback.print_exc()
        os._exit(70)

factory_pid = os.getpid()

def fork_space(n, cfg):
    theirs, mine = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    c = os.fork()
    if c == 0:
        theirs.close()
        child(n, cfg, mine)
    mine.close()
    theirs.setblocking(False)
    spaces[n] = {'c': c, 'sock': theirs, 'buf': b'', 'cleanup': cfg.get('cleanup', [])}

def refill():
    while pool_base and len(pool) < POOL:
        pool_seq[0] -= 1
        fork_space(pool_seq[0], dict(pool_base, pooled=True))
        pool.append(pool_seq[0])

def start(n, cfg):
    # The tools' paths (ip, nft) of the first run are what every pooled namespace is made with.
    pool_base.update({'ip': cfg.get('ip'), 'nft': cfg.get('nft')})
    if pool:
        k = pool.pop(0)
        sp = spaces.pop(k)
        sp['cleanup'] = cfg.get('cleanup', [])
        spaces[n] = sp
        try:
            sp['sock'].setblocking(True)
            sp['sock'].sendall((json.dumps(cfg) + '\n').encode())
        except OSError:
            pass
        finally:
            sp['sock'].setblocking(False)
    else:
        fork_space(n, cfg)

def closed(n):
    sp = spaces.pop(n)
    sp['sock'].close()
    try:
        os.waitpid(sp['c'], 0)
    except ChildProcessError:
        pass
    if n < 0:
        # A pooled namespace died unused (it could not be sealed): stop pooling, make each on demand.
        global POOL
        if n in pool:
            pool.remove(n)
        POOL = 0
        return
    out(('%d {"type":"closed"}\n' % n).encode())
    if all(k < 0 for k in spaces):
        refill()

buf = b''
while True:
    socks = dict((sp['sock'].fileno(), n) for n, sp in spaces.items())
    try:
        ready, _, _ = select.select([CTL] + list(socks), [], [])
    except InterruptedError:
        continue
    for fd in ready:
        if fd == CTL:
            try:
                chunk = os.read(CTL, 65536)
            except OSError:
                chunk = b''
            if not chunk:
                shutdown()
            buf += chunk
            while b'\n' in buf:
                line, buf = buf.split(b'\n', 1)
                try:
                    m = json.loads(line)
                except ValueError:
                    continue
                n = m.get('id')
                if m.get('op') == 'start':
                    start(n, m['cfg'])
                elif n in spaces and m.get('op') == 'send':
                    try:
                        spaces[n]['sock'].sendall((m['line'] + '\n').encode())
                    except OSError:
                        pass
                elif n in spaces and m.get('op') == 'kill':
                    try:
                        os.kill(spaces[n]['c'], signal.SIGKILL)
                    except OSError:
                        pass
            continue
        n = socks[fd]
        sp = spaces[n]
        try:
            chunk = sp['sock'].recv(65536)
        except BlockingIOError:
            continue
        except OSError:
            chunk = b''
        if not chunk:
            closed(n)
            continue
        sp['buf'] += chunk
        lines = sp['buf'].split(b'\n')
        sp['buf'] = lines.pop()
        if n < 0:
            continue
        out(b''.join(b'%d %s\n' % (n, l) for l in lines if l and l != b'{"type": "pooled"}'))
`;

/** The factory's Python source, with the helper's source embedded (a JSON string is a Python string literal). */
export const FACTORY_SOURCE = FACTORY.replace('@@HELPER@@', () => JSON.stringify(NS_HELPER_SOURCE));
