import { describe, expect, it } from 'vitest';
import { loadFixtures } from './fixtures';
import {
    COMMAND_MEMBERS,
    encodeCommand,
    parseBroadcastView,
    parseServerMessage,
    ProtocolError,
    staffView,
    type Command,
    type HelloCommand,
} from './protocol';

type Rec = Record<string, unknown>;

// `decoded` omits members at their default (empty string, 0, false); a client command always
// carries its required members, so put the defaults back.
function commandFromDecoded(decoded: Rec): Command | HelloCommand {
    const type = decoded['type'] as string;
    const cmd: Rec = { ...decoded };
    if (type === 'hello') cmd['since'] ??= 0;
    if (type === 'raise' || type === 'edit_question') cmd['question'] ??= '';
    if (type === 'set_on_air') cmd['on_air'] ??= false;
    if (type === 'trickle') {
        // The C++ side names the candidate's members in its own style; the wire uses the
        // browser's RTCIceCandidateInit names.
        const c = decoded['candidate'] as Rec | undefined;
        cmd['candidate'] = c
            ? { candidate: c['candidate'], sdpMid: c['sdp_mid'], sdpMLineIndex: c['sdp_mline_index'] }
            : null;
    }
    return cmd as unknown as Command | HelloCommand;
}

// What the server reads of a wire frame: type, id (not for hello) and the command's own members;
// unknown members and null optional members are ignored (protocol.md "Conventions").
function meaningfulWire(wire: Rec): Rec {
    const type = wire['type'] as keyof typeof COMMAND_MEMBERS;
    const out: Rec = { type };
    if (type !== 'hello') out['id'] = wire['id'];
    for (const m of COMMAND_MEMBERS[type]) {
        // trickle's candidate is required and null has a meaning there (gathering finished)
        const keepNull = type === 'trickle' && m === 'candidate';
        if (wire[m] !== undefined && (wire[m] !== null || keepNull)) out[m] = wire[m];
    }
    return out;
}

const validCommands = loadFixtures('commands/valid');
const events = loadFixtures('events');

describe('encodeCommand against commands/valid', () => {
    it('finds the fixtures', () => {
        expect(validCommands.length).toBeGreaterThan(30);
    });

    it('knows every command type the fixtures use', () => {
        const types = new Set(validCommands.map((f) => (f.data['wire'] as Rec)['type'] as string));
        for (const t of types) expect(Object.keys(COMMAND_MEMBERS)).toContain(t);
        // and every command type it knows has a fixture
        for (const t of Object.keys(COMMAND_MEMBERS)) expect(types).toContain(t);
    });

    for (const { file, data } of validCommands) {
        it(file, () => {
            const wire = data['wire'] as Rec;
            const encoded = JSON.parse(encodeCommand(commandFromDecoded(data['decoded'] as Rec))) as Rec;
            expect(encoded).toEqual(meaningfulWire(wire));
            // Fixtures without unknown or null members are reproduced exactly.
            const plain = Object.keys(wire).every(
                (k) => wire[k] !== null && (k === 'type' || k === 'id' || COMMAND_MEMBERS[wire['type'] as 'ping'].includes(k)),
            );
            if (plain && !(wire['type'] === 'hello' && 'id' in wire)) expect(encoded).toEqual(wire);
        });
    }

    it('drops an undefined optional member', () => {
        expect(encodeCommand({ type: 'kick', id: 'm1', attendee_id: 'a' })).toBe('{"type":"kick","id":"m1","attendee_id":"a"}');
        expect(encodeCommand({ type: 'end_interview', id: 'c1' })).toBe('{"type":"end_interview","id":"c1"}');
    });
});

