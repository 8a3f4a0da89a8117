package dev.otlprelay.sample;

import java.util.ArrayList;
import java.util.List;

/**
 * What one hold of the sampling stage's lock decided, handed on after the lock is released: the traces kept for
 * at least one route, and the late spans of traces kept before. {@link #handTo} stamps each route's kept spans
 * ({@link WeightStamp}), builds them into batches ({@link BatchAssembler}, one per client context, at most about
 * {@link #MAX_BATCH_BYTES} each), puts them in the route's {@link Outbox} in place of what was reserved there at
 * the decision, and offers the outbox to its route.
 *
 * <p>Filled under the stage's lock by one thread, then handed on by that same thread outside it; never shared.
 */
final class Handoff {
    /** Kept spans leave in batches of at most about this many bytes. */
    static final long MAX_BATCH_BYTES = 1 << 20;

    private final List<Decided> decided = new ArrayList<>();
    private final List<Late> late = new ArrayList<>();

    /** A trace decided under the lock, kept for at least one route. */
    private record Decided(BufferedTrace trace, Decision[] decisions) {
    }

    /** Spans of a kept trace that arrived after its decision. */
    private record Late(Arrivals.Group group, Decision[] decisions, long receivedNanos) {
    }

    /** A trace just decided and kept for some route; its spans were reserved in those routes' outboxes. */
    void decided(BufferedTrace trace, Decision[] decisions) {
        decided.add(new Decided(trace, decisions));
    }

    /** Spans that follow a remembered decision to keep; they were reserved in the keeping routes' outboxes. */
    void late(Arrivals.Group group, Decision[] decisions, long receivedNanos) {
        late.add(new Late(group, decisions, receivedNanos));
    }

    /** Stamps and batches what was decided, per route, into its outbox; then offers the outboxes. */
    void handTo(Outbox[] outboxes) {
        if (decided.isEmpty() && late.isEmpty()) {
            return;
        }
        for (int i = 0; i < outboxes.length; i++) {
            BatchAssembler assembler = new BatchAssembler(MAX_BATCH_BYTES);
            long reserved = 0;
            for (Decided d : decided) {
                Decision decision = d.decisions()[i];
                if (!decision.keep()) {
                    continue;
                }
                BufferedTrace trace = d.trace();
                List<SpanRef> spans = trace.spans();
                for (int s = 0; s < spans.size(); s++) {
                    assembler.add(spans.get(s), trace.client(s), decision, trace.receivedNanos());
                }
                reserved += trace.bytes();
            }
            for (Late lateSpans : late) {
                Decision decision = lateSpans.decisions()[i];
                if (!decision.keep()) {
                    continue;
                }
                for (SpanRef ref : lateSpans.group().spans()) {
                    assembler.add(ref, lateSpans.group().client(), decision, lateSpans.receivedNanos());
                }
                reserved += lateSpans.group().bytes();
            }
            if (reserved > 0) {
                outboxes[i].add(assembler.finish(), reserved);
                outboxes[i].drain();
            }
        }
    }
}
