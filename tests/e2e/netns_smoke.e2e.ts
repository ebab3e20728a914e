// The media tests' ground, proven cheaply: inside the namespace tests/e2e/netns-run made, two
// RTCPeerConnections in one Chromium page (fake camera and microphone, iceServers: []) connect
// to each other; the receiver decodes video frames and audio packets; every ICE candidate either
// side gathered is on the namespace's test address (never loopback, never a host address); and
// the namespace itself has no way out (links lo/os0 only, no default route). Then the same page
// publishes into a real Janus (a minimal generated config: WebSockets on 127.0.0.1, VideoRoom
// only, ice_enforce_list = "os0") and subscribes to itself through it, which is the path every
// media test takes; its candidates too are on the test address only.
//
// Run: ctest -R e2e.netns_smoke (as root), or by hand:
//   sudo tests/e2e/netns-run env ONSTAGE_E2E_ARTIFACTS=/tmp/smoke npm --prefix web run e2e -- netns_smoke
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { Actor, Evidence, janusPids, launchBrowser, loadBrowserConfig, netnsLeaks, requireNetns, tempDir, type Netns } from './harness';

const LIVE_MS = 20_000; // liveness only: how long the loop may take to connect and decode

let ns: Netns;
let http: HttpServer | null = null;
let origin = '';
let browser: Browser | null = null;
let page: Actor | null = null;
let evidence: Evidence;
let artifacts = '';
let tmp: ReturnType<typeof tempDir> | null = null;
let janus: ChildProcess | null = null;
let janusLog = '';

interface LoopResult {
    candidates: string[]; // every candidate line either side gathered
    state: string; // the receiver's connectionState
    pair: { local: string; remote: string } | null; // addresses of the receiver's selected pair
    framesDecoded: number;
    frameWidth: number;
    audioPacketsReceived: number;
}

// The page side: offerer `a` sends the fake camera and microphone to answerer `b`; candidates go
// straight across. window.__loop() reports what `b` receives.
const LOOP = `(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
    const a = new RTCPeerConnection({ iceServers: [] });
    const b = new RTCPeerConnection({ iceServers: [] });
    const candidates = [];
    const cross = (from, to) => (e) => {
        if (!e.candidate) return;
        candidates.push(e.candidate.candidate);
        to.addIceCandidate(e.candidate).catch((err) => console.error('addIceCandidate', err));
    };
    a.onicecandidate = cross(a, b);
    b.onicecandidate = cross(b, a);
    const video = document.createElement('video');
    video.muted = true;
    video.autoplay = true;
    document.body.append(video);
    b.ontrack = (e) => { video.srcObject = e.streams[0]; };
    for (const t of stream.getTracks()) a.addTransceiver(t, { direction: 'sendonly', streams: [stream] });
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription);
    window.__loop = async () => {
        const r = { candidates, state: b.connectionState, pair: null, framesDecoded: 0, frameWidth: 0, audioPacketsReceived: 0 };
        const stats = await b.getStats();
        for (const s of stats.values()) {
            if (s.type === 'inbound-rtp' && s.kind === 'video') {
                r.framesDecoded = s.framesDecoded ?? 0;
                r.frameWidth = s.frameWidth ?? 0;
            }
            if (s.type === 'inbound-rtp' && s.kind === 'audio') r.audioPacketsReceived = s.packetsReceived ?? 0;
            if (s.type === 'transport' && s.selectedCandidatePairId) {
                const p = stats.get(s.selectedCandidatePairId);
                const l = p && stats.get(p.localCandidateId);
                const rem = p && stats.get(p.remoteCandidateId);
                if (l && rem) r.pair = { local: l.address ?? l.ip, remote: rem.address ?? rem.ip };
            }
        }
        return r;
    };
})()`;

// The connection address of an ICE candidate line ("candidate:1 1 udp 2122 10.203.0.1 5000 typ host").
function candidateAddress(line: string): string {
    return line.replace(/^candidate:/, '').split(' ')[4] ?? `unparsable: ${line}`;
}

async function loop(): Promise<LoopResult> {
    if (!page) throw new Error('no page');
    return page.page.evaluate(() => (window as unknown as { __loop: () => Promise<LoopResult> }).__loop());
}

