// The broadcast benchmarks (issue 5), driven like the broadcast e2e test: real apps in Debian's
// Chromium, a release `onstage serve` that spawns Janus and the compositor, all inside the
// namespace tests/e2e/netns-run made. Not a test: bench/run-broadcast runs it (vitest only as the
// runner) and it prints figures (`summary {json}` lines).
//
//   BROADCAST_BENCH=glass  glass to glass: a talent's camera is a canvas showing Date.now() as 32
//                          black/white blocks (broadcast_support.ts clockCamera); the attendee's
//                          player <video> is read through a canvas every 50 ms and the clock
//                          decoded: now - drawn, over STEADY_S (default 30) s after WARMUP_S (5).
//   BROADCAST_BENCH=start  admin POST …/broadcast/start → the playlist lists the new run's first
//                          segment (polled on disk every 20 ms) and → the attendee's player
//                          reports `playing`; RUNS (default 5) start/stop cycles.
//   BROADCAST_BENCH=cpu    4 talent publish 720p30 canvases; CPU (utime+stime from /proc) of the
//                          compositor over STEADY_S (default 20) s; then the seed's approach on the
//                          same 4 feeds: a non-headless Chromium in Xvfb showing the moderator's
//                          stage grid, captured by ffmpeg x11grab + libx264 veryfast/zerolatency.
//
// Clocks: every timestamp is wall clock on this one machine (Date.now() in Node and in pages).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { admin, CLOCK_BITS, CLOCK_BLOCK, CLOCK_X, CLOCK_Y, clockCamera, compositorPids, segmentsOf } from './broadcast_support';
import { Actor, createEvent, launchBrowser, loadConfig, requireNetns, Server, tempDir, type Config, type EventLinks, type Link, type Netns } from './harness';

const MEDIA_MS = 60_000; // liveness only: a loaded 2-core machine can be slow
const ADMIN_TOKEN = 'bench-broadcast-admin-token-0123456789';
const mode = process.env['BROADCAST_BENCH'] ?? 'glass';

let ns: Netns;
let cfg: Config;
let tmp: ReturnType<typeof tempDir>;
let links: EventLinks;
let server: Server | null = null;
let browser: Browser | null = null;
const everyone: Actor[] = [];

function nth(people: Link[], i: number, what: string): Link {
    const p = people[i];
    if (!p) throw new Error(`the event lacks ${what}`);
    return p;
}

async function open(label: string, link: Link, clock: boolean): Promise<Actor> {
    if (!browser || !server) throw new Error('browser and server must be running');
    const a = await Actor.open(browser, label);
    if (clock) await clockCamera(a.context);
    everyone.push(a);
    await a.signIn(server.origin, link, MEDIA_MS);
    return a;
}


async function until<T>(what: string, timeoutMs: number, read: () => Promise<T> | T, ok: (v: T) => boolean, pollMs = 100): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const v = await read();
        if (ok(v)) return v;
        if (Date.now() > deadline) throw new Error(`expected ${what} within ${timeoutMs / 1000} s; last: ${JSON.stringify(v)}`);
        await new Promise((r) => setTimeout(r, pollMs));
    }
}

const api = (method: string, path: string, body?: unknown) => {
    if (!server) throw new Error('no server');
    return admin(server.origin, ADMIN_TOKEN, method, `/api/v1/admin/events/${links.eventId}${path}`, body);
};

async function state(): Promise<string> {
    return String((await api('GET', '/broadcast'))['state']);
}

function diskPlaylist(): string {
    const p = join(tmp.path, 'data', 'hls', links.eventId, 'index.m3u8');
    return existsSync(p) ? readFileSync(p, 'utf8') : '';
}

function stats(xs: number[]): { n: number; median: number; p90: number; min: number; max: number } {
    const s = [...xs].sort((a, b) => a - b);
    const q = (f: number) => s[Math.min(s.length - 1, Math.floor(f * (s.length - 1) + 0.5))] ?? NaN;
    return { n: s.length, median: q(0.5), p90: q(0.9), min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN };
}

function report(name: string, summary: unknown): void {
    console.log(`== ${name}\nsummary ${JSON.stringify(summary)}`);
    writeFileSync(join(cfg.artifacts, `${name}.json`), JSON.stringify(summary, null, 2) + '\n');
}

function loadAvg(): string {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

// ---- CPU from /proc ----
const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

function ticksOf(pid: number): number {
    try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
    } catch {
        return NaN; // exited
    }
}

function netnsPids(): number[] {
    const r = spawnSync('ip', ['netns', 'pids', ns.name], { encoding: 'utf8' });
    return r.stdout.split(/\s+/).filter(Boolean).map(Number);
}