describe('media commands (protocol.md "Media commands")', () => {
    it('encodes every media command with its members', () => {
        expect(encodeCommand({ type: 'publish', id: 'c1', room: 'stage', source: 'camera', sdp: 'v=0' })).toBe(
            '{"type":"publish","id":"c1","room":"stage","source":"camera","sdp":"v=0"}',
        );
        expect(encodeCommand({ type: 'unpublish', id: 'c2', room: 'interview', source: 'screen' })).toBe(
            '{"type":"unpublish","id":"c2","room":"interview","source":"screen"}',
        );
        expect(encodeCommand({ type: 'subscribe', id: 'c3', feed: 'f1' })).toBe('{"type":"subscribe","id":"c3","feed":"f1"}');
        expect(encodeCommand({ type: 'answer', id: 'c4', sub: 's1', sdp: 'v=0' })).toBe('{"type":"answer","id":"c4","sub":"s1","sdp":"v=0"}');
        expect(encodeCommand({ type: 'unsubscribe', id: 'c5', sub: 's1' })).toBe('{"type":"unsubscribe","id":"c5","sub":"s1"}');
    });

    it('sends a null candidate (gathering complete) instead of dropping it', () => {
        expect(encodeCommand({ type: 'trickle', id: 'c6', target: 'sub:s1', candidate: null })).toBe(
            '{"type":"trickle","id":"c6","target":"sub:s1","candidate":null}',
        );
        const c = { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
        expect(JSON.parse(encodeCommand({ type: 'trickle', id: 'c7', target: 'pub:stage:camera', candidate: c }))).toEqual({
            type: 'trickle', id: 'c7', target: 'pub:stage:camera', candidate: c,
        });
    });
});

describe('media messages', () => {
    const plan = {
        type: 'media', epoch: 1, publish: ['interview'], screen: false,
        feeds: [{
            feed: 'f12', participant_id: '3b6f2d1c-8e9a-4f7b-a5c3-2d1e0f9a8b7c', name: 'Sam Rivera', role: 'moderator',
            room: 'interview', source: 'camera', audio_muted: false, video_muted: false,
        }],
        ice_servers: [{ urls: ['turn:turn.example.org:3478'], username: 'u', credential: 'p' }],
    };

    it('parses the media plan of the contract', () => {
        expect(parseServerMessage(JSON.stringify(plan))).toEqual(plan);
    });

    it('keeps the media members of an ack', () => {
        expect(parseServerMessage('{"type":"ack","id":"c1","sdp":"v=0","feed":"f1"}')).toEqual({ type: 'ack', id: 'c1', sdp: 'v=0', feed: 'f1' });
        expect(parseServerMessage('{"type":"ack","id":"c2","sub":"s1","sdp":"v=0"}')).toEqual({ type: 'ack', id: 'c2', sub: 's1', sdp: 'v=0' });
    });

    const bad: Array<[string, unknown]> = [
        ['publish not an array', { ...plan, publish: 'stage' }],
        ['publish with a number', { ...plan, publish: [1] }],
        ['feed without participant_id', { ...plan, feeds: [{ ...plan.feeds[0], participant_id: undefined }] }],
        ['ice server without urls', { ...plan, ice_servers: [{ username: 'u' }] }],
        ['no epoch', { ...plan, epoch: undefined }],
        ['ack with a numeric sdp', { type: 'ack', id: 'c1', sdp: 3 }],
    ];
    for (const [name, frame] of bad) {
        it(`refuses ${name}`, () => {
            expect(() => parseServerMessage(JSON.stringify(frame))).toThrow(ProtocolError);
        });
    }
});

describe('broadcast (spec: issue 5)', () => {
    const staff = {
        type: 'broadcast', state: 'live', reason: '', since: 1767258000000, layout: 'auto', applied_layout: 'grid',
        hls_url: '/hls/town-hall-k3m9qz/index.m3u8', viewers: 12, recording: false,
        targets: [{ id: 't1', name: 'YouTube', state: 'live', error: '' }],
        on_program: ['0f8e3c2a-5b71-4d2e-9a6c-3e1f7b9d4c10', '3b6f2d1c-8e9a-4f7b-a5c3-2d1e0f9a8b7c'],
    };
    const attendee = { type: 'broadcast', state: 'live', since: 1767258000000, hls_url: '/hls/town-hall-k3m9qz/index.m3u8' };

    it('parses the staff shape with every member', () => {
        const msg = parseServerMessage(JSON.stringify(staff));
        expect(msg).toEqual(staff);
        if (msg.type !== 'broadcast') throw new Error('type');
        expect(staffView(msg)?.viewers).toBe(12);
    });

    it('parses the attendee shape without staff members', () => {
        const msg = parseServerMessage(JSON.stringify(attendee));
        expect(msg).toEqual(attendee);
        if (msg.type !== 'broadcast') throw new Error('type');
        expect(staffView(msg)).toBeNull();
    });

    it('drops unknown members', () => {
        expect(parseServerMessage(JSON.stringify({ ...attendee, extra: 1 }))).toEqual(attendee);
    });

    it('keeps an unknown state and a failure reason as text', () => {
        const msg = parseServerMessage(JSON.stringify({ ...staff, state: 'failed', reason: 'compositor_crashed', targets: [] }));
        expect(msg).toMatchObject({ state: 'failed', reason: 'compositor_crashed', targets: [] });
        expect(parseServerMessage(JSON.stringify({ ...attendee, state: 'paused' }))).toMatchObject({ state: 'paused' });
    });

    it('reads the admin REST view (no type) the same way', () => {
        const { type: _t, ...view } = staff;
        expect(parseBroadcastView(view)).toEqual(view);
        expect(() => parseBroadcastView([view])).toThrow(ProtocolError);
    });

    const bad: Array<[string, unknown]> = [
        ['no state', { ...attendee, state: undefined }],
        ['no hls_url', { ...attendee, hls_url: undefined }],
        ['since as a string', { ...attendee, since: '1767258000000' }],
        ['half the staff members', { ...attendee, viewers: 3 }],
        ['viewers negative', { ...staff, viewers: -1 }],
        ['viewers fractional', { ...staff, viewers: 1.5 }],
        ['recording as a string', { ...staff, recording: 'no' }],
        ['a target without state', { ...staff, targets: [{ id: 't1', name: 'YouTube', error: '' }] }],
        ['on_program with a number', { ...staff, on_program: [1] }],
    ];
    for (const [name, frame] of bad) {
        it(`refuses ${name}`, () => {
            expect(() => parseServerMessage(JSON.stringify(frame))).toThrow(ProtocolError);
        });
    }

    it('encodes the three broadcast commands', () => {
        expect(encodeCommand({ type: 'broadcast_start', id: 'b1' })).toBe('{"type":"broadcast_start","id":"b1"}');
        expect(encodeCommand({ type: 'broadcast_stop', id: 'b2' })).toBe('{"type":"broadcast_stop","id":"b2"}');
        expect(encodeCommand({ type: 'set_layout', id: 'b3', layout: 'focus', focus: 'p1' })).toBe(
            '{"type":"set_layout","id":"b3","layout":"focus","focus":"p1"}',
        );
        // focus is absent unless a person is chosen
        expect(encodeCommand({ type: 'set_layout', id: 'b4', layout: 'grid' })).toBe('{"type":"set_layout","id":"b4","layout":"grid"}');
    });
});

describe('parseServerMessage against events', () => {
    it('finds the fixtures', () => {
        expect(events.length).toBeGreaterThan(20);
    });

    for (const { file, data } of events) {
        it(file, () => {
            const event = data['event'] as Rec;
            const frame = data['stream_event'] === true ? { seq: 42, ...event } : event;
            const msg = parseServerMessage(JSON.stringify(frame));
            expect(msg.type).toBe(event['type']);
            // Nothing is lost or invented: the parsed message is the frame.
            expect(msg).toEqual(frame);
        });
    }

    it('ignores unknown members and keeps an unknown stream event as a position', () => {
        const msg = parseServerMessage('{"seq":7,"type":"poll","question":"?"}');
        expect(msg).toEqual({ seq: 7, type: 'unknown', wire_type: 'poll' });
        const ack = parseServerMessage('{"type":"ack","id":"c1","extra":1}');
        expect(ack).toEqual({ type: 'ack', id: 'c1' });
    });
});

describe('parseServerMessage refuses garbage', () => {
    const garbage: Array<[string, string]> = [
        ['not json', '{"type":'],
        ['empty', ''],
        ['an array', '[1,2]'],
        ['null', 'null'],
        ['a string', '"ack"'],
        ['no type', '{"id":"c1"}'],
        ['type not a string', '{"type":3}'],
        ['ack without id', '{"type":"ack"}'],
        ['error with numeric id', '{"type":"error","id":1,"code":"x","message":"y"}'],
        ['status without seq', '{"type":"status","attendee":{}}'],
        ['status with a bad attendee', '{"seq":1,"type":"status","attendee":{"id":"a"}}'],
        ['snapshot with attendees not an array', '{"seq":1,"type":"snapshot","me":null,"attendees":{},"online":[]}'],
        ['on_air as a string', '{"seq":1,"type":"on_air","moderator_id":"m","on_air":"true"}'],
        ['negative seq', '{"seq":-1,"type":"revoked","reason":"kicked"}'],
        ['fractional seq', '{"seq":1.5,"type":"revoked","reason":"kicked"}'],
        ['unknown type without seq', '{"type":"poll"}'],
        ['welcome without event', '{"type":"welcome","participant":{"id":"a","name":"b","role":"attendee"},"seq":0}'],
    ];
    for (const [name, text] of garbage) {
        it(name, () => {
            expect(() => parseServerMessage(text)).toThrow(ProtocolError);
        });
    }
});