const JANUS_LIB = '/usr/lib/x86_64-linux-gnu/janus';

// A port nobody uses: the namespace is private, so nothing can take it before Janus does.
async function freePort(): Promise<number> {
    const srv = createTcpServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    return port;
}

// Janus with only what the media tests use: WebSockets on 127.0.0.1 and the VideoRoom plugin
// (folders holding just those two libraries), ICE pinned to the namespace's interface.
function startJanus(dir: string, port: number): ChildProcess {
    const folders = { plugins: 'libjanus_videoroom.so', transports: 'libjanus_websockets.so', events: '', loggers: '' };
    for (const [folder, lib] of Object.entries(folders)) {
        mkdirSync(join(dir, folder), { recursive: true });
        if (lib) symlinkSync(join(JANUS_LIB, folder, lib), join(dir, folder, lib));
    }
    writeFileSync(join(dir, 'janus.jcfg'), `general: {
    plugins_folder = "${dir}/plugins"
    transports_folder = "${dir}/transports"
    events_folder = "${dir}/events"
    loggers_folder = "${dir}/loggers"
    debug_level = 4
}
media: {
    rtp_port_range = "20000-40000"
}
nat: {
    ice_enforce_list = "${ns.iface}"
}
`);
    writeFileSync(join(dir, 'janus.transport.websockets.jcfg'), `general: {
    json = "plain"
    ws = true
    ws_port = ${port}
    ws_ip = "127.0.0.1"
    ws_acl = "127."
    wss = false
}
admin: {
    admin_ws = false
    admin_wss = false
}
`);
    writeFileSync(join(dir, 'janus.plugin.videoroom.jcfg'), 'general: {\n}\n');
    const child = spawn('/usr/bin/janus', ['-F', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d: Buffer) => (janusLog += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (janusLog += d.toString()));
    return child;
}

// Liveness: until Janus accepts TCP connections on its WebSocket port.
async function janusListening(port: number): Promise<void> {
    const deadline = Date.now() + LIVE_MS;
    for (;;) {
        const ok = await new Promise<boolean>((r) => {
            const sock = connect(port, '127.0.0.1', () => {
                sock.destroy();
                r(true);
            });
            sock.on('error', () => r(false));
        });
        if (ok) return;
        if (janus?.exitCode !== null || Date.now() > deadline) throw new Error(`Janus did not listen on 127.0.0.1:${port}; its log:\n${janusLog}`);
        await new Promise((r) => setTimeout(r, 100));
    }
}

// The page side of publish → subscribe through Janus' VideoRoom (plain Janus API over its
// WebSocket, as onstage speaks it): window.__janus(url) sets both up; window.__janusStats()
// reports what the subscriber receives and the candidate lines of Janus' SDPs.
const JANUS_LOOP = `(() => {
    let ws, session, seq = 0;
    const waiting = new Map();
    const candidateLines = [];
    const call = (msg, wantEvent) => new Promise((resolve, reject) => {
        const transaction = 't' + (++seq);
        waiting.set(transaction, { resolve, reject, wantEvent });
        ws.send(JSON.stringify({ ...msg, transaction, ...(session ? { session_id: session } : {}) }));
    });
    const note = (sdp) => { for (const l of sdp.split(/\\r?\\n/)) if (l.startsWith('a=candidate:')) candidateLines.push(l.slice(2)); };
    const trickle = (pc, handle) => {
        pc.onicecandidate = (e) => {
            const candidate = e.candidate ? e.candidate.toJSON() : { completed: true };
            ws.send(JSON.stringify({ janus: 'trickle', session_id: session, handle_id: handle, transaction: 'c' + (++seq), candidate }));
        };
    };
    const message = (handle, body, jsep) => call({ janus: 'message', handle_id: handle, body, ...(jsep ? { jsep } : {}) }, true);
    window.__janus = async (url) => {
        ws = new WebSocket(url, 'janus-protocol');
        ws.onmessage = (m) => {
            const r = JSON.parse(m.data);
            const w = r.transaction && waiting.get(r.transaction);
            if (!w || r.janus === 'ack' && w.wantEvent) return;
            waiting.delete(r.transaction);
            if (r.janus === 'error') w.reject(new Error(JSON.stringify(r.error)));
            else if (r.plugindata && r.plugindata.data && r.plugindata.data.error) w.reject(new Error(r.plugindata.data.error));
            else w.resolve(r);
        };
        await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('no Janus at ' + url)); });
        session = (await call({ janus: 'create' })).data.id;
        setInterval(() => ws.send(JSON.stringify({ janus: 'keepalive', session_id: session, transaction: 'k' + (++seq) })), 20000);
        const pubHandle = (await call({ janus: 'attach', plugin: 'janus.plugin.videoroom' })).data.id;
        await call({ janus: 'message', handle_id: pubHandle, body: { request: 'create', room: 4242, publishers: 1, fir_freq: 2 } });
        const joined = await message(pubHandle, { request: 'join', ptype: 'publisher', room: 4242, display: 'smoke' });
        const feed = joined.plugindata.data.id;

        const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
        const pub = new RTCPeerConnection({ iceServers: [] });
        trickle(pub, pubHandle);
        for (const t of stream.getTracks()) pub.addTransceiver(t, { direction: 'sendonly', streams: [stream] });
        await pub.setLocalDescription(await pub.createOffer());
        const published = await message(pubHandle, { request: 'publish', audio: true, video: true }, { type: 'offer', sdp: pub.localDescription.sdp });
        note(published.jsep.sdp);
        await pub.setRemoteDescription(published.jsep);

        // A feed can be subscribed to once its publisher's media is up in Janus.
        while (pub.connectionState !== 'connected') {
            if (pub.connectionState === 'failed') throw new Error('the publisher connection to Janus failed');
            await new Promise((r) => setTimeout(r, 100));
        }
        const subHandle = (await call({ janus: 'attach', plugin: 'janus.plugin.videoroom' })).data.id;
        let attached;
        for (let tries = 0; !attached; tries++) {
            try {
                attached = await message(subHandle, { request: 'join', ptype: 'subscriber', room: 4242, streams: [{ feed }] });
            } catch (err) {
                if (tries >= 50 || !String(err).includes('No such feed')) throw err;
                await new Promise((r) => setTimeout(r, 100));
            }
        }
        note(attached.jsep.sdp);
        const sub = new RTCPeerConnection({ iceServers: [] });
        trickle(sub, subHandle);
        await sub.setRemoteDescription(attached.jsep);
        await sub.setLocalDescription(await sub.createAnswer());
        await message(subHandle, { request: 'start' }, { type: 'answer', sdp: sub.localDescription.sdp });

        window.__janusStats = async () => {
            const r = { candidates: candidateLines, state: sub.connectionState, framesDecoded: 0, frameWidth: 0, audioPacketsReceived: 0 };
            for (const s of (await sub.getStats()).values()) {
                if (s.type === 'inbound-rtp' && s.kind === 'video') { r.framesDecoded = s.framesDecoded ?? 0; r.frameWidth = s.frameWidth ?? 0; }
                if (s.type === 'inbound-rtp' && s.kind === 'audio') r.audioPacketsReceived = s.packetsReceived ?? 0;
            }
            return r;
        };
    };
})()`;

interface JanusResult {
    candidates: string[]; // the candidate lines in Janus' answer and offer
    state: string;
    framesDecoded: number;
    frameWidth: number;
    audioPacketsReceived: number;
}

beforeAll(async () => {
    ns = requireNetns();
    const cfg = loadBrowserConfig();
    evidence = new Evidence(cfg.artifacts);
    artifacts = cfg.artifacts;
    tmp = tempDir();
    // A blank page on loopback: a secure context, so getUserMedia exists.
    http = createServer((_req, res) => res.end('<!doctype html><title>netns smoke</title><body></body>'));
    await new Promise<void>((r) => http?.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    browser = await launchBrowser(cfg);
    page = await Actor.open(browser, 'loop', { width: 480, height: 360 });
});

afterAll(async () => {
    if (page) evidence?.saveLogs([page], null);
    if (janus && janus.exitCode === null && janus.signalCode === null) {
        const exited = new Promise<void>((r) => janus?.once('exit', () => r()));
        janus.kill('SIGTERM');
        const timer = setTimeout(() => janus?.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
    }
    if (artifacts) writeFileSync(join(artifacts, 'janus.log'), janusLog);
    tmp?.remove();
    await page?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
});

describe('the media test namespace', () => {
    test('has no way out: only lo and os0, no default route', () => {
        expect(netnsLeaks(ns)).toEqual([]);
    });

    test('carries WebRTC between two peers on its test address only', async () => {
        if (!page) throw new Error('no page');
        await page.page.goto(origin);
        await page.page.evaluate(LOOP);

        // Liveness: wait for decoded frames and audio, then assert on what was seen.
        const deadline = Date.now() + LIVE_MS;
        let r = await loop();
        while ((r.framesDecoded < 10 || r.audioPacketsReceived < 10) && Date.now() < deadline) {
            await new Promise((res) => setTimeout(res, 250));
            r = await loop();
        }
        await evidence.shots('loop', [page]);
        expect(r.state, `connection state; last stats ${JSON.stringify(r)}`).toBe('connected');
        expect(r.framesDecoded, 'video frames decoded by the receiver').toBeGreaterThanOrEqual(10);
        expect(r.frameWidth, 'decoded frame width').toBe(320);
        expect(r.audioPacketsReceived, 'audio packets received').toBeGreaterThanOrEqual(10);

        expect(r.candidates.length, 'ICE candidates gathered').toBeGreaterThan(0);
        expect([...new Set(r.candidates.map(candidateAddress))], 'addresses of the gathered candidates').toEqual([ns.addr]);
        expect(r.pair, 'the selected candidate pair').toEqual({ local: ns.addr, remote: ns.addr });
        expect(await page.iceAddresses(), 'addresses of the pairs in use (harness view)').toEqual([ns.addr]);

        expect(page.pageErrors, 'uncaught errors in the page').toEqual([]);
        expect(page.offLoopback, 'requests beyond loopback').toEqual([]);
    });

    test('carries media through Janus (VideoRoom, ICE on os0) back to the page', async () => {
        if (!page || !tmp) throw new Error('no page');
        const port = await freePort();
        janus = startJanus(join(tmp.path, 'janus'), port);
        await janusListening(port);
        expect(janusPids(ns), 'the Janus processes in the namespace').toEqual([janus.pid]);
        await page.page.evaluate(JANUS_LOOP);
        await page.page.evaluate((url) => (window as unknown as { __janus: (u: string) => Promise<void> }).__janus(url), `ws://127.0.0.1:${port}`);

        const stats = () => page?.page.evaluate(() => (window as unknown as { __janusStats: () => Promise<JanusResult> }).__janusStats()) as Promise<JanusResult>;
        const deadline = Date.now() + LIVE_MS;
        let r = await stats();
        while ((r.framesDecoded < 10 || r.audioPacketsReceived < 10) && Date.now() < deadline) {
            await new Promise((res) => setTimeout(res, 250));
            r = await stats();
        }
        await evidence.shots('janus', [page]);
        expect(r.state, `the subscriber's connection state; last stats ${JSON.stringify(r)}`).toBe('connected');
        expect(r.framesDecoded, 'video frames decoded through Janus').toBeGreaterThanOrEqual(10);
        expect(r.frameWidth, 'decoded frame width').toBe(320);
        expect(r.audioPacketsReceived, 'audio packets received through Janus').toBeGreaterThanOrEqual(10);
        expect(r.candidates.length, 'candidates in Janus\' SDPs').toBeGreaterThan(0);
        expect([...new Set(r.candidates.map(candidateAddress))], 'addresses Janus offered').toEqual([ns.addr]);
        expect(await page.iceAddresses(), 'addresses of the pairs in use').toEqual([ns.addr]);
        expect(page.pageErrors, 'uncaught errors in the page').toEqual([]);
    });

    test('still has no way out afterwards', () => {
        expect(netnsLeaks(ns)).toEqual([]);
    });
});
