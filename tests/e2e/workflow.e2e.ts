// The screening workflow in real browsers, as the people in it see it: an attendee raises a hand,
// a moderator claims, invites and interviews her, approves her to the holding room, promotes her
// live (the talent sees her), demotes her and finally kicks her — and a reload cannot bring her
// back. Along the way a second attendee (on a phone-sized screen) raises and lowers a hand and is
// dismissed politely, a second moderator watches the same queue, and the moderator goes on air.
//
// The tests below are steps of one story and run in order; each asserts what a person would see.
import type { Browser, Locator, Page } from 'playwright-core';
import { Actor, createEvent, Evidence, launchBrowser, loadConfig, Server, tempDir, type Config, type EventLinks, type Link, sees, seesNo, section, click, row, stopAtFirstFailure } from './harness';

const SEEN_MS = 10_000; // liveness only: how long a change may take to show (never a speed check)
const RECONNECT_MS = 30_000;
const QUESTION_A = 'How will the new budget affect rural schools?';
const QUESTION_A_EDITED = 'How will the new budget affect rural schools and their buses?';
const QUESTION_B = 'Will the slides be shared afterwards?';
const PHONE = { width: 390, height: 844 };

let cfg: Config;
let tmp: ReturnType<typeof tempDir>;
let links: EventLinks;
let server: Server | null = null;
let browser: Browser | null = null;
let evidence: Evidence;
const everyone: Actor[] = [];
let mod: Actor, mod2: Actor, talent: Actor, ada: Actor, ben: Actor;

async function open(label: string, link: Link, viewport?: { width: number; height: number }): Promise<Actor> {
    if (!browser || !server) throw new Error('browser and server must be running');
    const actor = await Actor.open(browser, label, viewport);
    everyone.push(actor);
    await actor.signIn(server.origin, link);
    return actor;
}

// The moderator's log of what their actions did.
function results(actor: Actor): Locator {
    return actor.page.getByRole('list', { name: 'Results' });
}

function status(actor: Actor, text: string | RegExp): Locator {
    return actor.page.locator('.status').filter({ hasText: text });
}

beforeAll(async () => {
    cfg = loadConfig();
    evidence = new Evidence(cfg.artifacts);
    tmp = tempDir();
    links = createEvent(cfg, tmp.path, {
        attendees: ['Ada Asker', 'Ben Browser'],
        moderators: ['Mo Moderator', 'Mia Second'],
        talent: ['Tara Talent'],
    });
    server = await Server.start(cfg, `${tmp.path}/data`);
    browser = await launchBrowser(cfg);
});

stopAtFirstFailure(() => evidence.shots('FAILED', everyone));

afterAll(async () => {
    evidence?.saveLogs(everyone, server); // small; on a failure they are what explains it
    for (const a of everyone) await a.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    tmp?.remove();
});

