// The media benchmarks (issue 4), driven like the media e2e test: real apps in Debian's Chromium,
// a release `onstage serve` that spawns Janus, all inside the namespace tests/e2e/netns-run made.
// Not a test: bench/run-media runs it (vitest only as the runner) and it prints figures.
//
//   MEDIA_BENCH=promote  promote → first decoded frame of the guest at the talent, RUNS times
//                        (default 10), with a breakdown from timestamps taken in the pages.
//   MEDIA_BENCH=cpu      a stage of 4 publishers (talent, on-air moderator, two live guests) and
//                        6 watchers (moderators not on air: they subscribe to every stage feed);
//                        CPU of every process in the namespace over STEADY_S seconds (default 30),
//                        decoded fps at every subscriber.
//
// Clocks: every timestamp is wall clock on this one machine — in a page
// performance.timeOrigin + performance.now(), in Node Date.now().
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Browser, Locator, Page } from 'playwright-core';
import {
    Actor,
    createEvent,
    feedStat,
    inboundStats,
    janusPids,
    launchBrowser,
    loadConfig,
    outboundStats,
    requireNetns,
    Server,
    tempDir,
    waitForMedia,
    waitForOutbound,
    type Config,
    type EventLinks,
    type InboundStat,
    type Link,
    type Netns,
    sees,
    seesNo,
    click,
} from './harness';

const SEEN_MS = 15_000; // liveness only
const MEDIA_MS = 40_000; // liveness only: a loaded 2-core machine can be slow to start media

// ---- Page instrumentation (the bench's, not the app's) ----

// Wraps WebSocket and RTCPeerConnection (on top of the harness' guard) to timestamp the steps
// between a promote and the first frame: commands sent, acks and plans received, connection
// states; and hooks requestVideoFrameCallback on every feed tile's <video> to note the first
// frame presented for each new stream. Everything goes to window.__bench.log.
export const PROBE = `(() => {
    const now = () => performance.timeOrigin + performance.now();
    const log = [];
    window.__bench = { log };
    const NativeWS = window.WebSocket;
    const sent = new Map();
    class ProbedWS extends NativeWS {
        constructor(...args) {
            super(...args);
            this.addEventListener('message', (m) => {
                const t = now();
                let r;
                try { r = JSON.parse(String(m.data)); } catch { return; }
                if (r.type === 'ack' || r.type === 'error') {
                    const cmd = sent.get(r.id);
                    if (cmd) log.push({ t, ev: r.type, cmd: cmd.type, room: cmd.room, feed: cmd.feed, code: r.code, message: r.message });
                    // A feed announced before its publisher is up in Janus is refused
                    // (feed_not_visible) and the app does not ask again while the plan keeps it:
                    // the bench asks again after 100 ms (logged, and counted in the figures).
                    if (cmd && r.type === 'error' && cmd.type === 'subscribe' && r.code === 'feed_not_visible') {
                        setTimeout(() => { log.push({ t: now(), ev: 'retry', feed: cmd.feed }); window.__onstageMedia && window.__onstageMedia.retry(); }, 100);
                    }
                } else if (r.type === 'media') {
                    log.push({ t, ev: 'plan', publish: r.publish, feeds: (r.feeds || []).map((f) => f.participant_id + ':' + f.room + ':' + f.source) });
                } else if (r.type === 'status') {
                    log.push({ t, ev: 'status', attendee: r.attendee && r.attendee.id, status: r.attendee && r.attendee.status });
                }
            });
        }
        send(data) {
            try {
                const c = JSON.parse(String(data));
                if (c && c.id && c.type !== 'trickle' && c.type !== 'ping') {
                    sent.set(c.id, c);
                    log.push({ t: now(), ev: 'send', cmd: c.type, room: c.room, feed: c.feed, attendee: c.attendee_id });
                }
            } catch {}
            return super.send(data);
        }
    }
    window.WebSocket = ProbedWS;

    const Guarded = window.RTCPeerConnection;
    let n = 0;
    window.RTCPeerConnection = function (config, ...rest) {
        const pc = new Guarded(config, ...rest);
        const id = ++n;
        let role = '?';
        log.push({ t: now(), ev: 'pc_new', pc: id });
        const setLocal = pc.setLocalDescription.bind(pc);
        pc.setLocalDescription = (d, ...r) => {
            if (d && d.type) role = d.type === 'offer' ? 'pub' : 'sub';
            return setLocal(d, ...r);
        };
        pc.addEventListener('iceconnectionstatechange', () => log.push({ t: now(), ev: 'ice_' + pc.iceConnectionState, pc: id, role }));
        pc.addEventListener('connectionstatechange', () => log.push({ t: now(), ev: 'pc_' + pc.connectionState, pc: id, role }));
        pc.addEventListener('track', (e) => {
            log.push({ t: now(), ev: 'track', pc: id, kind: e.track.kind });
            if (e.track.kind !== 'video') return;
            // First decoded frame as the stats see it, polled every 10 ms until seen.
            const poll = setInterval(async () => {
                if (pc.connectionState === 'closed') return clearInterval(poll);
                const stats = await pc.getStats();
                for (const s of stats.values()) {
                    if (s.type === 'inbound-rtp' && s.kind === 'video' && (s.framesDecoded || 0) > 0) {
                        clearInterval(poll);
                        log.push({ t: now(), ev: 'decoded', pc: id });
                        return;
                    }
                }
            }, 10);
        });
        return pc;
    };
    window.RTCPeerConnection.prototype = Guarded.prototype;

    // First presented frame of each stream a feed tile shows.
    const hooked = new WeakMap();
    setInterval(() => {
        for (const fig of document.querySelectorAll('figure[data-testid^="feed-"]')) {
            const video = fig.querySelector('video');
            const src = video && video.srcObject;
            if (!src || hooked.get(video) === src || !video.requestVideoFrameCallback) continue;
            hooked.set(video, src);
            const tile = fig.getAttribute('data-testid');
            video.requestVideoFrameCallback((t, meta) => {
                log.push({ t: performance.timeOrigin + t, ev: 'frame', tile, receiveTime: meta.receiveTime ? performance.timeOrigin + meta.receiveTime : null, width: meta.width });
            });
        }
    }, 10);
})();`;

