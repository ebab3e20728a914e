import { describe, expect, it } from 'vitest';
import { encodeCommand } from '../protocol';
import { broadcastButtons, layoutCommand, programPeople } from './panel';

describe('broadcast panel buttons', () => {
    it('start in idle and failed, stop in starting, live and failed', () => {
        const table = ['idle', 'starting', 'live', 'stopping', 'failed'].map((s) => [s, broadcastButtons(s, false)]);
        expect(Object.fromEntries(table)).toEqual({
            idle: { start: true, stop: false },
            starting: { start: false, stop: true },
            live: { start: false, stop: true },
            stopping: { start: false, stop: false },
            failed: { start: true, stop: true },
        });
    });

    it('nothing while busy, with the state unknown, or in a state this app does not know', () => {
        expect(broadcastButtons('idle', true)).toEqual({ start: false, stop: false });
        expect(broadcastButtons('live', true)).toEqual({ start: false, stop: false });
        expect(broadcastButtons(null, false)).toEqual({ start: false, stop: false });
        expect(broadcastButtons('paused', false)).toEqual({ start: false, stop: false });
    });
});

describe('layoutCommand', () => {
    it('sends focus only with the focus layout and a chosen person', () => {
        const wire = (c: ReturnType<typeof layoutCommand>) => JSON.parse(encodeCommand({ ...c, id: 'b3' } as Parameters<typeof encodeCommand>[0]));
        expect(wire(layoutCommand('focus', 'p1'))).toEqual({ type: 'set_layout', id: 'b3', layout: 'focus', focus: 'p1' });
        expect(wire(layoutCommand('focus', ''))).toEqual({ type: 'set_layout', id: 'b3', layout: 'focus' });
        expect(wire(layoutCommand('grid', 'p1'))).toEqual({ type: 'set_layout', id: 'b3', layout: 'grid' });
        expect(wire(layoutCommand('auto', ''))).toEqual({ type: 'set_layout', id: 'b3', layout: 'auto' });
    });
});

describe('programPeople', () => {
    it('names everyone on the program in order, unknown ids as unnamed', () => {
        const names: Record<string, string> = { a: 'Ada', t: 'Tess' };
        expect(programPeople(['t', 'x', 'a'], (id) => names[id], '(no name)')).toEqual([
            { id: 't', name: 'Tess' },
            { id: 'x', name: '(no name)' },
            { id: 'a', name: 'Ada' },
        ]);
    });
});