// % of one core used by `pids` over `seconds` (processes alive at both ends).
async function cpuOf(pick: () => number[], seconds: number): Promise<{ pct: number; procs: number }> {
    const a = new Map(pick().map((p) => [p, ticksOf(p)]));
    await new Promise((r) => setTimeout(r, seconds * 1000));
    let ticks = 0;
    let procs = 0;
    for (const p of pick()) {
        const t0 = a.get(p);
        const t1 = ticksOf(p);
        if (t0 === undefined || Number.isNaN(t0) || Number.isNaN(t1)) continue;
        ticks += t1 - t0;
        procs += 1;
    }
    return { pct: Math.round((ticks / TICKS / seconds) * 1000) / 10, procs };
}

function environHas(pid: number, entry: string): boolean {
    try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(entry);
    } catch {
        return false;
    }
}

function ppidOf(pid: number): number {
    try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
        return -1;
    }
}

function commOf(pid: number): string {
    try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
        return '';
    }
}

beforeAll(async () => {
    ns = requireNetns();
    cfg = loadConfig();
    tmp = tempDir();
    links = createEvent(cfg, tmp.path, {
        attendees: ['Ada Viewer'],
        moderators: ['Mo Moderator', 'Mia Monitor'],
        talent: ['Tara One', 'Tom Two', 'Tia Three', 'Ted Four'],
    });
    process.env['ONSTAGE_ADMIN_TOKEN'] = ADMIN_TOKEN;
    server = await Server.start(cfg, join(tmp.path, 'data'), 0, { media: ns });
    browser = await launchBrowser(cfg);
}, 120_000);

afterAll(async () => {
    for (const a of everyone) {
        writeFileSync(join(cfg.artifacts, `console-${a.label}.log`), [...a.console, ...a.pageErrors].join('\n') + '\n');
        await a.close().catch(() => undefined);
    }
    await browser?.close().catch(() => undefined);
    if (server) writeFileSync(join(cfg.artifacts, 'server-stderr.log'), server.stderr);
    const log = join(tmp.path, 'data', 'broadcast', `${links?.eventId}.log`);
    if (existsSync(log)) writeFileSync(join(cfg.artifacts, 'compositor.log'), readFileSync(log));
    await server?.stop();
    tmp?.remove();
}, 60_000);

// In the attendee's page: every 50 ms, the player's current frame through a canvas, the clock
// decoded (both rows must agree), and now - drawn pushed to window.__g2g.
const READER = ({ bits, block, x0, y0 }: { bits: number; block: number; x0: number; y0: number }) => {
    const w = window as unknown as { __g2g: { t: number; age: number }[]; __g2gBad: number };
    w.__g2g = [];
    w.__g2gBad = 0;
    const canvas = document.createElement('canvas');
    canvas.width = 1280;
    canvas.height = 720;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    setInterval(() => {
        const video = document.querySelector('video[data-testid="broadcast-player"]') as HTMLVideoElement | null;
        if (!video || !ctx || video.videoWidth === 0 || video.readyState < 2) return;
        ctx.drawImage(video, 0, 0, 1280, 720);
        const row = ctx.getImageData(x0, y0 + block / 2, bits * block, 1).data;
        const inv = ctx.getImageData(x0, y0 + block + block / 2, bits * block, 1).data;
        let v = 0;
        for (let i = 0; i < bits; i++) {
            const o = (i * block + block / 2) * 4;
            const a = (row[o]! + row[o + 1]! + row[o + 2]!) / 3;
            const b = (inv[o]! + inv[o + 1]! + inv[o + 2]!) / 3;
            if (Math.abs(a - b) < 100) {
                w.__g2gBad++;
                return; // a blend or not the pattern
            }
            v = v * 2 + (a > b ? 1 : 0);
        }
        const now = Date.now();
        const mod = 4294967296;
        const age = (((now % mod) - v) % mod + mod) % mod;
        if (age < 60_000) w.__g2g.push({ t: now, age });
        else w.__g2gBad++;
    }, 50);
};