interface LogEntry {
    t: number;
    ev: string;
    [k: string]: unknown;
}

async function benchLog(a: Actor): Promise<LogEntry[]> {
    return a.page.evaluate(() => (window as unknown as { __bench: { log: LogEntry[] } }).__bench.log.slice());
}

async function clearLog(a: Actor): Promise<void> {
    await a.page.evaluate(() => {
        (window as unknown as { __bench: { log: LogEntry[] } }).__bench.log.length = 0;
    });
}

// ---- Driving the apps (as tests/e2e/media.e2e.ts does) ----

let cfg: Config;
let ns: Netns;
let links: EventLinks;
let server: Server | null = null;
let browser: Browser | null = null;
let tmp: ReturnType<typeof tempDir>;
const everyone: Actor[] = [];

function status(a: Actor, text: string | RegExp): Locator {
    return a.page.locator('.status').filter({ hasText: text });
}

function tile(a: Actor, participantId: string): Locator {
    return a.page.getByTestId(`feed-${participantId}-camera`);
}

function nth(people: Link[], i: number, what: string): Link {
    const p = people[i];
    if (!p) throw new Error(`the event lacks ${what}`);
    return p;
}

async function open(label: string, link: Link): Promise<Actor> {
    if (!browser || !server) throw new Error('browser and server must be running');
    const a = await Actor.open(browser, label, { width: 960, height: 720 });
    await a.context.addInitScript(PROBE);
    everyone.push(a);
    await a.signIn(server.origin, link, SEEN_MS);
    return a;
}


// Liveness: `a` decodes `who`'s camera feed (frames growing between two polls).
async function decodes(a: Actor, who: string, whoLabel: string): Promise<void> {
    let prev: InboundStat | undefined;
    await waitForMedia(
        a.page,
        (all) => {
            const s = feedStat(all, who);
            const ok = !!s && !!prev && prev.feed === s.feed && s.videoFramesDecoded > prev.videoFramesDecoded;
            prev = s;
            return ok;
        },
        `${a.label} to decode ${whoLabel}'s video`,
        MEDIA_MS,
    );
}

