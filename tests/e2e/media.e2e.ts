// Real audio and video through the apps, Janus and onstage, inside the test network namespace
// (tests/e2e/netns-run): a moderator interviews an attendee face to face, sees her holding
// preview, puts her on stage beside the talent and himself, mutes and unmutes her, survives a
// Janus crash, demotes and finally kicks her. Media is checked where it lands: each page's
// decoded frames and received audio packets (window.__onstageMedia.inboundStats()), never by
// timing. Two refusals are sent as raw protocol frames with the attendee's own token.
//
// The tests below are steps of one story and run in order.
// Run: ctest -R e2e.media (as root), or by hand (see the ctest entry for the environment):
//   sudo tests/e2e/netns-run env ONSTAGE_BIN=… ONSTAGE_WEB_ROOT=… ONSTAGE_E2E_ARTIFACTS=… npm --prefix web run e2e -- media.e2e.ts
import type { Browser, Locator, Page } from 'playwright-core';
import {
    Actor,
    createEvent,
    Evidence,
    feedStat,
    inboundStats,
    janusPids,
    launchBrowser,
    loadConfig,
    netnsLeaks,
    outboundStats,
    requireNetns,
    Server,
    tempDir,
    waitForMedia,
    type Config,
    type EventLinks,
    type InboundStat,
    type Link,
    type Netns,
    sees,
    seesNo,
    click,
    row, stopAtFirstFailure } from './harness';

const SEEN_MS = 10_000; // liveness only: how long a change may take to show
const MEDIA_MS = 20_000; // liveness only: how long until media flows (first frames, a new subscription)
const RESTART_MS = 30_000; // liveness only: Janus respawned and every page decoding again
const STALL_SAMPLE_MS = 2_000; // two samples this far apart with no new packets: the stream stopped
const QUESTION = 'Can we hear from the rural schools directly?';

let ns: Netns;
let cfg: Config;
let tmp: ReturnType<typeof tempDir>;
let links: EventLinks;
let server: Server | null = null;
let browser: Browser | null = null;
let evidence: Evidence;
const everyone: Actor[] = [];
const tokens = new Map<Actor, string>(); // each page's own session token, from its login reply
const closed = new Set<Actor>(); // pages closed early (checked before closing) to spare the CPU
let mod: Actor, mia: Actor, talent: Actor, ada: Actor, ben: Actor;
let modId: string, miaId: string, talentId: string, adaId: string;
let miaInterviewFeed = '';

// The Janus onstage spawned in the namespace, waiting for it to appear (liveness only); `not`
// excludes the PIDs of a Janus that was killed.
async function janusPid(not: number[] = []): Promise<number> {
    const deadline = Date.now() + RESTART_MS;
    for (;;) {
        const pids = janusPids(ns).filter((p) => !not.includes(p));
        if (pids.length > 1) throw new Error(`more than one Janus in the namespace: ${pids.join(' ')}`);
        if (pids[0] !== undefined) return pids[0];
        if (Date.now() > deadline) throw new Error(`no ${not.length ? 'new ' : ''}Janus (janus -F …) in namespace ${ns.name} after ${RESTART_MS / 1000} s: is [media] janus = "spawn" working? (see server-stderr.log)`);
        await new Promise((r) => setTimeout(r, 250));
    }
}

function status(actor: Actor, text: string | RegExp): Locator {
    return actor.page.locator('.status').filter({ hasText: text });
}

function tile(actor: Actor, participantId: string, source = 'camera'): Locator {
    return actor.page.getByTestId(`feed-${participantId}-${source}`);
}

function person(people: Link[], i: number, what: string): Link {
    const p = people[i];
    if (!p) throw new Error(`the event lacks ${what}`);
    return p;
}

// Opens the person's link and signs in, keeping the token the page got (for raw frames later).
async function open(label: string, link: Link): Promise<Actor> {
    if (!browser || !server) throw new Error('browser and server must be running');
    const actor = await Actor.open(browser, label);
    everyone.push(actor);
    actor.page.on('response', (res) => {
        if (!res.url().endsWith('/api/v1/login') || !res.ok()) return;
        void res.json().then((body: { token?: string }) => {
            if (typeof body.token === 'string') tokens.set(actor, body.token);
        }, () => undefined);
    });
    await actor.signIn(server.origin, link);
    return actor;
}

// Continue past the device check, with a screenshot of it first.
function checkDevices(actor: Actor): Promise<void> {
    return actor.passDeviceCheck(MEDIA_MS, () => evidence.shots(`device-check-${actor.label}`, [actor]));
}

