// The pieces a browser end-to-end test stands on: the real `onstage` binary (event create +
// serve on port 0), Debian's Chromium driven by playwright-core, and the artifacts directory
// where screenshots and the browsers' console and server logs are kept.
//
// Inputs come from the environment (tests/CMakeLists.txt sets them for ctest):
//   ONSTAGE_BIN            the built `onstage` binary
//   ONSTAGE_WEB_ROOT       the built apps (web/dist, `make build`)
//   ONSTAGE_E2E_ARTIFACTS  where screenshots and logs go
//   ONSTAGE_CHROMIUM       optional; the browser (default /usr/bin/chromium, Debian's package)
//   ONSTAGE_E2E_NETNS      set by tests/e2e/netns-run: the network namespace the test runs in
//   ONSTAGE_E2E_ADDR       set by tests/e2e/netns-run: the namespace's test address (10.203.0.1)
//
// Media tests (real WebRTC through Janus) must run inside a namespace made by netns-run, because
// Janus never gathers ICE candidates on loopback: see requireNetns() and shared/TESTING.md.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

function requiredEnv(name: string, what: string): string {
    const v = process.env[name];
    if (!v) throw new Error(`${name} is not set: it must name ${what} (ctest sets it; see tests/CMakeLists.txt)`);
    return v;
}

function requiredPath(path: string, hint: string): string {
    if (!existsSync(path)) throw new Error(`${path} is missing: ${hint}`);
    return path;
}

export interface BrowserConfig {
    artifacts: string;
    chromium: string;
}

export interface Config extends BrowserConfig {
    onstage: string;
    webRoot: string;
}

// What a browser-only test needs (no onstage): Chromium and a fresh artifacts directory.
export function loadBrowserConfig(): BrowserConfig {
    const chromiumPath = requiredPath(
        process.env['ONSTAGE_CHROMIUM'] || '/usr/bin/chromium',
        'install Debian\'s chromium package: `scripts/install-deps` (listed in scripts/debian-packages.txt)',
    );
    const artifacts = requiredEnv('ONSTAGE_E2E_ARTIFACTS', 'a directory for screenshots and logs');
    rmSync(artifacts, { recursive: true, force: true });
    mkdirSync(artifacts, { recursive: true });
    return { artifacts, chromium: chromiumPath };
}

// Everything the suite needs, checked up front so a missing tool fails loudly with its fix.
export function loadConfig(): Config {
    const onstage = requiredPath(requiredEnv('ONSTAGE_BIN', 'the onstage binary'), 'build it with `make build`');
    const webRoot = requiredEnv('ONSTAGE_WEB_ROOT', 'the built web apps (web/dist)');
    requiredPath(join(webRoot, 'attendee.html'), 'build the web apps first: `make build` (or `cd web && npm run build`)');
    return { onstage, webRoot, ...loadBrowserConfig() };
}

// The network namespace tests/e2e/netns-run made for this run.
export interface Netns {
    name: string;
    addr: string; // the test address on its interface `os0` (10.203.0.1)
    iface: string; // 'os0': Janus' ICE interface
}

const NETNS_HINT = 'media tests run inside a network namespace: start them through tests/e2e/netns-run (as root; ctest does)';

