package dev.otlprelay.export.xray;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntPredicate;

/** Keeps every datagram instead of sending it; can be told which sends fail. */
final class CapturingSender implements DatagramSender {
    final List<byte[]> datagrams = new ArrayList<>();
    private final IntPredicate fails;
    private int attempts;
    private BitSet failed = new BitSet();
    private int sinceFlush;
    int flushes;

    CapturingSender() {
        this(i -> false);
    }

    /** {@code fails} is asked with the 0-based number of each send attempt. */
    CapturingSender(IntPredicate fails) {
        this.fails = fails;
    }

    @Override
    public void send(ByteBuffer datagram) {
        int index = sinceFlush++;
        if (fails.test(attempts++)) {
            failed.set(index);
            return;
        }
        byte[] copy = new byte[datagram.remaining()];
        datagram.get(copy);
        datagrams.add(copy);
    }

    @Override
    public BitSet flush() {
        flushes++;
        BitSet result = failed;
        failed = new BitSet();
        sinceFlush = 0;
        return result;
    }

    @Override
    public void close() {
    }
}
