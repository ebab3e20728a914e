// The pieces a browser end-to-end test stands on: the real `onstage` binary (event create +
// serve on port 0), Debian's Chromium driven by playwright-core, and the artifacts directory
// where screenshots and the browsers' console and server logs are kept.
//
// Inputs come from the environment (tests/CMakeLists.txt sets them for ctest):
//   ONSTAGE_BIN            the built `onstage` binary
//   ONSTAGE_WEB_ROOT       the built apps (web/dist, `make build`)
//   ONSTAGE_E2E_ARTIFACTS  where screenshots and logs go
//   ONSTAGE_CHROMIUM       optional; the browser (default /usr/bin/chromium, Debian's package)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

function requiredEnv(name: string, what: string): string {
    const v = process.env[name];
    if (!v) throw new Error(`${name} is not set: it must name ${what} (ctest sets it; see tests/CMakeLists.txt)`);
    return v;
}

function requiredPath(path: string, hint: string): string {
    if (!existsSync(path)) throw new Error(`${path} is missing: ${hint}`);
    return path;
}

export interface Config {
    onstage: string;
    webRoot: string;
    artifacts: string;
    chromium: string;
}

// Everything the suite needs, checked up front so a missing tool fails loudly with its fix.
export function loadConfig(): Config {
    const onstage = requiredPath(requiredEnv('ONSTAGE_BIN', 'the onstage binary'), 'build it with `make build`');
    const webRoot = requiredEnv('ONSTAGE_WEB_ROOT', 'the built web apps (web/dist)');
    requiredPath(join(webRoot, 'attendee.html'), 'build the web apps first: `make build` (or `cd web && npm run build`)');
    const chromiumPath = requiredPath(
        process.env['ONSTAGE_CHROMIUM'] || '/usr/bin/chromium',
        'install Debian\'s chromium package: `scripts/install-deps` (listed in scripts/debian-packages.txt)',
    );
    const artifacts = requiredEnv('ONSTAGE_E2E_ARTIFACTS', 'a directory for screenshots and logs');
    rmSync(artifacts, { recursive: true, force: true });
    mkdirSync(artifacts, { recursive: true });
    return { onstage, webRoot, artifacts, chromium: chromiumPath };
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
    static async start(cfg: Config, dataDir: string, port = 0): Promise<Server> {
        const child = spawn(cfg.onstage, ['--data-dir', dataDir, 'serve', '--port', String(port), '--web-root', cfg.webRoot], {
            stdio: ['ignore', 'pipe', 'pipe'],
            // No Janus until the workflow test covers media (issue 4); keeps it fast.
            env: { ...process.env, ONSTAGE_MEDIA_JANUS: process.env['ONSTAGE_MEDIA_JANUS'] ?? 'off' },
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

export function launchBrowser(cfg: Config): Promise<Browser> {
    return chromium.launch({ executablePath: cfg.chromium, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

// Records every RTCPeerConnection configuration and forces iceServers to [] (no STUN/TURN):
// the test network rule, checked by peerConfigs() at the end.
const PEER_GUARD = `(() => {
    const Native = window.RTCPeerConnection;
    if (!Native) return;
    window.__peerConfigs = [];
    window.RTCPeerConnection = function (config, ...rest) {
        window.__peerConfigs.push(JSON.stringify(config ?? null));
        return new Native({ ...(config ?? {}), iceServers: [] }, ...rest);
    };
    window.RTCPeerConnection.prototype = Native.prototype;
})();`;

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
        // Only loopback may be reached: anything else is aborted and remembered.
        await context.route(/^(?!https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])[:/])/, (route) => {
            p.offLoopback.push(route.request().url());
            return route.abort('blockedbyclient');
        });
        return p;
    }

    async peerConfigs(): Promise<string[]> {
        return this.page.evaluate(() => (window as unknown as { __peerConfigs?: string[] }).__peerConfigs ?? []);
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