function run(cmd: string, args: string[]): string {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.error) throw new Error(`${cmd} ${args.join(' ')} could not run: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return r.stdout;
}

// The namespace this process runs in, checked: the variables netns-run exports must name the
// namespace we are really in, or the test would send media where it must not.
export function requireNetns(): Netns {
    const name = process.env['ONSTAGE_E2E_NETNS'];
    const addr = process.env['ONSTAGE_E2E_ADDR'];
    if (!name || !addr) throw new Error(`ONSTAGE_E2E_NETNS / ONSTAGE_E2E_ADDR are not set: ${NETNS_HINT}`);
    const actual = run('ip', ['netns', 'identify', String(process.pid)]).trim();
    if (actual !== name) throw new Error(`ONSTAGE_E2E_NETNS is ${name} but this process is in namespace '${actual}': ${NETNS_HINT}`);
    return { name, addr, iface: 'os0' };
}

// Why traffic cannot leave the namespace, checked rather than assumed: its only links are lo and
// os0 (plus os0's veth peer where ifb is missing), and every route goes out of one of them — no
// default route. Returns what breaks that (empty when the namespace is sealed).
export function netnsLeaks(ns: Netns): string[] {
    const allowed = new Set(['lo', ns.iface, `${ns.iface}p`]);
    const problems: string[] = [];
    const links = JSON.parse(run('ip', ['-j', 'link', 'show'])) as { ifname: string }[];
    for (const l of links) if (!allowed.has(l.ifname)) problems.push(`unexpected link ${l.ifname}`);
    for (const family of ['-4', '-6']) {
        const routes = JSON.parse(run('ip', ['-j', family, 'route', 'show', 'table', 'all'])) as { dst?: string; dev?: string; gateway?: string }[];
        for (const r of routes) {
            if (r.dst === 'default' || r.gateway) problems.push(`route ${family} ${JSON.stringify(r)} leads out`);
            else if (r.dev && !allowed.has(r.dev)) problems.push(`route ${family} ${JSON.stringify(r)} uses ${r.dev}`);
        }
    }
    return problems;
}

// The PIDs of the Janus processes running in the namespace. `pgrep -f "janus -F"` alone is not
// enough: the PID namespace is shared, so it also finds other runs' Janus on the same machine.
export function janusPids(ns: Netns): number[] {
    const inNs = run('ip', ['netns', 'pids', ns.name]).split(/\s+/).filter(Boolean).map(Number);
    return inNs.filter((pid) => {
        try {
            const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
            return /(^|\/)janus$/.test(argv[0] ?? '') && argv.includes('-F');
        } catch {
            return false; // gone meanwhile
        }
    });
}

export interface Link {
    name: string;
    id: string;
    path: string; // the link's path and query (/attendee?e=…&p=…), to put behind the server's origin
    key: string; // access key; '' for attendees
}

export interface EventLinks {
    eventId: string;
    attendees: Link[];
    moderators: Link[];
    talent: Link[];
}

function readPeople(file: string): Link[] {
    const rows = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>[];
    return rows.map((r) => {
        const url = new URL(r['access_url'] ?? '');
        return { name: r['full_name'] ?? '', id: r['attendeeId'] ?? '', path: url.pathname + url.search, key: r['access_key'] ?? '' };
    });
}

// `onstage event create` from three small rosters; returns the people as the link files list them.
export function createEvent(cfg: Config, dir: string, rosters: { attendees: string[]; moderators: string[]; talent: string[] }): EventLinks {
    const csv = (names: string[]) => ['full_name', ...names.map((n) => `"${n}"`)].join('\n') + '\n';
    writeFileSync(join(dir, 'attendees.csv'), csv(rosters.attendees));
    writeFileSync(join(dir, 'moderators.csv'), csv(rosters.moderators));
    writeFileSync(join(dir, 'talent.csv'), csv(rosters.talent));
    const out = join(dir, 'links');
    const r = spawnSync(cfg.onstage, [
        '--data-dir', join(dir, 'data'), 'event', 'create', '--name', 'E2E Town Hall',
        '--attendees', join(dir, 'attendees.csv'), '--moderators', join(dir, 'moderators.csv'),
        '--talent', join(dir, 'talent.csv'), '--base-url', 'http://127.0.0.1', '--out', out,
    ], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`onstage event create failed (${r.status}): ${r.stderr}`);
    const m = /\(([a-z0-9-]+-[0-9a-z]{6})\)/.exec(r.stdout);
    if (!m?.[1]) throw new Error(`no event id in the output of event create: ${r.stdout}`);
    const eventId = m[1];
    return {
        eventId,
        attendees: readPeople(join(out, `${eventId}_attendees.json`)),
        moderators: readPeople(join(out, `${eventId}_moderators.json`)),
        talent: readPeople(join(out, `${eventId}_talents.json`)),
    };
}

export interface ServerOptions {
    // Real media: onstage spawns and supervises Janus ([media] janus = "spawn") with ICE pinned
    // to the namespace's test interface. Needs the namespace (requireNetns()).
    media?: Netns;
}

// A running `onstage serve` on a port the kernel picked; stderr is kept for the artifacts.
export class Server {
    stderr = '';
    private constructor(
        private readonly child: ChildProcess,
        readonly origin: string,
    ) {}

    get port(): number {
        return Number(new URL(this.origin).port);
    }

    // Port 0 lets the kernel pick; a restart passes the old port so open pages can reconnect.
    static async start(cfg: Config, dataDir: string, port = 0, options: ServerOptions = {}): Promise<Server> {
        // No Janus unless the test asks for media: the workflow test stays fast and Janus-free.
        const env: NodeJS.ProcessEnv = { ...process.env, ONSTAGE_MEDIA_JANUS: process.env['ONSTAGE_MEDIA_JANUS'] ?? 'off' };
        if (options.media) {
            env['ONSTAGE_MEDIA_JANUS'] = 'spawn';
            env['ONSTAGE_MEDIA_ICE_INTERFACE'] = options.media.iface;
        }
        const child = spawn(cfg.onstage, ['--data-dir', dataDir, 'serve', '--port', String(port), '--web-root', cfg.webRoot], {
            stdio: ['ignore', 'pipe', 'pipe'],
            env,
        });
        let stderr = '';
        child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
        const origin = await new Promise<string>((resolvePromise, reject) => {
            let stdout = '';
            const timer = setTimeout(() => reject(new Error(`onstage serve did not start in 15 s:\n${stderr}`)), 15_000);
            child.stdout?.on('data', (d: Buffer) => {
                stdout += d.toString();
                const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
                if (m?.[1]) {
                    clearTimeout(timer);
                    resolvePromise(m[1]);
                }
            });
            child.on('exit', (code) => {
                clearTimeout(timer);
                reject(new Error(`onstage serve exited (${code}) before listening:\n${stderr}`));
            });
        });
        const server = new Server(child, origin);
        child.stderr?.removeAllListeners('data');
        server.stderr = stderr;
        child.stderr?.on('data', (d: Buffer) => (server.stderr += d.toString()));
        return server;
    }

    // SIGTERM (the server drains and exits 0), SIGKILL if it hangs; by PID, also on failure.
    async stop(): Promise<void> {
        if (this.child.exitCode !== null || this.child.signalCode !== null) return;
        const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
        this.child.kill('SIGTERM');
        const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
    }
}

// Chromium flags: shared/DESIGN.md §5 (fake media, headless) plus everything that would make
// the browser talk to anything but loopback on its own.
const CHROMIUM_ARGS = [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    '--disable-features=WebRtcHideLocalIpsWithMdns,MediaRouter,OptimizationHints,Translate',
    '--autoplay-policy=no-user-gesture-required',
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-domain-reliability',
    '--disable-client-side-phishing-detection',
    '--no-pings',
    '--no-first-run',
    '--no-default-browser-check',
    // Any name lookup except localhost fails, so nothing can leave the machine by accident.
    '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1',
];

// Not --allow-loopback-in-peer-connection: it makes Janus send its checks to 127.0.0.1 out of the
// pinned interface (shared/TESTING.md). Inside the namespace the candidates are on os0.
export function launchBrowser(cfg: BrowserConfig): Promise<Browser> {
    return chromium.launch({ executablePath: cfg.chromium, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

// Records every RTCPeerConnection configuration and forces iceServers to [] (no STUN/TURN):
// the test network rule, checked by peerConfigs() at the end. Keeps the connections too, so
// iceAddresses() can tell where media really flowed.
const PEER_GUARD = `(() => {
    const Native = window.RTCPeerConnection;
    if (!Native) return;
    window.__peerConfigs = [];
    window.__peers = [];
    window.RTCPeerConnection = function (config, ...rest) {
        window.__peerConfigs.push(JSON.stringify(config ?? null));
        const pc = new Native({ ...(config ?? {}), iceServers: [] }, ...rest);
        window.__peers.push(pc);
        return pc;
    };
    window.RTCPeerConnection.prototype = Native.prototype;
})();`;

// URLs a page must not reach: anything but loopback, or the namespace's own address.
function offLimits(): RegExp {
    const hosts = ['127\\.\\d+\\.\\d+\\.\\d+', 'localhost', '\\[::1\\]'];
    const addr = process.env['ONSTAGE_E2E_ADDR'];
    if (addr) hosts.push(addr.replace(/\./g, '\\.'));
    return new RegExp(`^(?!https?:\\/\\/(${hosts.join('|')})[:/])`);
}

// One person's browser window (its own context: own cookies, storage and WebSocket).
export class Actor {
    readonly console: string[] = [];
    readonly pageErrors: string[] = [];
    readonly offLoopback: string[] = [];
    private constructor(
        readonly label: string,
        readonly context: BrowserContext,
        readonly page: Page,
    ) {}

    static async open(browser: Browser, label: string, viewport = { width: 1280, height: 900 }): Promise<Actor> {
        const context = await browser.newContext({ viewport });
        await context.addInitScript(PEER_GUARD);
        const page = await context.newPage();
        const p = new Actor(label, context, page);
        page.on('console', (m) => p.console.push(`${new Date().toISOString()} ${m.type()}: ${m.text()}`));
        page.on('pageerror', (e) => p.pageErrors.push(`${e.name}: ${e.message}\n${e.stack ?? ''}`));
        page.on('dialog', (d) => p.console.push(`${new Date().toISOString()} dialog ${d.type()}: ${d.message()}`));
        // Only loopback (and, in a test namespace, its test address) may be reached: anything else
        // is aborted and remembered.
        await context.route(offLimits(), (route) => {
            p.offLoopback.push(route.request().url());
            return route.abort('blockedbyclient');
        });
        return p;
    }

    // Opens the person's link on `origin`, types the access key if the link has one, and waits
    // for the app to greet them by name.
    async signIn(origin: string, link: Link, timeout = SEEN_MS): Promise<void> {
        await this.page.goto(origin + link.path);
        if (link.key !== '') {
            await this.page.getByLabel('Access key').fill(link.key);
            await this.page.getByRole('button', { name: 'Sign in' }).click();
        }
        await sees(this.page.getByText(`Signed in as ${link.name}`), `${this.label} signed in as ${link.name}`, timeout);
    }

    // The device check comes the first time a page has something to publish; the fake camera
    // and microphone are preselected, so Continue is all it takes. `beforeContinue` sees it.
    async passDeviceCheck(timeout: number, beforeContinue?: () => Promise<void>): Promise<void> {
        const go = this.page.getByTestId('device-continue');
        await sees(go, `the device check on ${this.label}'s page`, timeout);
        if (beforeContinue) await beforeContinue();
        await go.click();
        await seesNo(go, `the device check on ${this.label}'s page`, timeout);
    }

    async peerConfigs(): Promise<string[]> {
        return this.page.evaluate(() => (window as unknown as { __peerConfigs?: string[] }).__peerConfigs ?? []);
    }

    // The addresses at both ends of every selected ICE candidate pair of the page's open
    // connections: in a test namespace, only its test address may appear.
    async iceAddresses(): Promise<string[]> {
        return this.page.evaluate(async () => {
            const peers = (window as unknown as { __peers?: RTCPeerConnection[] }).__peers ?? [];
            const seen = new Set<string>();
            for (const pc of peers) {
                if (pc.connectionState === 'closed') continue;
                const stats = await pc.getStats();
                stats.forEach((t: { type: string; selectedCandidatePairId?: string }) => {
                    if (t.type !== 'transport' || !t.selectedCandidatePairId) return;
                    const pair = stats.get(t.selectedCandidatePairId) as { localCandidateId: string; remoteCandidateId: string } | undefined;
                    for (const id of pair ? [pair.localCandidateId, pair.remoteCandidateId] : []) {
                        const c = stats.get(id) as { address?: string } | undefined;
                        seen.add(c?.address ?? `unknown candidate ${id}`);
                    }
                });
            }
            return [...seen];
        });
    }

    async close(): Promise<void> {
        await this.context.close();
    }
}

