package dev.codeproxy.store.log;

import java.util.List;

/**
 * What a request added to its conversation: its messages against those of the previous request
 * of the same Claude Code session still stored with its body ("what did Claude Code just send?").
 * When the conversation grew (as many messages as before or more), the messages past the previous
 * request's count are new, and earlier ones whose bytes differ are {@code changed} (Claude Code
 * moves its cache marker off the message that was last; context edits rewrite old ones). When it
 * shrank (compacted, cleared), every message the previous request did not hold is new.
 *
 * @param total       messages in this request
 * @param fresh       how many of them are new
 * @param newIndexes  the new messages' positions in {@code messages} (0-based)
 * @param changed     messages in the previous request's positions whose bytes differ
 * @param previousId  the request compared with; null when there is none (first of its session,
 *                    no session, or its body was pruned), and then every message counts as new
 */
public record MessageDelta(int total, int fresh, List<Integer> newIndexes, Long previousId, int changed) {
}
