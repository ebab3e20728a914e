import { describe, expect, it } from 'vitest';
import { loadChoice, probeDevices, probeMessage, saveChoice, type DeviceCheckStrings, type MediaDevicesLike } from './devices';

// A fake navigator.mediaDevices: which kinds exist, and whether the person allows capture.
function fakeDevices(opts: { mic: boolean; camera: boolean; allow: boolean }) {
    const calls: MediaStreamConstraints[] = [];
    const md: MediaDevicesLike = {
        getUserMedia(c) {
            calls.push(c);
            if (!opts.allow) return Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
            if ((c.audio && !opts.mic) || (c.video && !opts.camera)) {
                return Promise.reject(new DOMException('Requested device not found', 'NotFoundError'));
            }
            const kinds = [...(c.audio ? ['audio'] : []), ...(c.video ? ['video'] : [])];
            return Promise.resolve({ kinds } as unknown as MediaStream);
        },
        enumerateDevices() {
            const list = [
                ...(opts.mic ? [{ kind: 'audioinput', deviceId: 'mic1', label: 'Mic', groupId: 'g' }] : []),
                ...(opts.camera ? [{ kind: 'videoinput', deviceId: 'cam1', label: 'Cam', groupId: 'g' }] : []),
            ];
            return Promise.resolve(list as unknown as MediaDeviceInfo[]);
        },
    };
    return { md, calls };
}

const DEFAULT = { audioId: null, videoId: null, audioOnly: false };

describe('probeDevices (the device check)', () => {
    it('opens camera and microphone when both exist', async () => {
        const { md } = fakeDevices({ mic: true, camera: true, allow: true });
        const r = await probeDevices(md, DEFAULT);
        expect(r.kind).toBe('ok');
        if (r.kind !== 'ok') return;
        expect(r.audioOnly).toBe(false);
        expect(r.devices.video.map((d) => d.deviceId)).toEqual(['cam1']);
    });

    it('says permission was denied (NotAllowedError) without trying further', async () => {
        const { md, calls } = fakeDevices({ mic: true, camera: true, allow: false });
        const r = await probeDevices(md, DEFAULT);
        expect(r).toMatchObject({ kind: 'denied', code: 'device_denied' });
        expect(calls).toHaveLength(1);
    });

    it('falls back to audio only when there is a microphone but no camera', async () => {
        const { md, calls } = fakeDevices({ mic: true, camera: false, allow: true });
        const r = await probeDevices(md, DEFAULT);
        expect(r).toMatchObject({ kind: 'ok', audioOnly: true });
        expect(calls[calls.length - 1]?.video).toBe(false);
    });

    it('says no device exists when there is not even a microphone', async () => {
        const { md } = fakeDevices({ mic: false, camera: false, allow: true });
        expect(await probeDevices(md, DEFAULT)).toMatchObject({ kind: 'no_devices', code: 'device_missing' });
    });

    it('uses the default device when the remembered one is gone', async () => {
        const calls: MediaStreamConstraints[] = [];
        const md: MediaDevicesLike = {
            getUserMedia(c) {
                calls.push(c);
                const exact = JSON.stringify(c).includes('exact');
                return exact ? Promise.reject(new DOMException('gone', 'OverconstrainedError')) : Promise.resolve({} as MediaStream);
            },
            enumerateDevices: () => Promise.resolve([]),
        };
        const r = await probeDevices(md, { audioId: 'old-mic', videoId: 'old-cam', audioOnly: false });
        expect(r).toMatchObject({ kind: 'ok', audioOnly: false });
        expect(calls).toHaveLength(2);
    });
});

const STRINGS: DeviceCheckStrings = {
    title: 't', intro: 'i', camera: 'c', microphone: 'm', defaultDevice: 'd', noCamera: 'n', level: 'l', checking: 'ch',
    continue: 'go', tryAgain: 'again', cancel: 'x', denied: 'You blocked the camera and microphone.',
    noDevices: 'No microphone found.', busy: 'busy', failed: (code) => `failed ${code}`, audioOnly: 'No camera: audio only.',
};

describe('the device check message', () => {
    it('explains a denied permission', async () => {
        const { md } = fakeDevices({ mic: true, camera: true, allow: false });
        expect(probeMessage(await probeDevices(md, DEFAULT), STRINGS)).toEqual({ text: STRINGS.denied, error: true });
    });
    it('tells the person they join with audio only', async () => {
        const { md } = fakeDevices({ mic: true, camera: false, allow: true });
        expect(probeMessage(await probeDevices(md, DEFAULT), STRINGS)).toEqual({ text: STRINGS.audioOnly, error: false });
    });
    it('says nothing when camera and microphone work', async () => {
        const { md } = fakeDevices({ mic: true, camera: true, allow: true });
        expect(probeMessage(await probeDevices(md, DEFAULT), STRINGS)).toBeNull();
    });
});

describe('remembered choice', () => {
    it('round-trips through storage and ignores garbage', () => {
        const store = new Map<string, string>();
        const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
        expect(loadChoice(storage)).toBeNull();
        saveChoice({ audioId: 'mic1', videoId: null, audioOnly: true }, storage);
        expect(loadChoice(storage)).toEqual({ audioId: 'mic1', videoId: null, audioOnly: true });
        store.set('onstage.devices', '{not json');
        expect(loadChoice(storage)).toBeNull();
    });
});
