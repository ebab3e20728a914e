// Camera and microphone choice: what the device check offers, how a choice turns into capture
// constraints, and where it is remembered (localStorage) so a reload does not ask again.
import { deviceErrorCode } from './peer';

export interface DeviceChoice {
    audioId: string | null; // null: the browser's default
    videoId: string | null;
    audioOnly: boolean; // no camera (none found, or the person chose none)
}

export interface DeviceLists {
    audio: MediaDeviceInfo[];
    video: MediaDeviceInfo[];
}

// The part of navigator.mediaDevices the device check uses.
export interface MediaDevicesLike {
    getUserMedia(c: MediaStreamConstraints): Promise<MediaStream>;
    enumerateDevices(): Promise<MediaDeviceInfo[]>;
}

const STORAGE_KEY = 'onstage.devices';

export function loadChoice(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): DeviceChoice | null {
    try {
        const raw = storage?.getItem(STORAGE_KEY);
        if (!raw) return null;
        const v = JSON.parse(raw) as Partial<DeviceChoice>;
        const id = (x: unknown) => (typeof x === 'string' && x !== '' ? x : null);
        return { audioId: id(v.audioId), videoId: id(v.videoId), audioOnly: v.audioOnly === true };
    } catch {
        return null;
    }
}

export function saveChoice(choice: DeviceChoice, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
    try {
        storage?.setItem(STORAGE_KEY, JSON.stringify(choice));
    } catch {
        // Private mode or full storage: the check will simply ask again next time.
    }
}

export function constraintsFor(choice: DeviceChoice, exact = true): MediaStreamConstraints {
    const pick = (id: string | null) => (id && exact ? { deviceId: { exact: id } } : {});
    return {
        audio: { ...pick(choice.audioId), echoCancellation: true, noiseSuppression: true },
        video: choice.audioOnly ? false : { ...pick(choice.videoId), width: { ideal: 1280 }, height: { ideal: 720 } },
    };
}

// Opens the chosen devices; a remembered device that is gone falls back to the default one.
export async function captureChoice(md: Pick<MediaDevicesLike, 'getUserMedia'>, choice: DeviceChoice): Promise<MediaStream> {
    try {
        return await md.getUserMedia(constraintsFor(choice));
    } catch (err) {
        if (deviceErrorCode(err) !== 'device_missing' || (choice.audioId === null && choice.videoId === null)) throw err;
        return md.getUserMedia(constraintsFor(choice, false));
    }
}

export type ProbeResult =
    | { kind: 'ok'; stream: MediaStream; audioOnly: boolean; devices: DeviceLists }
    | { kind: 'denied' | 'no_devices' | 'busy' | 'failed'; code: string; devices: DeviceLists };

export async function listDevices(md: MediaDevicesLike): Promise<DeviceLists> {
    const all = await md.enumerateDevices().catch(() => [] as MediaDeviceInfo[]);
    // Before permission is granted the ids are empty: nothing to choose between yet.
    const usable = all.filter((d) => d.deviceId !== '');
    return { audio: usable.filter((d) => d.kind === 'audioinput'), video: usable.filter((d) => d.kind === 'videoinput') };
}

// What the device check shows: the preview with camera and microphone, or with the microphone
// only when there is no usable camera, or why neither works.
export async function probeDevices(md: MediaDevicesLike, wanted: DeviceChoice): Promise<ProbeResult> {
    let firstError: unknown = null;
    if (!wanted.audioOnly) {
        try {
            const stream = await captureChoice(md, wanted);
            return { kind: 'ok', stream, audioOnly: false, devices: await listDevices(md) };
        } catch (err) {
            if (deviceErrorCode(err) === 'device_denied') return { kind: 'denied', code: 'device_denied', devices: await listDevices(md) };
            firstError = err;
        }
    }
    try {
        const stream = await captureChoice(md, { ...wanted, audioOnly: true });
        return { kind: 'ok', stream, audioOnly: true, devices: await listDevices(md) };
    } catch (err) {
        const code = deviceErrorCode(err);
        const devices = await listDevices(md);
        if (code === 'device_denied') return { kind: 'denied', code, devices };
        if (code === 'device_missing') return { kind: 'no_devices', code, devices };
        if (code === 'device_busy' || deviceErrorCode(firstError) === 'device_busy') return { kind: 'busy', code: 'device_busy', devices };
        return { kind: 'failed', code, devices };
    }
}

export interface DeviceCheckStrings {
    title: string;
    intro: string;
    camera: string;
    microphone: string;
    defaultDevice: string;
    noCamera: string; // the camera picker's "none" option
    level: string;
    checking: string;
    continue: string;
    tryAgain: string;
    cancel: string;
    denied: string;
    noDevices: string;
    busy: string;
    failed: (code: string) => string;
    audioOnly: string;
}

// The sentence the device check shows for a probe result (null: all is well).
export function probeMessage(r: ProbeResult, s: DeviceCheckStrings): { text: string; error: boolean } | null {
    switch (r.kind) {
        case 'ok':
            return r.audioOnly ? { text: s.audioOnly, error: false } : null;
        case 'denied':
            return { text: s.denied, error: true };
        case 'no_devices':
            return { text: s.noDevices, error: true };
        case 'busy':
            return { text: s.busy, error: true };
        case 'failed':
            return { text: s.failed(r.code), error: true };
    }
}