// An attendee raises a hand, `mod` claims and interviews them, approves: the attendee is in
// holding and publishing its preview.
async function toHolding(mod: Actor, guest: Actor, name: string, modChecked: boolean): Promise<void> {
    await guest.page.getByLabel('Your question').fill(`A question from ${name}`);
    await guest.page.getByRole('button', { name: 'Raise hand' }).click();
    await click(mod.page, 'Raised hands', name, 'Claim');
    await click(mod.page, 'My queue', name, 'Invite');
    await guest.page.getByRole('dialog', { name: 'You are invited' }).getByRole('button', { name: 'Accept' }).click();
    await sees(status(guest, 'You are talking with a moderator'), `${name} in the interview`, SEEN_MS);
    await guest.passDeviceCheck(MEDIA_MS);
    if (!modChecked) await mod.passDeviceCheck(MEDIA_MS);
    await click(mod.page, 'Interview', name, 'Approve');
    await sees(status(guest, 'You are in the holding room'), `${name} in the holding room`, SEEN_MS);
    await waitForOutbound(guest.page, (s) => s.some((p) => p.room === 'holding' && p.videoFramesEncoded > 0), `${name} publishing the holding preview`, MEDIA_MS);
}

async function goOnAir(mod: Actor): Promise<void> {
    await mod.page.getByRole('button', { name: 'Go on air' }).click();
    await sees(mod.page.getByRole('button', { name: 'Go off air' }), `${mod.label} on air`, SEEN_MS);
}

async function setup(rosters: { attendees: string[]; moderators: string[]; talent: string[] }): Promise<void> {
    ns = requireNetns();
    cfg = loadConfig();
    tmp = tempDir();
    links = createEvent(cfg, tmp.path, rosters);
    server = await Server.start(cfg, join(tmp.path, 'data'), 0, { media: ns });
    browser = await launchBrowser(cfg);
    // Liveness: the Janus onstage spawns shows up in the namespace.
    const deadline = Date.now() + SEEN_MS;
    while (janusPids(ns).length === 0) {
        if (Date.now() > deadline) throw new Error(`no Janus (janus -F …) in namespace ${ns.name} after ${SEEN_MS / 1000} s: this onstage does not spawn Janus with ONSTAGE_MEDIA_JANUS=spawn (see server-stderr.log)`);
        await new Promise((r) => setTimeout(r, 250));
    }
}

async function teardown(): Promise<void> {
    if (!cfg) return; // setup failed before the config was read: nothing was started
    for (const a of everyone) {
        const lines = [...a.console, ...a.pageErrors.map((e) => `pageerror: ${e}`)];
        writeFileSync(join(cfg.artifacts, `console-${a.label}.log`), lines.join('\n') + '\n');
        // What the probe saw last (the latest run's steps) and the page as it was: for reading a failure.
        const probe = await benchLog(a).catch((err: unknown) => [{ t: 0, ev: `unreadable: ${String(err)}` }]);
        writeFileSync(join(cfg.artifacts, `probe-${a.label}.json`), JSON.stringify(probe, null, 1) + '\n');
        await a.page.screenshot({ path: join(cfg.artifacts, `last-${a.label}.png`), fullPage: true }).catch(() => undefined);
    }
    if (server) writeFileSync(join(cfg.artifacts, 'server-stderr.log'), server.stderr);
    for (const a of everyone) await a.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    tmp?.remove();
}

// ---- Figures ----

function quantiles(xs: number[]): { median: number; min: number; max: number } {
    const s = [...xs].sort((a, b) => a - b);
    const median = s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
    return { median, min: s[0] as number, max: s[s.length - 1] as number };
}

const round = (x: number | null) => (x === null ? null : Math.round(x));

// The first entry at or after t0 matching `pred`, as ms after t0 (null when absent).
function after(log: LogEntry[], t0: number, pred: (e: LogEntry) => boolean): number | null {
    const e = log.find((x) => x.t >= t0 && pred(x));
    return e ? e.t - t0 : null;
}

// ---- CPU: /proc/<pid>/stat of every process in the namespace ----

const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

interface ProcSample {
    comm: string;
    ticks: number; // utime + stime of the whole process (all its threads)
}