// Screenshots named <step>-<app>.png in the artifacts directory.
export class Evidence {
    private n = 0;
    constructor(readonly dir: string) {}

    async shots(step: string, people: Actor[]): Promise<void> {
        this.n += 1;
        const prefix = `${String(this.n).padStart(2, '0')}-${step}`;
        for (const p of people) {
            await p.page.screenshot({ path: join(this.dir, `${prefix}-${p.label}.png`), fullPage: true });
        }
    }

    // Browser consoles and the server's stderr, for reading a failure.
    saveLogs(people: Actor[], server: Server | null): void {
        for (const p of people) {
            const lines = [...p.console, ...p.pageErrors.map((e) => `pageerror: ${e}`), ...p.offLoopback.map((u) => `blocked off-loopback request: ${u}`)];
            writeFileSync(join(this.dir, `console-${p.label}.log`), lines.join('\n') + '\n');
        }
        if (server) writeFileSync(join(this.dir, 'server-stderr.log'), server.stderr);
    }
}

export function tempDir(): { path: string; remove: () => void } {
    const path = mkdtempSync(join(tmpdir(), 'onstage-e2e-'));
    return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

// What MediaClient (web/src/lib/media) reports through its test hook, window.__onstageMedia.
export interface InboundStat {
    feed: string;
    participant_id: string;
    source: string;
    audioPacketsReceived: number;
    videoFramesDecoded: number;
    videoWidth: number;
    videoHeight: number;
}

export interface OutboundStat {
    room: string;
    source: string;
    audioPacketsSent: number;
    videoFramesEncoded: number;
}

interface MediaHook {
    inboundStats(): Promise<InboundStat[]>;
    outboundStats(): Promise<OutboundStat[]>;
}

const NO_HOOK = 'no window.__onstageMedia on the page (the app must set it to its MediaClient)';

export async function inboundStats(page: Page): Promise<InboundStat[]> {
    return page.evaluate(async (noHook) => {
        const m = (window as unknown as { __onstageMedia?: MediaHook }).__onstageMedia;
        if (!m) throw new Error(noHook);
        return m.inboundStats();
    }, NO_HOOK);
}

export async function outboundStats(page: Page): Promise<OutboundStat[]> {
    return page.evaluate(async (noHook) => {
        const m = (window as unknown as { __onstageMedia?: MediaHook }).__onstageMedia;
        if (!m) throw new Error(noHook);
        return m.outboundStats();
    }, NO_HOOK);
}

const POLL_MS = 250;

// Polls a page's stats until `predicate` holds; a liveness wait (generous timeout), never a speed
// check. On timeout it fails naming what was expected and showing the last stats seen.
async function waitForStats<T>(read: () => Promise<T>, predicate: (stats: T) => boolean, what: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: T | undefined;
    let lastError = '';
    for (;;) {
        try {
            last = await read();
            lastError = '';
            if (predicate(last)) return last;
        } catch (err) {
            lastError = err instanceof Error ? err.message : String(err);
        }
        if (Date.now() >= deadline) {
            const seen = lastError ? `last error: ${lastError}` : `last stats: ${JSON.stringify(last)}`;
            throw new Error(`expected ${what} within ${Math.round(timeoutMs / 1000)} s; ${seen}`);
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
    }
}

// Waits until the page's inbound media (per subscribed feed) satisfies `predicate`, e.g.
//   const before = await inboundStats(page);
//   await waitForMedia(page, (s) => grew(before, s, feedOf(ada), 'videoFramesDecoded'), 'Ada\'s video decoding', 15_000);
export function waitForMedia(page: Page, predicate: (stats: InboundStat[]) => boolean, what: string, timeoutMs: number): Promise<InboundStat[]> {
    return waitForStats(() => inboundStats(page), predicate, what, timeoutMs);
}

// The same for the page's own publications.
export function waitForOutbound(page: Page, predicate: (stats: OutboundStat[]) => boolean, what: string, timeoutMs: number): Promise<OutboundStat[]> {
    return waitForStats(() => outboundStats(page), predicate, what, timeoutMs);
}

// The stat of the feed of `participantId` from `source` (camera by default), if subscribed.
export function feedStat(stats: InboundStat[], participantId: string, source = 'camera'): InboundStat | undefined {
    return stats.find((s) => s.participant_id === participantId && s.source === source);
}

// True when the feed's counter is above what it was in `before` (absent before counts as 0).
export function grew(
    before: InboundStat[],
    now: InboundStat[],
    participantId: string,
    counter: 'audioPacketsReceived' | 'videoFramesDecoded',
    source = 'camera',
): boolean {
    const n = feedStat(now, participantId, source);
    if (!n) return false;
    return n[counter] > (feedStat(before, participantId, source)?.[counter] ?? 0);
}

// --- what a person sees: liveness waits that fail naming what was expected ----------------------

// A suite whose steps build on each other: after the first failing step, `snapshot` keeps
// what each person saw then, and every later step reports that an earlier one failed instead
// of adding noise. Call at the top level of a test file.
export function stopAtFirstFailure(snapshot: () => Promise<void>): void {
    let failed = false;
    beforeEach(() => {
        if (failed) throw new Error('not run: an earlier step failed (see the first failure)');
    });
    afterEach(async (ctx) => {
        if (ctx.task.result?.state !== 'fail' || failed) return;
        failed = true;
        await snapshot().catch(() => undefined);
    });
}

// How long a change may take to show up on a page (liveness only, never a speed check).
export const SEEN_MS = 10_000;

// Waits until the locator shows, or fails naming what the person should have seen.
export async function sees(loc: Locator, what: string, timeout = SEEN_MS): Promise<void> {
    try {
        await loc.first().waitFor({ state: 'visible', timeout });
    } catch {
        throw new Error(`expected to see ${what}`);
    }
}

export async function seesNo(loc: Locator, what: string, timeout = SEEN_MS): Promise<void> {
    try {
        await loc.first().waitFor({ state: 'hidden', timeout });
    } catch {
        throw new Error(`expected ${what} to be gone`);
    }
}

// A moderator-app card by its heading ("Raised hands (1)" → section(page, 'Raised hands')).
export function section(page: Page, title: string): Locator {
    return page.locator('section').filter({ has: page.getByRole('heading', { name: new RegExp(`^${title}`) }) });
}

export function row(page: Page, title: string, name: string): Locator {
    return section(page, title).getByRole('listitem').filter({ hasText: name });
}

// Clicks a row's button, e.g. click(page, 'Raised hands', 'Ada', 'Claim').
export async function click(page: Page, title: string, name: string, button: string): Promise<void> {
    await row(page, title, name).getByRole('button', { name: button, exact: true }).click();
}