describe.runIf(mode === 'glass')('glass to glass', () => {
    test('clock pattern through the program to the attendee\'s player', { timeout: 900_000 }, async () => {
        const warmup = Number(process.env['WARMUP_S'] ?? 5);
        const steady = Number(process.env['STEADY_S'] ?? 30);
        const talent = await open('talent', nth(links.talent, 0, 'talent'), true);
        await talent.passDeviceCheck(MEDIA_MS);
        const att = await open('attendee', nth(links.attendees, 0, 'an attendee'), false);
        await att.page.evaluate(READER, { bits: CLOCK_BITS, block: CLOCK_BLOCK, x0: CLOCK_X, y0: CLOCK_Y });
        const t0 = Date.now();
        await api('POST', '/broadcast/start', {});
        const first = await until('a first decoded clock in the player', MEDIA_MS, () => att.page.evaluate(() => (window as unknown as { __g2g: { t: number; age: number }[] }).__g2g[0] ?? null), (x) => x !== null, 50);
        await new Promise((r) => setTimeout(r, warmup * 1000));
        const from = Date.now();
        await new Promise((r) => setTimeout(r, steady * 1000));
        const all = await att.page.evaluate(() => (window as unknown as { __g2g: { t: number; age: number }[] }).__g2g);
        const bad = await att.page.evaluate(() => (window as unknown as { __g2gBad: number }).__g2gBad);
        const ages = all.filter((s) => s.t >= from).map((s) => s.age);
        writeFileSync(join(cfg.artifacts, 'glass-samples.json'), JSON.stringify(all));
        report('glass', {
            steady_s: steady,
            glass_ms: stats(ages),
            first_value: { after_start_ms: first ? first.t - t0 : null, glass_ms: first?.age ?? null },
            unreadable_samples: bad,
            load: loadAvg(),
        });
        await api('POST', '/broadcast/stop');
    });
});

describe.runIf(mode === 'start')('start → first playable segment', () => {
    test('start/stop cycles', { timeout: 900_000 }, async () => {
        const runs = Number(process.env['RUNS'] ?? 5);
        const talent = await open('talent', nth(links.talent, 0, 'talent'), true);
        await talent.passDeviceCheck(MEDIA_MS);
        const att = await open('attendee', nth(links.attendees, 0, 'an attendee'), false);
        const rows: { segment_ms: number; playing_ms: number }[] = [];
        for (let i = 0; i < runs; i++) {
            const before = new Set(segmentsOf(diskPlaylist()));
            const playing = att.page.waitForFunction(
                () => {
                    const el = document.querySelector('.bplayer') as HTMLElement | null;
                    return el?.dataset['state'] === 'playing' ? Date.now() : null;
                },
                null,
                { polling: 50, timeout: MEDIA_MS },
            );
            const t0 = Date.now();
            await api('POST', '/broadcast/start', {});
            const tSeg = (await until('a new segment listed', MEDIA_MS, () => (segmentsOf(diskPlaylist()).some((s) => !before.has(s)) ? Date.now() : 0), (t) => t > 0, 20)) as number;
            const tPlay = (await (await playing).jsonValue()) as number;
            rows.push({ segment_ms: tSeg - t0, playing_ms: tPlay - t0 });
            console.log(`run ${i + 1}: first segment listed ${tSeg - t0} ms, player playing ${tPlay - t0} ms after the start`);
            await new Promise((r) => setTimeout(r, 3000));
            await api('POST', '/broadcast/stop');
            await until('the broadcast idle', MEDIA_MS, state, (s) => s === 'idle', 200);
            await until('the player to leave playing', MEDIA_MS, () => att.page.locator('.bplayer').first().getAttribute('data-state'), (s) => s !== 'playing', 200);
        }
        report('start', { runs, first_segment_ms: stats(rows.map((r) => r.segment_ms)), player_playing_ms: stats(rows.map((r) => r.playing_ms)), rows, load: loadAvg() });
    });
});

