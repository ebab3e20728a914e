// Every user-visible string of the public viewer page.
export const S = {
    title: 'onstage',
    loading: 'Opening the event…',
    badLink: 'This link is incomplete. Please open the viewer link you were given.',
    notWatchable: 'This event cannot be watched from this link. It may be private, or the link may be mistyped.',
    ended: 'This event has ended. Thank you for watching!',
    failed: 'We could not reach the event right now. Please try again in a moment.',
    retry: 'Try again',
    watching: 'You are watching',
    player: {
        label: 'The broadcast',
        soon: 'The broadcast starts soon.',
        reconnecting: 'Reconnecting to the broadcast…',
        ended: 'The broadcast has ended.',
        unmute: 'Unmute broadcast',
        unsupported: 'This browser cannot play the broadcast. Please try another browser.',
    },
    watchOnly: 'This is a watch-only link: to ask a question, use the personal link you were sent.',
};
