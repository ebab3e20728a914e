// What the broadcast's browser test and its benchmarks share: publishers with a known picture
// (a canvas of one colour, or a clock pattern, instead of the fake camera), the admin API, the
// compositor workers in the namespace, and reading HLS segments with ffprobe/ffmpeg.
import { spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import type { BrowserContext } from 'playwright-core';
import type { Netns } from './harness';

// Replaces getUserMedia in every page of the context: video is a canvas captureStream(30)
// painted with `paint` (a function body of (ctx, w, h), run every 33 ms with setInterval so
// headless pages keep producing frames), audio an OscillatorNode. Constraints decide which
// tracks come back, like the real thing.
function pictureScript(paint: string): string {
    return `(() => {
    const md = navigator.mediaDevices;
    if (!md) return;
    let canvas = null;
    let audio = null;
    const paint = (ctx, w, h) => { ${paint} };
    const videoTrack = () => {
        if (!canvas) {
            canvas = document.createElement('canvas');
            canvas.width = 1280;
            canvas.height = 720;
            const ctx = canvas.getContext('2d');
            const draw = () => paint(ctx, canvas.width, canvas.height);
            draw();
            setInterval(draw, 33);
        }
        return canvas.captureStream(30).getVideoTracks()[0];
    };
    const audioTrack = () => {
        if (!audio) {
            const ac = new AudioContext();
            const osc = ac.createOscillator();
            osc.frequency.value = 440;
            audio = ac.createMediaStreamDestination();
            osc.connect(audio);
            osc.start();
            void ac.resume();
        }
        return audio.stream.getAudioTracks()[0].clone();
    };
    md.getUserMedia = async (c) => {
        const tracks = [];
        if (c && c.audio) tracks.push(audioTrack());
        if (c && c.video) tracks.push(videoTrack());
        if (tracks.length === 0) throw new TypeError('getUserMedia: no audio or video requested');
        return new MediaStream(tracks);
    };
})();`;
}

// A publisher whose camera is one solid colour (CSS colour, e.g. 'rgb(255,0,0)').
export async function solidCamera(context: BrowserContext, colour: string): Promise<void> {
    await context.addInitScript(pictureScript(`ctx.fillStyle = ${JSON.stringify(colour)}; ctx.fillRect(0, 0, w, h);`));
}

// Clock pattern (benchmarks): Date.now() modulo 2^CLOCK_BITS ms as CLOCK_BITS blocks of
// CLOCK_BLOCK px in a row across the middle of the picture (white = 1, most significant bit
// first) and below it the same bits inverted, so a reader can tell a clean read from a blend of
// two frames. Placed clear of the title (top left) and the lower-third (bottom); in a solo
// layout the tile is the whole program, so the blocks keep their position at 1280x720. A square
// bouncing across the rest of the picture gives the encoders motion to work on.
export const CLOCK_BITS = 32;
export const CLOCK_BLOCK = 32; // px on the 1280x720 canvas
export const CLOCK_X = 128;
export const CLOCK_Y = 328; // first row; the inverted row is CLOCK_BLOCK below
export async function clockCamera(context: BrowserContext): Promise<void> {
    await context.addInitScript(
        pictureScript(`
        const t = Date.now();
        ctx.fillStyle = '#606060'; ctx.fillRect(0, 0, w, h);
        ctx.fillStyle = '#e0a040';
        const x = Math.floor(t / 4) % (w - 200);
        ctx.fillRect(x, 120, 200, 150);
        ctx.fillRect(w - 200 - x, 450, 200, 150);
        const v = t % 4294967296;
        const B = ${CLOCK_BLOCK};
        for (let i = 0; i < ${CLOCK_BITS}; i++) {
            const bit = Math.floor(v / Math.pow(2, ${CLOCK_BITS - 1} - i)) % 2;
            ctx.fillStyle = bit ? '#ffffff' : '#000000';
            ctx.fillRect(${CLOCK_X} + i * B, ${CLOCK_Y}, B, B);
            ctx.fillStyle = bit ? '#000000' : '#ffffff';
            ctx.fillRect(${CLOCK_X} + i * B, ${CLOCK_Y} + B, B, B);
        }`),
    );
}

export async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const s = createServer();
        s.once('error', reject);
        s.listen(0, '127.0.0.1', () => {
            const addr = s.address();
            const port = typeof addr === 'object' && addr ? addr.port : 0;
            s.close(() => resolve(port));
        });
    });
}

