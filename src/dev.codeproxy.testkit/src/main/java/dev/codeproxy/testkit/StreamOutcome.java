package dev.codeproxy.testkit;

/**
 * How the fake upstream finished one reply; see {@link FakeUpstream#streamOutcomes()}.
 */
public enum StreamOutcome {
    /** The whole reply was written and flushed. */
    COMPLETED,
    /**
     * The peer went away: writing failed, the peer closed its side while the reply was waiting
     * (delay, gate, {@link Reply#hang()}), or the upstream was closed while the reply was pending.
     */
    PEER_CLOSED,
    /** The reply ended with a scripted abrupt cut (RST): {@link Reply#cutAfterEvents(int)}, {@link Reply#cutAfterBytes(long)}, {@link Reply#reset()}. */
    CUT
}
