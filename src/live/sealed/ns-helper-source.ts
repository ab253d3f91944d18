/**
 * The program that runs as PID 1 of a sealed run's PID and network namespaces (see sealed.ts).
 * It is Python because the one thing a transparent relay cannot do without is the original
 * destination of a redirected connection (getsockopt SO_ORIGINAL_DST), which Node cannot ask
 * for; python3 is on every Linux that has iptables. It is kept here as a string so the build
 * (tsc) ships it without a copy step, and run with `python3 -I -S -c`.
 *
 * What it does, in order:
 *  1. seals the namespace: `lo` up, a default route (v4 and v6) through `lo` so every connect()
 *     reaches the NAT hook, route_localnet, and one nftables ruleset: every TCP connection is
 *     redirected to the relay, every UDP packet to port 53 to the DNS responder, everything else
 *     that is not loopback is recorded in a set (address, port or protocol) and rejected;
 *  2. reports `ready` (with the interfaces it sees: only `lo`) on the control channel (fd 3) and
 *     waits for `go`;
 *  3. forks and execs the target, then hands off: each redirected connection is accepted and the
 *     socket itself passed (SCM_RIGHTS) to the tool's hand-off socket with one header line
 *     naming the original destination (and the name the DNS responder gave that address), so
 *     the proxy serves the client directly (handoff.ts); DNS queries are answered from a private
 *     pool (198.18.0.0/15) and reported;
 *  4. as PID 1 it reaps every orphan, so `wait()` failing with ECHILD means the whole tree is
 *     gone, daemons included. It then hands off any connection still waiting to be accepted,
 *     reports what was blocked and exits.
 *
 * Control lines from the tool: `go`, `term` (SIGTERM the whole namespace), `kill` (SIGKILL).
 * End of the control channel or SIGTERM (the parent-death signal) means the tool is gone:
 * remove the CA directory, kill everything, exit; the namespaces die with PID 1.
 */