export function sampleNetns(where: Netns): Map<number, ProcSample> {
    const r = spawnSync('ip', ['netns', 'pids', where.name], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip netns pids ${where.name} failed: ${r.stderr}`);
    const out = new Map<number, ProcSample>();
    for (const pid of r.stdout.split(/\s+/).filter(Boolean).map(Number)) {
        try {
            const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
            // comm is in parentheses and may contain spaces: fields after the last ')'.
            const close = stat.lastIndexOf(')');
            const comm = stat.slice(stat.indexOf('(') + 1, close);
            const f = stat.slice(close + 2).split(' ');
            // After ')': f[0] is field 3 (state); utime is field 14, stime field 15.
            out.set(pid, { comm, ticks: Number(f[11]) + Number(f[12]) });
        } catch {
            // exited meanwhile
        }
    }
    return out;
}

// Per comm: % of one core over the interval, for processes alive at both ends (and how many).
export function cpuByComm(a: Map<number, ProcSample>, b: Map<number, ProcSample>, seconds: number): Record<string, { pct: number; procs: number }> {
    const by: Record<string, { pct: number; procs: number }> = {};
    for (const [pid, end] of b) {
        const start = a.get(pid);
        if (!start || start.comm !== end.comm) continue;
        const g = (by[end.comm] ??= { pct: 0, procs: 0 });
        g.pct += ((end.ticks - start.ticks) / TICKS / seconds) * 100;
        g.procs += 1;
    }
    for (const g of Object.values(by)) g.pct = Math.round(g.pct * 10) / 10;
    return by;
}

function loadAvg(): string {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

// ---- The scenarios ----

const mode = process.env['MEDIA_BENCH'] ?? 'promote';

function report(name: string, summary: unknown): void {
    const line = `summary ${JSON.stringify(summary)}`;
    console.log(`== ${name}\n${line}`);
    writeFileSync(join(cfg.artifacts, `${name}.json`), JSON.stringify(summary, null, 2) + '\n');
}

describe.runIf(mode === 'promote')('promote → first decoded frame', () => {
    afterAll(teardown);
    test('10 promotes', { timeout: 900_000 }, async () => {
        const runs = Number(process.env['RUNS'] ?? 10);
        await setup({ attendees: ['Gus Guest'], moderators: ['Mo Moderator'], talent: ['Tara Talent'] });
        const mod = await open('moderator', nth(links.moderators, 0, 'a moderator'));
        const talent = await open('talent', nth(links.talent, 0, 'talent'));
        const guest = await open('guest', nth(links.attendees, 0, 'an attendee'));
        const modId = nth(links.moderators, 0, '').id;
        const guestId = nth(links.attendees, 0, '').id;
        await talent.passDeviceCheck(MEDIA_MS);
        await toHolding(mod, guest, 'Gus Guest', false);
        await goOnAir(mod);
        await decodes(talent, modId, 'Mo');

        const rows: Record<string, number | null>[] = [];
        for (let i = 0; i < runs; i++) {
            for (const a of [mod, talent, guest]) await clearLog(a);
            await click(mod.page, 'Holding room', 'Gus Guest', 'Promote');
            // Liveness: the talent's page shows a first frame of the guest's stage feed.
            const tileId = `feed-${guestId}-camera`;
            const deadline = Date.now() + MEDIA_MS;
            let tl: LogEntry[] = [];
            for (;;) {
                tl = await benchLog(talent);
                if (tl.some((e) => e.ev === 'frame' && e['tile'] === tileId)) break;
                if (Date.now() > deadline) throw new Error(`run ${i + 1}: no frame of the guest at the talent within ${MEDIA_MS / 1000} s`);
                await new Promise((r) => setTimeout(r, 100));
            }
            // Let the last steps (decoded poll) land, then read every page's log.
            await new Promise((r) => setTimeout(r, 300));
            tl = await benchLog(talent);
            const ml = await benchLog(mod);
            const gl = await benchLog(guest);
            const sendPromote = ml.find((e) => e.ev === 'send' && e['cmd'] === 'promote');
            if (!sendPromote) throw new Error(`run ${i + 1}: the moderator's page sent no promote`);
            const t0 = sendPromote.t;
            const guestPubPc = gl.find((e) => e.t >= t0 && e.ev === 'pc_new')?.['pc'];
            const talentSubPc = tl.find((e) => e.t >= t0 && e.ev === 'pc_new')?.['pc'];
            const row = {
                promote_ack: after(ml, t0, (e) => e.ev === 'ack' && e['cmd'] === 'promote'),
                guest_plan: after(gl, t0, (e) => e.ev === 'plan' && (e['publish'] as string[]).includes('stage')),
                guest_publish_sent: after(gl, t0, (e) => e.ev === 'send' && e['cmd'] === 'publish' && e['room'] === 'stage'),
                guest_publish_ack: after(gl, t0, (e) => e.ev === 'ack' && e['cmd'] === 'publish' && e['room'] === 'stage'),
                guest_pub_connected: after(gl, t0, (e) => e.ev === 'pc_connected' && e['pc'] === guestPubPc),
                talent_plan: after(tl, t0, (e) => e.ev === 'plan' && (e['feeds'] as string[]).includes(`${guestId}:stage:camera`)),
                talent_subscribe_sent: after(tl, t0, (e) => e.ev === 'send' && e['cmd'] === 'subscribe'),
                talent_subscribe_ack: after(tl, t0, (e) => e.ev === 'ack' && e['cmd'] === 'subscribe'),
                talent_answer_ack: after(tl, t0, (e) => e.ev === 'ack' && e['cmd'] === 'answer'),
                talent_sub_connected: after(tl, t0, (e) => e.ev === 'pc_connected' && e['pc'] === talentSubPc),
                talent_decoded: after(tl, t0, (e) => e.ev === 'decoded' && e['pc'] === talentSubPc),
                talent_first_frame: after(tl, t0, (e) => e.ev === 'frame' && e['tile'] === tileId),
                talent_refusals: tl.filter((e) => e.t >= t0 && e.ev === 'error' && e['cmd'] === 'subscribe').length,
            };
            rows.push(row);
            console.log(`run ${i + 1}: ${JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, round(v)])))}`);

            // Back to holding; wait until the talent dropped the tile and the preview runs again.
            await click(mod.page, 'Live on stage', 'Gus Guest', 'Demote');
            await seesNo(tile(talent, guestId), 'the guest\'s tile on the talent\'s page', SEEN_MS);
            await sees(status(guest, 'You are in the holding room'), 'the guest back in holding', SEEN_MS);
            await waitForOutbound(guest.page, (s) => s.some((p) => p.room === 'holding' && p.videoFramesEncoded > 0) && !s.some((p) => p.room === 'stage'), 'the guest publishing only the holding preview again', MEDIA_MS);
            await new Promise((r) => setTimeout(r, 1_000));
        }
        const steps: Record<string, { median: number; min: number; max: number } | null> = {};
        for (const k of Object.keys(rows[0] ?? {})) {
            const xs = rows.map((r) => r[k]).filter((x): x is number => typeof x === 'number');
            steps[k] = xs.length ? Object.fromEntries(Object.entries(quantiles(xs)).map(([q, v]) => [q, Math.round(v)])) as { median: number; min: number; max: number } : null;
        }
        const first = rows.map((r) => r['talent_first_frame']).filter((x): x is number => typeof x === 'number');
        expect(first.length, 'runs with a first frame').toBe(runs);
        const refused = rows.filter((r) => (r['talent_refusals'] ?? 0) > 0).length;
        report('promote', { runs, first_frame_ms: first.map((x) => Math.round(x)), runs_with_subscribe_refused: refused, steps, load_after: loadAvg() });
    });
});