// The device check comes the first time a page has something to publish; the fake camera and
// microphone are preselected, so Continue is all it takes.

// Waits until `actor` decodes video frames and receives audio packets of `who`'s camera feed,
// both growing between two polls of the same subscription (so it is flowing now). `fresh` limits
// this to subscriptions that are not in it, or whose counters were reset (a new connection).
async function decodes(actor: Actor, who: string, whoLabel: string, timeout = MEDIA_MS, fresh: InboundStat[] = []): Promise<InboundStat> {
    let prev: InboundStat | undefined;
    const isFresh = (s: InboundStat) => {
        const old = fresh.find((f) => f.feed === s.feed);
        return !old || s.videoFramesDecoded < old.videoFramesDecoded || s.audioPacketsReceived < old.audioPacketsReceived;
    };
    const stats = await waitForMedia(
        actor.page,
        (all) => {
            const s = feedStat(all, who);
            const flowing =
                !!s && !!prev && prev.feed === s.feed && isFresh(s) &&
                s.videoFramesDecoded > prev.videoFramesDecoded && s.audioPacketsReceived > prev.audioPacketsReceived &&
                s.videoWidth > 0 && s.videoHeight > 0;
            prev = s;
            return flowing;
        },
        `${actor.label} to decode ${whoLabel}'s video and receive their audio`,
        timeout,
    );
    const s = feedStat(stats, who);
    if (!s) throw new Error('unreachable: the predicate saw the feed');
    return s;
}

// Waits until `who`'s audio on `actor`'s page stops: two samples STALL_SAMPLE_MS apart with no new
// packets while the video keeps decoding (so the connection is alive and only the audio is off).
async function audioStops(actor: Actor, who: string, what: string): Promise<void> {
    const deadline = Date.now() + MEDIA_MS;
    let last = '';
    while (Date.now() < deadline) {
        const a = feedStat(await inboundStats(actor.page), who);
        await new Promise((r) => setTimeout(r, STALL_SAMPLE_MS));
        const b = feedStat(await inboundStats(actor.page), who);
        last = JSON.stringify({ first: a, second: b });
        if (a && b && a.feed === b.feed && b.audioPacketsReceived === a.audioPacketsReceived && b.videoFramesDecoded > a.videoFramesDecoded) return;
    }
    throw new Error(`expected ${what} within ${MEDIA_MS / 1000} s; last two samples: ${last}`);
}

interface RawReply {
    type: string;
    id?: string | null;
    code?: string;
    message?: string;
    [k: string]: unknown;
}

interface RawSession {
    hello: RawReply; // welcome or error
    replies: RawReply[]; // one ack or error per command, in order
    closeCode: number | null; // when the server closed the socket
}

