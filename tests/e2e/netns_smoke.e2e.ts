// The media tests' ground, proven cheaply: inside the namespace tests/e2e/netns-run made, two
// RTCPeerConnections in one Chromium page (fake camera and microphone, iceServers: []) connect
// to each other; the receiver decodes video frames and audio packets; every ICE candidate either
// side gathered is on the namespace's test address (never loopback, never a host address); and
// the namespace itself has no way out (links lo/os0 only, no default route).
//
// Run: ctest -R e2e.netns_smoke (as root), or by hand:
//   sudo tests/e2e/netns-run env ONSTAGE_E2E_ARTIFACTS=/tmp/smoke npm --prefix web run e2e -- netns_smoke
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { Actor, Evidence, launchBrowser, loadBrowserConfig, netnsLeaks, requireNetns, type Netns } from './harness';

const LIVE_MS = 20_000; // liveness only: how long the loop may take to connect and decode

let ns: Netns;
let http: HttpServer | null = null;
let origin = '';
let browser: Browser | null = null;
let page: Actor | null = null;
let evidence: Evidence;

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

beforeAll(async () => {
    ns = requireNetns();
    const cfg = loadBrowserConfig();
    evidence = new Evidence(cfg.artifacts);
    // A blank page on loopback: a secure context, so getUserMedia exists.
    http = createServer((_req, res) => res.end('<!doctype html><title>netns smoke</title><body></body>'));
    await new Promise<void>((r) => http?.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    browser = await launchBrowser(cfg);
    page = await Actor.open(browser, 'loop', { width: 480, height: 360 });
});

afterAll(async () => {
    if (page) evidence?.saveLogs([page], null);
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

    test('still has no way out afterwards', () => {
        expect(netnsLeaks(ns)).toEqual([]);
    });
});
