// The broadcast end to end, inside the test network namespace (tests/e2e/netns-run): two talent
// publish known pictures (a red and a blue canvas with a tone) through Janus, the admin adds two
// RTMP targets (a local ffmpeg receiver and a closed port) and starts a recorded broadcast, the
// moderator watches it in the panel and goes on air with a green canvas (grid of three), goes
// off again (two), the attendee's player plays, the compositor worker is SIGKILLed and replaced
// (the playlist gets a discontinuity, the player keeps going), and the moderator stops it.
// The program is checked where it lands: ffprobe on the newest HLS segment, the colours of its
// first frame at the tiles the layout math (src/broadcast/layout.cpp) puts them, the FLV the
// RTMP receiver wrote and the MP4 recording. Waits are liveness timeouts only.
//
// The tests below are steps of one story and run in order.
// Run: ctest -R e2e.broadcast (as root), or by hand (see the ctest entry for the environment):
//   sudo tests/e2e/netns-run env ONSTAGE_BIN=… ONSTAGE_WEB_ROOT=… ONSTAGE_E2E_ARTIFACTS=… npm --prefix web run e2e -- broadcast.e2e.ts
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import {
    admin,
    colourAt,
    compositorPids,
    firstFrame,
    freePort,
    httpRequest,
    probe,
    segmentsOf,
    solidCamera,
    type Colour,
    type Frame,
} from './broadcast_support';
import {
    Actor,
    createEvent,
    Evidence,
    launchBrowser,
    loadConfig,
    netnsLeaks,
    requireNetns,
    sees,
    seesNo,
    Server,
    tempDir,
    type Config,
    type EventLinks,
    type Link,
    type Netns, stopAtFirstFailure } from './harness';

const MEDIA_MS = 30_000; // liveness only: media flowing, a layout change reaching the program (a busy 2-core box is slow)
const LIVE_MS = 45_000; // liveness only: start → live (worker up, Janus forwarding, first segment)
const RESTART_MS = 15_000; // liveness only: a killed worker replaced (the server promises 5 s)
const POLL_MS = 300;
const W = 1280;
const H = 720;
const ADMIN_TOKEN = 'e2e-broadcast-admin-token-0123456789';

let ns: Netns;
let cfg: Config;
let tmp: ReturnType<typeof tempDir>;
let links: EventLinks;
let server: Server | null = null;
let browser: Browser | null = null;
let evidence: Evidence;
let receiver: ChildProcess | null = null;
let receiverExit: Promise<number | null> | null = null;
let flvPath = '';
const everyone: Actor[] = [];
let mod: Actor, red: Actor, blue: Actor, att: Actor;
let modId = '';
let hlsPath = '';

function person(people: Link[], i: number, what: string): Link {
    const p = people[i];
    if (!p) throw new Error(`the event lacks ${what}`);
    return p;
}

// Opens the person's link with a camera of one colour (or the fake camera) and signs in.
async function open(label: string, link: Link, colour: string | null): Promise<Actor> {
    if (!browser || !server) throw new Error('browser and server must be running');
    const actor = await Actor.open(browser, label);
    if (colour) await solidCamera(actor.context, colour);
    everyone.push(actor);
    await actor.signIn(server.origin, link);
    return actor;
}


async function until<T>(what: string, timeoutMs: number, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
        try {
            const v = await read();
            if (ok(v)) return v;
            last = v;
        } catch (err) {
            last = err instanceof Error ? err.message : String(err);
        }
        if (Date.now() > deadline) throw new Error(`expected ${what} within ${Math.round(timeoutMs / 1000)} s; last seen: ${JSON.stringify(last, (k, v: unknown) => (k === 'frame' ? '…' : v))}`);
        await new Promise((r) => setTimeout(r, POLL_MS));
    }
}

interface View {
    state: string;
    applied_layout: string;
    on_program: string[];
    recording: boolean;
    targets: { id: string; name: string; state: string; error: string }[];
}

async function view(): Promise<View> {
    if (!server) throw new Error('no server');
    return (await admin(server.origin, ADMIN_TOKEN, 'GET', `/api/v1/admin/events/${links.eventId}/broadcast`)) as unknown as View;
}

// A file of the event's HLS directory, fetched with the attendee's cookie (a private event).
async function hlsGet(file: string): Promise<{ status: number; body: Buffer }> {
    if (!server) throw new Error('no server');
    const res = await att.context.request.get(`${server.origin}${hlsPath}${file}`);
    return { status: res.status(), body: await res.body() };
}

async function playlist(): Promise<string> {
    const r = await hlsGet('index.m3u8');
    if (r.status !== 200) throw new Error(`index.m3u8 answered ${r.status}`);
    return r.body.toString('utf8');
}

