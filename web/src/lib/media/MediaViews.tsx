// Video tiles, the feed grid, the person's own media controls and media trouble notices. They
// hold no text of their own: each app passes its MediaStrings.
import { useEffect, useRef, useState } from 'react';
import type { DeviceCheckStrings } from './devices';
import type { RemoteFeed } from './MediaClient';
import type { MediaHandle } from './useMedia';

export interface MediaStrings {
    you: string;
    screenOf: (name: string) => string;
    micOffBadge: string; // a moderator turned this feed's audio off
    cameraOffBadge: string;
    connecting: string;
    enableSound: string;
    muteMic: string;
    unmuteMic: string;
    cameraOff: string;
    cameraOn: string;
    shareScreen: string;
    stopSharing: string;
    changeDevices: string;
    unavailable: string;
    retry: string;
    fault: (code: string, message: string) => string;
    roles: Record<string, string>;
    check: DeviceCheckStrings;
}

export function VideoTile(props: {
    stream: MediaStream | null;
    name: string;
    role?: string;
    testId: string;
    self?: boolean;
    audioMuted?: boolean;
    videoMuted?: boolean;
    large?: boolean;
    connecting?: boolean;
    strings: MediaStrings;
}) {
    const ref = useRef<HTMLVideoElement>(null);
    const [silenced, setSilenced] = useState(false); // the browser refused to autoplay with sound
    const { stream } = props;
    useEffect(() => {
        const video = ref.current;
        if (!video) return;
        if (video.srcObject !== stream) video.srcObject = stream;
        if (!stream) return;
        video.play().catch((err: unknown) => {
            // Autoplay with sound needs an earlier click on the page: play muted, offer sound.
            if ((err as { name?: string }).name !== 'NotAllowedError' || video.muted) return;
            video.muted = true;
            setSilenced(true);
            video.play().catch(() => undefined);
        });
    }, [stream]);
    const unmute = () => {
        const video = ref.current;
        if (video) video.muted = false;
        setSilenced(false);
    };
    const s = props.strings;
    return (
        <figure className={`tile${props.large ? ' large' : ''}${props.self ? ' self' : ''}`} data-testid={props.testId}>
            <video ref={ref} autoPlay playsInline muted={props.self === true} />
            <figcaption>
                <span className="tile-name">{props.name}</span>
                {props.role && <span className="tile-role">{s.roles[props.role] ?? props.role}</span>}
                {props.audioMuted && <span className="tag on">{s.micOffBadge}</span>}
                {props.videoMuted && <span className="tag on">{s.cameraOffBadge}</span>}
                {props.connecting && <span className="tag">{s.connecting}</span>}
                {silenced && <button className="small" onClick={unmute}>{s.enableSound}</button>}
            </figcaption>
        </figure>
    );
}

export function FeedTile(props: { feed: RemoteFeed; strings: MediaStrings; large?: boolean }) {
    const v = props.feed.view;
    const name = v.source === 'screen' ? props.strings.screenOf(v.name) : v.name;
    return (
        <VideoTile
            stream={props.feed.stream}
            name={name}
            role={v.role}
            testId={`feed-${v.participant_id}-${v.source}`}
            audioMuted={v.audio_muted}
            videoMuted={v.video_muted}
            connecting={props.feed.state === 'starting'}
            large={props.large === true}
            strings={props.strings}
        />
    );
}

export function FeedGrid(props: { feeds: RemoteFeed[]; strings: MediaStrings; large?: boolean }) {
    if (props.feeds.length === 0) return null;
    return (
        <div className={props.large ? 'tiles large' : 'tiles'}>
            {props.feeds.map((f) => (
                <FeedTile key={f.view.feed} feed={f} strings={props.strings} />
            ))}
        </div>
    );
}

export function SelfView(props: { media: MediaHandle; strings: MediaStrings }) {
    const snap = props.media.snapshot;
    if (!snap.localStream) return null;
    return <VideoTile stream={snap.localStream} name={props.strings.you} testId="self-view" self videoMuted={!snap.camOn} strings={props.strings} />;
}

// Mic and camera switches, screen sharing when the plan allows it, and a way back to the
// device check.
export function MediaControls(props: { media: MediaHandle; strings: MediaStrings; onError?: (text: string) => void }) {
    const { media, strings: s } = props;
    const snap = media.snapshot;
    const [sharing, setSharing] = useState(false);
    if ((snap.plan?.publish.length ?? 0) === 0) return null;
    const share = async () => {
        setSharing(true);
        try {
            await media.startScreen();
        } catch (err) {
            const e = err as { code?: string; name?: string; message?: string };
            if (e.name !== 'NotAllowedError') props.onError?.(s.fault(e.code ?? e.name ?? 'media_error', e.message ?? ''));
        } finally {
            setSharing(false);
        }
    };
    return (
        <div className="row media-controls">
            <button className="small secondary" aria-pressed={!snap.micOn} onClick={() => media.setMic(!snap.micOn)}>
                {snap.micOn ? s.muteMic : s.unmuteMic}
            </button>
            <button className="small secondary" aria-pressed={!snap.camOn} onClick={() => media.setCamera(!snap.camOn)}>
                {snap.camOn ? s.cameraOff : s.cameraOn}
            </button>
            {snap.plan?.screen &&
                (snap.screenStream ? (
                    <button className="small secondary" onClick={media.stopScreen}>{s.stopSharing}</button>
                ) : (
                    <button className="small secondary" disabled={sharing} onClick={() => void share()}>{s.shareScreen}</button>
                ))}
            <button className="small secondary" onClick={media.openDeviceCheck}>{s.changeDevices}</button>
        </div>
    );
}

export function MediaTrouble(props: { media: MediaHandle; strings: MediaStrings }) {
    const snap = props.media.snapshot;
    const s = props.strings;
    if (!snap.unavailable && snap.faults.length === 0) return null;
    return (
        <div className="banner" role="status">
            {snap.unavailable && <p>{s.unavailable}</p>}
            {snap.faults.map((f) => (
                <p key={f.target} className="error">{s.fault(f.code, f.message)}</p>
            ))}
            {snap.faults.length > 0 && (
                <button className="small secondary" onClick={props.media.retry}>{s.retry}</button>
            )}
        </div>
    );
}
