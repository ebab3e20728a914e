// Where onstage serves an event's HLS playlist (the `hls_url` of the broadcast state).
export function hlsUrlFor(eventId: string): string {
    return `/hls/${encodeURIComponent(eventId)}/index.m3u8`;
}