let segmentNo = 0;
// The newest segment, saved and checked with ffprobe (H.264 1280x720 + AAC), and its first frame.
async function newestFrame(): Promise<{ uri: string; file: string; frame: Frame }> {
    const uris = segmentsOf(await playlist());
    const uri = uris[uris.length - 1];
    if (!uri) throw new Error('the playlist lists no segment');
    const seg = await hlsGet(uri);
    if (seg.status !== 200) throw new Error(`${uri} answered ${seg.status}`);
    const file = join(tmp.path, `seg-${++segmentNo}.ts`);
    writeFileSync(file, seg.body);
    const streams = probe(file);
    const v = streams.find((s) => s.codec_type === 'video');
    const a = streams.find((s) => s.codec_type === 'audio');
    expect({ video: v?.codec_name, width: v?.width, height: v?.height, audio: a?.codec_name }, `streams of ${uri}`).toEqual({
        video: 'h264',
        width: W,
        height: H,
        audio: 'aac',
    });
    return { uri, file, frame: firstFrame(file, W, H) };
}

// A 60x60 box in the upper middle of a tile (clear of the lower-third and the title).
function tileColour(f: Frame, x: number, y: number, w: number, h: number): Colour {
    return colourAt(f, x + w / 2 - 30, y + h / 3 - 30, 60, 60).name;
}

// Tiles as src/broadcast/layout.cpp lays them out at 1280x720: two side by side are 640x360
// cells centred vertically; three are a 2x2 grid of 640x360 with the last row centred.
function sideBySide(f: Frame): Colour[] {
    return [tileColour(f, 0, 180, 640, 360), tileColour(f, 640, 180, 640, 360)];
}
function grid3(f: Frame): Colour[] {
    return [tileColour(f, 0, 0, 640, 360), tileColour(f, 640, 0, 640, 360), tileColour(f, 320, 360, 640, 360)];
}