export const NS_HELPER_SOURCE = String.raw`
import errno, fcntl, ipaddress, json, os, re, select, shutil, signal, socket, struct, subprocess, sys, threading

# Run by the namespace factory (namespace-factory.ts), cfg and CTL are given; alone, from argv.
if 'cfg' not in globals():
    cfg = json.loads(sys.argv[1])
    CTL = int(cfg.get('ctl', 3))
os.set_inheritable(CTL, False)
signal.signal(signal.SIGINT, signal.SIG_IGN)
send_lock = threading.Lock()

def send(msg):
    data = (json.dumps(msg) + '\n').encode()
    with send_lock:
        try:
            while data:
                data = data[os.write(CTL, data):]
        except OSError:
            pass

def abandon(*_):
    # The tool is gone (or asked us to die): nothing of the run may stay behind.
    for d in cfg.get('cleanup', []):
        shutil.rmtree(d, ignore_errors=True)
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass
    os._exit(1)

signal.signal(signal.SIGTERM, abandon)
signal.signal(signal.SIGHUP, abandon)

def fail(reason):
    send({'type': 'failed', 'reason': reason})
    os._exit(3)

def run(argv, data):
    try:
        p = subprocess.run(argv, input=data.encode(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except OSError as e:
        fail('%s: %s' % (argv[0], e.strerror))
    if p.returncode != 0:
        fail('%s failed: %s' % (' '.join(argv[:2]), p.stderr.decode(errors='replace').strip()[:300]))

def seal():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        flags = struct.unpack('16sH22x', fcntl.ioctl(s, 0x8913, struct.pack('16sH22x', b'lo', 0)))[1]
        fcntl.ioctl(s, 0x8914, struct.pack('16sH22x', b'lo', flags | 1))
    except OSError as e:
        fail('cannot bring up lo in the namespace: ' + e.strerror)
    finally:
        s.close()
    for conf in ('all', 'lo'):
        try:
            with open('/proc/sys/net/ipv4/conf/%s/route_localnet' % conf, 'w') as f:
                f.write('1')
        except OSError as e:
            fail('cannot set route_localnet: ' + e.strerror)
    families = [socket.AF_INET] + ([socket.AF_INET6] if socket.has_ipv6 and os.path.exists('/proc/net/if_inet6') else [])
    try:
        for family in families:
            default_route_via_lo(family)
    except OSError:
        # rtnetlink refused what ip(8) would send: let ip say why.
        run([cfg['ip'], '-batch', '-'], ''.join('route replace %s dev lo\n' % ('default' if f == socket.AF_INET else '::/0') for f in families))

def default_route_via_lo(family):
    # RTM_NEWROUTE for default dev lo (what 'ip route add default dev lo' sends), without an exec.
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    try:
        s.bind((0, 0))
        body = struct.pack('=BBBBBBBBI', family, 0, 0, 0, 254, 3, 253, 1, 0) + struct.pack('=HHI', 8, 4, socket.if_nametoindex('lo'))
        s.send(struct.pack('=IHHII', 16 + len(body), 24, 0x1 | 0x4 | 0x400 | 0x200, 1, 0) + body)
        reply = s.recv(4096)
        if struct.unpack('=H', reply[4:6])[0] == 2:
            err = struct.unpack('=i', reply[16:20])[0]
            if err != 0:
                raise OSError(-err, os.strerror(-err))
    finally:
        s.close()

# libnftables, when the factory loaded it (factory-source.ts): the ruleset goes in without an exec.
NFT = globals().get('NFTLIB')

def nft(text, as_json=False):
    if NFT is None:
        if as_json:
            return subprocess.run([cfg['nft'], '-j'] + text.split(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
        run([cfg['nft'], '-f', '-'], text)
        return b''
    ctx = NFT.nft_ctx_new(0)
    if not ctx:
        fail('libnftables: no context')
    try:
        NFT.nft_ctx_buffer_output(ctx)
        NFT.nft_ctx_buffer_error(ctx)
        if as_json:
            NFT.nft_ctx_output_set_flags(ctx, 16)
        if NFT.nft_run_cmd_from_buffer(ctx, text.encode()) != 0:
            if as_json:
                return b''
            fail('nft failed: ' + (NFT.nft_ctx_get_error_buffer(ctx) or b'').decode(errors='replace').strip()[:300])
        return NFT.nft_ctx_get_output_buffer(ctx) or b''
    finally:
        NFT.nft_ctx_free(ctx)

def listen(family, kind, host, port):
    s = socket.socket(family, kind)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    if kind == socket.SOCK_STREAM:
        s.listen(512)
    return s

seal()
relay4 = listen(socket.AF_INET, socket.SOCK_STREAM, '127.0.0.1', 0)
R = relay4.getsockname()[1]
dns4 = listen(socket.AF_INET, socket.SOCK_DGRAM, '127.0.0.1', 0)
D = dns4.getsockname()[1]
have6 = os.path.exists('/proc/net/if_inet6')
relays = [relay4]
dnss = [dns4]
if have6:
    try:
        relays.append(listen(socket.AF_INET6, socket.SOCK_STREAM, '::1', R))
        dnss.append(listen(socket.AF_INET6, socket.SOCK_DGRAM, '::1', D))
    except OSError:
        have6 = False
# Our pid as the host sees it (/proc is the host's mount): the relay header names it, so the tool
# can map the pids clients report from inside this PID namespace to host pids.
try:
    HOST_PID = int(os.readlink('/proc/self'))
except (OSError, ValueError):
    HOST_PID = 0
rules = '''
table ip ta_nat {
  chain out {
    type nat hook output priority -100; policy accept;
    udp dport 53 redirect to :%(D)d
    ip daddr 127.0.0.0/8 accept
    meta l4proto tcp redirect to :%(R)d
  }
}
table inet ta_filter {
  set udp4 { type ipv4_addr . inet_service; flags dynamic; size 65535; }
  set other4 { type ipv4_addr . inet_proto; flags dynamic; size 65535; }
  set other6 { type ipv6_addr . inet_proto; flags dynamic; size 65535; }
  chain out {
    type filter hook output priority 0; policy accept;
    ip daddr 127.0.0.0/8 accept
    ip6 daddr ::1 accept
    meta nfproto ipv4 meta l4proto udp add @udp4 { ip daddr . udp dport } reject
    meta nfproto ipv4 add @other4 { ip daddr . meta l4proto } reject
    meta nfproto ipv6 add @other6 { ip6 daddr . meta l4proto } reject
    drop
  }
}
''' % {'D': D, 'R': R}
if have6:
    rules += '''
table ip6 ta_nat6 {
  chain out {
    type nat hook output priority -100; policy accept;
    udp dport 53 redirect to :%(D)d
    ip6 daddr ::1 accept
    meta l4proto tcp redirect to :%(R)d
  }
}
''' % {'D': D, 'R': R}

def proxy_rules():
    # The proxy's port on loopback goes to the relay too (the tool's proxy lives outside). Its own
    # NAT chain, ahead of ta_nat: the first NAT chain that maps a connection is the last one asked.
    return '''
table ip ta_proxy {
  chain out {
    type nat hook output priority -110; policy accept;
    ip daddr 127.0.0.0/8 tcp dport %(P)d redirect to :%(R)d
  }
}
''' % {'P': int(cfg['proxyPort']), 'R': R}

def read_lines():
    buf = b''
    while True:
        try:
            chunk = os.read(CTL, 4096)
        except InterruptedError:
            continue
        except OSError:
            chunk = b''
        if not chunk:
            return
        buf += chunk
        while b'\n' in buf:
            line, buf = buf.split(b'\n', 1)
            yield line.decode().strip()

lines = read_lines()
if cfg.get('pooled'):
    # Made ahead of use by the factory (a pool kept one ahead): sealed now, the run's own
    # settings (proxy port, target, sockets, the CA directory to remove) come when it is taken.
    nft(rules)
    send({'type': 'pooled'})
    try:
        cfg.update(json.loads(next(lines, None) or 'null'))
    except (TypeError, ValueError):
        abandon()
    nft(proxy_rules())
else:
    nft(rules + proxy_rules())
door = None
if cfg.get('door'):
    door = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    door.bind(cfg['door'])
    door.listen(64)

interfaces = [name for _, name in socket.if_nameindex()]
send({'type': 'ready', 'interfaces': interfaces, 'ipv6': have6})
if cfg.get('probe'):
    os._exit(0)

if next(lines, None) != 'go':
    abandon()

# Started by the factory, the target's stdio is given here: 'ignore' (/dev/null) or 'pipe', a
# connection to the tool's stdio socket that first names the fd it stands for (a Unix socket, as
# the pipes Node gives a child are). Alone, the target inherits the helper's 0-2.
target_fds = {}
for index, kind in enumerate(cfg.get('stdio', [])):
    if kind == 'pipe':
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(cfg['stdioSocket'])
            s.sendall(('%d\n' % index).encode())
        except OSError as e:
            fail('the stdio socket refused fd %d: %s' % (index, e.strerror))
        target_fds[index] = s.detach()
    else:
        target_fds[index] = os.open(os.devnull, os.O_RDWR)

# The target: its own process group, default signal dispositions, the control channel closed.
errr, errw = os.pipe()
pid = os.fork()
if pid == 0:
    try:
        os.close(errr)
        for sig in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        os.setpgid(0, 0)
        # Out of the way first (a source may sit on a target number), then in place.
        high = dict((index, fcntl.fcntl(fd, fcntl.F_DUPFD, 64)) for index, fd in target_fds.items())
        for index, fd in high.items():
            os.dup2(fd, index)
        for fd in list(target_fds.values()) + list(high.values()):
            os.close(fd)
        os.chdir(cfg['cwd'])
        os.set_inheritable(errw, False)
        os.execve(cfg['file'], [cfg['argv0']] + cfg['args'], cfg['env'] if 'env' in cfg else os.environ)
    except OSError as e:
        os.write(errw, ('%s: %s' % (cfg['file'], e.strerror)).encode())
    os._exit(127)
os.close(errw)
for fd in target_fds.values():
    os.close(fd)
spawn_error = os.read(errr, 4096).decode(errors='replace')
os.close(errr)
if spawn_error:
    send({'type': 'spawn-error', 'message': spawn_error})
else:
    send({'type': 'started', 'pid': pid})

names = {}
addresses = {}
# One address per name and family: IPv4 from 198.18.0.0/15, IPv6 from 2001:2::/48 (the
# benchmarking ranges, RFC 2544 and 5180: never routed, meaningful only inside this namespace).
pools = {4: [int(ipaddress.IPv4Address('198.18.0.1')), ipaddress.IPv4Address], 6: [int(ipaddress.IPv6Address('2001:2::1')), ipaddress.IPv6Address]}
names_lock = threading.Lock()

def address_for(name, v=4):
    with names_lock:
        ip = names.get((name, v))
        if ip is None:
            pool = pools[v]
            ip = str(pool[1](pool[0]))
            pool[0] += 1
            names[(name, v)] = ip
            addresses[ip] = name
        return ip

QTYPES = {1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 64: 'SVCB', 65: 'HTTPS'}

def answer(q):
    if len(q) < 12:
        return None
    qid, flags, qd = struct.unpack('!HHH', q[:6])
    if flags & 0x8000 or qd != 1:
        return None
    i, labels = 12, []
    while i < len(q) and q[i] != 0:
        n = q[i]
        if n & 0xC0 or i + 1 + n > len(q):
            return None
        labels.append(q[i + 1:i + 1 + n].decode('ascii', 'replace'))
        i += 1 + n
    if i + 5 > len(q):
        return None
    qtype, qclass = struct.unpack('!HH', q[i + 1:i + 5])
    question = q[12:i + 5]
    name = '.'.join(labels).lower()
    rcode, answers = 0, b''
    ip = None
    if qtype == 1 and qclass == 1 and name:
        ip = address_for(name)
        answers = b'\xc0\x0c' + struct.pack('!HHIH', 1, 1, 5, 4) + socket.inet_aton(ip)
    elif qtype == 28 and qclass == 1 and name and have6:
        # Without IPv6 in the namespace: an empty NOERROR answer (the name exists, use its A).
        ip = address_for(name, 6)
        answers = b'\xc0\x0c' + struct.pack('!HHIH', 28, 1, 5, 16) + socket.inet_pton(socket.AF_INET6, ip)
    elif qtype == 12:
        rcode = 3
    send({'type': 'dns', 'name': name, 'qtype': QTYPES.get(qtype, str(qtype)), **({'answer': ip} if ip else {})})
    head = struct.pack('!HHHHHH', qid, 0x8000 | (flags & 0x7900) | 0x0080 | rcode, 1, 1 if answers else 0, 0, 0)
    return head + question + answers

def serve_dns():
    while True:
        ready, _, _ = select.select(dnss, [], [])
        for s in ready:
            try:
                q, peer = s.recvfrom(4096)
            except OSError:
                continue
            r = answer(q)
            if r:
                try:
                    s.sendto(r, peer)
                except OSError:
                    pass

def original_destination(conn, family):
    try:
        if family == socket.AF_INET:
            raw = conn.getsockopt(socket.SOL_IP, 80, 16)
            return socket.inet_ntop(socket.AF_INET, raw[4:8]), struct.unpack('!H', raw[2:4])[0]
        raw = conn.getsockopt(socket.IPPROTO_IPV6, 80, 28)
        return socket.inet_ntop(socket.AF_INET6, raw[8:24]), struct.unpack('!H', raw[2:4])[0]
    except OSError:
        return None, None

def splice(a, b):
    open_ends = {a: b, b: a}
    while open_ends:
        ready, _, _ = select.select(list(open_ends), [], [])
        for s in ready:
            try:
                data = s.recv(65536)
            except OSError:
                data = b''
            other = open_ends[s]
            if data:
                try:
                    other.sendall(data)
                    continue
                except OSError:
                    pass
            del open_ends[s]
            try:
                other.shutdown(socket.SHUT_WR)
            except OSError:
                pass

# The proxy's hand-off socket (handoff.ts): each accepted connection is passed on as a socket
# (SCM_RIGHTS) with its header, so the proxy reads the client directly and no byte is copied here.
# One SOCK_SEQPACKET connection per namespace, opened on first use (a pooled namespace learns the
# path when a run takes it); a message never mixes with the next.
handoff = [None]
handoff_lock = threading.Lock()
NAME_OK = re.compile(r'^[a-z0-9_][a-z0-9_.-]{0,252}$')

def hand_off(conn, family):
    try:
        host, port = original_destination(conn, family)
        if host is None:
            send({'type': 'unrelayed', 'reason': 'no original destination'})
            return
        name = addresses.get(host, '-')
        header = ('TA-SEALED %s %d %s %d\n' % (host, port, name if NAME_OK.match(name) else '-', HOST_PID)).encode()
        with handoff_lock:
            for attempt in (0, 1):
                try:
                    if handoff[0] is None:
                        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                        try:
                            s.connect(cfg['socket'])
                        except OSError:
                            s.close()
                            raise
                        handoff[0] = s
                    handoff[0].sendmsg([header], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack('i', conn.fileno()))])
                    return
                except OSError as e:
                    # A broken hand-off connection is opened again once, then the loss is reported.
                    if handoff[0] is not None:
                        handoff[0].close()
                        handoff[0] = None
                    if attempt == 1:
                        send({'type': 'unrelayed', 'reason': e.strerror or str(e)})
    finally:
        # The proxy holds its own reference now (or the connection is refused): ours goes.
        conn.close()

def serve_relay():
    while True:
        ready, _, _ = select.select(relays, [], [])
        for s in ready:
            try:
                conn, _ = s.accept()
            except OSError:
                continue
            hand_off(conn, s.family)

def relay_pending():
    # Connections the kernel accepted that the relay thread has not taken yet (a client that
    # connected, wrote and exited at the very end): handed off before the namespace goes.
    for s in relays:
        s.setblocking(False)
        while True:
            try:
                conn, _ = s.accept()
            except OSError:
                break
            conn.setblocking(True)
            hand_off(conn, s.family)

def door_pump(conn):
    # The tool's way in (probes of a server the target runs): a port line, then the bytes.
    inside = None
    try:
        line = b''
        while not line.endswith(b'\n') and len(line) < 16:
            c = conn.recv(1)
            if not c:
                return
            line += c
        inside = socket.create_connection(('127.0.0.1', int(line.strip())), timeout=5)
        inside.settimeout(None)
        splice(conn, inside)
    except (OSError, ValueError):
        pass
    finally:
        conn.close()
        if inside:
            inside.close()

def serve_door():
    while True:
        conn, _ = door.accept()
        threading.Thread(target=door_pump, args=(conn,), daemon=True).start()

def control():
    for line in lines:
        if line == 'term':
            try:
                os.kill(-1, signal.SIGTERM)
            except OSError:
                pass
        elif line == 'kill':
            try:
                os.kill(-1, signal.SIGKILL)
            except OSError:
                pass
    abandon()

for f in (serve_dns, serve_relay, control) + ((serve_door,) if door else ()):
    threading.Thread(target=f, daemon=True).start()

status = None
while True:
    try:
        p, st = os.waitpid(-1, 0)
    except ChildProcessError:
        break
    if p == pid:
        status = st
        if os.WIFSIGNALED(st):
            send({'type': 'exit', 'code': None, 'signal': os.WTERMSIG(st)})
        else:
            send({'type': 'exit', 'code': os.WEXITSTATUS(st), 'signal': None})

blocked = []
try:
    out = nft('list table inet ta_filter', as_json=True)
    for item in json.loads(out or b'{}').get('nftables', []):
        s = item.get('set')
        if not s:
            continue
        for e in s.get('elem', []):
            v = e.get('elem', {}).get('val', e) if isinstance(e, dict) else e
            parts = v.get('concat', []) if isinstance(v, dict) else []
            if len(parts) == 2:
                blocked.append({'set': s['name'], 'address': str(parts[0]), 'what': parts[1]})
except (OSError, ValueError):
    send({'type': 'unrelayed', 'reason': 'the blocked-traffic record could not be read'})
relay_pending()
send({'type': 'gone', 'blocked': blocked})
send({'type': 'done'})
# No interpreter shutdown (daemon threads, buffers): the tool waits for this process to end.
os._exit(0)
`;
