import { describe, expect, it } from 'vitest';
import { loadFixtures } from './fixtures';
import {
    COMMAND_MEMBERS,
    encodeCommand,
    parseServerMessage,
    ProtocolError,
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
    return cmd as unknown as Command | HelloCommand;
}

// What the server reads of a wire frame: type, id (not for hello) and the command's own members;
// unknown members and null optional members are ignored (protocol.md "Conventions").
function meaningfulWire(wire: Rec): Rec {
    const type = wire['type'] as keyof typeof COMMAND_MEMBERS;
    const out: Rec = { type };
    if (type !== 'hello') out['id'] = wire['id'];
    for (const m of COMMAND_MEMBERS[type]) {
        if (wire[m] !== undefined && wire[m] !== null) out[m] = wire[m];
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