// Waits (liveness) until the newest segment's first frame shows `want` at the tiles `read`
// samples; keeps the last segment looked at and its first frame (PNG) with the artifacts, also
// when the wait fails.
async function programShows(what: string, read: (f: Frame) => Colour[], want: (c: Colour[]) => boolean): Promise<void> {
    let last: { file: string; frame: Frame } | null = null;
    try {
        await until(
            `the program to show ${what}`,
            MEDIA_MS,
            async () => {
                const { uri, file, frame } = await newestFrame();
                last = { file, frame };
                return { uri, colours: read(frame) };
            },
            (s) => want(s.colours),
        );
    } finally {
        const kept = last as { file: string; frame: Frame } | null;
        if (kept) {
            copyFileSync(kept.file, join(cfg.artifacts, `program-${what}.ts`));
            const raw = join(tmp.path, `frame-${what}.rgb`);
            writeFileSync(raw, kept.frame.rgb);
            spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${W}x${H}`, '-i', raw, join(cfg.artifacts, `program-${what}.png`)]);
        }
    }
}

async function playerTime(a: Actor): Promise<number> {
    return a.page.evaluate(() => (window as unknown as { __onstagePlayer?: { currentTime(): number } }).__onstagePlayer?.currentTime() ?? -1);
}

async function playerAdvances(a: Actor, what: string): Promise<void> {
    const wrapper = a.page.locator('.bplayer').filter({ has: a.page.getByTestId('broadcast-player') });
    await until(`${what}: the player's state playing`, LIVE_MS, () => wrapper.first().getAttribute('data-state'), (s) => s === 'playing');
    const t0 = await playerTime(a);
    await until(`${what}: the player's currentTime past ${t0}`, MEDIA_MS, () => playerTime(a), (t) => t > t0 + 1);
}

beforeAll(async () => {
    ns = requireNetns();
    cfg = loadConfig();
    evidence = new Evidence(cfg.artifacts);
    tmp = tempDir();
    links = createEvent(cfg, tmp.path, {
        attendees: ['Ada Viewer'],
        moderators: ['Mo Moderator'],
        talent: ['Rita Red', 'Bob Blue'],
    });
    hlsPath = `/hls/${links.eventId}/`;
    process.env['ONSTAGE_ADMIN_TOKEN'] = ADMIN_TOKEN;
    server = await Server.start(cfg, join(tmp.path, 'data'), 0, { media: ns });
    browser = await launchBrowser(cfg);
});

stopAtFirstFailure(() => evidence.shots('FAILED', everyone));

afterAll(async () => {
    evidence?.saveLogs(everyone, server);
    // The compositor's own log (<data_dir>/broadcast/<event>.log) and what the HLS directory held.
    if (tmp && links) {
        const data = join(tmp.path, 'data');
        const log = join(data, 'broadcast', `${links.eventId}.log`);
        if (existsSync(log)) copyFileSync(log, join(cfg.artifacts, 'compositor.log'));
        const hls = join(data, 'hls', links.eventId);
        if (existsSync(hls)) writeFileSync(join(cfg.artifacts, 'hls-files.txt'), readdirSync(hls).join('\n') + '\n');
    }
    for (const a of everyone) await a.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    if (receiver && receiver.exitCode === null) receiver.kill('SIGKILL');
    await server?.stop();
    tmp?.remove();
});

describe('the broadcast', { timeout: 180_000 }, () => {
    test('two talent publish red and blue; two RTMP targets are added; a recorded broadcast starts and goes live', async () => {
        red = await open('talent-red', person(links.talent, 0, 'talent'), 'rgb(255,0,0)');
        blue = await open('talent-blue', person(links.talent, 1, 'a second talent'), 'rgb(0,0,255)');
        mod = await open('moderator', person(links.moderators, 0, 'a moderator'), 'rgb(0,255,0)');
        att = await open('attendee', person(links.attendees, 0, 'an attendee'), null);
        modId = person(links.moderators, 0, '').id;
        await red.passDeviceCheck(MEDIA_MS);
        await blue.passDeviceCheck(MEDIA_MS);

        // The local RTMP receiver (one connection, then it ends) and a port nobody listens on.
        const port = await freePort();
        const dead = await freePort();
        flvPath = join(tmp.path, 'out.flv');
        receiver = spawn('ffmpeg', ['-v', 'error', '-y', '-listen', '1', '-i', `rtmp://127.0.0.1:${port}/live/x`, '-c', 'copy', flvPath], { stdio: ['ignore', 'ignore', 'pipe'] });
        let receiverLog = '';
        receiver.stderr?.on('data', (d: Buffer) => (receiverLog += d.toString()));
        receiverExit = new Promise((r) => receiver?.once('exit', (code) => {
            writeFileSync(join(cfg.artifacts, 'rtmp-receiver.log'), receiverLog);
            r(code);
        }));
        receiver.once('error', (e) => {
            throw new Error(`ffmpeg (the RTMP receiver) could not run: ${e.message}`);
        });
        if (!server) throw new Error('no server');
        const targets = `/api/v1/admin/events/${links.eventId}/rtmp-targets`;
        await admin(server.origin, ADMIN_TOKEN, 'POST', targets, { name: 'Local', url: `rtmp://127.0.0.1:${port}/live/x` });
        await admin(server.origin, ADMIN_TOKEN, 'POST', targets, { name: 'Dead', url: `rtmp://127.0.0.1:${dead}/live/y` });

        // No playlist before the start.
        expect((await hlsGet('index.m3u8')).status, 'index.m3u8 before the broadcast').toBe(404);
        await admin(server.origin, ADMIN_TOKEN, 'POST', `/api/v1/admin/events/${links.eventId}/broadcast/start`, { record: true });
        const state = mod.page.getByTestId('broadcast-state');
        await until('the moderator panel to show live', LIVE_MS, () => state.getAttribute('data-state'), (s) => s === 'live');
        const list = await until('index.m3u8 with a segment', LIVE_MS, () => playlist(), (p) => segmentsOf(p).length > 0);
        expect(list, 'the playlist').toMatch(/^#EXTM3U/);
        expect((await view()).recording, 'recording').toBe(true);
        await evidence.shots('live', [mod, att]);
    });

    test('private event: the playlist needs the attendee\'s cookie', async () => {
        if (!server) throw new Error('no server');
        const bare = await httpRequest(`${server.origin}${hlsPath}index.m3u8`, 'GET', {});
        expect(bare.status, 'index.m3u8 without a cookie').toBe(403);
        expect((JSON.parse(bare.text) as { error?: { code?: string } }).error?.code, 'the refusal').toBe('hls_forbidden');
        expect((await hlsGet('index.m3u8')).status, 'index.m3u8 with the attendee\'s cookie').toBe(200);
    });

    test('side by side: the newest segment is H.264 720p + AAC, red in one half and blue in the other', async () => {
        await until('side_by_side with both talent on the program', MEDIA_MS, view, (v) => v.applied_layout === 'side_by_side' && v.on_program.length === 2);
        await programShows('red-and-blue', sideBySide, (c) => [...c].sort().join() === 'blue,red');
    });

    test('the moderator goes on air (green): a grid of three; off air: back to two', async () => {
        await mod.page.getByRole('button', { name: 'Go on air' }).click();
        await mod.passDeviceCheck(MEDIA_MS);
        await until('a grid of three on the program', MEDIA_MS, view, (v) => v.applied_layout === 'grid' && v.on_program.includes(modId));
        // Talent first (red and blue, in add order), the moderator centred below.
        await programShows('grid-of-three', grid3, (c) => [c[0], c[1]].sort().join() === 'blue,red' && c[2] === 'green');
        await evidence.shots('grid', [mod]);

        await mod.page.getByRole('button', { name: 'Go off air' }).click();
        await until('side by side again', MEDIA_MS, view, (v) => v.applied_layout === 'side_by_side' && !v.on_program.includes(modId));
        await programShows('red-and-blue-again', sideBySide, (c) => [...c].sort().join() === 'blue,red');
    });

    test('the attendee\'s player plays; the panel shows the local target live and the dead one retrying', async () => {
        await playerAdvances(att, 'the attendee');
        const targets = mod.page.getByTestId('broadcast-targets');
        await sees(targets.locator('li[data-state="live"]').filter({ hasText: 'Local' }), 'the local RTMP target live', MEDIA_MS);
        await sees(targets.locator('li[data-state="retrying"]').filter({ hasText: 'Dead' }), 'the dead RTMP target retrying', MEDIA_MS);
        await evidence.shots('playing', [mod, att]);
    });

    test('the worker is SIGKILLed: a new one within seconds, a discontinuity, the player keeps going', async () => {
        const [old, ...more] = compositorPids(ns);
        expect(old, 'an onstage compositor in the namespace').toBeDefined();
        expect(more, 'more than one onstage compositor').toEqual([]);
        const before = await playlist();
        expect(before).not.toContain('#EXT-X-DISCONTINUITY\n');
        process.kill(old!, 'SIGKILL');
        await until('a new onstage compositor', RESTART_MS, async () => compositorPids(ns), (p) => p.length === 1 && p[0] !== old);
        // The new run's first segment, marked as a discontinuity.
        await until('a new segment after #EXT-X-DISCONTINUITY', LIVE_MS, playlist, (p) => /#EXT-X-DISCONTINUITY\n#EXTINF:[^\n]*\n[^#\s]+\.ts\n/.test(p));
        await until('the panel live again', LIVE_MS, () => mod.page.getByTestId('broadcast-state').getAttribute('data-state'), (s) => s === 'live');
        await playerAdvances(att, 'the attendee after the restart');
        await programShows('red-and-blue-after-restart', sideBySide, (c) => [...c].sort().join() === 'blue,red');

        // The RTMP receiver took one connection: it ended with the killed worker's, and its FLV
        // holds video and audio.
        const code = await Promise.race([receiverExit, new Promise((r) => setTimeout(() => r('running'), MEDIA_MS))]);
        expect(code, 'the RTMP receiver\'s exit after its connection ended').toBe(0);
        const flv = probe(flvPath).map((s) => s.codec_name).sort();
        expect(flv, 'streams of the FLV the RTMP receiver wrote').toEqual(['aac', 'h264']);
    });

    test('the moderator stops it: the playlist ends, the recording probes valid', async () => {
        await mod.page.getByTestId('broadcast-stop').click();
        await until('the panel idle', LIVE_MS, () => mod.page.getByTestId('broadcast-state').getAttribute('data-state'), (s) => s === 'idle');
        expect(await playlist(), 'the playlist after the stop').toMatch(/#EXT-X-ENDLIST\s*$/);
        const dir = join(tmp.path, 'data', 'recordings', links.eventId);
        expect(existsSync(dir), `${dir} exists`).toBe(true);
        // One file per worker run, named by its UTC start: the last one is the stopped run's and
        // must be valid. (The SIGKILLed run's file is only noted: the contract promises a valid
        // MP4 after stop and SIGTERM, not after SIGKILL.)
        const mp4s = readdirSync(dir).filter((f) => f.endsWith('.mp4')).sort();
        const last = mp4s[mp4s.length - 1];
        if (!last) throw new Error(`no MP4 in ${dir}`);
        const kinds = probe(join(dir, last)).map((s) => `${s.codec_type}:${s.codec_name}`).sort();
        expect(kinds, `streams of ${last}`).toEqual(['audio:aac', 'video:h264']);
        const notes = mp4s.slice(0, -1).map((f) => {
            try {
                return `${f}: ${probe(join(dir, f)).map((s) => s.codec_name).join(',')}`;
            } catch (err) {
                return `${f}: ${err instanceof Error ? err.message : String(err)}`;
            }
        });
        writeFileSync(join(cfg.artifacts, 'recordings.txt'), [...notes, `${last}: ${kinds.join(',')}`].join('\n') + '\n');
        await evidence.shots('stopped', [mod, att]);
    });

    test('nothing left the namespace; no page errors', async () => {
        expect(netnsLeaks(ns)).toEqual([]);
        for (const a of everyone) {
            expect(a.pageErrors, `uncaught errors in ${a.label}'s page`).toEqual([]);
            expect(a.offLoopback, `${a.label}'s page tried to leave loopback`).toEqual([]);
            for (const c of await a.peerConfigs()) expect(JSON.parse(c)?.iceServers ?? [], `${a.label}: ICE servers`).toEqual([]);
        }
    });
});