// A second WebSocket from `actor`'s page, signed in with `token`: hello, then each command (with
// an id) waiting for its ack or error. Events in between are ignored. Used to send what the app
// would never send.
async function rawSession(actor: Actor, token: string, commands: Record<string, unknown>[]): Promise<RawSession> {
    return actor.page.evaluate(
        async ({ token, commands, eventId, timeoutMs }) => {
            const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/live?e=${encodeURIComponent(eventId)}`;
            const ws = new WebSocket(url);
            const inbox: RawReply[] = [];
            let closeCode: number | null = null;
            let wake: () => void = () => undefined;
            ws.onmessage = (m) => {
                inbox.push(JSON.parse(String(m.data)) as RawReply);
                wake();
            };
            ws.onclose = (e) => {
                closeCode = e.code;
                wake();
            };
            const next = async (match: (r: RawReply) => boolean, what: string): Promise<RawReply> => {
                const until = Date.now() + timeoutMs;
                for (;;) {
                    const i = inbox.findIndex(match);
                    if (i >= 0) return inbox.splice(i, 1)[0] as RawReply;
                    if (closeCode !== null) throw new Error(`socket closed (${closeCode}) before ${what}`);
                    if (Date.now() > until) throw new Error(`no ${what} in ${timeoutMs} ms`);
                    await new Promise<void>((r) => {
                        wake = r;
                        setTimeout(r, 200);
                    });
                }
            };
            await new Promise<void>((resolve, reject) => {
                ws.onopen = () => resolve();
                ws.onerror = () => reject(new Error(`could not open ${url}`));
            });
            ws.send(JSON.stringify({ type: 'hello', token, since: 0 }));
            const hello = await next((r) => r.type === 'welcome' || r.type === 'error', 'reply to hello');
            const replies: RawReply[] = [];
            if (hello.type === 'welcome') {
                for (const [n, c] of commands.entries()) {
                    const id = `raw-${n}`;
                    ws.send(JSON.stringify({ ...c, id }));
                    replies.push(await next((r) => (r.type === 'ack' || r.type === 'error') && r.id === id, `reply to ${String(c['type'])}`));
                }
                ws.close();
            } else {
                // A refused hello is followed by the server closing the socket.
                const until = Date.now() + timeoutMs;
                while (closeCode === null && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
            }
            return { hello, replies, closeCode };
        },
        { token, commands, eventId: links.eventId, timeoutMs: SEEN_MS },
    );
}

// A real offer from the page (audio + video, send only), for a publish the app would not make.
async function makeOffer(actor: Actor): Promise<string> {
    return actor.page.evaluate(async () => {
        const pc = new RTCPeerConnection({ iceServers: [] });
        pc.addTransceiver('audio', { direction: 'sendonly' });
        pc.addTransceiver('video', { direction: 'sendonly' });
        const offer = await pc.createOffer();
        pc.close();
        return offer.sdp ?? '';
    });
}

// The end-of-story checks for one page: no uncaught errors, nothing beyond loopback, no ICE
// servers, and media only ever on the namespace's address.
async function checkPage(a: Actor): Promise<void> {
    expect(a.pageErrors, `uncaught errors in ${a.label}'s page`).toEqual([]);
    expect(a.offLoopback, `${a.label}'s page tried to leave loopback`).toEqual([]);
    for (const c of await a.peerConfigs()) {
        expect(JSON.parse(c)?.iceServers ?? [], `${a.label}: RTCPeerConnection with ICE servers`).toEqual([]);
    }
    for (const addr of await a.iceAddresses()) expect(addr, `${a.label}: an ICE pair in use`).toBe(ns.addr);
}

// Checks a page that has played its part and closes it: two cores decode only what matters.
async function retire(a: Actor): Promise<void> {
    await checkPage(a);
    closed.add(a);
    await a.close();
}

function open_(): Actor[] {
    return everyone.filter((a) => !closed.has(a));
}

function tokenOf(actor: Actor): string {
    const t = tokens.get(actor);
    if (!t) throw new Error(`${actor.label}'s login reply (with its token) was not seen`);
    return t;
}

beforeAll(async () => {
    ns = requireNetns();
    cfg = loadConfig();
    evidence = new Evidence(cfg.artifacts);
    tmp = tempDir();
    links = createEvent(cfg, tmp.path, {
        attendees: ['Ada Asker', 'Ben Browser'],
        moderators: ['Mo Moderator', 'Mia Second'],
        talent: ['Tara Talent'],
    });
    server = await Server.start(cfg, `${tmp.path}/data`, 0, { media: ns });
    browser = await launchBrowser(cfg);
});

stopAtFirstFailure(() => evidence.shots('FAILED', open_()));

afterAll(async () => {
    evidence?.saveLogs(everyone, server);
    for (const a of open_()) await a.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop(); // onstage stops the Janus it spawned; netns-run kills any leftover
    tmp?.remove();
});

// Steps wait for media (liveness, up to RESTART_MS at a time, several times in a step): more than
// the suite's default 30 s per test.
describe('audio and video through Janus', { timeout: 120_000 }, () => {
    test('everyone signs in; onstage has spawned Janus inside the namespace; the talent publishes', async () => {
        mod = await open('moderator', person(links.moderators, 0, 'a moderator'));
        mia = await open('moderator2', person(links.moderators, 1, 'a second moderator'));
        talent = await open('talent', person(links.talent, 0, 'talent'));
        ada = await open('attendee-a', person(links.attendees, 0, 'an attendee'));
        ben = await open('attendee-b', person(links.attendees, 1, 'a second attendee'));
        modId = person(links.moderators, 0, '').id;
        miaId = person(links.moderators, 1, '').id;
        talentId = person(links.talent, 0, '').id;
        adaId = person(links.attendees, 0, '').id;

        await janusPid();
        // Talent is on stage from sign-in: the plan lists `stage` at once.
        await checkDevices(talent);
        await sees(talent.page.getByTestId('self-view'), 'the talent\'s own preview');
        await evidence.shots('signed-in', [mod, talent, ada]);
    });

    test('an interview: the attendee passes the device check and each side decodes the other', async () => {
        await ada.page.getByLabel('Your question').fill(QUESTION);
        await ada.page.getByRole('button', { name: 'Raise hand' }).click();
        await click(mod.page, 'Raised hands', 'Ada Asker', 'Claim');
        await click(mod.page, 'My queue', 'Ada Asker', 'Invite');
        const dialog = ada.page.getByRole('dialog', { name: 'You are invited' });
        await dialog.getByRole('button', { name: 'Accept' }).click();
        await sees(status(ada, 'You are talking with a moderator'), 'Ada in the interview');

        await checkDevices(ada);
        await checkDevices(mod);
        await decodes(ada, modId, 'Mo');
        await decodes(mod, adaId, 'Ada');
        await sees(tile(ada, modId), 'Mo\'s video on Ada\'s page');
        await sees(ada.page.getByTestId('self-view'), 'Ada\'s own preview');
        await sees(tile(mod, adaId), 'Ada\'s video on Mo\'s page');
        await evidence.shots('interview', [mod, ada]);
    });

    test('a second interview runs beside it (another moderator, another attendee)', async () => {
        await ben.page.getByLabel('Your question').fill('Is there a recording?');
        await ben.page.getByRole('button', { name: 'Raise hand' }).click();
        await click(mia.page, 'Raised hands', 'Ben Browser', 'Claim');
        await click(mia.page, 'My queue', 'Ben Browser', 'Invite');
        await ben.page.getByRole('dialog', { name: 'You are invited' }).getByRole('button', { name: 'Accept' }).click();
        await checkDevices(ben);
        await checkDevices(mia);
        miaInterviewFeed = (await decodes(ben, miaId, 'Mia')).feed;
        await evidence.shots('second-interview', [mia, ben]);
    });

    test('approve: the moderator decodes the attendee\'s holding preview', async () => {
        const interviewFeed = feedStat(await inboundStats(mod.page), adaId)?.feed;
        await click(mod.page, 'Interview', 'Ada Asker', 'Approve');
        await sees(status(ada, 'You are in the holding room'), 'Ada in the holding room');
        const preview = await waitForMedia(
            mod.page,
            (all) => {
                const s = feedStat(all, adaId);
                return !!s && s.feed !== interviewFeed && s.videoFramesDecoded > 0;
            },
            'Mo to decode Ada\'s holding preview (a new feed)',
            MEDIA_MS,
        );
        expect(feedStat(preview, adaId)?.feed, 'the holding feed').not.toBe(interviewFeed);
        await decodes(mod, adaId, 'Ada (holding)');
        await sees(tile(mod, adaId), 'Ada\'s preview tile on Mo\'s page');
        await sees(ada.page.getByText(/You.re next/), 'the you\'re-next notice on Ada\'s page');
        await evidence.shots('holding', [mod, ada]);
    });

    test('the server refuses what the plan does not allow, on the attendee\'s own token', async () => {
        const offer = await makeOffer(ada);
        const r = await rawSession(ada, tokenOf(ada), [
            { type: 'publish', room: 'stage', source: 'camera', sdp: offer },
            { type: 'subscribe', feed: miaInterviewFeed },
        ]);
        expect(r.hello.type, `hello with Ada's token: ${JSON.stringify(r.hello)}`).toBe('welcome');
        expect(r.replies.map((x) => x.code ?? x.type), `replies: ${JSON.stringify(r.replies)}`).toEqual(['media_not_allowed', 'feed_not_visible']);

        // Done with the second interview and its people: less load for the stage steps.
        await click(mia.page, 'Interview', 'Ben Browser', 'End interview');
        await seesNo(row(mia.page, 'Interview', 'Ben Browser'), 'Ben in Mia\'s interview panel');
        await retire(ben);
        await retire(mia);
    });

    test('on stage: the moderator goes on air, promotes the attendee, the talent decodes her', async () => {
        await mod.page.getByRole('button', { name: 'Go on air' }).click();
        await sees(mod.page.getByRole('button', { name: 'Go off air' }), 'Mo on air');
        await click(mod.page, 'Holding room', 'Ada Asker', 'Promote');
        await sees(status(ada, 'You are live on stage'), 'Ada live');

        await decodes(talent, adaId, 'Ada');
        await decodes(talent, modId, 'Mo');
        await decodes(ada, talentId, 'Tara');
        await decodes(mod, talentId, 'Tara');
        await sees(tile(talent, adaId), 'Ada\'s video on the talent\'s page');
        for (const a of [mod, talent, ada]) {
            expect(await a.iceAddresses(), `${a.label}: addresses of the ICE pairs in use`).toEqual([ns.addr]);
        }
        await evidence.shots('stage', [mod, talent, ada]);
    });

    test('mute stops her audio at the talent (enforced in Janus); unmute brings it back', async () => {
        await click(mod.page, 'Live on stage', 'Ada Asker', 'Mute');
        await sees(ada.page.getByText('Mo Moderator muted your microphone.'), 'Ada told she is muted');
        await audioStops(talent, adaId, 'Ada\'s audio to stop at the talent');
        await evidence.shots('muted', [mod, talent, ada]);

        await click(mod.page, 'Live on stage', 'Ada Asker', 'Unmute');
        const before = await inboundStats(talent.page);
        await waitForMedia(
            talent.page,
            (all) => (feedStat(all, adaId)?.audioPacketsReceived ?? 0) > (feedStat(before, adaId)?.audioPacketsReceived ?? 0),
            'Ada\'s audio to reach the talent again after unmute',
            MEDIA_MS,
        );
        await evidence.shots('unmuted', [mod, talent, ada]);
    });

    test('Janus killed: it is respawned and every page decodes again without a reload', async () => {
        const pages = [mod, talent, ada];
        for (const a of pages) await a.page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
        const old = await janusPid();
        const before = new Map<Actor, InboundStat[]>();
        for (const a of pages) before.set(a, await inboundStats(a.page));

        const deadline = Date.now() + RESTART_MS;
        process.kill(old, 'SIGKILL');
        await janusPid([old]);

        const left = () => Math.max(1_000, deadline - Date.now());
        await decodes(talent, adaId, 'Ada (after the crash)', left(), before.get(talent));
        await decodes(talent, modId, 'Mo (after the crash)', left(), before.get(talent));
        await decodes(ada, talentId, 'Tara (after the crash)', left(), before.get(ada));
        await decodes(mod, adaId, 'Ada (after the crash)', left(), before.get(mod));
        for (const a of pages) {
            const same = await a.page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);
            expect(same, `${a.label}'s page was not reloaded`).toBe(true);
        }
        await evidence.shots('janus-restarted', pages);
    });

    test('demote: her stage feed leaves the talent\'s page', async () => {
        await click(mod.page, 'Live on stage', 'Ada Asker', 'Demote');
        await sees(status(ada, 'You are in the holding room'), 'Ada back in the holding room');
        await seesNo(tile(talent, adaId), 'Ada\'s video on the talent\'s page');
        await waitForMedia(talent.page, (all) => !feedStat(all, adaId), 'the talent to drop Ada\'s feed', MEDIA_MS);
        await evidence.shots('demoted', [mod, talent, ada]);
    });

    test('kick: her page says so, her media stops and her token is dead', async () => {
        const token = tokenOf(ada);
        mod.page.once('dialog', (d) => void d.accept());
        await click(mod.page, 'Holding room', 'Ada Asker', 'Kick');
        await sees(ada.page.getByRole('alert').getByText('You were removed from this event'), 'Ada told she was removed');
        // Janus ended her publications: no moderator sees her preview any more.
        await waitForMedia(mod.page, (all) => !feedStat(all, adaId), 'Mo to drop Ada\'s preview', MEDIA_MS);
        // And her page sends nothing: no publication left, or none that still sends.
        const deadline = Date.now() + MEDIA_MS;
        let last = '';
        for (;;) {
            const a = await outboundStats(ada.page);
            await new Promise((r) => setTimeout(r, STALL_SAMPLE_MS));
            const b = await outboundStats(ada.page);
            last = JSON.stringify({ first: a, second: b });
            if (b.length === 0 || JSON.stringify(a) === JSON.stringify(b)) break;
            if (Date.now() > deadline) throw new Error(`expected Ada's page to stop sending within ${MEDIA_MS / 1000} s; ${last}`);
        }
        const r = await rawSession(ada, token, []);
        // Refused for good: today the old session's token meets token_revoked (4401); a server may
        // also say kicked (4403). Either way no welcome, and the socket is closed.
        const refusal = { reply: r.hello.code ?? r.hello.type, close: r.closeCode };
        expect([{ reply: 'token_revoked', close: 4401 }, { reply: 'kicked', close: 4403 }], 'a hello with the kicked attendee\'s token').toContainEqual(refusal);
        await evidence.shots('kicked', [mod, ada]);
    });

    test('media stayed in the namespace; no page errors; nothing beyond loopback', async () => {
        expect(netnsLeaks(ns)).toEqual([]);
        for (const a of open_()) await checkPage(a);
    });
});
