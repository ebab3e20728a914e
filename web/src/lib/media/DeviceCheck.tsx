// The device check shown before the first call: camera and microphone pickers, a live preview,
// a mic level meter, and plain words when permission is denied or no device exists (with an
// audio-only fallback when there is a microphone but no camera). Continue remembers the choice.
import { useEffect, useState } from 'react';
import {
    probeDevices,
    probeMessage,
    type DeviceCheckStrings,
    type DeviceChoice,
    type MediaDevicesLike,
    type ProbeResult,
} from './devices';
import { VideoTile, type MediaStrings } from './MediaViews';

const NONE = '__none__';

function stopAll(stream: MediaStream | null | undefined): void {
    for (const t of stream?.getTracks() ?? []) t.stop();
}

// The device the browser actually opened, so Continue remembers a real id even for "default".
function openedId(stream: MediaStream, kind: 'audio' | 'video'): string | null {
    const track = kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
    return track?.getSettings?.().deviceId ?? null;
}

export function DeviceCheck(props: {
    strings: MediaStrings;
    initial: DeviceChoice | null;
    onContinue: (choice: DeviceChoice) => void;
    onCancel?: () => void;
    mediaDevices?: MediaDevicesLike;
}) {
    const s: DeviceCheckStrings = props.strings.check;
    const [wanted, setWanted] = useState<DeviceChoice>(props.initial ?? { audioId: null, videoId: null, audioOnly: false });
    const [attempt, setAttempt] = useState(0);
    const [result, setResult] = useState<ProbeResult | null>(null);
    const md = props.mediaDevices ?? (typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined);

    useEffect(() => {
        if (!md) {
            setResult({ kind: 'failed', code: 'no_media_devices', devices: { audio: [], video: [] } });
            return undefined;
        }
        let cancelled = false;
        let opened: MediaStream | null = null;
        setResult(null);
        void probeDevices(md, wanted).then((r) => {
            if (cancelled) {
                if (r.kind === 'ok') stopAll(r.stream);
                return;
            }
            if (r.kind === 'ok') opened = r.stream;
            setResult(r);
        });
        return () => {
            cancelled = true;
            stopAll(opened);
        };
    }, [md, wanted, attempt]);

    const message = result ? probeMessage(result, s) : null;
    const stream = result?.kind === 'ok' ? result.stream : null;
    const audioOnly = result?.kind === 'ok' && result.audioOnly;
    const devices = result?.devices ?? { audio: [], video: [] };
    const finish = () => {
        if (!stream) return;
        props.onContinue({
            audioId: wanted.audioId ?? openedId(stream, 'audio'),
            videoId: audioOnly ? null : (wanted.videoId ?? openedId(stream, 'video')),
            audioOnly,
        });
    };

    return (
        <section className="card device-check" aria-labelledby="device-check-title">
            <h2 id="device-check-title">{s.title}</h2>
            <p className="muted">{s.intro}</p>
            {!result && <p role="status">{s.checking}</p>}
            {stream && !audioOnly && (
                <VideoTile stream={stream} name={props.strings.you} testId="device-preview" self strings={props.strings} />
            )}
            {message && <p className={message.error ? 'error' : 'notice'} role={message.error ? 'alert' : 'status'}>{message.text}</p>}
            <div className="row">
                <label>
                    {s.camera}{' '}
                    <select
                        value={wanted.audioOnly ? NONE : (wanted.videoId ?? '')}
                        onChange={(e) => {
                            const v = e.target.value;
                            setWanted({ ...wanted, audioOnly: v === NONE, videoId: v === NONE || v === '' ? null : v });
                        }}
                    >
                        <option value="">{s.defaultDevice}</option>
                        {devices.video.map((d, i) => <option key={d.deviceId || i} value={d.deviceId}>{d.label || `${s.camera} ${i + 1}`}</option>)}
                        <option value={NONE}>{s.noCamera}</option>
                    </select>
                </label>
                <label>
                    {s.microphone}{' '}
                    <select value={wanted.audioId ?? ''} onChange={(e) => setWanted({ ...wanted, audioId: e.target.value || null })}>
                        <option value="">{s.defaultDevice}</option>
                        {devices.audio.map((d, i) => <option key={d.deviceId || i} value={d.deviceId}>{d.label || `${s.microphone} ${i + 1}`}</option>)}
                    </select>
                </label>
            </div>
            {stream && <MicLevel stream={stream} label={s.level} />}
            <div className="row">
                <button data-testid="device-continue" disabled={!stream} onClick={finish}>{s.continue}</button>
                {result && result.kind !== 'ok' && (
                    <button className="secondary" onClick={() => setAttempt((n) => n + 1)}>{s.tryAgain}</button>
                )}
                {props.onCancel && <button className="secondary" onClick={props.onCancel}>{s.cancel}</button>}
            </div>
        </section>
    );
}

// A live level meter for the microphone (WebAudio AnalyserNode, peak of each frame).
function MicLevel(props: { stream: MediaStream; label: string }) {
    const [level, setLevel] = useState(0);
    useEffect(() => {
        const Ctx = typeof window !== 'undefined' ? window.AudioContext : undefined;
        if (!Ctx || props.stream.getAudioTracks().length === 0) return undefined;
        const ctx = new Ctx();
        void ctx.resume().catch(() => undefined);
        const source = ctx.createMediaStreamSource(props.stream);
        const analyser = ctx.createAnalyser();
        analyser.fftSize = 512;
        source.connect(analyser);
        const buf = new Uint8Array(analyser.fftSize);
        let frame = 0;
        const tick = () => {
            analyser.getByteTimeDomainData(buf);
            let peak = 0;
            for (const v of buf) peak = Math.max(peak, Math.abs(v - 128));
            setLevel(Math.round((peak / 128) * 20) / 20); // 5 % steps: fewer renders
            frame = requestAnimationFrame(tick);
        };
        tick();
        return () => {
            cancelAnimationFrame(frame);
            source.disconnect();
            void ctx.close().catch(() => undefined);
        };
    }, [props.stream]);
    return (
        <label className="mic-level">
            {props.label} <meter min={0} max={1} low={0.05} value={level} />
        </label>
    );
}
