import { describe, expect, it } from 'vitest';
import { loadFixtures } from './fixtures';
import { parseServerMessage, type StreamEvent } from './protocol';
import { EMPTY_STAGE, formatAge, mediaFlags, reduceStage } from './stage';

function fixtureEvent(file: string, seq: number): StreamEvent {
    const f = loadFixtures('events').find((x) => x.file === file);
    if (!f) throw new Error(file);
    const msg = parseServerMessage(JSON.stringify({ seq, ...(f.data['event'] as object) }));
    if (msg.type === 'welcome' || msg.type === 'ack' || msg.type === 'error') throw new Error('not a stream event');
    return msg;
}

describe('reduceStage', () => {
    it('keeps the latest broadcast state (without its type)', () => {
        let v = reduceStage(EMPTY_STAGE, { type: 'broadcast', state: 'starting', since: 1, hls_url: '/hls/e/index.m3u8' });
        expect(v.broadcast).toEqual({ state: 'starting', since: 1, hls_url: '/hls/e/index.m3u8' });
        v = reduceStage(v, { type: 'broadcast', state: 'live', since: 2, hls_url: '/hls/e/index.m3u8' });
        expect(v.broadcast?.state).toBe('live');
    });

    it('moderator: snapshot, then status upserts and drops watching', () => {
        let v = reduceStage(EMPTY_STAGE, fixtureEvent('snapshot_moderator.json', 57));
        const n = v.attendees.length;
        expect(n).toBeGreaterThan(0);
        v = reduceStage(v, fixtureEvent('status_unknown_name.json', 58));
        expect(v.attendees).toHaveLength(n + 1);
        const back = fixtureEvent('status_back_to_watching.json', 59);
        if (back.type !== 'status') throw new Error('fixture');
        const before = v.attendees.some((a) => a.id === back.attendee.id);
        v = reduceStage(v, back);
        expect(v.attendees.some((a) => a.id === back.attendee.id)).toBe(false);
        expect(v.attendees).toHaveLength(before ? n : n + 1);
    });

    it('remembers attendee names after they leave the lists, for notices about them', () => {
        let v = reduceStage(EMPTY_STAGE, fixtureEvent('snapshot_moderator.json', 57));
        const back = fixtureEvent('status_back_to_watching.json', 58);
        if (back.type !== 'status') throw new Error('fixture');
        v = reduceStage(v, back);
        expect(v.attendees.some((a) => a.id === back.attendee.id)).toBe(false);
        expect(v.names[back.attendee.id]).toBe(back.attendee.name);
        const unknown = fixtureEvent('status_unknown_name.json', 59);
        if (unknown.type !== 'status') throw new Error('fixture');
        expect(reduceStage(v, unknown).names[unknown.attendee.id]).toBeUndefined(); // "" is no name
    });

    it('attendee: status replaces me', () => {
        let v = reduceStage(EMPTY_STAGE, fixtureEvent('snapshot_attendee_watching.json', 3));
        expect(v.me?.state).toBe('watching');
        v = reduceStage(v, fixtureEvent('status_invited.json', 4));
        expect(v.me?.state).toBe('invited');
        expect(v.attendees).toEqual([]);
    });

    it('presence, on_air, notices, moderation and revoked', () => {
        let v = reduceStage(EMPTY_STAGE, fixtureEvent('presence_moderator_online.json', 1));
        expect(v.online).toHaveLength(1);
        const id = v.online[0]?.id ?? '';
        v = reduceStage(v, { seq: 2, type: 'on_air', moderator_id: id, on_air: true });
        expect(v.online[0]?.on_air).toBe(true);
        v = reduceStage(v, { seq: 3, type: 'presence', participant_id: id, name: 'x', role: 'moderator', online: false, on_air: false });
        expect(v.online).toEqual([]);
        v = reduceStage(v, fixtureEvent('notice_dismissed.json', 4));
        v = reduceStage(v, fixtureEvent('moderation_mute.json', 5));
        expect(v.notices).toHaveLength(1);
        expect(mediaFlags(v.moderation, '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d')).toEqual({ muted: true, videoOff: false });
        v = reduceStage(v, fixtureEvent('revoked_kicked.json', 6));
        expect(v.revoked).toBe('kicked');
    });

    it('records that the event ended (the golden revoked_event_ended fixture)', () => {
        const v = reduceStage(EMPTY_STAGE, fixtureEvent('revoked_event_ended.json', 31));
        expect(v.revoked).toBe('event_ended');
    });

    it('formats ages', () => {
        expect(formatAge(5_000)).toBe('5 s');
        expect(formatAge(125_000)).toBe('2 min');
    });
});