describe.runIf(mode === 'cpu')('CPU: 4 publishers, 6 watchers', () => {
    afterAll(teardown);
    test('steady state', { timeout: 900_000 }, async () => {
        const steady = Number(process.env['STEADY_S'] ?? 30);
        const watcherCount = Number(process.env['WATCHERS'] ?? 6);
        const watcherNames = Array.from({ length: watcherCount }, (_, i) => `Wes Watcher ${i + 1}`);
        await setup({ attendees: ['Gus Guest', 'Gia Guest'], moderators: ['Mo Moderator', ...watcherNames], talent: ['Tara Talent'] });
        const mod = await open('moderator', nth(links.moderators, 0, 'a moderator'));
        const talent = await open('talent', nth(links.talent, 0, 'talent'));
        const g1 = await open('guest1', nth(links.attendees, 0, 'an attendee'));
        const g2 = await open('guest2', nth(links.attendees, 1, 'a second attendee'));
        await talent.passDeviceCheck(MEDIA_MS);
        await toHolding(mod, g1, 'Gus Guest', false);
        await toHolding(mod, g2, 'Gia Guest', true);
        await goOnAir(mod);
        await click(mod.page, 'Holding room', 'Gus Guest', 'Promote');
        await sees(status(g1, 'You are live on stage'), 'Gus live', SEEN_MS);
        await click(mod.page, 'Holding room', 'Gia Guest', 'Promote');
        await sees(status(g2, 'You are live on stage'), 'Gia live', SEEN_MS);
        const watchers: Actor[] = [];
        for (let i = 0; i < watcherCount; i++) watchers.push(await open(`watcher${i + 1}`, nth(links.moderators, i + 1, 'a watcher')));

        const stage = [
            { a: talent, id: nth(links.talent, 0, '').id },
            { a: mod, id: nth(links.moderators, 0, '').id },
            { a: g1, id: nth(links.attendees, 0, '').id },
            { a: g2, id: nth(links.attendees, 1, '').id },
        ];
        // Liveness: every subscriber decodes every stage feed it should see.
        const subscribers: { a: Actor; feeds: string[] }[] = [
            ...stage.map((s) => ({ a: s.a, feeds: stage.filter((o) => o.id !== s.id).map((o) => o.id) })),
            ...watchers.map((w) => ({ a: w, feeds: stage.map((o) => o.id) })),
        ];
        for (const s of subscribers) for (const id of s.feeds) await decodes(s.a, id, id);
        await new Promise((r) => setTimeout(r, 5_000)); // settle (bitrate ramp-up)

        const stageOut = async (a: Actor) => (await outboundStats(a.page)).find((p) => p.room === 'stage' && p.source === 'camera')?.videoFramesEncoded ?? 0;
        const before = new Map<Actor, InboundStat[]>();
        for (const s of subscribers) before.set(s.a, await inboundStats(s.a.page));
        const encodedBefore = new Map<Actor, number>();
        for (const s of stage) encodedBefore.set(s.a, await stageOut(s.a));
        const t0 = Date.now();
        const p0 = sampleNetns(ns);
        const load0 = loadAvg();
        await new Promise((r) => setTimeout(r, steady * 1000));
        const p1 = sampleNetns(ns);
        const seconds = (Date.now() - t0) / 1000;
        const after_ = new Map<Actor, InboundStat[]>();
        for (const s of subscribers) after_.set(s.a, await inboundStats(s.a.page));

        const fps: Record<string, Record<string, number>> = {};
        const all: number[] = [];
        for (const s of subscribers) {
            const row: Record<string, number> = {};
            for (const id of s.feeds) {
                const b = feedStat(before.get(s.a) ?? [], id);
                const e = feedStat(after_.get(s.a) ?? [], id);
                const f = b && e && b.feed === e.feed ? (e.videoFramesDecoded - b.videoFramesDecoded) / seconds : 0;
                row[stage.find((x) => x.id === id)?.a.label ?? id] = Math.round(f * 10) / 10;
                all.push(f);
            }
            fps[s.a.label] = row;
        }
        // Encoded fps per publisher, over the window plus the stats reads after it (a few 100 ms).
        const encodedFps: Record<string, number> = {};
        const tEnd = Date.now();
        for (const s of stage) encodedFps[s.a.label] = Math.round((((await stageOut(s.a)) - (encodedBefore.get(s.a) ?? 0)) / ((tEnd - t0) / 1000)) * 10) / 10;
        const res = feedStat(after_.get(watchers[0] as Actor) ?? [], stage[0]?.id ?? '');
        const cpu = cpuByComm(p0, p1, seconds);
        const chromium = Object.entries(cpu).filter(([c]) => /chrom/i.test(c)).reduce((x, [, g]) => x + g.pct, 0);
        report('cpu', {
            steady_s: Math.round(seconds * 10) / 10,
            publishers: stage.length,
            watchers: watcherCount,
            subscriptions: all.length,
            cpu_pct_of_one_core: cpu,
            chromium_total_pct: Math.round(chromium * 10) / 10,
            decoded_fps: { median: Math.round(quantiles(all).median * 10) / 10, min: Math.round(quantiles(all).min * 10) / 10, max: Math.round(quantiles(all).max * 10) / 10 },
            decoded_fps_by_subscriber: fps,
            encoded_fps_by_publisher: encodedFps,
            video_size_at_watcher1: res ? `${res.videoWidth}x${res.videoHeight}` : null,
            loadavg_before: load0,
            loadavg_after: loadAvg(),
        });
    });
});