describe('screening workflow in the browser', () => {
    test('everyone signs in from their link (staff with the access key)', async () => {
        const [a, b] = links.attendees;
        const [m1, m2] = links.moderators;
        const [t] = links.talent;
        if (!a || !b || !m1 || !m2 || !t) throw new Error('the event lacks people');
        mod = await open('moderator', m1);
        mod2 = await open('moderator2', m2);
        talent = await open('talent', t);
        ada = await open('attendee-a', a);
        ben = await open('attendee-b-phone', b, PHONE);

        await sees(status(ada, 'Raise your hand to ask a question'), 'Ada invited to raise her hand');
        await sees(status(talent, 'You are on stage'), 'the talent told she is on stage');
        await sees(section(mod.page, 'Staff online').getByText('Tara Talent'), 'the talent in the moderator\'s staff list');
        await sees(section(mod.page, 'Raised hands').getByText('Nobody here.'), 'an empty hand list');
        await evidence.shots('signed-in', [mod, talent, ada, ben]);
    });

    test('an attendee raises a hand and every moderator sees her name and question', async () => {
        await ada.page.getByLabel('Your question').fill(QUESTION_A);
        await ada.page.getByRole('button', { name: 'Raise hand' }).click();
        await sees(status(ada, 'Waiting for a moderator'), 'Ada waiting for a moderator');
        await sees(ada.page.getByText(QUESTION_A), 'Ada\'s own question');

        for (const m of [mod, mod2]) {
            const hand = row(m.page, 'Raised hands', 'Ada Asker');
            await sees(hand.getByText(QUESTION_A), `Ada's question on ${m.label}'s list`);
            await sees(hand.getByText('unclaimed'), 'the hand marked unclaimed');
        }
        await evidence.shots('hand-raised', [mod, ada]);
    });

    test('a second attendee on a phone raises and lowers a hand', async () => {
        // The phone layout: everything fits the width, nothing scrolls sideways.
        const overflow = await ben.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, 'the attendee page scrolls sideways on a phone').toBeLessThanOrEqual(0);

        await ben.page.getByLabel('Your question').fill(QUESTION_B);
        await ben.page.getByRole('button', { name: 'Raise hand' }).click();
        await sees(status(ben, 'Waiting for a moderator'), 'Ben waiting for a moderator');
        await sees(row(mod.page, 'Raised hands', 'Ben Browser').getByText(QUESTION_B), 'Ben\'s question on the list');
        await evidence.shots('second-hand', [mod, ben]);

        await ben.page.getByRole('button', { name: 'Lower hand' }).click();
        await sees(status(ben, 'Raise your hand to ask a question'), 'Ben back to watching');
        await seesNo(row(mod.page, 'Raised hands', 'Ben Browser'), 'Ben\'s lowered hand on the list');
        await evidence.shots('second-hand-lowered', [mod, ben]);
    });

    test('the moderator claims the hand into their queue; the other moderator sees who has it', async () => {
        await click(mod.page, 'Raised hands', 'Ada Asker', 'Claim');
        await sees(row(mod.page, 'My queue', 'Ada Asker'), 'Ada in Mo\'s queue');
        await sees(status(ada, 'A moderator may call you soon'), 'Ada told a moderator may call her');
        await sees(row(mod2.page, 'Raised hands', 'Ada Asker').getByText('claimed by Mo Moderator'), 'Mia seeing Mo has Ada');
        await sees(results(mod).getByText('Claim Ada Asker: done.'), 'the claim\'s result in Mo\'s log');
        await evidence.shots('claimed', [mod, mod2, ada]);

        // She sharpens her question while she waits; every moderator sees the new text, marked.
        await ada.page.getByRole('button', { name: 'Edit question' }).click();
        await ada.page.getByLabel('Your question').fill(QUESTION_A_EDITED);
        await ada.page.getByRole('button', { name: 'Save' }).click();
        await sees(ada.page.locator('.question').filter({ hasText: QUESTION_A_EDITED }), 'Ada\'s edited question');
        for (const m of [mod, mod2]) {
            const hand = row(m.page, m === mod ? 'My queue' : 'Raised hands', 'Ada Asker');
            await sees(hand.getByText(QUESTION_A_EDITED), `the edited question on ${m.label}'s screen`);
            await sees(hand.getByText('edited', { exact: true }), `the "edited" mark on ${m.label}'s screen`);
        }

        // A reload keeps the moderator signed in (no access key again) and shows the same desk.
        await mod.page.reload();
        await sees(row(mod.page, 'My queue', 'Ada Asker'), 'Ada still in Mo\'s queue after a reload');
        expect(await mod.page.getByLabel('Access key').count(), 'the key form after a reload').toBe(0);
    });

    test('the moderator invites; the attendee sees the invitation with a countdown and accepts', async () => {
        await click(mod.page, 'My queue', 'Ada Asker', 'Invite');
        const dialog = ada.page.getByRole('dialog', { name: 'You are invited' });
        await sees(dialog, 'the invitation dialog');
        await sees(dialog.getByText(/expires in \d+ s/), 'the invitation countdown');
        await sees(row(mod.page, 'Invitations', 'Ada Asker'), 'Ada among the invitations');
        await evidence.shots('invited', [mod, ada]);

        await dialog.getByRole('button', { name: 'Accept' }).click();
        await seesNo(dialog, 'the invitation dialog');
        await sees(status(ada, 'You are talking with a moderator'), 'Ada in the interview');
        await sees(row(mod.page, 'Interview', 'Ada Asker').getByText(QUESTION_A_EDITED), 'Ada with her question in the interview panel');

        // The moderator mutes her during the interview: she is told who did it, he sees it marked.
        await click(mod.page, 'Interview', 'Ada Asker', 'Mute');
        await sees(ada.page.getByText('Mo Moderator muted your microphone.'), 'Ada told she was muted');
        await sees(row(mod.page, 'Interview', 'Ada Asker').getByText('muted', { exact: true }), 'the muted mark');
        await evidence.shots('interview', [mod, ada]);
    });

    test('a refused action shows the moderator why, and changes nothing', async () => {
        await ben.page.getByLabel('Your question').fill(QUESTION_B);
        await ben.page.getByRole('button', { name: 'Raise hand' }).click();
        await click(mod.page, 'Raised hands', 'Ben Browser', 'Claim');
        await sees(row(mod.page, 'My queue', 'Ben Browser'), 'Ben in Mo\'s queue');
        // Mo is still interviewing Ada: one interview at a time.
        await click(mod.page, 'My queue', 'Ben Browser', 'Invite');
        await sees(results(mod).getByText(/^Invite Ben Browser failed: Finish your current interview/), 'why the invite was refused');
        await sees(status(ben, 'A moderator may call you soon'), 'Ben still in the queue, not invited');
        await evidence.shots('refused', [mod, ben]);
    });

    test('approve moves the attendee to the holding room', async () => {
        await click(mod.page, 'Interview', 'Ada Asker', 'Approve');
        await sees(status(ada, 'You are in the holding room'), 'Ada told she is in the holding room');
        await sees(row(mod.page, 'Holding room', 'Ada Asker'), 'Ada in the holding room list');
        await evidence.shots('holding', [mod, ada]);
    });

    test('a server restart loses nothing: the pages say they are reconnecting, then carry on', async () => {
        if (!server) throw new Error('no server');
        const port = server.port;
        const before = server.stderr;
        await server.stop();
        for (const a of [mod, ada]) await sees(a.page.getByText('Reconnecting…'), `${a.label}'s reconnecting banner`);
        await evidence.shots('server-down', [mod, ada]);

        server = await Server.start(cfg, `${tmp.path}/data`, port);
        server.stderr = `${before}--- restarted ---\n${server.stderr}`;
        // The apps retry with backoff (up to 15 s apart), so the wait is longer than elsewhere.
        for (const a of everyone) await seesNo(a.page.getByText('Reconnecting…'), `${a.label}'s reconnecting banner`, RECONNECT_MS);
        await sees(status(ada, 'You are in the holding room'), 'Ada still in the holding room');
        await sees(row(mod.page, 'Holding room', 'Ada Asker'), 'Ada still in the moderator\'s holding room list');
        await sees(row(mod.page, 'My queue', 'Ben Browser'), 'Ben still in Mo\'s queue');
    });

    test('promote puts her live: the attendee and the talent both see it', async () => {
        await click(mod2.page, 'Holding room', 'Ada Asker', 'Promote');
        await sees(status(ada, 'You are live on stage'), 'Ada told she is live');
        await sees(section(talent.page, 'Live guests').getByText('Ada Asker'), 'Ada among the talent\'s live guests');
        await sees(section(talent.page, 'Live guests').getByText(QUESTION_A_EDITED), 'Ada\'s question on the talent\'s screen');
        await sees(row(mod.page, 'Live on stage', 'Ada Asker'), 'Ada in the moderator\'s live list');
        await evidence.shots('live', [mod, talent, ada]);
    });

    test('demote returns her to the holding room', async () => {
        await click(mod.page, 'Live on stage', 'Ada Asker', 'Demote');
        await sees(status(ada, 'You are in the holding room'), 'Ada back in the holding room');
        await sees(talent.page.getByText('No guests are live right now.'), 'the talent\'s empty guest list');
        await sees(row(mod.page, 'Holding room', 'Ada Asker'), 'Ada back in the holding room list');
        await evidence.shots('demoted', [mod, talent, ada]);
    });

    test('a moderator dismisses a hand and the attendee is told politely', async () => {
        await click(mod.page, 'My queue', 'Ben Browser', 'Dismiss');
        await sees(ben.page.getByText(/^Thank you for your question\./), 'a polite notice for Ben');
        await sees(status(ben, 'Raise your hand to ask a question'), 'Ben back to watching');
        await seesNo(row(mod.page, 'My queue', 'Ben Browser'), 'Ben\'s dismissed hand');
        await evidence.shots('dismissed', [mod, ben]);
    });

    test('an attendee declines an invitation on her phone; the moderator is told', async () => {
        await ben.page.getByLabel('Your question').fill(QUESTION_B);
        await ben.page.getByRole('button', { name: 'Raise hand' }).click();
        await click(mod.page, 'Raised hands', 'Ben Browser', 'Claim');
        await click(mod.page, 'My queue', 'Ben Browser', 'Invite');
        const dialog = ben.page.getByRole('dialog', { name: 'You are invited' });
        await sees(dialog.getByText(/expires in \d+ s/), 'the invitation with its countdown on the phone');
        await evidence.shots('invited-phone', [ben]);

        await dialog.getByRole('button', { name: 'Decline' }).click();
        await sees(status(ben, 'Raise your hand to ask a question'), 'Ben back to watching');
        await sees(mod.page.getByRole('list', { name: 'Notices' }).getByText(/^Ben Browser: .*declined/), 'a notice that Ben declined');
        await seesNo(row(mod.page, 'Invitations', 'Ben Browser'), 'Ben\'s declined invitation');
        await evidence.shots('declined', [mod, ben]);
    });

    test('the moderator goes on air and off again; the talent sees it', async () => {
        const talentsViewOfMo = section(talent.page, 'Staff online').getByRole('listitem').filter({ hasText: 'Mo Moderator' });
        await mod.page.getByRole('button', { name: 'Go on air' }).click();
        await sees(mod.page.getByRole('button', { name: 'Go off air' }), 'the moderator\'s off-air button');
        await sees(talentsViewOfMo.getByText('on air'), 'Mo on air on the talent\'s screen');
        await evidence.shots('on-air', [mod, talent]);
        await mod.page.getByRole('button', { name: 'Go off air' }).click();
        await sees(mod.page.getByRole('button', { name: 'Go on air' }), 'the moderator\'s on-air button again');
        await seesNo(talentsViewOfMo.getByText('on air'), 'Mo\'s on-air tag on the talent\'s screen');
    });

    test('kick removes her for good: her page says so and a reload cannot get back in', async () => {
        mod.page.once('dialog', (d) => void d.accept());
        await click(mod.page, 'Holding room', 'Ada Asker', 'Kick');
        await sees(ada.page.getByRole('alert').getByText('You were removed from this event'), 'Ada told she was removed');
        await sees(ada.page.getByText('this link no longer lets you in'), 'Ada told the link is dead');
        await seesNo(row(mod.page, 'Holding room', 'Ada Asker'), 'Ada in the holding room list');
        await evidence.shots('kicked', [mod, ada]);

        await ada.page.reload();
        await sees(ada.page.getByRole('alert').getByText('You were removed from this event'), 'Ada still removed after a reload');
        await seesNo(ada.page.getByLabel('Your question'), 'a question box for a kicked attendee');
        await evidence.shots('kicked-reload', [ada]);
    });

    test('a moderator signs out: back to the sign-in form, and the others see her go offline', async () => {
        const staffOnline = section(mod.page, 'Staff online');
        await sees(staffOnline.getByText('Mia Second'), 'Mia in Mo\'s staff list');
        await mod2.page.getByRole('button', { name: 'Sign out' }).click();
        await sees(mod2.page.getByLabel('Access key'), 'the sign-in form on Mia\'s page');
        await seesNo(staffOnline.getByText('Mia Second'), 'Mia in Mo\'s staff list after she signed out');
        await evidence.shots('signed-out', [mod, mod2]);
    });

    test('the pages threw no errors and reached nothing beyond loopback', async () => {
        for (const a of everyone) {
            expect(a.pageErrors, `uncaught errors in ${a.label}'s page`).toEqual([]);
            expect(a.offLoopback, `${a.label}'s page tried to leave loopback`).toEqual([]);
            for (const c of await a.peerConfigs()) {
                expect(JSON.parse(c)?.iceServers ?? [], `${a.label}: RTCPeerConnection with ICE servers`).toEqual([]);
            }
        }
    });
});