describe.runIf(mode === 'cpu')('CPU: compositor vs Chromium + ffmpeg', () => {
    test('4 inputs at 720p30', { timeout: 900_000 }, async () => {
        const steady = Number(process.env['STEADY_S'] ?? 20);
        const talent: Actor[] = [];
        for (let i = 0; i < 4; i++) {
            const a = await open(`talent-${i + 1}`, nth(links.talent, i, `talent ${i + 1}`), true);
            await a.passDeviceCheck(MEDIA_MS);
            talent.push(a);
        }
        await api('POST', '/broadcast/start', {});
        await until('4 inputs on the program (grid)', MEDIA_MS, () => api('GET', '/broadcast'), (v) => v['state'] === 'live' && (v['on_program'] as unknown[]).length === 4, 500);
        await new Promise((r) => setTimeout(r, 5000));
        const [worker] = compositorPids(ns);
        if (!worker) throw new Error('no onstage compositor in the namespace');
        const compositor = await cpuOf(() => [worker], steady);
        const loadA = loadAvg();
        await api('POST', '/broadcast/stop');
        await until('the broadcast idle', MEDIA_MS, state, (s) => s === 'idle', 200);

        // The seed's approach: a real (non-headless) Chromium in Xvfb shows the 4 feeds (the
        // stage grid of a moderator who is not on air) and ffmpeg grabs the screen and encodes it.
        const display = ':87';
        const xvfb: ChildProcess = spawn('Xvfb', [display, '-screen', '0', '1280x720x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
        xvfb.once('error', (e) => {
            throw new Error(`Xvfb could not run (Debian package xvfb, scripts/debian-packages.txt): ${e.message}`);
        });
        let seed: Browser | null = null;
        let grab: ChildProcess | null = null;
        try {
            await new Promise((r) => setTimeout(r, 1000));
            seed = await chromium.launch({
                executablePath: cfg.chromium,
                headless: false,
                env: { ...process.env, DISPLAY: display },
                args: ['--no-sandbox', '--window-position=0,0', '--window-size=1280,720', '--kiosk', '--autoplay-policy=no-user-gesture-required', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1'],
            });
            const ctx = await seed.newContext({ viewport: { width: 1280, height: 720 } });
            const page = await ctx.newPage();
            const mia = nth(links.moderators, 1, 'a second moderator');
            if (!server) throw new Error('no server');
            await page.goto(server.origin + mia.path);
            await page.getByLabel('Access key').fill(mia.key);
            await page.getByRole('button', { name: 'Sign in' }).click();
            await until('4 stage tiles playing on the seed page', MEDIA_MS, () => page.evaluate(() => [...document.querySelectorAll('video')].filter((v) => v.readyState >= 2 && v.videoWidth > 0).length), (n) => n >= 4, 500);
            // Fill the window with the grid of stage videos, as a capture page would.
            await page.addStyleTag({ content: 'body{margin:0;overflow:hidden} .seed-grid{position:fixed;inset:0;display:grid;grid-template-columns:1fr 1fr;background:#000;z-index:99999} .seed-grid video{width:100%;height:100%;object-fit:contain}' });
            await page.evaluate(() => {
                const grid = document.createElement('div');
                grid.className = 'seed-grid';
                for (const v of [...document.querySelectorAll('video')].filter((x) => x.videoWidth > 0).slice(0, 4)) {
                    const c = document.createElement('video');
                    c.srcObject = v.srcObject;
                    c.muted = true;
                    c.autoplay = true;
                    grid.appendChild(c);
                }
                document.body.appendChild(grid);
            });
            const out = join(tmp.path, 'seed.mp4');
            grab = spawn('ffmpeg', ['-v', 'error', '-y', '-f', 'x11grab', '-r', '30', '-s', '1280x720', '-i', display, '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '30', '-b:v', '2500k', out], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DISPLAY: display } });
            await new Promise((r) => setTimeout(r, 5000));
            // The seed Chromium's process tree: processes started with DISPLAY=:87 and all
            // their descendants (zygote children do not all show the variable).
            const chromiumPids = () => {
                const all = netnsPids();
                const parent = new Map(all.map((p) => [p, ppidOf(p)]));
                const tree = new Set(all.filter((p) => environHas(p, `DISPLAY=${display}`) && /chrom/i.test(commOf(p))));
                for (let grew = true; grew; ) {
                    grew = false;
                    for (const p of all) {
                        if (!tree.has(p) && tree.has(parent.get(p) ?? -1)) {
                            tree.add(p);
                            grew = true;
                        }
                    }
                }
                return [...tree].filter((p) => /chrom/i.test(commOf(p)));
            };
            const [c, f, x] = await Promise.all([
                cpuOf(chromiumPids, steady),
                cpuOf(() => (grab?.pid ? [grab.pid] : []), steady),
                cpuOf(() => (xvfb.pid ? [xvfb.pid] : []), steady),
            ]);
            const seedTotal = Math.round((c.pct + f.pct + x.pct) * 10) / 10;
            writeFileSync(join(cfg.artifacts, 'seed.png'), await page.screenshot());
            report('cpu', {
                steady_s: steady,
                compositor_pct: compositor.pct,
                compositor_load: loadA,
                seed: { chromium_pct: c.pct, chromium_procs: c.procs, ffmpeg_pct: f.pct, xvfb_pct: x.pct, total_pct: seedTotal },
                seed_over_compositor: Math.round((seedTotal / compositor.pct) * 10) / 10,
                load: loadAvg(),
            });
        } finally {
            grab?.kill('SIGINT');
            await seed?.close().catch(() => undefined);
            xvfb.kill('SIGTERM');
        }
    });
});