// One HTTP request on a connection of its own (no keep-alive pool: a pooled connection the
// server has closed meanwhile would fail a POST).
export function httpRequest(url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
        const req = request(url, { method, headers, agent: false }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d: string) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
            res.on('error', reject);
        });
        req.on('error', reject);
        req.end(body);
    });
}

// The admin API with the bearer token; throws with the reply on an unexpected status.
export async function admin(origin: string, token: string, method: string, path: string, body?: unknown, expect = [200, 201, 202, 204]): Promise<Record<string, unknown>> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await httpRequest(origin + path, method, headers, body === undefined ? undefined : JSON.stringify(body));
    if (!expect.includes(res.status)) throw new Error(`${method} ${path} answered ${res.status}: ${res.text}`);
    return res.text ? (JSON.parse(res.text) as Record<string, unknown>) : {};
}

// The `onstage compositor` workers running in the namespace (the PID namespace is shared with
// other runs, so only PIDs the network namespace lists count).
export function compositorPids(ns: Netns): number[] {
    const r = spawnSync('ip', ['netns', 'pids', ns.name], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip netns pids ${ns.name} failed: ${r.stderr}`);
    return r.stdout
        .split(/\s+/)
        .filter(Boolean)
        .map(Number)
        .filter((pid) => {
            try {
                // serve runs /proc/self/exe compositor: argv[0] may be any name, the binary is onstage
                const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
                return argv[1] === 'compositor' && /(^|\/)onstage$/.test(readlinkSync(`/proc/${pid}/exe`));
            } catch {
                return false; // gone meanwhile
            }
        });
}

// The segment URIs a playlist lists, oldest first.
export function segmentsOf(playlist: string): string[] {
    return playlist.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

export interface StreamInfo {
    codec_type: string;
    codec_name: string;
    width?: number;
    height?: number;
}

// ffprobe's streams of a file; a missing ffprobe fails loudly.
export function probe(path: string): StreamInfo[] {
    const r = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height', '-of', 'json', path], { encoding: 'utf8' });
    if (r.error) throw new Error(`ffprobe could not run (install ffmpeg: scripts/install-deps): ${r.error.message}`);
    if (r.status !== 0) throw new Error(`ffprobe ${path} failed (${r.status}): ${r.stderr}`);
    return (JSON.parse(r.stdout) as { streams?: StreamInfo[] }).streams ?? [];
}

export interface Frame {
    width: number;
    height: number;
    rgb: Buffer;
}

// The first video frame of a file as RGB24 (ffmpeg scales nothing: the program's own size).
export function firstFrame(path: string, width: number, height: number): Frame {
    const r = spawnSync('ffmpeg', ['-v', 'error', '-i', path, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 64 * 1024 * 1024 });
    if (r.error) throw new Error(`ffmpeg could not run (install ffmpeg: scripts/install-deps): ${r.error.message}`);
    if (r.status !== 0) throw new Error(`ffmpeg could not decode a frame of ${path} (${r.status}): ${r.stderr.toString()}`);
    if (r.stdout.length !== width * height * 3) throw new Error(`a frame of ${path} has ${r.stdout.length} bytes, not ${width}x${height}x3`);
    return { width, height, rgb: r.stdout };
}

export type Colour = 'red' | 'green' | 'blue' | 'other';

// The mean colour of a box (x, y, w, h) named when one channel clearly dominates.
export function colourAt(f: Frame, x: number, y: number, w: number, h: number): { name: Colour; mean: [number, number, number] } {
    let r0 = 0;
    let g0 = 0;
    let b0 = 0;
    for (let j = y; j < y + h; j++) {
        for (let i = x; i < x + w; i++) {
            const o = (j * f.width + i) * 3;
            r0 += f.rgb[o] ?? 0;
            g0 += f.rgb[o + 1] ?? 0;
            b0 += f.rgb[o + 2] ?? 0;
        }
    }
    const n = w * h;
    const mean: [number, number, number] = [Math.round(r0 / n), Math.round(g0 / n), Math.round(b0 / n)];
    const [r, g, b] = mean;
    const strong = (a: number, o1: number, o2: number) => a > 150 && o1 < 90 && o2 < 90;
    const name: Colour = strong(r, g, b) ? 'red' : strong(g, r, b) ? 'green' : strong(b, r, g) ? 'blue' : 'other';
    return { name, mean };
}
